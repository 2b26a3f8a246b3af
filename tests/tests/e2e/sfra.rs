//! SFRA as `app_storefront_base` behaves, through the worker: its AJAX actions answer HTTP 200
//! whether or not they happened (`Cart-AddProduct`'s `"error": true`, a login's missing
//! `"success"`), a product set page posts its products in `pidsObj`, a registration logs the new
//! customer in, and SFRA 6 asks for the confirmation page with a form post.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{wait_for, ConfirmBy, Stack, StackOptions};
use std::time::Duration;

const VISITOR: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

fn consent() -> String {
    format!("dw_dnt=0; __Host-sfcc_clerk_vid={VISITOR}")
}

/// Clerk's tracking calls once at least `n` arrived and a little longer (a late one would show).
fn settled(stack: &Stack, n: usize) -> Vec<Value> {
    wait_for(
        &format!("{n} tracking calls at Clerk"),
        Duration::from_secs(30),
        || Some(stack.clerk_log()).filter(|l| l.len() >= n),
        || stack.wrangler_log(),
    );
    std::thread::sleep(Duration::from_secs(3));
    stack.clerk_log()
}

#[test]
fn sfras_answers_say_what_happened_and_each_product_of_a_set_is_added() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // Out of stock: SFRA answers 200 with "error": true, and nothing was added.
    let refused = stack.post_form("Cart-AddProduct", &consent(), "pid=25519318M&quantity=1");
    assert_eq!(
        (refused.status, &refused.json["error"]),
        (200, &json!(true)),
        "{:?}",
        refused.json
    );
    // A product set: each of its products is added, with its own quantity.
    let set = json!([{"pid": "25752986M", "qty": "2", "options": ""},
                     {"pid": "25518704M", "qty": "1", "options": ""}])
    .to_string();
    let form = format!("pid=SET-1&pidsObj={}", url_encode(&set));
    let added = stack.post_form("Cart-AddProduct", &consent(), &form);
    assert_eq!(added.json["error"], false, "{:?}", added.json);
    // A registration logs the new customer in: the visitor is linked to the email.
    let registered = stack.post_form(
        "Account-SubmitRegistration",
        &consent(),
        "dwfrm_profile_customer_email=new.shopper%40example.com",
    );
    assert_eq!(registered.json["success"], true, "{:?}", registered.json);
    // A registration SFRA refuses (the email is taken) links nothing.
    let taken = stack.post_form(
        "Account-SubmitRegistration",
        &consent(),
        "dwfrm_profile_customer_email=alice.shopper%40example.com",
    );
    assert!(taken.json.get("success").is_none(), "{:?}", taken.json);

    let visitor = VISITOR.replace('-', "");
    let mut log: Vec<(String, String)> = settled(&stack, 3)
        .iter()
        .map(|c| {
            assert_eq!(c["params"]["visitor"], visitor.as_str(), "{c}");
            let what = &c["params"][if c["endpoint"] == "log/email" {
                "email"
            } else {
                "products"
            }];
            (
                c["endpoint"].as_str().unwrap_or_default().to_string(),
                what.as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    log.sort();
    let expected: Vec<(String, String)> = [
        ("log/cart/add", r#"[{"id":"25518704M","qty":1}]"#),
        ("log/cart/add", r#"[{"id":"25752986M","qty":2}]"#),
        ("log/email", "new.shopper@example.com"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(log, expected);
}

#[test]
fn sfra_6s_posted_confirmation_page_is_read_for_its_order() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let order = stack.place_order_by(
        &consent(),
        "25518704M",
        2,
        "ann%40example.com",
        ConfirmBy::Post,
    );
    // The add, the sale and the cart it emptied.
    let sales: Vec<Value> = settled(&stack, 3)
        .into_iter()
        .filter(|c| c["endpoint"] == "log/sale")
        .collect();
    assert_eq!(sales.len(), 1, "{sales:?}");
    assert_eq!(sales[0]["params"]["sale"], order.order.as_str());
    assert_eq!(
        sales[0]["params"]["products"],
        r#"[{"id":"25518704M","price":39.5,"quantity":2}]"#
    );
}

/// `value` as a form field's value.
fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// SFRA's cart page changes a line with `Cart-UpdateQuantity` and removes one with
/// `Cart-RemoveProductLineItem` (GETs naming the product and the line's UUID), and answers with
/// the cart as it now is (`controllers/Cart.js`): Clerk's basket is set to that cart, down to
/// an empty one. A change SFRA refuses (HTTP 500) sends nothing.
#[test]
fn sfras_cart_changes_set_clerks_basket_to_the_cart_sfra_answered() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let added = stack.post_form("Cart-AddProduct", &consent(), "pid=25518704M&quantity=2");
    assert_eq!(added.status, 200, "{:?}", added.json);
    let session = sfcc_clerk_e2e::session_of(&added).expect("the storefront starts a session");
    let cookie = format!("{}; dwsid={session}", consent());
    let uuid = added.json["cart"]["items"][0]["UUID"]
        .as_str()
        .expect("SFRA's answer carries the cart")
        .to_string();
    let change = |action: &str, query: &str| {
        stack.shopper_get(
            &format!(
                "{}/{action}?pid=25518704M&uuid={uuid}{query}",
                sfcc_clerk_e2e::US_SITE
            ),
            &cookie,
        )
    };
    assert_eq!(change("Cart-UpdateQuantity", "&quantity=3").status, 200);
    // SFRA refuses a quantity past what it sells (HTTP 500): nothing for Clerk.
    assert_eq!(change("Cart-UpdateQuantity", "&quantity=500").status, 500);
    assert_eq!(change("Cart-RemoveProductLineItem", "").status, 200);
    let log = settled(&stack, 3);
    // Queued from three requests: compared as a set (the queue keeps no order between them).
    let mut calls: Vec<(&str, &str)> = log
        .iter()
        .map(|c| {
            (
                c["endpoint"].as_str().unwrap_or_default(),
                c["params"]["products"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    calls.sort();
    assert_eq!(
        calls,
        [
            ("log/cart/add", r#"[{"id":"25518704M","qty":2}]"#),
            ("log/cart/update", "[]"),
            ("log/cart/update", r#"[{"id":"25518704M","qty":3}]"#),
        ],
        "{log:?}"
    );
}
