//! A PWA Kit shopper's basket as it passes the worker. The retail app changes the basket through
//! SCAPI's Shopper Baskets API under its API proxy path (`/mobify/proxy/api`), and every change
//! answers the whole basket (shopper-baskets-oas 1.11.0 in commerce-sdk-isomorphic:
//! `addItemToBasket` `POST …/baskets/{basketId}/items`, `updateItemsInBasket`
//! `PATCH …/baskets/{basketId}/items`, `updateItemInBasket` `PATCH …/items/{itemId}`,
//! `removeItemFromBasket` `DELETE …/items/{itemId}`, each `200` with the `Basket`). The worker
//! reads the basket SCAPI answered — never what the app asked for — and Clerk gets it whole
//! (`log/cart/update`), as it gets SFRA's cart from SFRA's answers. A basket without
//! `productItems` is an empty one.

use super::RuleKind;
use crate::event::EventProduct;
use serde_json::Value;

/// The largest basket answer read (a basket of 200 lines is about 200 KiB with its prices,
/// promotions and shipments).
pub const MAX_BASKET_BYTES: usize = 256 * 1024;

/// The most lines taken from a basket; a longer one is not read.
const MAX_BASKET_LINES: usize = 200;

/// True for a call that changes a basket's lines right under `api_path`:
/// `{api_path}/checkout/shopper-baskets/{version}/organizations/{org}/baskets/{basketId}/items`
/// (`POST`, `PATCH`) or `…/items/{itemId}` (`PATCH`, `DELETE`).
pub fn is_basket_change(api_path: &str, method: &str, path: &str) -> bool {
    let Some(rest) = path.strip_prefix(api_path.trim_end_matches('/')) else {
        return false;
    };
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let method = method.to_ascii_uppercase();
    let (version, org, basket, item) = match segments.as_slice() {
        ["", "checkout", "shopper-baskets", v, "organizations", o, "baskets", b, "items"] => {
            (*v, *o, *b, None)
        }
        ["", "checkout", "shopper-baskets", v, "organizations", o, "baskets", b, "items", i] => {
            (*v, *o, *b, Some(*i))
        }
        _ => return false,
    };
    let shaped = version.starts_with('v') && !org.is_empty() && !basket.is_empty();
    shaped
        && match item {
            None => matches!(method.as_str(), "POST" | "PATCH"),
            Some(item) => !item.is_empty() && matches!(method.as_str(), "PATCH" | "DELETE"),
        }
}

/// The lines of a SCAPI `Basket` answer: each `productItems[]`'s `productId` and `quantity`
/// (SCAPI types it as a double; a whole number of at least 1). An empty basket has none. `None`
/// when the answer is no basket or a line cannot be read.
pub fn basket_lines(answer: &str) -> Option<Vec<EventProduct>> {
    if answer.len() > MAX_BASKET_BYTES {
        return None;
    }
    let doc: Value = serde_json::from_str(answer).ok()?;
    doc.get("basketId")?.as_str()?;
    let items = match doc.get("productItems") {
        None | Some(Value::Null) => return Some(Vec::new()),
        Some(items) => items.as_array()?,
    };
    if items.len() > MAX_BASKET_LINES {
        return None;
    }
    items
        .iter()
        .map(|item| super::rules::cart_line(&item["productId"], &item["quantity"]))
        .collect()
}

/// Whether an action an Einstein activity reports is taken, `baskets_read` saying whether the
/// shop's SCAPI basket answers are read too. Then `addToCart` is not: the basket the same add
/// answered is the cart, and Clerk would get the add twice (`log/cart/add` after
/// `log/cart/update` doubles it, whichever the queue delivers first).
pub fn activity_taken(kind: RuleKind, baskets_read: bool) -> bool {
    !(baskets_read && kind == RuleKind::AddToCart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BASKET: &str = "/mobify/proxy/api/checkout/shopper-baskets/v1/organizations/f_ecom_zzrf_001/baskets/a10ff320829cb0eef93ca5310a";
    const API: &str = "/mobify/proxy/api";

    #[test]
    fn changes_to_a_baskets_lines_are_known_under_the_api_path_only() {
        for (method, path) in [
            ("POST", format!("{BASKET}/items")),
            ("PATCH", format!("{BASKET}/items")),
            ("patch", format!("{BASKET}/items/ae3b4f9e2c55a5d1e")),
            ("DELETE", format!("{BASKET}/items/ae3b4f9e2c55a5d1e/")),
        ] {
            assert!(is_basket_change(API, method, &path), "{method} {path}");
        }
        for (method, path) in [
            ("GET", format!("{BASKET}/items")),
            ("DELETE", format!("{BASKET}/items")),
            ("POST", format!("{BASKET}/items/ae3b4f9e2c55a5d1e")),
            ("PATCH", format!("{BASKET}/items/ae3b4f9e2c55a5d1e/taxes")),
            ("POST", BASKET.to_string()),
            ("POST", format!("/elsewhere{BASKET}/items")),
            ("POST", format!("{BASKET}/gift-certificate-items")),
        ] {
            assert!(!is_basket_change(API, method, &path), "{method} {path}");
        }
    }

    #[test]
    fn einsteins_add_to_cart_gives_way_to_the_basket_when_that_is_read() {
        assert!(!activity_taken(RuleKind::AddToCart, true));
        assert!(activity_taken(RuleKind::AddToCart, false));
        assert!(activity_taken(RuleKind::ProductView, true));
    }

    #[test]
    fn a_baskets_lines_are_its_product_items_and_an_empty_basket_has_none() {
        // The shape of shopper-baskets-oas 1.11.0's `Basket` (its `BasketPost` example's fields).
        let basket = json!({
            "basketId": "a10ff320829cb0eef93ca5310a", "currency": "USD",
            "customerInfo": {"customerId": "abdHsRmuRN1EBmhRlJmSv2J0Ii", "email": ""},
            "productItems": [
                {"itemId": "ae3b4f9e2c55a5d1e", "productId": "701644329402M", "quantity": 2.0,
                 "basePrice": 36.5, "price": 73, "productName": "Oxford Shirt"},
                {"itemId": "b8e1d1e3a2c1f0a9c", "productId": "25519318M", "quantity": 1}
            ],
            "productSubTotal": 93.0
        });
        assert_eq!(
            basket_lines(&basket.to_string()),
            Some(vec![
                EventProduct {
                    id: "701644329402M".into(),
                    price: None,
                    quantity: Some(2)
                },
                EventProduct {
                    id: "25519318M".into(),
                    price: None,
                    quantity: Some(1)
                },
            ])
        );
        let empty = json!({"basketId": "a10ff320829cb0eef93ca5310a", "currency": "USD"});
        assert_eq!(basket_lines(&empty.to_string()), Some(Vec::new()));
        for not_one in [
            json!({"title": "Basket Not Found", "type": "…/basket-not-found"}),
            json!({"basketId": "b", "productItems": [{"productId": "P", "quantity": 1.5}]}),
            json!({"basketId": "b", "productItems": [{"quantity": 1}]}),
            json!({"basketId": "b", "productItems": {"productId": "P"}}),
        ] {
            assert_eq!(basket_lines(&not_one.to_string()), None, "{not_one}");
        }
        assert_eq!(basket_lines("not json"), None);
    }
}
