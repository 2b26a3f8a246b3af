//! Whether, and how, a page's Content Security Policy lets the worker's scripts run.
//!
//! Salesforce's headless storefronts send a policy on every page: PWA Kit's runtime requires
//! `script-src 'self' 'unsafe-eval'` and `connect-src 'self'` and its template adds a few hosts,
//! with no `'unsafe-inline'` (pwa-kit `packages/pwa-kit-runtime/src/utils/middleware/security.js`,
//! `packages/template-retail-react-app/app/ssr.js`); Storefront Next's is nonce-based, without
//! `'unsafe-inline'` (b2c-developer-tooling `skills/storefront-next/skills/sfnext-security`). An
//! SFRA shop may add one of its own (Salesforce Help, "Configure Content Security Policy": the
//! policy is the shop's responsibility). An inline beacon is blocked by all of these, so the
//! worker reads the page's policy from its answer's headers and picks a way that runs:
//!
//! 1. **Inline**, with the page's own nonce when its policy names one (a nonce is made per
//!    answer, so copying it from the header that answer carries is what the shop's own inline
//!    scripts do);
//! 2. **External**: the beacon from the shop's own origin (`<script src>`, a static asset of the
//!    worker's), its per-page values in a JSON data element, which no policy governs;
//! 3. **Blocked**: neither runs, or the page may not call the event endpoint (`connect-src`);
//!    the page gets no beacon, and the reason is given.
//!
//! Every enforced policy must allow the way chosen (the browser applies each one). A
//! report-only policy blocks nothing; the worker still prefers a way that raises no report in it,
//! and falls back to the enforced policies alone.
//!
//! What is read (CSP Level 3, <https://www.w3.org/TR/CSP3/>): policies separated by `,` in a
//! header (several headers come joined by `,`), directives by `;`, names case-insensitive, the
//! first of a name counting; a `<script>` element's list is `script-src-elem`, else
//! `script-src`, else `default-src`; a fetch's is `connect-src`, else `default-src`. A list with
//! a nonce or hash ignores `'unsafe-inline'`; `'strict-dynamic'` also ignores hosts, schemes and
//! `'self'`. A `<meta http-equiv>` policy is not read: it governs only what follows it, and the
//! beacon opens `<head>`; its `connect-src` would still govern the beacon's calls (not modelled).

/// How the worker's scripts go into a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptDelivery {
    /// As inline `<script>` elements, with this nonce when the page's policy names one.
    Inline {
        /// The page's nonce.
        nonce: Option<String>,
    },
    /// From the shop's own origin (`<script src>`), with this nonce when the page's policy
    /// names one.
    External {
        /// The page's nonce.
        nonce: Option<String>,
    },
    /// Not at all: the page's policy lets neither way run, or forbids the calls the beacon makes.
    Blocked {
        /// Why, naming the directive.
        reason: String,
    },
}

impl ScriptDelivery {
    /// The nonce the worker's script elements carry.
    pub fn nonce(&self) -> Option<&str> {
        match self {
            Self::Inline { nonce } | Self::External { nonce } => nonce.as_deref(),
            Self::Blocked { .. } => None,
        }
    }
}

/// The page's origin, as the browser sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageOrigin<'a> {
    /// `https` or `http`.
    pub scheme: &'a str,
    /// The host, lowercase.
    pub host: &'a str,
    /// The port, when not the scheme's default.
    pub port: Option<u16>,
}

/// What the worker's scripts need of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptNeeds<'a> {
    /// The page's origin.
    pub origin: PageOrigin<'a>,
    /// The path the beacon is served from (external way).
    pub script_path: &'a str,
    /// The path the beacon posts to.
    pub events_path: &'a str,
}

/// How the worker's scripts go into a page answered with these `Content-Security-Policy` and
/// `Content-Security-Policy-Report-Only` header values.
pub fn script_delivery(
    enforced: Option<&str>,
    report_only: Option<&str>,
    needs: &ScriptNeeds<'_>,
) -> ScriptDelivery {
    let enforced = enforced.map(policies).unwrap_or_default();
    let report_only = report_only.map(policies).unwrap_or_default();
    if !report_only.is_empty() {
        let all: Vec<Policy> = enforced.iter().chain(&report_only).cloned().collect();
        let quiet = decide(&all, needs);
        if !matches!(quiet, ScriptDelivery::Blocked { .. }) {
            return quiet;
        }
    }
    decide(&enforced, needs)
}

