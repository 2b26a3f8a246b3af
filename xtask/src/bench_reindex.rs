//! `cargo xtask bench --products N`: a full re-index of a generated catalog through the real
//! worker (workerd via wrangler dev, local D1/KV/Queues) and the sandbox, with wall time and the
//! peak memory of each process. Figures are printed, not asserted.

use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use sfcc_clerk_sandbox::sfcc::CatalogSpec;
use std::fs;
use std::time::{Duration, Instant};

/// Peak resident memory (VmHWM, KiB) and name of every process in a process group.
fn group_peaks(pgid: u32) -> Vec<(u32, String, u64)> {
    let mut out = Vec::new();
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // Fields after the parenthesised name: state, ppid, pgrp, ...
        let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        if after
            .split_whitespace()
            .nth(2)
            .and_then(|g| g.parse::<u32>().ok())
            != Some(pgid)
        {
            continue;
        }
        if let Some(p) = peak(pid) {
            out.push(p);
        }
    }
    out
}

fn peak(pid: u32) -> Option<(u32, String, u64)> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .map(str::to_string)
    };
    let kib = field("VmHWM:")?
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some((pid, field("Name:")?, kib))
}

/// Runs the benchmark.
pub fn run(products: u64) -> Result<(), String> {
    let opts = StackOptions {
        page_size: 200,
        catalog: CatalogSpec::Generated { products, seed: 1 },
        ..StackOptions::default()
    };
    let stack = Stack::start(&opts).map_err(|e| e.to_string())?;
    let admin = stack.admin_client();
    let started = Instant::now();
    let run = admin
        .start_run(Some("refarch-us"), true)
        .map_err(|e| e.to_string())?;
    let run_id = run["run_id"].clone();
    let finished = wait_for(
        "the re-index to finish",
        Duration::from_secs(3600),
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
    let held = stack.clerk_store()["products"]
        .as_object()
        .map_or(0, |m| m.len());
    println!("\nfull re-index through the worker: {products} generated products, store refarch-us, pages of 200");
    println!(
        "  wall time {wall:.1} s  ({:.0} products/s)  pages {}  sent {}  rejected {}  now in sandbox Clerk {held}",
        products as f64 / wall,
        finished["pages"],
        finished["upserted"],
        finished["rejected"]
    );
    println!("  peak resident memory per process:");
    for (pid, name, kib) in group_peaks(stack.wrangler_pid()) {
        println!(
            "    {name:<16} pid {pid:<7} {:>8.1} MiB",
            kib as f64 / 1024.0
        );
    }
    if let Some((pid, _, kib)) = peak(std::process::id()) {
        println!(
            "    {:<16} pid {pid:<7} {:>8.1} MiB  (holds the sandbox)",
            "xtask",
            kib as f64 / 1024.0
        );
    }
    Ok(())
}
