use super::fields::{apply_rules, custom_attributes, prices, stock, variant_rollup, Prices};
use super::html::strip_html;
use super::validate::{validate, FieldProblem, RecordError};
use crate::clerk::ClerkProduct;
use crate::config::{DescriptionSource, FieldMapping};
use crate::sfcc::{parse_iso8601_utc, Product};
use crate::store::StoreConfig;
use serde_json::Value;
use std::collections::HashSet;

/// What one SFCC product means for one Clerk store.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapped {
    /// Send this product, without the fields named in the warnings (see [`REQUIRED_FIELDS`]).
    Upsert(Box<ClerkProduct>, Vec<FieldProblem>),
    /// The product is not sellable on the store's site (offline or not searchable): Clerk must not
    /// hold it.
    Remove {
        /// The product id.
        id: String,
        /// Why it is removed.
        reason: &'static str,
    },
    /// A variant: Clerk holds its master, which must be mapped again to reflect the variant.
    VariantOf {
        /// The variant's id.
        id: String,
        /// Its master's id.
        master_id: String,
    },
}

/// Maps one SFCC product document for one store, validating the result.
pub fn map_product(
    p: &Product,
    store: &StoreConfig,
    mapping: &FieldMapping,
) -> Result<Mapped, RecordError> {
    if let Some(master_id) = p.master_id() {
        return Ok(Mapped::VariantOf {
            id: p.id.clone(),
            master_id: master_id.to_string(),
        });
    }
    // A variant whose master is not named (the Data API's search leaves the relationship out;
    // the Shop API names it for a site that sells the variant): never a Clerk product of its own.
    if p.is_variant() {
        return Ok(Mapped::Remove {
            id: p.id.clone(),
            reason: "a variant: its master stands for it",
        });
    }
    let online = p
        .online_flag
        .as_ref()
        .is_none_or(|f| f.for_site(&store.site_id));
    let searchable = p
        .searchable
        .as_ref()
        .is_none_or(|f| f.for_site(&store.site_id));
    if !online || !searchable {
        let reason = if online { "not searchable" } else { "offline" };
        return Ok(Mapped::Remove {
            id: p.id.clone(),
            reason,
        });
    }

    let mut problems = Vec::new();
    let name = p.name.get(&store.locale).unwrap_or_default().to_string();
    let rollup = p.is_master().then(|| variant_rollup(p, &store.locale));
    let Prices { price, list_price } = match prices(p, store, mapping, rollup.as_ref()) {
        Ok(prices) => prices,
        Err(problem) => {
            problems.push(problem);
            Prices {
                price: 0.0,
                list_price: None,
            }
        }
    };
    let image = match p.image(&store.image_view_type) {
        Some(img) => img
            .abs_url
            .clone()
            .or_else(|| img.link.clone())
            .unwrap_or_default(),
        None => {
            problems.push(FieldProblem::new(
                "image",
                format!("no {:?} image", store.image_view_type),
            ));
            String::new()
        }
    };
    // Clerk needs a creation time: SFCC's, else its last change.
    let created = p.creation_date.as_deref().or(p.last_modified.as_deref());
    let created_at = match created.map(parse_iso8601_utc) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            problems.push(FieldProblem::new("created_at", e.to_string()));
            0
        }
        // A Shop API document (the operators' dry run) has neither.
        None => 0,
    };
    let categories = p.categories_in(&store.catalog_id);
    let description = match mapping.description {
        DescriptionSource::ShortDescription => &p.short_description,
        DescriptionSource::LongDescription => &p.long_description,
    }
    .get(&store.locale)
    .unwrap_or_default();
    let description = if mapping.strip_html {
        strip_html(description)
    } else {
        description.to_string()
    };
    let (stock, in_stock) = stock(p, store, rollup.as_ref());
    let mut attributes = custom_attributes(p, mapping, store);
    if let Some(in_stock) = in_stock {
        attributes.insert("in_stock".into(), Value::Bool(in_stock));
    }
    if let Some(r) = &rollup {
        r.add_to(&mut attributes);
    }
    problems.extend(apply_rules(p, mapping, store, &mut attributes));

    let mut product = ClerkProduct {
        id: p.id.clone(),
        name,
        description,
        price,
        list_price,
        image,
        url: store.product_url(&p.id),
        categories,
        created_at,
        brand: p.brand.clone(),
        sku: Some(p.id.clone()),
        stock,
        attributes,
    };
    // A field already reported by the mapping is not reported again by validation.
    for problem in validate(&product) {
        if !problems.iter().any(|p| p.field == problem.field) {
            problems.push(problem);
        }
    }
    if problems
        .iter()
        .any(|p| REQUIRED_FIELDS.contains(&p.field.as_str()))
    {
        return Err(RecordError {
            product_id: p.id.clone(),
            problems,
        });
    }
    let warnings = problems
        .into_iter()
        .map(|problem| {
            drop_field(&mut product, &problem.field);
            FieldProblem::new(
                problem.field,
                format!("{} (sent without it)", problem.reason),
            )
        })
        .collect();
    Ok(Mapped::Upsert(Box::new(product), warnings))
}

