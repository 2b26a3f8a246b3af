//! Events name the products Clerk holds: a variant's master
//! ([`crate::catalog::variants_of`] records which master each variant belongs to). An id the
//! lookup does not know passes unchanged, and [`unknown_products`] names the ids Clerk does not
//! hold, to be counted for the status page.

use super::Event;

/// Longest product id counted, characters (a page may send anything as an id).
pub const MAX_UNKNOWN_ID_CHARS: usize = 100;

/// Most ids counted per store and hour; further ids count under the empty id.
pub const UNKNOWN_IDS_PER_HOUR: u32 = 50;

/// The ids of `event` (as [`name_masters`] left them) that `held` says Clerk does not hold,
/// each once, in order, cut to [`MAX_UNKNOWN_ID_CHARS`].
pub fn unknown_products(event: &Event, held: impl Fn(&str) -> bool) -> Vec<String> {
    let mut unknown: Vec<String> = Vec::new();
    for product in &event.products {
        let id: String = product.id.chars().take(MAX_UNKNOWN_ID_CHARS).collect();
        if !held(&product.id) && !unknown.contains(&id) {
            unknown.push(id);
        }
    }
    unknown
}

/// Names each product of `event` by the master `master_of` knows it by, if any; answers how many
/// ids it replaced.
pub fn name_masters(event: &mut Event, master_of: impl Fn(&str) -> Option<String>) -> usize {
    let mut replaced = 0;
    for product in &mut event.products {
        if let Some(master) = master_of(&product.id).filter(|m| *m != product.id) {
            product.id = master;
            replaced += 1;
        }
    }
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{normalize, IngestContext, Source};

    #[test]
    fn a_variant_is_named_by_its_master_and_an_unknown_id_passes() {
        let ctx = IngestContext {
            store: "us",
            currency: "USD",
            visitor: None,
            customer: None,
            now_ms: 10,
            request_id: "r",
            source: Source::Server,
        };
        let mut sale = normalize(
            r#"{"type":"purchase","order_id":"O1","products":[
                {"id":"701643421084M","price":39.5,"quantity":1},
                {"id":"25518704M","price":20,"quantity":2},
                {"id":"UNKNOWN","price":1,"quantity":1}]}"#,
            &ctx,
        )
        .unwrap()
        .remove(0);
        let id_before = sale.id.clone();
        let lookup = |id: &str| match id {
            "701643421084M" => Some("25518704M".to_string()),
            "25518704M" => Some("25518704M".to_string()),
            _ => None,
        };
        assert_eq!(name_masters(&mut sale, lookup), 1);
        let ids: Vec<&str> = sale.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["25518704M", "25518704M", "UNKNOWN"]);
        assert_eq!(
            sale.products[0].price,
            Some(39.5),
            "the line keeps its price"
        );
        assert_eq!(sale.id, id_before, "the event keeps its id");
        let held = |id: &str| id == "25518704M";
        assert_eq!(unknown_products(&sale, held), ["UNKNOWN"]);
        sale.products.push(sale.products[2].clone());
        sale.products[3].id = "X".repeat(300);
        assert_eq!(
            unknown_products(&sale, held),
            ["UNKNOWN".to_string(), "X".repeat(MAX_UNKNOWN_ID_CHARS)],
            "each once, and cut"
        );
    }
}