/// One policy: its directives in order, names lowercase.
#[derive(Debug, Clone, Default)]
struct Policy {
    directives: Vec<(String, Vec<String>)>,
}

impl Policy {
    /// The source list of the first of `names` the policy has (`None`: it restricts nothing
    /// here).
    fn list(&self, names: &[&str]) -> Option<(&str, &[String])> {
        names.iter().find_map(|name| {
            self.directives
                .iter()
                .find(|(n, _)| n == name)
                .map(|(n, l)| (n.as_str(), l.as_slice()))
        })
    }
}

const SCRIPT_ELEMENT: &[&str] = &["script-src-elem", "script-src", "default-src"];
const CONNECT: &[&str] = &["connect-src", "default-src"];

fn policies(header: &str) -> Vec<Policy> {
    header
        .split(',')
        .map(|text| {
            let mut policy = Policy::default();
            for directive in text.split(';') {
                let mut tokens = directive.split_ascii_whitespace();
                let Some(name) = tokens.next() else { continue };
                let name = name.to_ascii_lowercase();
                if policy.directives.iter().any(|(n, _)| *n == name) {
                    continue;
                }
                policy
                    .directives
                    .push((name, tokens.map(str::to_string).collect()));
            }
            policy
        })
        .filter(|p| !p.directives.is_empty())
        .collect()
}

fn decide(policies: &[Policy], needs: &ScriptNeeds<'_>) -> ScriptDelivery {
    for policy in policies {
        if let Some((name, list)) = policy.list(CONNECT) {
            if !allows_own_url(list, needs.origin, needs.events_path, false) {
                return ScriptDelivery::Blocked {
                    reason: format!(
                        "the page's {name} does not let it call {}",
                        needs.events_path
                    ),
                };
            }
        }
    }
    let nonce = policies
        .iter()
        .filter_map(|p| p.list(SCRIPT_ELEMENT))
        .find_map(|(_, list)| list.iter().find_map(|s| nonce_of(s)))
        .map(str::to_string);
    let lists: Vec<(&str, &[String])> = policies
        .iter()
        .filter_map(|p| p.list(SCRIPT_ELEMENT))
        .collect();
    if lists
        .iter()
        .all(|(_, list)| allows_inline(list, nonce.as_deref()))
    {
        return ScriptDelivery::Inline { nonce };
    }
    if lists.iter().all(|(_, list)| {
        nonce.as_deref().is_some_and(|n| has_nonce(list, n))
            || allows_own_url(list, needs.origin, needs.script_path, true)
    }) {
        return ScriptDelivery::External { nonce };
    }
    let (name, _) = lists
        .iter()
        .find(|(_, list)| !allows_own_url(list, needs.origin, needs.script_path, true))
        .copied()
        .unwrap_or(("script-src", &[]));
    ScriptDelivery::Blocked {
        reason: format!(
            "the page's {name} allows neither the worker's inline script nor {}",
            needs.script_path
        ),
    }
}

/// The value of a `'nonce-…'` source, when it is one a nonce attribute can carry as it is
/// (base64 or base64url, CSP's `base64-value`).
fn nonce_of(source: &str) -> Option<&str> {
    let value = source
        .strip_prefix('\'')?
        .strip_suffix('\'')?
        .get(6..)
        .filter(|_| {
            source
                .get(1..7)
                .is_some_and(|p| p.eq_ignore_ascii_case("nonce-"))
        })?;
    let body = value.trim_end_matches('=');
    (!body.is_empty()
        && value.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')))
    .then_some(value)
}

fn has(list: &[String], keyword: &str) -> bool {
    list.iter().any(|s| s.eq_ignore_ascii_case(keyword))
}

fn has_nonce(list: &[String], nonce: &str) -> bool {
    list.iter().any(|s| nonce_of(s) == Some(nonce))
}

fn has_nonce_or_hash(list: &[String]) -> bool {
    list.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        ["'nonce-", "'sha256-", "'sha384-", "'sha512-"]
            .iter()
            .any(|p| s.starts_with(p))
    })
}

fn allows_inline(list: &[String], nonce: Option<&str>) -> bool {
    if nonce.is_some_and(|n| has_nonce(list, n)) {
        return true;
    }
    has(list, "'unsafe-inline'") && !has_nonce_or_hash(list) && !has(list, "'strict-dynamic'")
}

