//! PWA Kit's Einstein activities: the storefront app reports what the shopper does to Einstein
//! (`POST …/v3/activities/{siteId}/{activity}` with a JSON body). When the app sends them through
//! its own origin (PWA Kit's `/mobify/proxy/einstein/` proxy path), a worker on the storefront's
//! route sees them go by and reads the shopper's actions from them, with no script on the page: `viewProduct`,
//! `viewCategory`, `viewSearch` and `addToCart`. Other activities (clicks, checkout steps,
//! recommendation views) are left alone; Clerk's clicks are only for products it showed.

use super::{Captured, RuleKind};
use serde_json::Value;

/// The largest activity body read; a larger one goes on to Einstein unread.
pub const MAX_ACTIVITY_BYTES: usize = 64 * 1024;

/// The longest product, category or search text taken from an activity.
const MAX_VALUE_CHARS: usize = 256;

/// The most products one `addToCart` activity is read for.
const MAX_CART_PRODUCTS: usize = 50;

/// An Einstein activity request: the site and the activity's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity<'a> {
    /// The SFCC site id (`RefArch`).
    pub site: &'a str,
    /// The activity (`viewProduct`).
    pub name: &'a str,
}

impl Activity<'_> {
    /// True when the activity is for SFCC site `site_id`. Einstein names a site `{realm}-{siteId}`
    /// (`zzrf-RefArch`), or by the site id alone.
    pub fn is_for_site(&self, site_id: &str) -> bool {
        self.site == site_id
            || self
                .site
                .strip_suffix(site_id)
                .and_then(|realm| realm.strip_suffix('-'))
                .is_some_and(|realm| !realm.is_empty() && !realm.contains('-'))
    }
}

/// The activity a request path reports, if it is one: `…/v3/activities/{site}/{activity}`.
pub fn activity_of_path(path: &str) -> Option<Activity<'_>> {
    let (_, rest) = path.split_once("/v3/activities/")?;
    let mut parts = rest.trim_end_matches('/').split('/');
    let (site, name) = (parts.next()?, parts.next()?);
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    (parts.next().is_none() && plain(site) && plain(name)).then_some(Activity { site, name })
}

/// PWA Kit's proxy path to Einstein (`/mobify/proxy/einstein`, the app's `einsteinAPI.host`
/// before PWA Kit 2.5, and wherever a newer app is configured to keep using the proxy).
pub const EINSTEIN_PROXY_PATH: &str = "/mobify/proxy/einstein";

/// The activity whose body the worker reads: a `POST` of an Einstein activity right under the
/// configured proxy path (`{prefix}/v3/activities/{site}/{activity}`, never the same words
/// elsewhere in a path), with activity capture on (a PWA Kit storefront's setting).
pub fn activity_to_read<'a>(
    enabled: bool,
    prefix: &str,
    method: &str,
    path: &'a str,
) -> Option<Activity<'a>> {
    if !enabled || !method.eq_ignore_ascii_case("POST") {
        return None;
    }
    let rest = path.strip_prefix(prefix.trim_end_matches('/'))?;
    rest.starts_with("/v3/activities/")
        .then(|| activity_of_path(rest))
        .flatten()
}

/// An activity body that does not say what the activity names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    /// Not a JSON object, or larger than [`MAX_ACTIVITY_BYTES`].
    #[error("Einstein {activity} body is not a JSON object of at most 64 KiB: {why}")]
    NotAnObject {
        /// The activity.
        activity: String,
        /// What is wrong.
        why: String,
    },
    /// A field the activity needs is missing or not a usable value.
    #[error("Einstein {activity} body has no usable `{field}`")]
    Missing {
        /// The activity.
        activity: String,
        /// The field path.
        field: &'static str,
    },
}

