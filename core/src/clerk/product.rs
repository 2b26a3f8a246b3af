use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A product as Clerk.io stores it (`POST /v2/products`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClerkProduct {
    /// Product id, the same id tracking calls use.
    pub id: String,
    /// Display name in the store's locale.
    pub name: String,
    /// Plain-text description.
    pub description: String,
    /// Selling price in the store's currency.
    pub price: f64,
    /// Price before discount, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_price: Option<f64>,
    /// Absolute image URL.
    pub image: String,
    /// Absolute product page URL.
    pub url: String,
    /// Category ids.
    pub categories: Vec<String>,
    /// Creation time, Unix seconds.
    pub created_at: i64,
    /// Brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Units in stock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    /// Any other attribute (facets, ranking inputs); names are letters, digits and `_`.
    #[serde(flatten)]
    pub attributes: BTreeMap<String, Value>,
}

/// The body of `POST /v2/products`.
#[derive(Debug, Serialize)]
pub struct ProductsUpsert<'a> {
    /// The store's public key.
    pub key: &'a str,
    /// The store's private key.
    pub private_key: &'a str,
    /// The products to create or replace.
    pub products: &'a [ClerkProduct],
}

/// The names of a Clerk product's own fields. An attribute of one of these names would clash with
/// the field in the request body (the JSON object would hold the key twice).
pub const PRODUCT_FIELDS: [&str; 12] = [
    "id",
    "name",
    "description",
    "price",
    "list_price",
    "image",
    "url",
    "categories",
    "created_at",
    "brand",
    "sku",
    "stock",
];

/// Attribute names with a meaning of their own: Clerk's (docs.clerk.io, Product resource:
/// `on_sale`, `gender`, `color`/`colors`, `keywords`, `age`, and `index`, which set to false
/// keeps a product out of Clerk's index) and the ones the mapping computes (`in_stock`, and a
/// master's `variants`, `min_price`, `max_price`). A custom attribute passed through as it is
/// never takes one of these names; an attribute rule may set one deliberately.
pub const RESERVED_ATTRIBUTES: [&str; 11] = [
    "on_sale",
    "gender",
    "color",
    "colors",
    "keywords",
    "age",
    "index",
    "in_stock",
    "variants",
    "min_price",
    "max_price",
];

/// True when `name` is usable as a Clerk attribute name: letters, digits and `_`, not empty.
pub fn is_attribute_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A `DELETE /v2/products`: Clerk takes its keys and the product ids (a JSON list) in the query
/// string, not in a body.
#[derive(Debug, Serialize)]
pub struct ProductsDelete<'a> {
    /// The store's public key.
    pub key: &'a str,
    /// The store's private key.
    pub private_key: &'a str,
    /// Ids of the products to delete.
    pub products: &'a [String],
}

impl ProductsDelete<'_> {
    /// The query string: `key=…&private_key=…&products=["id",…]`, each value percent-encoded.
    pub fn query(&self) -> String {
        let ids = serde_json::Value::from(self.products.to_vec()).to_string();
        format!(
            "key={}&private_key={}&products={}",
            super::percent_encode(self.key),
            super::percent_encode(self.private_key),
            super::percent_encode(&ids)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delete_carries_its_keys_and_ids_in_the_query_string() {
        let ids = ["25518704M".to_string(), "A B&C".to_string()];
        let delete = ProductsDelete {
            key: "pub",
            private_key: "pri/v",
            products: &ids,
        };
        assert_eq!(
            delete.query(),
            "key=pub&private_key=pri%2Fv&products=%5B%2225518704M%22%2C%22A%20B%26C%22%5D"
        );
    }
}
