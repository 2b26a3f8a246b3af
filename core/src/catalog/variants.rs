//! Which master stands for a variant in Clerk. The catalog sync sends masters, each naming its
//! variants; storefronts name the variant a shopper picked (SFRA's add to cart posts it, PWA
//! Kit's `addToCart` activity and SCAPI's order lines name it). The worker records, from each
//! master it sends, which master each of its variants belongs to, and the events consumer names
//! the master in every Clerk call.

use crate::clerk::ClerkProduct;

/// The variant ids each product among `products` names (its `variants` attribute), for the
/// products that have any: what the worker records as the variants' master.
pub fn variants_of(products: &[ClerkProduct]) -> Vec<(&str, Vec<&str>)> {
    products
        .iter()
        .filter_map(|p| {
            let ids: Vec<&str> = p
                .attributes
                .get("variants")?
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str())
                .filter(|v| !v.is_empty() && *v != p.id)
                .collect();
            (!ids.is_empty()).then_some((p.id.as_str(), ids))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masters_name_their_variants_and_others_nothing() {
        let product = |id: &str, variants: serde_json::Value| {
            let mut doc = json!({"id": id, "name": id, "description": "", "price": 1.0,
                "image": "https://img.example/a.jpg", "url": "https://shop.example/a",
                "categories": [], "created_at": 0});
            if !variants.is_null() {
                doc["variants"] = variants;
            }
            serde_json::from_value::<ClerkProduct>(doc).unwrap()
        };
        let products = [
            product("M1", json!(["M1-RED-S", "M1-RED-M", "M1"])),
            product("P2", json!(null)),
            product("M3", json!([])),
        ];
        assert_eq!(
            variants_of(&products),
            [("M1", vec!["M1-RED-S", "M1-RED-M"])]
        );
    }
}
