//! The pieces of a Clerk product that need more than a copy: prices from price books, stock from
//! inventory lists, attributes from rules, and a master's roll-up of its variants.

use super::validate::FieldProblem;
use crate::clerk::{PRODUCT_FIELDS, RESERVED_ATTRIBUTES};
use crate::config::{CustomAttributes, FieldMapping};
use crate::sfcc::{in_store, Product};
use crate::store::StoreConfig;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A product's prices in the store's currency.
pub struct Prices {
    /// What shoppers pay.
    pub price: f64,
    /// Price before discount.
    pub list_price: Option<f64>,
}

/// Resolves the store's prices: the document's `price` when it is in the store's currency, else the
/// sale price book, else (for a master) its cheapest variant; the list price from the list price
/// book, else the lowest of a SCAPI master's list price range, else a `list_price` in the
/// store's currency.
pub fn prices(
    p: &Product,
    store: &StoreConfig,
    mapping: &FieldMapping,
    rollup: Option<&Rollup>,
) -> Result<Prices, FieldProblem> {
    let currency_ok = p.price_currency().is_none_or(|c| c == store.currency);
    let book = |own: &Option<String>, pattern: &str| {
        own.clone()
            .unwrap_or_else(|| FieldMapping::book(pattern, &store.currency))
    };
    let sale_book = book(&store.sale_price_book, &mapping.sale_price_book);
    let list_book = book(&store.list_price_book, &mapping.list_price_book);
    let price = p
        .price
        .filter(|_| currency_ok)
        .or_else(|| p.prices.get(&sale_book).copied())
        .or_else(|| rollup.and_then(|r| r.min_price).filter(|_| currency_ok));
    let Some(price) = price else {
        let reason = match (&p.price, p.price_currency()) {
            (Some(_), Some(c)) if !currency_ok => {
                format!(
                    "currency {c} is not the store's {} and price book {sale_book:?} has no price",
                    store.currency
                )
            }
            _ => "missing".to_string(),
        };
        return Err(FieldProblem::new("price", reason));
    };
    // A SCAPI master's list price range: its lowest, beside a price that is the cheapest
    // variant's sale price.
    let list_range = || {
        p.price_ranges
            .iter()
            .find(|r| r.pricebook == list_book)
            .and_then(|r| r.min_price)
    };
    let list_price = p
        .prices
        .get(&list_book)
        .copied()
        .or_else(list_range)
        .or(p.list_price.filter(|_| currency_ok));
    Ok(Prices { price, list_price })
}

/// Units in stock and whether the product can be bought, from the store's inventory list (or the
/// document's `inventory`, or a Data API document's calculated `ats` and `in_stock`), or for a
/// master from its variants.
pub fn stock(
    p: &Product,
    store: &StoreConfig,
    rollup: Option<&Rollup>,
) -> (Option<i64>, Option<bool>) {
    let record = store
        .inventory_list
        .as_ref()
        .and_then(|list| p.inventories.get(list))
        .or(p.inventory.as_ref());
    // A Data API document's calculated units (site-independent).
    let calculated_ats = p.ats.filter(|a| a.is_finite());
    match (rollup, record) {
        // A master is in stock when any orderable variant has stock; its stock is the variants'
        // sum when known, else its own record's.
        (Some(r), _) => (
            r.total_ats
                .or(record.map(|inv| inv.ats))
                .or(calculated_ats)
                .map(|a| a.floor() as i64),
            Some(r.in_stock),
        ),
        (None, Some(inv)) => (
            Some(inv.ats.floor() as i64),
            Some(inv.orderable && inv.ats >= 1.0),
        ),
        // A Data API document: its calculated `ats` and `in_stock`.
        (None, None) => (
            calculated_ats.map(|a| a.floor() as i64),
            p.in_stock.or(p.ats.map(|a| a >= 1.0)),
        ),
    }
}

