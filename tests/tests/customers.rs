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
    stack.finished_run("refarch-us", 0, Duration::from_secs(60));
    assert_eq!(stack.trigger_cron().status, 200);
    stack.finished_run("refarch-us", 1, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(customer_writes(&stack), writes);
}
