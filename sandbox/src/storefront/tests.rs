//! The storefront driven in-process: routes, cookies, consent banner, the purchase flow, the break
//! switch and the read-backs.

use crate::test_support::{call, Answer};
use crate::{Sandbox, SandboxConfig};
use axum::Router;
use serde_json::{json, Value};

const US: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";
const DE: &str = "/on/demandware.store/Sites-RefArchGlobal-Site/de_DE";
const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

fn shop() -> Router {
    Sandbox::new(&SandboxConfig::default()).storefront_router()
}

/// The data-layer pushes of a page, in order.
fn pushes(html: &str) -> Vec<Value> {
    let start = html
        .find("window.dataLayer=window.dataLayer||[];")
        .map(|i| i + 38);
    let script = start
        .and_then(|s| html[s..].find("</script>").map(|e| &html[s..s + e]))
        .unwrap_or_default();
    script
        .split("dataLayer.push(")
        .filter_map(|p| p.strip_suffix(");"))
        .map(|p| serde_json::from_str(p).unwrap_or(Value::Null))
        .collect()
}

fn json_ld(html: &str) -> Value {
    let tag = "<script type=\"application/ld+json\">";
    html.find(tag)
        .and_then(|s| html[s + tag.len()..].split("</script>").next())
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or(Value::Null)
}

fn event<'p>(pushes: &'p [Value], name: &str) -> &'p Value {
    pushes
        .iter()
        .find(|p| p["event"] == name)
        .unwrap_or(&Value::Null)
}

async fn get(r: &Router, uri: &str, cookie: &str) -> Answer {
    call(r, "GET", uri, &[("cookie", cookie)], "").await
}

async fn post(r: &Router, uri: &str, cookie: &str, body: &str) -> Answer {
    call(r, "POST", uri, &[("cookie", cookie), FORM], body).await
}

#[tokio::test]
async fn home_issues_a_session_and_shows_the_consent_banner_until_decided() {
    let r = shop();
    let home = get(&r, &format!("{US}/Home-Show"), "").await;
    assert_eq!(home.status, 200);
    let dwsid = home
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("dwsid="))
        .unwrap_or_default();
    assert_eq!(dwsid.len(), "dwsid=".len() + 32);
    assert!(home.body.contains(&format!(
        "<div class=\"tracking-consent\" data-url=\"{US}/ConsentTracking-SetSession\""
    )));
    assert_eq!(
        pushes(&home.body),
        vec![json!({"event": "page_data", "page_type": "home"})]
    );
    assert!(home.body.contains("data-pid=\"25518704M\""));
    assert!(
        home.cookies().contains(&"dw_dnt=1".to_string()),
        "a site that does not track by default writes dw_dnt=1 before any answer"
    );
    let again = get(&r, &format!("{US}/Home-Show"), &dwsid).await;
    assert_eq!(
        again.cookies(),
        ["dw_dnt=1"],
        "a known session keeps its dwsid; dw_dnt is written on every response"
    );

    let accepted = get(
        &r,
        &format!("{US}/ConsentTracking-SetSession?consent=true"),
        &dwsid,
    )
    .await;
    assert_eq!(
        (accepted.status, accepted.json()),
        (200, json!({"success": true}))
    );
    assert_eq!(accepted.cookies(), ["dw_dnt=0"]);
    // The session remembers it: the next page writes dw_dnt=0 again, whatever the browser sent,
    // and shows no banner.
    let decided = get(
        &r,
        &format!("{US}/Home-Show"),
        &format!("{dwsid}; dw_dnt=1"),
    )
    .await;
    assert_eq!(decided.cookies(), ["dw_dnt=0"]);
    let declined = get(
        &r,
        &format!("{US}/ConsentTracking-SetSession?consent=false"),
        &dwsid,
    )
    .await;
    assert_eq!(declined.cookies(), ["dw_dnt=1"]);
    // As SFRA reads it: anything but `true` is a no.
    let maybe = get(
        &r,
        &format!("{US}/ConsentTracking-SetSession?consent=maybe"),
        &dwsid,
    )
    .await;
    assert_eq!(
        (maybe.status, maybe.cookies()),
        (200, vec!["dw_dnt=1".to_string()])
    );
    // SFRA 6's SetConsent is a POST, the answer still in the query.
    let posted = post(
        &r,
        &format!("{US}/ConsentTracking-SetConsent?consent=true"),
        &dwsid,
        "csrf_token=x",
    )
    .await;
    assert_eq!(
        (posted.status, posted.cookies()),
        (200, vec!["dw_dnt=0".to_string()])
    );
    let decided = get(&r, &format!("{US}/Home-Show"), &dwsid).await;
    assert!(!decided.body.contains("tracking-consent"));
}

