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
    /// Localized long description (may contain HTML).
    #[serde(default)]
    pub long_description: LocalizedString,
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
    /// The catalog categories the product is assigned to, as the Data API names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assigned_categories: Vec<CatalogCategoryId>,
    /// Category ids the product is assigned to, as plain ids (documents written by hand or by
    /// other tools; the Data API sends `assigned_categories`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category_ids: Vec<String>,
    /// Product kind (`master`, `variant`, `item`, `set`, `bundle`), as OCAPI's `type` object.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProductType>,
    /// The price shoppers pay in `currency`, as OCAPI computes it for the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// A list price in `currency` supplied directly (when no list price book is configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_price: Option<f64>,
    /// Prices by price book id (OCAPI `prices`, e.g. `usd-m-list-prices`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices: BTreeMap<String, f64>,
    /// A SCAPI master's price range per price book (`priceRanges`, with `perPricebook=true`):
    /// where its list price is, which OCAPI does not give.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub price_ranges: Vec<PriceRange>,
    /// ISO 4217 currency of the prices, as the Shop API names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// ISO 4217 currency of `price`, as the Data API names it (its `product` document has no
    /// `currency`: Data API 25.6 OpenAPI spec, `components.schemas.product.price_currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_currency: Option<String>,
    /// The Data API's main image (`image`, a `media_file`, with the `images` expansion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Image groups by view type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_groups: Vec<ImageGroup>,
    /// Availability from the site's inventory list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<Inventory>,
    /// Availability per inventory list id, when several lists are expanded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inventories: BTreeMap<String, Inventory>,
    /// Units available to sell, as the Data API calculates them (`ats`, with the `availability`
    /// expansion); the Shop API sends an `inventory` record instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ats: Option<f64>,
    /// Whether the product is in stock, as the Data API calculates it (`in_stock`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_stock: Option<bool>,
    /// Variation attributes of a master (`color`, `size`, …) with their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variation_attributes: Vec<VariationAttribute>,
    /// The variants of a master.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// For a variant: its master.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<MasterRef>,
    /// Every other attribute; custom attributes are the `c_*` ones.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl Product {
    /// The custom attributes (`c_*`), with the prefix kept.
    pub fn custom_attributes(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.other.iter().filter(|(k, _)| k.starts_with("c_"))
    }

    /// True for a master product (one Clerk product stands for all its variants).
    pub fn is_master(&self) -> bool {
        self.kind.as_ref().is_some_and(|k| k.master) || !self.variants.is_empty()
    }

    /// True for a variant or variation group: its master stands for it in Clerk. OCAPI's Shop API
    /// names a master on the master itself too (`master: {master_id: <its own id>}`), so only a
    /// `type` saying so, or a master other than the product itself, makes a variant.
    pub fn is_variant(&self) -> bool {
        let typed = self.kind.as_ref().is_some_and(ProductType::is_variant);
        let typed_master = self.kind.as_ref().is_some_and(|k| k.master);
        typed || (!typed_master && self.master_id().is_some())
    }

    /// The id of the master that stands for this product in Clerk: the `master` it names when
    /// that is another product (a master names itself there), unless its `type` says it is a
    /// master.
    pub fn master_id(&self) -> Option<&str> {
        let typed_master = self.kind.as_ref().is_some_and(|k| k.master);
        self.master
            .as_ref()
            .map(|m| m.master_id.as_str())
            .filter(|m| !typed_master && *m != self.id && !m.is_empty())
    }

    /// The product's category ids in `catalog_id` (or in any catalog when the assignment names
    /// none), primary first, each once.
    pub fn categories_in(&self, catalog_id: &str) -> Vec<String> {
        let assigned = self
            .assigned_categories
            .iter()
            .filter(|a| a.catalog_id.as_deref().is_none_or(|c| c == catalog_id))
            .map(|a| &a.category_id);
        unique(
            self.primary_category_id
                .iter()
                .chain(assigned)
                .chain(&self.category_ids),
        )
    }

    /// Every category id the product names, plain ids first, then its assignments in any
    /// catalog, each once (what an attribute rule `from = "category_ids"` reads).
    pub fn all_category_ids(&self) -> Vec<String> {
        let assigned = self.assigned_categories.iter().map(|a| &a.category_id);
        unique(self.category_ids.iter().chain(assigned))
    }

    /// The currency of the document's `price` and `list_price`: the Shop API's `currency`, else
    /// the Data API's `price_currency`.
    pub fn price_currency(&self) -> Option<&str> {
        self.currency.as_deref().or(self.price_currency.as_deref())
    }

    /// The first image of the given view type, else the main image (the Data API sends its
    /// `image_groups` only with `all_images`, and `image` with `images`).
    pub fn image(&self, view_type: &str) -> Option<&Image> {
        self.image_groups
            .iter()
            .find(|g| g.view_type == view_type)
            .and_then(|g| g.images.first())
            .or(self.image.as_ref())
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
    /// Alt text: one string in the Shop API, localized values in the Data API's `media_file`.
    #[serde(default, skip_serializing_if = "LocalizedString::is_empty")]
    pub alt: LocalizedString,
}

