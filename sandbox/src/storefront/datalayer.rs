//! The GA4 `dataLayer` pushes of a page, as a GTM set-up writes them: `page_data` first, then for
//! each ecommerce event `{"ecommerce": null}` followed by the event. The break switch
//! ([`StorefrontFaults`]) bends exactly the part each flag names.

use super::site::round2;
use super::state::StorefrontFaults;
use serde_json::{json, Map, Value};

/// One product in an ecommerce event, with the catalog's price.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `item_id`.
    pub id: String,
    /// `item_name`.
    pub name: String,
    /// `item_brand`.
    pub brand: String,
    /// `item_category`.
    pub category: String,
    /// Unit price from the catalog; `None` when the catalog has none.
    pub price: Option<f64>,
    /// Units.
    pub quantity: u32,
}

/// The ecommerce event of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// No ecommerce event (home).
    None,
    /// PDP.
    ViewItem(Item),
    /// PLP: list id and name.
    ViewItemList(String, String, Vec<Item>),
    /// Search results: the term, then a `view_item_list` of the results.
    Search(String, Vec<Item>),
    /// Cart.
    ViewCart(Vec<Item>),
    /// Checkout.
    BeginCheckout(Vec<Item>),
    /// Confirmation.
    Purchase {
        /// Order number.
        transaction_id: String,
        /// Tax.
        tax: f64,
        /// Shipping.
        shipping: f64,
        /// Lines.
        items: Vec<Item>,
    },
}

/// Who is looking at which kind of page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageData {
    /// `home`, `plp`, `search`, `pdp`, `cart`, `checkout` or `confirmation`.
    pub page_type: &'static str,
    /// The logged-in customer's number.
    pub user_id: Option<String>,
    /// The shopper's email when known (only ever pushed under the `email_in_clear` fault).
    pub email: Option<String>,
}

/// The price pages publish in the data layer and JSON-LD: the catalog's, or 10% above it under
/// `price_differs_from_feed`.
pub fn shown_price(price: f64, faults: &StorefrontFaults) -> f64 {
    if faults.price_differs_from_feed {
        round2(price * 1.1)
    } else {
        price
    }
}

/// Every push of a page, in order.
pub fn pushes(
    page: &PageData,
    event: &Event,
    currency: &str,
    faults: &StorefrontFaults,
) -> Vec<Value> {
    let mut data = json!({"event": "page_data", "page_type": page.page_type});
    if let Some(user_id) = &page.user_id {
        data["user_id"] = json!(user_id);
    }
    if let (true, Some(email)) = (faults.email_in_clear, &page.email) {
        data["user_email"] = json!(email);
    }
    let mut out = vec![data];
    let ecommerce = Ecommerce { currency, faults };
    match event {
        Event::None => {}
        Event::ViewItem(item) => {
            out.extend(ecommerce.event("view_item", Map::new(), std::slice::from_ref(item), true))
        }
        Event::ViewItemList(id, name, items) => out.extend(ecommerce.list(id, name, items)),
        Event::Search(term, items) => {
            out.push(json!({"event": "search", "search_term": term}));
            out.extend(ecommerce.list("search_results", "Search Results", items));
        }
        Event::ViewCart(items) => out.extend(ecommerce.event("view_cart", Map::new(), items, true)),
        Event::BeginCheckout(items) => {
            out.extend(ecommerce.event("begin_checkout", Map::new(), items, true))
        }
        Event::Purchase {
            transaction_id,
            tax,
            shipping,
            items,
        } => {
            let mut fields = Map::new();
            fields.insert("transaction_id".into(), json!(transaction_id));
            fields.insert("tax".into(), json!(tax));
            fields.insert("shipping".into(), json!(shipping));
            let pair = ecommerce.event("purchase", fields, items, true);
            let again = pair[1].clone();
            out.extend(pair);
            if faults.duplicate_purchase {
                out.push(again);
            }
        }
    }
    out
}

struct Ecommerce<'a> {
    currency: &'a str,
    faults: &'a StorefrontFaults,
}