/// The shopper actions an activity body reports: one view or search, or one add to cart per
/// product (`quantity` at least 1). A product is its `id` — the retail app's product page sends
/// a variant's master, older apps and product tiles the product itself — else its `sku`: the
/// current app's product page leaves `id` out for a variant opened directly (it reads a master
/// field SCAPI does not have). An activity the connector does not forward gives none.
pub fn activity_actions(name: &str, body: &[u8]) -> Result<Vec<Captured>, ActivityError> {
    let kind = match name {
        "viewProduct" => RuleKind::ProductView,
        "viewCategory" => RuleKind::CategoryView,
        "viewSearch" => RuleKind::Search,
        "addToCart" => RuleKind::AddToCart,
        _ => return Ok(Vec::new()),
    };
    let not_object = |why: String| ActivityError::NotAnObject {
        activity: name.to_string(),
        why,
    };
    if body.len() > MAX_ACTIVITY_BYTES {
        return Err(not_object(format!("{} bytes", body.len())));
    }
    let doc: Value = serde_json::from_slice(body).map_err(|e| not_object(e.to_string()))?;
    if !doc.is_object() {
        return Err(not_object("another JSON value".into()));
    }
    let missing = |field| ActivityError::Missing {
        activity: name.to_string(),
        field,
    };
    let one = |value: Option<&str>, field| {
        let value = usable(value).ok_or_else(|| missing(field))?;
        Ok(vec![Captured {
            kind,
            value,
            quantity: None,
        }])
    };
    match kind {
        RuleKind::ProductView => one(product_id(&doc["product"]), "product.id (or product.sku)"),
        RuleKind::CategoryView => one(doc["category"]["id"].as_str(), "category.id"),
        RuleKind::Search => one(doc["searchText"].as_str(), "searchText"),
        _ => {
            let products = doc["products"].as_array().ok_or(missing("products"))?;
            let added: Vec<Captured> = products
                .iter()
                .take(MAX_CART_PRODUCTS)
                .filter_map(|p| {
                    let value = usable(product_id(p))?;
                    let quantity = p["quantity"]
                        .as_f64()
                        .filter(|q| q.is_finite() && *q >= 1.0)
                        .map_or(1, |q| q.min(u32::MAX as f64) as u32);
                    Some(Captured {
                        kind,
                        value,
                        quantity: Some(quantity),
                    })
                })
                .collect();
            if added.is_empty() {
                return Err(missing("products[].id"));
            }
            Ok(added)
        }
    }
}

/// An Einstein product's id, else its SKU (each used only when not blank).
fn product_id(product: &Value) -> Option<&str> {
    let given = |field: &str| product[field].as_str().filter(|v| !v.trim().is_empty());
    given("id").or_else(|| given("sku"))
}

