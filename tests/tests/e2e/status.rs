//! The status report through the worker: after a re-index with invalid products, a dead-lettered
//! event and an event waiting for its retry, `sfcc-clerk status` prints the figures the worker's
//! own records hold (with the events a page sent that the worker refused), and the status page
//! in headless Chromium refuses a wrong token, shows the same figures (hostile reasons and event
//! names as text), and its Replay button delivers the dead letter.

use serde_json::{json, Value};
use sfcc_clerk_cli::status::{fetch, run};
use sfcc_clerk_core::status::StatusReport;
use sfcc_clerk_e2e::{Browser, Stack, StackOptions, ADMIN_TOKEN};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const US: &str = "refarch-us";
const DE: &str = "refarchglobal-de";
const FR: &str = "refarchglobal-fr";
/// An image link that is markup: SFCC data the page must show as text.
const HOSTILE: &str = "<img src=x onerror=window.pwned=1>";
const CLICKED: &str = "25565189M";

/// (store, kind, outcome) → calls, from the raw delivery log.
fn logged_calls(stack: &Stack) -> BTreeMap<(String, String, String), u64> {
    let mut calls = BTreeMap::new();
    for d in stack.admin_get("deliveries?limit=1000").as_array().unwrap() {
        let key = |k: &str| d[k].as_str().unwrap().to_string();
        *calls
            .entry((key("store"), key("kind"), key("outcome")))
            .or_default() += 1;
    }
    calls
}

fn set_clerk_fault(stack: &Stack, fault: Value) {
    let url = format!("{}/__sandbox/clerk/faults", stack.sandbox.base_url);
    assert_eq!(
        stack
            .client
            .send("POST", &url, &[], &fault.to_string())
            .status,
        200
    );
}

fn text(browser: &Browser, css: &str) -> String {
    let script = format!(
        "var e = document.querySelector({}); return e ? e.textContent : null;",
        json!(css)
    );
    browser
        .run(&script)
        .unwrap()
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no {css} on the page"))
}

fn on_page(browser: &Browser, css: &str) -> bool {
    let script = format!("return !!document.querySelector({});", json!(css));
    // A script may run while a form's navigation swaps the document: that is "not yet".
    browser
        .run(&script)
        .is_ok_and(|found| found == Value::Bool(true))
}