impl Ecommerce<'_> {
    fn list(&self, id: &str, name: &str, items: &[Item]) -> [Value; 2] {
        let mut fields = Map::new();
        fields.insert("item_list_id".into(), json!(id));
        fields.insert("item_list_name".into(), json!(name));
        self.event("view_item_list", fields, items, false)
    }

    /// `{"ecommerce": null}` and the event with currency, value (when `with_value`) and items.
    fn event(
        &self,
        name: &str,
        mut fields: Map<String, Value>,
        items: &[Item],
        with_value: bool,
    ) -> [Value; 2] {
        let f = self.faults;
        let shown = |i: &Item| i.price.map(|p| shown_price(p, f));
        if !f.missing_currency {
            fields.insert("currency".into(), json!(self.currency));
        }
        if with_value {
            let sum: f64 = items
                .iter()
                .map(|i| shown(i).unwrap_or(0.0) * f64::from(i.quantity))
                .sum();
            let value = if f.wrong_total { sum + 10.0 } else { sum };
            fields.insert("value".into(), json!(round2(value)));
        }
        let list = !with_value;
        let items: Vec<Value> = items
            .iter()
            .enumerate()
            .map(|(index, i)| {
                let mut item = json!({"item_id": i.id, "item_name": i.name, "item_brand": i.brand,
                                      "item_category": i.category, "quantity": i.quantity});
                match (shown(i), f.price_as_string) {
                    (Some(p), true) => item["price"] = json!(format!("{p:.2}")),
                    (Some(p), false) => item["price"] = json!(p),
                    (None, _) => {}
                }
                if list {
                    item["index"] = json!(index);
                }
                item
            })
            .collect();
        fields.insert("items".into(), Value::Array(items));
        [
            json!({"ecommerce": null}),
            json!({"event": name, "ecommerce": fields}),
        ]
    }
}

/// The `<script>` that creates `dataLayer` and makes the pushes; `<` is escaped so no value can
/// close the script.
pub fn script(pushes: &[Value]) -> String {
    let calls: String = pushes
        .iter()
        .map(|p| format!("dataLayer.push({});", script_json(p)))
        .collect();
    format!("<script>window.dataLayer=window.dataLayer||[];{calls}</script>")
}

/// The same pushes as a gtag.js page makes them (Google's GA4 ecommerce guide, "gtag.js" tab):
/// `gtag()` pushes its arguments object into `dataLayer`, the shopper's customer number goes in
/// `gtag('config', …, {user_id})`, each event is `gtag('event', name, params)` with the
/// ecommerce fields as its parameters, and nothing clears `ecommerce` (gtag has none).
pub fn gtag_script(pushes: &[Value]) -> String {
    let mut calls = String::new();
    for push in pushes {
        match push["event"].as_str() {
            Some("page_data") => {
                let config = match push.get("user_id") {
                    Some(user_id) => format!(",{}", script_json(&json!({"user_id": user_id}))),
                    None => String::new(),
                };
                calls.push_str(&format!("gtag('config','{GTAG_ID}'{config});"));
            }
            Some(name) => {
                let params = match push.get("ecommerce") {
                    Some(fields) => fields.clone(),
                    None => {
                        let mut own = push.clone();
                        if let Some(o) = own.as_object_mut() {
                            o.remove("event");
                        }
                        own
                    }
                };
                calls.push_str(&format!(
                    "gtag('event',{},{});",
                    script_json(&json!(name)),
                    script_json(&params)
                ));
            }
            // `{"ecommerce": null}`: GTM's clearing push, which gtag has no use for.
            None => {}
        }
    }
    format!(
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());{calls}</script>"
    )
}

/// The sandbox's GA4 measurement id (a made-up one, in the `G-` form).
pub const GTAG_ID: &str = "G-SANDBOX001";

