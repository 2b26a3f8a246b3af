//! Two views of one stored product, as SFCC's two APIs show it.
//!
//! The stand-in keeps one document per product holding everything (localized texts, prices in
//! every currency, stock in every inventory list). The Data API's `product_search` shows the
//! product as merchandisers edit it: no prices, stock or images, which live in price books,
//! inventory lists and the Shop API's view. The Shop API's `products/(ids)` shows it as a
//! shopper of one site sees it: texts in one locale, prices in one currency, stock from the
//! site's (or the named) inventory lists.

use serde_json::{json, Map, Value};

/// Fields only the Shop API shows.
const SHOP_ONLY: [&str; 8] = [
    "price",
    "list_price",
    "prices",
    "currency",
    "inventory",
    "inventories",
    "image_groups",
    "variation_attributes",
];

/// Fields a merchandiser's change may touch without changing the product's `last_modified`:
/// price book entries and inventory records are objects of their own in SFCC.
pub const NOT_THE_PRODUCTS_OWN: [&str; 5] =
    ["price", "list_price", "prices", "inventory", "inventories"];

/// The storefront catalog the stored products' categories belong to.
pub const STOREFRONT_CATALOG: &str = "storefront-catalog-m-en";

/// The Data API's view of a stored product, as its search returns it without expansions.
pub fn data_view(doc: Value) -> Value {
    data_view_expanded(doc, &[])
}

/// The Data API's view of a stored product with the search's `expand` values. Descriptions are
/// localized markup text there (each locale's value a `markup_text` document); site-specific
/// flags key a site's value `default@{site}`; master and variant relationships are left out;
/// category assignments (`assigned_categories`: catalog and category ids) come only with the
/// `categories` (or `all`) expansion.
pub fn data_view_expanded(mut doc: Value, expand: &[&str]) -> Value {
    let categories = expand.iter().any(|e| *e == "categories" || *e == "all");
    if let Some(obj) = doc.as_object_mut() {
        for field in SHOP_ONLY.iter().chain(&["variants", "master"]) {
            obj.remove(*field);
        }
        for field in ["online_flag", "searchable"] {
            if let Some(Value::Object(per_site)) = obj.get_mut(field) {
                *per_site = std::mem::take(per_site)
                    .into_iter()
                    .map(|(k, v)| match k.as_str() {
                        "default" => (k, v),
                        site => (format!("default@{site}"), v),
                    })
                    .collect();
            }
        }
        // Category assignments are catalog and category ids there.
        let assignments = obj.remove("category_ids").filter(|_| categories);
        if let Some(ids) = assignments {
            let assigned = match ids {
                Value::Array(ids) => ids
                    .iter()
                    .map(|id| json!({"catalog_id": STOREFRONT_CATALOG, "category_id": id}))
                    .collect(),
                // A malformed value stays malformed, under the Data API's name.
                other => other,
            };
            obj.insert("assigned_categories".into(), assigned);
        }
        for field in ["short_description", "long_description"] {
            if let Some(Value::Object(per_locale)) = obj.get_mut(field) {
                for text in per_locale.values_mut() {
                    if let Value::String(s) = text {
                        *text = json!({"_type": "markup_text", "markup": s, "source": s});
                    }
                }
            }
        }
    }
    doc
}

