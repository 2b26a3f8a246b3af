//! What page a storefront request is, and for which site and locale, on live SFRA shops whose
//! URLs are SEO URLs rather than pipeline names.
//!
//! Sources:
//! - SFRA `cartridge/templates/default/common/layout/page.isml` (5.x and 6.x alike) renders
//!   `<div class="page" data-action="${pdict.action}" data-querystring="${pdict.queryString}">`;
//!   `modules/server/route.js` fills them from the request: `action` is the platform path's last
//!   segment (the controller route, `Product-Show`, even under an SEO URL) and `queryString` the
//!   request's parameters (`pid=…`, `cgid=…`), HTML-escaped by ISML (`&amp;` between pairs).
//!   Captured production pages show `data-action="Search-Show" data-querystring="cgid=…"` on SEO
//!   category URLs. Pages not decorated by `common/layout/page` (SFRA's checkout layout) carry
//!   neither, and a custom template may move them.
//! - Salesforce Help, "URL Rules URL Syntax": a host without an alias serves sites as
//!   `/s/{site}/…`; SFRA's own acceptance tests use `/s/RefArch/{slug}/{pid}.html?lang=en_US`
//!   for products, `/s/RefArch/womens/clothing/dresses/?lang=…` for categories and
//!   `/s/RefArch/{content-id}.html` for content pages. `?lang=` carries the locale when the URL
//!   has none; on a shop's own host, the host (an alias) names the site and often the locale.
//!
//! So the page's own `data-action` is the authority; URL forms are the fallback: a product page
//! is a `{pid}.html` with at least one segment before it (SFRA's content pages are
//! `{content-id}.html` directly under the site — a reading of SFRA's test URLs, which no document
//! states as a rule), a search is `/search?q=`, and a category page cannot be told from its URL.

use super::rules::{capture, CaptureRule, Captured, RequestFacts, RuleKind};
use serde::{Deserialize, Serialize};

/// One host (or alias) of the shop and the site, and locale, it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostRule {
    /// The host as the shopper's browser names it (`www.example.de`), without a port.
    pub host: String,
    /// The SFCC site it serves.
    pub site_id: String,
    /// Its locale (`de-DE`), when the host names one.
    #[serde(default)]
    pub locale: Option<String>,
}

/// The SFCC site and locale a request names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestSite {
    /// The site id, when the request names one.
    pub site: Option<String>,
    /// The locale (`en_US` or `en-US`), when the request names one.
    pub locale: Option<String>,
}

/// The site and locale of a storefront request: a pipeline URL's
/// (`/on/demandware.store/Sites-{site}-Site/{locale}/…`), else `/s/{site}/…`, else a SCAPI
/// call's `siteId`, else the host's (`hosts`); the locale from the path, else `?lang=` (not
/// `default`) or SCAPI's `locale`, else the host's.
pub fn request_site(
    host: &str,
    path: &str,
    query: &[(String, String)],
    hosts: &[HostRule],
) -> RequestSite {
    let host = host.split(':').next().unwrap_or_default();
    let rule = hosts.iter().find(|h| h.host.eq_ignore_ascii_case(host));
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let lang = param("lang")
        .or_else(|| param("locale"))
        .filter(|l| is_locale(l));
    if let Some(site) = super::site_of_path(path) {
        return RequestSite {
            site: Some(site.to_string()),
            locale: super::locale_of_path(path).map(String::from).or(lang),
        };
    }
    if let Some(site) = seo_site(path) {
        return RequestSite {
            site: Some(site.to_string()),
            locale: lang,
        };
    }
    if let Some(site) = param("siteId") {
        return RequestSite {
            site: Some(site),
            locale: lang,
        };
    }
    RequestSite {
        site: rule.map(|r| r.site_id.clone()),
        locale: lang.or_else(|| rule.and_then(|r| r.locale.clone())),
    }
}

fn is_locale(l: &str) -> bool {
    !l.is_empty()
        && l != "default"
        && l.len() <= 10
        && l.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `{site}` of a `/s/{site}/…` path.
fn seo_site(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/s/")?;
    let site = rest.split('/').next()?;
    (!site.is_empty() && site != "-").then_some(site)
}

/// Which store a request goes to.
#[derive(Debug, PartialEq, Eq)]
pub enum StoreChoice<'a, T> {
    /// This one.
    Store(&'a T),
    /// The request names a site no store is for: not captured.
    UnknownSite(String),
    /// The request names no site and the stores serve several: not captured (set up `hosts`).
    NoSite,
}

/// The store of a request that names `site` and `locale`, among `stores` (each giving its site
/// id and locale through `key`): of the site's stores, the one in that locale (`en_US` is
/// `en-US`), else the site's first. Without a site, the same among all stores when they all serve
/// one site; never a guess between sites.
pub fn store_for_request<'a, T>(
    stores: &'a [T],
    key: impl Fn(&T) -> (&str, &str) + Copy,
    site: Option<&str>,
    locale: Option<&str>,
) -> StoreChoice<'a, T> {
    let site = match site {
        Some(s) => s.to_string(),
        None => {
            let mut sites = stores.iter().map(|s| key(s).0);
            match sites.next() {
                Some(first) if sites.all(|s| s == first) => first.to_string(),
                _ => return StoreChoice::NoSite,
            }
        }
    };
    match super::choose_store(stores, key, |id| id == site, locale) {
        Some(store) => StoreChoice::Store(store),
        None => StoreChoice::UnknownSite(site),
    }
}

