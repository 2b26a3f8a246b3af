//! One SFCC order as Clerk's order.

use crate::capture::{order_document, order_lines};
use crate::clerk::{ClerkOrder, ClerkOrderLine};
use crate::event::is_email;
use crate::sfcc::parse_iso8601_utc;
use serde_json::Value;

/// An order for Clerk, and the currency its prices are in.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryOrder {
    /// The order as Clerk stores it; its lines name what SFCC's do (variants, mostly), for the
    /// shell to name by the masters Clerk holds.
    pub order: ClerkOrder,
    /// ISO 4217, when the order names one.
    pub currency: Option<String>,
    /// The shopper's locale (`customerLocale`, e.g. `en_US`), when the order names one.
    pub locale: Option<String>,
}

/// Why an order is left out of the history.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skipped {
    /// Not placed, or placed and then failed or cancelled: no sale.
    #[error("order {number} is {status}, not a sale")]
    NotASale {
        /// Order number.
        number: String,
        /// Its SFCC status.
        status: String,
    },
    /// Nothing Clerk can learn from (gift certificates only).
    #[error("order {0} has no product lines")]
    NoLines(String),
    /// Not an order document, or a line of it unreadable.
    #[error("order {number}: {reason}")]
    Unreadable {
        /// Order number, or its place in the answer.
        number: String,
        /// What is wrong.
        reason: String,
    },
}

/// The statuses of an order that was placed and stands: `getOrders` is asked for these only
/// (its `status` filter takes `new`, `completed` and `cancelled`); the Order schema's others are
/// `created` (not placed yet), `failed` and `cancelled`. OCAPI's `open` is a placed order too.
const SALE_STATUSES: [&str; 3] = ["new", "completed", "open"];

/// Clerk's order for SCAPI `Order` document `doc`: its number, creation time, lines as a live
/// sale's are read (a line's unit price is what the shopper paid for one), the customer number,
/// and the email only where `emails` is set.
pub fn history_order(doc: &Value, emails: bool) -> Result<HistoryOrder, Skipped> {
    let number = doc["orderNo"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string();
    let unreadable = |reason: String| Skipped::Unreadable {
        number: number.clone(),
        reason,
    };
    let placed = order_document(doc).map_err(|e| unreadable(e.to_string()))?;
    if let Some(status) = doc["status"].as_str() {
        if !SALE_STATUSES.contains(&status) {
            return Err(Skipped::NotASale {
                number,
                status: status.to_string(),
            });
        }
    }
    let created = doc["creationDate"]
        .as_str()
        .ok_or_else(|| unreadable("no `creationDate`".into()))?;
    let time = parse_iso8601_utc(created)
        .ok()
        .and_then(|s| u64::try_from(s).ok())
        .ok_or_else(|| unreadable(format!("`creationDate` {created:?} is not a date")))?;
    let products: Vec<ClerkOrderLine> = order_lines(&placed.order)
        .map_err(unreadable)?
        .into_iter()
        .map(|line| ClerkOrderLine {
            id: line.id,
            quantity: line.quantity.unwrap_or(1),
            price: line.price.unwrap_or_default(),
        })
        .collect();
    if products.is_empty() {
        return Err(Skipped::NoLines(number));
    }
    let email = placed.order.email.trim();
    Ok(HistoryOrder {
        order: ClerkOrder {
            id: number,
            time,
            products,
            customer: placed.customer_no,
            email: (emails && is_email(email)).then(|| email.to_string()),
        },
        currency: placed.currency,
        locale: doc["customerLocale"].as_str().map(String::from),
    })
}

/// A store of an order's site, as [`store_of_order`] chooses among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteStore<'a> {
    /// Store name.
    pub name: &'a str,
    /// Its currency (ISO 4217).
    pub currency: &'a str,
    /// Its locale (`en-US`).
    pub locale: &'a str,
}

