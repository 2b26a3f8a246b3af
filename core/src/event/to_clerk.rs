use super::schema::{Event, EventKind};
use crate::clerk::TrackingCall;
use crate::identity::visitor_of_sale;
use serde_json::json;

/// An event that has no Clerk tracking call of its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} events are not sent to Clerk's log endpoints: {reason}")]
pub struct NotForwarded {
    /// The event's type name.
    pub kind: &'static str,
    /// Why.
    pub reason: &'static str,
}

/// The visitor a call names: the shopper's id (for a sale, only when the sale is that visitor's
/// customer's: [`visitor_of_sale`]); without one (a shopper who may not be identified, a sale
/// that is another customer's), the page view's id, or a sale's own order number, so each
/// page or sale stands alone at Clerk; Clerk's cookieless `auto` only when none is known.
/// Clerk makes `auto` into an id from the calling request, and every call here comes from the
/// worker: `auto` would merge such shoppers into one.
fn visitor_of(event: &Event) -> String {
    let own = match event.kind {
        EventKind::Purchase => visitor_of_sale(
            event.visitor.as_deref(),
            event.browser_link.as_deref(),
            event.email.as_deref(),
        ),
        _ => event.visitor.as_deref(),
    };
    if let Some(visitor) = own {
        return visitor.to_string();
    }
    let sale = (event.kind == EventKind::Purchase)
        .then(|| event.order_id.as_deref().map(|n| format!("sale{n}")))
        .flatten();
    // Clerk's visitor ids: letters and digits, at most 32.
    let standalone: String = event
        .page
        .as_deref()
        .or(sale.as_deref())
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect();
    if standalone.is_empty() {
        "auto".into()
    } else {
        standalone
    }
}

/// The label the worker's search calls carry in Clerk's analytics.
pub const SEARCH_LABEL: &str = "SFCC search";

/// The most characters of a query sent.
const MAX_QUERY_CHARS: usize = 100;

/// A shopper's query as Clerk gets it: spaces collapsed, at most [`MAX_QUERY_CHARS`]; `None`
/// when empty, or when it may be personal data a shopper typed into the box — an email, or a
/// run of nine or more digits (a phone, card or order number).
pub fn search_query(raw: &str) -> Option<String> {
    let query: String = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    let mut run = 0usize;
    let long_number = query.chars().any(|c| {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        run >= 9
    });
    (!query.is_empty() && !query.contains('@') && !long_number).then_some(query)
}