/// The page views SFRA's page container names (`data-action`, `data-querystring` as the page
/// carries them, HTML-escaped), read with the storefront's GET rules.
pub fn page_action_captures(
    rules: &[CaptureRule],
    action: &str,
    querystring: &str,
) -> Vec<Captured> {
    let action = action.trim();
    if action.is_empty() || action.contains('/') {
        return Vec::new();
    }
    let query = crate::form::pairs(&unescape_html(querystring));
    capture(
        rules,
        &RequestFacts {
            method: "GET",
            path: action,
            query: &query,
            form: &[],
        },
    )
    .into_iter()
    .filter(|c| is_page_view(c.kind))
    .collect()
}

/// True for the kinds a page itself is (a product, a category, a search).
pub fn is_page_view(kind: RuleKind) -> bool {
    matches!(
        kind,
        RuleKind::ProductView | RuleKind::CategoryView | RuleKind::Search
    )
}

/// A search by URL form: a path ending in `/search` with a non-empty `q`.
pub fn seo_search(path: &str, query: &[(String, String)]) -> Option<Captured> {
    if !path.trim_end_matches('/').ends_with("/search") {
        return None;
    }
    let q = query.iter().find(|(k, _)| k == "q")?.1.trim();
    (!q.is_empty()).then(|| Captured {
        kind: RuleKind::Search,
        value: q.to_string(),
        quantity: None,
    })
}

