use serde::{Deserialize, Serialize};

/// A category as Clerk.io stores it (`POST /v2/categories`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClerkCategory {
    /// Category id, as products reference it.
    pub id: String,
    /// Display name in the store's locale.
    pub name: String,
    /// Absolute category page URL (Clerk requires one).
    pub url: String,
    /// Ids of its direct subcategories.
    pub subcategories: Vec<String>,
}

/// The body of `POST /v2/categories`.
#[derive(Debug, Serialize)]
pub struct CategoriesUpsert<'a> {
    /// The store's public key.
    pub key: &'a str,
    /// The store's private key.
    pub private_key: &'a str,
    /// The categories to create or replace.
    pub categories: &'a [ClerkCategory],
}

/// Path of the category endpoint.
pub const CATEGORIES_PATH: &str = "/v2/categories";
