use crate::datalayer::finding::{Code, Severity};
use crate::datalayer::page::PageType;
use crate::datalayer::rules::tests::{found, with};
use serde_json::json;

type Row = (Code, Severity, Option<usize>, Option<String>);

fn row(code: Code, severity: Severity, push: usize, field: &str) -> Row {
    (code, severity, Some(push), Some(field.to_string()))
}

#[test]
fn view_item_needs_an_item_id_a_numeric_price_and_a_currency() {
    let no_id = with("pdp", "/4/ecommerce/items/0/item_id", None);
    assert_eq!(
        found(&no_id, PageType::Pdp),
        [row(
            Code::MissingField,
            Severity::Error,
            4,
            "ecommerce.items[0].item_id"
        )]
    );
    let string_price = with("pdp", "/4/ecommerce/items/0/price", Some(json!("29.99")));
    assert_eq!(
        found(&string_price, PageType::Pdp),
        [row(
            Code::WrongType,
            Severity::Error,
            4,
            "ecommerce.items[0].price"
        )]
    );
    let no_price = with("pdp", "/4/ecommerce/items/0/price", None);
    assert_eq!(
        found(&no_price, PageType::Pdp),
        [row(
            Code::MissingField,
            Severity::Error,
            4,
            "ecommerce.items[0].price"
        )]
    );
    for bad in [json!("usd"), json!("XYZ"), json!("$")] {
        let capture = with("pdp", "/4/ecommerce/currency", Some(bad.clone()));
        assert_eq!(
            found(&capture, PageType::Pdp),
            [row(
                Code::BadCurrency,
                Severity::Error,
                4,
                "ecommerce.currency"
            )],
            "{bad}"
        );
    }
    let no_currency = with("pdp", "/4/ecommerce/currency", None);
    assert_eq!(
        found(&no_currency, PageType::Pdp),
        [row(
            Code::MissingField,
            Severity::Error,
            4,
            "ecommerce.currency"
        )]
    );
    let no_items = with("pdp", "/4/ecommerce/items", Some(json!([])));
    assert_eq!(
        found(&no_items, PageType::Pdp),
        [row(Code::BadValue, Severity::Error, 4, "ecommerce.items")]
    );
}

#[test]
fn the_wrong_type_message_names_expected_and_actual() {
    let capture = with("pdp", "/4/ecommerce/items/0/price", Some(json!("29.99")));
    let pushes = capture.as_array().cloned().unwrap_or_default();
    let report = crate::datalayer::validate(&crate::datalayer::Capture { pushes }, PageType::Pdp);
    assert_eq!(
        report.findings[0].message,
        "expected a number, found string \"29.99\""
    );
}

#[test]
fn view_item_list_needs_items_and_a_list_name() {
    let no_list = with("plp", "/2/ecommerce/item_list_id", None);
    let no_list = {
        let mut c = no_list;
        if let Some(e) = c
            .pointer_mut("/2/ecommerce")
            .and_then(|e| e.as_object_mut())
        {
            e.remove("item_list_name");
        }
        c
    };
    assert_eq!(
        found(&no_list, PageType::Plp),
        [row(
            Code::MissingField,
            Severity::Error,
            2,
            "ecommerce.item_list_id"
        )]
    );
    let name_only = with("plp", "/2/ecommerce/item_list_id", None);
    assert_eq!(found(&name_only, PageType::Plp), []);
    let no_items = with("plp", "/2/ecommerce/items", None);
    assert_eq!(
        found(&no_items, PageType::Plp),
        [row(
            Code::MissingField,
            Severity::Error,
            2,
            "ecommerce.items"
        )]
    );
}

#[test]
fn search_needs_a_non_empty_term() {
    let empty = with("search", "/1/search_term", Some(json!("  ")));
    assert_eq!(
        found(&empty, PageType::Search),
        [row(Code::BadValue, Severity::Error, 1, "search_term")]
    );
    let missing = with("search", "/1/search_term", None);
    assert_eq!(
        found(&missing, PageType::Search),
        [row(Code::MissingField, Severity::Error, 1, "search_term")]
    );
    let number = with("search", "/1/search_term", Some(json!(42)));
    assert_eq!(
        found(&number, PageType::Search),
        [row(Code::WrongType, Severity::Error, 1, "search_term")]
    );
}

