//! `sfcc-clerk map` as operators run it: documents on stdin, Clerk products out, report on stderr.

mod common;

use serde_json::{json, Value};
use std::path::PathBuf;

fn fixture() -> String {
    read_fixture("shop-products.json")
}

fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn config_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../config/sfcc-clerk.toml")
}

fn map(args: &[&str], stdin: &str) -> (i32, Vec<Value>, String) {
    let (code, stdout, stderr) = common::run("map", args, stdin);
    let products = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (code, products, stderr)
}

#[test]
fn maps_shop_api_documents_with_sfra_defaults_and_reports_the_rest() {
    let (code, products, stderr) = map(&[], &fixture());
    assert_eq!(code, 1, "one record is invalid: {stderr}");
    assert_eq!(products.len(), 1);
    let polo = &products[0];
    assert_eq!(polo["id"], "25592770M");
    assert_eq!(
        (polo["price"].clone(), polo["list_price"].clone()),
        (json!(29.99), json!(39.99))
    );
    assert_eq!(polo["description"], "Pique cotton & a two-button placket.");
    assert_eq!(
        polo["variants"],
        json!(["25592770M-NAVY-S", "25592770M-WHITE-L"])
    );
    assert_eq!(
        (polo["colors"].clone(), polo["sizes"].clone()),
        (json!(["Navy", "White"]), json!(["S", "L"]))
    );
    assert_eq!(
        (
            polo["min_price"].clone(),
            polo["max_price"].clone(),
            polo["in_stock"].clone()
        ),
        (json!(29.99), json!(32.99), json!(true))
    );
    assert_eq!(
        polo["material"], "Cotton",
        "the built-in defaults pass custom attributes through as they are"
    );
    assert_eq!(
        polo["url"],
        "https://www.example.com/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25592770M"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "not sent: product 25592770M-NAVY-S: a variant; Clerk gets its master 25592770M",
            "not sent: product 25604455M: offline on site RefArch",
            "invalid: product 25720424M: price: missing",
            "invalid: product 25720424M: image: \"scarf.jpg\" is not an absolute http(s) URL",
            "store refarch-us: 1 mapped, 2 not sent, 1 invalid",
        ]
    );
}

#[test]
fn a_config_file_selects_the_store_its_currency_and_its_rules() {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../config/sfcc-clerk.toml");
    let only_polo = serde_json::to_string(&json!([
        serde_json::from_str::<Value>(&fixture()).unwrap()["data"][0]
    ]))
    .unwrap();
    let (code, products, stderr) = map(
        &[
            "--config",
            config.to_str().unwrap(),
            "--store",
            "refarchglobal-de",
        ],
        &only_polo,
    );
    assert_eq!(code, 0, "{stderr}");
    let polo = &products[0];
    assert_eq!(
        (polo["price"].clone(), polo["list_price"].clone()),
        (json!(27.5), json!(36.0)),
        "EUR price books"
    );
    assert_eq!(polo["material"], "cotton", "the configured rule lowercases");
    assert_eq!(
        polo["url"],
        "https://www.example.com/on/demandware.store/Sites-RefArchGlobal-Site/de_DE/Product-Show?pid=25592770M"
    );
    assert_eq!(
        stderr.trim(),
        "store refarchglobal-de: 1 mapped, 0 not sent, 0 invalid"
    );
}

