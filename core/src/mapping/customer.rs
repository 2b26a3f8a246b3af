//! SFCC customer → Clerk customer.

use super::validate::{FieldProblem, RecordError};
use crate::clerk::ClerkCustomer;
use crate::event::is_email;
use crate::sfcc::Customer;
use serde_json::Value;

/// The custom attribute that says a customer opted in to marketing email, unless a store names
/// another (`subscribed_attribute`): SFCC has no system attribute for it.
pub const SUBSCRIBED_ATTRIBUTE: &str = "c_subscribed";

/// Maps one customer. A customer without a number, or with an email that is not one, is
/// reported and not sent. Only an explicit `true` of `subscribed_attribute` subscribes: Clerk
/// must not email anyone else.
pub fn map_customer(
    c: &Customer,
    subscribed_attribute: &str,
) -> Result<ClerkCustomer, RecordError> {
    let id = c
        .customer_no
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut problems = Vec::new();
    if id.is_none() {
        problems.push(FieldProblem::new("id", "customer_no is missing"));
    }
    let email = c.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = email.filter(|e| !is_email(e)) {
        problems.push(FieldProblem::new(
            "email",
            format!("{e:?} is not an email address"),
        ));
    }
    if !problems.is_empty() {
        return Err(RecordError {
            product_id: id.unwrap_or("(no customer_no)").to_string(),
            problems,
        });
    }
    let name = [c.first_name.as_deref(), c.last_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(ClerkCustomer {
        id: id.unwrap_or_default().to_string(),
        name: (!name.is_empty()).then_some(name),
        email: email.map(String::from),
        subscribed: c.other.get(subscribed_attribute) == Some(&Value::Bool(true)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn customer(v: Value) -> Customer {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn customers_map_with_name_email_and_explicit_subscription() {
        let c = customer(
            json!({"customer_no": "00000001", "email": "ann@example.com",
            "first_name": "Ann", "last_name": "Lee", "c_subscribed": true}),
        );
        assert_eq!(
            map_customer(&c, SUBSCRIBED_ATTRIBUTE),
            Ok(ClerkCustomer {
                id: "00000001".into(),
                name: Some("Ann Lee".into()),
                email: Some("ann@example.com".into()),
                subscribed: true,
            })
        );
        let unsure = customer(json!({"customer_no": "2", "c_subscribed": "yes"}));
        let mapped = map_customer(&unsure, SUBSCRIBED_ATTRIBUTE).unwrap();
        assert_eq!(
            (mapped.subscribed, mapped.name, mapped.email),
            (false, None, None)
        );
    }

    #[test]
    fn a_store_names_its_own_opt_in_attribute() {
        let c =
            customer(json!({"customer_no": "4", "c_newsletterOptIn": true, "c_subscribed": false}));
        assert!(map_customer(&c, "c_newsletterOptIn").unwrap().subscribed);
        assert!(!map_customer(&c, SUBSCRIBED_ATTRIBUTE).unwrap().subscribed);
    }

    #[test]
    fn customers_without_a_number_or_with_a_bad_email_are_reported() {
        let err = map_customer(
            &customer(json!({"email": "x@example.com"})),
            SUBSCRIBED_ATTRIBUTE,
        )
        .unwrap_err();
        assert_eq!(err.problems[0].field, "id");
        let err = map_customer(
            &customer(json!({"customer_no": "3", "email": "not-an-email"})),
            SUBSCRIBED_ATTRIBUTE,
        )
        .unwrap_err();
        assert_eq!(
            (err.product_id.as_str(), err.problems[0].field.as_str()),
            ("3", "email")
        );
    }
}
