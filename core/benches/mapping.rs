//! Mapping throughput, natively: `cargo bench -p sfcc-clerk-core` (or `cargo xtask bench`).
//! Prints products/s for parsing alone and for parsing + mapping + validation in the same run, and
//! their ratio, so the figure travels between machines.

use serde_json::{json, Value};
use sfcc_clerk_core::config::FieldMapping;
use sfcc_clerk_core::mapping::{map_page, parse_search_page};
use sfcc_clerk_core::store::StoreConfig;
use std::hint::black_box;
use std::time::Instant;

fn document(i: usize) -> Value {
    let id = format!("P{i:07}");
    let mut doc = json!({
        "id": id, "name": {"default": format!("Product {i}"), "de-DE": format!("Produkt {i}")},
        "short_description": {"default": "<p>Soft <b>cotton</b> &amp; a relaxed fit.</p>"},
        "brand": "Bench", "online_flag": {"default": true}, "searchable": {"default": true},
        "creation_date": "2026-01-15T09:30:00.000Z", "last_modified": "2026-11-01T10:00:00.000Z",
        "primary_category_id": "cat-1", "category_ids": ["cat-1", "cat-2"],
        "currency": "USD", "price": 10.0 + (i % 90) as f64, "prices": {"usd-m-list-prices": 120.0},
        "image_groups": [{"view_type": "large", "images": [{"abs_url": format!("https://img.example/{id}.jpg")}]}],
        "inventory": {"ats": (i % 50) as f64, "orderable": true},
        "c_color": "blue", "c_material": "cotton", "c_isNew": i.is_multiple_of(2)
    });
    if i.is_multiple_of(3) {
        doc["type"] = json!({"master": true});
        doc["variation_attributes"] =
            json!([{"id": "size", "values": [{"value": "S"}, {"value": "M"}, {"value": "L"}]}]);
        doc["variants"] = json!(["S", "M", "L"].iter().map(|s| json!({
            "product_id": format!("{id}-{s}"), "price": 20.0, "orderable": true, "ats": 2, "variation_values": {"size": s}
        })).collect::<Vec<_>>());
    }
    doc
}

fn main() {
    let store = StoreConfig {
        name: "us".into(),
        site_id: "RefArch".into(),
        locale: "en-US".into(),
        currency: "USD".into(),
        clerk_public_key: "pub".into(),
        product_url_template: "https://shop.example/{locale}/{id}.html".into(),
        image_view_type: "large".into(),
        list_price_book: None,
        sale_price_book: None,
        inventory_list: None,
        private_key_secret: "CLERK_PRIVATE_KEY".into(),
        dw_dnt: None,
        catalog_id: "storefront-catalog-m-en".into(),
        category_url_template: None,
        customer_list: None,
        subscribed_attribute: "c_subscribed".into(),
    };
    let mapping = FieldMapping::default();
    let (pages, per_page) = (200, 200);
    let bodies: Vec<String> = (0..pages)
        .map(|p| {
            let hits: Vec<Value> = (0..per_page).map(|i| document(p * per_page + i)).collect();
            json!({"count": per_page, "start": p * per_page, "total": pages * per_page, "hits": hits}).to_string()
        })
        .collect();
    let products = pages * per_page;
    let bytes: usize = bodies.iter().map(String::len).sum();

    let t = Instant::now();
    for body in &bodies {
        black_box(parse_search_page(body).expect("bench page parses"));
    }
    let parse_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut sent = 0;
    for body in &bodies {
        let parsed = parse_search_page(body).expect("bench page parses");
        let m = map_page(&parsed.page.hits, &store, &mapping);
        sent += m.upserts.len();
        black_box(serde_json::to_string(&m.upserts).expect("products serialize"));
    }
    let full_s = t.elapsed().as_secs_f64();
    assert_eq!(sent, products, "every bench product is valid");

    println!("mapping benchmark: {products} products in {pages} OCAPI pages ({:.1} MiB of JSON), one run", bytes as f64 / 1048576.0);
    println!(
        "  parse only                      {:>10.0} products/s",
        products as f64 / parse_s
    );
    println!(
        "  parse + map + validate + encode {:>10.0} products/s  ({:.2} µs/product)",
        products as f64 / full_s,
        full_s * 1e6 / products as f64
    );
    println!(
        "  ratio (full / parse only time)  {:>10.2}x",
        full_s / parse_s
    );
    // For `cargo xtask bench`, which collects every figure into one table.
    println!(
        "figure\tmapping_parse_per_s\t{:.0}\tproducts/s",
        products as f64 / parse_s
    );
    println!(
        "figure\tmapping_full_per_s\t{:.0}\tproducts/s",
        products as f64 / full_s
    );
}
