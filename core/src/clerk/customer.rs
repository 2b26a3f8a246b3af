use serde::{Deserialize, Serialize};

/// A customer as Clerk.io stores it (`POST /v2/customers`), for audiences and email.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClerkCustomer {
    /// The SFCC customer number.
    pub id: String,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Opted in to marketing email: Clerk sends none unless this is true.
    pub subscribed: bool,
}

/// The body of `POST /v2/customers`.
#[derive(Debug, Serialize)]
pub struct CustomersUpsert<'a> {
    /// The store's public key.
    pub key: &'a str,
    /// The store's private key.
    pub private_key: &'a str,
    /// The customers to create or replace.
    pub customers: &'a [ClerkCustomer],
}

/// Path of the customer endpoint.
pub const CUSTOMERS_PATH: &str = "/v2/customers";