/// The fields a product is withheld for when they are missing or wrong: what Clerk needs of
/// every product (an id, a name, a price, its page and image URLs, a creation time; Clerk's
/// product reference lists `list_price`, `brand`, `stock` and any attribute as optional), and a
/// document that could not be read. A problem with any other field drops that field, and the
/// product is sent without it.
pub const REQUIRED_FIELDS: [&str; 7] = [
    "id",
    "name",
    "price",
    "url",
    "image",
    "created_at",
    "document",
];

/// Leaves out a field Clerk can do without: its list price or stock (the optional product fields
/// the mapping or [`validate`] can find wrong), else the attribute of that name.
fn drop_field(product: &mut ClerkProduct, field: &str) {
    match field {
        "list_price" => product.list_price = None,
        "stock" => product.stock = None,
        attribute => {
            product.attributes.remove(attribute);
        }
    }
}

/// The outcome of mapping one page of products for one store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMapping {
    /// Products to send.
    pub upserts: Vec<ClerkProduct>,
    /// Product ids Clerk must not hold.
    pub removals: Vec<String>,
    /// Masters whose variants changed, to map again.
    pub masters_to_refresh: Vec<String>,
    /// Records not sent, with their problems.
    pub rejected: Vec<RecordError>,
    /// Records sent without a field that had a problem, with the problems.
    pub warnings: Vec<RecordError>,
}

