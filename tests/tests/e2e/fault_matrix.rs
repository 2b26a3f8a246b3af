//! The fault matrix: for each fault, what reached Clerk, what is in the dead-letter table, and
//! the proof that the two together are everything that was sent in — nothing lost, and no sale
//! (an order in Clerk) delivered twice. Two stacks, each taking its faults in turn: shopper events
//! against a failing Clerk, and catalog runs against a failing SFCC and a restarted worker.
//!
//! Already covered elsewhere and not repeated here: SFCC expired token and SFCC 5xx on the first
//! page, SFCC and Clerk timeouts on catalog calls, 30 % Clerk failures (`catalog_sync`); Clerk down
//! for a minute mid-journey (`outage`); a 4xx dead letter and its replay (`events`).

use serde_json::{json, Value};
use sfcc_clerk_e2e::{Stack, StackOptions};
use sfcc_clerk_sandbox::sfcc::{generator, CatalogSpec};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// A shopper who consented, with a known visitor id.
const COOKIE: &str = "dw_dnt=0; __Host-sfcc_clerk_vid=3f2504e0-4f89-41d3-9a0c-0305e82c3301";

/// The retry policy of both stacks: 4 attempts, 1 s doubling to at most 3 s, so a delivery
/// gives up within seconds instead of minutes (the default's 8 attempts are `outage`'s).
fn quick_retries() -> Vec<(&'static str, String)> {
    vec![
        ("RETRY_MAX_ATTEMPTS", "4".into()),
        ("RETRY_BASE_S", "1".into()),
        ("RETRY_MAX_S", "3".into()),
    ]
}

/// One line of the matrix: what was sent in, what Clerk has, what is in the dead-letter table
/// and what was reported as a bad record.
struct Row {
    fault: &'static str,
    sent: usize,
    delivered: usize,
    dead: usize,
    reported: usize,
    outcome: String,
}

fn print_matrix(title: &str, rows: &[Row]) {
    eprintln!("\n{title}");
    eprintln!(
        "{:<46} {:>4} {:>9} {:>4} {:>8}  outcome",
        "fault", "sent", "delivered", "dead", "reported"
    );
    for r in rows {
        eprintln!(
            "{:<46} {:>4} {:>9} {:>4} {:>8}  {}",
            r.fault, r.sent, r.delivered, r.dead, r.reported, r.outcome
        );
    }
}

/// The rows of the shopper-events matrix, each a page that reports a sale and a view.
const EVENT_ROWS: [&str; 6] = [
    "ratelimited",
    "slowdown",
    "unavailable",
    "refused",
    "late",
    "redelivered",
];

/// The confirmation pages the worker served for the rows' orders (as the proxy records them: a
/// page's report of a sale is only taken from one; `attacks` drives that through the proxy).
fn served_pages() -> String {
    EVENT_ROWS
        .iter()
        .map(|row| {
            let pair = Pair::new(row);
            format!(
                "INSERT INTO sale_details (event_id, page_id, served, at_ms) \
                 VALUES ('{}', '{}', 1, 4102444800000);",
                pair.sale_id(),
                pair.page
            )
        })
        .collect()
}

/// A sale and a product view seen on one page, as a page reports them: their ids come from the
/// page id and the order, so the same report delivered twice carries the same ids. The page's
/// sale waits on the queue longer than the view (a page's copy of a sale stands in for the
/// server's only after the server's had its turn), so they reach Clerk in separate batches.
struct Pair {
    order: String,
    view: String,
    page: String,
}

impl Pair {
    fn new(row: &str) -> Self {
        Self {
            order: format!("{row}-order"),
            view: format!("{row}-viewed"),
            page: format!("{row}-page"),
        }
    }

    fn body(&self) -> String {
        json!([
            {"type": "purchase", "order_id": self.order, "page_id": self.page,
             "products": [{"id": "25518704M", "price": 39.5, "quantity": 1}]},
            {"type": "product_view", "product": self.view, "page_id": self.page}
        ])
        .to_string()
    }

    fn sale_id(&self) -> String {
        format!("order-{}", self.order)
    }

    fn view_id(&self) -> String {
        format!("{}-product_view-{}", self.page, self.view)
    }

    fn post(&self, stack: &Stack) {
        let reply = stack.post_events(&self.body(), Some(COOKIE));
        assert_eq!(
            (reply.status, &reply.json["accepted"]),
            (202, &json!(2)),
            "{:?}",
            reply.json
        );
    }

    /// How often Clerk logged the sale and the view.
    fn at_clerk(&self, stack: &Stack) -> (usize, usize) {
        let log = stack.clerk_log();
        let count = |endpoint: &str, key: &str, value: &str| {
            log.iter()
                .filter(|c| c["endpoint"] == endpoint && c["params"][key] == value)
                .count()
        };
        (
            count("log/sale", "sale", &self.order),
            count("log/product", "product", &self.view),
        )
    }