/// Whether a site-specific flag (`online_flag`, `searchable`) holds for `site`; absent means yes.
pub fn flag_for_site(flag: &Value, site: &str) -> bool {
    match flag {
        Value::Bool(b) => *b,
        Value::Object(m) => m
            .get(site)
            .or_else(|| m.get("default"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        _ => true,
    }
}

/// One shopper's view: site, locale, currency, and inventory lists asked for by id.
pub struct ShopView<'a> {
    /// Site id.
    pub site: &'a str,
    /// Locale, `de-DE`.
    pub locale: &'a str,
    /// Currency, `EUR`.
    pub currency: &'a str,
    /// `inventory_ids` of the request.
    pub inventory_ids: Vec<&'a str>,
}

fn localized(value: &Value, locale: &str) -> Option<Value> {
    let Value::Object(m) = value else {
        return value.as_str().map(|s| json!(s));
    };
    let language = locale.split(['-', '_']).next().unwrap_or_default();
    [
        locale.to_string(),
        locale.replace('-', "_"),
        language.to_string(),
        "default".into(),
    ]
    .iter()
    .find_map(|k| m.get(k).cloned())
}

/// The price book entries of a product in `currency` (books are named `{currency}-…`); the
/// document's own `price` and `list_price` stand for the `-m-sale-prices` and `-m-list-prices`
/// books of its own currency.
fn price_books(doc: &Value, currency: &str) -> Map<String, Value> {
    let lower = currency.to_lowercase();
    let mut books: Map<String, Value> = doc["prices"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with(&format!("{lower}-")))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    if doc["currency"].as_str() == Some(currency) {
        for (field, book) in [("price", "m-sale-prices"), ("list_price", "m-list-prices")] {
            if let Some(p) = doc.get(field).filter(|p| p.is_number()) {
                books.insert(format!("{lower}-{book}"), p.clone());
            }
        }
    }
    books
}

/// The Shop API's view of a stored product for `view`, or `None` when the site does not sell it.
pub fn shop_view(doc: &Value, view: &ShopView<'_>) -> Option<Value> {
    if !flag_for_site(&doc["online_flag"], view.site) {
        return None;
    }
    let books = price_books(doc, view.currency);
    let lower = view.currency.to_lowercase();
    let price = books
        .get(&format!("{lower}-m-sale-prices"))
        .or_else(|| books.get(&format!("{lower}-m-list-prices")))
        .cloned();
    let mut out = Map::new();
    for key in ["id", "brand", "primary_category_id", "type", "master"] {
        if let Some(v) = doc.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for key in ["name", "short_description", "long_description"] {
        if let Some(v) = doc.get(key).and_then(|v| localized(v, view.locale)) {
            out.insert(key.into(), v);
        }
    }
    for (k, v) in doc.as_object()?.iter().filter(|(k, _)| k.starts_with("c_")) {
        out.insert(k.clone(), v.clone());
    }
    out.insert("currency".into(), json!(view.currency));
    if let Some(p) = &price {
        out.insert("price".into(), p.clone());
    }
    out.insert("prices".into(), Value::Object(books));
    if let Some(groups) = doc["image_groups"].as_array() {
        // The Shop API's `link` is the absolute URL.
        let groups: Vec<Value> = groups
            .iter()
            .map(|g| {
                let images: Vec<Value> = g["images"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|i| json!({"link": i.get("abs_url").or(i.get("link")), "alt": i["alt"]}))
                    .collect();
                json!({"view_type": g["view_type"], "images": images})
            })
            .collect();
        out.insert("image_groups".into(), json!(groups));
    }
    let record = |list: Option<&str>| -> Option<Value> {
        let r = list
            .and_then(|l| doc["inventories"].get(l))
            .unwrap_or(&doc["inventory"]);
        r.is_object().then(|| {
            json!({"id": list.unwrap_or("inventory_m"), "ats": r["ats"], "orderable": r["orderable"]})
        })
    };
    if let Some(r) = record(None) {
        out.insert("inventory".into(), r);
    }
    if !view.inventory_ids.is_empty() {
        let lists: Vec<Value> = view
            .inventory_ids
            .iter()
            .filter_map(|l| record(Some(l)))
            .collect();
        out.insert("inventories".into(), json!(lists));
    }
    if let Some(attrs) = doc.get("variation_attributes") {
        out.insert("variation_attributes".into(), attrs.clone());
    }
    if let Some(variants) = doc["variants"].as_array() {
        // Variants are priced in the requested currency; the Shop API tells `orderable`, not ATS.
        let own_currency = doc["currency"].as_str() == Some(view.currency);
        let variants: Vec<Value> = variants
            .iter()
            .map(|v| {
                let mut o = Map::new();
                o.insert("product_id".into(), v["product_id"].clone());
                let p = if own_currency {
                    v.get("price").cloned()
                } else {
                    price.clone().filter(|_| v.get("price").is_some())
                };
                if let Some(p) = p {
                    o.insert("price".into(), p);
                }
                o.insert("orderable".into(), v["orderable"].clone());
                o.insert("variation_values".into(), v["variation_values"].clone());
                Value::Object(o)
            })
            .collect();
        out.insert("variants".into(), json!(variants));
    }
    // As OCAPI's Shop API does, a master names a master too: itself (the `Master` document:
    // `master_id`, `orderable`, `price`).
    if doc["type"]["master"] == true && !out.contains_key("master") {
        let orderable = doc["variants"]
            .as_array()
            .is_some_and(|vs| vs.iter().any(|v| v["orderable"] == true));
        let mut own = json!({"_type": "master", "master_id": doc["id"], "orderable": orderable});
        if let Some(p) = &price {
            own["price"] = p.clone();
        }
        out.insert("master".into(), own);
    }
    Some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "id": "A", "name": {"default": "Shirt", "de-DE": "Hemd"}, "brand": "B",
            "online_flag": {"default": true, "RefArch": false},
            "currency": "USD", "price": 10.0, "list_price": 12.0,
            "prices": {"eur-m-sale-prices": 9.0, "eur-m-list-prices": 11.0},
            "inventory": {"ats": 4.0, "orderable": true},
            "inventories": {"inventory_m_eu": {"ats": 1.0, "orderable": true}},
            "image_groups": [{"view_type": "large", "images": [{"abs_url": "https://i/a.jpg", "link": "a.jpg"}]}],
            "variants": [{"product_id": "A-1", "price": 10.0, "orderable": true, "ats": 2, "variation_values": {"size": "M"}}],
            "c_fit": "slim", "category_ids": ["shirts"],
            "short_description": {"default": "<p>Soft</p>"}
        })
    }

    #[test]
    fn the_data_view_has_no_prices_stock_images_or_variants() {
        let d = data_view(doc());
        for field in SHOP_ONLY.iter().chain(&["variants"]) {
            assert!(d.get(*field).is_none(), "{field}");
        }
        assert_eq!(d["c_fit"], "slim");
        assert_eq!(
            d["online_flag"],
            json!({"default": true, "default@RefArch": false}),
            "a site's value keyed default@{{site}}, as the Data API sends it"
        );
        assert!(
            d.get("assigned_categories").is_none() && d.get("category_ids").is_none(),
            "category assignments only with their expansion"
        );
        assert_eq!(
            data_view_expanded(doc(), &["categories"])["assigned_categories"],
            json!([{"catalog_id": "storefront-catalog-m-en", "category_id": "shirts"}])
        );
        assert_eq!(
            d["short_description"],
            json!({"default": {"_type": "markup_text", "markup": "<p>Soft</p>", "source": "<p>Soft</p>"}}),
            "localized markup text, as the Data API sends descriptions"
        );
    }

    #[test]
    fn the_shop_view_is_one_sites_locale_currency_and_stock() {
        let de = ShopView {
            site: "RefArchGlobal",
            locale: "de-DE",
            currency: "EUR",
            inventory_ids: vec!["inventory_m_eu"],
        };
        let v = shop_view(&doc(), &de).unwrap();
        assert_eq!(v["name"], "Hemd");
        assert_eq!(v["price"], 9.0);
        assert_eq!(
            v["prices"],
            json!({"eur-m-sale-prices": 9.0, "eur-m-list-prices": 11.0})
        );
        assert_eq!(v["inventories"][0]["ats"], 1.0);
        assert_eq!(v["image_groups"][0]["images"][0]["link"], "https://i/a.jpg");
        assert_eq!(v["variants"][0]["price"], 9.0);
        assert!(v["variants"][0].get("ats").is_none());
        let us = ShopView {
            site: "RefArch",
            locale: "en-US",
            currency: "USD",
            inventory_ids: vec![],
        };
        assert!(shop_view(&doc(), &us).is_none(), "offline on RefArch");
        let mut online = doc();
        online["online_flag"] = json!(true);
        let v = shop_view(&online, &us).unwrap();
        assert_eq!(
            (v["name"].as_str(), v["price"].as_f64()),
            (Some("Shirt"), Some(10.0))
        );
        assert_eq!(v["prices"]["usd-m-list-prices"], 12.0);
        assert!(v.get("master").is_none(), "an item names no master");
        let mut master = online;
        master["type"] = json!({"master": true});
        let v = shop_view(&master, &us).unwrap();
        assert_eq!(
            (&v["master"]["master_id"], &v["master"]["orderable"]),
            (&json!("A"), &json!(true)),
            "a master names itself, as OCAPI's Shop API does"
        );
    }
}
