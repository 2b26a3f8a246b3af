//! Per-event rules: each GA4 ecommerce event and `search`, read through the computed state.

use crate::datalayer::fields::{Need, Reader};
use crate::datalayer::finding::{Code, Finding, Severity};
use crate::datalayer::state::GaEvent;
use serde_json::{Map, Value};

/// `value` may differ from Σ price × quantity by this much.
pub const VALUE_TOLERANCE: f64 = 0.01;

/// What one ecommerce event must carry, graded by what GA4 and Clerk need: an error for what
/// breaks a report or Clerk's call, a warning for what GA4 recommends or makes conditional.
struct Spec {
    name: &'static str,
    /// Every item's numeric `price`.
    price: Need,
    /// Every item's `quantity`.
    quantity: Need,
    /// `value`.
    value: Need,
    /// `currency` when `value` is not set (with one it is an error: GA4 requires it then).
    currency: Need,
}

const fn spec(
    name: &'static str,
    price: Need,
    quantity: Need,
    value: Need,
    currency: Need,
) -> Spec {
    Spec {
        name,
        price,
        quantity,
        value,
        currency,
    }
}

const ERROR: Need = Need::Required(Severity::Error);
const WARN: Need = Need::Required(Severity::Warning);
const OPT: Need = Need::Optional;

// GA4's event reference marks `value` and `currency` "Yes*": `value` recommended, `currency`
// required once `value` is set. A purchase without `value` has no revenue in GA4; Clerk reads
// the item ids, prices and quantities of purchases and the ids and quantities of cart additions.
// Clerk has no call for removals, whose fields beyond `items` GA4 does not require.
const SPECS: [Spec; 11] = [
    spec("view_item", ERROR, OPT, OPT, WARN),
    spec("view_item_list", OPT, OPT, OPT, OPT),
    spec("select_item", OPT, OPT, OPT, OPT),
    spec("add_to_cart", ERROR, ERROR, WARN, WARN),
    spec("remove_from_cart", WARN, WARN, WARN, WARN),
    spec("view_cart", ERROR, OPT, OPT, OPT),
    spec("begin_checkout", ERROR, OPT, OPT, OPT),
    spec("add_shipping_info", ERROR, OPT, OPT, OPT),
    spec("add_payment_info", ERROR, OPT, OPT, OPT),
    spec("add_to_wishlist", OPT, OPT, OPT, OPT),
    spec("purchase", ERROR, OPT, ERROR, ERROR),
];

const REQUIRED: Need = Need::Required(Severity::Error);

/// The findings about one event's own fields.
pub fn check(event: &GaEvent<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut r = Reader {
        index: event.index,
        out: &mut out,
    };
    if event.name == "search" {
        if let Some(term) = r.text(&event.state, "search_term", "search_term", REQUIRED) {
            r.fits("search_term", &Value::from(term), "query");
        }
    }
    let Some(spec) = SPECS.iter().find(|s| s.name == event.name) else {
        return out;
    };
    let Some(ecommerce) = ecommerce(&mut r, event) else {
        return out;
    };
    let sum = items(&mut r, ecommerce, spec);
    let value = r.amount(ecommerce, "value", "ecommerce.value", spec.value);
    let currency = match value {
        Some(_) => REQUIRED,
        None => spec.currency,
    };
    r.currency(ecommerce, "currency", "ecommerce.currency", currency);
    if let (Some(value), Some(sum)) = (value, sum) {
        if (value - sum).abs() > VALUE_TOLERANCE + 1e-9 {
            out.push(
                Finding::new(
                    Code::ValueMismatch,
                    Severity::Error,
                    format!(
                        "expected value = Σ price × quantity = {sum:.2} (± {VALUE_TOLERANCE}), found {value}"
                    ),
                )
                .at(event.index)
                .field("ecommerce.value"),
            );
        }
    }
    let mut r = Reader {
        index: event.index,
        out: &mut out,
    };
    match event.name {
        "view_item_list" => list_name(&mut r, ecommerce),
        "purchase" => {
            r.id(
                ecommerce,
                "transaction_id",
                "ecommerce.transaction_id",
                REQUIRED,
            );
            let missing_is = Need::Required(Severity::Warning);
            r.amount(ecommerce, "tax", "ecommerce.tax", missing_is);
            r.amount(ecommerce, "shipping", "ecommerce.shipping", missing_is);
        }
        _ => {}
    }
    out.extend(stale(event));
    out
}

