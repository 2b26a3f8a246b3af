//! `sfcc-clerk qa` against the sandbox storefront behind the worker: it passes on the clean
//! storefront, where the worker received and delivered every ecommerce push; with the break
//! switch on it reports exactly the defects switched on; with Clerk refusing the calls, or a push
//! the worker refuses, the forwarding check names the event.

use serde_json::{json, Value};
use sfcc_clerk_cli::qa::{run, ConsentAnswer, Journey};
use sfcc_clerk_e2e::{Stack, StackOptions, ADMIN_TOKEN};
use std::collections::BTreeSet;

/// One QA run's outcome.
struct Run {
    /// Errors the run counted.
    errors: usize,
    /// (page, code, field) of every error.
    found: BTreeSet<(String, String, String)>,
    /// The JSON report: `{"pages": [{"page", "url", "report"}]}`.
    report: Value,
}

impl Run {
    /// Per page, the (GA4 event, state) of each push the worker was asked about.
    fn forwarding(&self) -> Vec<(String, Vec<(String, String)>)> {
        self.report["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let pushes = p["report"]["forwarding"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        (
                            f["event"].as_str().unwrap().to_string(),
                            f["state"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                (p["page"].as_str().unwrap().to_string(), pushes)
            })
            .collect()
    }

    /// The messages of the findings with `code` on `page`.
    fn messages(&self, page: &str, code: &str) -> Vec<String> {
        self.report["pages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["page"] == page)
            .flat_map(|p| {
                p["report"]["findings"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|f| f["code"] == code)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    }
}

/// Runs the QA journey, answering the consent banner as told.
fn qa(stack: &Stack, tag: &str, consent: ConsentAnswer) -> Run {
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
            consent,
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
    Run {
        errors,
        found,
        report,
    }
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

fn clerk_faults(stack: &Stack, body: &Value) {
    let url = format!("{}/__sandbox/clerk/faults", stack.sandbox.base_url);
    let reply = stack.client.send("POST", &url, &[], &body.to_string());
    assert_eq!(reply.status, 200, "{:?}", reply.json);
}

fn pages(list: &[(&str, &[(&str, &str)])]) -> Vec<(String, Vec<(String, String)>)> {
    list.iter()
        .map(|(page, pushes)| {
            (
                page.to_string(),
                pushes
                    .iter()
                    .map(|(e, s)| (e.to_string(), s.to_string()))
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_qa_run_passes_a_clean_storefront_and_names_each_broken_data_layer() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // The catalog in Clerk first: page vs feed compares with what Clerk received.
    assert_eq!(stack.trigger_cron().status, 200);
    stack.finished_run("refarch-us", 0, std::time::Duration::from_secs(60));
    let clean = qa(&stack, "clean", ConsentAnswer::Accept);
    assert_eq!(
        (clean.errors, &clean.found),
        (0, &BTreeSet::new()),
        "the clean storefront passes"
    );
    assert_eq!(
        clean.forwarding(),
        pages(&[
            ("plp", &[("view_item_list", "delivered")]),
            ("pdp", &[("view_item", "delivered")]),
            ("cart", &[]),
            ("checkout", &[]),
            ("confirmation", &[("purchase", "delivered")]),
        ]),
        "every push Clerk gets was received and delivered (cart views and checkout steps have no Clerk call)"
    );
    // The banner left unanswered: the data-layer rules alone, nothing expected at Clerk.
    for (fault, expected_code) in [
        ("missing_currency", "missing_field"),
        ("price_as_string", "wrong_type"),
        ("wrong_total", "value_mismatch"),
        ("duplicate_purchase", "duplicate_event"),
        ("email_in_clear", "pii_in_clear"),
        ("price_differs_from_feed", "feed_mismatch"),
    ] {
        faults(&stack, Some(json!({ fault: true })));
        let run = qa(&stack, fault, ConsentAnswer::Unanswered);
        faults(&stack, None);
        assert!(run.errors > 0, "{fault}: the run fails");
        let codes: BTreeSet<&str> = run.found.iter().map(|(_, c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            BTreeSet::from([expected_code]),
            "{fault}: exactly its defect: {:?}",
            run.found
        );
    }
}

#[test]
fn the_qa_run_names_events_clerk_refused_and_pushes_the_worker_never_received() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");

    // Clerk refuses every call: each event is dead-lettered with Clerk's reason.
    clerk_faults(&stack, &json!({"fail_rate": 1.0, "seed": 1, "status": 400}));
    let refused = qa(&stack, "clerk-refuses", ConsentAnswer::Accept);
    clerk_faults(&stack, &json!({}));
    let dead: BTreeSet<(&str, &str)> = refused
        .found
        .iter()
        .map(|(page, code, _)| (page.as_str(), code.as_str()))
        .collect();
    assert_eq!(
        dead,
        BTreeSet::from([
            ("confirmation", "dead_lettered"),
            ("pdp", "dead_lettered"),
            ("plp", "dead_lettered")
        ]),
        "{:?}",
        refused.found
    );
    let message = &refused.messages("pdp", "dead_lettered")[0];
    assert!(
        message.contains("view_item (product_view 25518704M)")
            && message.contains("HTTP 400, GET /v2/log/product: HTTP 400 rejected"),
        "{message}"
    );

    // A price as a string: the worker refuses the purchase the confirmation page forwards.
    faults(&stack, Some(json!({"price_as_string": true})));
    let broken = qa(&stack, "string-price", ConsentAnswer::Accept);
    faults(&stack, None);
    let codes: BTreeSet<(&str, &str)> = broken
        .found
        .iter()
        .map(|(page, code, _)| (page.as_str(), code.as_str()))
        .filter(|(_, code)| *code != "wrong_type")
        .collect();
    assert_eq!(
        codes,
        BTreeSet::from([("confirmation", "not_received")]),
        "{:?}",
        broken.found
    );
    assert_eq!(
        broken.messages("confirmation", "not_received"),
        ["expected the worker to receive purchase, found that it refuses the push: products[0]: field `price` must be a number ≥ 0"]
    );
    let confirmation = broken
        .forwarding()
        .into_iter()
        .find(|(page, _)| page == "confirmation")
        .unwrap();
    assert_eq!(
        confirmation.1,
        [("purchase".to_string(), "refused".to_string())]
    );
}
