//! `cargo xtask demo`: the whole flow on the local sandbox.

use sfcc_clerk_e2e::{wait_for, Stack, StackOptions, ADMIN_TOKEN};
use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

fn port_or_any(preferred: u16) -> u16 {
    if TcpListener::bind((Ipv4Addr::LOCALHOST, preferred)).is_ok() {
        preferred
    } else {
        0
    }
}

/// Installs, builds, starts sandbox + worker, runs a sync and a few shopper events, prints what
/// reached Clerk, and stays up until Ctrl-C (or returns at once with `once`).
pub fn run(once: bool) -> Result<(), String> {
    crate::setup::worker_tools()?;
    crate::build::worker()?;
    flow(once)
}

/// The demo's flow on the worker already built in `build/` (`cargo xtask test` runs it once,
/// right after building the worker for its end-to-end tests).
pub fn flow(once: bool) -> Result<(), String> {
    println!("\n==> starting the sandbox (SFCC + Clerk.io) and the worker (wrangler dev, local KV/D1/Queues)");
    let opts = StackOptions {
        page_size: 2,
        worker_port: port_or_any(8787),
        sandbox_port: port_or_any(8788),
        ..StackOptions::default()
    };
    let stack = Stack::start(&opts).map_err(|e| e.to_string())?;
    let (worker, sandbox) = (stack.worker_url.clone(), stack.sandbox.base_url.clone());

    println!("\n==> cron: catalog sync SFCC → Clerk, per store (config/sfcc-clerk.toml)");
    stack.trigger_cron();
    let runs = wait_for(
        "every store's first sync to finish",
        Duration::from_secs(60),
        || {
            let runs = stack.admin_get("sync-runs").as_array().cloned()?;
            (runs.len() >= stack.stores.len() && runs.iter().all(|r| r["status"] == "finished"))
                .then_some(runs)
        },
        || stack.wrangler_log(),
    );
    let failures = stack.admin_get("validation-failures");
    for run in runs.iter().rev() {
        let store = run["store"].as_str().unwrap_or("?");
        println!(
            "\n{store}: {} run, {} pages, {} products sent, {} rejected by validation",
            run["mode"].as_str().unwrap_or("?"),
            run["pages"],
            run["upserted"],
            run["rejected"]
        );
        for f in failures
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["store"] == store)
        {
            println!(
                "  not sent: {} {}",
                f["product_id"].as_str().unwrap_or("?"),
                f["problems"].as_str().unwrap_or("")
            );
        }
        let key = stack
            .clerk_key_of(store)
            .unwrap_or(stack.clerk_key.as_str());
        println!("  now in sandbox Clerk store {key}:");
        if let Some(products) = stack.clerk_store_with_key(key)["products"].as_object() {
            for (id, p) in products {
                println!(
                    "    {id}  {:<18} {:>7}  stock {:>3}  {}",
                    p["name"].as_str().unwrap_or("?"),
                    p["price"],
                    p["stock"],
                    p["url"].as_str().unwrap_or("")
                );
            }
        }
    }

    order_history(&stack);

    println!("\n==> shopper events → worker → events queue → Clerk tracking");
    // The shopper has accepted tracking (SFRA's consent cookie): without an answer to the banner
    // the worker forwards nothing.
    let consent = "dw_dnt=0";
    let first = stack.post_events(
        r#"{"type":"product_view","product":"25518704M"}"#,
        Some(consent),
    );
    let visitor = first
        .set_cookie
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "the worker set no visitor cookie: HTTP {} {}",
                first.status, first.json
            )
        })?;
    println!("new shopper, tracking accepted ({consent}): {visitor}");
    let cookie = format!("{consent}; {visitor}");
    // A live SFRA shop's SEO URL: the worker reads what the page is from SFRA's page container
    // (data-action, data-querystring) as it streams past.
    let seo = "/s/RefArch/slim-shirt/25518704M.html?lang=en_US";
    let page = stack.shopper_get(seo, &cookie);
    println!(
        "viewed a product page on an SEO URL through the worker: {seo} (HTTP {})",
        page.status
    );
    // The storefront names the variant the shopper picked; Clerk holds masters.
    let variant = stack.clerk_store()["products"]
        .as_object()
        .into_iter()
        .flatten()
        .find_map(|(id, p)| {
            let v = p["variants"].as_array()?.first()?.as_str()?;
            Some((id.clone(), v.to_string()))
        });
    if let Some((master, v)) = &variant {
        // SFRA's product page posts the variant (size, colour) the shopper picked.
        let reply = stack.post_form("Cart-AddProduct", &cookie, &format!("pid={v}&quantity=2"));
        println!(
            "added variant {v} to the cart on the storefront (HTTP {}): Clerk hears of its master {master}",
            reply.status
        );
    }
    let reply = stack.post_events(
        r#"{"type":"category_view","category":"mens-clothing-shirts"}"#,
        Some(&cookie),
    );
    println!(
        "posted a category view: HTTP {} {}",
        reply.status, reply.json
    );
    // A sale is the server's reading of the confirmation page the worker served (a posted
    // purchase alone claims nothing): the shopper checks out on the storefront, through the worker.
    let order = stack.place_order(&cookie, "25518704M", 2, "demo.shopper@example.com");
    println!(
        "placed order {} on the storefront, through the worker; its stock SFRA confirmation page named the order, and the worker read its lines from SFCC (SCAPI Admin Orders)",
        order.order
    );
    let log = wait_for(
        "the sale among the tracking calls at Clerk",
        Duration::from_secs(30),
        || {
            stack.clerk_store()["log"]
                .as_array()
                .filter(|l| l.iter().any(|c| c["endpoint"] == "log/sale"))
                .cloned()
        },
        || stack.wrangler_log(),
    );
    println!("tracking calls received by sandbox Clerk:");
    for call in &log {
        let params: Vec<String> = call["params"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect();
        println!(
            "  {:<14} {}",
            call["endpoint"].as_str().unwrap_or("?"),
            params.join("  ")
        );
    }
    let deliveries = stack.admin_get("deliveries?limit=200");
    let count = |outcome: &str| {
        deliveries
            .as_array()
            .map_or(0, |d| d.iter().filter(|r| r["outcome"] == outcome).count())
    };
    println!(
        "delivery log: {} delivered, {} retried, {} dead-lettered",
        count("delivered"),
        count("retry"),
        count("dead_letter")
    );

    let auth = format!("-H 'Authorization: Bearer {ADMIN_TOKEN}'");
    println!(
        "\n==> running. Try:
  worker health        curl {worker}/__sfcc-clerk/health
  a storefront page    {worker}/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25518704M   (through the worker: beacon injected)
  an SEO product page  {worker}/s/RefArch/slim-shirt/25518704M.html?lang=en_US
  post an event        curl -X POST {worker}/__sfcc-clerk/events -H 'content-type: application/json' -b dw_dnt=0 -d '{{\"type\":\"product_view\",\"product\":\"25565189M\"}}'
  a PWA Kit activity   curl -X POST {worker}/mobify/proxy/einstein/v3/activities/zzrf-RefArch/viewProduct -H 'content-type: application/json' -H 'x-cq-client-id: demo' -A Mozilla/5.0 -b dw_dnt=0 -d '{{\"product\":{{\"id\":\"25519318M\"}}}}'
  run the cron         curl '{worker}/__scheduled?cron=*/15+*+*+*+*'
  start a sync         curl -X POST {auth} {worker}/__sfcc-clerk/admin/sync
  full re-index        curl -X POST {auth} '{worker}/__sfcc-clerk/admin/reindex?store=refarch-us'
  the same, CLI        SFCC_CLERK_ADMIN_TOKEN={ADMIN_TOKEN} cargo run -q -p sfcc-clerk-cli -- reindex --worker {worker} --store refarch-us
  delivery log         curl {auth} {worker}/__sfcc-clerk/admin/deliveries
  sync runs            curl {auth} {worker}/__sfcc-clerk/admin/sync-runs
  dead letters         curl {auth} {worker}/__sfcc-clerk/admin/dead-letters
  status, CLI          SFCC_CLERK_ADMIN_TOKEN={ADMIN_TOKEN} cargo run -q -p sfcc-clerk-cli -- status --worker {worker}
  status page          {worker}/__sfcc-clerk/status   (sign in with {ADMIN_TOKEN})
  what Clerk holds     curl {sandbox}/__sandbox/clerk/stores/{}   (and sandbox-public-de, -fr)
  change a product     curl -X PATCH {sandbox}/__sandbox/sfcc/products/25519318M -d '{{\"price\": 49.0}}'
  make Clerk fail      curl -X POST {sandbox}/__sandbox/clerk/faults -d '{{\"fail_next\": 3, \"status\": 503}}'
  wrangler output      {}",
        stack.clerk_key,
        stack.log_path.display()
    );
    if once {
        return Ok(());
    }
    println!("\nPress Ctrl-C to stop.");
    let (tx, rx) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    let _ = rx.recv();
    println!("stopping");
    drop(stack);
    Ok(())
}

