//! `sfcc-clerk qa` against the sandbox storefront behind the worker: it passes on the clean
//! storefront, and with the break switch on it reports exactly the defects switched on.

use serde_json::{json, Value};
use sfcc_clerk_cli::qa::{run, Journey};
use sfcc_clerk_e2e::{Stack, StackOptions, ADMIN_TOKEN};
use std::collections::BTreeSet;

/// Runs the QA journey; returns the error count and the (page, code, field) of every error.
fn qa(stack: &Stack, tag: &str) -> (usize, BTreeSet<(String, String, String)>) {
    let dir = std::env::temp_dir().join(format!("sfcc-clerk-qa-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json_path, junit_path) = (dir.join("qa.json"), dir.join("qa.xml"));
    let errors = run(
        &Journey {
            base_url: &stack.worker_url,
            token: ADMIN_TOKEN,
            site_path: "/on/demandware.store/Sites-RefArch-Site/en_US",
            category: "mens",
            product: "25518704M",
            email: Some("qa.guest@example.com"),
        },
        Some(&json_path),
        Some(&junit_path),
    )
    .expect("the QA run runs");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let junit = std::fs::read_to_string(&junit_path).unwrap();
    assert!(junit.contains(&format!("failures=\"{errors}\"")), "{junit}");
    let mut found = BTreeSet::new();
    for page in report["pages"].as_array().unwrap() {
        for f in page["report"]["findings"].as_array().into_iter().flatten() {
            if f["severity"] == "error" {
                found.insert((
                    page["page"].as_str().unwrap().to_string(),
                    f["code"].as_str().unwrap().to_string(),
                    f["field"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    (errors, found)
}

fn faults(stack: &Stack, body: Option<Value>) {
    let url = format!("{}/__sandbox/storefront/faults", stack.storefront.base_url);
    let reply = match body {
        Some(b) => stack.client.send(
            "POST",
            &url,
            &[("content-type", "application/json")],
            &b.to_string(),
        ),
        None => stack.client.send("DELETE", &url, &[], ""),
    };
    assert_eq!(reply.status, 200, "{:?}", reply.json);
}

#[test]
fn the_qa_run_passes_a_clean_storefront_and_names_each_broken_data_layer() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // The catalog in Clerk first: page vs feed compares with what Clerk received.
    assert_eq!(stack.trigger_cron().status, 200);
    stack.finished_run("refarch-us", 0, std::time::Duration::from_secs(60));
    let (errors, found) = qa(&stack, "clean");
    assert_eq!(
        (errors, &found),
        (0, &BTreeSet::new()),
        "the clean storefront passes"
    );
    for (fault, expected_code) in [
        ("missing_currency", "missing_field"),
        ("price_as_string", "wrong_type"),
        ("wrong_total", "value_mismatch"),
        ("duplicate_purchase", "duplicate_event"),
        ("email_in_clear", "pii_in_clear"),
        ("price_differs_from_feed", "feed_mismatch"),
    ] {
        faults(&stack, Some(json!({ fault: true })));
        let (errors, found) = qa(&stack, fault);
        faults(&stack, None);
        assert!(errors > 0, "{fault}: the run fails");
        let codes: BTreeSet<&str> = found.iter().map(|(_, c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            BTreeSet::from([expected_code]),
            "{fault}: exactly its defect: {found:?}"
        );
    }
}
