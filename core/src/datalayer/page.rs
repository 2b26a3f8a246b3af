//! Which kind of storefront page a capture comes from: from its URL (SFRA pipeline URLs by default,
//! plus configurable rules), else from hints in the data layer itself.

use super::capture::Capture;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A storefront page type; each has its own expected GA4 events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageType {
    /// Product detail page.
    Pdp,
    /// Product listing (category) page.
    Plp,
    /// Search results.
    Search,
    /// Cart.
    Cart,
    /// Checkout.
    Checkout,
    /// Order confirmation.
    Confirmation,
    /// Home page.
    Home,
    /// Anything else.
    Other,
}

impl PageType {
    /// Every page type.
    pub const ALL: [PageType; 8] = [
        PageType::Pdp,
        PageType::Plp,
        PageType::Search,
        PageType::Cart,
        PageType::Checkout,
        PageType::Confirmation,
        PageType::Home,
        PageType::Other,
    ];

    /// The wire name (`pdp`, `plp`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PageType::Pdp => "pdp",
            PageType::Plp => "plp",
            PageType::Search => "search",
            PageType::Cart => "cart",
            PageType::Checkout => "checkout",
            PageType::Confirmation => "confirmation",
            PageType::Home => "home",
            PageType::Other => "other",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// A site-specific classification rule, tried before the SFRA defaults (first match wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRule {
    /// The page type a matching URL has.
    pub page: PageType,
    /// Glob over the URL path (`*` matches any run of characters), e.g. `/p/*.html`.
    pub path: String,
    /// A query parameter that must be present too, e.g. `pid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

impl PageRule {
    fn matches(&self, path: &str, params: &[&str]) -> bool {
        glob(&self.path, path) && self.query.as_deref().is_none_or(|q| params.contains(&q))
    }
}

/// Classifies a URL: `rules` first, then SFRA's pipeline URLs and `/` as home; else `Other`.
pub fn classify_url(url: &str, rules: &[PageRule]) -> PageType {
    let (path, params) = split(url);
    if let Some(rule) = rules.iter().find(|r| r.matches(path, &params)) {
        return rule.page;
    }
    sfra_default(path, &params)
}

/// Classifies from the data layer: a `page_type` field in any push (the last wins), else the
/// page's defining ecommerce event, strongest first (`purchase` before `view_item_list`, which
/// recommendation carousels fire on many pages).
pub fn classify_capture(capture: &Capture) -> Option<PageType> {
    let declared = capture
        .pushes
        .iter()
        .filter_map(|p| p.get("page_type").and_then(Value::as_str))
        .filter_map(page_type_hint)
        .next_back();
    declared.or_else(|| {
        let events = capture.events();
        const BY_EVENT: [(&str, PageType); 6] = [
            ("purchase", PageType::Confirmation),
            ("begin_checkout", PageType::Checkout),
            ("view_cart", PageType::Cart),
            ("search", PageType::Search),
            ("view_item", PageType::Pdp),
            ("view_item_list", PageType::Plp),
        ];
        BY_EVENT
            .into_iter()
            .find(|(name, _)| events.iter().any(|e| e.name == *name))
            .map(|(_, page)| page)
    })
}

/// The page type: from the URL, and when that says `Other`, from the data layer's hints.
pub fn classify(url: &str, rules: &[PageRule], capture: &Capture) -> PageType {
    match classify_url(url, rules) {
        PageType::Other => classify_capture(capture).unwrap_or(PageType::Other),
        page => page,
    }
}

/// Common `page_type` values sites push, mapped to ours.
fn page_type_hint(value: &str) -> Option<PageType> {
    let v = value.trim().to_ascii_lowercase();
    PageType::parse(&v).or(match v.as_str() {
        "product" | "productpage" | "product_detail" => Some(PageType::Pdp),
        "category" | "categorypage" | "listing" | "product_list" => Some(PageType::Plp),
        "searchresults" | "search_results" => Some(PageType::Search),
        "basket" => Some(PageType::Cart),
        "order_confirmation" | "orderconfirmation" | "purchase" | "thankyou" => {
            Some(PageType::Confirmation)
        }
        "homepage" | "index" => Some(PageType::Home),
        _ => None,
    })
}

/// SFRA controller URLs: `/on/demandware.store/Sites-X-Site/en_US/Product-Show?pid=…`.
fn sfra_default(path: &str, params: &[&str]) -> PageType {
    if path.is_empty() || path == "/" {
        return PageType::Home;
    }
    if !path.contains("/on/demandware.store/") {
        return PageType::Other;
    }
    let action = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    match action {
        "Product-Show" => PageType::Pdp,
        "Search-Show" if params.contains(&"q") => PageType::Search,
        "Search-Show" if params.contains(&"cgid") => PageType::Plp,
        "Cart-Show" => PageType::Cart,
        "Checkout-Begin" => PageType::Checkout,
        "Order-Confirm" => PageType::Confirmation,
        "Home-Show" => PageType::Home,
        _ => PageType::Other,
    }
}

/// The path and the query parameter names of a URL (absolute or path-only).
fn split(url: &str) -> (&str, Vec<&str>) {
    let url = url.split('#').next().unwrap_or("");
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find(['/', '?']).map_or("", |j| &after[j..])
        }
        None => url,
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split('=').next().unwrap_or(p))
        .collect();
    (path, params)
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://shop.example.com/on/demandware.store/Sites-RefArch-Site/en_US";

    #[test]
    fn sfra_pipeline_urls_have_default_types() {
        let cases = [
            ("/Product-Show?pid=25592770M", PageType::Pdp),
            ("/Search-Show?cgid=mens-shirts", PageType::Plp),
            ("/Search-Show?q=shirt", PageType::Search),
            ("/Search-Show?cgid=mens&q=shirt", PageType::Search),
            ("/Search-Show", PageType::Other),
            ("/Cart-Show", PageType::Cart),
            (
                "/Checkout-Begin?stage=shipping#shipping",
                PageType::Checkout,
            ),
            ("/Order-Confirm?ID=00001&token=t", PageType::Confirmation),
            ("/Home-Show", PageType::Home),
            ("/Account-Show", PageType::Other),
        ];
        for (suffix, expected) in cases {
            assert_eq!(
                classify_url(&format!("{BASE}{suffix}"), &[]),
                expected,
                "{suffix}"
            );
        }
        assert_eq!(
            classify_url("https://shop.example.com/", &[]),
            PageType::Home
        );
        assert_eq!(
            classify_url("https://shop.example.com", &[]),
            PageType::Home
        );
        assert_eq!(
            classify_url("https://shop.example.com/?utm=x", &[]),
            PageType::Home
        );
        assert_eq!(
            classify_url("https://shop.example.com/mens/shirt.html", &[]),
            PageType::Other
        );
    }

    #[test]
    fn configured_rules_come_first() {
        let rules = vec![
            PageRule {
                page: PageType::Pdp,
                path: "/*/*.html".into(),
                query: None,
            },
            PageRule {
                page: PageType::Search,
                path: "/search".into(),
                query: Some("q".into()),
            },
            PageRule {
                page: PageType::Plp,
                path: "/on/demandware.store/*/Search-Show".into(),
                query: None,
            },
        ];
        let at = |path: &str| classify_url(&format!("https://shop.example.com{path}"), &rules);
        assert_eq!(at("/mens/25592770M.html"), PageType::Pdp);
        assert_eq!(at("/mens/25592770M.htm"), PageType::Other);
        assert_eq!(at("/search?q=shirt"), PageType::Search);
        assert_eq!(
            at("/search"),
            PageType::Other,
            "the q parameter is required"
        );
        assert_eq!(
            at("/on/demandware.store/Sites-X-Site/en_US/Search-Show?q=x"),
            PageType::Plp,
            "a rule overrides the default"
        );
        assert_eq!(
            at("/on/demandware.store/Sites-X-Site/en_US/Cart-Show"),
            PageType::Cart
        );
    }

    #[test]
    fn rules_deserialize_from_json() {
        let rules: Vec<PageRule> = serde_json::from_str(
            r#"[{"page":"plp","path":"/c/*"},{"page":"pdp","path":"/p/*","query":"pid"}]"#,
        )
        .unwrap();
        assert_eq!(rules[1].query.as_deref(), Some("pid"));
        assert_eq!(classify_url("/c/shoes", &rules), PageType::Plp);
    }

    #[test]
    fn the_data_layer_hints_when_the_url_does_not() {
        let declared =
            Capture::parse(r#"[{"page_type":"Product"},{"event":"view_item_list"}]"#).unwrap();
        assert_eq!(
            classify("https://x.example/p/1", &[], &declared),
            PageType::Pdp
        );
        let by_event = Capture::parse(
            r#"[{"event":"view_item_list"},{"event":"purchase"},{"event":"view_item"}]"#,
        )
        .unwrap();
        assert_eq!(
            classify("https://x.example/thanks", &[], &by_event),
            PageType::Confirmation
        );
        let nothing = Capture::parse(r#"[{"event":"gtm.js"},{"page_type":"weird"}]"#).unwrap();
        assert_eq!(
            classify("https://x.example/x", &[], &nothing),
            PageType::Other
        );
        assert_eq!(
            classify(&format!("{BASE}/Cart-Show"), &[], &by_event),
            PageType::Cart,
            "the URL wins over hints"
        );
    }

    #[test]
    fn names_round_trip() {
        for p in PageType::ALL {
            assert_eq!(PageType::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        assert_eq!(PageType::parse("PDP"), None);
    }
}
