//! The status page's sign-in: its paths, its session cookie and the same-origin rule for its
//! forms.
//!
//! A browser cannot send a bearer header from a typed URL, and the worker shares the storefront's
//! origin (its scripts, third-party tags included, run there), so the admin token is never kept
//! where page scripts can read it (no `localStorage`/`sessionStorage`, never in the HTML). The
//! page's sign-in form posts the token once; the worker checks it in constant time and answers a
//! random session id — kept in KV for [`TTL_S`] — as a cookie that is `HttpOnly` (no script reads
//! it), `Secure`, `SameSite=Strict` (no other site's page sends it) and scoped to [`PAGE`]. Its
//! forms (replay, sign out) also must come from the page's own origin ([`same_origin`]), so a
//! sibling subdomain cannot post them either, and carry the session's own CSRF token
//! ([`CSRF_FIELD`], made at sign-in and kept with the session, [`csrf_holds`]). The session gives
//! the page and its replay button only; the rest of the admin API still takes the bearer token
//! alone.

/// The status page.
pub const PAGE: &str = "/__sfcc-clerk/status";
/// Where the sign-in form posts the token.
pub const LOGIN: &str = "/__sfcc-clerk/status/login";
/// Where the sign-out form posts.
pub const LOGOUT: &str = "/__sfcc-clerk/status/logout";
/// The page's stylesheet (public: it holds no data).
pub const STYLE: &str = "/__sfcc-clerk/status/style.css";
/// The session cookie.
pub const COOKIE: &str = "sfcc_clerk_status";
/// How long a sign-in lasts, seconds.
pub const TTL_S: u64 = 8 * 60 * 60;

/// The form field that carries the session's CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// What KV keeps for a session: the mark of the token that opened it
/// ([`super::sign_in::token_mark`]) and the session's CSRF token.
pub fn session_record(mark: &str, csrf: &str) -> String {
    format!("{mark} {csrf}")
}

/// A session's record read back: the mark, and the CSRF token (none in a record made before
/// sessions had one: its forms are refused until the operator signs in again).
pub fn read_session(record: &str) -> (&str, Option<&str>) {
    match record.split_once(' ') {
        Some((mark, csrf)) if !csrf.is_empty() => (mark, Some(csrf)),
        Some((mark, _)) => (mark, None),
        None => (record, None),
    }
}

/// Whether a form's CSRF token is its session's (compared in constant time); a session without
/// one (empty) holds with no form.
pub fn csrf_holds(session: Option<&str>, given: Option<&str>) -> bool {
    match (session.filter(|own| !own.is_empty()), given) {
        (Some(own), Some(given)) => crate::settings::constant_time_eq(own, given),
        _ => false,
    }
}

const REPLAY_PREFIX: &str = "/__sfcc-clerk/status/dead-letters/";
const REPLAY_SUFFIX: &str = "/replay";

/// Where a dead letter's Replay button posts.
pub fn replay_path(id: u64) -> String {
    format!("{REPLAY_PREFIX}{id}{REPLAY_SUFFIX}")
}

/// The dead letter a replay path names; `None` for any other path.
pub fn replay_id(path: &str) -> Option<u64> {
    let id = path
        .strip_prefix(REPLAY_PREFIX)?
        .strip_suffix(REPLAY_SUFFIX)?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// The KV key of a session.
pub fn kv_key(id: &str) -> String {
    format!("status-session:{id}")
}

/// The session id in a `Cookie` header: 32 lowercase hex digits, else none.
pub fn session_id(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// The `Set-Cookie` value that signs a browser in.
pub fn set_cookie(id: &str) -> String {
    format!("{COOKIE}={id}; Path={PAGE}; Max-Age={TTL_S}; Secure; HttpOnly; SameSite=Strict")
}

/// The `Set-Cookie` value that signs a browser out.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path={PAGE}; Max-Age=0; Secure; HttpOnly; SameSite=Strict")
}

/// True when a form post comes from the page's own origin. Browsers that send `Sec-Fetch-Site`
/// (no script can set it) say so there: it must be `same-origin`. Older ones send `Origin` on
/// every form post: it must be `own_origin`. (The browser's word is taken first because proxies
/// in front of the worker, `wrangler dev` among them, may rewrite the URL the worker sees.)
pub fn same_origin(own_origin: &str, origin: Option<&str>, sec_fetch_site: Option<&str>) -> bool {
    match sec_fetch_site {
        Some(site) => site == "same-origin",
        None => origin == Some(own_origin),
    }
}

/// The headers every status response carries: no caching, no framing, no scripts, styles only
/// from the worker, forms only to the worker.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("cache-control", "no-store"),
    (
        "content-security-policy",
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_paths_round_trip_and_nothing_else_parses() {
        assert_eq!(replay_path(7), "/__sfcc-clerk/status/dead-letters/7/replay");
        assert_eq!(replay_id(&replay_path(7)), Some(7));
        for bad in [
            "/__sfcc-clerk/status/dead-letters//replay",
            "/__sfcc-clerk/status/dead-letters/-1/replay",
            "/__sfcc-clerk/status/dead-letters/1/2/replay",
            "/__sfcc-clerk/status/dead-letters/1",
            "/admin/dead-letters/1/replay",
        ] {
            assert_eq!(replay_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(session_id(&format!("a=b; {COOKIE}={id}")), Some(id));
        assert_eq!(session_id(&format!("{COOKIE}=short")), None);
        assert_eq!(session_id(&format!("{COOKIE}={}", id.to_uppercase())), None);
        assert_eq!(
            session_id("x_sfcc_clerk_status=0123456789abcdef0123456789abcdef"),
            None
        );
        assert_eq!(session_id(""), None);
    }

    #[test]
    fn the_cookie_is_http_only_secure_strict_and_scoped_to_the_page() {
        let c = set_cookie("abc");
        for part in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/__sfcc-clerk/status;",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(clear_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn forms_count_only_from_the_pages_own_origin() {
        let own = "https://shop.example.com";
        assert!(same_origin(own, Some(own), Some("same-origin")));
        assert!(same_origin(own, Some(own), None));
        assert!(!same_origin(own, None, None), "neither header");
        assert!(!same_origin(
            own,
            Some("https://blog.example.com"),
            Some("same-site")
        ));
        assert!(!same_origin(own, Some(own), Some("cross-site")));
        assert!(!same_origin(own, Some("null"), None));
        assert!(!same_origin(own, Some("https://evil.example"), None));
        assert!(
            !same_origin(own, Some(own), Some("none")),
            "typed or bookmarked, not a form"
        );
    }

    #[test]
    fn a_form_holds_only_with_its_own_sessions_token() {
        let record = session_record("token:0123456789abcdef", "c5f0e1");
        assert_eq!(
            read_session(&record),
            ("token:0123456789abcdef", Some("c5f0e1"))
        );
        assert_eq!(
            read_session("token:0123456789abcdef"),
            ("token:0123456789abcdef", None),
            "a session from before has no token"
        );
        assert!(csrf_holds(Some("c5f0e1"), Some("c5f0e1")));
        assert!(!csrf_holds(Some("c5f0e1"), Some("c5f0e2")));
        assert!(!csrf_holds(Some("c5f0e1"), None));
        assert!(!csrf_holds(None, Some("c5f0e1")));
        assert!(!csrf_holds(Some(""), Some("")), "a session without a token");
    }
}