/// The Clerk tracking call an event becomes (its visitor: see [`visitor_of`]).
pub fn tracking_call(event: &Event) -> Result<TrackingCall, NotForwarded> {
    let visitor = visitor_of(event);
    let first_product = || {
        event
            .products
            .first()
            .map(|p| p.id.clone())
            .unwrap_or_default()
    };
    let (path, mut params) = match event.kind {
        EventKind::ProductView => ("log/product", vec![("product", first_product())]),
        EventKind::Click => ("log/click", vec![("product", first_product())]),
        EventKind::CategoryView => (
            "log/category",
            vec![("category", event.category.clone().unwrap_or_default())],
        ),
        // Clerk's basket_product: `{"id", "qty"}` (docs.clerk.io/reference, log/cart/add,
        // log/cart/remove, and log/cart/update, which sets the visitor's basket to these
        // products: an empty list when the cart was emptied).
        EventKind::AddToCart | EventKind::RemoveFromCart | EventKind::CartUpdate => {
            let products: Vec<_> = event
                .products
                .iter()
                .map(|p| json!({"id": p.id, "qty": p.quantity.unwrap_or(1)}))
                .collect();
            let path = match event.kind {
                EventKind::AddToCart => "log/cart/add",
                EventKind::RemoveFromCart => "log/cart/remove",
                _ => "log/cart/update",
            };
            (path, vec![("products", json!(products).to_string())])
        }
        EventKind::Purchase => {
            let products: Vec<_> = event
                .products
                .iter()
                .map(|p| json!({"id": p.id, "price": p.price, "quantity": p.quantity}))
                .collect();
            let mut params = vec![
                ("sale", event.order_id.clone().unwrap_or_default()),
                ("products", json!(products).to_string()),
            ];
            if let Some(customer) = &event.customer {
                params.push(("customer", customer.clone()));
            }
            // Present only when the shopper consented to be identified.
            if let Some(email) = &event.email {
                params.push(("email", email.clone()));
            }
            ("log/sale", params)
        }
        EventKind::Login => {
            // Linking needs both: a visitor to link and the email to link it to.
            match (&event.visitor, &event.email) {
                (Some(v), Some(email)) => {
                    return Ok(TrackingCall {
                        path: "log/email",
                        params: vec![("email", email.clone()), ("visitor", v.clone())],
                    })
                }
                _ => {
                    return Err(NotForwarded {
                        kind: "login",
                        reason: "a login links a visitor to an email; one of them is missing",
                    })
                }
            }
        }
        // Clerk has no `log/search`: it records a visitor's search from a `search/search` call
        // carrying `visitor` and `labels` ("Required for tracking", docs.clerk.io/reference/
        // search-search). One result is the least a call may ask for (`limit` is required).
        EventKind::Search => {
            let query =
                search_query(event.query.as_deref().unwrap_or_default()).ok_or(NotForwarded {
                    kind: "search",
                    reason:
                        "the query is empty, or looks like personal data (an email, a long number)",
                })?;
            (
                "search/search",
                vec![
                    ("query", query),
                    ("limit", "1".into()),
                    ("labels", json!([SEARCH_LABEL]).to_string()),
                ],
            )
        }
    };
    params.push(("visitor", visitor));
    Ok(TrackingCall { path, params })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventProduct, Source};

    fn event(kind: EventKind) -> Event {
        Event {
            id: "e1".into(),
            kind,
            time_ms: 1,
            store: "us".into(),
            visitor: Some("abc123".into()),
            customer: Some("C42".into()),
            products: vec![EventProduct {
                id: "P1".into(),
                price: Some(5.0),
                quantity: Some(2),
            }],
            category: Some("mens".into()),
            query: Some("shirt".into()),
            order_id: Some("O1".into()),
            email: Some("ann@example.com".into()),
            currency: Some("USD".into()),
            source: Source::Client,
            page: None,
            read_order: None,
            browser_link: None,
        }
    }

    #[test]
    fn each_kind_maps_to_its_endpoint() {
        let call = tracking_call(&event(EventKind::ProductView)).unwrap();
        assert_eq!(call.path, "log/product");
        assert_eq!(
            call.params,
            vec![("product", "P1".into()), ("visitor", "abc123".into())]
        );
        assert_eq!(
            tracking_call(&event(EventKind::CategoryView))
                .unwrap()
                .params[0],
            ("category", "mens".into())
        );
        assert_eq!(
            tracking_call(&event(EventKind::AddToCart)).unwrap().params[0],
            ("products", r#"[{"id":"P1","qty":2}]"#.into())
        );
        let removal = tracking_call(&event(EventKind::RemoveFromCart)).unwrap();
        assert_eq!(
            (removal.path, &removal.params[0]),
            (
                "log/cart/remove",
                &("products", r#"[{"id":"P1","qty":2}]"#.into())
            )
        );
        let sale = tracking_call(&event(EventKind::Purchase)).unwrap();
        assert_eq!(sale.path, "log/sale");
        assert_eq!(
            sale.params[1],
            (
                "products",
                r#"[{"id":"P1","price":5.0,"quantity":2}]"#.into()
            )
        );
        assert_eq!(sale.params[2], ("customer", "C42".into()));
        assert_eq!(sale.params[3], ("email", "ann@example.com".into()));
        let mut anonymous = event(EventKind::Purchase);
        anonymous.email = None;
        let sale = tracking_call(&anonymous).unwrap();
        assert!(sale.params.iter().all(|(k, _)| *k != "email"));
        let search = tracking_call(&event(EventKind::Search)).unwrap();
        assert_eq!(search.path, "search/search");
        assert_eq!(
            search.params,
            vec![
                ("query", "shirt".into()),
                ("limit", "1".into()),
                ("labels", r#"["SFCC search"]"#.into()),
                ("visitor", "abc123".into())
            ]
        );
    }

    #[test]
    fn a_query_is_trimmed_and_one_that_may_be_personal_data_is_not_sent() {
        assert_eq!(search_query("  red \n dress "), Some("red dress".into()));
        assert_eq!(search_query(&"x".repeat(300)).map(|q| q.len()), Some(100));
        assert_eq!(search_query("ann@example.com"), None);
        assert_eq!(search_query("order 004512345678"), None);
        assert_eq!(
            search_query("iphone 15 128gb"),
            Some("iphone 15 128gb".into())
        );
        assert_eq!(search_query("   "), None);
        let mut e = event(EventKind::Search);
        e.query = Some("call me 0612345678".into());
        assert!(tracking_call(&e).is_err());
    }

    #[test]
    fn without_a_visitor_the_page_view_stands_for_one_else_clerk_auto() {
        let mut e = event(EventKind::Click);
        e.visitor = None;
        e.page = Some("9701f2ce-ff67-43b6-90f4-45ec3c85d9a3".into());
        assert_eq!(
            tracking_call(&e).unwrap().params.last().unwrap(),
            &("visitor", "9701f2ceff6743b690f445ec3c85d9a3".into()),
            "letters and digits of the page id, at most 32"
        );
        e.page = None;
        assert_eq!(
            tracking_call(&e).unwrap().params.last().unwrap(),
            &("visitor", "auto".into())
        );
    }

    #[test]
    fn a_login_links_the_visitor_to_the_email_only_when_both_are_known() {
        let call = tracking_call(&event(EventKind::Login)).unwrap();
        assert_eq!(call.path, "log/email");
        assert_eq!(
            call.params,
            vec![
                ("email", "ann@example.com".into()),
                ("visitor", "abc123".into())
            ]
        );
        let anonymous = Event {
            visitor: None,
            ..event(EventKind::Login)
        };
        assert!(tracking_call(&anonymous).is_err());
    }

    #[test]
    fn a_sale_of_another_customer_than_the_browsers_stands_alone() {
        let visitor = |e: &Event| {
            let call = tracking_call(e).unwrap();
            call.params
                .iter()
                .find(|(k, _)| *k == "visitor")
                .map(|(_, v)| v.clone())
        };
        let mut sale = event(EventKind::Purchase);
        sale.page = None;
        sale.order_id = Some("00012-x".into());
        sale.browser_link = Some(crate::identity::link_of("ann@example.com"));
        assert_eq!(visitor(&sale).as_deref(), Some("abc123"), "Ann's own sale");
        sale.browser_link = Some(crate::identity::link_of("bob@example.com"));
        assert_eq!(
            visitor(&sale).as_deref(),
            Some("sale00012x"),
            "Ann's sale on the browser Bob is linked to: its own visitor, never `auto`"
        );
        sale.page = Some("9701f2ce-ff67".into());
        assert_eq!(visitor(&sale).as_deref(), Some("9701f2ceff67"));
    }
}