#[test]
fn data_api_documents_keep_their_prices_to_the_stores_currency() {
    let documents = read_fixture("data-products.json");
    let (code, products, stderr) = map(&[], &documents);
    assert_eq!(code, 0, "{stderr}");
    let polo = &products[0];
    assert_eq!(
        (
            polo["price"].clone(),
            polo["min_price"].clone(),
            polo["max_price"].clone()
        ),
        (json!(29.99), json!(29.99), json!(32.99)),
        "USD prices (price_currency) in the USD store"
    );
    assert_eq!(
        polo["image"],
        "https://images.sandbox.example/large/polo.jpg"
    );
    assert_eq!(
        polo["colors"],
        json!(["Navy", "White"]),
        "localized value names"
    );
    assert_eq!(
        (polo["stock"].clone(), polo["in_stock"].clone()),
        (json!(7), json!(true))
    );
    let jacket = &products[1];
    assert_eq!(
        jacket["image"],
        "https://images.sandbox.example/large/jacket.jpg"
    );
    assert_eq!(
        (jacket["stock"].clone(), jacket["in_stock"].clone()),
        (json!(0), json!(false)),
        "the Data API's calculated availability"
    );

    // The EUR store: a USD price is never sent as a EUR one.
    let config = config_file();
    let (code, products, stderr) = map(
        &[
            "--config",
            config.to_str().unwrap(),
            "--store",
            "refarchglobal-de",
        ],
        &documents,
    );
    assert_eq!((code, products.len()), (1, 0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "invalid: product 25592770M: price: currency USD is not the store's EUR and price book \"eur-m-sale-prices\" has no price",
            "invalid: product 25604455M: price: currency USD is not the store's EUR and price book \"eur-m-sale-prices\" has no price",
            "store refarchglobal-de: 0 mapped, 0 not sent, 2 invalid",
        ]
    );

    // With its EUR price book, the German store reads names in German.
    let mut docs: Value = serde_json::from_str(&documents).unwrap();
    docs[0]["prices"] = json!({"eur-m-sale-prices": 27.5});
    let (code, products, stderr) = map(
        &[
            "--config",
            config.to_str().unwrap(),
            "--store",
            "refarchglobal-de",
        ],
        &json!([docs[0]]).to_string(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(products[0]["price"], json!(27.5));
    assert_eq!(products[0]["colors"], json!(["Marineblau", "Weiß"]));
}

/// A GBP store on the demo catalog's site, as a configuration file of its own.
fn uk_config() -> PathBuf {
    let path = std::env::temp_dir().join(format!("sfcc-clerk-map-uk-{}.toml", std::process::id()));
    let toml = r#"
[mapping]
list_price_book = "{currency}-m-list-prices"
sale_price_book = "{currency}-m-sale-prices"

[[store]]
name = "refarch-uk"
site_id = "RefArch"
locale = "en-GB"
currency = "GBP"
clerk_public_key = "public-uk"
product_url_template = "https://www.example.com/on/demandware.store/Sites-{site}-Site/{locale_}/Product-Show?pid={id}"
image_view_type = "large"
catalog_id = "storefront-catalog-m-en"
private_key_secret = "CLERK_PRIVATE_KEY"
"#;
    std::fs::write(&path, toml).unwrap();
    path
}

#[test]
fn scapi_documents_are_read_whole_and_search_hits_are_refused_by_name() {
    let config = uk_config();
    let scapi = read_fixture("scapi-product.json");
    let (code, products, stderr) = map(&["--config", config.to_str().unwrap()], &scapi);
    assert_eq!(code, 0, "{stderr}");
    let shirt = &products[0];
    assert_eq!(shirt["id"], "25517823M");
    assert_eq!(
        (shirt["price"].clone(), shirt["list_price"].clone()),
        (json!(9.59), json!(15.36)),
        "the list price from the master's priceRanges"
    );
    assert_eq!(
        shirt["description"],
        "Wear this long sleeve crew neck top alone, or pair it with a jacket for a classic look."
    );
    assert_eq!(shirt["categories"], json!(["womens-clothing-tops"]));
    assert_eq!(shirt["variants"].as_array().map(Vec::len), Some(4));
    assert_eq!(shirt["colors"], json!(["Black", "Grey Heather"]));
    assert!(shirt["image"]
        .as_str()
        .is_some_and(|u| u.ends_with("/images/large/PG.10219685.JJ169XX.PZ.jpg")));

    // A search hit of either API is named for what it is, not "missing field id".
    let hits = json!([
        {"product_id": "25517823M", "product_name": "Long Sleeve Crew Neck", "hit_type": "master"},
        {"productId": "25517823M", "productName": "Long Sleeve Crew Neck", "hitType": "master"}
    ]);
    let (code, products, stderr) = map(&["--config", config.to_str().unwrap()], &hits.to_string());
    std::fs::remove_file(&config).ok();
    assert_eq!((code, products.len()), (1, 0));
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with(
            "invalid: product 25517823M: document: an OCAPI Shop API product_search hit"
        ),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("invalid: product 25517823M: document: a SCAPI Shopper Search hit"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_optional_field_is_left_out_with_a_warning_and_the_product_sent() {
    let mut polo: Value = serde_json::from_str::<Value>(&fixture()).unwrap()["data"][0].clone();
    polo["prices"]["usd-m-list-prices"] = json!(19.99);
    let (code, products, stderr) = map(&[], &polo.to_string());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(products[0]["price"], json!(29.99));
    assert!(products[0].get("list_price").is_none(), "{}", products[0]);
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "warning: product 25592770M: list_price: 19.99 is below the price 29.99 (sent without it)",
            "store refarch-us: 1 mapped, 0 not sent, 0 invalid",
        ]
    );
}

#[test]
fn unusable_input_or_configuration_exits_2_with_a_reason() {
    let (code, products, stderr) = map(&[], "not json");
    assert_eq!((code, products.len()), (2, 0));
    assert!(stderr.starts_with("error: stdin: not JSON"), "{stderr}");
    let (code, _, stderr) = map(&["--store", "nowhere"], "{}");
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "error: no store \"nowhere\"; the configuration has: refarch-us"
    );
    let (code, _, stderr) = map(&["--config", "/nonexistent.toml"], "{}");
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read /nonexistent.toml"),
        "{stderr}"
    );
}
