//! Running commands, loudly.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    sfcc_clerk_e2e::project_root()
}

/// A `cargo` command (the same cargo that runs this task) in the repository root.
pub fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(root());
    cmd
}

/// Runs a command as a named step; its output goes straight to the terminal.
pub fn step(what: &str, mut cmd: Command) -> Result<(), String> {
    println!("\n==> {what}");
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: failed ({status})"))
    }
}

/// A command's standard output, if it runs and succeeds.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Test counts summed over cargo test runs.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
}

/// Reads a libtest closing line: `test result: ok. 3 passed; 0 failed; ...`.
fn parse_result_line(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        let parts: Vec<&str> = rest
            .split([' ', ';', '.'])
            .filter(|p| !p.is_empty())
            .collect();
        let i = parts.iter().position(|p| *p == word)?;
        parts.get(i.checked_sub(1)?)?.parse().ok()
    };
    Some(Counts {
        passed: number_before("passed")?,
        failed: number_before("failed")?,
    })
}

/// Runs a `cargo test` step, echoing its output and adding its counts to `total`.
pub fn test_step(what: &str, mut cmd: Command, total: &mut Counts) -> Result<(), String> {
    println!("\n==> {what}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: cannot run {:?}: {e}", cmd.get_program()))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(c) = parse_result_line(&line) {
                total.passed += c.passed;
                total.failed += c.failed;
            }
        }
    }
    let status = child.wait().map_err(|e| format!("{what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_and_wasm_bindgen_test_closing_lines() {
        let c = parse_result_line("test result: ok. 43 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s").unwrap();
        assert_eq!((c.passed, c.failed), (43, 0));
        let c = parse_result_line(
            "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 filtered out; finished in 0.03s",
        )
        .unwrap();
        assert_eq!((c.passed, c.failed), (2, 1));
        assert!(parse_result_line("running 2 tests").is_none());
    }
}