/// A trimmed, non-empty value of at most [`MAX_VALUE_CHARS`].
fn usable(value: Option<&str>) -> Option<String> {
    let v = value?.trim();
    (!v.is_empty() && v.chars().count() <= MAX_VALUE_CHARS).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn actions(name: &str, body: Value) -> Result<Vec<(RuleKind, String, Option<u32>)>, String> {
        activity_actions(name, body.to_string().as_bytes())
            .map(|v| {
                v.into_iter()
                    .map(|c| (c.kind, c.value, c.quantity))
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn pwa_kit_activity_paths_are_recognized() {
        let a = activity_of_path("/mobify/proxy/einstein/v3/activities/RefArch/viewProduct");
        assert_eq!(
            a,
            Some(Activity {
                site: "RefArch",
                name: "viewProduct"
            })
        );
        assert!(activity_of_path("/v3/activities/RefArch/addToCart/").is_some());
        for other in [
            "/en-US/product/25518704M",
            "/mobify/proxy/einstein/v3/personalization/recs/RefArch/products-in-all-categories",
            "/mobify/proxy/einstein/v3/activities/RefArch",
            "/mobify/proxy/einstein/v3/activities/RefArch/viewProduct/extra",
            "/v3/activities/Ref%20Arch/viewProduct",
        ] {
            assert_eq!(activity_of_path(other), None, "{other}");
        }
        let a = activity_of_path("/v3/activities/zzrf-RefArch/viewProduct").unwrap();
        assert!(
            a.is_for_site("RefArch"),
            "realm-prefixed, as PWA Kit names it"
        );
        assert!(!a.is_for_site("Arch") && !a.is_for_site("RefArchGlobal"));
        let a = activity_of_path("/v3/activities/RefArchGlobal/viewProduct").unwrap();
        assert!(a.is_for_site("RefArchGlobal") && !a.is_for_site("Global"));
        let a = activity_of_path("/v3/activities/-RefArch/viewProduct").unwrap();
        assert!(!a.is_for_site("RefArch"), "no realm");
        let path = "/mobify/proxy/einstein/v3/activities/RefArch/viewSearch";
        let read =
            |enabled, method, path| activity_to_read(enabled, EINSTEIN_PROXY_PATH, method, path);
        assert_eq!(read(true, "POST", path).map(|a| a.name), Some("viewSearch"));
        assert_eq!(read(false, "POST", path), None, "capture off");
        assert_eq!(read(true, "GET", path), None);
        for elsewhere in [
            "/on/demandware.store/Sites-RefArch-Site/en_US/v3/activities/RefArch/viewProduct",
            "/anything/mobify/proxy/einstein/v3/activities/RefArch/viewProduct",
            "/mobify/proxy/einsteinx/v3/activities/RefArch/viewProduct",
            "/mobify/proxy/einstein/x/v3/activities/RefArch/viewProduct",
        ] {
            assert_eq!(read(true, "POST", elsewhere), None, "{elsewhere}");
        }
        assert_eq!(
            activity_to_read(
                true,
                "/einstein/",
                "POST",
                "/einstein/v3/activities/RefArch/viewProduct"
            )
            .map(|a| a.name),
            Some("viewProduct"),
            "a configured path"
        );
    }

    #[test]
    fn views_searches_and_cart_additions_are_read_as_pwa_kit_sends_them() {
        let view = json!({"product": {"id": "25518704M", "price": 36, "sku": "701644329402M"},
            "realm": "RefArch", "instanceType": "sbx", "cookieId": "abc"});
        assert_eq!(
            actions("viewProduct", view),
            Ok(vec![(RuleKind::ProductView, "25518704M".into(), None)])
        );
        let category =
            json!({"category": {"id": "mens-clothing"}, "products": [], "showProducts": true});
        assert_eq!(
            actions("viewCategory", category),
            Ok(vec![(RuleKind::CategoryView, "mens-clothing".into(), None)])
        );
        let search =
            json!({"searchText": " oxford ", "products": [{"id": "A"}], "showProducts": true});
        assert_eq!(
            actions("viewSearch", search),
            Ok(vec![(RuleKind::Search, "oxford".into(), None)])
        );
        let cart = json!({"products": [
            {"id": "25518704M", "sku": "701644329402M", "price": 36, "quantity": 2},
            {"id": "B", "price": 5},
            {"id": "", "quantity": 1},
            {"id": "C", "quantity": 0}
        ]});
        assert_eq!(
            actions("addToCart", cart),
            Ok(vec![
                (RuleKind::AddToCart, "25518704M".into(), Some(2)),
                (RuleKind::AddToCart, "B".into(), Some(1)),
                (RuleKind::AddToCart, "C".into(), Some(1)),
            ]),
            "an entry without an id is skipped; a missing or odd quantity is 1"
        );
    }

    #[test]
    fn a_product_without_an_id_is_its_sku() {
        // The retail app's product page opened on a variant: `id` dropped, the SKU kept.
        assert_eq!(
            actions(
                "viewProduct",
                json!({"product": {"price": 39.5, "sku": "701642811398M"}})
            ),
            Ok(vec![(RuleKind::ProductView, "701642811398M".into(), None)])
        );
        assert_eq!(
            actions(
                "addToCart",
                json!({"products": [{"sku": "V1", "quantity": 2, "price": 5}]})
            ),
            Ok(vec![(RuleKind::AddToCart, "V1".into(), Some(2))])
        );
        assert_eq!(
            actions("viewProduct", json!({"product": {"id": "M1", "sku": "V1"}})),
            Ok(vec![(RuleKind::ProductView, "M1".into(), None)]),
            "the id first"
        );
    }

    #[test]
    fn other_activities_give_nothing_and_bad_bodies_say_why() {
        assert_eq!(
            actions("clickSearch", json!({"product": {"id": "A"}})),
            Ok(vec![])
        );
        assert_eq!(actions("beginCheckout", json!(null)), Ok(vec![]));
        let err = actions("viewProduct", json!({"product": {"id": " ", "price": 9}})).unwrap_err();
        assert_eq!(
            err,
            "Einstein viewProduct body has no usable `product.id (or product.sku)`"
        );
        let err = actions("viewSearch", json!({"searchText": "   "})).unwrap_err();
        assert!(err.contains("`searchText`"), "{err}");
        let err = actions("addToCart", json!({"products": [{"price": 3}]})).unwrap_err();
        assert!(err.contains("`products[].id`"), "{err}");
        let err = actions("viewProduct", json!([1])).unwrap_err();
        assert!(err.contains("not a JSON object"), "{err}");
        let err = activity_actions("viewProduct", b"{\"product\": ").unwrap_err();
        assert!(err.to_string().contains("EOF"), "{err}");
        let huge = format!(
            "{{\"product\": {{\"id\": \"A\"}}, \"x\": \"{}\"}}",
            "y".repeat(MAX_ACTIVITY_BYTES)
        );
        assert!(activity_actions("viewProduct", huge.as_bytes()).is_err());
        let long = "p".repeat(MAX_VALUE_CHARS + 1);
        assert!(actions("viewProduct", json!({"product": {"id": long}})).is_err());
    }
}
