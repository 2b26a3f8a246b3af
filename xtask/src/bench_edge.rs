//! The edge figures of `cargo xtask bench`, measured in one run on the real runtime (wrangler dev):
//! the latency the worker adds to a storefront page against a plain pass-through worker, and
//! event ingest throughput with the worker's CPU time per event. Printed, not asserted.

use sfcc_clerk_e2e::{project_root, tool_env, Client, Stack, StackOptions};
use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PDP: &str = "/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25518704M";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const CONSENTED: &str = "dw_dnt=0; sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301";

/// The pass-through worker under its own `wrangler dev`; its process group ends when dropped.
struct Passthrough {
    child: Child,
    url: String,
}

impl Passthrough {
    fn start(origin: &str) -> Result<Self, String> {
        let port = TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let root = project_root();
        let child = Command::new(root.join("node_modules/.bin/wrangler"))
            .current_dir(&root)
            .envs(tool_env())
            .args(["dev", "bench/passthrough.js", "--ip", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .args(["--compatibility-date", "2025-01-01", "--var"])
            .arg(format!("ORIGIN:{origin}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("starting the pass-through worker: {e}"))?;
        let me = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = Client::default();
        let deadline = Instant::now() + Duration::from_secs(60);
        while client.get(&format!("{}{PDP}", me.url), &[]).status != 200 {
            if Instant::now() > deadline {
                return Err("the pass-through worker did not answer".into());
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Ok(me)
    }
}

impl Drop for Passthrough {
    fn drop(&mut self) {
        // SAFETY: kill(2) with the negated id of the process group this bench started.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// p50 and p99 (ms) of `n` sequential page loads from `base` with `cookie`, after a warm-up.
fn latency(client: &Client, base: &str, cookie: &str, n: usize) -> (f64, f64) {
    let url = format!("{base}{PDP}");
    let headers = [("cookie", cookie), ("user-agent", BROWSER)];
    for _ in 0..20 {
        client.get(&url, &headers);
    }
    let mut ms: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let r = client.get(&url, &headers);
            assert_eq!(r.status, 200, "{url}");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.5), percentile(&ms, 0.99))
}

/// CPU seconds used so far by the `workerd` processes of a process group.
fn workerd_cpu_s(pgid: u32) -> f64 {
    let ticks: u64 = fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let (head, rest) = stat.rsplit_once(')')?;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let in_group = f.get(2)?.parse::<u32>().ok()? == pgid;
            (in_group && head.contains("(workerd")).then(|| {
                f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
                    + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
            })
        })
        .sum();
    ticks as f64 / 100.0
}

/// Runs the edge benchmark and prints its figures.
pub fn run() -> Result<(), String> {
    let stack = Stack::start(&StackOptions::default()).map_err(|e| e.to_string())?;
    let peer = Passthrough::start(&stack.storefront.base_url)?;
    let client = Client::default();
    let n = 300;
    let (d50, d99) = latency(&client, &stack.storefront.base_url, CONSENTED, n);
    let (p50, p99) = latency(&client, &peer.url, CONSENTED, n);
    // Without an answer to the banner: the page is rewritten, nothing is queued.
    let (u50, u99) = latency(&client, &stack.worker_url, "", n);
    let (w50, w99) = latency(&client, &stack.worker_url, CONSENTED, n);
    println!("\nproxy latency, {n} sequential PDP loads each (ms)");
    println!("  storefront directly           p50 {d50:6.2}  p99 {d99:6.2}");
    println!("  plain pass-through worker     p50 {p50:6.2}  p99 {p99:6.2}");
    println!("  sfcc-clerk, banner unanswered p50 {u50:6.2}  p99 {u99:6.2}  (beacon injected, view held in the page)");
    println!("  sfcc-clerk, consented         p50 {w50:6.2}  p99 {w99:6.2}  (and the view queued; the consumer delivers meanwhile)");
    for (what, a, b) in [
        ("unanswered", u50 - p50, u99 - p99),
        ("consented", w50 - p50, w99 - p99),
    ] {
        println!("  added over the pass-through, {what}: p50 {a:+.2} ms, p99 {b:+.2} ms");
    }

    let batch: String = format!(
        "[{}]",
        (0..50)
            .map(|i| format!(r#"{{"type":"product_view","product":"P{i:07}"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    let url = format!("{}/events", stack.worker_url);
    let headers = [("content-type", "application/json"), ("cookie", CONSENTED)];
    let calls = 200;
    let cpu_before = workerd_cpu_s(stack.wrangler_pid());
    let started = Instant::now();
    for _ in 0..calls {
        let r = client.send("POST", &url, &headers, &batch);
        if r.status != 202 {
            return Err(format!("ingest answered {}: {:?}", r.status, r.json));
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let events = (calls * 50) as f64;
    // Includes the queue consumer delivering them to sandbox Clerk meanwhile.
    let cpu = workerd_cpu_s(stack.wrangler_pid()) - cpu_before;
    println!("\nevent ingest through the worker: {calls} calls of 50 events, sequential");
    println!(
        "  {:.0} events/s accepted; workerd CPU {:.3} ms per event (ingest plus queue delivery running meanwhile; all of workerd, so an upper bound)",
        events / wall,
        cpu * 1000.0 / events
    );
    Ok(())
}
