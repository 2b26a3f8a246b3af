//! Running the built `sfcc-clerk` binary as a user would.

use std::io::{ErrorKind, Write};
use std::process::{Command, Stdio};

/// Runs `sfcc-clerk <subcommand> <args>` with `stdin` piped in; returns the exit code, stdout
/// and stderr. A command that exits before reading its input is not an error of the test's.
pub fn run(subcommand: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sfcc-clerk"))
        .arg(subcommand)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sfcc-clerk binary starts");
    if let Some(mut input) = child.stdin.take() {
        match input.write_all(stdin.as_bytes()) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
            Err(e) => panic!("writing the command's input: {e}"),
        }
    }
    let out = child.wait_with_output().expect("the command ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
