//! Page vs feed: the product as the page shows it (data-layer items, JSON-LD `Product` offers)
//! against the record the feed gives Clerk. Findings are `feed_mismatch`, naming both values.

mod compare;
mod jsonld;
mod page_facts;

pub use compare::{compare, PRICE_TOLERANCE};
pub use jsonld::{from_json_ld, JsonLdError};
pub use page_facts::{audit_feed, from_capture, product_ids, PageSources};

use serde::{Deserialize, Serialize};

/// Where a page fact was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSource {
    /// A `view_item` push of the data layer, at this push index.
    DataLayer {
        /// Index of the push.
        push: usize,
    },
    /// A JSON-LD block, by its position among the page's blocks.
    JsonLd {
        /// Position of the block.
        block: usize,
    },
}

/// One product as the page shows it. Absent facts are not compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageProduct {
    /// Where it was read.
    pub source: FactSource,
    /// JSON path of the product inside its source (`ecommerce.items[0]`, `@graph[1]`, empty for
    /// a JSON-LD block that is the product).
    pub path: String,
    /// Product id (`item_id`; JSON-LD `sku` or `productID`).
    pub id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Price shoppers pay.
    pub price: Option<f64>,
    /// ISO 4217 currency of the price.
    pub currency: Option<String>,
    /// Whether it can be bought now (JSON-LD `availability`).
    pub in_stock: Option<bool>,
}

/// The feed's record of a product (what Clerk gets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedRecord {
    /// Product id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Price.
    pub price: f64,
    /// ISO 4217 currency of the price.
    pub currency: String,
    /// In stock.
    pub in_stock: bool,
}

impl FeedRecord {
    /// What a store's Clerk received for a product: its name, price in the store's `currency`,
    /// and whether it is in stock (the `in_stock` attribute, else a positive stock).
    pub fn of(product: &crate::clerk::ClerkProduct, currency: &str) -> Self {
        let in_stock = product
            .attributes
            .get("in_stock")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(product.stock.is_some_and(|s| s > 0));
        Self {
            id: product.id.clone(),
            name: product.name.clone(),
            price: product.price,
            currency: currency.to_string(),
            in_stock,
        }
    }
}
