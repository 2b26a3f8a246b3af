use serde::{Deserialize, Serialize};

/// One line of an order as Clerk.io stores it: the product, how many, and the unit price.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClerkOrderLine {
    /// The product id as Clerk holds it (a master's, for a variant bought).
    pub id: String,
    /// Units bought.
    pub quantity: u32,
    /// What one unit cost.
    pub price: f64,
}

/// A past order as Clerk.io stores it (`POST /v2/orders`; Clerk's order resource: `id`,
/// `time` in unix seconds, `products` with `id`, `quantity` and the unit `price`, `customer`,
/// and `email` for Clerk's email and audience features).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClerkOrder {
    /// The SFCC order number: the same id a tracked sale (`log/sale`) carries.
    pub id: String,
    /// When it was placed, unix seconds.
    pub time: u64,
    /// What was bought.
    pub products: Vec<ClerkOrderLine>,
    /// The SFCC customer number; a guest order has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The shopper's email, only where the operator sends emails with orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The body of `POST /v2/orders`.
#[derive(Debug, Serialize)]
pub struct OrdersUpsert<'a> {
    /// The store's public key.
    pub key: &'a str,
    /// The store's private key.
    pub private_key: &'a str,
    /// The orders.
    pub orders: &'a [ClerkOrder],
}

/// Path of the order endpoint.
pub const ORDERS_PATH: &str = "/v2/orders";
