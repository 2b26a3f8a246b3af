//! `cargo xtask bench-profile [ingest|proxy|latency]`: where the worker's isolate spends its CPU
//! under the bench's load, as V8 CPU profiles (`target/bench/*.cpuprofile`, for Chrome DevTools)
//! and a list of the functions with the most self time. `ingest` profiles the worker and then its
//! JS peer posting the bench batch; `proxy` the worker and then the pass-through peer serving
//! consented product page loads; `latency` lists the slowest page loads of the worker and of
//! variants of the pass-through ([`latency`]); `ingest-rounds` measures ingest of the worker, its
//! JS peer and the floor worker in interleaved rounds, all three up at once ([`ingest_rounds`]).

use super::edge::{
    batch, ingest, load_times, stores, Latency, BROWSER, CALLS_PER_CLIENT, CLIENTS, CONSENTED, PDP,
    WARM_UP,
};
use super::isolate::{profile_during, HeapWatch};
use super::peer::JsWorker;
use sfcc_clerk_e2e::{project_root, Client, Stack, StackOptions};

/// How long each profile samples, seconds.
const SECONDS: u32 = 10;

/// Runs the profile named by `what` (default `ingest`).
pub fn run(what: Option<&str>) -> Result<(), String> {
    let dir = project_root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let stack = Stack::start(&StackOptions {
        event_consumer: false,
        test_scheduled: false,
        ..StackOptions::default()
    })
    .map_err(|e| e.to_string())?;
    match what.unwrap_or("ingest") {
        "ingest" => {
            let body = batch()?;
            profile_ingest(
                "sfcc-clerk",
                &stack.worker_url,
                stack.wrangler_pid(),
                stack.inspector_port(),
                &body,
                &dir.join("ingest-rust.cpuprofile"),
            )?;
            drop(stack);
            let peer = JsWorker::normalize_peer(&stores()?)?;
            profile_ingest(
                "JS peer",
                &peer.url,
                peer.pgid(),
                peer.inspector,
                &body,
                &dir.join("ingest-js.cpuprofile"),
            )?;
        }
        "proxy" => {
            let pass = JsWorker::passthrough(&stack.storefront.base_url, PDP)?;
            profile_pages(
                "sfcc-clerk",
                &stack.worker_url,
                stack.inspector_port(),
                &dir.join("proxy-rust.cpuprofile"),
            )?;
            profile_pages(
                "pass-through",
                &pass.url,
                pass.inspector,
                &dir.join("proxy-passthrough.cpuprofile"),
            )?;
        }
        "latency" => latency(&stack)?,
        "ingest-rounds" => ingest_rounds(&stack)?,
        other => {
            return Err(format!(
                "bench-profile: no profile {other:?} (ingest, ingest-rounds, proxy or latency)"
            ))
        }
    }
    Ok(())
}

/// Profiles one worker (at `url`, process group `pgid`, inspector `port`) while 4 clients post
/// `body`, and says how many calls that was.
fn profile_ingest(
    name: &str,
    url: &str,
    pgid: u32,
    port: u16,
    body: &str,
    out: &std::path::Path,
) -> Result<(), String> {
    println!("\n[profile] {name}, POST /events from 4 clients");
    let mut calls = 0;
    profile_during(port, SECONDS, out, || {
        // Four clients of five calls each, after one first call.
        calls += 4 * 5 + 1;
        ingest(url, body, pgid, 4, 5, 0).map(drop)
    })?;
    println!("[profile] {calls} calls of 50 events while profiling");
    Ok(())
}

/// Profiles one worker (at `base`, inspector `port`) while consented product pages load one
/// after another, and says how many.
fn profile_pages(name: &str, base: &str, port: u16, out: &std::path::Path) -> Result<(), String> {
    println!("\n[profile] {name}, consented product page loads");
    let client = Client::default();
    let url = format!("{base}{PDP}");
    let headers = [("cookie", CONSENTED), ("user-agent", BROWSER)];
    let mut loads = 0;
    profile_during(port, SECONDS, out, || {
        loads += 1;
        let r = client.get(&url, &headers);
        if r.status == 200 {
            Ok(())
        } else {
            Err(format!("{url} answered {}", r.status))
        }
    })?;
    println!("[profile] {loads} page loads while profiling");
    Ok(())
}

