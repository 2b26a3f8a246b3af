use super::LocalizedString;
use serde::{Deserialize, Serialize};

/// An OCAPI Data API catalog category.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Category {
    /// Category id.
    pub id: String,
    /// Localized name.
    #[serde(default)]
    pub name: LocalizedString,
    /// The parent's id (`root` for top-level categories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_category_id: Option<String>,
    /// Whether the category is online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
}

/// A page of `GET /catalogs/{catalog_id}/categories`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CategoryResult {
    /// Categories on this page.
    pub count: u32,
    /// Offset of this page.
    pub start: u32,
    /// Categories in all pages.
    pub total: u32,
    /// The categories.
    #[serde(default)]
    pub data: Vec<Category>,
}

/// Path of a catalog's categories in the Data API (`GET`, `start` and `count` query parameters).
pub fn categories_path(catalog_id: &str) -> String {
    format!(
        "/s/-/dw/data/{}/catalogs/{}/categories",
        super::OCAPI_VERSION,
        crate::clerk::percent_encode(catalog_id)
    )
}
