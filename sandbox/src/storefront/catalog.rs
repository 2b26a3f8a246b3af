//! The storefront's view of the sandbox SFCC catalog: names, prices and stock for one site,
//! resolved the way the connector's mapping resolves them, so pages match what SFCC serves.

use super::site::{round2, Site};
use crate::sfcc::{categories, Selection, SfccState};
use serde_json::Value;

/// How many catalog documents a listing reads at most (generated catalogs can be huge).
pub const SCAN_LIMIT: u64 = 2_000;
/// How many tiles a listing shows.
pub const TILES: usize = 24;

/// A product as a site sells it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShopProduct {
    /// Product id (SKU).
    pub id: String,
    /// Localized name.
    pub name: String,
    /// Brand, may be empty.
    pub brand: String,
    /// Primary category id.
    pub category: String,
    /// Every category the product is assigned to.
    pub categories: Vec<String>,
    /// Price in the site's currency; `None` when no price book has one.
    pub price: Option<f64>,
    /// Can be bought now.
    pub in_stock: bool,
    /// Online on the site.
    pub online: bool,
    /// Large image URL.
    pub image: Option<String>,
    /// Localized short description (HTML as authored).
    pub description: String,
}

fn localized(v: &Value, site: Site) -> Option<String> {
    if let Some(s) = v.as_str() {
        return Some(s.to_string());
    }
    site.text_keys()
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(String::from)
}

impl ShopProduct {
    /// Reads an OCAPI product document for `site`. Price: the document's `price` when in the
    /// site's currency, else the sale price book, else the cheapest variant's price when in the
    /// site's currency (the connector's rule for Clerk's `price`).
    pub fn from_doc(doc: &Value, site: Site) -> Option<Self> {
        let id = doc["id"].as_str()?.to_string();
        let currency_ok = doc["currency"]
            .as_str()
            .is_none_or(|c| c == site.currency());
        let (sale, _) = site.price_books();
        let variant_min = doc["variants"].as_array().and_then(|vs| {
            vs.iter()
                .filter_map(|v| v["price"].as_f64())
                .reduce(f64::min)
        });
        let price = doc["price"]
            .as_f64()
            .filter(|_| currency_ok)
            .or_else(|| doc["prices"][sale].as_f64())
            .or(variant_min.filter(|_| currency_ok))
            .map(round2);
        let inventory = site
            .inventory_list()
            .map(|l| &doc["inventories"][l])
            .filter(|i| i.is_object())
            .unwrap_or(&doc["inventory"]);
        let in_stock = inventory["orderable"].as_bool().unwrap_or(false)
            && inventory["ats"].as_f64().is_some_and(|a| a >= 1.0);
        let online = doc["online_flag"][site.id()]
            .as_bool()
            .or(doc["online_flag"]["default"].as_bool())
            .unwrap_or(false);
        let categories = doc["category_ids"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            name: localized(&doc["name"], site).unwrap_or_else(|| id.clone()),
            brand: doc["brand"].as_str().unwrap_or_default().to_string(),
            category: doc["primary_category_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            categories,
            price,
            in_stock,
            online,
            image: doc["image_groups"][0]["images"][0]["abs_url"]
                .as_str()
                .map(String::from),
            description: localized(&doc["short_description"], site).unwrap_or_default(),
            id,
        })
    }

    /// Assigned to any of `categories` (its primary category or another assignment).
    pub fn in_any(&self, categories: &[String]) -> bool {
        categories
            .iter()
            .any(|c| *c == self.category || self.categories.contains(c))
    }
}

