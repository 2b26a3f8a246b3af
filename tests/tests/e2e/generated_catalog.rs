//! A generated 2,500-product catalog through the worker, against a sandbox SFCC that refuses
//! `start` past 999 as OCAPI does: a full run reads it in segments and lands exactly in each
//! store, a delta sends exactly what changed, and each delta's sweep reads the next 1,000.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{Stack, StackOptions};
use sfcc_clerk_sandbox::sfcc::{generator, CatalogSpec};
use std::collections::BTreeMap;
use std::time::Duration;

const N: u64 = 2500;
const SEED: u64 = 1;

fn finished(stack: &Stack, store: &str, index: usize) -> Value {
    stack.finished_run(store, index, Duration::from_secs(120))
}

/// What each store must hold: id → price, computed from the generator independently of the worker.
fn expected(site: &str, book: Option<&str>) -> BTreeMap<String, f64> {
    (0..N)
        .filter(|i| {
            generator::is_deliberately_bad(*i).is_none() && !generator::is_offline(*i, site)
        })
        .map(|i| {
            let doc = generator::product(i, SEED);
            let price = match book {
                Some(b) => doc["prices"][b].as_f64(),
                None => doc["price"].as_f64(),
            };
            (generator::id(i), price.unwrap_or(f64::NAN))
        })
        .collect()
}

/// Valid products with an index in `range` that `site` sells: what a sweep of them finds.
fn valid_in(range: std::ops::Range<u64>, site: &str) -> u64 {
    range
        .filter(|i| {
            generator::is_deliberately_bad(*i).is_none() && !generator::is_offline(*i, site)
        })
        .count() as u64
}

