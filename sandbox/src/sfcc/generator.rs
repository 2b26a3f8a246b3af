//! A deterministic, realistic catalog of any size. A document is a pure function of (index, seed),
//! so a page of a 1,000,000-product catalog is computed on demand and nothing is held in memory.
//!
//! Shape: OCAPI product documents (snake_case) for two sites — `RefArch` (en-US, USD, `usd-m-*`
//! price books, inventory list `inventory_m`) and `RefArchGlobal` (de-DE / fr-FR, EUR, `eur-m-*`,
//! `inventory_m_eu`). About 30% are masters with 2–6 variants.
//!
//! Deliberately bad records, withheld from Clerk (see [`is_deliberately_bad`]):
//! - index % 97 == 13: no price in any currency;
//! - index % 389 == 5: a relative `large` image URL and no `abs_url`.
//!
//! And records with a deliberately wrong optional field, sent without it (see
//! [`wrong_optional_field`]):
//! - index % 211 == 7 (unless bad already): a negative list price.
//!
//! Also: index % 53 == 3 is offline on `RefArch` only. Every generated `last_modified` is before
//! [`GENERATED_BEFORE`]; changed documents get the real time.

use serde_json::{json, Value};

/// Every generated document was last modified before this time.
pub const GENERATED_BEFORE: &str = "2026-11-10T00:00:00.000Z";

/// The id of the product at `index`.
pub fn id(index: u64) -> String {
    format!("P{index:07}")
}

/// The index of a generated id, if it is one.
pub fn index_of(id: &str) -> Option<u64> {
    let digits = id.strip_prefix('P')?;
    (digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())?
}

/// splitmix64: a well-mixed u64 from any u64.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn cents(v: u64) -> f64 {
    v as f64 / 100.0
}

/// Why the product at `index` is deliberately invalid, if it is.
pub fn is_deliberately_bad(index: u64) -> Option<&'static str> {
    if index % 97 == 13 {
        Some("no price in any currency")
    } else if index % 389 == 5 {
        Some("relative image URL")
    } else {
        None
    }
}

/// The optional field the product at `index` has wrong, if any: Clerk gets it without that
/// field.
pub fn wrong_optional_field(index: u64) -> Option<&'static str> {
    (index % 211 == 7 && is_deliberately_bad(index).is_none()).then_some("list_price")
}

/// True when the product at `index` is offline on `site`.
pub fn is_offline(index: u64, site: &str) -> bool {
    site == "RefArch" && index % 53 == 3
}

const COLORS: [(&str, &str); 5] = [
    ("BLUE", "Blue"),
    ("RED", "Red"),
    ("BLACK", "Black"),
    ("WHITE", "White"),
    ("GREEN", "Green"),
];
const SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
const NOUNS: [(&str, &str, &str); 6] = [
    ("Shirt", "Hemd", "Chemise"),
    ("Trousers", "Hose", "Pantalon"),
    ("Dress", "Kleid", "Robe"),
    ("Jacket", "Jacke", "Veste"),
    ("Scarf", "Schal", "Écharpe"),
    ("Belt", "Gürtel", "Ceinture"),
];
const BRANDS: [&str; 4] = ["Sandbox Apparel", "Maison Sandbox", "North Loop", "Kestrel"];
const MATERIALS: [&str; 4] = ["cotton", "wool", "linen", "leather"];