/// One product, if the catalog has it (online or not); a variant id is the variant, with its
/// master's name, categories and images, its own price and stock (as SFRA's product model
/// shows a selected variant).
pub fn product(sfcc: &SfccState, site: Site, pid: &str) -> Option<ShopProduct> {
    let (_, hits) = sfcc
        .catalog
        .search(&Selection::Ids(vec![pid.to_string()]), 0, 1);
    if let Some(found) = hits.first().and_then(|d| ShopProduct::from_doc(d, site)) {
        return Some(found);
    }
    let (_, docs) = sfcc.catalog.search(&Selection::All, 0, SCAN_LIMIT);
    docs.iter().find_map(|master| {
        let variant = master["variants"]
            .as_array()?
            .iter()
            .find(|v| v["product_id"] == pid)?;
        let mut shown = ShopProduct::from_doc(master, site)?;
        shown.id = pid.to_string();
        if let Some(p) = variant["price"]
            .as_f64()
            .filter(|_| site.currency() == "USD")
        {
            shown.price = Some(round2(p));
        }
        if let (Some(orderable), Some(ats)) =
            (variant["orderable"].as_bool(), variant["ats"].as_f64())
        {
            shown.in_stock = orderable && ats >= 1.0;
        }
        Some(shown)
    })
}

/// Online products with a price that pass `keep`, in catalog order, at most [`TILES`], from the
/// first [`SCAN_LIMIT`] documents.
pub fn listing(
    sfcc: &SfccState,
    site: Site,
    keep: impl Fn(&ShopProduct) -> bool,
) -> Vec<ShopProduct> {
    let (_, docs) = sfcc.catalog.search(&Selection::All, 0, SCAN_LIMIT);
    docs.iter()
        .filter_map(|d| ShopProduct::from_doc(d, site))
        .filter(|p| p.online && p.price.is_some() && keep(p))
        .take(TILES)
        .collect()
}

/// A category's localized name and the ids of it and all its descendants.
pub fn category(site: Site, cgid: &str) -> Option<(String, Vec<String>)> {
    let tree = categories();
    let node = tree.iter().find(|c| c["id"] == cgid)?;
    let name = localized(&node["name"], site).unwrap_or_else(|| cgid.to_string());
    let mut ids = vec![cgid.to_string()];
    let mut i = 0;
    while i < ids.len() {
        let parent = ids[i].clone();
        ids.extend(
            tree.iter()
                .filter(|c| c["parent_category_id"] == parent.as_str())
                .filter_map(|c| c["id"].as_str().map(String::from)),
        );
        i += 1;
    }
    Some((name, ids))
}

/// The top-level categories for the navigation: (id, localized name).
pub fn top_categories(site: Site) -> Vec<(String, String)> {
    categories()
        .iter()
        .filter(|c| c["parent_category_id"] == "root")
        .filter(|c| !c["id"].as_str().is_some_and(|id| id.starts_with("cat-")))
        .filter_map(|c| Some((c["id"].as_str()?.to_string(), localized(&c["name"], site)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sfcc::CatalogSpec;

    #[test]
    fn prices_follow_the_site() {
        let sfcc = SfccState::new("c", "s", &CatalogSpec::Sample);
        let us = product(&sfcc, Site::RefArch, "25518704M");
        let de = product(&sfcc, Site::RefArchGlobal, "25518704M");
        assert_eq!(
            us.as_ref().map(|p| (p.name.as_str(), p.price)),
            Some(("Oxford Shirt", Some(39.5)))
        );
        assert_eq!(
            de.as_ref().map(|p| (p.name.as_str(), p.price)),
            Some(("Oxford-Hemd", Some(36.0)))
        );
        assert_eq!(
            product(&sfcc, Site::RefArch, "25720424M").map(|p| p.price),
            Some(None)
        );
        assert!(product(&sfcc, Site::RefArch, "nope").is_none());
        let listed: Vec<String> = listing(&sfcc, Site::RefArch, |_| true)
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(listed, ["25518704M", "25519318M", "25565189M", "25752986M"]);
    }

    #[test]
    fn categories_include_descendants() {
        let (name, ids) = category(Site::RefArchGlobal, "mens").unwrap_or_default();
        assert_eq!(name, "Herren");
        assert!(ids.contains(&"mens-clothing-shirts".to_string()));
        assert!(category(Site::RefArch, "nope").is_none());
    }
}
