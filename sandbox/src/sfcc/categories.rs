//! The catalog's category tree, as the Data API serves it: the categories of the sample and the
//! generated catalogs, with English, German and French names.

use serde_json::{json, Value};

const TREE: [(&str, &str, &str, &str, &str); 16] = [
    ("root", "", "Storefront", "Storefront", "Vitrine"),
    ("mens", "root", "Men", "Herren", "Hommes"),
    ("womens", "root", "Women", "Damen", "Femmes"),
    (
        "mens-clothing-shirts",
        "mens",
        "Shirts",
        "Hemden",
        "Chemises",
    ),
    ("mens-clothing-pants", "mens", "Pants", "Hosen", "Pantalons"),
    (
        "mens-clothing-jackets",
        "mens",
        "Jackets",
        "Jacken",
        "Vestes",
    ),
    (
        "mens-accessories-belts",
        "mens",
        "Belts",
        "Gürtel",
        "Ceintures",
    ),
    (
        "womens-clothing-dresses",
        "womens",
        "Dresses",
        "Kleider",
        "Robes",
    ),
    (
        "womens-accessories-scarves",
        "womens",
        "Scarves",
        "Schals",
        "Écharpes",
    ),
    (
        "new-arrivals",
        "root",
        "New Arrivals",
        "Neuheiten",
        "Nouveautés",
    ),
    (
        "cat-shirt",
        "mens",
        "Shirts (all)",
        "Alle Hemden",
        "Toutes les chemises",
    ),
    (
        "cat-trousers",
        "mens",
        "Trousers",
        "Hosen (alle)",
        "Pantalons (tous)",
    ),
    (
        "cat-dress",
        "womens",
        "Dresses (all)",
        "Alle Kleider",
        "Toutes les robes",
    ),
    (
        "cat-jacket",
        "root",
        "Jackets (all)",
        "Alle Jacken",
        "Toutes les vestes",
    ),
    (
        "cat-scarf",
        "womens",
        "Scarves (all)",
        "Alle Schals",
        "Toutes les écharpes",
    ),
    (
        "cat-belt",
        "root",
        "Belts (all)",
        "Alle Gürtel",
        "Toutes les ceintures",
    ),
];

/// The category documents, parents before children.
pub fn categories() -> Vec<Value> {
    TREE.iter()
        .map(|(id, parent, en, de, fr)| {
            let mut c = json!({"id": id, "name": {"default": en, "de-DE": de, "fr-FR": fr}, "online": true});
            if !parent.is_empty() {
                c["parent_category_id"] = json!(parent);
            }
            c
        })
        .collect()
}
