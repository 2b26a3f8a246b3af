//! The worker isolate seen through its inspector port (`bench/inspect.mjs`): its JS heap sampled
//! while a bench runs, and CPU profiles.

use crate::shell::root;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Samples the isolate's JS heap every few seconds until finished; keeps the largest figure, and
/// reads the isolate's WebAssembly memory (where the Rust heap lives) at the end.
pub struct HeapWatch {
    child: Child,
    reader: Option<JoinHandle<()>>,
    figures: Arc<Mutex<Memory>>,
}

/// What a [`HeapWatch`] saw, MiB.
#[derive(Clone, Copy, Default)]
pub struct Memory {
    /// The largest JS heap in use sampled.
    pub peak_js_heap_mib: Option<f64>,
    /// The WebAssembly memory at the end: it only grows, so this is its peak.
    pub wasm_mib: Option<f64>,
}

/// Starts `node bench/inspect.mjs PORT ARGS…` on the isolate behind inspector `port`.
fn inspect(port: u16, args: &[&str], stdout: Stdio) -> Result<Child, String> {
    let script = root().join("bench/inspect.mjs");
    Command::new("node")
        .arg(&script)
        .arg(port.to_string())
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("starting node {}: {e}", script.display()))
}

/// How often the heap is sampled, seconds.
const EVERY_S: &str = "5";

impl HeapWatch {
    /// Starts sampling the isolate behind inspector `port`, echoing each sample as `label`.
    pub fn start(port: u16, label: &str) -> Result<Self, String> {
        let mut child = inspect(port, &["heap", "86400", EVERY_S], Stdio::piped())?;
        let stdout = child.stdout.take().ok_or("no output of the heap watch")?;
        let figures = Arc::new(Mutex::new(Memory::default()));
        let seen = figures.clone();
        let label = label.to_string();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("  [{label}] {line}");
                let Ok(mut f) = seen.lock() else { continue };
                if let Some(used) = mib_after(&line, "used ") {
                    f.peak_js_heap_mib = Some(f.peak_js_heap_mib.map_or(used, |p| p.max(used)));
                }
                if let Some(wasm) = mib_after(&line, "wasm memory ") {
                    f.wasm_mib = Some(wasm);
                }
            }
        });
        Ok(Self {
            child,
            reader: Some(reader),
            figures,
        })
    }

    /// Ends the sampling, reading the WebAssembly memory last, and says what was seen.
    pub fn finish(mut self) -> Memory {
        // SAFETY: kill(2) on the pid of our own child, which is still ours to wait for.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.figures.lock().map(|f| *f).unwrap_or_default()
    }
}

impl Drop for HeapWatch {
    fn drop(&mut self) {
        // Our own child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

/// The figure after `label` in one `inspect.mjs heap` line
/// (`12s  used 3.1 MiB  total 5.0 MiB  wasm memory 2.4 MiB`).
fn mib_after(line: &str, label: &str) -> Option<f64> {
    let rest = line.split(label).nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

/// Profiles the isolate behind inspector `port` for `seconds` while `load` runs, again and again
/// within that time (so the isolate's busy time over the calls `load` made is its cost); prints
/// the functions with the most self time and writes the profile to `out` (open it in Chrome
/// DevTools).
pub fn profile_during(
    port: u16,
    seconds: u32,
    out: &std::path::Path,
    mut load: impl FnMut() -> Result<(), String>,
) -> Result<(), String> {
    let out = out.to_string_lossy();
    let seconds_arg = seconds.to_string();
    let mut child = inspect(port, &["profile", &seconds_arg, &out], Stdio::inherit())?;
    // Give the profiler a moment to attach before the load starts.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds.into())
        - std::time::Duration::from_millis(1000);
    while std::time::Instant::now() < until {
        if let Err(e) = load() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(e);
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the profiler ended with {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_figures_of_a_line() {
        let line = "35s\tused 412.5 MiB\ttotal 430.0 MiB";
        assert_eq!(mib_after(line, "used "), Some(412.5));
        assert_eq!(
            mib_after("wasm memory 2.4 MiB\n", "wasm memory "),
            Some(2.4)
        );
        assert_eq!(mib_after("wasm memory unknown", "wasm memory "), None);
        assert_eq!(mib_after("profiling for 5 s", "used "), None);
    }
}
