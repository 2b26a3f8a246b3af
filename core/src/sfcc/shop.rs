//! OCAPI Shop API product details: the part of a product a site sells it with.
//!
//! The Data API `product_search` finds products (ids, online and searchable flags, dates,
//! localized texts, custom attributes) but does not price them or count their stock: price books
//! and inventory lists are separate objects, and a price or stock change does not touch a product's
//! `last_modified`. The Shop API's `GET /s/{site}/dw/shop/{version}/products/({ids})` with
//! `expand=availability,images,prices,variations` answers with what a shopper of that site sees, in
//! the requested currency and locale, at most [`MAX_SHOP_IDS`] products a call. [`apply_details`]
//! lays those details over the Data API documents, so mapping reads one product either way.

use super::{
    ImageGroup, Inventory, MasterRef, Product, ProductType, Variant, VariationAttribute,
    OCAPI_VERSION,
};
// Ids may hold spaces or commas.
use crate::clerk::percent_encode as encode;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The most product ids one Shop API `products/(ids)` call takes.
pub const MAX_SHOP_IDS: usize = 24;

/// The expansions the connector asks the Shop API for.
pub const SHOP_EXPAND: &str = "availability,images,prices,variations";

/// The header that names the API client on Shop API calls.
pub const CLIENT_ID_HEADER: &str = "x-dw-client-id";

/// What one site sells products with: its id, the shopper locale and currency, and the inventory
/// list to count stock from (the site's own when `None`).
#[derive(Debug, Clone, Copy)]
pub struct SiteView<'a> {
    /// SFCC site id (`RefArch`).
    pub site_id: &'a str,
    /// Locale (`en-US`).
    pub locale: &'a str,
    /// ISO 4217 currency (`USD`).
    pub currency: &'a str,
    /// An inventory list other than the site's own.
    pub inventory_list: Option<&'a str>,
}

/// Path and query of a Shop API `products/(ids)` call for `ids` (at most [`MAX_SHOP_IDS`]).
pub fn shop_products_path(site: &SiteView<'_>, ids: &[String]) -> String {
    let mut path = format!(
        "/s/{}/dw/shop/{OCAPI_VERSION}/products/({})?expand={SHOP_EXPAND}&currency={}&locale={}&all_images=false",
        encode(site.site_id),
        ids.iter().map(|id| encode(id)).collect::<Vec<_>>().join(","),
        encode(site.currency),
        encode(site.locale),
    );
    if let Some(list) = site.inventory_list {
        path.push_str("&inventory_ids=");
        path.push_str(&encode(list));
    }
    path
}

/// One product as the Shop API answers for a site.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ShopProduct {
    /// Product id.
    pub id: String,
    /// Name in the requested locale.
    #[serde(default)]
    pub name: Option<String>,
    /// Short description in the requested locale.
    #[serde(default)]
    pub short_description: Option<String>,
    /// Long description in the requested locale.
    #[serde(default)]
    pub long_description: Option<String>,
    /// The price a shopper pays, in `currency`.
    #[serde(default)]
    pub price: Option<f64>,
    /// Prices by price book id (`expand=prices`).
    #[serde(default)]
    pub prices: BTreeMap<String, f64>,
    /// Currency of the prices.
    #[serde(default)]
    pub currency: Option<String>,
    /// Images (`expand=images`).
    #[serde(default)]
    pub image_groups: Vec<ImageGroup>,
    /// Availability in the site's inventory list (`expand=availability`).
    #[serde(default)]
    pub inventory: Option<ShopInventory>,
    /// Availability in the lists asked for with `inventory_ids`.
    #[serde(default)]
    pub inventories: Vec<ShopInventory>,
    /// Variants of a master (`expand=variations`).
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// Variation attributes of a master (`expand=variations`).
    #[serde(default)]
    pub variation_attributes: Vec<VariationAttribute>,
    /// For a variant (or a master): its master, which the Data API's search leaves out.
    #[serde(default)]
    pub master: Option<MasterRef>,
    /// The primary category, when the Data API's hit had none.
    #[serde(default)]
    pub primary_category_id: Option<String>,
    /// The product's kind.
    #[serde(default, rename = "type")]
    pub kind: Option<ProductType>,
}

/// A Shop API inventory record.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ShopInventory {
    /// Inventory list id.
    #[serde(default)]
    pub id: Option<String>,
    /// Available to sell.
    #[serde(default)]
    pub ats: f64,
    /// Whether it can be ordered.
    #[serde(default)]
    pub orderable: bool,
}

impl From<&ShopInventory> for Inventory {
    fn from(i: &ShopInventory) -> Self {
        Inventory {
            ats: i.ats,
            orderable: i.orderable,
        }
    }
}

