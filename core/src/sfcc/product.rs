use super::{LocalizedString, SiteFlag};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// An OCAPI product document as the connector reads it (prices, images and availability expanded).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Product {
    /// The product id (SKU for simple products and variants).
    pub id: String,
    /// Localized display name.
    #[serde(default)]
    pub name: LocalizedString,
    /// Localized short description (may contain HTML).
    #[serde(default)]
    pub short_description: LocalizedString,
    /// Brand name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Whether the product is online, per site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_flag: Option<SiteFlag>,
    /// Whether the product is searchable, per site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searchable: Option<SiteFlag>,
    /// Creation time, ISO 8601 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    /// Last modification time, ISO 8601 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Primary category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_category_id: Option<String>,
    /// All category ids the product is assigned to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category_ids: Vec<String>,
    /// Sale price in `currency` (from the site's price books).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// List price in `currency`, when the site has a list price book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_price: Option<f64>,
    /// ISO 4217 currency of the prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Image groups by view type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_groups: Vec<ImageGroup>,
    /// Availability from the site's inventory list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<Inventory>,
    /// Every other attribute; custom attributes are the `c_*` ones.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl Product {
    /// The custom attributes (`c_*`), with the prefix kept.
    pub fn custom_attributes(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.other.iter().filter(|(k, _)| k.starts_with("c_"))
    }

    /// The first image of the given view type.
    pub fn image(&self, view_type: &str) -> Option<&Image> {
        self.image_groups
            .iter()
            .find(|g| g.view_type == view_type)
            .and_then(|g| g.images.first())
    }
}

/// Images of one view type (`large`, `medium`, `small`, `swatch`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImageGroup {
    /// The view type.
    pub view_type: String,
    /// The images, first one primary.
    #[serde(default)]
    pub images: Vec<Image>,
}

/// One product image.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Image {
    /// Absolute URL of the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abs_url: Option<String>,
    /// URL as configured (may be relative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Alt text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
}

/// Product availability from an inventory list record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Inventory {
    /// Available to sell.
    pub ats: f64,
    /// Whether the product can be ordered.
    pub orderable: bool,
}