#[tokio::test]
async fn pdp_matches_the_catalog_per_site() {
    let r = shop();
    let us = get(&r, &format!("{US}/Product-Show?pid=25518704M"), "").await;
    assert_eq!(us.status, 200);
    let ld = json_ld(&us.body);
    assert_eq!(
        (
            ld["@type"].as_str(),
            ld["name"].as_str(),
            ld["sku"].as_str()
        ),
        (Some("Product"), Some("Oxford Shirt"), Some("25518704M"))
    );
    assert_eq!(ld["offers"]["price"], "39.50");
    assert_eq!(ld["offers"]["priceCurrency"], "USD");
    assert_eq!(ld["offers"]["availability"], "https://schema.org/InStock");
    let p = pushes(&us.body);
    assert_eq!(p[1], json!({"ecommerce": null}));
    assert_eq!(
        p[2],
        json!({"event": "view_item", "ecommerce": {"currency": "USD", "value": 39.5, "items": [
        {"item_id": "25518704M", "item_name": "Oxford Shirt", "item_brand": "Sandbox Apparel", "item_category": "mens-clothing-shirts", "price": 39.5, "quantity": 1}]}})
    );

    let de = get(&r, &format!("{DE}/Product-Show?pid=25518704M"), "").await;
    let ld = json_ld(&de.body);
    assert_eq!(
        (
            ld["name"].as_str(),
            ld["offers"]["price"].as_str(),
            ld["offers"]["priceCurrency"].as_str()
        ),
        (Some("Oxford-Hemd"), Some("36.00"), Some("EUR"))
    );
    assert!(de.body.contains("36,00 €"));
    let chinos = get(&r, &format!("{US}/Product-Show?pid=25519318M"), "").await;
    assert_eq!(
        json_ld(&chinos.body)["offers"]["availability"],
        "https://schema.org/OutOfStock"
    );
    assert_eq!(
        get(&r, &format!("{US}/Product-Show?pid=25604455M"), "")
            .await
            .status,
        404,
        "offline"
    );
    assert_eq!(
        get(&r, &format!("{US}/Product-Show?pid=nope"), "")
            .await
            .status,
        404
    );
    assert_eq!(
        get(
            &r,
            "/on/demandware.store/Sites-RefArch-Site/de_DE/Home-Show",
            ""
        )
        .await
        .status,
        404,
        "wrong locale"
    );
    assert_eq!(get(&r, &format!("{US}/Nope-Show"), "").await.status, 404);
}

#[tokio::test]
async fn plp_and_search_push_lists_of_linked_tiles() {
    let r = shop();
    let plp = get(&r, &format!("{US}/Search-Show?cgid=mens"), "").await;
    let p = pushes(&plp.body);
    assert_eq!(p[0]["page_type"], "plp");
    let list = event(&p, "view_item_list");
    assert_eq!(
        (
            list["ecommerce"]["item_list_id"].as_str(),
            list["ecommerce"]["item_list_name"].as_str()
        ),
        (Some("mens"), Some("Men"))
    );
    let ids: Vec<&str> = list["ecommerce"]["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["item_id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, ["25518704M", "25519318M", "25752986M"]);
    assert!(plp.body.contains(&format!(
        "data-pid=\"25752986M\"><a class=\"link\" href=\"{US}/Product-Show?pid=25752986M\""
    )));
    assert_eq!(
        get(&r, &format!("{US}/Search-Show?cgid=nope"), "")
            .await
            .status,
        404
    );

    let search = get(&r, &format!("{DE}/Search-Show?q=Hemd"), "").await;
    let p = pushes(&search.body);
    assert_eq!(p[0]["page_type"], "search");
    assert_eq!(p[1], json!({"event": "search", "search_term": "Hemd"}));
    assert_eq!(p[2], json!({"ecommerce": null}));
    assert_eq!(p[3]["ecommerce"]["items"][0]["price"], 36.0);
    assert_eq!(p[3]["ecommerce"]["currency"], "EUR");
    assert!(search.body.contains("data-pid=\"25518704M\""));
}