#[test]
fn add_to_cart_needs_a_whole_quantity_and_a_matching_value() {
    for bad in [json!(0), json!(1.5), json!(-2)] {
        let capture = with("pdp", "/6/ecommerce/items/0/quantity", Some(bad.clone()));
        assert_eq!(
            found(&capture, PageType::Pdp),
            [row(
                Code::BadValue,
                Severity::Error,
                6,
                "ecommerce.items[0].quantity"
            )],
            "{bad}"
        );
    }
    let no_quantity = with("pdp", "/6/ecommerce/items/0/quantity", None);
    assert_eq!(
        found(&no_quantity, PageType::Pdp),
        [row(
            Code::MissingField,
            Severity::Error,
            6,
            "ecommerce.items[0].quantity"
        )]
    );
    let off = with("pdp", "/6/ecommerce/value", Some(json!(29.99)));
    assert_eq!(
        found(&off, PageType::Pdp),
        [row(
            Code::ValueMismatch,
            Severity::Error,
            6,
            "ecommerce.value"
        )]
    );
    let within = with("pdp", "/6/ecommerce/value", Some(json!(59.99)));
    assert_eq!(found(&within, PageType::Pdp), [], "0.01 off is tolerated");
    // GA4 recommends `value` on a cart addition; Clerk does not read it.
    let no_value = with("pdp", "/6/ecommerce/value", None);
    assert_eq!(
        found(&no_value, PageType::Pdp),
        [row(
            Code::MissingField,
            Severity::Warning,
            6,
            "ecommerce.value"
        )]
    );
}

#[test]
fn the_value_mismatch_message_names_both_numbers() {
    let off = with("pdp", "/6/ecommerce/value", Some(json!(29.99)));
    let report = crate::datalayer::validate(
        &crate::datalayer::Capture {
            pushes: off.as_array().cloned().unwrap_or_default(),
        },
        PageType::Pdp,
    );
    assert_eq!(
        report.findings[0].message,
        "expected value = Σ price × quantity = 59.98 (± 0.01), found 29.99"
    );
}

#[test]
fn checkout_needs_begin_checkout_with_priced_items() {
    let missing = with("checkout", "/2/event", Some(json!("checkout_step")));
    assert_eq!(
        found(&missing, PageType::Checkout),
        [(
            Code::MissingEvent,
            Severity::Error,
            None,
            Some("event".into())
        )]
    );
    let unpriced = with("checkout", "/2/ecommerce/items/1/price", None);
    assert_eq!(
        found(&unpriced, PageType::Checkout),
        [row(
            Code::MissingField,
            Severity::Error,
            2,
            "ecommerce.items[1].price"
        )]
    );
}

#[test]
fn purchase_needs_an_id_a_matching_value_tax_shipping_and_currency() {
    let no_id = with("confirmation", "/2/ecommerce/transaction_id", None);
    assert_eq!(
        found(&no_id, PageType::Confirmation),
        [row(
            Code::MissingField,
            Severity::Error,
            2,
            "ecommerce.transaction_id"
        )]
    );
    let off = with("confirmation", "/2/ecommerce/value", Some(json!(129.09)));
    assert_eq!(
        found(&off, PageType::Confirmation),
        [row(
            Code::ValueMismatch,
            Severity::Error,
            2,
            "ecommerce.value"
        )]
    );
    let string_tax = with("confirmation", "/2/ecommerce/tax", Some(json!("9.12")));
    assert_eq!(
        found(&string_tax, PageType::Confirmation),
        [row(Code::WrongType, Severity::Error, 2, "ecommerce.tax")]
    );
    let no_shipping = with("confirmation", "/2/ecommerce/shipping", None);
    assert_eq!(
        found(&no_shipping, PageType::Confirmation),
        [row(
            Code::MissingField,
            Severity::Warning,
            2,
            "ecommerce.shipping"
        )]
    );
    let bad_currency = with("confirmation", "/2/ecommerce/currency", Some(json!("EURO")));
    assert_eq!(
        found(&bad_currency, PageType::Confirmation),
        [row(
            Code::BadCurrency,
            Severity::Error,
            2,
            "ecommerce.currency"
        )]
    );
    let no_quantity = with("confirmation", "/2/ecommerce/items/1/quantity", None);
    assert_eq!(
        found(&no_quantity, PageType::Confirmation),
        [],
        "a line without quantity counts once"
    );
}