/// The next cron reads the shop's past orders (a year of them, up to an hour ago) from SFCC
/// and sends them to the Clerk store of their currency and locale: Clerk has sales to learn
/// from before the first tracked one.
fn order_history(stack: &Stack) {
    println!(
        "\n==> cron again: the shop's past orders SFCC (SCAPI Admin Orders) → Clerk, per store"
    );
    stack.trigger_cron();
    let stores = wait_for(
        "every store's order history to be read",
        Duration::from_secs(60),
        || {
            let status = stack.admin_get("status");
            let stores = status["stores"].as_array()?.clone();
            stores
                .iter()
                .all(|s| s["order_history"]["read_up_to_ms"].is_u64())
                .then_some(stores)
        },
        || stack.wrangler_log(),
    );
    for s in &stores {
        let store = s["store"].as_str().unwrap_or("?");
        let h = &s["order_history"];
        println!(
            "{store}: orders sent {}, left out {}, created before {}",
            h["sent"],
            h["skipped"],
            h["read_up_to_ms"]
                .as_u64()
                .map(sfcc_clerk_core::sfcc::format_iso8601_utc)
                .unwrap_or_default()
        );
        let key = stack
            .clerk_key_of(store)
            .unwrap_or(stack.clerk_key.as_str());
        for (id, o) in stack.clerk_store_with_key(key)["orders"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let lines: Vec<String> = o["products"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| {
                    format!(
                        "{} × {} at {}",
                        l["quantity"],
                        l["id"].as_str().unwrap_or("?"),
                        l["price"]
                    )
                })
                .collect();
            println!(
                "    order {id}  {}  customer {:<9} {}",
                o["time"]
                    .as_u64()
                    .map(|t| sfcc_clerk_core::sfcc::format_iso8601_utc(t * 1000)[..10].to_string())
                    .unwrap_or_default(),
                o["customer"].as_str().unwrap_or("(guest)"),
                lines.join(", ")
            );
        }
    }
}
