//! `sfcc-clerk map` as operators run it: documents on stdin, Clerk products out, report on stderr.

mod common;

use serde_json::{json, Value};
use std::path::PathBuf;

fn fixture() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop-products.json"),
    )
    .unwrap()
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
