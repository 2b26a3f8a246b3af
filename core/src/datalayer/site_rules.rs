//! A site's own page classification, for storefronts whose URLs are not SFRA's pipeline URLs or
//! whose data layer names its pages its own way: URL rules tried before SFRA's defaults, and
//! data-layer hints tried before the built-in `page_type` values.
//!
//! ```json
//! {"pages": [{"page": "pdp", "path": "/p/*.html"}, {"page": "search", "path": "/search", "query": "q"}],
//!  "hints": [{"page": "pdp", "field": "page.category", "value": "Produkt"}]}
//! ```
//!
//! A bare array is read as `pages` alone (the form `classifyPage` has always taken). Every
//! mistake is refused with where it is and what was expected.

use super::capture::{kind, Capture};
use super::page::{classify_capture, classify_url, PageRule, PageType};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The field a hint reads when it names none.
pub const DEFAULT_HINT_FIELD: &str = "page_type";

/// A data-layer hint: a push whose `field` holds `value` marks the page as `page`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HintRule {
    /// The page type it marks.
    pub page: PageType,
    /// Dot path of the field in a push (`page.category`); `page_type` when absent.
    #[serde(default = "default_field")]
    pub field: String,
    /// The value, compared trimmed and ignoring case.
    pub value: String,
}

fn default_field() -> String {
    DEFAULT_HINT_FIELD.into()
}

impl HintRule {
    fn matches(&self, push: &Value) -> bool {
        self.field
            .split('.')
            .try_fold(push, |v, key| v.get(key))
            .and_then(Value::as_str)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(self.value.trim()))
    }
}

/// A site's classification rules; the default has none (SFRA's URLs and the built-in hints).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRules {
    /// URL rules, first match wins, before SFRA's defaults.
    #[serde(default)]
    pub pages: Vec<PageRule>,
    /// Data-layer hints, before the built-in `page_type` values.
    #[serde(default)]
    pub hints: Vec<HintRule>,
}

/// Why site rules were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteRulesError {
    /// Not JSON.
    #[error("site rules are not valid JSON: {0}")]
    Json(String),
    /// JSON, but not rules.
    #[error("site rules: {at}: {reason}")]
    Invalid {
        /// Where: `pages[1].path`, `hints`, `(top level)`.
        at: String,
        /// What was expected and found.
        reason: String,
    },
}

fn invalid(at: impl Into<String>, reason: impl Into<String>) -> SiteRulesError {
    SiteRulesError::Invalid {
        at: at.into(),
        reason: reason.into(),
    }
}

/// Reads a list of entries one by one, so a mistake names its index.
fn entries<T: serde::de::DeserializeOwned>(
    name: &str,
    value: Value,
) -> Result<Vec<T>, SiteRulesError> {
    let Value::Array(items) = value else {
        return Err(invalid(
            name,
            format!("expected an array, found {}", kind(&value)),
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item).map_err(|e| invalid(format!("{name}[{i}]"), e.to_string()))
        })
        .collect()
}

