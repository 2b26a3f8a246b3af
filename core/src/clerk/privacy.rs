//! Erasing one shopper from a Clerk store, as Clerk's reference documents it (docs.clerk.io/
//! reference, "Customers" and "Privacy"; the same operations in the harvest of those pages in
//! api-evangelist/clerk-io `openapi/clerk-io-customers-api-openapi.yml` and
//! `clerk-io-privacy-api-openapi.yml`):
//!
//! - `DELETE /v2/customers?key=…&private_key=…&customers=["id",…]`: the customer record (its
//!   audiences and email features) by the shop's customer number;
//! - `POST /v2/privacy/forget` with `{key, private_key, email?, customer?}`: "forget all
//!   available info Clerk.io has on a visitor or customer" (Clerk's help page on removing
//!   customer data: the orders stay, without the email and click history).
//!
//! The plan is plain values; the worker sends each call to each store the operator names.

use serde::Deserialize;

/// Path of Clerk's forget call.
pub const FORGET_PATH: &str = "/v2/privacy/forget";

/// Whom to erase: the shop's customer number, the email, or both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Erasure {
    /// The SFCC customer number (Clerk's customer id).
    #[serde(default)]
    pub customer_no: Option<String>,
    /// The shopper's email.
    #[serde(default)]
    pub email: Option<String>,
}

/// An erasure request the worker cannot carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErasureError {
    /// The body is not the JSON object expected.
    #[error("the body must be a JSON object {{\"customer_no\": …, \"email\": …}}: {0}")]
    Shape(String),
    /// Neither a customer number nor an email.
    #[error("name the shopper: `customer_no`, `email`, or both")]
    NoOne,
    /// A value past what SFCC holds.
    #[error("`{0}` is longer than SFCC holds ({1} characters)")]
    TooLong(&'static str, usize),
}

impl Erasure {
    /// Reads an erasure request: `{"customer_no": "00000001", "email": "ann@example.com"}`, at
    /// least one of them, trimmed, within SFCC's lengths.
    pub fn parse(body: &str) -> Result<Self, ErasureError> {
        let shape = |e: serde_json::Error| ErasureError::Shape(e.to_string());
        let value: serde_json::Value = serde_json::from_str(body).map_err(shape)?;
        if !value.is_object() {
            return Err(ErasureError::Shape("another JSON value".into()));
        }
        let raw: Erasure = serde_json::from_value(value).map_err(shape)?;
        let clean = |v: Option<String>, field: &'static str| {
            let v = v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            let cap = crate::event::cap_of(field);
            match v {
                Some(s) if s.chars().count() > cap => Err(ErasureError::TooLong(field, cap)),
                v => Ok(v),
            }
        };
        let erasure = Erasure {
            customer_no: clean(raw.customer_no, "customer")?,
            email: clean(raw.email, "email")?,
        };
        if erasure.customer_no.is_none() && erasure.email.is_none() {
            return Err(ErasureError::NoOne);
        }
        Ok(erasure)
    }

    /// The Clerk calls that erase the shopper from a store with these keys: the customer
    /// record deleted (with a customer number), then everything forgotten.
    pub fn calls(&self, key: &str, private_key: &str) -> Vec<ErasureCall> {
        let mut calls = Vec::new();
        if let Some(no) = &self.customer_no {
            let ids = serde_json::json!([no]).to_string();
            calls.push(ErasureCall::DeleteCustomer {
                path: format!(
                    "{}?key={}&private_key={}&customers={}",
                    super::CUSTOMERS_PATH,
                    super::percent_encode(key),
                    super::percent_encode(private_key),
                    super::percent_encode(&ids)
                ),
            });
        }
        let mut body = serde_json::json!({"key": key, "private_key": private_key});
        if let Some(email) = &self.email {
            body["email"] = email.as_str().into();
        }
        if let Some(no) = &self.customer_no {
            body["customer"] = no.as_str().into();
        }
        calls.push(ErasureCall::Forget {
            body: body.to_string(),
        });
        calls
    }
}

/// One Clerk call of an erasure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureCall {
    /// `DELETE` of `path` (path and query; no body).
    DeleteCustomer {
        /// `/v2/customers?key=…&private_key=…&customers=[…]`.
        path: String,
    },
    /// `POST` [`FORGET_PATH`] with `body`.
    Forget {
        /// The JSON body, keys included.
        body: String,
    },
}

impl ErasureCall {
    /// What the call does, for the operator's answer.
    pub fn what(&self) -> &'static str {
        match self {
            ErasureCall::DeleteCustomer { .. } => "customer deleted",
            ErasureCall::Forget { .. } => "shopper forgotten",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erasure_names_a_customer_number_an_email_or_both() {
        let both = Erasure::parse(r#"{"customer_no": " 00000001 ", "email": "ann@example.com"}"#);
        assert_eq!(
            both,
            Ok(Erasure {
                customer_no: Some("00000001".into()),
                email: Some("ann@example.com".into())
            })
        );
        assert_eq!(
            Erasure::parse(r#"{"email": " "}"#),
            Err(ErasureError::NoOne)
        );
        assert_eq!(Erasure::parse("{}"), Err(ErasureError::NoOne));
        assert!(matches!(
            Erasure::parse(r#"{"customer": "1"}"#),
            Err(ErasureError::Shape(_))
        ));
        assert!(matches!(Erasure::parse("[]"), Err(ErasureError::Shape(_))));
        let long = format!(r#"{{"email": "{}@example.com"}}"#, "a".repeat(300));
        assert_eq!(
            Erasure::parse(&long),
            Err(ErasureError::TooLong("email", 254))
        );
    }

    #[test]
    fn erasing_deletes_the_customer_then_forgets_the_shopper() {
        let erasure = Erasure {
            customer_no: Some("00000001".into()),
            email: Some("ann@example.com".into()),
        };
        let calls = erasure.calls("pub", "pri/v");
        assert_eq!(
            calls[0],
            ErasureCall::DeleteCustomer {
                path: "/v2/customers?key=pub&private_key=pri%2Fv&customers=%5B%2200000001%22%5D"
                    .into()
            }
        );
        let ErasureCall::Forget { body } = &calls[1] else {
            panic!("{calls:?}");
        };
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"key": "pub", "private_key": "pri/v",
                "email": "ann@example.com", "customer": "00000001"})
        );
        let by_email = Erasure {
            customer_no: None,
            email: Some("ann@example.com".into()),
        };
        let calls = by_email.calls("pub", "priv");
        assert_eq!(
            calls.len(),
            1,
            "no customer number: nothing to delete by id"
        );
        assert_eq!(calls[0].what(), "shopper forgotten");
    }
}
