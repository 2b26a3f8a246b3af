//! Orders placed through SCAPI's Shopper Orders API as they pass the worker: a PWA Kit app calls
//! `POST …/checkout/shopper-orders/v1/organizations/{org}/orders?siteId=…` through its own origin
//! (PWA Kit's `/mobify/proxy/api/` path, its default), and the answer is the placed order. The
//! worker reads the order number, its lines, the customer number and — with consent to identify
//! — the email from a copy of that answer, so a PWA Kit storefront's sales reach Clerk with no
//! script on the page. The page's own `purchase` push, if any, shares the event id
//! (`order-{number}`), so the order is counted once.

use super::ScrapedLine;
use super::ScrapedOrder;
use serde_json::Value;

/// The largest order answer read.
pub const MAX_ORDER_BYTES: usize = 256 * 1024;

/// True for a request that places an order through SCAPI: a `POST` to
/// `…/checkout/shopper-orders/v1/organizations/{org}/orders`.
pub fn is_order_creation(method: &str, path: &str) -> bool {
    if !method.eq_ignore_ascii_case("POST") || !path.trim_end_matches('/').ends_with("/orders") {
        return false;
    }
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match segments.as_slice() {
        [.., "checkout", "shopper-orders", version, "organizations", org, "orders"] => {
            version.starts_with('v') && !org.is_empty()
        }
        _ => false,
    }
}

/// What a SCAPI order answer says of the sale: the order as [`super::order_event`] reads it, and
/// the shop's customer number of a registered shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    /// Number, lines and email.
    pub order: ScrapedOrder,
    /// `customerInfo.customerNo`; a guest has none.
    pub customer_no: Option<String>,
    /// The order's currency (ISO 4217), when the answer names one.
    pub currency: Option<String>,
}

/// A store a sale may go to: its name and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleStore {
    /// The store's name.
    pub name: String,
    /// Its currency.
    pub currency: String,
}

/// Where an order of `currency` goes: the store of the site's `stores` in that currency, else
/// `chosen` (the store the request was matched to). The flag is true when the order's currency
/// is not the chosen store's and no store of the site has it, so its prices go in a currency
/// other than the store's: worth a warning.
pub fn store_for_order<'a>(
    stores: &'a [SaleStore],
    chosen: &'a SaleStore,
    currency: Option<&str>,
) -> (&'a SaleStore, bool) {
    let Some(currency) = currency else {
        return (chosen, false);
    };
    if chosen.currency.eq_ignore_ascii_case(currency) {
        return (chosen, false);
    }
    match stores
        .iter()
        .find(|s| s.currency.eq_ignore_ascii_case(currency))
    {
        Some(store) => (store, false),
        None => (chosen, true),
    }
}

/// An order answer that is not a SCAPI `Order`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the SCAPI order answer is not an Order document: {0}")]
pub struct PlacedOrderError(pub String);

/// Reads a SCAPI `Order` (`orderNo`, `productItems[]` with `productId`, `quantity` and a unit
/// price, and `customerInfo`). A line's unit price is what the shopper paid for one, as GA4's
/// `purchase` items carry it: `priceAfterItemDiscount` (the line after its product promotions)
/// over the quantity; without it the unit `basePrice`, else `price` (the line before
/// promotions) over the quantity. Lines are handed on as text, for [`super::order_event`] to
/// check like any order's.
pub fn placed_order(body: &str) -> Result<PlacedOrder, PlacedOrderError> {
    let bad = |why: &str| PlacedOrderError(why.to_string());
    if body.len() > MAX_ORDER_BYTES {
        return Err(bad("larger than 256 KiB"));
    }
    let doc: Value = serde_json::from_str(body).map_err(|e| PlacedOrderError(e.to_string()))?;
    order_document(&doc)
}

