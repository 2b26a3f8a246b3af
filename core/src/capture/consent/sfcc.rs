//! SFCC's own consent signals: the `dw_dnt` cookie and the shopper's answer to SFRA's tracking
//! banner.
//!
//! Sources:
//! - Salesforce's "Browser-Based Local Data Storage" table: `dw_dnt` "Commerce Cloud sets it with
//!   each page response, based on the value of the corresponding session attribute
//!   TrackingAllowed" (`0` tracking allowed, `1` not).
//! - Salesforce Help "Set Privacy Preferences for B2C Commerce": a new session's TrackingAllowed
//!   is the site preference (Merchant Tools › Site Preferences › Privacy); disabled by default
//!   for sites created after release 18.3, enabled for older sites.
//! - SFRA `controllers/ConsentTracking.js`: `SetSession` (GET, deprecated) and `SetConsent`
//!   (POST with a CSRF token, newer SFRA) both read `consent` from the query string
//!   (`req.querystring.consent === 'true'`; anything else is a refusal), call
//!   `setTrackingAllowed`, and answer `{"success": true}`.
//! - PWA Kit (`commerce-sdk-react`, `useDNT`): the app writes `dw_dnt` itself, only when the
//!   shopper chooses in its banner (or closes it: then `0` unless the app sets `defaultDnt`).
//!
//! So `dw_dnt` shows the session's state, which equals the site's default until someone changes
//! it: only a value other than the default is an answer. SFCC keeps the banner's answer in its
//! session only, so the worker remembers the answer it saw pass in a cookie of its own
//! ([`ANSWER_COOKIE`], for the browser session, like SFCC's).

use super::cookie_values;
use serde::{Deserialize, Serialize};

/// What `dw_dnt` says on this storefront.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackingDefault {
    /// SFRA on a site whose Privacy preference disables tracking by default (every site created
    /// since SFCC 18.3): `dw_dnt=1` is only the default, `dw_dnt=0` is the shopper's yes.
    #[default]
    Disabled,
    /// SFRA on a site that tracks by default (sites older than 18.3, or changed): `dw_dnt=0` is
    /// only the default, `dw_dnt=1` is the shopper's no.
    Enabled,
    /// PWA Kit: the app writes `dw_dnt` only when the shopper answers its banner, so both values
    /// are answers.
    ShopperChoice,
    /// `dw_dnt` is not read (the shop's consent tool is the only source).
    Ignore,
}

/// The cookie in which the worker remembers the answer it saw given to SFRA's tracking banner:
/// `1` yes, `0` no. Readable by the page's beacon (it holds no secret), for the browser session.
pub const ANSWER_COOKIE: &str = "__Host-sfcc_clerk_consent";

/// SFRA's routes that record the banner's answer.
const ANSWER_ROUTES: [&str; 2] = ["ConsentTracking-SetSession", "ConsentTracking-SetConsent"];

/// What `dw_dnt` says under `default`: `Some(true)` the shopper said yes, `Some(false)` no,
/// `None` no answer (the site's default, or no cookie). Of a cookie named twice, a `1` wins.
pub fn dw_dnt_answer(header: &str, default: TrackingDefault) -> Option<bool> {
    let values: Vec<&str> = cookie_values(header, "dw_dnt").collect();
    let value = if values.contains(&"1") {
        "1"
    } else if values.contains(&"0") {
        "0"
    } else {
        return None;
    };
    match (default, value) {
        (TrackingDefault::Ignore, _) => None,
        (TrackingDefault::Disabled, "1") | (TrackingDefault::Enabled, "0") => None,
        (_, v) => Some(v == "0"),
    }
}

/// The answer the worker remembered ([`ANSWER_COOKIE`]); of two, a no wins.
pub fn remembered_answer(header: &str) -> Option<bool> {
    let values: Vec<&str> = cookie_values(header, ANSWER_COOKIE).collect();
    if values.contains(&"0") {
        Some(false)
    } else if values.contains(&"1") {
        Some(true)
    } else {
        None
    }
}

/// The shopper's answer when this request gives one to SFRA's tracking banner: a
/// `ConsentTracking-SetSession` GET or `ConsentTracking-SetConsent` POST, with the storefront's
/// `"success": true` answer (`answer`, its body). `consent` comes from the query as SFRA reads it:
/// exactly `true` is a yes, anything else a no.
pub fn banner_answer(
    method: &str,
    path: &str,
    query: &[(String, String)],
    answer: Option<&str>,
) -> Option<bool> {
    let route = crate::capture::rules::last_segment(path);
    let expected = match route {
        "ConsentTracking-SetSession" => "GET",
        "ConsentTracking-SetConsent" => "POST",
        _ => return None,
    };
    if !method.eq_ignore_ascii_case(expected) {
        return None;
    }
    let succeeded = answer
        .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .is_some_and(|v| v["success"] == serde_json::Value::Bool(true));
    succeeded.then(|| query.iter().any(|(k, v)| k == "consent" && v == "true"))
}