/// Sequential page loads of each target, interleaved, with the slowest loads of each (round and
/// ms) and the raw times in `target/bench/latency-raw.json`: where the proxy's slowest loads come
/// from. Besides the worker, the pass-through three times over (a stack given more of the loads),
/// the pass-through injecting markup with the runtime's `HTMLRewriter` as the worker does, and
/// the pass-through with the worker's bindings (local D1, KV, Queues, rate limiter).
fn latency(stack: &Stack) -> Result<(), String> {
    let origin = stack.storefront.base_url.clone();
    let pass = JsWorker::passthrough(&origin, PDP)?;
    let script = "<script>window.dataLayer=window.dataLayer||[];</script>".repeat(20);
    let inject = JsWorker::injecting(&origin, PDP, &script)?;
    let bound = JsWorker::bound(&origin, PDP)?;
    let worker = stack.worker_url.as_str();
    let targets = [
        ("storefront directly", origin.as_str(), CONSENTED),
        ("pass-through", pass.url.as_str(), CONSENTED),
        ("pass-through, again", pass.url.as_str(), CONSENTED),
        ("pass-through, third", pass.url.as_str(), CONSENTED),
        (
            "pass-through + HTMLRewriter",
            inject.url.as_str(),
            CONSENTED,
        ),
        ("pass-through, bindings", bound.url.as_str(), CONSENTED),
        ("sfcc-clerk, unanswered", worker, ""),
        ("sfcc-clerk, consented", worker, CONSENTED),
    ];
    let plain: Vec<_> = targets.iter().map(|t| (t.1, t.2, BROWSER)).collect();
    let heap = HeapWatch::start(stack.inspector_port(), "worker isolate")?;
    let times = load_times(&Client::default(), &plain)?;
    heap.finish();
    println!("\nsequential PDP loads, interleaved (ms); the slowest of each (round: ms)");
    for ((name, ..), ms) in targets.iter().zip(&times) {
        let max = ms.iter().copied().fold(0.0, f64::max);
        let mut rounds: Vec<usize> = (0..ms.len()).collect();
        rounds.sort_by(|&a, &b| ms[b].total_cmp(&ms[a]));
        let slowest: Vec<String> = rounds
            .iter()
            .take(8)
            .map(|&r| format!("{r}: {:.1}", ms[r]))
            .collect();
        println!(
            "  {name:28} {}  max {max:6.2}\n    {}",
            Latency::of(ms.clone()),
            slowest.join("  ")
        );
    }
    let raw: serde_json::Map<String, serde_json::Value> = targets
        .iter()
        .zip(&times)
        .map(|((name, ..), ms)| (name.to_string(), serde_json::json!(ms)))
        .collect();
    let out = project_root().join("target/bench/latency-raw.json");
    std::fs::write(&out, serde_json::Value::from(raw).to_string())
        .map_err(|e| format!("writing {}: {e}", out.display()))?;
    println!("raw load times: {}", out.display());
    Ok(())
}

/// Rounds of ingest measured in turn on the worker, its JS peer and the floor worker, all three up
/// at once, with each round's ratios and their medians: a machine's slow minute falls on all
/// three alike, so the ratio moves less than between measurements minutes apart.
fn ingest_rounds(stack: &Stack) -> Result<(), String> {
    const ROUNDS: usize = 5;
    let body = batch()?;
    let peer = JsWorker::normalize_peer(&stores()?)?;
    let floor = JsWorker::ingest_floor()?;
    let targets = [
        (
            "sfcc-clerk",
            stack.worker_url.as_str(),
            stack.wrangler_pid(),
        ),
        ("JS peer", peer.url.as_str(), peer.pgid()),
        ("floor", floor.url.as_str(), floor.pgid()),
    ];
    let (mut over_js, mut floor_over_js) = (Vec::new(), Vec::new());
    println!(
        "\ningest, {ROUNDS} rounds of {CLIENTS} clients × {CALLS_PER_CLIENT} calls of 50 events on each worker in turn"
    );
    for round in 1..=ROUNDS {
        let mut rates = Vec::new();
        for (name, url, pgid) in targets {
            let r = ingest(url, &body, pgid, CLIENTS, CALLS_PER_CLIENT, WARM_UP)?;
            println!(
                "  round {round}  {name:10} {:8.0} events/s  workerd CPU {:.3} ms/event ({:.3} in the worker's)",
                r.events_per_s, r.cpu_ms_per_event, r.runtime_cpu_ms_per_event
            );
            rates.push(r.events_per_s);
        }
        over_js.push(rates[0] / rates[1]);
        floor_over_js.push(rates[2] / rates[1]);
        println!(
            "  round {round}  sfcc-clerk / JS {:.2}×, floor / JS {:.2}×",
            rates[0] / rates[1],
            rates[2] / rates[1]
        );
    }
    println!(
        "median: sfcc-clerk / JS {:.2}×, floor / JS {:.2}×",
        median(over_js),
        median(floor_over_js)
    );
    Ok(())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