/// Maps a page of products; a product id seen twice is rejected the second time.
pub fn map_page<'a>(
    products: impl IntoIterator<Item = &'a Product>,
    store: &StoreConfig,
    mapping: &FieldMapping,
) -> PageMapping {
    let mut out = PageMapping::default();
    let mut seen = HashSet::new();
    for p in products {
        if !seen.insert(p.id.as_str()) {
            out.rejected.push(RecordError {
                product_id: p.id.clone(),
                problems: vec![FieldProblem::new(
                    "id",
                    "appears more than once in the page",
                )],
            });
            continue;
        }
        match map_product(p, store, mapping) {
            Ok(Mapped::Upsert(c, warnings)) => {
                if !warnings.is_empty() {
                    out.warnings.push(RecordError {
                        product_id: c.id.clone(),
                        problems: warnings,
                    });
                }
                out.upserts.push(*c);
            }
            Ok(Mapped::Remove { id, .. }) => out.removals.push(id),
            Ok(Mapped::VariantOf { master_id, .. }) => {
                if !out.masters_to_refresh.contains(&master_id) {
                    out.masters_to_refresh.push(master_id);
                }
            }
            Err(e) => out.rejected.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> StoreConfig {
        StoreConfig {
            name: "refarch-de".into(),
            site_id: "RefArch".into(),
            locale: "de-DE".into(),
            currency: "EUR".into(),
            clerk_public_key: "pub".into(),
            product_url_template: "https://shop.example.com/{locale}/{id}.html".into(),
            image_view_type: "large".into(),
            list_price_book: None,
            sale_price_book: None,
            inventory_list: None,
            private_key_secret: "CLERK_PRIVATE_KEY".into(),
            dw_dnt: None,
            catalog_id: "storefront-catalog-m-en".into(),
            category_url_template: None,
            customer_list: None,
            subscribed_attribute: "c_subscribed".into(),
        }
    }

    fn doc(extra: Value) -> Product {
        let mut base = json!({
            "id": "25518704M",
            "name": {"default": "Shirt", "de": "Hemd"},
            "short_description": {"default": "<p>Soft &amp; light</p>"},
            "brand": "Acme",
            "online_flag": {"default": false, "RefArch": true},
            "creation_date": "2026-01-31T12:00:00.000Z",
            "primary_category_id": "mens-shirts",
            "category_ids": ["mens-shirts", "sale"],
            "price": 39.5, "list_price": 49.0, "currency": "EUR",
            "image_groups": [
                {"view_type": "small", "images": [{"abs_url": "https://img.example.com/s.jpg"}]},
                {"view_type": "large", "images": [{"abs_url": "https://img.example.com/l.jpg"}]}
            ],
            "inventory": {"ats": 7.0, "orderable": true},
            "c_color": "blue",
            "c_isNew": true,
            "unrelated": 1
        });
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn a_custom_attribute_named_like_a_clerk_field_keeps_its_prefix() {
        let p = doc(json!({"c_price": "cheap", "c_brand": "House", "c_fit": "slim"}));
        let Mapped::Upsert(c, _) = map_product(&p, &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        assert_eq!((c.price, c.brand.as_deref()), (39.5, Some("Acme")));
        assert_eq!(c.attributes["c_price"], json!("cheap"));
        assert_eq!(c.attributes["c_brand"], json!("House"));
        assert_eq!(c.attributes["fit"], json!("slim"));
        // The request body names each field once and reads back as the same product.
        let body = serde_json::to_string(&c).unwrap();
        assert_eq!(body.matches("\"price\":").count(), 1, "{body}");
        assert_eq!(serde_json::from_str::<ClerkProduct>(&body).unwrap(), *c);
        // Attributes Clerk reads a meaning into are never taken by a passed-through one:
        // `index: "no"` would keep the product out of Clerk's index.
        let p =
            doc(json!({"c_index": "no", "c_on_sale": "yes", "c_in_stock": false, "c_gender": "f"}));
        let Mapped::Upsert(c, _) = map_product(&p, &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        for reserved in ["index", "on_sale", "gender"] {
            assert!(!c.attributes.contains_key(reserved), "{reserved}: {c:?}");
        }
        assert_eq!(
            (
                &c.attributes["c_index"],
                &c.attributes["c_gender"],
                &c.attributes["in_stock"]
            ),
            (&json!("no"), &json!("f"), &json!(true)),
            "kept under their own names; in_stock is the stock's"
        );
    }

    #[test]
    fn a_typed_rule_makes_its_facet_one_type_and_reports_a_value_that_cannot_be() {
        let mapping: FieldMapping = serde_json::from_value(json!({"attributes": {
            "size": {"from": "c_size", "type": "number"},
            "colors": {"from": "c_color", "type": "list"},
        }}))
        .unwrap();
        let Mapped::Upsert(c, _) =
            map_product(&doc(json!({"c_size": " 42 "})), &store(), &mapping).unwrap()
        else {
            panic!("expected an upsert")
        };
        assert_eq!(
            (&c.attributes["size"], &c.attributes["colors"]),
            (&json!(42), &json!(["blue"]))
        );
        assert!(
            !c.attributes.contains_key("c_color") && !c.attributes.contains_key("color"),
            "the attribute the rule read is the rule's alone: {c:?}"
        );
        let Mapped::Upsert(c, warnings) =
            map_product(&doc(json!({"c_size": "XL"})), &store(), &mapping).unwrap()
        else {
            panic!("expected an upsert: a wrong attribute only drops the attribute")
        };
        assert!(!c.attributes.contains_key("size"));
        assert_eq!(
            warnings,
            [FieldProblem::new(
                "size",
                "type number (from c_size): expected a number, found \"XL\" (sent without it)"
            )]
        );
        // Without the attribute, nothing to type: the product goes without it.
        let Mapped::Upsert(c, _) = map_product(&doc(json!({})), &store(), &mapping).unwrap() else {
            panic!("expected an upsert")
        };
        assert!(!c.attributes.contains_key("size"));
    }

    #[test]
    fn localizable_attributes_reach_each_store_in_its_locale() {
        // The Data API sends a localizable attribute as its values by locale.
        let p = doc(json!({
            "c_material": {"default": "Cotton", "de": "Baumwolle", "fr-FR": "Coton"},
            "c_care": {"en-US": "Machine wash"},
        }));
        let mapping: FieldMapping = serde_json::from_value(json!({"attributes": {
            "fabric": {"from": "c_material", "transform": ["lowercase"]},
        }}))
        .unwrap();
        let in_store = |locale: &str| {
            let store = StoreConfig {
                locale: locale.into(),
                ..store()
            };
            match map_product(&p, &store, &mapping).unwrap() {
                Mapped::Upsert(c, _) => c.attributes,
                other => panic!("expected an upsert, got {other:?}"),
            }
        };
        let de = in_store("de-DE");
        assert_eq!(
            (&de["material"], &de["fabric"]),
            (&json!("Baumwolle"), &json!("baumwolle"))
        );
        assert!(
            !de.contains_key("care"),
            "no German value and no default: left out"
        );
        let fr = in_store("fr_FR");
        assert_eq!(
            (&fr["material"], &fr["fabric"]),
            (&json!("Coton"), &json!("coton"))
        );
        let us = in_store("en-US");
        assert_eq!(
            (&us["material"], &us["care"]),
            (&json!("Cotton"), &json!("Machine wash"))
        );
    }

    #[test]
    fn the_data_apis_category_assignments_in_the_stores_catalog_are_its_categories() {
        let p = doc(json!({
            "category_ids": [],
            "assigned_categories": [
                {"catalog_id": "storefront-catalog-m-en", "category_id": "new-arrivals"},
                {"catalog_id": "storefront-catalog-m-en", "category_id": "mens-shirts"},
                {"catalog_id": "apparel-m-catalog", "category_id": "master-shirts"}
            ]
        }));
        let Mapped::Upsert(c, _) = map_product(&p, &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        assert_eq!(
            c.categories,
            ["mens-shirts", "new-arrivals"],
            "primary first, each once, only the store's catalog"
        );
    }

    #[test]
    fn without_a_creation_date_the_last_change_is_the_creation_time() {
        let mut p = doc(json!({"last_modified": "2026-11-01T10:00:00.000Z"}));
        p.creation_date = None;
        let Mapped::Upsert(c, _) = map_product(&p, &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        assert_eq!(c.created_at, 1_793_527_200);
    }

    /// The Shop API's `master` object as OCAPI documents it on a master (`Master`: `master_id`,
    /// `orderable`, `price`, `link`), naming the master itself; and on a variant, naming its
    /// master (OCAPI Shop API `Product` document reference).
    #[test]
    fn a_master_naming_itself_is_a_master_and_a_variant_names_another() {
        let own = json!({"master_id": "25518704M", "orderable": true, "price": 39.5,
                         "link": "https://example.com/s/RefArch/dw/shop/v24_5/products/25518704M"});
        for kind in [json!({"master": true}), json!(null)] {
            let p = doc(json!({"type": kind, "master": own}));
            assert!(!p.is_variant(), "{kind}");
            assert_eq!(p.master_id(), None);
            let mapped = map_product(&p, &store(), &FieldMapping::default()).unwrap();
            assert!(matches!(mapped, Mapped::Upsert(..)), "{kind}: {mapped:?}");
        }
        let variant = doc(json!({"id": "701643421084M", "type": {"variant": true}, "master": own}));
        assert!(variant.is_variant());
        match map_product(&variant, &store(), &FieldMapping::default()).unwrap() {
            Mapped::VariantOf { id, master_id } => {
                assert_eq!(
                    (id.as_str(), master_id.as_str()),
                    ("701643421084M", "25518704M")
                )
            }
            other => panic!("expected a variant of its master, got {other:?}"),
        }
        // A document without `type` naming another product as its master is that product's variant.
        let untyped = doc(json!({"id": "V2", "master": own}));
        assert!(untyped.is_variant());
        assert_eq!(untyped.master_id(), Some("25518704M"));
    }

    #[test]
    fn a_variant_without_its_master_named_is_not_a_clerk_product() {
        for kind in [json!({"variant": true}), json!({"variation_group": true})] {
            let p = doc(json!({"id": "V1", "type": kind}));
            match map_product(&p, &store(), &FieldMapping::default()).unwrap() {
                Mapped::Remove { id, .. } => assert_eq!(id, "V1"),
                other => panic!("expected a removal, got {other:?}"),
            }
        }
    }

    #[test]
    fn every_custom_attribute_keeps_a_name_of_its_own() {
        let p = doc(json!({"c_x": 1, "c_c_x": 2, "c_c_c_x": 3}));
        let Mapped::Upsert(c, _) = map_product(&p, &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        let names: Vec<(&str, &Value)> = c
            .attributes
            .iter()
            .filter(|(k, _)| k.ends_with('x'))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        assert_eq!(
            names,
            [
                ("c_c_c_x", &json!(3)),
                ("c_c_x", &json!(2)),
                ("x", &json!(1))
            ],
            "none lost to another of the same bare name"
        );
    }

    #[test]
    fn validation_refuses_an_attribute_named_like_a_clerk_field() {
        let Mapped::Upsert(mut c, _) =
            map_product(&doc(json!({})), &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        c.attributes.insert("url".into(), json!("x"));
        let problems = validate(&c);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "url");
    }

    #[test]
    fn maps_every_field_for_the_store_locale() {
        let Mapped::Upsert(p, _) =
            map_product(&doc(json!({})), &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        assert_eq!(p.name, "Hemd");
        assert_eq!(p.description, "Soft & light");
        assert_eq!((p.price, p.list_price), (39.5, Some(49.0)));
        assert_eq!(p.image, "https://img.example.com/l.jpg");
        assert_eq!(p.url, "https://shop.example.com/de-DE/25518704M.html");
        assert_eq!(p.categories, vec!["mens-shirts", "sale"]);
        assert_eq!(p.created_at, 1_769_860_800);
        assert_eq!(p.stock, Some(7));
        // Clerk reads a meaning into `color`: without a rule, SFCC's c_color keeps its prefix.
        assert_eq!(p.attributes["c_color"], json!("blue"));
        assert_eq!(p.attributes["isNew"], json!(true));
        assert_eq!(p.attributes["in_stock"], json!(true));
        assert!(!p.attributes.contains_key("unrelated"));
    }

    #[test]
    fn offline_and_unsearchable_products_are_removed() {
        let off = doc(json!({"online_flag": false}));
        assert_eq!(
            map_product(&off, &store(), &FieldMapping::default()).unwrap(),
            Mapped::Remove {
                id: "25518704M".into(),
                reason: "offline"
            }
        );
        let hidden = doc(json!({"searchable": {"RefArch": false}}));
        assert!(matches!(
            map_product(&hidden, &store(), &FieldMapping::default()).unwrap(),
            Mapped::Remove {
                reason: "not searchable",
                ..
            }
        ));
    }

    #[test]
    fn reports_every_problem_with_field_and_reason() {
        let bad = doc(json!({
            "name": {}, "price": -1.0, "list_price": null, "currency": "EUR",
            "image_groups": [], "creation_date": "yesterday", "c_bad-name": 1
        }));
        let err = map_product(&bad, &store(), &FieldMapping::default()).unwrap_err();
        assert_eq!(err.product_id, "25518704M");
        let fields: Vec<_> = err.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["image", "created_at", "name", "price", "bad-name"]);
        assert!(err
            .to_string()
            .starts_with("product 25518704M: image: no \"large\" image"));
    }

    #[test]
    fn a_wrong_price_withholds_the_product_and_a_wrong_optional_field_only_drops_the_field() {
        let usd = doc(json!({"currency": "USD"}));
        let err = map_product(&usd, &store(), &FieldMapping::default()).unwrap_err();
        assert_eq!(err.problems[0].field, "price");
        // A list price below the price and an attribute Clerk cannot take: sent without them.
        let inverted = doc(json!({"list_price": 10.0, "c_bad-name": 1}));
        let Mapped::Upsert(c, warnings) =
            map_product(&inverted, &store(), &FieldMapping::default()).unwrap()
        else {
            panic!("expected an upsert")
        };
        assert_eq!((c.price, c.list_price), (39.5, None));
        assert!(!c.attributes.contains_key("bad-name"));
        assert_eq!(c.attributes["isNew"], json!(true), "the rest is kept");
        let fields: Vec<_> = warnings.iter().map(|w| w.field.as_str()).collect();
        assert_eq!(fields, ["list_price", "bad-name"]);
        assert!(
            warnings[0].reason.ends_with("(sent without it)"),
            "{warnings:?}"
        );
        // On a page: sent, and reported.
        let m = map_page([&inverted], &store(), &FieldMapping::default());
        assert_eq!((m.upserts.len(), m.rejected.len()), (1, 0));
        assert_eq!(m.warnings[0].product_id, "25518704M");
        assert_eq!(m.warnings[0].problems, warnings);
    }

    #[test]
    fn a_page_goes_on_past_bad_records_and_duplicates() {
        let good = doc(json!({}));
        let bad = doc(json!({"id": "BAD", "price": null}));
        let off = doc(json!({"id": "OFF", "online_flag": false}));
        let page = [good.clone(), bad, off, good];
        let m = map_page(&page, &store(), &FieldMapping::default());
        assert_eq!(m.upserts.len(), 1);
        assert_eq!(m.removals, vec!["OFF"]);
        let rejected: Vec<_> = m
            .rejected
            .iter()
            .map(|r| (r.product_id.as_str(), r.problems[0].field.as_str()))
            .collect();
        assert_eq!(rejected, [("BAD", "price"), ("25518704M", "id")]);
    }
}