impl SiteRules {
    /// Parses and checks rules: an object `{"pages": [...], "hints": [...]}` (both optional) or
    /// an array of page rules.
    pub fn parse(text: &str) -> Result<Self, SiteRulesError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| SiteRulesError::Json(e.to_string()))?;
        let rules = match value {
            Value::Array(_) => SiteRules {
                pages: entries("pages", value)?,
                hints: Vec::new(),
            },
            Value::Object(mut fields) => {
                let pages = fields.remove("pages");
                let hints = fields.remove("hints");
                if let Some(unknown) = fields.keys().next() {
                    return Err(invalid(
                        "(top level)",
                        format!("unknown field `{unknown}`, expected `pages` or `hints`"),
                    ));
                }
                SiteRules {
                    pages: pages.map_or(Ok(Vec::new()), |v| entries("pages", v))?,
                    hints: hints.map_or(Ok(Vec::new()), |v| entries("hints", v))?,
                }
            }
            other => {
                return Err(invalid(
                    "(top level)",
                    format!(
                        "expected an object {{\"pages\": [...], \"hints\": [...]}} or an array of page rules, found {}",
                        kind(&other)
                    ),
                ))
            }
        };
        rules.check()?;
        Ok(rules)
    }

    /// Checks what the types alone do not: paths, parameters, fields and values that can match.
    pub fn check(&self) -> Result<(), SiteRulesError> {
        for (i, rule) in self.pages.iter().enumerate() {
            if !rule.path.starts_with('/') {
                return Err(invalid(
                    format!("pages[{i}].path"),
                    format!(
                        "expected a URL path starting with / (`*` matches any run of characters), found {:?}",
                        rule.path
                    ),
                ));
            }
            if let Some(q) = &rule.query {
                if q.trim().is_empty() || q.contains(['=', '&', '?']) {
                    return Err(invalid(
                        format!("pages[{i}].query"),
                        format!("expected a query parameter name (e.g. \"pid\"), found {q:?}"),
                    ));
                }
            }
        }
        for (i, hint) in self.hints.iter().enumerate() {
            if hint.field.split('.').any(|k| k.trim().is_empty()) {
                return Err(invalid(
                    format!("hints[{i}].field"),
                    format!(
                        "expected a field name or dot path (e.g. \"page.category\"), found {:?}",
                        hint.field
                    ),
                ));
            }
            if hint.value.trim().is_empty() {
                return Err(invalid(
                    format!("hints[{i}].value"),
                    "expected the value the field holds on such pages, found an empty string",
                ));
            }
        }
        Ok(())
    }

    /// The page type: the site's URL rules, SFRA's defaults, then (when the URL says nothing)
    /// the site's hints — the last push that matches one wins — then the built-in hints.
    pub fn classify(&self, url: &str, capture: &Capture) -> PageType {
        match classify_url(url, &self.pages) {
            PageType::Other => self
                .hinted(capture)
                .or_else(|| classify_capture(capture))
                .unwrap_or(PageType::Other),
            page => page,
        }
    }

    fn hinted(&self, capture: &Capture) -> Option<PageType> {
        capture
            .pushes
            .iter()
            .rev()
            .find_map(|push| self.hints.iter().find(|h| h.matches(push)).map(|h| h.page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        SiteRules::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_both_forms() {
        let rules = SiteRules::parse(
            r#"{"pages": [{"page": "pdp", "path": "/p/*.html", "query": "pid"}],
                "hints": [{"page": "plp", "field": "page.category", "value": "Kategorie"}, {"page": "cart", "value": "warenkorb"}]}"#,
        )
        .unwrap();
        assert_eq!(rules.pages[0].query.as_deref(), Some("pid"));
        assert_eq!(rules.hints[1].field, "page_type", "the default field");
        let bare = SiteRules::parse(r#"[{"page": "plp", "path": "/c/*"}]"#).unwrap();
        assert_eq!((bare.pages.len(), bare.hints.len()), (1, 0));
        assert_eq!(SiteRules::parse("{}").unwrap(), SiteRules::default());
    }

    #[test]
    fn mistakes_are_named_with_where_they_are() {
        assert!(refused("{").starts_with("site rules are not valid JSON"));
        assert_eq!(
            refused(r#""pdp""#),
            "site rules: (top level): expected an object {\"pages\": [...], \"hints\": [...]} or an array of page rules, found a string"
        );
        assert_eq!(
            refused(r#"{"pgaes": []}"#),
            "site rules: (top level): unknown field `pgaes`, expected `pages` or `hints`"
        );
        assert_eq!(
            refused(r#"{"pages": {"page": "pdp"}}"#),
            "site rules: pages: expected an array, found an object"
        );
        let unknown_page = refused(
            r#"{"pages": [{"page": "pdp", "path": "/p"}, {"page": "product", "path": "/x"}]}"#,
        );
        assert!(
            unknown_page.starts_with(
                "site rules: pages[1]: unknown variant `product`, expected one of `pdp`"
            ),
            "{unknown_page}"
        );
        let typo = refused(r#"[{"page": "pdp", "path": "/p", "qurey": "pid"}]"#);
        assert!(
            typo.starts_with("site rules: pages[0]: unknown field `qurey`"),
            "{typo}"
        );
        assert!(refused(r#"[{"page": "pdp"}]"#).contains("missing field `path`"));
        assert_eq!(
            refused(r#"[{"page": "pdp", "path": "p/*"}]"#),
            "site rules: pages[0].path: expected a URL path starting with / (`*` matches any run of characters), found \"p/*\""
        );
        assert_eq!(
            refused(r#"[{"page": "pdp", "path": "/p", "query": "pid=1"}]"#),
            "site rules: pages[0].query: expected a query parameter name (e.g. \"pid\"), found \"pid=1\""
        );
        assert_eq!(
            refused(r#"{"hints": [{"page": "pdp", "field": "page..type", "value": "x"}]}"#),
            "site rules: hints[0].field: expected a field name or dot path (e.g. \"page.category\"), found \"page..type\""
        );
        assert_eq!(
            refused(r#"{"hints": [{"page": "pdp", "value": " "}]}"#),
            "site rules: hints[0].value: expected the value the field holds on such pages, found an empty string"
        );
    }

    #[test]
    fn url_rules_then_sfra_then_site_hints_then_built_in_hints() {
        let rules = SiteRules::parse(
            r#"{"pages": [{"page": "pdp", "path": "/p/*.html"}],
                "hints": [{"page": "plp", "field": "page.category", "value": "kategorie"},
                          {"page": "confirmation", "value": "danke"}]}"#,
        )
        .unwrap();
        let empty = Capture::default();
        assert_eq!(
            rules.classify("https://x.example/p/1.html", &empty),
            PageType::Pdp
        );
        assert_eq!(
            rules.classify(
                "https://x.example/on/demandware.store/Sites-A-Site/de/Cart-Show",
                &empty
            ),
            PageType::Cart
        );
        let site_hint =
            Capture::parse(r#"[{"page": {"category": " Kategorie "}}, {"event": "view_item"}]"#)
                .unwrap();
        assert_eq!(
            rules.classify("https://x.example/k/9", &site_hint),
            PageType::Plp,
            "the site's hint comes before the page's ecommerce event"
        );
        let last_wins =
            Capture::parse(r#"[{"page_type": "danke"}, {"page": {"category": "kategorie"}}]"#)
                .unwrap();
        assert_eq!(rules.classify("/x", &last_wins), PageType::Plp);
        let built_in = Capture::parse(r#"[{"page_type": "basket"}]"#).unwrap();
        assert_eq!(rules.classify("/x", &built_in), PageType::Cart);
        let nothing = Capture::parse(r#"[{"page": {"category": 7}}]"#).unwrap();
        assert_eq!(rules.classify("/x", &nothing), PageType::Other);
        assert_eq!(
            SiteRules::default().classify("/x", &site_hint),
            PageType::Pdp,
            "without the site's hints, the ecommerce event decides"
        );
    }
}