/// A Shop API answer that is not a `products` result.
#[derive(Debug, thiserror::Error)]
#[error("not an OCAPI Shop API products result: {0}")]
pub struct ShopError(String);

#[derive(Deserialize)]
struct ShopResult {
    #[serde(default)]
    data: Vec<serde_json::Value>,
}

/// A product id with the reason its document did not parse.
pub type Malformed = (String, String);

/// Parses a `products/(ids)` answer. A document that does not parse is left out of the first
/// list and named in the second with its parse error.
pub fn parse_shop_products(body: &str) -> Result<(Vec<ShopProduct>, Vec<Malformed>), ShopError> {
    let result: ShopResult = serde_json::from_str(body).map_err(|e| ShopError(e.to_string()))?;
    let mut products = Vec::with_capacity(result.data.len());
    let mut malformed = Vec::new();
    for doc in result.data {
        let id = doc
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or("(no id)")
            .to_string();
        match serde_json::from_value::<ShopProduct>(doc) {
            Ok(p) => products.push(p),
            Err(e) => malformed.push((id, e.to_string())),
        }
    }
    Ok((products, malformed))
}

/// True when a Data API document is one the site sells, so its details are worth asking for.
pub fn wants_details(product: &Product, site_id: &str) -> bool {
    let on = |flag: &Option<super::SiteFlag>| flag.as_ref().is_none_or(|f| f.for_site(site_id));
    on(&product.online_flag) && on(&product.searchable)
}

/// What laying a site's details over a page came to.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// Products the site wanted but the Shop API did not return (not in the site's catalog, or
    /// not sellable there): the store should not offer them.
    pub gone: Vec<String>,
    /// Products whose detail document did not parse: bad records, neither sent nor deleted.
    pub malformed: Vec<Malformed>,
}

/// Lays the site's details over the documents that want them. Documents without usable details
/// are taken out of `products` and named in the answer.
pub fn apply_details(
    products: &mut Vec<Product>,
    details: Vec<ShopProduct>,
    malformed: Vec<Malformed>,
    site: &SiteView<'_>,
) -> Applied {
    let mut by_id: HashMap<String, ShopProduct> =
        details.into_iter().map(|d| (d.id.clone(), d)).collect();
    let mut applied = Applied::default();
    products.retain_mut(|p| {
        if !wants_details(p, site.site_id) {
            return true;
        }
        if let Some(d) = by_id.remove(&p.id) {
            overlay(p, d, site);
            return true;
        }
        match malformed.iter().find(|(id, _)| *id == p.id) {
            Some(bad) => applied.malformed.push(bad.clone()),
            None => applied.gone.push(p.id.clone()),
        }
        false
    });
    applied
}

