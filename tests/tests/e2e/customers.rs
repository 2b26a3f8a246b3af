//! SFCC's customer list → Clerk customers on cron, for audiences and email: names, emails and
//! the marketing opt-in, then only changes.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, Stack, StackOptions};
use std::time::Duration;

fn customers(stack: &Stack, key: &str) -> Option<Value> {
    let all = stack.clerk_store_with_key(key)["customers"].clone();
    (all.as_object().map_or(0, |m| m.len()) >= 3).then_some(all)
}

fn customer_writes(stack: &Stack) -> usize {
    stack.clerk_requests().as_array().map_or(0, |r| {
        r.iter()
            .filter(|r| r["request"] == "POST /v2/customers")
            .count()
    })
}

#[test]
fn cron_sends_the_customer_list_to_clerk_then_only_changes() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);
    let held = wait_for(
        "the customers at Clerk",
        Duration::from_secs(60),
        || customers(&stack, "sandbox-public-us"),
        || stack.wrangler_log(),
    );
    assert_eq!(
        held["00000001"],
        json!({"id": "00000001", "name": "Alice Shopper", "email": "alice.shopper@example.com", "subscribed": true})
    );
    assert_eq!(
        held["00000002"]["subscribed"], false,
        "no opt-in, no marketing email"
    );
    assert_eq!(held.as_object().map(|m| m.len()), Some(3));
    // The German store has no customer list configured.
    assert_eq!(customers(&stack, "sandbox-public-de"), None);
    let writes = customer_writes(&stack);
    assert_eq!(
        writes, 2,
        "three customers in pages of two (SFCC_PAGE_SIZE)"
    );

    // Nothing changed since: the next cron sends no customers.
    next_cron_sends_no_customers(&stack, writes);
}

/// After the first run: a second cron, whose customer window holds no change, writes none.
fn next_cron_sends_no_customers(stack: &Stack, writes: usize) {
    stack.finished_run("refarch-us", 0, Duration::from_secs(60));
    assert_eq!(stack.trigger_cron().status, 200);
    stack.finished_run("refarch-us", 1, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(customer_writes(stack), writes);
}

/// A customer list deeper than `customer_search` reads: the Data API documents start + count
/// ≤ 10,000, and sandbox SFCC refuses past it as documented. The first run reads the first
/// 10,000, reports the rest once, and the next cron reads changes only — rather than reading the
/// same 10,000 again on every cron and dead-lettering at the same offset.
#[test]
fn a_list_deeper_than_customer_search_reads_is_read_to_its_depth_once_and_reported() {
    let stack = Stack::start(&StackOptions {
        page_size: 200,
        generated_customers: 10_050,
        ..Default::default()
    })
    .expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);
    let reported = wait_for(
        "the unread customers reported",
        Duration::from_secs(240),
        || {
            let failures = stack.admin_get("validation-failures?limit=100");
            failures
                .as_array()?
                .iter()
                .find(|f| f["product_id"] == "(customers past 10000)")
                .cloned()
        },
        || stack.wrangler_log(),
    );
    let why = reported["problems"].to_string();
    assert!(
        why.contains("53 customers of list RefArch were not read"),
        "{reported}"
    );
    let held = stack.clerk_store_with_key("sandbox-public-us")["customers"].clone();
    let held = held.as_object().expect("customers");
    // The three samples sort first, then G0000000 …: the first 10,000 by customer number.
    assert_eq!(held.len(), 10_000);
    assert!(held.contains_key("00000001") && held.contains_key("G0009996"));
    assert!(!held.contains_key("G0009997"));
    let writes = customer_writes(&stack);
    assert_eq!(writes, 50, "pages of 200 down to the depth");
    assert_eq!(
        stack.admin_get("dead-letters").as_array().map(Vec::len),
        Some(0),
        "nothing was asked past the depth"
    );

    // The window counts as read: the next cron reads changes only, and there are none.
    next_cron_sends_no_customers(&stack, writes);
}

/// A data-subject request: the operator erases one customer (number and email) through the CLI's
/// client; every store's Clerk deletes the customer and forgets the shopper, and their orders
/// stay without the email. A request naming no one is refused, and nothing is sent.
#[test]
fn an_erased_customer_is_deleted_and_forgotten_in_every_clerk_store() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);
    wait_for(
        "the customers at Clerk",
        Duration::from_secs(60),
        || customers(&stack, "sandbox-public-us"),
        || stack.wrangler_log(),
    );
    let client = stack.admin_client();
    let nobody = client.erase(None, None, None);
    assert!(
        matches!(
            &nobody,
            Err(sfcc_clerk_cli::admin_client::AdminError::Refused { status: 400, .. })
        ),
        "{nobody:?}"
    );
    let erased = client
        .erase(None, Some("00000001"), Some("alice.shopper@example.com"))
        .expect("the erasure is taken");
    let stores = erased["stores"].as_array().cloned().unwrap_or_default();
    assert_eq!(erased["erased"], true, "{erased}");
    assert_eq!(stores.len(), 3, "every store: {erased}");
    assert!(
        stores.iter().all(|s| s["calls"]
            == json!([{"call": "customer deleted", "taken": true}, {"call": "shopper forgotten", "taken": true}])),
        "{erased}"
    );
    let held = stack.clerk_store_with_key("sandbox-public-us")["customers"].clone();
    assert_eq!(held.get("00000001"), None, "{held}");
    assert_eq!(
        held.as_object().map(|m| m.len()),
        Some(2),
        "the others stay"
    );
    let calls: Vec<String> = stack
        .clerk_requests()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["request"].as_str().map(String::from))
        .filter(|r| r.contains("privacy") || r.starts_with("DELETE /v2/customers"))
        .collect();
    assert_eq!(
        calls.len(),
        6,
        "two calls per store, nothing for the refused one: {calls:?}"
    );
    assert!(
        !stack.wrangler_log().contains("alice.shopper@example.com"),
        "the email never reaches the worker's log"
    );
}