/// An attribute of the document by its SFCC name, a localizable or site-specific one as the
/// store's site has it in the store's locale.
fn lookup(p: &Product, from: &str, store: &StoreConfig) -> Option<Value> {
    let text = |s: &Option<String>| s.clone().map(Value::String);
    match from {
        "brand" => text(&p.brand),
        "primary_category_id" => text(&p.primary_category_id),
        "category_ids" | "assigned_categories" => Some(json!(p.all_category_ids())),
        _ => p
            .other
            .get(from)
            .and_then(|v| in_store(v, &store.site_id, &store.locale)),
    }
    .filter(|v| {
        !v.is_null() && v.as_str() != Some("") && v.as_array().is_none_or(|a| !a.is_empty())
    })
}

/// Custom attributes (`c_*`, without the prefix) as Clerk attributes, unless only listed ones pass;
/// a localizable or site-specific one with its value on the store's site in the store's locale
/// (left out when it has none there).
/// One whose name without the prefix is a Clerk product field of its own (`c_brand`, `c_price`)
/// or an attribute with a meaning of its own (`c_index`, `c_on_sale`: [`RESERVED_ATTRIBUTES`])
/// keeps its prefix, so it neither clashes with nor overwrites that field; so does one whose
/// name without it still starts with `c_` (`c_c_x`), so it cannot take the name of another
/// (`c_x` becomes `x`, never `c_x`). Every custom attribute keeps a name of its own.
pub fn custom_attributes(
    p: &Product,
    mapping: &FieldMapping,
    store: &StoreConfig,
) -> BTreeMap<String, Value> {
    match mapping.custom_attributes {
        CustomAttributes::All => p
            .custom_attributes()
            .filter_map(|(k, v)| Some((k, in_store(v, &store.site_id, &store.locale)?)))
            .map(|(k, v)| {
                let bare = k.strip_prefix("c_").unwrap_or(k);
                let reserved =
                    PRODUCT_FIELDS.contains(&bare) || RESERVED_ATTRIBUTES.contains(&bare);
                let name = if reserved || bare.starts_with("c_") {
                    k
                } else {
                    bare
                };
                (name.to_string(), v)
            })
            .collect(),
        CustomAttributes::Listed => BTreeMap::new(),
    }
}

/// Applies the configured attribute rules (localizable and site-specific attributes read as the
/// store's site has them in its locale); they win over anything else of the same name, and a
/// custom attribute a rule reads is not passed through under its prefixed name as well. A value
/// that cannot be its rule's type is left out and answered as a problem of that attribute.
pub fn apply_rules(
    p: &Product,
    mapping: &FieldMapping,
    store: &StoreConfig,
    out: &mut BTreeMap<String, Value>,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for (name, rule) in &mapping.attributes {
        let value = lookup(p, &rule.from, store)
            .map(|v| rule.transform.iter().fold(v, |v, t| t.apply(v)))
            .or_else(|| rule.default.clone());
        let value = match (value, rule.kind) {
            (Some(v), Some(kind)) => kind
                .coerce(v)
                .map_err(|reason| {
                    problems.push(FieldProblem::new(
                        name.clone(),
                        format!("type {} (from {}): {reason}", kind.as_str(), rule.from),
                    ));
                })
                .ok(),
            (v, _) => v,
        };
        match value {
            Some(v) => out.insert(name.clone(), v),
            None => out.remove(name),
        };
        // A custom attribute a rule reads under another name is that rule's: its copy passed
        // through under its own prefixed name (`c_color`, kept because `color` is Clerk's) goes.
        if rule.from.starts_with("c_") && *name != rule.from {
            out.remove(&rule.from);
        }
    }
    problems
}

/// What a master's variants add to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    /// Variant ids.
    pub ids: Vec<String>,
    /// Display values per variation attribute (`color` → `["Blue", "Red"]`).
    pub values: BTreeMap<String, Vec<String>>,
    /// Cheapest variant price.
    pub min_price: Option<f64>,
    /// Dearest variant price.
    pub max_price: Option<f64>,
    /// True when any orderable variant has stock (or no stock figure).
    pub in_stock: bool,
    /// Sum of the variants' stock, when known.
    pub total_ats: Option<f64>,
}