/// A master's prices in one price book, from its cheapest to its dearest variant (SCAPI
/// Shopper Products `PriceRange`: `pricebook`, `minPrice`, `maxPrice`, read in snake_case).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PriceRange {
    /// The price book id (`gbp-m-list-prices`).
    pub pricebook: String,
    /// The lowest price in the book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_price: Option<f64>,
    /// The highest price in the book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_price: Option<f64>,
}

/// Product availability from an inventory list record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Inventory {
    /// Available to sell.
    pub ats: f64,
    /// Whether the product can be ordered.
    pub orderable: bool,
}

/// OCAPI's product `type`: flags for the kinds that apply.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProductType {
    /// A master with variants.
    #[serde(default)]
    pub master: bool,
    /// A variant of a master.
    #[serde(default)]
    pub variant: bool,
    /// A simple product.
    #[serde(default)]
    pub item: bool,
    /// A variation group: a subset of a master's variants.
    #[serde(default)]
    pub variation_group: bool,
}

impl ProductType {
    /// A variant or a variation group: a master stands for it.
    pub fn is_variant(&self) -> bool {
        self.variant || self.variation_group
    }
}

/// The ids in their first order, each once.
fn unique<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    out
}

/// A catalog category a product is assigned to (the Data API's `CatalogCategoryId`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CatalogCategoryId {
    /// The catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
    /// The category.
    pub category_id: String,
}

/// One variation attribute of a master.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct VariationAttribute {
    /// Attribute id (`color`, `size`), as variants' `variation_values` key it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The attribute definition's id: the one the Data API requires (its `id` is optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_definition_id: Option<String>,
    /// Its values.
    #[serde(default)]
    pub values: Vec<VariationValue>,
}

impl VariationAttribute {
    /// The id variants key their values by: `id`, else the attribute definition's id.
    pub fn key(&self) -> &str {
        match self.id.as_str() {
            "" => self.attribute_definition_id.as_deref().unwrap_or_default(),
            id => id,
        }
    }
}

/// One value of a variation attribute.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct VariationValue {
    /// The value as variants reference it (`BLUE`).
    pub value: String,
    /// Its display name: one string in the Shop API (`Blue`), localized values in the Data API
    /// (`{"default": "Blue", "de": "Blau"}`).
    #[serde(default, skip_serializing_if = "LocalizedString::is_empty")]
    pub name: LocalizedString,
}

/// One variant of a master, as OCAPI lists it on the master.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Variant {
    /// The variant's product id.
    pub product_id: String,
    /// Its price in the master's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Whether it can be ordered.
    #[serde(default)]
    pub orderable: bool,
    /// Units available to sell, when the inventory record was expanded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ats: Option<f64>,
    /// Its variation values, by attribute id.
    #[serde(default)]
    pub variation_values: BTreeMap<String, String>,
}

/// A variant's reference to its master.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct MasterRef {
    /// The master's product id.
    pub master_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A Data API `product` as its 25.6 OpenAPI description shapes it (see
    /// `cli/tests/fixtures/README.md`): `price_currency`, calculated `ats`/`in_stock`, a main
    /// `image` with localized `alt`, a variation attribute named by `attribute_definition_id`.
    fn data_api_master() -> Product {
        serde_json::from_value(json!({
            "id": "M1", "type": {"master": true},
            "price": 10.0, "price_currency": "USD", "ats": 3.0, "in_stock": true,
            "image": {"_type": "media_file", "abs_url": "https://img.example/m1.jpg",
                      "alt": {"default": "Shirt", "de": "Hemd"}, "title": {"default": "Shirt"}},
            "image_groups": [{"view_type": "small", "images": [{"abs_url": "https://img.example/s.jpg", "alt": "Shirt"}]}],
            "variation_attributes": [{"attribute_definition_id": "color",
                "values": [{"value": "RED", "name": {"default": "Red", "de": "Rot"}}]}]
        }))
        .unwrap()
    }

    #[test]
    fn data_api_documents_name_their_currency_image_and_variation_values() {
        let p = data_api_master();
        assert_eq!(p.price_currency(), Some("USD"));
        assert_eq!(
            p.image("small").and_then(|i| i.abs_url.as_deref()),
            Some("https://img.example/s.jpg")
        );
        assert_eq!(
            p.image("large").and_then(|i| i.abs_url.as_deref()),
            Some("https://img.example/m1.jpg"),
            "no large group: the main image"
        );
        assert_eq!(
            p.image.as_ref().and_then(|i| i.alt.get("de-DE")),
            Some("Hemd")
        );
        let color = &p.variation_attributes[0];
        assert_eq!(color.key(), "color");
        assert_eq!(color.values[0].name.get("de-DE"), Some("Rot"));
        assert_eq!((p.ats, p.in_stock), (Some(3.0), Some(true)));
    }

    #[test]
    fn the_shop_apis_currency_is_the_prices_when_both_are_named() {
        let mut p = data_api_master();
        p.currency = Some("EUR".into());
        assert_eq!(p.price_currency(), Some("EUR"));
        p.currency = None;
        p.price_currency = None;
        assert_eq!(p.price_currency(), None);
    }
}