    /// Dead letters holding the sale and the view.
    fn dead(&self, stack: &Stack) -> (Vec<Dead>, Vec<Dead>) {
        let all = dead_letters(stack);
        let of = |id: &str| {
            all.iter()
                .filter(|(_, _, event)| event == id)
                .map(|(id, reason, _)| Dead {
                    id: *id,
                    reason: reason.clone(),
                })
                .collect::<Vec<_>>()
        };
        (of(&self.sale_id()), of(&self.view_id()))
    }

    /// Waits until Clerk has logged the sale at least `sales` and the view at least `views`
    /// times, then a little longer so that a late duplicate would show, and answers the counts.
    fn settle(&self, stack: &Stack, sales: usize, views: usize) -> (usize, usize) {
        stack.wait_for_value(
            &format!(
                "{sales} sale(s) and {views} view(s) of {} at Clerk",
                self.page
            ),
            Duration::from_secs(45),
            || {
                let (s, v) = self.at_clerk(stack);
                (s >= sales && v >= views).then_some(())
            },
        );
        std::thread::sleep(Duration::from_secs(3));
        self.at_clerk(stack)
    }
}

/// A dead letter: its id and reason.
#[derive(Debug, PartialEq)]
struct Dead {
    id: u64,
    reason: String,
}

/// One delivery-log record of an event call.
#[derive(Debug)]
struct Attempt {
    at_ms: u64,
    attempt: u64,
    outcome: String,
    status: Option<u64>,
    error: String,
}