async fn login(r: &Router, cookie: &str) -> String {
    let ok = post(
        r,
        &format!("{US}/Account-Login"),
        cookie,
        "loginEmail=alice.shopper%40example.com&loginPassword=Sandbox-Alice-1",
    )
    .await;
    assert_eq!(
        (ok.status, ok.json()["success"].as_bool()),
        (200, Some(true))
    );
    ok.cookies()
        .into_iter()
        .find(|c| c.starts_with("dwcustomer_RefArch="))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_set_adds_each_product_and_a_registration_logs_the_customer_in() {
    let r = shop();
    let dwsid = get(&r, &format!("{US}/Home-Show"), "")
        .await
        .cookies()
        .join("; ");
    // `pidsObj` as SFRA's product set page posts it: `[{pid, qty, options}]`, qty a string.
    let set = post(
        &r,
        &format!("{US}/Cart-AddProduct"),
        &dwsid,
        "pid=SET&pidsObj=%5B%7B%22pid%22%3A%2225752986M%22%2C%22qty%22%3A%222%22%2C%22options%22%3A%22%22%7D%2C%7B%22pid%22%3A%2225518704M%22%2C%22qty%22%3A%221%22%7D%5D",
    )
    .await;
    assert_eq!(
        (
            set.status,
            set.json()["error"].clone(),
            set.json()["quantityTotal"].clone()
        ),
        (200, json!(false), json!(3)),
        "{:?}",
        set.json()
    );
    let taken = post(
        &r,
        &format!("{US}/Account-SubmitRegistration"),
        &dwsid,
        "dwfrm_profile_customer_email=alice.shopper%40example.com",
    )
    .await;
    assert_eq!(taken.status, 200);
    assert!(taken.json()["fields"]["dwfrm_profile_customer_email"].is_string());
    assert!(taken.json().get("success").is_none(), "{:?}", taken.json());
    let new = post(
        &r,
        &format!("{US}/Account-SubmitRegistration"),
        &dwsid,
        "dwfrm_profile_customer_email=new.shopper%40example.com",
    )
    .await;
    assert_eq!(new.json()["success"], true, "{:?}", new.json());
    assert!(
        new.cookies()
            .iter()
            .any(|c| c.starts_with("dwcustomer_RefArch=")),
        "logged in: {:?}",
        new.cookies()
    );
}

#[tokio::test]
async fn a_logged_in_purchase_from_cart_to_confirmation() {
    let r = shop();
    let dwsid = get(&r, &format!("{US}/Home-Show"), "")
        .await
        .cookies()
        .join("; ");
    let add = post(
        &r,
        &format!("{US}/Cart-AddProduct"),
        &dwsid,
        "pid=25518704M&quantity=2",
    )
    .await;
    let added = add.json();
    let uuid = added["cart"]["items"][0]["UUID"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(uuid.len(), 32, "{added}");
    assert_eq!(
        added,
        json!({"error": false, "quantityTotal": 2, "message": "Product added to cart", "pid": "25518704M",
            "cart": {"items": [{"id": "25518704M", "quantity": 2, "UUID": uuid}], "numItems": 2}})
    );
    // SFRA's cart page changes a line by product and UUID; a line it does not find is a 500.
    let update = |q: &str, line: &str| {
        format!("{US}/Cart-UpdateQuantity?pid=25518704M&quantity={q}&uuid={line}")
    };
    let wrong = get(&r, &update("3", "nope"), &dwsid).await;
    assert_eq!(wrong.status, 500);
    assert!(wrong.json()["errorMessage"].is_string());
    let updated = get(&r, &update("3", &uuid), &dwsid).await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["items"][0]["quantity"], 3);
    let back = get(&r, &update("2", &uuid), &dwsid).await;
    assert_eq!(back.json()["numItems"], 2);
    let add = post(
        &r,
        &format!("{US}/Cart-AddProduct"),
        &dwsid,
        "pid=25752986M",
    )
    .await;
    assert_eq!(add.json()["quantityTotal"], 3);
    // As SFRA's: HTTP 200 with `"error": true`, and nothing added.
    let out_of_stock = post(
        &r,
        &format!("{US}/Cart-AddProduct"),
        &dwsid,
        "pid=25519318M",
    )
    .await;
    assert_eq!(
        (out_of_stock.status, out_of_stock.json()["error"].clone()),
        (200, json!(true)),
        "out of stock"
    );

    assert_eq!(
        post(
            &r,
            &format!("{US}/Cart-AddProduct"),
            &dwsid,
            "pid=25518704M&quantity=0"
        )
        .await
        .status,
        400
    );
    assert_eq!(
        get(&r, &format!("{US}/Cart-AddProduct?pid=25518704M"), &dwsid)
            .await
            .status,
        405
    );

    let cart = get(&r, &format!("{US}/Cart-Show"), &dwsid).await;
    let p = pushes(&cart.body);
    assert_eq!(
        (
            p[0]["page_type"].as_str(),
            event(&p, "view_cart")["ecommerce"]["value"].as_f64()
        ),
        (Some("cart"), Some(124.0))
    );
    assert!(cart
        .body
        .contains("<span class=\"minicart-quantity\">3</span>"));

    let bad = post(
        &r,
        &format!("{US}/Account-Login"),
        &dwsid,
        "loginEmail=alice.shopper%40example.com&loginPassword=wrong",
    )
    .await;
    assert_eq!(
        (bad.status, bad.json()),
        (200, json!({"error": ["Invalid login or password."]})),
        "as SFRA's: HTTP 200, and no `success`"
    );
    let customer = login(&r, &dwsid).await;
    let cookie = format!("{dwsid}; {customer}");
    let checkout = get(&r, &format!("{US}/Checkout-Begin"), &cookie).await;
    let p = pushes(&checkout.body);
    assert_eq!(
        p[0],
        json!({"event": "page_data", "page_type": "checkout", "user_id": "00000001"})
    );
    assert_eq!(event(&p, "begin_checkout")["ecommerce"]["value"], 124.0);

    let placed = post(
        &r,
        &format!("{US}/CheckoutServices-PlaceOrder"),
        &cookie,
        "",
    )
    .await
    .json();
    assert_eq!(
        (placed["error"].as_bool(), placed["orderID"].as_str()),
        (Some(false), Some("00000101"))
    );
    assert_eq!(placed["continueUrl"], format!("{US}/Order-Confirm"));
    let token = placed["orderToken"].as_str().unwrap_or_default();
    let confirm = get(
        &r,
        &format!("{US}/Order-Confirm?ID=00000101&token={token}"),
        &cookie,
    )
    .await;
    assert_eq!(confirm.status, 200);
    assert!(confirm
        .body
        .contains("<span class=\"summary-details order-number\">00000101</span>"));
    // Stock SFRA: the line's UUID, no product id.
    assert!(confirm
        .body
        .contains("<div class=\"product-line-item\" data-product-line-item=\""));
    assert!(!confirm.body.contains("data-pid=\"25518704M\""));
    let marked = post(
        &r,
        "/__sandbox/storefront/template",
        "",
        r#"{"order_line_ids": true}"#,
    )
    .await;
    assert_eq!(marked.status, 200);
    let confirm = get(
        &r,
        &format!("{US}/Order-Confirm?ID=00000101&token={token}"),
        &cookie,
    )
    .await;
    assert!(confirm.body.contains("<div class=\"product-line-item\" data-pid=\"25518704M\" data-quantity=\"2\" data-price=\"39.50\">"));
    let typo = post(
        &r,
        "/__sandbox/storefront/template",
        "",
        r#"{"order_ids": true}"#,
    )
    .await;
    assert_eq!(typo.status, 400);
    assert!(confirm
        .body
        .contains("<span class=\"grand-total-sum\" data-value=\"139.91\">"));
    let p = pushes(&confirm.body);
    assert!(
        !confirm.body.contains("alice.shopper@example.com\"") && p[0].get("user_email").is_none()
    );
    let purchase = event(&p, "purchase");
    assert_eq!(purchase["ecommerce"]["transaction_id"], "00000101");
    assert_eq!(
        (
            purchase["ecommerce"]["value"].as_f64(),
            purchase["ecommerce"]["tax"].as_f64(),
            purchase["ecommerce"]["shipping"].as_f64()
        ),
        (Some(124.0), Some(9.92), Some(5.99))
    );
    assert_eq!(p.iter().filter(|p| p["event"] == "purchase").count(), 1);
    assert_eq!(
        get(
            &r,
            &format!("{US}/Order-Confirm?ID=00000101&token=wrong"),
            &cookie
        )
        .await
        .status,
        404
    );

    let orders = get(&r, "/__sandbox/storefront/orders", "").await.json();
    assert_eq!(orders[0]["customer_no"], "00000001");
    assert_eq!(orders[0]["email"], "alice.shopper@example.com");
    assert_eq!(
        orders[0]["lines"],
        json!([{"pid": "25518704M", "quantity": 2, "price": 39.5}, {"pid": "25752986M", "quantity": 1, "price": 45.0}])
    );
    assert_eq!(
        (
            orders[0]["currency"].as_str(),
            orders[0]["grand_total"].as_f64()
        ),
        (Some("USD"), Some(139.91))
    );
    assert!(orders[0]["time"]
        .as_u64()
        .is_some_and(|t| t > 1_700_000_000));
    assert_eq!(
        post(
            &r,
            &format!("{US}/CheckoutServices-PlaceOrder"),
            &cookie,
            ""
        )
        .await
        .status,
        400,
        "the cart is empty now"
    );
    let empty = get(&r, &format!("{US}/Checkout-Begin"), &cookie).await;
    assert_eq!(
        (empty.status, empty.header("location")),
        (302, Some(&*format!("{US}/Cart-Show")))
    );

    let logout = get(&r, &format!("{US}/Login-Logout"), &cookie).await;
    assert_eq!(
        (logout.status, logout.header("location")),
        (302, Some(&*format!("{US}/Home-Show")))
    );
    let set = logout.cookies();
    assert!(set.contains(&"dwcustomer_RefArch=".to_string()));
    assert!(
        set.iter().any(|c| c.starts_with("dwsid=") && *c != dwsid),
        "logout rotates the session"
    );
    let after = get(&r, &format!("{US}/Home-Show"), &cookie).await;
    assert!(
        pushes(&after.body)[0].get("user_id").is_none(),
        "the old login token is gone"
    );
    let other_site = get(
        &r,
        &format!("{DE}/Home-Show"),
        &format!(
            "{dwsid}; dwcustomer_RefArchGlobal={}",
            customer.trim_start_matches("dwcustomer_RefArch=")
        ),
    )
    .await;
    assert!(pushes(&other_site.body)[0].get("user_id").is_none());
}

async fn guest_confirmation(r: &Router) -> (Vec<Value>, Value, String) {
    let dwsid = get(r, &format!("{US}/Home-Show"), "")
        .await
        .cookies()
        .join("; ");
    post(
        r,
        &format!("{US}/Cart-AddProduct"),
        &dwsid,
        "pid=25565189M&quantity=1",
    )
    .await;
    let placed = post(
        r,
        &format!("{US}/CheckoutServices-PlaceOrder"),
        &dwsid,
        "email=guest%40example.com",
    )
    .await
    .json();
    let uri = format!(
        "{US}/Order-Confirm?ID={}&token={}",
        placed["orderID"].as_str().unwrap_or_default(),
        placed["orderToken"].as_str().unwrap_or_default()
    );
    let confirm = get(r, &uri, &dwsid).await;
    let pdp = get(r, &format!("{US}/Product-Show?pid=25565189M"), &dwsid).await;
    (pushes(&confirm.body), json_ld(&pdp.body), pdp.body)
}

#[tokio::test]
async fn each_break_switch_defect_shows_up_in_the_data_layer() {
    let r = shop();
    let (clean, ld, _) = guest_confirmation(&r).await;
    let purchase = event(&clean, "purchase")["ecommerce"].clone();
    assert_eq!(
        (
            purchase["currency"].as_str(),
            purchase["value"].as_f64(),
            purchase["items"][0]["price"].as_f64()
        ),
        (Some("USD"), Some(129.0), Some(129.0))
    );
    assert_eq!(ld["offers"]["price"], "129.00");
    let set = |flag: &str| {
        let r = r.clone();
        let body = json!({flag: true}).to_string();
        async move {
            assert_eq!(
                call(&r, "POST", "/__sandbox/storefront/faults", &[], &body)
                    .await
                    .status,
                200
            )
        }
    };
    set("missing_currency").await;
    let (p, _, _) = guest_confirmation(&r).await;
    assert!(event(&p, "purchase")["ecommerce"].get("currency").is_none());
    set("price_as_string").await;
    let (p, _, _) = guest_confirmation(&r).await;
    assert_eq!(
        event(&p, "purchase")["ecommerce"]["items"][0]["price"],
        "129.00"
    );
    set("wrong_total").await;
    let (p, _, _) = guest_confirmation(&r).await;
    assert_eq!(event(&p, "purchase")["ecommerce"]["value"], 139.0);
    set("duplicate_purchase").await;
    let (p, _, _) = guest_confirmation(&r).await;
    assert_eq!(p.iter().filter(|p| p["event"] == "purchase").count(), 2);
    set("email_in_clear").await;
    let (p, _, _) = guest_confirmation(&r).await;
    assert_eq!(p[0]["user_email"], "guest@example.com");
    set("price_differs_from_feed").await;
    let (p, ld, pdp) = guest_confirmation(&r).await;
    assert_eq!(
        event(&p, "purchase")["ecommerce"]["items"][0]["price"],
        141.9
    );
    assert_eq!(ld["offers"]["price"], "141.90");
    assert!(
        pdp.contains("$129.00"),
        "the visible price stays the catalog's"
    );
    let reset = call(&r, "DELETE", "/__sandbox/storefront/faults", &[], "").await;
    assert_eq!(reset.json()["price_differs_from_feed"], false);
    assert_eq!(
        call(
            &r,
            "POST",
            "/__sandbox/storefront/faults",
            &[],
            r#"{"bogus": true}"#
        )
        .await
        .status,
        400
    );
    let (p, _, _) = guest_confirmation(&r).await;
    let again = &event(&p, "purchase")["ecommerce"];
    assert_eq!(
        (&again["currency"], &again["value"], &again["items"]),
        (
            &purchase["currency"],
            &purchase["value"],
            &purchase["items"]
        )
    );
}

#[tokio::test]
async fn records_requests_and_serves_assets() {
    let r = shop();
    let headers = [
        ("x-forwarded-for", "203.0.113.7"),
        ("user-agent", "proxy-test"),
        FORM,
        ("authorization", "secret"),
    ];
    call(
        &r,
        "POST",
        &format!("{US}/Cart-AddProduct?src=tile"),
        &headers,
        "pid=25518704M",
    )
    .await;
    let css = get(
        &r,
        "/on/demandware.static/Sites-RefArch-Site/-/default/v1/css/global.css",
        "",
    )
    .await;
    assert_eq!(
        (css.status, css.header("content-type")),
        (200, Some("text/css; charset=utf-8"))
    );
    let js = get(
        &r,
        "/on/demandware.static/Sites-RefArchGlobal-Site/-/default/v1/js/main.js",
        "",
    )
    .await;
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let png = get(
        &r,
        "/on/demandware.static/Sites-RefArch-Site/-/default/v1/images/logo.png",
        "",
    )
    .await;
    assert_eq!(
        (
            png.header("content-type"),
            png.headers
                .get("content-length")
                .and_then(|v| v.to_str().ok())
        ),
        (Some("image/png"), Some("67"))
    );
    assert_eq!(
        get(
            &r,
            "/on/demandware.static/Sites-RefArch-Site/-/default/v1/nope.css",
            ""
        )
        .await
        .status,
        404
    );

    let seen = get(&r, "/__sandbox/storefront/requests", "").await.json();
    assert_eq!(
        seen.as_array().map(Vec::len),
        Some(5),
        "controls are not recorded: {seen}"
    );
    assert_eq!(
        (seen[0]["method"].as_str(), seen[0]["path"].as_str()),
        (
            Some("POST"),
            Some(&*format!("{US}/Cart-AddProduct?src=tile"))
        )
    );
    assert_eq!(
        (
            seen[0]["body_length"].as_u64(),
            seen[0]["headers"]["x-forwarded-for"].as_str()
        ),
        (Some(13), Some("203.0.113.7"))
    );
    assert_eq!(seen[0]["headers"]["user-agent"], "proxy-test");
    assert!(seen[0]["headers"].get("authorization").is_none());
    assert_eq!(
        call(&r, "DELETE", "/__sandbox/storefront/requests", &[], "")
            .await
            .status,
        200
    );
    assert_eq!(
        get(&r, "/__sandbox/storefront/requests", "").await.json(),
        json!([])
    );
}

#[tokio::test]
async fn a_slow_tail_sends_the_same_page_with_its_body_late() {
    let r = shop();
    let pdp = format!("{US}/Product-Show?pid=25518704M");
    let first = get(&r, &pdp, "dw_dnt=0").await;
    let cookie = format!("dw_dnt=0; {}", first.cookies().join("; "));
    let whole = get(&r, &pdp, &cookie).await;
    let body = json!({"slow_tail_ms": 300}).to_string();
    let set = call(&r, "POST", "/__sandbox/storefront/faults", &[], &body).await;
    assert_eq!(set.status, 200, "{}", set.body);
    let started = std::time::Instant::now();
    let late = get(&r, &pdp, &cookie).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(late.status, 200);
    assert_eq!(late.headers["content-type"], whole.headers["content-type"]);
    assert_eq!(late.body, whole.body);
    assert!(late.body.contains("</head>") && late.body.trim_end().ends_with("</html>"));
}

#[tokio::test]
async fn einstein_activities_behind_the_pwa_kit_proxy_are_checked_and_recorded() {
    let r = shop();
    let path = "/mobify/proxy/einstein/v3/activities/RefArch/viewProduct";
    let body = json!({"product": {"id": "25518704M"}, "realm": "RefArch"}).to_string();
    let json_type = ("content-type", "application/json");
    let client = ("x-cq-client-id", "sandbox-einstein");
    let ok = call(&r, "POST", path, &[json_type, client], &body).await;
    assert_eq!((ok.status, ok.body.as_str()), (200, "{}"));
    let no_client = call(&r, "POST", path, &[json_type], &body).await;
    assert_eq!(no_client.status, 400);
    assert!(
        no_client.body.contains("x-cq-client-id"),
        "{}",
        no_client.body
    );
    let form = call(&r, "POST", path, &[FORM, client], "a=b").await;
    assert_eq!(form.status, 400);
    let list = call(&r, "POST", path, &[json_type, client], "[1]").await;
    assert!(list.body.contains("JSON object"), "{}", list.body);
    let recorded = get(&r, "/__sandbox/storefront/requests", "").await;
    let recorded: Value = serde_json::from_str(&recorded.body).unwrap_or(Value::Null);
    let first = &recorded
        .as_array()
        .map(|a| a[0].clone())
        .unwrap_or_default();
    assert_eq!(
        (&first["path"], &first["body_length"]),
        (&json!(path), &json!(body.len()))
    );
}

#[tokio::test]
async fn a_pwa_kit_checkout_places_an_order_through_the_scapi_proxy() {
    let r = shop();
    let api = "/mobify/proxy/api/checkout";
    let org = "organizations/f_ecom_zzrf_001";
    let baskets = format!("{api}/shopper-baskets/v1/{org}/baskets?siteId=RefArch");
    let orders = format!("{api}/shopper-orders/v1/{org}/orders?siteId=RefArch");
    let json_type = ("content-type", "application/json");
    let send = |method: &'static str, uri: String, token: String, body: Value| {
        let r = r.clone();
        async move {
            let auth = format!("Bearer {token}");
            let a = call(
                &r,
                method,
                &uri,
                &[json_type, ("authorization", &auth)],
                &body.to_string(),
            )
            .await;
            (
                a.status,
                serde_json::from_str::<Value>(&a.body).unwrap_or(Value::Null),
            )
        }
    };
    let unauthorized = call(&r, "POST", &baskets, &[json_type], "{}").await;
    assert_eq!(unauthorized.status, 401);

    // A guest: basket, two items, an email, the order.
    let guest = "guest-token".to_string();
    let (status, basket) = send("POST", baskets.clone(), guest.clone(), json!({})).await;
    assert_eq!(status, 200);
    let id = basket["basketId"].as_str().unwrap_or_default().to_string();
    let items = format!("{api}/shopper-baskets/v1/{org}/baskets/{id}/items?siteId=RefArch");
    let (status, basket) = send(
        "POST",
        items.clone(),
        guest.clone(),
        json!([{"productId": "25518704M", "quantity": 2}]),
    )
    .await;
    assert_eq!(
        (status, basket["productItems"][0]["quantity"].as_u64()),
        (200, Some(2))
    );
    let price = basket["productItems"][0]["basePrice"]
        .as_f64()
        .unwrap_or_default();
    assert!(price > 0.0, "{basket}");
    let (status, _) = send(
        "POST",
        items.clone(),
        guest.clone(),
        json!([{"productId": "25518704M"}]),
    )
    .await;
    assert_eq!(status, 400, "an item without a quantity");
    let customer = format!("{api}/shopper-baskets/v1/{org}/baskets/{id}/customer?siteId=RefArch");
    let (status, _) = send(
        "PUT",
        customer,
        guest.clone(),
        json!({"email": "guest@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        "POST",
        orders.clone(),
        super::shopper_token("alice.shopper@example.com"),
        json!({"basketId": id}),
    )
    .await;
    assert_eq!(status, 404, "another shopper's basket");
    let (status, order) = send(
        "POST",
        orders.clone(),
        guest.clone(),
        json!({"basketId": id}),
    )
    .await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(
        order["customerInfo"],
        json!({"customerNo": null, "email": "guest@example.com"})
    );
    assert_eq!(order["productItems"][0]["basePrice"].as_f64(), Some(price));
    let (status, _) = send("POST", orders.clone(), guest, json!({"basketId": id})).await;
    assert_eq!(status, 404, "a basket becomes one order");

    // A registered shopper: the token names her; the order carries her number and email.
    let alice = super::shopper_token("alice.shopper@example.com");
    let (_, basket) = send("POST", baskets, alice.clone(), json!({})).await;
    let id = basket["basketId"].as_str().unwrap_or_default().to_string();
    let items = format!("{api}/shopper-baskets/v1/{org}/baskets/{id}/items?siteId=RefArch");
    send(
        "POST",
        items,
        alice.clone(),
        json!([{"productId": "25518704M", "quantity": 1}]),
    )
    .await;
    let (status, order) = send("POST", orders, alice, json!({"basketId": id})).await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(
        order["customerInfo"],
        json!({"customerNo": "00000001", "email": "alice.shopper@example.com"})
    );
    let placed = get(&r, "/__sandbox/storefront/orders", "").await;
    let placed: Value = serde_json::from_str(&placed.body).unwrap_or(Value::Null);
    assert_eq!(placed.as_array().map(Vec::len), Some(2), "{placed}");
}

#[tokio::test]
async fn seo_urls_serve_the_same_pages_and_the_page_container_names_the_route() {
    let r = shop();
    // The RefArch product URL form of SFRA's acceptance tests.
    let pdp = get(&r, "/s/RefArch/slim-shirt/25518704M.html?lang=en_US", "").await;
    assert_eq!(pdp.status, 200, "{}", pdp.body);
    assert!(
        pdp.body.contains(
            "<div class=\"page\" data-action=\"Product-Show\" data-querystring=\"lang=en_US&amp;pid=25518704M\">"
        ),
        "{}",
        pdp.body
    );
    assert!(pdp.body.contains("25518704M"));
    let plp = get(&r, "/s/RefArch/mens/", "").await;
    assert_eq!(plp.status, 200);
    assert!(plp
        .body
        .contains("data-action=\"Search-Show\" data-querystring=\"cgid=mens\""));
    let search = get(&r, "/s/RefArch/search?q=slim+shirt", "").await;
    assert!(search
        .body
        .contains("data-action=\"Search-Show\" data-querystring=\"q=slim+shirt\""));
    // The locale in ?lang= picks the site's French pages.
    let fr = get(&r, "/s/RefArchGlobal/chemise/25518704M.html?lang=fr_FR", "").await;
    assert!(
        fr.body.contains("<html lang=\"fr"),
        "{}",
        &fr.body[..200.min(fr.body.len())]
    );
    // A content page and an unknown site are not found.
    assert_eq!(
        get(&r, "/s/RefArch/homepage-example.html", "").await.status,
        404
    );
    assert_eq!(get(&r, "/s/Outlet/x/1.html", "").await.status, 404);
    // A customized layout without the container.
    let set = call(
        &r,
        "POST",
        "/__sandbox/storefront/faults",
        &[],
        &json!({"no_page_container": true}).to_string(),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let bare = get(&r, "/s/RefArch/slim-shirt/25518704M.html", "").await;
    assert!(bare.body.contains("<div class=\"page\"><header>"));
    assert!(!bare.body.contains("data-action"));
}

#[tokio::test]
async fn a_variant_is_added_to_the_cart_under_its_own_id() {
    let r = shop();
    let added = post(
        &r,
        &format!("{US}/Cart-AddProduct"),
        "",
        "pid=701643421084M&quantity=1",
    )
    .await;
    assert_eq!(added.status, 200);
    assert_ne!(added.json()["error"], true, "{:?}", added.json());
    let session = added
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("dwsid="))
        .unwrap_or_default();
    let cart = get(&r, &format!("{US}/Cart-Show"), &session).await;
    assert!(cart.body.contains("701643421084M"), "{}", cart.body);
    assert!(cart.body.contains("Oxford Shirt"));
}

/// The `isb` claim of a SLAS token answer's access token.
fn isb_of(answer: &Answer) -> String {
    use base64::Engine;
    let token = answer.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let payload = token.split('.').nth(1).unwrap_or_default();
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .unwrap_or(Value::Null);
    claims["isb"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn slas_logs_a_pwa_kit_shopper_in_by_code_refreshes_and_logs_out() {
    use base64::Engine;
    let r = shop();
    let auth = "/mobify/proxy/api/shopper/auth/v1/organizations/f_ecom_zzrf_001/oauth2";
    let basic = |c: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(c)
        )
    };
    let login = |credentials: String| {
        let r = r.clone();
        async move {
            call(
                &r,
                "POST",
                &format!("{auth}/login"),
                &[FORM, ("authorization", credentials.as_str())],
                "redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&channel_id=RefArch&client_id=c",
            )
            .await
        }
    };
    let wrong = login(basic("alice.shopper@example.com:nope")).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    let right = login(basic("alice.shopper@example.com:Sandbox-Alice-1")).await;
    assert_eq!(right.status, 303);
    let location = right.headers["location"].to_str().unwrap_or_default();
    assert!(
        location.starts_with("http://localhost/callback?code="),
        "{location}"
    );
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap_or_default();
    let token = |form: String| {
        let r = r.clone();
        async move { call(&r, "POST", &format!("{auth}/token"), &[FORM], &form).await }
    };
    let registered = token(format!(
        "grant_type=authorization_code_pkce&code={code}&channel_id=RefArch"
    ))
    .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert!(isb_of(&registered).contains("::upn:alice.shopper@example.com::"));
    let refresh = registered.json()["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let refreshed = token(format!("grant_type=refresh_token&refresh_token={refresh}")).await;
    assert_eq!(isb_of(&refreshed), isb_of(&registered));
    let guest = token("grant_type=client_credentials&channel_id=RefArch".into()).await;
    assert!(isb_of(&guest).contains("::upn:Guest::"));
    let forged = token("grant_type=authorization_code_pkce&code=x".into()).await;
    assert_eq!(forged.status, 400);
    // The private client's path answers the same.
    let private = call(
        &r,
        "POST",
        "/mobify/slas/private/shopper/auth/v1/organizations/o/oauth2/token",
        &[FORM],
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(private.status, 200);
    let bearer = format!(
        "Bearer {}",
        registered.json()["access_token"]
            .as_str()
            .unwrap_or_default()
    );
    let out = call(
        &r,
        "GET",
        &format!("{auth}/logout?client_id=c&refresh_token={refresh}&channel_id=RefArch"),
        &[("authorization", bearer.as_str())],
        "",
    )
    .await;
    assert_eq!(
        (out.status, out.json()["access_token"].clone()),
        (200, json!(""))
    );
    let no_bearer = get(
        &r,
        &format!("{auth}/logout?client_id=c&refresh_token=x"),
        "",
    )
    .await;
    assert_eq!(no_bearer.status, 400);
}
