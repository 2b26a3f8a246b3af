//! A full re-index of a generated catalog through the real worker (workerd via wrangler dev,
//! local D1/KV/Queues) and the sandbox, with wall time and the peak memory of each process.
//!
//! Each catalog size runs in a process of its own (`cargo xtask bench` starts `xtask
//! bench-reindex N`), so the peak memory of the process holding the sandbox is that size's alone.

use super::isolate::{HeapWatch, Memory};
use super::procs::{group_peaks, peak};
use super::report::figure_line;
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use sfcc_clerk_sandbox::sfcc::CatalogSpec;
use std::time::{Duration, Instant};

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Runs one re-index of `products` generated products and prints its figures, each also as a
/// `figure` line for the parent bench.
pub fn run_one(products: u64) -> Result<(), String> {
    let opts = StackOptions {
        page_size: 200,
        catalog: CatalogSpec::Generated { products, seed: 1 },
        ..StackOptions::default()
    };
    let stack = Stack::start(&opts).map_err(|e| e.to_string())?;
    let heap = HeapWatch::start(stack.inspector_port(), "worker isolate heap")?;
    let admin = stack.admin_client();
    let started = Instant::now();
    let run = admin
        .start_run(Some("refarch-us"), true)
        .map_err(|e| e.to_string())?;
    let run_id = run["run_id"].clone();
    let finished = wait_for(
        "the re-index to finish",
        Duration::from_secs(4 * 3600),
        || {
            std::thread::sleep(Duration::from_millis(500));
            let runs = stack.admin_get("sync-runs");
            runs.as_array()?
                .iter()
                .find(|r| r["run_id"] == run_id && r["status"] == "finished")
                .cloned()
        },
        || stack.admin_get("sync-runs").to_string(),
    );
    let wall = started.elapsed().as_secs_f64();
    let Memory {
        peak_js_heap_mib: peak_heap,
        wasm_mib: wasm,
    } = heap.finish();
    let held = stack.clerk_counts()["products"].as_u64().unwrap_or(0);
    let sent = finished["upserted"].as_u64().unwrap_or(0);
    let rejected = finished["rejected"].as_u64().unwrap_or(0);
    println!("\nfull re-index through the worker: {products} generated products, store refarch-us, pages of 200");
    println!(
        "  wall time {wall:.1} s  ({:.0} products/s)  pages {}  sent {sent}  rejected {rejected}  now in sandbox Clerk {held}",
        products as f64 / wall,
        finished["pages"],
    );
    let n = products;
    let mut lines = vec![
        figure_line(
            &format!("reindex_{n}_wall_s"),
            wall,
            "s",
            &format!("re-index of {n} products, wall time"),
        ),
        figure_line(
            &format!("reindex_{n}_products_per_s"),
            products as f64 / wall,
            "products/s",
            &format!("re-index of {n} products, throughput"),
        ),
        figure_line(
            &format!("reindex_{n}_sent"),
            sent as f64,
            "products",
            &format!("re-index of {n} products, sent to Clerk"),
        ),
        figure_line(
            &format!("reindex_{n}_rejected"),
            rejected as f64,
            "products",
            &format!("re-index of {n} products, rejected (deliberately bad)"),
        ),
        figure_line(
            &format!("reindex_{n}_in_clerk"),
            held as f64,
            "products",
            &format!("re-index of {n} products, held by sandbox Clerk after"),
        ),
    ];
    if let Some(mib) = peak_heap {
        println!("  worker isolate: largest JS heap in use {mib:.1} MiB (sampled every 5 s)");
        lines.push(figure_line(
            &format!("reindex_{n}_peak_worker_heap_mib"),
            mib,
            "MiB",
            &format!("re-index of {n} products, worker isolate's JS heap in use, peak"),
        ));
    }
    if let Some(mib) = wasm {
        println!("  worker isolate: WebAssembly memory (the Rust heap; it only grows) at the end {mib:.1} MiB");
        lines.push(figure_line(
            &format!("reindex_{n}_peak_worker_wasm_mib"),
            mib,
            "MiB",
            &format!("re-index of {n} products, worker's WebAssembly memory, peak"),
        ));
    }
    println!("  peak resident memory per process:");
    let mut peaks = group_peaks(stack.wrangler_pid());
    peaks.sort_by_key(|(_, name, kib)| (name.clone(), std::cmp::Reverse(*kib)));
    let mut seen: Vec<String> = Vec::new();
    for (pid, name, kib) in peaks {
        println!("    {name:<16} pid {pid:<7} {:>8.1} MiB", mib(kib));
        let nth = seen.iter().filter(|s| **s == name).count() + 1;
        seen.push(name.clone());
        lines.push(figure_line(
            &format!("reindex_{n}_peak_{name}_{nth}_mib"),
            mib(kib),
            "MiB",
            &format!("re-index of {n} products, peak memory, {name} #{nth}"),
        ));
    }
    if let Some((pid, _, kib)) = peak(std::process::id()) {
        println!(
            "    {:<16} pid {pid:<7} {:>8.1} MiB  (holds the sandbox)",
            "xtask",
            mib(kib)
        );
        lines.push(figure_line(
            &format!("reindex_{n}_peak_sandbox_mib"),
            mib(kib),
            "MiB",
            &format!("re-index of {n} products, peak memory, sandbox process"),
        ));
    }
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
