//! The customer list `RefArch`: three shoppers the sandbox storefront logs in and the Data API
//! `customer_search` serves.
//!
//! Sandbox passwords (storefront `Account-Login` only; never served by the Data API):
//!
//! | customer_no | email | password | `c_subscribed` |
//! | --- | --- | --- | --- |
//! | `00000001` | `alice.shopper@example.com` | `Sandbox-Alice-1` | true |
//! | `00000002` | `bruno.kunde@example.de` | `Sandbox-Bruno-2` | false |
//! | `00000003` | `chloe.client@example.com` | `Sandbox-Chloe-3` | true |

use serde_json::{json, Value};

/// The id of the one customer list served.
pub const CUSTOMER_LIST_ID: &str = "RefArch";

/// One registered customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    /// SFCC customer number.
    pub customer_no: String,
    /// Email, also the login.
    pub email: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Opted in to marketing email (custom attribute `c_subscribed`).
    pub subscribed: bool,
    /// The storefront password (sandbox only).
    pub password: String,
    /// `creation_date`, OCAPI format.
    pub creation_date: String,
    /// `last_modified`, OCAPI format.
    pub last_modified: String,
}

impl Customer {
    /// The customer document as the Data API returns it (no password).
    pub fn document(&self) -> Value {
        json!({
            "_type": "customer",
            "customer_no": self.customer_no,
            "email": self.email,
            "login": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "creation_date": self.creation_date,
            "last_modified": self.last_modified,
            "c_subscribed": self.subscribed,
        })
    }

    /// Whether `email` (any case) and `password` (exact) log this customer in.
    pub fn accepts(&self, email: &str, password: &str) -> bool {
        self.email.eq_ignore_ascii_case(email.trim()) && self.password == password
    }
}

/// `n` generated customers after the samples (`G0000000` …, sorted after them), created and last
/// changed long ago, for lists as deep as real shops': every tenth subscribed.
pub fn generated_customers(n: u64) -> Vec<Customer> {
    (0..n)
        .map(|i| Customer {
            customer_no: format!("G{i:07}"),
            email: format!("shopper{i}@example.com"),
            first_name: "Shopper".into(),
            last_name: format!("{i}"),
            subscribed: i % 10 == 0,
            password: String::new(),
            creation_date: "2024-01-01T00:00:00.000Z".into(),
            last_modified: "2024-01-01T00:00:00.000Z".into(),
        })
        .collect()
}

/// The three sample customers, by customer number.
pub fn sample_customers() -> Vec<Customer> {
    let c = |no: &str,
             email: &str,
             first: &str,
             last: &str,
             subscribed,
             password: &str,
             created: &str,
             modified: &str| Customer {
        customer_no: no.into(),
        email: email.into(),
        first_name: first.into(),
        last_name: last.into(),
        subscribed,
        password: password.into(),
        creation_date: created.into(),
        last_modified: modified.into(),
    };
    vec![
        c(
            "00000001",
            "alice.shopper@example.com",
            "Alice",
            "Shopper",
            true,
            "Sandbox-Alice-1",
            "2025-06-01T08:00:00.000Z",
            "2026-10-01T09:00:00.000Z",
        ),
        c(
            "00000002",
            "bruno.kunde@example.de",
            "Bruno",
            "Kunde",
            false,
            "Sandbox-Bruno-2",
            "2025-07-15T08:00:00.000Z",
            "2026-11-02T09:00:00.000Z",
        ),
        c(
            "00000003",
            "chloe.client@example.com",
            "Chloé",
            "Client",
            true,
            "Sandbox-Chloe-3",
            "2026-01-20T08:00:00.000Z",
            "2026-11-06T09:00:00.000Z",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_ignores_email_case_but_not_password_case() {
        let alice = &sample_customers()[0];
        assert!(alice.accepts("Alice.Shopper@example.com", "Sandbox-Alice-1"));
        assert!(!alice.accepts("alice.shopper@example.com", "sandbox-alice-1"));
        assert!(alice.document().get("password").is_none());
        assert_eq!(alice.document()["c_subscribed"], true);
    }
}
