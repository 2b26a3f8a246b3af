//! `sfcc-clerk validate-datalayer` as QA runs it: a capture file or stdin, findings out, exit code.

mod common;

use serde_json::Value;
use std::path::PathBuf;

/// A capture from the core's fixtures.
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/src/datalayer/fixtures")
        .join(format!("{name}.json"))
}

fn validate(args: &[&str], stdin: &str) -> (i32, String, String) {
    common::run("validate-datalayer", args, stdin)
}

#[test]
fn a_clean_capture_exits_0_with_a_summary() {
    let file = fixture("pdp");
    let (code, stdout, stderr) = validate(&["--page", "pdp", file.to_str().unwrap()], "");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "info    not_audited      push 2: expected an object push, found an array (a GTM command or a function): not audited\n\
         pdp: 0 errors, 0 warnings, 1 info\n"
    );
}

#[test]
fn error_findings_exit_1_one_line_each() {
    let capture = r#"[{"event":"view_item","ecommerce":{"currency":"usd",
        "items":[{"item_id":"P1","price":"29.99"}]}},{"user_email":"jane@example.com"}]"#;
    let (code, stdout, _) = validate(&["--page", "pdp", "-"], capture);
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines.contains(
        &"error   wrong_type       push 0 ecommerce.items[0].price: expected a number, found string \"29.99\""
    ));
    assert!(lines.contains(
        &"error   bad_currency     push 0 ecommerce.currency: expected an ISO 4217 code (3 uppercase letters, e.g. USD), found string \"usd\""
    ));
    assert!(lines.contains(
        &"error   pii_in_clear     push 1 user_email: expected no email address in clear text (send a hash or nothing), found j***@e***.com"
    ));
    assert_eq!(lines[3], "pdp: 3 errors, 0 warnings, 0 info");
}

#[test]
fn json_prints_the_report() {
    let file = fixture("confirmation");
    let (code, stdout, _) = validate(&["--page", "plp", "--json", file.to_str().unwrap()], "");
    assert_eq!(code, 1, "no view_item_list on a confirmation capture");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["page"], "plp");
    assert_eq!(report["counts"]["error"], 1);
    assert_eq!(report["findings"][0]["code"], "missing_event");
    assert_eq!(report["findings"][0]["severity"], "error");
}

#[test]
fn warnings_alone_exit_0() {
    let capture = r#"[{"event":"gtm.js"},{"event":"add_to_cart","ecommerce":{"currency":"USD","value":5,
        "items":[{"item_id":"P1","price":5,"quantity":1}]}}]"#;
    let (code, stdout, _) = validate(&["--page", "cart", "-"], capture);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("warning missing_event    event: expected a `view_cart` event"),
        "{stdout}"
    );
}

#[test]
fn unreadable_input_exits_2_with_a_reason() {
    let (code, stdout, stderr) = validate(&["--page", "pdp", "/nonexistent/capture.json"], "");
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: cannot read /nonexistent/capture.json:"),
        "{stderr}"
    );
    let (code, _, stderr) = validate(&["--page", "pdp", "-"], r#"{"event":"view_item"}"#);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: -: the data layer must be a JSON array of dataLayer pushes, found an object\n"
    );
    let (code, _, stderr) = validate(&["--page", "pdp", "-"], "not json");
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: -: the data layer is not valid JSON"),
        "{stderr}"
    );
    let (code, _, _) = validate(&["--page", "basket", "-"], "[]");
    assert_eq!(code, 2, "clap refuses an unknown page type");
}
