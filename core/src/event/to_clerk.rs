use super::schema::{Event, EventKind};
use crate::clerk::TrackingCall;
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

/// The visitor a call names: the shopper's id; without one (a shopper who may not be identified),
/// the page view's id, so each page stands alone at Clerk; Clerk's cookieless `auto` only when
/// neither is known. Clerk makes `auto` into an id from the calling request, and every call
/// here comes from the worker: `auto` would merge such shoppers into one.
fn visitor_of(event: &Event) -> String {
    if let Some(visitor) = &event.visitor {
        return visitor.clone();
    }
    // Clerk's visitor ids: letters and digits, at most 32.
    let page: String = event
        .page
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect();
    if page.is_empty() {
        "auto".into()
    } else {
        page
    }
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
        EventKind::AddToCart => {
            let products: Vec<_> = event
                .products
                .iter()
                .map(|p| json!({"id": p.id, "qty": p.quantity.unwrap_or(1)}))
                .collect();
            (
                "log/cart/add",
                vec![("products", json!(products).to_string())],
            )
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
        EventKind::Search => {
            return Err(NotForwarded {
                kind: "search",
                reason: "Clerk records searches from its own search calls",
            })
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
        assert!(tracking_call(&event(EventKind::Search)).is_err());
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
}