/// Reads one SCAPI `Order` document already parsed, as [`placed_order`] reads an answer: the
/// Admin Orders API's `getOrders` lists them under `data`.
pub fn order_document(doc: &Value) -> Result<PlacedOrder, PlacedOrderError> {
    let bad = |why: &str| PlacedOrderError(why.to_string());
    let number = doc["orderNo"].as_str().ok_or(bad("no `orderNo`"))?;
    let items = doc["productItems"]
        .as_array()
        .ok_or(bad("no `productItems`"))?;
    // SCAPI types `quantity` as a double: `2.0` is the whole number 2.
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && (0.0..=1e15).contains(&f) => {
                format!("{f:.0}")
            }
            _ => n.to_string(),
        }),
        _ => None,
    };
    let lines = items
        .iter()
        .map(|item| {
            let per_unit = |total: &Value| {
                let (total, q) = (total.as_f64()?, item["quantity"].as_f64()?);
                (q > 0.0).then(|| ((total / q * 100.0).round() / 100.0).to_string())
            };
            let unit = per_unit(&item["priceAfterItemDiscount"])
                .or_else(|| item["basePrice"].as_number().map(ToString::to_string))
                .or_else(|| per_unit(&item["price"]));
            ScrapedLine {
                product: text(&item["productId"]),
                quantity: text(&item["quantity"]),
                price: unit,
            }
        })
        .collect();
    let info = &doc["customerInfo"];
    Ok(PlacedOrder {
        order: ScrapedOrder {
            number: number.to_string(),
            lines,
            email: info["email"].as_str().unwrap_or_default().to_string(),
        },
        customer_no: info["customerNo"]
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.len() <= 64)
            .map(String::from),
        currency: doc["currency"]
            .as_str()
            .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ORDERS: &str =
        "/mobify/proxy/api/checkout/shopper-orders/v1/organizations/f_ecom_zzrf_001/orders";

    #[test]
    fn order_creation_is_a_post_to_the_orders_collection() {
        assert!(is_order_creation("POST", ORDERS));
        assert!(is_order_creation("post", &format!("{ORDERS}/")));
        assert!(is_order_creation(
            "POST",
            "/checkout/shopper-orders/v1/organizations/f_ecom_zzrf_001/orders"
        ));
        assert!(!is_order_creation("GET", ORDERS));
        for other in [
            "/mobify/proxy/api/checkout/shopper-orders/v1/organizations/f_ecom_zzrf_001/orders/00000101",
            "/mobify/proxy/api/checkout/shopper-orders/v1/organizations/f_ecom_zzrf_001/orders/00000101/payment-instruments",
            "/mobify/proxy/api/checkout/shopper-baskets/v1/organizations/f_ecom_zzrf_001/baskets",
            "/on/demandware.store/Sites-RefArch-Site/en_US/CheckoutServices-PlaceOrder",
        ] {
            assert!(!is_order_creation("POST", other), "{other}");
        }
    }

    #[test]
    fn a_placed_order_gives_its_number_lines_customer_and_email() {
        let order = json!({
            "orderNo": "00000101", "currency": "USD", "status": "created",
            "customerInfo": {"customerId": "abc", "customerNo": "00000001", "email": "alice.shopper@example.com"},
            "productItems": [
                {"itemId": "i1", "productId": "701644329402M", "quantity": 2, "basePrice": 36.5, "price": 73},
                {"itemId": "i2", "productId": "25519318M", "quantity": 3, "price": 60},
                // 20 % off the line: 3 × 29.99 = 89.97, less 17.99.
                {"itemId": "i3", "productId": "25565189M", "quantity": 3, "basePrice": 29.99,
                 "price": 89.97, "priceAfterItemDiscount": 71.98, "priceAfterOrderDiscount": 64.78}
            ],
            "orderTotal": 139.65
        });
        let placed = placed_order(&order.to_string()).unwrap();
        assert_eq!(placed.customer_no.as_deref(), Some("00000001"));
        assert_eq!(placed.order.number, "00000101");
        assert_eq!(placed.order.email, "alice.shopper@example.com");
        let line = |p: &str, q: &str, price: &str| ScrapedLine {
            product: Some(p.into()),
            quantity: Some(q.into()),
            price: Some(price.into()),
        };
        assert_eq!(
            placed.order.lines,
            vec![
                line("701644329402M", "2", "36.5"),
                line("25519318M", "3", "20"),
                line("25565189M", "3", "23.99")
            ],
            "the line after its promotions over its quantity; else basePrice; else the line's \
             price over its quantity"
        );
        assert_eq!(placed.currency.as_deref(), Some("USD"));
        let guest = json!({"orderNo": "7", "customerInfo": {"email": "g@example.com"},
            "productItems": [], "currency": "dollars"});
        let guest = placed_order(&guest.to_string()).unwrap();
        assert_eq!((guest.customer_no, guest.currency), (None, None));
    }

    #[test]
    fn an_order_goes_to_the_sites_store_in_its_currency() {
        let store = |name: &str, currency: &str| SaleStore {
            name: name.into(),
            currency: currency.into(),
        };
        let stores = [store("global-de", "EUR"), store("global-uk", "GBP")];
        let chosen = &stores[0];
        assert_eq!(
            store_for_order(&stores, chosen, Some("GBP")),
            (&stores[1], false)
        );
        assert_eq!(
            store_for_order(&stores, chosen, Some("eur")),
            (chosen, false)
        );
        assert_eq!(store_for_order(&stores, chosen, None), (chosen, false));
        assert_eq!(
            store_for_order(&stores, chosen, Some("CHF")),
            (chosen, true),
            "no store in that currency: the chosen one, flagged"
        );
    }

    #[test]
    fn an_answer_that_is_no_order_says_why() {
        for (body, why) in [
            ("{\"fault\": {}}", "no `orderNo`"),
            ("{\"orderNo\": \"1\"}", "no `productItems`"),
            ("[]", "no `orderNo`"),
            ("{", "EOF"),
        ] {
            let err = placed_order(body).unwrap_err().to_string();
            assert!(err.contains(why), "{body}: {err}");
        }
        let huge = format!(
            "{{\"orderNo\": \"1\", \"x\": \"{}\"}}",
            "y".repeat(MAX_ORDER_BYTES)
        );
        assert!(placed_order(&huge).is_err());
    }
}
