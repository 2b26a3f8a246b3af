use std::time::{Duration, Instant};

/// Polls `check` every 200 ms until it returns `Some`, or fails after `timeout` with the last
/// state `describe` gives (so a failure says what was there instead of what was expected).
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Option<T>,
    describe: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check() {
            return v;
        }
        if Instant::now() > deadline {
            panic!(
                "timed out after {timeout:?} waiting for {what}; last seen: {}",
                describe()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