/// The document of the product at `index` in the catalog of `seed`.
pub fn product(index: u64, seed: u64) -> Value {
    let r = mix(index ^ seed.rotate_left(17));
    let pick = |n: usize, salt: u64| (mix(r ^ salt) % n as u64) as usize;
    let id = id(index);
    let (en, de, fr) = NOUNS[pick(NOUNS.len(), 1)];
    let (color, _) = COLORS[pick(COLORS.len(), 2)];
    let usd = 1_000 + r % 19_000;
    let eur = usd * 92 / 100;
    let day = 1 + index % 9;
    let mut doc = json!({
        "id": id,
        "type": {"item": true},
        "name": {"default": format!("{en} {index}"), "de-DE": format!("{de} {index}"), "fr-FR": format!("{fr} {index}")},
        "short_description": {"default": format!("<p>A {} {}.</p>", MATERIALS[pick(4, 3)], en.to_lowercase()),
                              "de-DE": format!("<p>{de} aus {}.</p>", MATERIALS[pick(4, 3)])},
        "brand": BRANDS[pick(BRANDS.len(), 4)],
        "online_flag": {"default": true, "RefArch": !is_offline(index, "RefArch"), "RefArchGlobal": true},
        "searchable": {"default": true},
        "creation_date": format!("2025-{:02}-{:02}T08:00:00.000Z", 1 + index % 12, 1 + index % 28),
        "last_modified": format!("2026-11-{day:02}T{:02}:{:02}:00.000Z", index % 24, index % 60),
        "primary_category_id": format!("cat-{}", en.to_lowercase()),
        "category_ids": [format!("cat-{}", en.to_lowercase()), format!("collection-{}", pick(8, 5))],
        "currency": "USD",
        "price": cents(usd),
        "prices": {
            "usd-m-list-prices": cents(usd * 125 / 100), "usd-m-sale-prices": cents(usd),
            "eur-m-list-prices": cents(eur * 125 / 100), "eur-m-sale-prices": cents(eur)
        },
        "image_groups": [
            {"view_type": "large", "images": [{"abs_url": format!("https://images.sandbox.example/large/{id}.jpg"), "link": format!("large/{id}.jpg"), "alt": en}]},
            {"view_type": "small", "images": [{"abs_url": format!("https://images.sandbox.example/small/{id}.jpg"), "link": format!("small/{id}.jpg"), "alt": en}]}
        ],
        "inventory": {"ats": (r % 40) as f64, "orderable": !r.is_multiple_of(40)},
        "inventories": {
            "inventory_m": {"ats": (r % 40) as f64, "orderable": !r.is_multiple_of(40)},
            "inventory_m_eu": {"ats": (r % 17) as f64, "orderable": !r.is_multiple_of(17)}
        },
        "c_color": color,
        "c_material": MATERIALS[pick(4, 3)],
        "c_isNew": index.is_multiple_of(7)
    });
    if r % 10 < 3 {
        let n = 2 + pick(5, 6);
        let variants: Vec<Value> = (0..n)
            .map(|v| {
                let (c, _) = COLORS[(pick(COLORS.len(), 2) + v / SIZES.len()) % COLORS.len()];
                let size = SIZES[v % SIZES.len()];
                let ats = mix(r ^ (v as u64 + 100)) % 6;
                json!({"product_id": format!("{id}-{c}-{size}"), "price": cents(usd), "orderable": ats > 0, "ats": ats,
                       "variation_values": {"color": c, "size": size}})
            })
            .collect();
        let used = |attr: &str| -> Vec<String> {
            let mut vals: Vec<String> = variants
                .iter()
                .filter_map(|v| v["variation_values"][attr].as_str().map(String::from))
                .collect();
            vals.dedup();
            vals
        };
        doc["type"] = json!({"master": true});
        doc["variation_attributes"] = json!([
            {"id": "color", "values": used("color").iter().map(|c| json!({"value": c, "name": COLORS.iter().find(|(v, _)| v == c).map_or(c.as_str(), |(_, n)| n)})).collect::<Vec<_>>()},
            {"id": "size", "values": used("size").iter().map(|s| json!({"value": s, "name": s})).collect::<Vec<_>>()}
        ]);
        doc["variants"] = json!(variants);
    }
    match is_deliberately_bad(index) {
        Some("no price in any currency") => {
            if let Some(d) = doc.as_object_mut() {
                d.remove("price");
            }
            doc["prices"] = json!({});
            if let Some(vs) = doc["variants"].as_array_mut() {
                for v in vs {
                    if let Some(v) = v.as_object_mut() {
                        v.remove("price");
                    }
                }
            }
        }
        Some(_) => doc["image_groups"][0]["images"][0] = json!({"link": format!("large/{id}.jpg")}),
        None => {}
    }
    if wrong_optional_field(index).is_some() {
        doc["prices"]["usd-m-list-prices"] = json!(-5.0);
        doc["prices"]["eur-m-list-prices"] = json!(-5.0);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_seeded() {
        assert_eq!(product(42, 1), product(42, 1));
        assert_ne!(product(42, 1)["price"], product(42, 2)["price"]);
        assert_eq!(index_of(&id(999_999)), Some(999_999));
        assert_eq!(index_of("25518704M"), None);
    }

    #[test]
    fn bad_records_are_bad_as_documented() {
        assert!(product(13, 1).get("price").is_none());
        assert_eq!(product(7, 1)["prices"]["usd-m-list-prices"], -5.0);
        assert_eq!(
            (is_deliberately_bad(7), wrong_optional_field(7)),
            (None, Some("list_price"))
        );
        assert!(product(5, 1)["image_groups"][0]["images"][0]
            .get("abs_url")
            .is_none());
        assert_eq!(product(3, 1)["online_flag"]["RefArch"], false);
        let masters = (0..1000)
            .filter(|i| product(*i, 1)["type"]["master"] == true)
            .count();
        assert!(
            (200..400).contains(&masters),
            "about 30% masters: {masters}"
        );
    }
}