fn overlay(p: &mut Product, d: ShopProduct, site: &SiteView<'_>) {
    let locale = site.locale.to_string();
    for (field, value) in [
        (&mut p.name, d.name),
        (&mut p.short_description, d.short_description),
        (&mut p.long_description, d.long_description),
    ] {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            field.0.insert(locale.clone(), v);
        }
    }
    // Prices and stock are the site's, in its currency: nothing of the Data API's is kept.
    p.price = d.price;
    p.list_price = None;
    p.prices = d.prices;
    p.currency = d.currency.or_else(|| Some(site.currency.to_string()));
    p.price_currency = None;
    p.ats = None;
    p.in_stock = None;
    if !d.image_groups.is_empty() {
        p.image_groups = d.image_groups;
    }
    p.inventory = d.inventory.as_ref().map(Inventory::from);
    p.inventories = d
        .inventories
        .iter()
        .filter_map(|i| Some((i.id.clone()?, Inventory::from(i))))
        .collect();
    if !d.variants.is_empty() {
        p.variants = d.variants;
    }
    if !d.variation_attributes.is_empty() {
        p.variation_attributes = d.variation_attributes;
    }
    if p.kind.is_none() {
        p.kind = d.kind;
    }
    if p.primary_category_id.is_none() {
        p.primary_category_id = d.primary_category_id;
    }
    // The Shop API names a master for the master itself too: only a variant's counts.
    if p.master.is_none() && p.kind.as_ref().is_some_and(ProductType::is_variant) {
        p.master = d.master.filter(|m| m.master_id != p.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const US: SiteView<'static> = SiteView {
        site_id: "RefArch",
        locale: "en-US",
        currency: "USD",
        inventory_list: None,
    };

    fn data_doc(id: &str, online: bool) -> Product {
        serde_json::from_value(json!({
            "id": id, "name": {"default": "Shirt", "de-DE": "Hemd"},
            "online_flag": {"default": true, "RefArch": online},
            "price": 1.0, "prices": {"stale-book": 2.0}, "c_fit": "slim"
        }))
        .unwrap()
    }

    #[test]
    fn the_path_names_site_ids_currency_locale_and_inventory_lists() {
        let ids = vec!["A 1".to_string(), "B,2".to_string()];
        assert_eq!(
            shop_products_path(&US, &ids),
            "/s/RefArch/dw/shop/v24_5/products/(A%201,B%2C2)?expand=availability,images,prices,variations&currency=USD&locale=en-US&all_images=false"
        );
        let de = SiteView {
            site_id: "RefArchGlobal",
            locale: "de-DE",
            currency: "EUR",
            inventory_list: Some("inventory_m_eu"),
        };
        assert!(shop_products_path(&de, &ids[..1])
            .ends_with("currency=EUR&locale=de-DE&all_images=false&inventory_ids=inventory_m_eu"));
    }

    #[test]
    fn details_replace_prices_and_stock_and_add_the_locale_name() {
        let (details, bad) = parse_shop_products(
            &json!({"count": 1, "data": [{
                "id": "A", "name": "Oxford Shirt", "price": 39.5, "currency": "USD",
                "prices": {"usd-m-list-prices": 49.0},
                "inventory": {"id": "inventory_m", "ats": 7, "orderable": true},
                "inventories": [{"id": "inventory_m_eu", "ats": 2, "orderable": true}],
                "image_groups": [{"view_type": "large", "images": [{"link": "https://img/a.jpg"}]}]
            }]})
            .to_string(),
        )
        .unwrap();
        assert!(bad.is_empty());
        let mut products = vec![data_doc("A", true)];
        assert_eq!(
            apply_details(&mut products, details, bad, &US),
            Applied::default()
        );
        let p = &products[0];
        assert_eq!(p.price, Some(39.5));
        assert_eq!(p.prices.get("stale-book"), None);
        assert_eq!(p.prices.get("usd-m-list-prices"), Some(&49.0));
        assert_eq!(p.inventory.as_ref().map(|i| i.ats), Some(7.0));
        assert_eq!(p.inventories["inventory_m_eu"].ats, 2.0);
        assert_eq!(p.name.get("en-US"), Some("Oxford Shirt"));
        assert_eq!(p.name.get("de-DE"), Some("Hemd"));
        assert_eq!(
            p.image("large").and_then(|i| i.link.as_deref()),
            Some("https://img/a.jpg")
        );
        assert_eq!(p.other.get("c_fit"), Some(&json!("slim")));
    }

    #[test]
    fn the_shop_api_names_a_variants_master_which_the_search_left_out() {
        let (details, _) = parse_shop_products(
            &json!({"count": 2, "data": [
                {"id": "V1", "type": {"variant": true}, "master": {"master_id": "M1"}, "price": 1.0,
                 "primary_category_id": "shirts"},
                {"id": "M1", "type": {"master": true}, "master": {"master_id": "M1"}, "price": 1.0}
            ]})
            .to_string(),
        )
        .unwrap();
        let mut products = vec![data_doc("V1", true), data_doc("M1", true)];
        apply_details(&mut products, details, Vec::new(), &US);
        assert_eq!(
            products[0].master,
            Some(MasterRef {
                master_id: "M1".into()
            })
        );
        assert!(products[0].is_variant());
        assert_eq!(products[0].primary_category_id.as_deref(), Some("shirts"));
        assert_eq!(products[1].master, None, "a master is not its own variant");
        assert!(products[1].is_master() && !products[1].is_variant());
    }

    #[test]
    fn a_product_the_site_did_not_return_is_taken_out_and_named() {
        let mut products = vec![data_doc("A", true), data_doc("OFF", false)];
        let applied = apply_details(&mut products, Vec::new(), Vec::new(), &US);
        assert_eq!(applied.gone, ["A"]);
        // The offline one is not the Shop API's to answer for: mapping removes it as offline.
        assert_eq!(products.len(), 1);
        assert_eq!(products[0].id, "OFF");
        assert_eq!(products[0].price, Some(1.0));
    }

    #[test]
    fn malformed_answers_are_errors_and_malformed_documents_are_named() {
        assert!(parse_shop_products("[1]").is_err());
        let (ok, bad) =
            parse_shop_products(r#"{"data": [{"id": "A", "price": "cheap"}, {"id": "B"}]}"#)
                .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(bad[0].0, "A");
        assert!(bad[0].1.contains("invalid type"), "{bad:?}");
        // A product whose details did not parse is a bad record, not one gone from the site.
        let mut products = vec![data_doc("A", true), data_doc("B", true)];
        let applied = apply_details(&mut products, ok, bad, &US);
        assert!(applied.gone.is_empty());
        assert_eq!(applied.malformed.len(), 1);
        assert_eq!(products.len(), 1);
    }
}
