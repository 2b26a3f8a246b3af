//! The fuzz smoke in `cargo xtask test`: every cargo-fuzz target in `fuzz/` for a few seconds,
//! starting from the committed seeds, on the stable toolchain (no sanitizer, so no `-Z` flag).
//! New inputs go to `fuzz/target/corpus/`, so the committed corpus stays as it is; a crash fails
//! the step and names its reproducer under `fuzz/artifacts/`.

use crate::shell::{root, Counts};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The fuzz targets (`fuzz/fuzz_targets/*.rs`).
pub const TARGETS: [&str; 10] = [
    "event_batch",
    "ocapi_documents",
    "store_config",
    "datalayer_capture",
    "einstein_activity",
    "scapi_order",
    "order_history",
    "sfra_request",
    "consent_cookies",
    "page_policy",
];

/// Seconds each target runs in the smoke.
pub const SMOKE_SECONDS: u64 = 8;

/// The build every run shares: release with debug assertions (overflow checks), no sanitizer.
const BUILD: [&str; 5] = [
    "--sanitizer",
    "none",
    "--release",
    "--debug-assertions",
    "--target-dir",
];

fn fuzz_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("fuzz").args(args).current_dir(root());
    cmd
}

fn build_args<'a>(subcommand: &'a str, target_dir: &'a str) -> Vec<&'a str> {
    let mut args = vec![subcommand, "--fuzz-dir", "fuzz"];
    args.extend(BUILD);
    args.push(target_dir);
    args
}

fn files(dir: &Path) -> BTreeSet<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default()
}

/// The line libFuzzer ends a clean run with (`Done 123 runs in 8 second(s)`), if any.
fn done_line(log: &str) -> Option<&str> {
    log.lines().rev().find(|l| l.starts_with("Done "))
}

/// The lines of a failed run's log that say what happened: from the panic or libFuzzer's error
/// on, else the end of the log.
fn what_failed(log: &str) -> Vec<&str> {
    let lines: Vec<&str> = log.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains("panicked at") || l.contains("ERROR: libFuzzer"))
        .unwrap_or(lines.len().saturating_sub(30));
    lines.into_iter().skip(start).take(30).collect()
}

/// Builds the targets, then runs each for `seconds`; counts each target as one test.
pub fn run(seconds: u64, total: &mut Counts) -> Result<(), String> {
    let started = Instant::now();
    let fuzz = root().join("fuzz");
    let target_dir = fuzz.join("target").display().to_string();
    println!(
        "\n==> fuzz smoke: {} targets, {seconds} s each, from fuzz/corpus",
        TARGETS.len()
    );
    let status = fuzz_command(&build_args("build", &target_dir))
        .status()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    if !status.success() {
        return Err(format!("fuzz smoke: cargo fuzz build failed ({status})"));
    }
    let mut crashed = Vec::new();
    for target in TARGETS {
        let scratch = fuzz.join("target/corpus").join(target);
        let seeds = fuzz.join("corpus").join(target);
        let artifacts = fuzz.join("artifacts").join(target);
        let log_path = fuzz.join("target/smoke").join(format!("{target}.log"));
        for dir in [&scratch, &artifacts, &log_path.with_file_name("")] {
            fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        let before = files(&artifacts);
        let log = fs::File::create(&log_path)
            .map_err(|e| format!("creating {}: {e}", log_path.display()))?;
        let err_log = log.try_clone().map_err(|e| e.to_string())?;
        let (scratch_arg, seeds_arg) = (scratch.display().to_string(), seeds.display().to_string());
        let mut args = build_args("run", &target_dir);
        args.extend([target, &scratch_arg, &seeds_arg, "--"]);
        let max_time = format!("-max_total_time={seconds}");
        let dict = format!(
            "-dict={}",
            fuzz.join("dict").join(format!("{target}.dict")).display()
        );
        args.extend([
            max_time.as_str(),
            dict.as_str(),
            "-timeout=10",
            "-rss_limit_mb=2048",
        ]);
        let status = fuzz_command(&args)
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err_log))
            .status()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let text = fs::read_to_string(&log_path).unwrap_or_default();
        if status.success() {
            total.passed += 1;
            println!(
                "[fuzz] {target}: ok ({})",
                done_line(&text).unwrap_or("no summary")
            );
            continue;
        }
        total.failed += 1;
        let found: Vec<PathBuf> = files(&artifacts).difference(&before).cloned().collect();
        println!("[fuzz] {target}: FAILED ({status}):");
        for line in what_failed(&text) {
            println!("    {line}");
        }
        for input in &found {
            println!(
                "[fuzz] {target}: reproduce with `cargo fuzz run --sanitizer none -O -a {target} {}`",
                input.display()
            );
        }
        if found.is_empty() {
            println!(
                "[fuzz] {target}: no input was saved; full log: {}",
                log_path.display()
            );
        }
        crashed.push(target);
    }
    println!(
        "[fuzz] {} targets in {:.0} s",
        TARGETS.len(),
        started.elapsed().as_secs_f64()
    );
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz smoke: {} failed", crashed.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_a_source_seeds_and_a_dictionary() {
        let fuzz = root().join("fuzz");
        let manifest = fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
        for target in TARGETS {
            assert!(
                fuzz.join(format!("fuzz_targets/{target}.rs")).is_file(),
                "{target}"
            );
            assert!(
                manifest.contains(&format!("name = \"{target}\"")),
                "{target}"
            );
            let seeds = files(&fuzz.join("corpus").join(target));
            assert!((2..=10).contains(&seeds.len()), "{target}: {seeds:?}");
            assert!(
                fuzz.join(format!("dict/{target}.dict")).is_file(),
                "{target}"
            );
        }
    }

    #[test]
    fn reads_libfuzzers_closing_line() {
        let log = "#1024\tpulse  cov: 10\nDone 4096 runs in 8 second(s)\n";
        assert_eq!(done_line(log), Some("Done 4096 runs in 8 second(s)"));
        assert_eq!(done_line("==1== ERROR: libFuzzer: deadly signal"), None);
    }

    #[test]
    fn a_failure_is_shown_from_its_panic_on() {
        let log =
            "#1 INITED\n#2 NEW\nthread '<unnamed>' panicked at a.rs:1:1:\nboom\nstack backtrace:";
        assert_eq!(
            what_failed(log),
            [
                "thread '<unnamed>' panicked at a.rs:1:1:",
                "boom",
                "stack backtrace:"
            ]
        );
        assert_eq!(what_failed("a\nb"), ["a", "b"]);
    }
}