/// True when the shell must read the answer of this request for [`banner_answer`].
pub fn is_banner_answer(path: &str) -> bool {
    ANSWER_ROUTES.contains(&crate::capture::rules::last_segment(path))
}

/// The `Set-Cookie` value that remembers an answer for the browser session.
pub fn answer_set_cookie(yes: bool) -> String {
    let v = if yes { "1" } else { "0" };
    format!("{ANSWER_COOKIE}={v}; Path=/; Secure; SameSite=Lax")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::form::owned as q;

    #[test]
    fn dw_dnt_is_an_answer_only_where_it_differs_from_the_sites_default() {
        use TrackingDefault::*;
        // A site created after 18.3: every response writes dw_dnt=1 until the shopper says yes.
        assert_eq!(dw_dnt_answer("dw_dnt=1", Disabled), None);
        assert_eq!(dw_dnt_answer("dw_dnt=0", Disabled), Some(true));
        // An older site tracks by default: dw_dnt=0 is what everyone gets.
        assert_eq!(dw_dnt_answer("dw_dnt=0", Enabled), None);
        assert_eq!(dw_dnt_answer("dw_dnt=1", Enabled), Some(false));
        // PWA Kit writes it on a choice only.
        assert_eq!(dw_dnt_answer("dw_dnt=0", ShopperChoice), Some(true));
        assert_eq!(dw_dnt_answer("dw_dnt=1", ShopperChoice), Some(false));
        assert_eq!(dw_dnt_answer("", ShopperChoice), None);
        assert_eq!(dw_dnt_answer("dw_dnt=0", Ignore), None);
        // Named twice (a sibling host's cookie beside the shop's): the 1 wins.
        assert_eq!(
            dw_dnt_answer("dw_dnt=0; dw_dnt=1", ShopperChoice),
            Some(false)
        );
        assert_eq!(dw_dnt_answer("dw_dnt=0; dw_dnt=1", Disabled), None);
        assert_eq!(dw_dnt_answer("xdw_dnt=0", ShopperChoice), None);
        assert_eq!(dw_dnt_answer("dw_dnt=yes", ShopperChoice), None);
    }

    #[test]
    fn sfras_banner_routes_give_the_answer_in_their_query_once_the_storefront_took_it() {
        let ok = Some(r#"{"success":true,"action":"ConsentTracking-SetSession"}"#);
        let path = "/on/demandware.store/Sites-RefArch-Site/en_US/ConsentTracking-SetSession";
        assert_eq!(
            banner_answer("GET", path, &q(&[("consent", "true")]), ok),
            Some(true)
        );
        assert_eq!(
            banner_answer("GET", path, &q(&[("consent", "false")]), ok),
            Some(false)
        );
        // SFRA reads anything but `true` as a refusal.
        assert_eq!(
            banner_answer("GET", path, &q(&[("consent", "TRUE")]), ok),
            Some(false)
        );
        assert_eq!(banner_answer("GET", path, &[], ok), Some(false));
        // Not taken (a CSRF failure answers without success; an error page).
        assert_eq!(
            banner_answer(
                "GET",
                path,
                &q(&[("consent", "true")]),
                Some(r#"{"error":true}"#)
            ),
            None
        );
        assert_eq!(
            banner_answer("GET", path, &q(&[("consent", "true")]), None),
            None
        );
        // SFRA 6's SetConsent is a POST with the answer still in the query.
        let post = "/on/demandware.store/Sites-RefArch-Site/en_US/ConsentTracking-SetConsent";
        assert_eq!(
            banner_answer("POST", post, &q(&[("consent", "true")]), ok),
            Some(true)
        );
        assert_eq!(
            banner_answer("GET", post, &q(&[("consent", "true")]), ok),
            None
        );
        assert_eq!(
            banner_answer("POST", path, &q(&[("consent", "true")]), ok),
            None
        );
        assert!(is_banner_answer(post) && is_banner_answer(path));
        assert!(!is_banner_answer("/s/RefArch/ConsentTracking-Check"));
    }

    #[test]
    fn the_remembered_answer_is_a_session_cookie_of_the_host_and_a_no_wins() {
        assert_eq!(
            answer_set_cookie(true),
            "__Host-sfcc_clerk_consent=1; Path=/; Secure; SameSite=Lax"
        );
        assert_eq!(remembered_answer("__Host-sfcc_clerk_consent=1"), Some(true));
        assert_eq!(
            remembered_answer("__Host-sfcc_clerk_consent=1; __Host-sfcc_clerk_consent=0"),
            Some(false)
        );
        assert_eq!(remembered_answer("sfcc_clerk_consent=1"), None);
    }
}