/// Rolls a master's variants up into one product's worth of facts.
pub fn variant_rollup(p: &Product, locale: &str) -> Rollup {
    let prices: Vec<f64> = p
        .variants
        .iter()
        .filter_map(|v| v.price)
        .filter(|x| x.is_finite())
        .collect();
    let ats: Vec<f64> = p.variants.iter().filter_map(|v| v.ats).collect();
    let mut values = BTreeMap::new();
    for attr in &p.variation_attributes {
        let used: Vec<String> = attr
            .values
            .iter()
            .filter(|val| {
                p.variants
                    .iter()
                    .any(|v| v.variation_values.get(attr.key()) == Some(&val.value))
            })
            .map(|val| val.name.get(locale).unwrap_or(&val.value).to_string())
            .collect();
        values.insert(attr.key().to_string(), used);
    }
    Rollup {
        ids: p.variants.iter().map(|v| v.product_id.clone()).collect(),
        values,
        min_price: prices.iter().copied().reduce(f64::min),
        max_price: prices.iter().copied().reduce(f64::max),
        in_stock: p
            .variants
            .iter()
            .any(|v| v.orderable && v.ats.is_none_or(|a| a >= 1.0)),
        total_ats: (!ats.is_empty()).then(|| ats.iter().sum()),
    }
}

impl Rollup {
    /// Adds `variants`, one `<attribute>s` list per variation attribute (`colors`, `sizes`), and
    /// `min_price` / `max_price`.
    pub fn add_to(&self, attributes: &mut BTreeMap<String, Value>) {
        attributes.insert("variants".into(), json!(self.ids));
        for (attr, values) in &self.values {
            attributes.insert(format!("{attr}s"), json!(values));
        }
        if let (Some(min), Some(max)) = (self.min_price, self.max_price) {
            attributes.insert("min_price".into(), json!(min));
            attributes.insert("max_price".into(), json!(max));
        }
    }
}

#[cfg(all(test, feature = "toml"))]
mod tests {
    use crate::config::ConnectorConfig;
    use crate::mapping::{map_page, map_product, Mapped};
    use crate::sfcc::Product;
    use serde_json::json;

    const CONFIG: &str = r#"
        [mapping.attributes.colors]
        from = "c_colors"
        transform = ["lowercase", "split:,"]
        [mapping.attributes.material]
        from = "c_material"
        default = "unspecified"
        [[store]]
        name = "us"
        site_id = "RefArch"
        locale = "en-US"
        currency = "USD"
        clerk_public_key = "pub_us"
        product_url_template = "https://shop.example/{locale}/{id}"
        [[store]]
        name = "de"
        site_id = "RefArchGlobal"
        locale = "de-DE"
        currency = "EUR"
        clerk_public_key = "pub_de"
        product_url_template = "https://shop.example/{locale}/{id}"
        inventory_list = "inventory_m_eu"
    "#;

    fn master() -> Product {
        serde_json::from_value(json!({
            "id": "M1", "type": {"master": true},
            "name": {"default": "Polo", "de-DE": "Poloshirt"},
            "online_flag": {"RefArch": true, "RefArchGlobal": true},
            "currency": "USD", "price": 30.0,
            "prices": {"usd-m-list-prices": 40.0, "eur-m-list-prices": 38.0, "eur-m-sale-prices": 28.0},
            "image_groups": [{"view_type": "large", "images": [{"abs_url": "https://img.example/m1.jpg"}]}],
            "inventories": {"inventory_m_eu": {"ats": 0.0, "orderable": false}},
            "c_colors": "Blue, RED", "c_fit": "regular",
            "variation_attributes": [
                {"id": "color", "values": [{"value": "BLUE", "name": "Blue"}, {"value": "RED", "name": "Red"}, {"value": "GREEN", "name": "Green"}]},
                {"id": "size", "values": [{"value": "M"}, {"value": "L"}]}
            ],
            "variants": [
                {"product_id": "M1-BLUE-M", "price": 30.0, "orderable": false, "ats": 0, "variation_values": {"color": "BLUE", "size": "M"}},
                {"product_id": "M1-RED-L", "price": 35.0, "orderable": true, "ats": 4, "variation_values": {"color": "RED", "size": "L"}}
            ]
        }))
        .unwrap()
    }

