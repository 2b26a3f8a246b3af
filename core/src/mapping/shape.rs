//! Which API a product document came from, told by its field names, and SCAPI's camelCase
//! documents read as the OCAPI ones they mirror.
//!
//! OCAPI (Shop and Data API) documents name their fields in snake_case (`image_groups`,
//! `primary_category_id`, `variants[].product_id`); the Salesforce Commerce API's Shopper
//! Products, which PWA Kit storefronts call, names the same fields in camelCase (`imageGroups`,
//! `primaryCategoryId`, `variants[].productId`, `master.masterId`: commerce-sdk-isomorphic's
//! `shopper-products` OAS, PWA Kit's `app/mocks/product-detail` mock). Read as OCAPI, a SCAPI
//! document would lose its description, categories and variants without a word, so it is told
//! apart and translated. A search hit of either API is a summary, not a product document, and is
//! refused naming what it is.

use serde_json::{Map, Value};

/// The kind of JSON object a product document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentShape {
    /// An OCAPI `product` (Shop or Data API): read as it is.
    Ocapi,
    /// A SCAPI Shopper Products `Product`: read after [`scapi_as_ocapi`].
    Scapi,
    /// An OCAPI Shop API `product_search` hit (`product_id`, `product_name`, `hit_type`).
    ShopSearchHit,
    /// A SCAPI Shopper Search hit (`productId`, `productName`, `hitType`).
    ScapiSearchHit,
}

/// Field names only a SCAPI product document has (each an OCAPI field in camelCase).
const SCAPI_FIELDS: [&str; 14] = [
    "imageGroups",
    "shortDescription",
    "longDescription",
    "primaryCategoryId",
    "variationAttributes",
    "priceRanges",
    "tieredPrices",
    "productPromotions",
    "minOrderQuantity",
    "stepQuantity",
    "pageTitle",
    "pageDescription",
    "pricePerUnit",
    "unitMeasure",
];

/// Which API `doc` looks like it came from.
pub fn shape_of(doc: &Map<String, Value>) -> DocumentShape {
    let has = |k: &str| doc.contains_key(k);
    if !has("id") && has("product_id") {
        DocumentShape::ShopSearchHit
    } else if !has("id") && has("productId") {
        DocumentShape::ScapiSearchHit
    } else if SCAPI_FIELDS.iter().any(|k| has(k)) {
        DocumentShape::Scapi
    } else {
        DocumentShape::Ocapi
    }
}

impl DocumentShape {
    /// Why a document of this shape is not read, when it is not.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Self::ShopSearchHit => Some(
                "an OCAPI Shop API product_search hit (it names its product `product_id`): a \
                 summary, not a product document; map reads the Shop API's products/(ids) or \
                 the Data API's products and product_search documents, which name it `id`",
            ),
            Self::ScapiSearchHit => Some(
                "a SCAPI Shopper Search hit (it names its product `productId`): a summary, not \
                 a product document; map reads Shopper Products documents (getProduct, \
                 getProducts), which name it `id`",
            ),
            Self::Ocapi | Self::Scapi => None,
        }
    }
}

/// A SCAPI product document with its field names in OCAPI's snake_case. Custom attributes
/// (`c_*`) keep their names, as do the keys of `variationValues` (attribute ids) and of any
/// `prices` map (price book ids), which are values, not field names.
pub fn scapi_as_ocapi(doc: Value) -> Value {
    match doc {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = if matches!(key.as_str(), "variationValues" | "prices") {
                        value
                    } else {
                        scapi_as_ocapi(value)
                    };
                    (snake_case(&key), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(scapi_as_ocapi).collect()),
        other => other,
    }
}

/// `imageGroups` → `image_groups`; a custom attribute's name (`c_isNew`) as it is.
fn snake_case(key: &str) -> String {
    if key.starts_with("c_") {
        return key.to_string();
    }
    let mut out = String::with_capacity(key.len() + 4);
    for (i, ch) in key.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(doc: Value) -> DocumentShape {
        shape_of(doc.as_object().unwrap())
    }

    #[test]
    fn documents_are_told_apart_by_their_field_names() {
        assert_eq!(
            shape(json!({"id": "A", "image_groups": []})),
            DocumentShape::Ocapi
        );
        assert_eq!(
            shape(json!({"id": "A", "imageGroups": []})),
            DocumentShape::Scapi
        );
        assert_eq!(
            shape(json!({"id": "A", "primaryCategoryId": "x"})),
            DocumentShape::Scapi
        );
        assert_eq!(
            shape(json!({"product_id": "A", "product_name": "x", "hit_type": "master"})),
            DocumentShape::ShopSearchHit
        );
        assert_eq!(
            shape(json!({"productId": "A", "productName": "x", "hitType": "master"})),
            DocumentShape::ScapiSearchHit
        );
        assert!(DocumentShape::ShopSearchHit
            .refusal()
            .unwrap()
            .contains("`product_id`"));
        assert_eq!(DocumentShape::Scapi.refusal(), None);
    }

    #[test]
    fn scapi_fields_become_ocapi_ones_and_ids_keep_their_case() {
        let doc = json!({
            "id": "M", "primaryCategoryId": "tops", "c_isNew": true,
            "imageGroups": [{"viewType": "large", "images": [{"disBaseLink": "https://x/a.jpg"}]}],
            "master": {"masterId": "M"},
            "variants": [{"productId": "V", "variationValues": {"refinementColor": "RED"}}],
            "prices": {"usd-m-list-prices": 9}
        });
        assert_eq!(
            scapi_as_ocapi(doc),
            json!({
                "id": "M", "primary_category_id": "tops", "c_isNew": true,
                "image_groups": [{"view_type": "large", "images": [{"dis_base_link": "https://x/a.jpg"}]}],
                "master": {"master_id": "M"},
                "variants": [{"product_id": "V", "variation_values": {"refinementColor": "RED"}}],
                "prices": {"usd-m-list-prices": 9}
            })
        );
    }
}