/// JSON safe inside a `<script>` element.
pub fn script_json(v: &Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(price: f64, quantity: u32) -> Item {
        Item {
            id: "P1".into(),
            name: "Shirt".into(),
            brand: "B".into(),
            category: "c".into(),
            price: Some(price),
            quantity,
        }
    }

    fn purchase() -> Event {
        Event::Purchase {
            transaction_id: "00000101".into(),
            tax: 6.32,
            shipping: 5.99,
            items: vec![item(39.5, 2)],
        }
    }

    fn page() -> PageData {
        PageData {
            page_type: "confirmation",
            user_id: Some("00000001".into()),
            email: Some("a@example.com".into()),
        }
    }

    #[test]
    fn a_clean_purchase() {
        let p = pushes(&page(), &purchase(), "USD", &StorefrontFaults::default());
        assert_eq!(
            p,
            vec![
                json!({"event": "page_data", "page_type": "confirmation", "user_id": "00000001"}),
                json!({"ecommerce": null}),
                json!({"event": "purchase", "ecommerce": {"transaction_id": "00000101", "tax": 6.32, "shipping": 5.99, "currency": "USD", "value": 79.0,
                "items": [{"item_id": "P1", "item_name": "Shirt", "item_brand": "B", "item_category": "c", "price": 39.5, "quantity": 2}]}}),
            ]
        );
    }

    #[test]
    fn each_fault_bends_its_own_part() {
        let with = |f: StorefrontFaults| pushes(&page(), &purchase(), "USD", &f);
        let ecommerce = |p: &[Value]| p[2]["ecommerce"].clone();
        let p = with(StorefrontFaults {
            missing_currency: true,
            ..Default::default()
        });
        assert!(ecommerce(&p).get("currency").is_none());
        let p = with(StorefrontFaults {
            price_as_string: true,
            ..Default::default()
        });
        assert_eq!(ecommerce(&p)["items"][0]["price"], "39.50");
        let p = with(StorefrontFaults {
            wrong_total: true,
            ..Default::default()
        });
        assert_eq!(ecommerce(&p)["value"], 89.0);
        let p = with(StorefrontFaults {
            duplicate_purchase: true,
            ..Default::default()
        });
        assert_eq!((p.len(), &p[3]), (4, &p[2]));
        let p = with(StorefrontFaults {
            email_in_clear: true,
            ..Default::default()
        });
        assert_eq!(p[0]["user_email"], "a@example.com");
        let p = with(StorefrontFaults {
            price_differs_from_feed: true,
            ..Default::default()
        });
        assert_eq!(
            (
                ecommerce(&p)["items"][0]["price"].as_f64(),
                ecommerce(&p)["value"].as_f64()
            ),
            (Some(43.45), Some(86.9))
        );
    }

    #[test]
    fn search_pushes_the_term_then_a_list() {
        let p = pushes(
            &PageData {
                page_type: "search",
                user_id: None,
                email: None,
            },
            &Event::Search("shirt".into(), vec![item(1.0, 1)]),
            "EUR",
            &StorefrontFaults::default(),
        );
        assert_eq!(p[0], json!({"event": "page_data", "page_type": "search"}));
        assert_eq!(p[1], json!({"event": "search", "search_term": "shirt"}));
        assert_eq!(
            (p[2].clone(), p[3]["event"].as_str()),
            (json!({"ecommerce": null}), Some("view_item_list"))
        );
        assert_eq!(
            (
                p[3]["ecommerce"]["items"][0]["index"].as_u64(),
                p[3]["ecommerce"].get("value")
            ),
            (Some(0), None)
        );
        assert!(script(&p).contains(r#"dataLayer.push({"event":"search","search_term":"shirt"});"#));
        assert_eq!(script_json(&json!("</script>")), r#""\u003c/script>""#);
    }

    #[test]
    fn a_gtag_page_makes_the_same_events_as_gtag_calls() {
        let pushes = pushes(
            &page(),
            &Event::ViewItem(item(25.0, 1)),
            "USD",
            &Default::default(),
        );
        let script = gtag_script(&pushes);
        assert!(script.starts_with(
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());"
        ));
        assert!(
            script.contains("gtag('event',\"view_item\",{\"currency\":\"USD\""),
            "{script}"
        );
        assert!(
            !script.contains("\"ecommerce\""),
            "no GTM clearing push: {script}"
        );
    }
}