fn held(stack: &Stack, key: &str) -> BTreeMap<String, f64> {
    let store = stack.clerk_store_with_key(key);
    store["products"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(id, p)| (id.clone(), p["price"].as_f64().unwrap_or(f64::NAN)))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_full_run_lands_exactly_and_a_delta_sends_exactly_the_changes() {
    let opts = StackOptions {
        page_size: 200,
        catalog: CatalogSpec::Generated {
            products: N,
            seed: SEED,
        },
        ..Default::default()
    };
    let stack = Stack::start(&opts).expect("stack starts");
    assert_eq!(stack.trigger_cron().status, 200);
    let (us, de) = (
        finished(&stack, "refarch-us", 0),
        finished(&stack, "refarchglobal-de", 0),
    );

    let us_expected = expected("RefArch", None);
    let de_expected = expected("RefArchGlobal", Some("eur-m-sale-prices"));
    // Invalid records, except where the site has them offline (those are never sent, nor validated).
    let bad = |site: &str| -> Vec<String> {
        (0..N)
            .filter(|i| {
                generator::is_deliberately_bad(*i).is_some() && !generator::is_offline(*i, site)
            })
            .map(generator::id)
            .collect()
    };
    assert_eq!(
        held(&stack, "sandbox-public-us"),
        us_expected,
        "every valid US product, at its USD price"
    );
    assert_eq!(
        held(&stack, "sandbox-public-de"),
        de_expected,
        "every valid product in EUR for the German store"
    );
    assert_eq!(
        (us["pages"].as_u64(), us["rejected"].as_u64()),
        (Some(13), Some(bad("RefArch").len() as u64)),
        "{us}"
    );
    assert_eq!(
        de["rejected"].as_u64(),
        Some(bad("RefArchGlobal").len() as u64),
        "{de}"
    );
    let failures = stack.admin_get("validation-failures?limit=1000");
    let mut reported: Vec<String> = failures
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["store"] == "refarch-us")
        .map(|f| f["product_id"].as_str().unwrap().to_string())
        .collect();
    reported.sort();
    // Withheld records, and records sent without their wrong list price, each reported once.
    let sent_without_list_price: Vec<String> = (0..N)
        .filter(|i| {
            generator::wrong_optional_field(*i).is_some() && !generator::is_offline(*i, "RefArch")
        })
        .map(generator::id)
        .collect();
    let mut expected_reports = bad("RefArch");
    expected_reports.extend(sent_without_list_price.iter().cloned());
    expected_reports.sort();
    assert_eq!(
        reported, expected_reports,
        "each invalid record is reported, none sent; each wrong list price is reported"
    );
    let us_products = &stack.clerk_store_with_key("sandbox-public-us")["products"];
    assert!(!sent_without_list_price.is_empty());
    for id in &sent_without_list_price {
        let held = &us_products[id.as_str()];
        assert!(
            held["price"].is_number() && held.get("list_price").is_none_or(Value::is_null),
            "{id} is sent without its list price: {held}"
        );
    }
    let de_name = &stack.clerk_store_with_key("sandbox-public-de")["products"]["P0000001"]["name"];
    assert_eq!(de_name, &generator::product(1, SEED)["name"]["de-DE"]);

    // 10 prices, 5 stock levels, 3 products offline on RefArch — simple products that are valid.
    let simple: Vec<u64> = (0..N)
        .filter(|i| {
            generator::is_deliberately_bad(*i).is_none() && !generator::is_offline(*i, "RefArch")
        })
        .filter(|i| generator::product(*i, SEED)["type"]["master"] != true)
        .take(18)
        .collect();
    for (k, i) in simple.iter().enumerate() {
        let change = match k {
            0..10 => json!({"price": 1.0 + k as f64}),
            10..15 => json!({"inventory": {"ats": 100.0 + k as f64, "orderable": true}}),
            _ => json!({"online_flag": {"default": true, "RefArch": false, "RefArchGlobal": true}}),
        };
        assert_eq!(
            stack
                .change_sfcc_product(&generator::id(*i), &change)
                .status,
            200
        );
    }
    stack.wait_for_category_upserts(stack.stores.len());
    let writes_before = stack.clerk_requests().as_array().unwrap().len();
    assert_eq!(stack.trigger_cron().status, 200);
    let us = finished(&stack, "refarch-us", 1);
    let de = finished(&stack, "refarchglobal-de", 1);
    assert_eq!(us["mode"], "delta");
    // The window holds the 3 products taken offline (their own flag changed); the sweep reads
    // the first 1,000 products again (one segment: 5 pages of 200) and finds the 10 prices and
    // 5 stock levels.
    let valid_us = valid_in(0..1000, "RefArch");
    assert_eq!(
        (
            us["upserted"].as_u64(),
            us["removed"].as_u64(),
            us["unchanged"].as_u64()
        ),
        (Some(15), Some(3), Some(valid_us - 18)),
        "{us}"
    );
    // For the German store nothing changed: EUR prices and the EU inventory list are untouched,
    // and the three are online there (seen by the window and again by the sweep).
    let valid_de = valid_in(0..1000, "RefArchGlobal");
    assert_eq!(
        (
            de["upserted"].as_u64(),
            de["removed"].as_u64(),
            de["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(valid_de + 3)),
        "{de}"
    );
    // The catalog's writes (the cron also starts the order history, which writes `/v2/orders`).
    let requests = stack.clerk_requests();
    let mut new: Vec<&Value> = requests.as_array().unwrap()[writes_before..]
        .iter()
        .filter(|r| r["request"] != "POST /v2/orders")
        .collect();
    new.sort_by_key(|r| r.to_string());
    assert_eq!(
        new,
        [
            &json!({"request": "DELETE /v2/products", "status": 200}),
            &json!({"request": "POST /v2/products", "status": 200})
        ]
    );
    let deliveries = stack.admin_get("deliveries?limit=300");
    let items: BTreeMap<&str, u64> = deliveries
        .as_array()
        .unwrap()
        .iter()
        // Newest first in the log: reversed, the newest call per endpoint is the one kept.
        .rev()
        .filter(|d| {
            d["kind"] == "catalog"
                && d["endpoint"]
                    .as_str()
                    .is_some_and(|e| e.ends_with("/v2/products"))
        })
        .filter_map(|d| Some((d["endpoint"].as_str()?, d["items"].as_u64()?)))
        .collect();
    assert_eq!(
        items,
        BTreeMap::from([("DELETE /v2/products", 3), ("POST /v2/products", 15)])
    );
    let us_now = held(&stack, "sandbox-public-us");
    assert_eq!(us_now.len(), us_expected.len() - 3);
    assert_eq!(us_now[&generator::id(simple[0])], 1.0);

    // The next delta's sweep reads the ids after the last one the sweep before it read: it finds
    // a price change at product 1,500 and not yet the one at 2,200.
    let simple_after = |from: u64| {
        (from..N)
            .find(|i| {
                generator::is_deliberately_bad(*i).is_none()
                    && !generator::is_offline(*i, "RefArch")
                    && generator::product(*i, SEED)["type"]["master"] != true
            })
            .expect("a valid simple product")
    };
    let (near, far) = (simple_after(1500), simple_after(2200));
    for i in [near, far] {
        let change = json!({"price": 2.5});
        assert_eq!(
            stack.change_sfcc_product(&generator::id(i), &change).status,
            200
        );
    }
    assert_eq!(stack.trigger_cron().status, 200);
    let us = finished(&stack, "refarch-us", 2);
    assert_eq!(
        (us["upserted"].as_u64(), us["unchanged"].as_u64()),
        (Some(1), Some(valid_in(1000..2000, "RefArch") - 1)),
        "{us}"
    );
    let us_now = held(&stack, "sandbox-public-us");
    assert_eq!(
        (us_now[&generator::id(near)], us_now[&generator::id(far)]),
        (2.5, us_expected[&generator::id(far)])
    );
}