#[test]
fn ecommerce_left_over_from_an_earlier_push_is_stale() {
    let no_clear = with("pdp", "/5", Some(json!({"event": "scroll"})));
    let add_to_cart_with_one_item = found(&no_clear, PageType::Pdp);
    assert_eq!(
        add_to_cart_with_one_item,
        [row(Code::StaleEcommerce, Severity::Warning, 6, "ecommerce")],
        "same item count: merged, not grown"
    );
    let reused = with("pdp", "/6", Some(json!({"event": "add_to_cart"})));
    let reused = with_array_remove(reused, 5);
    let rows = found(&reused, PageType::Pdp);
    assert!(
        rows.contains(&row(
            Code::StaleEcommerce,
            Severity::Warning,
            5,
            "ecommerce"
        )),
        "{rows:?}"
    );
}

fn with_array_remove(mut capture: serde_json::Value, index: usize) -> serde_json::Value {
    if let Some(a) = capture.as_array_mut() {
        a.remove(index);
    }
    capture
}

#[test]
fn a_missing_or_malformed_ecommerce_object_is_reported() {
    let none = with("checkout", "/2/ecommerce", None);
    let none = with_array_remove(none, 1);
    assert_eq!(
        found(&none, PageType::Checkout),
        [row(Code::MissingField, Severity::Error, 1, "ecommerce")]
    );
    let string = with("checkout", "/2/ecommerce", Some(json!("x")));
    assert_eq!(
        found(&string, PageType::Checkout),
        [row(Code::WrongType, Severity::Error, 2, "ecommerce")]
    );
}

#[test]
fn what_ga4_only_recommends_is_a_warning_and_what_reports_or_clerk_need_an_error() {
    use crate::datalayer::rules::tests::{fixture, guide_params};
    let page = PageType::Confirmation;
    // "currency is required if you set value": without a value it is recommended.
    let mut capture = fixture("guide-gtm");
    let view = guide_params(&mut capture, "view_item");
    view.remove("value");
    view.remove("currency");
    assert_eq!(
        found(&capture, page),
        [row(
            Code::MissingField,
            Severity::Warning,
            3,
            "ecommerce.currency"
        )]
    );
    guide_params(&mut capture, "view_item").insert("value".into(), json!(30.03));
    assert_eq!(
        found(&capture, page),
        [row(
            Code::MissingField,
            Severity::Error,
            3,
            "ecommerce.currency"
        )]
    );
    // A removal needs its items only: Clerk has no call for it.
    let mut capture = fixture("guide-gtm");
    let removal = guide_params(&mut capture, "remove_from_cart");
    removal.remove("value");
    removal.remove("currency");
    if let Some(item) = removal["items"][0].as_object_mut() {
        item.remove("price");
        item.remove("quantity");
    }
    assert_eq!(
        found(&capture, page),
        [
            row(
                Code::MissingField,
                Severity::Warning,
                7,
                "ecommerce.items[0].price"
            ),
            row(
                Code::MissingField,
                Severity::Warning,
                7,
                "ecommerce.items[0].quantity"
            ),
            row(Code::MissingField, Severity::Warning, 7, "ecommerce.value"),
            row(
                Code::MissingField,
                Severity::Warning,
                7,
                "ecommerce.currency"
            ),
        ]
    );
    guide_params(&mut capture, "remove_from_cart")["items"][0]
        .as_object_mut()
        .map(|item| item.remove("item_id"));
    assert!(
        found(&capture, page).contains(&row(
            Code::MissingField,
            Severity::Error,
            7,
            "ecommerce.items[0].item_id"
        )),
        "an item without an id is still an error"
    );
    // A purchase without a value has no revenue in GA4.
    let mut capture = fixture("guide-gtm");
    guide_params(&mut capture, "purchase").remove("value");
    assert_eq!(
        found(&capture, page),
        [row(
            Code::MissingField,
            Severity::Error,
            11,
            "ecommerce.value"
        )]
    );
}