/// Whether `list` lets the page reach `path` on its own origin; for scripts, `'strict-dynamic'`
/// leaves only nonces and hashes.
fn allows_own_url(list: &[String], origin: PageOrigin<'_>, path: &str, script: bool) -> bool {
    if script && has(list, "'strict-dynamic'") {
        return false;
    }
    list.iter().any(|source| matches_own(source, origin, path))
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" | "wss" => Some(443),
        "http" | "ws" => Some(80),
        _ => None,
    }
}

/// Whether one source expression matches `path` on the page's own origin.
fn matches_own(source: &str, origin: PageOrigin<'_>, path: &str) -> bool {
    let s = source.to_ascii_lowercase();
    if s == "'self'" {
        return true;
    }
    if s == "*" {
        return matches!(origin.scheme, "http" | "https");
    }
    if s.starts_with('\'') {
        return false;
    }
    // A scheme source (`https:`): the page's scheme, or its secure form.
    if let Some(scheme) = s.strip_suffix(':') {
        if !scheme.contains('/') && !scheme.contains('.') {
            return scheme == origin.scheme || (scheme == "http" && origin.scheme == "https");
        }
    }
    // A host source: [scheme://]host[:port][path].
    let (scheme, rest) = match s.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, s.as_str()),
    };
    if let Some(scheme) = scheme {
        if !(scheme == origin.scheme || (scheme == "http" && origin.scheme == "https")) {
            return false;
        }
    } else if !matches!(origin.scheme, "http" | "https") {
        return false;
    }
    let (authority, source_path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = match host.strip_prefix("*.") {
        Some(parent) => origin
            .host
            .strip_suffix(parent)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
        None => host == origin.host,
    };
    let page_port = origin.port.or_else(|| default_port(origin.scheme));
    let port_ok = match port {
        Some("*") => true,
        Some(p) => p.parse::<u16>().ok() == page_port,
        // No port: the page's scheme's default (an `http:` source upgraded to https included).
        None => page_port == default_port(origin.scheme),
    };
    let path_ok = source_path.is_empty()
        || source_path == "/"
        || if source_path.ends_with('/') {
            path.starts_with(source_path)
        } else {
            path == source_path
        };
    host_ok && port_ok && path_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOP: PageOrigin<'static> = PageOrigin {
        scheme: "https",
        host: "www.shop.example",
        port: None,
    };

    const NEEDS: ScriptNeeds<'static> = ScriptNeeds {
        origin: SHOP,
        script_path: "/__sfcc-clerk/beacon-0123456789abcdef.js",
        events_path: "/__sfcc-clerk/events",
    };

    /// PWA Kit's page policy (see `fixtures/README.md`).
    const PWA_KIT: &str = include_str!("fixtures/pwa-kit-csp.txt");

    fn delivery(enforced: &str) -> ScriptDelivery {
        script_delivery(Some(enforced), None, &NEEDS)
    }

    fn inline(nonce: Option<&str>) -> ScriptDelivery {
        ScriptDelivery::Inline {
            nonce: nonce.map(str::to_string),
        }
    }

    fn external(nonce: Option<&str>) -> ScriptDelivery {
        ScriptDelivery::External {
            nonce: nonce.map(str::to_string),
        }
    }

    #[test]
    fn a_page_without_a_policy_takes_the_beacon_inline() {
        assert_eq!(script_delivery(None, None, &NEEDS), inline(None));
        assert_eq!(
            delivery("img-src 'self'; frame-ancestors 'none'"),
            inline(None)
        );
        assert_eq!(
            delivery("script-src 'self' 'unsafe-inline'; connect-src 'self'"),
            inline(None)
        );
    }

    #[test]
    fn pwa_kits_policy_takes_it_from_the_shops_own_origin() {
        assert_eq!(delivery(PWA_KIT), external(None));
    }

    #[test]
    fn a_nonce_policy_gets_the_pages_nonce_copied() {
        // Storefront Next's way: a nonce per answer, 'strict-dynamic', no 'unsafe-inline'.
        assert_eq!(
            delivery("script-src 'nonce-r4nd0m+/A==' 'strict-dynamic' https:; object-src 'none'; base-uri 'none'"),
            inline(Some("r4nd0m+/A=="))
        );
        // A nonce makes 'unsafe-inline' void: the nonce is still what lets the beacon run.
        assert_eq!(
            delivery("script-src 'unsafe-inline' 'nonce-abc'"),
            inline(Some("abc"))
        );
        // A hash alone (no nonce to copy) voids 'unsafe-inline' too; 'self' still serves.
        assert_eq!(
            delivery("script-src 'self' 'unsafe-inline' 'sha256-AAAA'"),
            external(None)
        );
    }

    #[test]
    fn a_nonce_that_could_break_out_of_its_attribute_is_never_copied() {
        assert_eq!(
            delivery("script-src 'nonce-a\"><b' 'self'"),
            external(None),
            "not a base64 value: not a nonce to copy"
        );
    }

    #[test]
    fn hosts_and_schemes_that_name_the_shop_let_the_script_in() {
        for allowed in [
            "script-src https:",
            "script-src *",
            "script-src www.shop.example",
            "script-src https://www.shop.example",
            "script-src http://www.shop.example",
            "script-src *.shop.example",
            "script-src https://www.shop.example:443/__sfcc-clerk/",
            "script-src-elem 'self'; script-src 'none'",
        ] {
            assert_eq!(delivery(allowed), external(None), "{allowed}");
        }
        for refused in [
            "script-src 'none'",
            "script-src cdn.shop.example",
            "script-src *.www.shop.example",
            "script-src https://www.shop.example:8443",
            "script-src https://www.shop.example/static/",
            "script-src 'self' 'strict-dynamic'",
            "default-src 'none'; connect-src 'self'",
        ] {
            assert!(
                matches!(delivery(refused), ScriptDelivery::Blocked { .. }),
                "{refused}"
            );
        }
    }

    #[test]
    fn a_page_that_may_not_call_the_event_endpoint_gets_no_beacon() {
        let blocked = delivery("script-src 'self' 'unsafe-inline'; connect-src api.cquotient.com");
        assert_eq!(
            blocked,
            ScriptDelivery::Blocked {
                reason: "the page's connect-src does not let it call /__sfcc-clerk/events".into()
            }
        );
        assert!(matches!(
            delivery("default-src 'none'"),
            ScriptDelivery::Blocked { .. }
        ));
    }

    #[test]
    fn every_enforced_policy_must_allow_the_way_chosen() {
        // Two headers, joined by a comma: both allow 'self', only one inline scripts.
        assert_eq!(
            delivery("script-src 'self' 'unsafe-inline', script-src 'self'"),
            external(None)
        );
        // One allows inline scripts only, the other 'self' only: nothing satisfies both.
        assert!(matches!(
            delivery("script-src 'unsafe-inline', script-src 'self'"),
            ScriptDelivery::Blocked { .. }
        ));
        assert_eq!(
            delivery("script-src 'unsafe-inline', script-src cdn.example"),
            ScriptDelivery::Blocked {
                reason: "the page's script-src allows neither the worker's inline script nor /__sfcc-clerk/beacon-0123456789abcdef.js".into()
            }
        );
        // The first directive of a name counts.
        assert_eq!(
            delivery("script-src 'self'; script-src 'unsafe-inline'"),
            external(None)
        );
    }

    #[test]
    fn a_report_only_policy_is_heeded_where_it_can_be_and_never_blocks() {
        assert_eq!(
            script_delivery(None, Some("script-src 'self'"), &NEEDS),
            external(None),
            "no report raised"
        );
        assert_eq!(
            script_delivery(None, Some("default-src 'none'"), &NEEDS),
            inline(None),
            "a report-only policy that allows nothing blocks nothing"
        );
    }

    #[test]
    fn the_pages_port_counts() {
        let local = ScriptNeeds {
            origin: PageOrigin {
                scheme: "http",
                host: "127.0.0.1",
                port: Some(8787),
            },
            ..NEEDS
        };
        assert_eq!(
            script_delivery(Some("script-src 127.0.0.1:8787"), None, &local),
            external(None)
        );
        assert!(matches!(
            script_delivery(Some("script-src 127.0.0.1"), None, &local),
            ScriptDelivery::Blocked { .. }
        ));
        assert_eq!(
            script_delivery(Some("script-src 'self'"), None, &local),
            external(None)
        );
    }
}