/// Waits for `css` to be on the page (a form post and its redirect take a moment after the
/// click returns).
fn wait_on_page(browser: &Browser, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !on_page(browser, css) {
        assert!(
            Instant::now() < deadline,
            "no {css} on {}",
            browser
                .run("return location.href + '\\n' + document.body.innerText")
                .unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn status_shows_runs_backlog_failures_and_dead_letters_and_the_page_replays_one() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let image = json!({"image_groups": [{"view_type": "large", "images": [{"abs_url": HOSTILE}]}]});
    assert_eq!(stack.change_sfcc_product("25518704M", &image).status, 200);
    // A full re-index of every store, by an operator.
    stack
        .admin_client()
        .start_run(None, true)
        .expect("the re-index starts");
    let us_run = stack.finished_run(US, 0, Duration::from_secs(60));
    stack.finished_run(DE, 0, Duration::from_secs(60));
    stack.finished_run(FR, 0, Duration::from_secs(60));
    stack.wait_for_category_upserts(stack.stores.len());

    // Clerk refuses a click for good: a dead letter.
    set_clerk_fault(&stack, json!({"fail_next": 1, "status": 400}));
    let click = format!(r#"{{"type":"click","product":"{CLICKED}"}}"#);
    assert_eq!(stack.post_events(&click, Some("dw_dnt=0")).status, 202);
    let dead = stack.wait_for_value("the dead letter", Duration::from_secs(30), || {
        stack
            .admin_get("dead-letters")
            .as_array()
            .and_then(|d| d.first().cloned())
    });
    let dead_id = dead["id"].as_u64().unwrap();
    // Clerk asks to come back in five minutes: an event waiting for its retry.
    set_clerk_fault(
        &stack,
        json!({"fail_next": 1, "status": 429, "retry_after": 300}),
    );
    let view = r#"{"type":"product_view","product":"25752986M"}"#;
    assert_eq!(stack.post_events(view, Some("dw_dnt=0")).status, 202);
    stack.wait_for_value("the retry", Duration::from_secs(30), || {
        logged_calls(&stack)
            .contains_key(&(US.into(), "event".into(), "retry".into()))
            .then_some(())
    });

    // A page's data layer sends what the worker cannot take (a hostile event name among it).
    let bad = json!([
        {"type": "product_view", "product": 7},
        {"type": "product_view", "product": 7},
        {"event": "add_to_cart", "ecommerce": {"items": []}},
        {"type": HOSTILE},
    ]);
    let refused = stack.post_events(&bad.to_string(), None);
    assert_eq!(refused.status, 400, "{:?}", refused.json);
    let add_to_cart_reason = refused.json["refused"][2]["error"]
        .as_str()
        .expect("the reason the beacon is told")
        .to_string();

    // (a) sfcc-clerk status: the figures the records hold.
    let report: StatusReport = fetch(&stack.admin_client()).expect("the status report");
    let names: Vec<(&str, bool)> = report
        .stores
        .iter()
        .map(|s| (s.store.as_str(), s.configured))
        .collect();
    assert_eq!(names, [(US, true), (DE, true), (FR, true)]);
    let us = &report.stores[0];
    let full = us.last_full.as_ref().expect("the last full run");
    assert_eq!(
        (
            full.run_id.as_str(),
            full.status.as_str(),
            full.trigger.as_str()
        ),
        (us_run["run_id"].as_str().unwrap(), "finished", "admin")
    );
    for (figure, value) in [
        ("pages", full.pages),
        ("upserted", full.upserted),
        ("unchanged", full.unchanged),
        ("removed", full.removed),
        ("rejected", full.rejected),
    ] {
        assert_eq!(Some(u64::from(value)), us_run[figure].as_u64(), "{figure}");
    }
    assert_eq!(
        full.rejected, 2,
        "the priceless scarf and the hostile image"
    );
    assert!(us.last_delta.is_none());
    assert_eq!(
        (
            us.backlog.catalog_pages,
            us.backlog.runs_in_progress,
            us.backlog.stalled_runs,
            us.backlog.event_retries
        ),
        (0, 0, 0, 1)
    );
    assert_eq!(report.stores[1].backlog.event_retries, 0);
    // Deliveries: per store and kind, exactly the raw log's counts.
    let calls = logged_calls(&stack);
    for s in &report.stores {
        for k in &s.deliveries.by_kind {
            let n = |outcome: &str| {
                calls
                    .get(&(s.store.clone(), k.kind.clone(), outcome.into()))
                    .copied()
                    .unwrap_or(0)
            };
            assert_eq!(
                (k.delivered, k.retried, k.dead_lettered),
                (n("delivered"), n("retry"), n("dead_letter")),
                "{} {}",
                s.store,
                k.kind
            );
        }
    }
    let events = us
        .deliveries
        .by_kind
        .iter()
        .find(|k| k.kind == "event")
        .expect("event deliveries");
    assert_eq!(
        (events.delivered, events.retried, events.dead_lettered),
        (0, 1, 1)
    );
    assert_eq!(events.success_rate, Some(0.0));
    assert_eq!(
        us.latest_errors
            .iter()
            .map(|e| (e.kind.as_str(), e.status, e.outcome.as_str()))
            .collect::<Vec<_>>(),
        [
            ("event", Some(429), "retry"),
            ("event", Some(400), "dead_letter")
        ]
    );
    let reasons: Vec<(&str, &str)> = us
        .validation_failures
        .iter()
        .flat_map(|f| {
            f.problems
                .iter()
                .map(|p| (f.product_id.as_str(), p.reason.as_str()))
        })
        .collect();
    assert!(reasons.contains(&("25720424M", "missing")), "{reasons:?}");
    let hostile_reason = format!("{HOSTILE:?} is not an absolute http(s) URL");
    assert!(
        reasons.contains(&("25518704M", hostile_reason.as_str())),
        "{reasons:?}"
    );
    assert_eq!((us.dead_letters.waiting, us.dead_letters.replayed), (1, 0));
    // Refused events: counted by name and reason, the most frequent first, the events not kept.
    let r = &us.refused_events;
    assert_eq!(r.total, 4);
    let kinds: Vec<(&str, &str, u64)> = r
        .kinds
        .iter()
        .map(|k| (k.name.as_str(), k.reason.as_str(), k.count))
        .collect();
    assert_eq!(
        kinds[0],
        ("product_view", "field `product` must be a string", 2)
    );
    assert!(
        kinds.contains(&("add_to_cart", add_to_cart_reason.as_str(), 1)),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|k| k.0 == HOSTILE && k.1.starts_with("unknown type") && k.2 == 1),
        "{kinds:?}"
    );
    assert_eq!(report.stores[1].refused_events.total, 0, "another store's");
    let letter = &us.dead_letters.latest[0];
    assert_eq!(letter.id, dead_id);
    assert!(
        letter
            .subject
            .starts_with(&format!("click {CLICKED} (event ")),
        "{}",
        letter.subject
    );
    assert_eq!(
        letter.reason,
        "HTTP 400 rejected: InternalError: injected fault"
    );

    // The printed tables carry the same figures.
    let printed = run(&stack.admin_client(), false).expect("sfcc-clerk status");
    let row = |store: &str, run: &str| -> Vec<String> {
        printed
            .lines()
            .find(|l| l.starts_with(store) && l.split_whitespace().nth(1) == Some(run))
            .unwrap_or_else(|| panic!("no {store} {run} line in\n{printed}"))
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let us_full = row(US, "full");
    assert_eq!(
        (us_full[2].as_str(), us_full[3].as_str()),
        ("finished", "admin"),
        "{printed}"
    );
    assert_eq!(
        us_full[8..],
        [
            full.upserted.to_string(),
            full.unchanged.to_string(),
            full.removed.to_string(),
            "2".to_string()
        ],
        "{printed}"
    );
    assert_eq!(row(US, "delta")[2], "no run yet");
    let health: Vec<&str> = printed
        .lines()
        .filter(|l| l.starts_with(US))
        .find(|l| l.ends_with('%'))
        .expect("the health line")
        .split_whitespace()
        .collect();
    // STORE, PAGES TO DO, RUNS, STALLED, EVENT RETRIES, DEAD LETTERS, REPLAYED, …
    assert_eq!(
        health[..8],
        [US, "0", "0", "0", "1", "1", "0", "4"],
        "{printed}"
    );
    let most_refused: Vec<&str> = printed
        .lines()
        .skip_while(|l| !l.starts_with("Refused events"))
        .nth(2)
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect();
    assert_eq!(
        most_refused,
        [US, "product_view", "2"],
        "the most frequent refusal first: {printed}"
    );
    assert!(printed.contains(&format!("{dead_id}  ")), "{printed}");
    let as_json: StatusReport =
        serde_json::from_str(&run(&stack.admin_client(), true).unwrap()).expect("--json");
    assert_eq!(as_json.stores.len(), stack.stores.len());

    // (b) The page, in headless Chromium.
    let browser = Browser::start().expect("headless Chromium starts");
    let page = format!("{}/__sfcc-clerk/status", stack.worker_url);
    browser.goto(&page).unwrap();
    assert!(on_page(&browser, "form#login"));
    assert!(
        !on_page(&browser, "section.store"),
        "nothing before sign-in"
    );
    browser
        .type_into("input[name=token]", "not-the-token")
        .unwrap();
    browser.click("form#login button").unwrap();
    wait_on_page(&browser, "#login-error");
    assert_eq!(
        text(&browser, "#login-error"),
        "That is not the worker's admin token."
    );
    assert!(!on_page(&browser, "section.store"));
    assert!(browser.cookies().unwrap().is_empty(), "no session");

    browser.type_into("input[name=token]", ADMIN_TOKEN).unwrap();
    browser.click("form#login button").unwrap();
    let store = format!("section[data-store=\"{US}\"]");
    wait_on_page(&browser, &store);
    let html = browser
        .run("return document.documentElement.outerHTML")
        .unwrap();
    assert!(
        !html.as_str().unwrap().contains(ADMIN_TOKEN),
        "the token is not in the page"
    );
    let cookies = browser.cookies().unwrap();
    assert_eq!(cookies.len(), 1);
    assert_ne!(cookies[0].1, ADMIN_TOKEN);
    let field = |run: &str, f: &str| {
        text(
            &browser,
            &format!("{store} tr[data-run={run}] [data-field={f}]"),
        )
    };
    assert_eq!(field("full", "status"), "finished");
    assert_eq!(field("full", "upserted"), full.upserted.to_string());
    assert_eq!(field("full", "rejected"), "2");
    let figure = |f: &str| text(&browser, &format!("{store} [data-figure={f}]"));
    assert_eq!(figure("catalog_pages"), "0");
    assert!(figure("event_retries").starts_with("1 (oldest "));
    assert_eq!(figure("dead_letters_waiting"), "1");
    assert_eq!(figure("refused_events"), "4");
    assert_eq!(
        text(
            &browser,
            &format!("{store} table.refused tr:nth-child(2) [data-field=count]")
        ),
        "2"
    );
    let dead_row = format!("{store} tr[data-dead-letter=\"{dead_id}\"]");
    assert_eq!(
        text(&browser, &format!("{dead_row} [data-field=reason]")),
        "HTTP 400 rejected: InternalError: injected fault"
    );
    // The hostile reason is text on the page: no element made of it, no script run.
    let shown = browser
        .run("return Array.from(document.querySelectorAll('.reason')).map(e => e.textContent)")
        .unwrap();
    assert!(
        shown
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str() == Some(hostile_reason.as_str())),
        "{shown}"
    );
    assert_eq!(
        browser
            .run("return [document.querySelectorAll('img').length, typeof window.pwned]")
            .unwrap(),
        json!([0, "undefined"])
    );

    // A post from another origin, even with the session, and one without a session, replay
    // nothing.
    let replay_url = format!(
        "{}/__sfcc-clerk/status/dead-letters/{dead_id}/replay",
        stack.worker_url
    );
    let session = format!("{}={}", cookies[0].0, cookies[0].1);
    let forged = stack.client.send(
        "POST",
        &replay_url,
        &[
            ("cookie", &session),
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://elsewhere.example"),
        ],
        "",
    );
    assert_eq!(forged.status, 403);
    let anonymous = stack.client.send(
        "POST",
        &replay_url,
        &[("sec-fetch-site", "same-origin")],
        "",
    );
    assert_eq!(anonymous.status, 401);
    // From the page's own origin, with the session, but not from the page (no CSRF token, or
    // another's): nothing.
    for body in ["", "csrf=0123456789abcdef0123456789abcdef"] {
        let unformed = stack.client.send(
            "POST",
            &replay_url,
            &[
                ("cookie", &session),
                ("sec-fetch-site", "same-origin"),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            body,
        );
        assert_eq!(unformed.status, 403, "{body}");
    }
    assert_eq!(
        stack.admin_get("dead-letters")[0]["replayed_at_ms"],
        Value::Null
    );

    // Replay: the click reaches Clerk and the page says so.
    browser
        .click(&format!("button[data-replay=\"{dead_id}\"]"))
        .unwrap();
    wait_on_page(&browser, "#notice");
    assert_eq!(
        text(&browser, "#notice"),
        format!("Dead letter {dead_id} is back on its queue.")
    );
    assert!(text(&browser, &format!("{dead_row} [data-field=action]")).starts_with("replayed "));
    assert!(!on_page(
        &browser,
        &format!("button[data-replay=\"{dead_id}\"]")
    ));
    let log = stack.wait_for_value(
        "the replayed click at Clerk",
        Duration::from_secs(30),
        || {
            let log = stack.clerk_log();
            log.iter()
                .any(|l| l["endpoint"] == "log/click")
                .then_some(log)
        },
    );
    assert!(log
        .iter()
        .any(|l| l["endpoint"] == "log/click" && l["params"]["product"] == CLICKED));
    browser.goto(&page).unwrap();
    assert_eq!(figure("dead_letters_waiting"), "0");
    assert_eq!(figure("dead_letters_replayed"), "1");
    assert_eq!(
        text(
            &browser,
            &format!("{store} tr[data-kind=event] td:nth-child(2)")
        ),
        "1",
        "the replayed click is delivered"
    );

    // Signed out, the page is the sign-in form again.
    browser.click("header form button").unwrap();
    wait_on_page(&browser, "form#login");
    assert!(!on_page(&browser, "section.store"));
}