/// Every dead letter as (id, reason, event id of its payload).
fn dead_letters(stack: &Stack) -> Vec<(u64, String, String)> {
    let rows = stack.admin_get("dead-letters?limit=1000");
    rows.as_array()
        .map(|rows| {
            rows.iter()
                .map(|d| {
                    let payload: Value =
                        serde_json::from_str(d["payload"].as_str().unwrap_or("null"))
                            .unwrap_or(Value::Null);
                    (
                        d["id"].as_u64().unwrap_or(0),
                        d["reason"].as_str().unwrap_or_default().to_string(),
                        payload["payload"]["id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Delivery-log records of event calls to `endpoint`, oldest first.
fn event_attempts(stack: &Stack, endpoint: &str) -> Vec<Attempt> {
    let mut rows: Vec<Attempt> = stack
        .admin_get("deliveries?limit=1000")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d["kind"] == "event" && d["endpoint"] == endpoint)
        .map(|d| Attempt {
            at_ms: d["at_ms"].as_u64().unwrap_or(0),
            attempt: d["attempt"].as_u64().unwrap_or(0),
            outcome: d["outcome"].as_str().unwrap_or_default().to_string(),
            status: d["status"].as_u64(),
            error: d["error"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    rows.sort_by_key(|r| r.at_ms);
    rows
}

/// Replays a dead letter as an operator would (`sfcc-clerk replay ID`).
fn replay(stack: &Stack, id: u64) {
    let replayed = stack
        .admin_client()
        .replay(id, false)
        .expect("the replay is accepted");
    assert_eq!(replayed["replayed"], id);
}

/// Replays an in-doubt sale as an operator would once Clerk's orders show it lacks the sale
/// (`sfcc-clerk replay --in-doubt-checked ID`); without that word, the replay is refused.
fn replay_in_doubt(stack: &Stack, id: u64) {
    let unchecked = stack.admin_client().replay(id, false);
    assert!(
        unchecked
            .as_ref()
            .is_err_and(|e| e.to_string().contains("409") && e.to_string().contains("in doubt")),
        "{unchecked:?}"
    );
    let replayed = stack
        .admin_client()
        .replay(id, true)
        .expect("the checked replay is accepted");
    assert_eq!(replayed["replayed"], id);
}

#[test]
fn shopper_events_under_clerk_faults_arrive_once_or_wait_in_the_dead_letter_table() {
    let started = Instant::now();
    let stack = Stack::start(&StackOptions {
        http_timeout_ms: Some(2000),
        vars: quick_retries(),
        seed_sql: Some(served_pages()),
        ..Default::default()
    })
    .expect("stack starts");
    let mut rows = Vec::new();

    // 1. Clerk 429 with Retry-After 2 s: both events wait the server's 2 s (the policy alone
    // would wait 1 s), then arrive once.
    let pair = Pair::new(EVENT_ROWS[0]);
    assert_eq!(
        stack
            .clerk_faults(&json!({"fail_next": 2, "status": 429, "retry_after": 2}))
            .status,
        200
    );
    pair.post(&stack);
    assert_eq!(pair.settle(&stack, 1, 1), (1, 1));
    // The two 429s fall on whichever event went first (the view: the sale waits on the queue
    // first); once one of a store's deliveries must wait, the store's other events in the batch
    // wait with it, untried.
    let sale = event_attempts(&stack, "POST /v2/log/sale");
    let view = event_attempts(&stack, "GET /v2/log/product");
    let limited: Vec<&Attempt> = sale
        .iter()
        .chain(&view)
        .filter(|a| a.outcome == "retry")
        .collect();
    assert_eq!(limited.len(), 2, "{sale:?} {view:?}");
    assert!(limited.iter().all(|a| a.status == Some(429)
        && a.error == "HTTP 429 rate limited: InternalError: injected fault; Retry-After 2 s"));
    let mut waited_ms = u64::MAX;
    for attempts in [&sale, &view] {
        assert_eq!(
            attempts.last().map(|a| (a.outcome.as_str(), a.status)),
            Some(("delivered", Some(200))),
            "{attempts:?}"
        );
        // Waiting untried behind another event uses none of an event's attempts.
        assert_eq!(
            attempts.iter().map(|a| a.attempt).collect::<Vec<_>>(),
            (1..=attempts.len() as u64).collect::<Vec<_>>(),
            "{attempts:?}"
        );
        for pair in attempts.windows(2) {
            waited_ms = waited_ms.min(pair[1].at_ms - pair[0].at_ms);
        }
    }
    assert!(waited_ms >= 1_900, "waited {waited_ms} ms");
    assert_eq!(pair.dead(&stack), (vec![], vec![]));
    rows.push(Row {
        fault: "Clerk 429, Retry-After 2 s",
        sent: 2,
        delivered: 2,
        dead: 0,
        reported: 0,
        outcome: format!("retried after {waited_ms} ms as asked, once each"),
    });

    // 2. Clerk 429 asking for 10 minutes: the policy's ceiling (3 s) wins, and the log says both.
    let pair = Pair::new(EVENT_ROWS[1]);
    stack.clerk_faults(&json!({"fail_next": 2, "status": 429, "retry_after": 600}));
    pair.post(&stack);
    assert_eq!(pair.settle(&stack, 1, 1), (1, 1));
    let attempts: Vec<Attempt> = event_attempts(&stack, "GET /v2/log/product")
        .into_iter()
        .chain(event_attempts(&stack, "POST /v2/log/sale"))
        .collect();
    let capped = attempts
        .iter()
        .rev()
        .find(|a| a.error.contains("Retry-After 600 s"))
        .expect("the capped retry is logged");
    assert_eq!(
        capped.error,
        "HTTP 429 rate limited: InternalError: injected fault; Retry-After 600 s, capped at 3 s"
    );
    assert_eq!(pair.dead(&stack), (vec![], vec![]));
    rows.push(Row {
        fault: "Clerk 429, Retry-After 600 s",
        sent: 2,
        delivered: 2,
        dead: 0,
        reported: 0,
        outcome: "waited the policy's 3 s ceiling, once each".into(),
    });

    // 3. Clerk answering 503 past the retry budget: both dead-lettered with the reason; replayed
    // once Clerk is back, both arrive once.
    let pair = Pair::new(EVENT_ROWS[2]);
    stack.clerk_faults(&json!({"down_ms": 120_000, "status": 503}));
    pair.post(&stack);
    let (sale_dead, view_dead) = stack.wait_for_value(
        "both events in the dead-letter table",
        Duration::from_secs(45),
        || {
            let (s, v) = pair.dead(&stack);
            (s.len() == 1 && v.len() == 1).then_some((s, v))
        },
    );
    let gave_up = "HTTP 503 server error: InternalError: injected fault (gave up after 4 attempts)";
    assert_eq!(
        (sale_dead[0].reason.as_str(), view_dead[0].reason.as_str()),
        (gave_up, gave_up)
    );
    assert_eq!(
        pair.at_clerk(&stack),
        (0, 0),
        "nothing reached Clerk while it failed"
    );
    stack.clerk_faults(&json!({}));
    replay(&stack, sale_dead[0].id);
    replay(&stack, view_dead[0].id);
    assert_eq!(pair.settle(&stack, 1, 1), (1, 1));
    rows.push(Row {
        fault: "Clerk 503 beyond 4 attempts",
        sent: 2,
        delivered: 2,
        dead: 2,
        reported: 0,
        outcome: "dead-lettered with the reason; replayed: once each".into(),
    });

    // 4. Clerk refusing connections (its host down). The runtime reports a refused connection
    // as it reports one lost after the request went out, so the worker cannot know the sale did
    // not land: the view is retried and arrives once Clerk listens again; the sale waits as an
    // in-doubt dead letter. Clerk shows no such order, so the operator replays it: it arrives once.
    // The view goes first and the sale some seconds later: Clerk is down for each in turn.
    let pair = Pair::new(EVENT_ROWS[3]);
    let refused_views = || {
        event_attempts(&stack, "GET /v2/log/product")
            .iter()
            .filter(|a| a.status.is_none())
            .count()
    };
    stack.sandbox.close_clerk();
    pair.post(&stack);
    stack.wait_for_value("the view refused", Duration::from_secs(20), || {
        (refused_views() > 0).then_some(())
    });
    stack.sandbox.open_clerk().expect("Clerk listens again");
    assert_eq!(
        stack.wait_for_value("the view retried", Duration::from_secs(20), || {
            Some(pair.at_clerk(&stack)).filter(|c| c.1 == 1)
        }),
        (0, 1),
        "the view arrives before the sale comes round"
    );
    stack.sandbox.close_clerk();
    let (sale_dead, _) =
        stack.wait_for_value("the sale kept as in doubt", Duration::from_secs(30), || {
            Some(pair.dead(&stack)).filter(|(s, _)| !s.is_empty())
        });
    stack.sandbox.open_clerk().expect("Clerk listens again");
    assert_eq!(
        sale_dead[0].reason,
        "in doubt: network error: Error: Network connection lost.; it may have been recorded, so it is not sent again automatically"
    );
    assert_eq!(
        pair.settle(&stack, 0, 1),
        (0, 1),
        "the view arrived, the sale waits"
    );
    replay_in_doubt(&stack, sale_dead[0].id);
    assert_eq!(pair.settle(&stack, 1, 1), (1, 1));
    assert_eq!(
        pair.dead(&stack).1,
        vec![],
        "the view was retried, not dead-lettered"
    );
    let view_refused = event_attempts(&stack, "GET /v2/log/product")
        .iter()
        .filter(|a| a.status.is_none())
        .count();
    rows.push(Row {
        fault: "Clerk refuses connections",
        sent: 2,
        delivered: 2,
        dead: 1,
        reported: 0,
        outcome: format!(
            "view retried ({view_refused} refused); sale in doubt, replayed: once each"
        ),
    });

    // 5. Clerk takes the calls but answers after the worker's 2 s deadline: the worker cannot
    // know they landed. The view is retried (at least once: Clerk counts it twice); the sale is
    // not sent again but kept as an in-doubt dead letter — Clerk has it once. The view goes
    // first and the sale some seconds later: each gets its late answer in turn.
    let pair = Pair::new(EVENT_ROWS[4]);
    let late = json!({"late_next": 1, "delay_ms": 3_500});
    stack.clerk_faults(&late);
    pair.post(&stack);
    stack.wait_for_value("the late view sent again", Duration::from_secs(20), || {
        (pair.at_clerk(&stack) == (0, 2)).then_some(())
    });
    stack.clerk_faults(&late);
    assert_eq!(pair.settle(&stack, 1, 2), (1, 2));
    let (sale_dead, view_dead) = pair.dead(&stack);
    assert_eq!(sale_dead.len(), 1, "{sale_dead:?}");
    assert_eq!(
        sale_dead[0].reason,
        "in doubt: timed out; it may have been recorded, so it is not sent again automatically"
    );
    assert_eq!(view_dead, vec![]);
    rows.push(Row {
        fault: "Clerk answers after the deadline (took it)",
        sent: 2,
        delivered: 2,
        dead: 1,
        reported: 0,
        outcome: "sale once + in-doubt dead letter; view twice (at least once)".into(),
    });

    // 6. The queue delivers the same batch twice (at-least-once), and once more after it was
    // delivered: each event reaches Clerk once.
    let pair = Pair::new(EVENT_ROWS[5]);
    stack.clerk_faults(&json!({}));
    pair.post(&stack);
    pair.post(&stack);
    assert_eq!(pair.settle(&stack, 1, 1), (1, 1));
    pair.post(&stack);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(pair.settle(&stack, 1, 1), (1, 1));
    assert_eq!(pair.dead(&stack), (vec![], vec![]));
    rows.push(Row {
        fault: "the same batch delivered 3 times",
        sent: 2,
        delivered: 2,
        dead: 0,
        reported: 0,
        outcome: "once each: accepted ids are not sent again".into(),
    });

    // Across the matrix: no sale reached Clerk twice, and every event sent in is at Clerk or
    // in the dead-letter table.
    let mut sales: BTreeMap<String, usize> = BTreeMap::new();
    for call in stack.clerk_log() {
        if call["endpoint"] == "log/sale" {
            *sales
                .entry(call["params"]["sale"].as_str().unwrap_or_default().into())
                .or_default() += 1;
        }
    }
    assert_eq!(sales.len(), rows.len(), "{sales:?}");
    assert!(sales.values().all(|n| *n == 1), "a sale twice: {sales:?}");
    print_matrix(
        &format!("Clerk faults, shopper events ({:.0?})", started.elapsed()),
        &rows,
    );
}

const US: &str = "refarch-us";
const DE: &str = "refarchglobal-de";
/// The generated catalog of the catalog stack: 40 products in pages of 4.
const PRODUCTS: u64 = 40;
const PAGE: u64 = 4;
const SEED: u64 = 1;

/// The products a store's site sells and that are valid, from the generator's documented rules.
fn sellable(site: &str) -> BTreeSet<String> {
    (0..PRODUCTS)
        .filter(|i| {
            generator::is_deliberately_bad(*i).is_none() && !generator::is_offline(*i, site)
        })
        .map(generator::id)
        .collect()
}

/// What a Clerk store holds, by product id.
fn held(stack: &Stack, key: &str) -> BTreeMap<String, Value> {
    stack.clerk_store_with_key(key)["products"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// The store's runs, oldest first.
fn runs_of(stack: &Stack, store: &str) -> Vec<Value> {
    let mut runs: Vec<Value> = stack
        .admin_get("sync-runs")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r["store"] == store)
        .collect();
    runs.reverse();
    runs
}

/// SFCC calls in the delivery log since `from_ms` whose endpoint starts with `endpoint`:
/// (status, outcome, error).
fn sfcc_calls_since(
    stack: &Stack,
    from_ms: u64,
    endpoint: &str,
) -> Vec<(Option<u64>, String, String)> {
    let mut rows: Vec<Value> = stack
        .admin_get("deliveries?limit=1000")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| {
            d["kind"] == "sfcc"
                && d["endpoint"]
                    .as_str()
                    .is_some_and(|e| e.starts_with(endpoint))
                && d["at_ms"].as_u64().unwrap_or(0) >= from_ms
        })
        .collect();
    rows.sort_by_key(|d| d["id"].as_u64());
    rows.iter()
        .map(|d| {
            (
                d["status"].as_u64(),
                d["outcome"].as_str().unwrap_or_default().to_string(),
                d["error"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// How many of `calls` had this status, outcome and an error starting with `error`.
fn calls_like(
    calls: &[(Option<u64>, String, String)],
    status: Option<u64>,
    outcome: &str,
    error: &str,
) -> usize {
    calls
        .iter()
        .filter(|(s, o, e)| *s == status && o == outcome && e.starts_with(error))
        .count()
}

/// Product writes (upserts and deletions) sandbox Clerk has answered so far.
fn product_writes(stack: &Stack) -> usize {
    stack.clerk_requests().as_array().map_or(0, |r| {
        r.iter()
            .filter(|r| {
                r["request"] == "POST /v2/products" || r["request"] == "DELETE /v2/products"
            })
            .count()
    })
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[test]
fn catalog_runs_under_sfcc_faults_and_a_worker_restart_land_exactly() {
    let started = Instant::now();
    let mut stack = Stack::start(&StackOptions {
        page_size: PAGE as u32,
        catalog: CatalogSpec::Generated {
            products: PRODUCTS,
            seed: SEED,
        },
        vars: quick_retries(),
        ..Default::default()
    })
    .expect("stack starts");
    let mut rows = Vec::new();
    let pages = PRODUCTS.div_ceil(PAGE);

    // 1. The worker restarted in the middle of both stores' first full run. Clerk answers
    // slowly, so the runs are under way; the restart ends the runtime, and with it (locally)
    // the queued jobs. Resuming queues what the run table says is not done.
    stack.clerk_faults(&json!({"delay_next": 10, "delay_ms": 600}));
    assert_eq!(stack.trigger_cron().status, 200);
    stack.wait_for_value("the US run two pages in", Duration::from_secs(60), || {
        let run = runs_of(&stack, US).first().cloned()?;
        (run["pages"].as_u64()? >= 2).then_some(())
    });
    stack.restart_worker().expect("the worker starts again");
    let done_at_restart = |store: &str| runs_of(&stack, store)[0]["pages"].as_u64().unwrap_or(0);
    let stalled = (done_at_restart(US), done_at_restart(DE));
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        (done_at_restart(US), done_at_restart(DE)),
        stalled,
        "nothing moves: the queued jobs went with the runtime"
    );
    assert!(stalled.0 < pages, "the restart came mid-run: {stalled:?}");
    // As an operator would: `sfcc-clerk resume`.
    let resumed = stack
        .admin_client()
        .resume(None)
        .expect("the resume is accepted");
    let queued: u64 = resumed.as_array().map_or(0, |a| {
        a.iter().map(|r| r["queued"].as_u64().unwrap_or(0)).sum()
    });
    let (us, de) = (
        stack.finished_run(US, 0, Duration::from_secs(90)),
        stack.finished_run(DE, 0, Duration::from_secs(90)),
    );
    for (store, run, key, site) in [
        (US, &us, "sandbox-public-us", "RefArch"),
        (DE, &de, "sandbox-public-de", "RefArchGlobal"),
    ] {
        let ids: BTreeSet<String> = held(&stack, key).into_keys().collect();
        assert_eq!(
            ids,
            sellable(site),
            "{store}: exactly its sellable products"
        );
        assert_eq!(
            run["pages"].as_u64(),
            Some(pages),
            "{store}: each page once: {run}"
        );
    }
    assert_eq!(dead_letters(&stack), vec![]);
    let sent = sellable("RefArch").len() + sellable("RefArchGlobal").len();
    rows.push(Row {
        fault: "worker restarted mid-re-index",
        sent,
        delivered: held(&stack, "sandbox-public-us").len()
            + held(&stack, "sandbox-public-de").len(),
        dead: 0,
        reported: 0,
        outcome: format!(
            "stalled at {}/{} and {}/{} pages; resume queued {queued} jobs; each page counted once",
            stalled.0, pages, stalled.1, pages
        ),
    });

    // 2–5. One US re-index through four SFCC faults at once: an expired token, a 500 on page 3
    // (twice), a 503 on page 5 past the retry budget, and page 7 cut short (twice), whose
    // product P0000025 is also malformed for good (its category list is a number). The brand
    // changes on pages 3, 5 and 7 are what the run must deliver.
    let changed: Vec<String> = (8..12)
        .chain(16..20)
        .chain(24..28)
        .map(generator::id)
        .collect();
    let malformed = generator::id(25);
    for id in &changed {
        let change = if *id == malformed {
            // The Data API shows it as `"assigned_categories": 7`.
            json!({"category_ids": 7})
        } else {
            json!({"brand": "Fault Matrix"})
        };
        assert_eq!(stack.change_sfcc_product(id, &change).status, 200);
    }
    let before = held(&stack, "sandbox-public-us");
    let since = now_ms();
    assert_eq!(
        stack
            .set_sfcc_faults(&json!({"expire_tokens": true, "page_faults": [
                {"start": 8, "times": 2, "status": 500},
                {"start": 16, "times": 99, "status": 503},
                {"start": 24, "times": 2, "cut_short": true}
            ]}))
            .status,
        200
    );
    stack.clerk_faults(&json!({}));
    let run = stack
        .admin_client()
        .start_run(Some(US), true)
        .expect("the re-index starts");
    let page_dead = stack.wait_for_value(
        "page 5 in the dead-letter table",
        Duration::from_secs(60),
        || stack.admin_get("dead-letters").as_array()?.first().cloned(),
    );
    assert_eq!(page_dead["queue"], "sfcc-clerk-catalog-jobs");
    assert_eq!(
        page_dead["reason"],
        "HTTP 503 server error: InternalServerError: injected fault on this page (gave up after 4 attempts)"
    );
    let job: Value = serde_json::from_str(page_dead["payload"].as_str().unwrap_or("null"))
        .unwrap_or(Value::Null);
    assert_eq!(job["payload"]["start"], 16, "{job}");
    // The other nine pages are done; the run waits for the dead-lettered one.
    stack.wait_for_value("nine pages done", Duration::from_secs(60), || {
        (runs_of(&stack, US)[1]["pages"].as_u64()? == pages - 1).then_some(())
    });
    assert_eq!(runs_of(&stack, US)[1]["status"], "running");
    let page5: Vec<String> = (16..20).map(generator::id).collect();
    let us_now = held(&stack, "sandbox-public-us");
    assert!(
        page5.iter().all(|id| us_now[id]["brand"] != "Fault Matrix"),
        "page 5 has not reached Clerk"
    );
    // SFCC is well again; the operator replays the page.
    stack.set_sfcc_faults(&json!({}));
    replay(&stack, page_dead["id"].as_u64().unwrap_or(0));
    let finished = stack.finished_run(US, 1, Duration::from_secs(60));
    assert_eq!(finished["run_id"], run["run_id"]);
    assert_eq!(
        (
            finished["pages"].as_u64(),
            finished["upserted"].as_u64(),
            finished["rejected"].as_u64()
        ),
        (Some(pages), Some(11), Some(3)),
        "11 changes sent; P0000025 and the 2 deliberately bad records rejected (P0000007's \
         wrong list price is only left out): {finished}"
    );
    let after = held(&stack, "sandbox-public-us");
    let delivered: Vec<&String> = changed
        .iter()
        .filter(|id| after[*id]["brand"] == "Fault Matrix")
        .collect();
    assert_eq!(delivered.len(), 11);
    assert_eq!(
        after[&malformed], before[&malformed],
        "the malformed document left Clerk's copy as it was"
    );
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    let failures = stack.admin_get("validation-failures?limit=100");
    let reported: Vec<&Value> = failures
        .as_array()
        .map(|f| {
            f.iter()
                .filter(|f| f["product_id"] == malformed.as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(reported.len(), 1, "{failures}");
    let problems = reported[0]["problems"].as_str().unwrap_or_default();
    assert!(
        problems.contains(r#""field":"document""#) && problems.contains("invalid type"),
        "{problems}"
    );
    let searches = sfcc_calls_since(&stack, since, "POST /s/-/dw/data/v24_5/product_search");
    let count = |status, outcome: &str, error: &str| calls_like(&searches, status, outcome, error);
    let server_error = |code: u16| format!("HTTP {code} server error");
    let cut_short = count(
        Some(200),
        "retry",
        "malformed answer: not an OCAPI product_search result: EOF while parsing",
    );
    let refreshed = count(
        Some(401),
        "retry",
        "access token rejected; refreshing it once",
    );
    assert_eq!(
        (
            refreshed,
            count(Some(500), "retry", &server_error(500)),
            count(Some(503), "retry", &server_error(503)),
            count(Some(503), "dead_letter", &server_error(503)),
            cut_short,
        ),
        (1, 2, 3, 1, 2),
        "{searches:#?}"
    );
    assert_eq!(
        dead_letters(&stack).len(),
        1,
        "only page 5, and it was replayed"
    );
    rows.push(Row {
        fault: "SFCC cached token expired",
        sent: 11,
        delivered: 11,
        dead: 0,
        reported: 0,
        outcome: format!("refreshed once ({refreshed}× 401), no page lost"),
    });
    rows.push(Row {
        fault: "SFCC 500 on page 3 of 10, twice",
        sent: 4,
        delivered: changed[..4]
            .iter()
            .filter(|id| after[*id]["brand"] == "Fault Matrix")
            .count(),
        dead: 0,
        reported: 0,
        outcome: "page retried, delivered".into(),
    });
    rows.push(Row {
        fault: "SFCC 503 on page 5 of 10, past 4 attempts",
        sent: 4,
        delivered: page5
            .iter()
            .filter(|id| after[*id]["brand"] == "Fault Matrix")
            .count(),
        dead: 1,
        reported: 0,
        outcome: "page dead-lettered, run held open; replayed: delivered, run finished".into(),
    });
    rows.push(Row {
        fault: "SFCC page 7 cut short (200), twice",
        sent: 4,
        delivered: changed[8..]
            .iter()
            .filter(|id| after[*id]["brand"] == "Fault Matrix")
            .count(),
        dead: 0,
        reported: 1,
        outcome: format!("read again ({cut_short}× malformed); 3 delivered"),
    });
    rows.push(Row {
        fault: "SFCC malformed document (wrong type)",
        sent: 1,
        delivered: 0,
        dead: 0,
        reported: 1,
        outcome: "reported with its parse error; Clerk keeps the last good version".into(),
    });

    // 6. Pages delivered several times: a DE re-index is resumed twice while it runs, so its
    // pages (and, while the first is not done, the first page's fan-out) go on the queue again
    // and again. Each page is counted once, and the copies find the ledger up to date: Clerk gets
    // each change once. (The local queue hands jobs out one at a time; consumers running side by
    // side could both send a copy, and Clerk's upsert by id would converge.)
    let more: Vec<String> = (28..33).map(generator::id).collect();
    for id in &more {
        assert_eq!(
            stack
                .change_sfcc_product(id, &json!({"brand": "Fault Matrix"}))
                .status,
            200
        );
    }
    // The German store has not seen the brand changes of pages 3, 5 and 7 yet either.
    let de_changed: Vec<String> = changed
        .iter()
        .filter(|id| **id != malformed)
        .chain(&more)
        .cloned()
        .collect();
    let writes_before = product_writes(&stack);
    let run = stack
        .admin_client()
        .start_run(Some(DE), true)
        .expect("the re-index starts");
    let mut requeued = 0;
    for _ in 0..2 {
        let resumed = stack.admin_post(&format!("resume?store={DE}"));
        assert_eq!(resumed.status, 202, "{:?}", resumed.json);
        requeued += resumed.json[0]["queued"].as_u64().unwrap_or(0);
    }
    let finished = stack.finished_run(DE, 1, Duration::from_secs(60));
    assert_eq!(finished["run_id"], run["run_id"]);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        (finished["pages"].as_u64(), finished["upserted"].as_u64()),
        (Some(pages), Some(de_changed.len() as u64)),
        "{finished}"
    );
    let de = held(&stack, "sandbox-public-de");
    let delivered = de_changed
        .iter()
        .filter(|id| de[*id]["brand"] == "Fault Matrix")
        .count();
    assert_eq!(delivered, de_changed.len());
    let writes = product_writes(&stack) - writes_before;
    assert_eq!(
        writes, 5,
        "one write per page with changes: pages 3, 5, 7, 8 and 9"
    );
    assert_eq!(
        de.keys().cloned().collect::<BTreeSet<_>>(),
        sellable("RefArchGlobal")
    );
    assert_eq!(
        dead_letters(&stack).len(),
        1,
        "still only page 5 of the US run"
    );
    rows.push(Row {
        fault: "catalog pages delivered again (resume ×2)",
        sent: de_changed.len(),
        delivered,
        dead: 0,
        reported: 0,
        outcome: format!(
            "{requeued} extra jobs queued; each page counted once, {writes} product writes"
        ),
    });
    // 7. The Shop API fails under a US re-index: the call for page 2's products answers 502
    // twice, and the call for page 10's is cut short twice. Each page job reads again, and the
    // brand changes on both pages reach Clerk once, with the ones from step 6 the US store has
    // not had yet.
    let us_sells = sellable("RefArch");
    let sold = |range: std::ops::Range<u64>| -> Vec<String> {
        range
            .map(generator::id)
            .filter(|id| us_sells.contains(id))
            .collect()
    };
    let (page2, page10) = (sold(4..8), sold(36..40));
    assert!(
        !page2.is_empty() && !page10.is_empty(),
        "both pages sell in the US"
    );
    for id in page2.iter().chain(&page10) {
        let change = json!({"brand": "Shop Fault"});
        assert_eq!(stack.change_sfcc_product(id, &change).status, 200);
    }
    let us_pending = more.iter().filter(|id| us_sells.contains(*id)).count();
    let since = now_ms();
    let shop_faults = json!({"shop_faults": [
        {"id": page2[0], "times": 2, "status": 502},
        {"id": page10[0], "times": 2, "cut_short": true}
    ]});
    assert_eq!(stack.set_sfcc_faults(&shop_faults).status, 200);
    let run = stack
        .admin_client()
        .start_run(Some(US), true)
        .expect("the re-index starts");
    let finished = stack.finished_run(US, 2, Duration::from_secs(60));
    assert_eq!(finished["run_id"], run["run_id"]);
    assert_eq!(
        (finished["pages"].as_u64(), finished["upserted"].as_u64()),
        (
            Some(pages),
            Some((page2.len() + page10.len() + us_pending) as u64)
        ),
        "{finished}"
    );
    let us = held(&stack, "sandbox-public-us");
    let arrived = |ids: &[String]| {
        ids.iter()
            .filter(|id| us[*id]["brand"] == "Shop Fault")
            .count()
    };
    assert_eq!(
        (arrived(&page2), arrived(&page10)),
        (page2.len(), page10.len())
    );
    assert_eq!(us.keys().cloned().collect::<BTreeSet<_>>(), us_sells);
    let shop_calls = sfcc_calls_since(&stack, since, "GET /s/RefArch/dw/shop/");
    let (failed, cut) = (
        calls_like(&shop_calls, Some(502), "retry", "HTTP 502 server error"),
        calls_like(&shop_calls, Some(200), "retry", "malformed answer"),
    );
    assert_eq!((failed, cut), (2, 2), "{shop_calls:#?}");
    assert_eq!(
        dead_letters(&stack).len(),
        1,
        "still only page 5 of the second US run"
    );
    rows.push(Row {
        fault: "SFCC Shop API 502 on page 2, twice",
        sent: page2.len(),
        delivered: arrived(&page2),
        dead: 0,
        reported: 0,
        outcome: format!("page read again ({failed}× 502), delivered"),
    });
    rows.push(Row {
        fault: "SFCC Shop API answer cut short (200), twice",
        sent: page10.len(),
        delivered: arrived(&page10),
        dead: 0,
        reported: 0,
        outcome: format!("page read again ({cut}× malformed), delivered"),
    });
    print_matrix(
        &format!(
            "SFCC faults and a restart, catalog runs ({:.0?})",
            started.elapsed()
        ),
        &rows,
    );
}
