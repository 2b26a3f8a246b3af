//! The worker isolate seen through its inspector port (`bench/inspect.mjs`): its JS heap sampled
//! while a bench runs, and CPU profiles.

use crate::shell::root;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Samples the isolate's JS heap and its WebAssembly memory (where the Rust heap lives) every few
/// seconds until dropped; keeps the largest figures.
pub struct HeapWatch {
    child: Child,
    reader: Option<JoinHandle<()>>,
    peaks: Arc<Mutex<Peaks>>,
}

/// The largest figures a [`HeapWatch`] has seen, MiB.
#[derive(Clone, Copy, Default)]
pub struct Peaks {
    /// JS heap in use.
    pub js_heap_mib: Option<f64>,
    /// WebAssembly memory.
    pub wasm_mib: Option<f64>,
}

fn larger(seen: Option<f64>, sample: Option<f64>) -> Option<f64> {
    match (seen, sample) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
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
        let peaks = Arc::new(Mutex::new(Peaks::default()));
        let seen = peaks.clone();
        let label = label.to_string();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("  [{label}] {line}");
                if let Ok(mut p) = seen.lock() {
                    p.js_heap_mib = larger(p.js_heap_mib, mib_after(&line, "used "));
                    p.wasm_mib = larger(p.wasm_mib, mib_after(&line, "wasm memory "));
                }
            }
        });
        Ok(Self {
            child,
            reader: Some(reader),
            peaks,
        })
    }

    /// The largest figures seen so far.
    pub fn peaks(&self) -> Peaks {
        self.peaks.lock().map(|p| *p).unwrap_or_default()
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
    fn reads_the_figures_of_a_sample_line() {
        let line = "35s\tused 412.5 MiB\ttotal 430.0 MiB\twasm memory 2.4 MiB";
        assert_eq!(mib_after(line, "used "), Some(412.5));
        assert_eq!(mib_after(line, "wasm memory "), Some(2.4));
        assert_eq!(mib_after("profiling for 5 s", "used "), None);
    }

    #[test]
    fn keeps_the_larger_figure() {
        assert_eq!(larger(None, Some(2.0)), Some(2.0));
        assert_eq!(larger(Some(3.0), Some(2.0)), Some(3.0));
        assert_eq!(larger(Some(3.0), None), Some(3.0));
    }
}
