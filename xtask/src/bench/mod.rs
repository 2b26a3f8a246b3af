//! `cargo xtask bench [--products N[,N…]]`: every performance figure in one run, printed as one
//! table at the end and written to `target/bench/bench.json`, each with its unit and the target
//! it is compared to (shown, never asserted: figures belong in reports, not in pass/fail tests).
//!
//! - native (release): core mapping products/s, event normalization events/s;
//! - sizes: worker and validator wasm, raw and gzip;
//! - edge, on the real runtime (`wrangler dev`): proxy latency against a plain pass-through
//!   worker, ingest events/s and workerd CPU per event of the worker and of its JS peer
//!   (`bench/normalize-peer.js`) on the same body ([`edge`]);
//! - a full re-index of each catalog size through the worker, wall time and the peak memory of
//!   each process, each size in a process of its own ([`reindex`]).

mod edge;
mod isolate;
mod peer;
mod procs;
mod profile;
mod reindex;
mod report;

pub use profile::run as profile;
pub use reindex::run_one as reindex_one;

use crate::shell::{self, root};
use report::{Figure, Target};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The worker's size target: gzip, KiB.
const WORKER_GZIP_KIB: f64 = 1024.0;

/// Runs `cmd`, echoing its output, and returns the `figure` lines it printed.
fn figures_of(what: &str, mut cmd: Command) -> Result<Vec<Figure>, String> {
    println!("\n==> {what}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: cannot run {:?}: {e}", cmd.get_program()))?;
    let mut text = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if !line.starts_with("figure\t") {
                println!("{line}");
            }
            text.push_str(&line);
            text.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("{what}: {e}"))?;
    if !status.success() {
        return Err(format!("{what}: failed ({status})"));
    }
    Ok(report::parse_figures(&text))
}

/// The native benches of the core, with their figures described and targeted.
fn native() -> Result<Vec<Figure>, String> {
    let mut out = Vec::new();
    for bench in ["mapping", "events"] {
        out.extend(figures_of(
            &format!("core bench {bench} (native, release)"),
            shell::cargo(&["bench", "-p", "sfcc-clerk-core", "--bench", bench]),
        )?);
    }
    for f in &mut out {
        f.what = match f.key.as_str() {
            "mapping_parse_per_s" => "core mapping, parse only (native)",
            "mapping_full_per_s" => "core mapping, parse + map + validate + encode (native)",
            "events_native_per_s" => "event normalization + queue messages (native)",
            "events_native_us_per_event" => "  same, per event",
            _ => continue,
        }
        .to_string();
    }
    Ok(out)
}

fn sizes() -> Result<Vec<Figure>, String> {
    let kib = |b: usize| b as f64 / 1024.0;
    let (raw, gz) = crate::build::sizes(&root().join("build/index_bg.wasm"))?;
    let validator = root().join(crate::build::VALIDATOR_ASSETS);
    let (v_raw, v_gz) = crate::build::sizes(&validator.join("sfcc_clerk_validator_bg.wasm"))?;
    Ok(vec![
        Figure::new("worker_wasm_kib", "worker wasm, raw", kib(raw), "KiB"),
        Figure::new("worker_wasm_gzip_kib", "worker wasm, gzip", kib(gz), "KiB")
            .against(Target::AtMost(WORKER_GZIP_KIB)),
        Figure::new(
            "validator_wasm_kib",
            "validator wasm, raw",
            kib(v_raw),
            "KiB",
        ),
        Figure::new(
            "validator_wasm_gzip_kib",
            "validator wasm, gzip",
            kib(v_gz),
            "KiB",
        ),
    ])
}

/// One re-index per size, each in a child process; says beforehand how much memory the sandbox
/// process will want, from the size before.
fn reindexes(products: &[u64]) -> Result<Vec<Figure>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("finding xtask itself: {e}"))?;
    let mut out = Vec::new();
    let mut previous: Option<(u64, f64)> = None;
    for &n in products {
        if let (Some((m, mib)), Some(available)) = (previous, procs::available_kib()) {
            println!(
                "\n[bench] {n} products: the sandbox process should peak near {:.1} GiB ({:.1} GiB at {m}); {:.1} GiB available",
                mib * n as f64 / m as f64 / 1024.0,
                mib / 1024.0,
                available as f64 / 1024.0 / 1024.0
            );
        }
        let mut cmd = Command::new(&exe);
        cmd.args(["bench-reindex", &n.to_string()])
            .current_dir(root());
        let figures = figures_of(
            &format!("full re-index of {n} generated products (its own process)"),
            cmd,
        )?;
        previous = figures
            .iter()
            .find(|f| f.key == format!("reindex_{n}_peak_sandbox_mib"))
            .map(|f| (n, f.value));
        out.extend(figures);
    }
    Ok(out)
}

/// Runs every part, then prints the table and writes the JSON, also when a part failed (the
/// figures measured so far are kept; the failure is named and the command fails).
pub fn run(products: &[u64]) -> Result<(), String> {
    let mut figures = Vec::new();
    let mut failures = Vec::new();
    let mut part = |result: Result<Vec<Figure>, String>, figures: &mut Vec<Figure>| match result {
        Ok(f) => figures.extend(f),
        Err(e) => {
            println!("\n[bench] failed: {e}");
            failures.push(e);
        }
    };
    part(native(), &mut figures);
    let built = crate::setup::worker_tools().and_then(|()| crate::build::worker());
    match built {
        Ok(()) => {
            part(sizes(), &mut figures);
            let mut edge = Vec::new();
            part(edge::run(&mut edge).map(|()| edge), &mut figures);
            part(reindexes(products), &mut figures);
        }
        Err(e) => part(Err(e), &mut figures),
    }

    let machine = report::machine();
    let command = format!(
        "cargo xtask bench --products {}",
        products
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    println!(
        "\n==> figures of this run ({machine}; all in one run, so ratios compare like with like)\n"
    );
    print!("{}", report::table(&figures));
    let dir = root().join("target/bench");
    let path = dir.join("bench.json");
    let json = report::json(&machine, &command, &figures);
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, format!("{json:#}\n")))
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!("\n[bench] written to {}", path.display());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// `--products 100000,1000000` (or repeated): the catalog sizes to re-index.
pub fn parse_products(args: &[String]) -> Result<Vec<u64>, String> {
    let mut sizes = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a != "--products" {
            continue;
        }
        let list = args
            .get(i + 1)
            .ok_or("--products needs a number or a list such as 100000,1000000")?;
        for n in list.split(',').filter(|s| !s.is_empty()) {
            let n: u64 = n
                .trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("--products: {n:?} is not a number"))?;
            // Generated ids have seven digits (`P0000000`).
            if n == 0 || n > 9_999_999 {
                return Err(format!("--products: {n} is out of range (1 to 9,999,999)"));
            }
            sizes.push(n);
        }
    }
    if sizes.is_empty() {
        sizes.push(10_000);
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::parse_products;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn products_take_a_list_or_repeat_and_default_to_ten_thousand() {
        assert_eq!(parse_products(&args("bench")), Ok(vec![10_000]));
        assert_eq!(
            parse_products(&args("bench --products 100000,1_000_000")),
            Ok(vec![100_000, 1_000_000])
        );
        assert_eq!(
            parse_products(&args("bench --products 5 --products 7")),
            Ok(vec![5, 7])
        );
        assert!(parse_products(&args("bench --products x")).is_err());
        assert!(parse_products(&args("bench --products 0")).is_err());
        assert!(parse_products(&args("bench --products")).is_err());
    }
}