/// The ecommerce object the event reads, or a finding why there is none.
fn ecommerce<'e>(r: &mut Reader<'_>, event: &'e GaEvent<'_>) -> Option<&'e Map<String, Value>> {
    let value = r.get(&event.state, "ecommerce", "ecommerce", REQUIRED)?;
    if value.is_object() {
        event.ecommerce()
    } else {
        r.wrong_type("ecommerce", "an object", value);
        None
    }
}

/// Checks the items; returns Σ price × quantity when every line has both (quantity defaults to 1).
fn items(r: &mut Reader<'_>, ecommerce: &Map<String, Value>, spec: &Spec) -> Option<f64> {
    let value = r.get(ecommerce, "items", "ecommerce.items", REQUIRED)?;
    let Some(items) = value.as_array().filter(|a| !a.is_empty()) else {
        if value.is_array() {
            r.bad_value("ecommerce.items", "at least one item", value);
        } else {
            r.wrong_type("ecommerce.items", "an array of items", value);
        }
        return None;
    };
    let mut sum = Some(0.0);
    for (i, item) in items.iter().enumerate() {
        let path = format!("ecommerce.items[{i}]");
        let Some(item) = item.as_object() else {
            r.wrong_type(&path, "an item object", item);
            sum = None;
            continue;
        };
        r.id(item, "item_id", &format!("{path}.item_id"), REQUIRED);
        let price = r.amount(item, "price", &format!("{path}.price"), spec.price);
        let quantity_path = format!("{path}.quantity");
        let quantity = match r.quantity(item, "quantity", &quantity_path, spec.quantity) {
            Some(q) => Some(q),
            // GA4 counts a line without quantity once; a required one is already reported.
            None if spec.quantity != ERROR && item.get("quantity").is_none_or(Value::is_null) => {
                Some(1)
            }
            None => None,
        };
        r.currency(
            item,
            "currency",
            &format!("{path}.currency"),
            Need::Optional,
        );
        sum = match (sum, price, quantity) {
            (Some(s), Some(p), Some(q)) => Some(s + p * q as f64),
            _ => None,
        };
    }
    sum
}

/// `view_item_list` names its list, on the event or on every item.
fn list_name(r: &mut Reader<'_>, ecommerce: &Map<String, Value>) {
    let named = |o: &Map<String, Value>| {
        ["item_list_id", "item_list_name"].iter().any(|k| {
            o.get(*k)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.trim().is_empty())
        })
    };
    if let Some(id) = ecommerce.get("item_list_id") {
        r.fits("ecommerce.item_list_id", id, "category");
    }
    let items = ecommerce.get("items").and_then(Value::as_array);
    let on_items = items.is_some_and(|items| {
        !items.is_empty() && items.iter().all(|i| i.as_object().is_some_and(named))
    });
    if !named(ecommerce) && !on_items {
        r.out.push(
            Finding::new(
                Code::MissingField,
                Severity::Error,
                "expected `item_list_id` or `item_list_name` (on ecommerce or on every item), found neither",
            )
            .at(r.index)
            .field("ecommerce.item_list_id"),
        );
    }
}

/// `stale_ecommerce`: the event reads data an earlier push left in the state.
fn stale(event: &GaEvent<'_>) -> Option<Finding> {
    let message = if event.merged_stale_data() {
        format!(
            "expected {}'s own ecommerce object (push {{ecommerce: null}} before it), found it merged with an earlier push's: {} items in the state, {} in the push",
            event.name,
            count(event.state.get("ecommerce")),
            count(event.push.get("ecommerce")),
        )
    } else if let Some(from) = event.reused_from {
        format!(
            "expected a new ecommerce object for {}, found the one push {from} set, already read by an earlier event",
            event.name
        )
    } else {
        return None;
    };
    Some(
        Finding::new(Code::StaleEcommerce, Severity::Warning, message)
            .at(event.index)
            .field("ecommerce"),
    )
}

fn count(ecommerce: Option<&Value>) -> usize {
    ecommerce
        .and_then(|e| e.get("items"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

#[cfg(test)]
mod tests;