/// The store of `stores` (those of the order's site, in configuration order) an order goes to:
/// among the stores in the order's currency (all of them when none is), the one of the
/// shopper's `locale` (`customerLocale`, `en_US` or `en-US`), else of its language, else the
/// first. A tracked sale goes to the store its page was served for; an order read from the
/// history has only its currency and locale to go by.
pub fn store_of_order<'a>(
    stores: &[SiteStore<'a>],
    currency: Option<&str>,
    locale: Option<&str>,
) -> Option<&'a str> {
    let in_currency: Vec<&SiteStore<'a>> = stores
        .iter()
        .filter(|s| currency.is_some_and(|c| s.currency.eq_ignore_ascii_case(c)))
        .collect();
    let candidates = if in_currency.is_empty() {
        stores.iter().collect()
    } else {
        in_currency
    };
    let wanted = locale.map(|l| l.replace('_', "-"));
    let language = |l: &str| l.split('-').next().unwrap_or_default().to_ascii_lowercase();
    let by_locale = wanted.as_deref().and_then(|w| {
        candidates
            .iter()
            .find(|s| s.locale.eq_ignore_ascii_case(w))
            .or_else(|| {
                candidates
                    .iter()
                    .find(|s| language(s.locale) == language(w))
            })
    });
    by_locale.or(candidates.first()).map(|s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::read_orders;
    use serde_json::json;

    /// SCAPI's `OrdersGet` example (see `fixtures/README.md`).
    const ORDERS_GET: &str = include_str!("fixtures/admin-orders-get.json");

    fn example() -> Value {
        read_orders(ORDERS_GET).unwrap().remove(0)
    }

    #[test]
    fn scapis_example_order_becomes_clerks_order_with_the_email_only_when_asked() {
        let read = history_order(&example(), false).unwrap();
        assert_eq!(
            read.order,
            ClerkOrder {
                id: "00000410".into(),
                time: 1_432_048_998,
                products: vec![ClerkOrderLine {
                    id: "701643632930".into(),
                    quantity: 1,
                    price: 99.0
                }],
                customer: Some("0002352".into()),
                email: None,
            }
        );
        assert_eq!(read.currency.as_deref(), Some("USD"));
        let with_email = history_order(&example(), true).unwrap();
        assert_eq!(
            with_email.order.email.as_deref(),
            Some("no-reply@salesforce.com")
        );
    }

    #[test]
    fn orders_that_are_not_sales_or_hold_no_products_are_left_out_saying_why() {
        for status in ["created", "failed", "cancelled"] {
            let mut doc = example();
            doc["status"] = json!(status);
            assert_eq!(
                history_order(&doc, false).unwrap_err().to_string(),
                format!("order 00000410 is {status}, not a sale")
            );
        }
        let mut completed = example();
        completed["status"] = json!("completed");
        assert!(history_order(&completed, false).is_ok());
        let mut gift_only = example();
        gift_only["productItems"] = json!([]);
        assert_eq!(
            history_order(&gift_only, false).unwrap_err(),
            Skipped::NoLines("00000410".into())
        );
    }

    #[test]
    fn an_unreadable_order_names_what_is_wrong() {
        let mut undated = example();
        undated.as_object_mut().unwrap().remove("creationDate");
        assert_eq!(
            history_order(&undated, false).unwrap_err().to_string(),
            "order 00000410: no `creationDate`"
        );
        let mut bad_line = example();
        bad_line["productItems"][0]["quantity"] = json!(0);
        assert!(history_order(&bad_line, false)
            .unwrap_err()
            .to_string()
            .starts_with("order 00000410: line 0: quantity"));
        assert!(matches!(
            history_order(&json!({"orderNo": "7"}), false),
            Err(Skipped::Unreadable { .. })
        ));
    }

    #[test]
    fn an_order_goes_to_the_store_of_its_currency_and_locale() {
        let store = |s: &'static str| {
            let mut parts = s.split(':');
            SiteStore {
                name: parts.next().unwrap(),
                currency: parts.next().unwrap(),
                locale: parts.next().unwrap(),
            }
        };
        let stores = [
            "global-de:EUR:de-DE",
            "global-fr:EUR:fr-FR",
            "global-uk:GBP:en-GB",
        ]
        .map(store);
        assert_eq!(
            store_of_order(&stores, Some("GBP"), Some("de_DE")),
            Some("global-uk")
        );
        assert_eq!(
            store_of_order(&stores, Some("EUR"), Some("fr_FR")),
            Some("global-fr")
        );
        assert_eq!(
            store_of_order(&stores, Some("eur"), Some("fr_BE")),
            Some("global-fr"),
            "by language"
        );
        assert_eq!(
            store_of_order(&stores, Some("EUR"), Some("it_IT")),
            Some("global-de")
        );
        assert_eq!(
            store_of_order(&stores, Some("EUR"), None),
            Some("global-de")
        );
        assert_eq!(
            store_of_order(&stores, Some("CHF"), Some("en_GB")),
            Some("global-uk"),
            "no store in CHF"
        );
        assert_eq!(store_of_order(&stores, None, None), Some("global-de"));
        assert_eq!(store_of_order(&[], Some("EUR"), None), None);
        assert_eq!(
            history_order(&example(), false).unwrap().locale.as_deref(),
            Some("en_US")
        );
    }
}
