//! Project tasks. `cargo xtask demo` and `cargo xtask test` are the two commands a new machine needs.
//!
//! - `setup [--browser]`: install what is missing (idempotent, quick when present).
//! - `build-worker`: build the worker to wasm and report its size.
//! - `build-validator`: build the QA validator to wasm and report its size.
//! - `demo [--once]`: the whole flow on the local sandbox, until Ctrl-C.
//! - `test`: formatting, lints, native tests, fuzz smoke, browser tests, e2e tests, the demo once.
//! - `bench [--products N[,N…]]`: performance figures, as one table and `target/bench/bench.json`.
//! - `bench-profile [ingest|proxy|latency]`: CPU profiles of the worker's isolate under load.
//! - `fuzz [--seconds N]`: every fuzz target for N seconds (the test command runs them briefly).

mod bench;
mod build;
mod demo;
mod fuzz;
mod setup;
mod shell;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

  demo [--once]      install what is missing, build, run sandbox + worker, show a sync and events
  test               install what is missing, then fmt, clippy, native, fuzz smoke, browser and e2e tests, the demo once
  build-worker       build the worker (wasm) and print its size
  build-validator    build the QA validator (wasm + JS glue, build/assets/__sfcc-clerk/qa) and print its size
  bench [--products N[,N...]]
                     every performance figure in one run: native mapping and event
                     normalization, wasm sizes, proxy latency against a pass-through worker,
                     ingest of the worker and of its JS peer, and a full re-index of each N
                     generated products (default 10000); a table, and target/bench/bench.json
  bench-profile [ingest|proxy|latency|ingest-rounds]
                     CPU profile of the worker's isolate (and the JS peer's, for ingest)
                     under the bench's load; top functions, and target/bench/*.cpuprofile;
                     latency: the slowest page loads of the worker and of pass-through variants;
                     ingest-rounds: ingest of the worker, JS peer and floor in interleaved rounds
  fuzz [--seconds N] run every fuzz target (fuzz/) for N seconds each (default 300), keeping
                     what it finds in fuzz/target/corpus; a crash is saved under fuzz/artifacts
  setup [--browser]  only install what is missing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(flag("--once")),
        Some("test") => test(),
        Some("build-worker") => setup::worker_tools().and_then(|()| build::worker()),
        Some("build-validator") => setup::wasm_tools().and_then(|()| build::validator()),
        Some("bench") => bench::parse_products(&args).and_then(|sizes| bench::run(&sizes)),
        // One re-index size of `bench`, in a process of its own (so its peak memory is its own).
        Some("bench-reindex") => args
            .get(1)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| "usage: cargo xtask bench-reindex N".to_string())
            .and_then(bench::reindex_one),
        Some("bench-profile") => setup::worker_tools()
            .and_then(|()| crate::build::worker())
            .and_then(|()| bench::profile(args.get(1).map(String::as_str))),
        Some("fuzz") => setup::fuzz_tools().and_then(|()| {
            let seconds = args
                .iter()
                .position(|a| a == "--seconds")
                .and_then(|i| args.get(i + 1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(300);
            fuzz::run(seconds, &mut shell::Counts::default())
        }),
        Some("setup") => setup::worker_tools().and_then(|()| {
            if flag("--browser") {
                setup::browser()
            } else {
                Ok(())
            }
        }),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Every check the project has, cheapest first.
fn test() -> Result<(), String> {
    let mut total = shell::Counts::default();
    let result = run_checks(&mut total);
    // A plain closing line that any CI can read, whatever happened above.
    println!("\ntests: {} passed, {} failed", total.passed, total.failed);
    result
}

fn run_checks(total: &mut shell::Counts) -> Result<(), String> {
    setup::worker_tools()?;
    setup::browser()?;
    setup::fuzz_tools()?;
    shell::step(
        "formatting (cargo fmt --check)",
        shell::cargo(&["fmt", "--all", "--check"]),
    )?;
    shell::step(
        "formatting of the fuzz targets",
        shell::cargo(&["fmt", "--manifest-path", "fuzz/Cargo.toml", "--check"]),
    )?;
    shell::step(
        "lints (cargo clippy, warnings denied)",
        shell::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    shell::step(
        "lints of the wasm shells (worker, validator)",
        shell::cargo(&[
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "sfcc-clerk-worker",
            "-p",
            "sfcc-clerk-validator",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    shell::test_step(
        "native tests (core, sandbox, cli, validator rules, xtask)",
        shell::cargo(&["test", "--workspace", "--exclude", "sfcc-clerk-e2e"]),
        total,
    )?;
    fuzz::run(fuzz::SMOKE_SECONDS, total)?;
    let mut browser = shell::cargo(&[
        "test",
        "-p",
        "sfcc-clerk-validator",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "browser",
        "--test",
        "beacon",
    ]);
    browser
        .env("CHROMEDRIVER", setup::chromedriver()?)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        // The runner's default, 20 s for a whole test binary, is less than the beacon's tests
        // wait for its retries and back-offs on a loaded machine.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    shell::test_step(
        "validator and beacon tests in headless Chromium",
        browser,
        total,
    )?;
    build::worker()?;
    shell::test_step(
        "end-to-end tests (sandbox + worker on workerd via wrangler dev)",
        shell::cargo(&[
            "test",
            "-p",
            "sfcc-clerk-e2e",
            "--tests",
            "--",
            // Tests mostly wait (on wrangler, Clerk's sandbox, the queue): three at once keep
            // two cores busy.
            "--test-threads",
            "3",
        ]),
        total,
    )?;
    // The README's first command, so it cannot break unseen (on the worker built above).
    println!("\n==> the demo, once (cargo xtask demo --once)");
    match demo::flow(true) {
        Ok(()) => total.passed += 1,
        Err(e) => {
            total.failed += 1;
            return Err(format!("cargo xtask demo --once: {e}"));
        }
    }
    println!("\nall checks passed");
    Ok(())
}
