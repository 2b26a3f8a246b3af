//! A served confirmation page's sale completed from SFCC: the queue consumer reads the order the
//! page named (SCAPI Admin Orders `getOrder`, [`crate::sfcc::admin_order_path`]) and
//! [`read_sale`] fills the pending sale ([`super::confirmation_sale`]) with the order's lines and,
//! with consent to identify, its email and customer number. SFCC's order names the variants the
//! shopper bought; the consumer names their masters as for any event.

use super::order::order_lines;
use super::scapi::{placed_order, store_for_order, SaleStore};
use crate::event::{is_email, Event};

/// Why SFCC's answer does not complete a pending sale.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadSaleError {
    /// The sale was not waiting for SFCC.
    #[error("sale {0} is not waiting for its order to be read")]
    NotPending(String),
    /// The answer is another order.
    #[error("order {asked}: SFCC answered with order {got:?}")]
    OtherOrder {
        /// The order asked for.
        asked: String,
        /// The order in the answer.
        got: String,
    },
    /// The answer is not an order, or a line of it is unreadable.
    #[error("order {order}: {reason}")]
    Unreadable {
        /// The order asked for.
        order: String,
        /// What is wrong.
        reason: String,
    },
}

/// A sale completed from SFCC's order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSale {
    /// The sale as it goes to Clerk: no longer waiting for SFCC. Without product lines (an
    /// order of gift certificates only) Clerk has nothing to learn from it.
    pub event: Event,
    /// The order is in a currency no store of its site has: it went to the page's store, in a
    /// currency other than the store's (worth a warning).
    pub foreign_currency: bool,
}

