//! Reading the `Cookie` header and writing `Set-Cookie` values.

use axum::http::HeaderMap;

/// The session cookie; the cart is keyed by it.
pub const SESSION: &str = "dwsid";
/// The tracking-consent cookie: `0` when the shopper consented, `1` when they declined.
pub const DNT: &str = "dw_dnt";

/// The value of cookie `name` in the request, if sent.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value for the whole site; `http_only` hides it from page scripts.
pub fn set(name: &str, value: &str, http_only: bool) -> String {
    let flags = if http_only { "; HttpOnly" } else { "" };
    format!("{name}={value}; Path=/; SameSite=Lax{flags}")
}

/// A `Set-Cookie` value that removes cookie `name`.
pub fn clear(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; SameSite=Lax")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append("cookie", "a=1; dwsid=abc".parse().expect("header"));
        h.append("cookie", "dw_dnt=0".parse().expect("header"));
        assert_eq!(read(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(read(&h, DNT).as_deref(), Some("0"));
        assert_eq!(read(&h, "dws"), None);
        assert_eq!(clear("x"), "x=; Path=/; Max-Age=0; SameSite=Lax");
    }
}