/// A product page by URL form: `…/{slug}/{pid}.html`, the product id the last segment without
/// `.html`, with at least one segment before it (after `/s/{site}`).
pub fn seo_product(path: &str) -> Option<Captured> {
    let rest = match seo_site(path) {
        Some(site) => &path[3 + site.len()..],
        None => path,
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (last, before) = segments.split_last()?;
    let pid = last.strip_suffix(".html")?;
    let pid = percent_decoded(pid)?;
    if before.is_empty() || pid.is_empty() {
        return None;
    }
    Some(Captured {
        kind: RuleKind::ProductView,
        value: pid,
        quantity: None,
    })
}

fn percent_decoded(s: &str) -> Option<String> {
    let decoded = crate::form::percent_decode(s, false);
    (!decoded.contains(['/', '?', '#']) && decoded.len() <= 100).then_some(decoded)
}

/// The character references ISML's `${…}` writes into an attribute (`&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&#39;`, `&#x27;`), decoded.
fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::sfra_rules;

    use crate::form::owned as q;

    fn captured(kind: RuleKind, value: &str) -> Captured {
        Captured {
            kind,
            value: value.into(),
            quantity: None,
        }
    }

    #[test]
    fn sfras_page_container_names_the_page_under_any_url() {
        let rules = sfra_rules();
        // As live SFRA pages carry it (an SEO product URL; a category; a search with its
        // parameters HTML-escaped by ISML).
        assert_eq!(
            page_action_captures(&rules, "Product-Show", "pid=25696881M"),
            [captured(RuleKind::ProductView, "25696881M")]
        );
        assert_eq!(
            page_action_captures(&rules, "Search-Show", "cgid=womens-clothing-dresses"),
            [captured(RuleKind::CategoryView, "womens-clothing-dresses")]
        );
        assert_eq!(
            page_action_captures(&rules, "Search-Show", "q=red+dress&amp;lang=en_US"),
            [captured(RuleKind::Search, "red dress")]
        );
        // Pages that are no view, an empty or odd action, and actions only a POST is.
        assert!(page_action_captures(&rules, "Cart-Show", "").is_empty());
        assert!(page_action_captures(&rules, "", "pid=1").is_empty());
        assert!(page_action_captures(&rules, "a/Product-Show", "pid=1").is_empty());
        assert!(page_action_captures(&rules, "Cart-AddProduct", "pid=1&amp;quantity=1").is_empty());
        assert!(page_action_captures(&rules, "Product-Show", "").is_empty());
    }

    #[test]
    fn url_forms_are_the_fallback() {
        // SFRA's acceptance tests' RefArch URLs.
        assert_eq!(
            seo_product("/s/RefArch/floral-print-pencil-skirt/25696881M.html"),
            Some(captured(RuleKind::ProductView, "25696881M"))
        );
        assert_eq!(
            seo_product("/womens/clothing/dresses/floral-dress/25696881M.html"),
            Some(captured(RuleKind::ProductView, "25696881M"))
        );
        // Content pages sit directly under the site; a category is a path; pipelines are not SEO.
        assert_eq!(seo_product("/s/RefArch/homepage-example.html"), None);
        assert_eq!(seo_product("/about-us.html"), None);
        assert_eq!(seo_product("/s/RefArch/womens/clothing/dresses/"), None);
        assert_eq!(
            seo_product("/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show"),
            None
        );
        assert_eq!(seo_product("/s/RefArch/x/%2F.html"), None);
        assert_eq!(
            seo_search(
                "/s/RefArch/search",
                &q(&[("q", "shirt"), ("lang", "en_US")])
            ),
            Some(captured(RuleKind::Search, "shirt"))
        );
        assert_eq!(seo_search("/search", &q(&[("q", " ")])), None);
        assert_eq!(seo_search("/research", &q(&[("q", "x")])), None);
    }

    #[test]
    fn the_site_comes_from_the_path_else_the_host_and_the_locale_from_lang() {
        let hosts = vec![
            HostRule {
                host: "www.example.de".into(),
                site_id: "RefArchGlobal".into(),
                locale: Some("de-DE".into()),
            },
            HostRule {
                host: "www.example.com".into(),
                site_id: "RefArch".into(),
                locale: None,
            },
        ];
        let site = |host, path, query: &[(&str, &str)]| request_site(host, path, &q(query), &hosts);
        assert_eq!(
            site(
                "x.demandware.net",
                "/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show",
                &[]
            ),
            RequestSite {
                site: Some("RefArch".into()),
                locale: Some("en_US".into())
            }
        );
        assert_eq!(
            site(
                "x.demandware.net",
                "/s/RefArchGlobal/shirt/P1.html",
                &[("lang", "fr_FR")]
            ),
            RequestSite {
                site: Some("RefArchGlobal".into()),
                locale: Some("fr_FR".into())
            }
        );
        assert_eq!(
            site("WWW.EXAMPLE.DE:443", "/hemden/P1.html", &[]),
            RequestSite {
                site: Some("RefArchGlobal".into()),
                locale: Some("de-DE".into())
            }
        );
        assert_eq!(
            site("www.example.com", "/", &[("lang", "default")]).locale,
            None
        );
        assert_eq!(
            site("www.example.com", "/", &[("lang", "en_GB")]),
            RequestSite {
                site: Some("RefArch".into()),
                locale: Some("en_GB".into())
            }
        );
        assert_eq!(site("elsewhere.test", "/", &[]), RequestSite::default());
        // SCAPI names the site and locale in its query, on any host.
        assert_eq!(
            site(
                "www.example.de",
                "/mobify/proxy/api/checkout/shopper-orders/v1/organizations/f_ecom/orders",
                &[("siteId", "RefArchGlobal"), ("locale", "fr-FR")]
            ),
            RequestSite {
                site: Some("RefArchGlobal".into()),
                locale: Some("fr-FR".into())
            }
        );
    }

    #[test]
    fn an_unknown_site_is_never_another_sites_store() {
        let stores = [
            ("RefArch", "en-US"),
            ("RefArchGlobal", "de-DE"),
            ("RefArchGlobal", "fr-FR"),
        ];
        fn key<'a>(s: &'a (&'static str, &'static str)) -> (&'a str, &'a str) {
            (s.0, s.1)
        }
        assert_eq!(
            store_for_request(&stores, key, Some("RefArchGlobal"), Some("fr_FR")),
            StoreChoice::Store(&stores[2])
        );
        assert_eq!(
            store_for_request(&stores, key, Some("RefArchGlobal"), None),
            StoreChoice::Store(&stores[1])
        );
        assert_eq!(
            store_for_request(&stores, key, Some("Outlet"), Some("en_US")),
            StoreChoice::UnknownSite("Outlet".into())
        );
        assert_eq!(
            store_for_request(&stores, key, None, None),
            StoreChoice::NoSite
        );
        // One site: a request that names none is that site's.
        let one = [("RefArch", "en-US"), ("RefArch", "fr-FR")];
        assert_eq!(
            store_for_request(&one, key, None, Some("fr-FR")),
            StoreChoice::Store(&one[1])
        );
    }
}