/// Completes `pending` from SFCC's `answer` (an Admin Orders `Order` document). The sale goes to
/// the store of `site_stores` (the stores of the order's site) in the order's currency. A line's
/// unit price is what the shopper paid for one, as for a PWA Kit order ([`placed_order`]).
pub fn read_sale(
    pending: &Event,
    answer: &str,
    site_stores: &[SaleStore],
) -> Result<ReadSale, ReadSaleError> {
    let (Some(to_read), Some(asked)) = (&pending.read_order, pending.order_id.as_deref()) else {
        return Err(ReadSaleError::NotPending(pending.id.clone()));
    };
    let unreadable = |reason: String| ReadSaleError::Unreadable {
        order: asked.to_string(),
        reason,
    };
    let placed = placed_order(answer).map_err(|e| unreadable(e.to_string()))?;
    let got = placed.order.number.trim();
    if got != asked {
        return Err(ReadSaleError::OtherOrder {
            asked: asked.to_string(),
            got: got.to_string(),
        });
    }
    let products = order_lines(&placed.order).map_err(unreadable)?;
    let chosen = SaleStore {
        name: pending.store.clone(),
        currency: pending.currency.clone().unwrap_or_default(),
    };
    let (store, foreign_currency) =
        store_for_order(site_stores, &chosen, placed.currency.as_deref());
    let mut event = pending.clone();
    event.read_order = None;
    event.products = products;
    event.store = store.name.clone();
    event.currency = placed.currency.clone().or(event.currency);
    if to_read.identify {
        let email = placed.order.email.trim();
        event.email = is_email(email).then(|| email.to_string());
        event.customer = placed.customer_no;
    }
    Ok(ReadSale {
        event,
        foreign_currency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, EventProduct, OrderToRead, Source};
    use serde_json::{json, Value};

    /// SCAPI's `OrderGet` example (see `fixtures/README.md`).
    const ORDER_GET: &str = include_str!("fixtures/admin-order-get.json");

    fn pending(number: &str, identify: bool) -> Event {
        Event {
            id: format!("order-{number}"),
            kind: EventKind::Purchase,
            time_ms: 7,
            store: "refarch-us".into(),
            visitor: Some("0b6f1e9e2a7c4d4b9c1e5f3a2b1c0d9e".into()),
            customer: None,
            products: Vec::new(),
            category: None,
            query: None,
            order_id: Some(number.into()),
            email: None,
            currency: Some("USD".into()),
            source: Source::Server,
            page: Some("p1".into()),
            read_order: Some(OrderToRead {
                site_id: "RefArch".into(),
                identify,
            }),
            browser_link: None,
        }
    }

    fn stores() -> Vec<SaleStore> {
        ["refarch-us:USD", "refarch-eu:EUR"]
            .map(|s| {
                let (name, currency) = s.split_once(':').unwrap();
                SaleStore {
                    name: name.into(),
                    currency: currency.into(),
                }
            })
            .to_vec()
    }

    #[test]
    fn scapis_example_order_completes_the_sale_with_its_lines_and_with_consent_its_shopper() {
        let read = read_sale(&pending("00000410", true), ORDER_GET, &stores()).unwrap();
        let sale = read.event;
        assert_eq!(sale.read_order, None, "no longer waiting");
        assert_eq!(
            sale.products,
            vec![EventProduct {
                id: "701643632930".into(),
                price: Some(99.0),
                quantity: Some(1)
            }],
            "the price after the line's own promotions, before tax"
        );
        assert_eq!(sale.email.as_deref(), Some("no-reply@salesforce.com"));
        assert_eq!(sale.customer.as_deref(), Some("0002352"));
        assert_eq!(
            (sale.id.as_str(), sale.page.as_deref()),
            ("order-00000410", Some("p1"))
        );
        assert_eq!(
            (sale.store.as_str(), read.foreign_currency),
            ("refarch-us", false)
        );

        let anonymous = read_sale(&pending("00000410", false), ORDER_GET, &stores()).unwrap();
        assert_eq!(
            (anonymous.event.email, anonymous.event.customer),
            (None, None)
        );
        assert_eq!(anonymous.event.products, sale.products);
    }

    #[test]
    fn an_order_goes_to_the_store_of_its_currency_and_quantities_may_be_written_as_decimals() {
        let mut doc: Value = serde_json::from_str(ORDER_GET).unwrap();
        doc["currency"] = json!("EUR");
        // The OAS types `quantity` as a double.
        doc["productItems"][0]["quantity"] = json!(2.0);
        doc["productItems"][0]["priceAfterItemDiscount"] = json!(150.0);
        let read = read_sale(&pending("00000410", false), &doc.to_string(), &stores()).unwrap();
        assert_eq!(read.event.store, "refarch-eu");
        assert_eq!(read.event.currency.as_deref(), Some("EUR"));
        assert_eq!(read.event.products[0].quantity, Some(2));
        assert_eq!(read.event.products[0].price, Some(75.0));
        doc["currency"] = json!("GBP");
        let read = read_sale(&pending("00000410", false), &doc.to_string(), &stores()).unwrap();
        assert_eq!(
            (read.event.store.as_str(), read.foreign_currency),
            ("refarch-us", true)
        );
    }

    #[test]
    fn an_answer_that_is_not_the_order_asked_for_says_so() {
        let other = read_sale(&pending("00000411", true), ORDER_GET, &stores()).unwrap_err();
        assert_eq!(
            other,
            ReadSaleError::OtherOrder {
                asked: "00000411".into(),
                got: "00000410".into()
            }
        );
        let not_json = read_sale(&pending("00000410", true), "<html>", &stores()).unwrap_err();
        assert!(
            not_json.to_string().starts_with("order 00000410: "),
            "{not_json}"
        );
        let mut doc: Value = serde_json::from_str(ORDER_GET).unwrap();
        doc["productItems"][0]["quantity"] = json!(0.5);
        let half = read_sale(&pending("00000410", true), &doc.to_string(), &stores()).unwrap_err();
        assert!(half.to_string().contains("line 0: quantity"), "{half}");
        let mut done = pending("00000410", true);
        done.read_order = None;
        assert_eq!(
            read_sale(&done, ORDER_GET, &stores()).unwrap_err(),
            ReadSaleError::NotPending("order-00000410".into())
        );
    }

    #[test]
    fn an_order_without_product_lines_completes_with_none() {
        let mut doc: Value = serde_json::from_str(ORDER_GET).unwrap();
        doc["productItems"] = json!([]);
        let read = read_sale(&pending("00000410", true), &doc.to_string(), &stores()).unwrap();
        assert!(read.event.products.is_empty());
    }
}