    fn upsert(p: &Product, store: &str) -> crate::clerk::ClerkProduct {
        let config = ConnectorConfig::from_toml(CONFIG).unwrap();
        match map_product(p, config.store(Some(store)).unwrap(), &config.mapping).unwrap() {
            Mapped::Upsert(c, _) => *c,
            other => panic!("expected an upsert, got {other:?}"),
        }
    }

    #[test]
    fn a_master_carries_its_variants_sizes_colours_and_price_range() {
        let us = upsert(&master(), "us");
        assert_eq!(
            (us.price, us.list_price, us.stock),
            (30.0, Some(40.0), Some(4))
        );
        assert_eq!(us.attributes["variants"], json!(["M1-BLUE-M", "M1-RED-L"]));
        assert_eq!(
            us.attributes["colors"],
            json!(["blue", "red"]),
            "the configured rule wins over the roll-up"
        );
        assert_eq!(us.attributes["sizes"], json!(["M", "L"]));
        assert_eq!(
            (
                us.attributes["min_price"].clone(),
                us.attributes["max_price"].clone()
            ),
            (json!(30.0), json!(35.0))
        );
        assert_eq!(
            us.attributes["in_stock"],
            json!(true),
            "one orderable variant has stock"
        );
        assert_eq!(us.attributes["material"], json!("unspecified"));
        assert_eq!(us.attributes["fit"], json!("regular"));
    }

    #[test]
    fn each_store_gets_its_locale_currency_and_price_books() {
        let de = upsert(&master(), "de");
        assert_eq!(de.name, "Poloshirt");
        assert_eq!((de.price, de.list_price), (28.0, Some(38.0)));
        assert_eq!(de.url, "https://shop.example/de-DE/M1");
    }

    #[test]
    fn without_variant_stock_the_store_inventory_list_gives_the_stock() {
        let mut p = master();
        for v in &mut p.variants {
            v.ats = None;
            v.orderable = false;
        }
        let de = upsert(&p, "de");
        assert_eq!(
            (de.stock, de.attributes["in_stock"].clone()),
            (Some(0), json!(false)),
            "no orderable variant; stock from the store's inventory list"
        );
        p.variants.clear();
        p.kind = None;
        let de = upsert(&p, "de");
        assert_eq!(
            (de.stock, de.attributes["in_stock"].clone()),
            (Some(0), json!(false))
        );
    }

    #[test]
    fn a_variant_document_refreshes_its_master() {
        let variant: Product = serde_json::from_value(
            json!({"id": "M1-RED-L", "type": {"variant": true}, "master": {"master_id": "M1"}}),
        )
        .unwrap();
        let config = ConnectorConfig::from_toml(CONFIG).unwrap();
        let page = map_page(
            [&variant, &variant.clone()],
            &config.stores[0],
            &config.mapping,
        );
        assert_eq!(page.masters_to_refresh, ["M1"]);
        assert!(page.upserts.is_empty());
    }

    #[test]
    fn a_shop_api_document_maps_too() {
        // Shop API: names as plain strings in the requested locale, absolute image links.
        let shop: Product = serde_json::from_value(json!({
            "id": "701644329402M", "name": "Striped Shirt", "short_description": "<p>Soft.</p>",
            "currency": "USD", "price": 54.99, "prices": {"usd-m-list-prices": 64.99},
            "image_groups": [{"view_type": "large", "images": [{"link": "https://img.example/x.jpg"}]}],
            "inventory": {"ats": 9, "orderable": true, "id": "inventory_m"},
            "primary_category_id": "womens-tops"
        }))
        .unwrap();
        let c = upsert(&shop, "us");
        assert_eq!(
            (
                c.name.as_str(),
                c.description.as_str(),
                c.price,
                c.list_price
            ),
            ("Striped Shirt", "Soft.", 54.99, Some(64.99))
        );
        assert_eq!(c.image, "https://img.example/x.jpg");
    }
}
