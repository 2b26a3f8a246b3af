use serde_json::{json, Value};

fn images(slug: &str) -> Value {
    json!([
        {"view_type": "large", "images": [{"abs_url": format!("https://images.sandbox.example/large/{slug}.jpg"), "link": format!("large/{slug}.jpg"), "alt": slug}]},
        {"view_type": "small", "images": [{"abs_url": format!("https://images.sandbox.example/small/{slug}.jpg"), "link": format!("small/{slug}.jpg"), "alt": slug}]}
    ])
}

/// A handful of OCAPI product documents: four sellable products (the shirt a master with two
/// size variants), one offline, one deliberately broken (no price in any currency). USD prices as the document's `price` (site `RefArch`), EUR
/// in the `eur-m-*` price books; localized names in `default`, `de` and `fr`, one localizable
/// custom attribute (the shirt's `c_material`) and one site-specific one (its `c_badge`).
pub fn sample_catalog() -> Vec<Value> {
    let mut products = vec![
        json!({
            "id": "25518704M", "name": {"default": "Oxford Shirt", "de": "Oxford-Hemd", "fr": "Chemise Oxford"},
            "short_description": {"default": "<p>Crisp <b>cotton</b> oxford &amp; button-down collar.</p>"},
            "brand": "Sandbox Apparel", "online_flag": {"default": true}, "searchable": {"default": true},
            "creation_date": "2026-01-15T09:30:00.000Z", "last_modified": "2026-11-01T10:00:00.000Z",
            "primary_category_id": "mens-clothing-shirts", "category_ids": ["mens-clothing-shirts", "new-arrivals"],
            "price": 39.5, "list_price": 49.0, "currency": "USD",
            "prices": {"eur-m-list-prices": 45.0, "eur-m-sale-prices": 36.0},
            "image_groups": images("oxford-shirt"),
            "inventory": {"ats": 42.0, "orderable": true},
            "c_color": "blue", "c_fit": "slim", "c_sleeveLength": "34",
            // Localizable: the Data API sends its values by locale.
            "c_material": {"default": "Cotton", "de": "Baumwolle", "fr": "Coton"},
            // Site-specific: the organization's value, and RefArchGlobal's own.
            "c_badge": {"default": "Classic", "default@RefArchGlobal": "Bestseller"},
            // A master: storefronts name the variant the shopper picked (SFRA's add-to-cart
            // post, PWA Kit's activities, order lines); Clerk holds the master.
            "type": {"master": true},
            "variation_attributes": [
                {"id": "size", "values": [{"value": "15L", "name": "15 Long"}, {"value": "16L", "name": "16 Long"}]}
            ],
            "variants": [
                {"product_id": "701643421084M", "price": 39.5, "orderable": true, "ats": 20, "variation_values": {"size": "15L"}},
                {"product_id": "701643421091M", "price": 39.5, "orderable": true, "ats": 22, "variation_values": {"size": "16L"}}
            ]
        }),
        json!({
            "id": "25519318M", "name": {"default": "Chino Trousers", "de": "Chinohose", "fr": "Pantalon chino"},
            "short_description": {"default": "Stretch twill chinos."},
            "brand": "Sandbox Apparel", "online_flag": {"default": true}, "searchable": {"default": true},
            "creation_date": "2026-02-01T12:00:00.000Z", "last_modified": "2026-11-02T10:00:00.000Z",
            "primary_category_id": "mens-clothing-pants",
            "price": 59.0, "currency": "USD",
            "prices": {"eur-m-sale-prices": 55.0},
            "image_groups": images("chino-trousers"),
            "inventory": {"ats": 0.0, "orderable": false},
            "c_color": "khaki"
        }),
        json!({
            "id": "25565189M", "name": {"default": "Wrap Dress", "de": "Wickelkleid", "fr": "Robe portefeuille"},
            "short_description": {"default": "Flowing jersey wrap dress."},
            "brand": "Maison Sandbox", "online_flag": {"default": true, "RefArch": true}, "searchable": {"default": true},
            "creation_date": "2026-03-10T08:00:00.000Z", "last_modified": "2026-11-03T10:00:00.000Z",
            "primary_category_id": "womens-clothing-dresses",
            "price": 129.0, "list_price": 129.0, "currency": "USD",
            "prices": {"eur-m-list-prices": 119.0, "eur-m-sale-prices": 119.0},
            "image_groups": images("wrap-dress"),
            "inventory": {"ats": 5.0, "orderable": true},
            "c_color": "red", "c_isNew": true
        }),
        json!({
            "id": "25604455M", "name": {"default": "Quilted Jacket"},
            "short_description": {"default": "Retired style."},
            "brand": "Sandbox Apparel", "online_flag": {"default": false}, "searchable": {"default": true},
            "creation_date": "2025-09-01T08:00:00.000Z", "last_modified": "2026-10-20T10:00:00.000Z",
            "primary_category_id": "mens-clothing-jackets",
            "price": 199.0, "currency": "USD",
            "image_groups": images("quilted-jacket"),
            "inventory": {"ats": 3.0, "orderable": true}
        }),
        json!({
            "id": "25720424M", "name": {"default": "Silk Scarf", "de": "Seidenschal", "fr": "Foulard en soie"},
            "short_description": {"default": "Price missing from the price book on purpose."},
            "brand": "Maison Sandbox", "online_flag": {"default": true}, "searchable": {"default": true},
            "creation_date": "2026-04-01T08:00:00.000Z", "last_modified": "2026-11-04T10:00:00.000Z",
            "primary_category_id": "womens-accessories-scarves",
            "currency": "USD",
            "image_groups": images("silk-scarf"),
            "inventory": {"ats": 12.0, "orderable": true}
        }),
        json!({
            "id": "25752986M", "name": {"default": "Leather Belt", "de": "Ledergürtel", "fr": "Ceinture en cuir"},
            "short_description": {"default": "Full-grain leather, brass buckle."},
            "brand": "Sandbox Apparel", "online_flag": {"default": true}, "searchable": {"default": true},
            "creation_date": "2026-05-05T08:00:00.000Z", "last_modified": "2026-11-05T10:00:00.000Z",
            "primary_category_id": "mens-accessories-belts",
            "price": 45.0, "currency": "USD",
            "prices": {"eur-m-sale-prices": 42.0},
            "image_groups": images("leather-belt"),
            "inventory": {"ats": 17.0, "orderable": true},
            "c_material": "leather"
        }),
    ];
    products.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    products
}
