//! Responses the worker changed per visitor (a `Set-Cookie` of its own, a beacon carrying a page
//! id of its own) must never be kept by a shared cache and served to another shopper: such a
//! response says `Cache-Control: private` (keeping the origin's `no-store`), varies on `Cookie`,
//! and loses the origin's validators (`ETag`, `Last-Modified`), which describe a body the shopper
//! no longer gets.

/// The headers of a response the worker changed for one visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateHeaders {
    /// The `Cache-Control` value to set.
    pub cache_control: String,
    /// The `Vary` value to set.
    pub vary: String,
}

/// Headers the origin sent that no longer describe the changed body: removed.
pub const STALE_VALIDATORS: [&str; 2] = ["etag", "last-modified"];

/// The caching headers of a changed response, from the origin's `Cache-Control` and `Vary`.
pub fn private_headers(cache_control: Option<&str>, vary: Option<&str>) -> PrivateHeaders {
    let no_store = cache_control.is_some_and(|c| {
        c.split(',')
            .any(|d| d.trim().eq_ignore_ascii_case("no-store"))
    });
    let cache_control = if no_store {
        "private, no-store"
    } else {
        "private, no-cache"
    };
    let mut varies: Vec<String> = vary
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
        .collect();
    if varies.iter().any(|v| v == "*") {
        return PrivateHeaders {
            cache_control: cache_control.into(),
            vary: "*".into(),
        };
    }
    if !varies.iter().any(|v| v.eq_ignore_ascii_case("cookie")) {
        varies.push("Cookie".into());
    }
    PrivateHeaders {
        cache_control: cache_control.into(),
        vary: varies.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_response_is_private_and_varies_on_cookie() {
        let h = private_headers(Some("public, max-age=3600, s-maxage=86400"), None);
        assert_eq!(
            (h.cache_control.as_str(), h.vary.as_str()),
            ("private, no-cache", "Cookie")
        );
        let h = private_headers(Some("no-store, no-cache"), Some("Accept-Encoding"));
        assert_eq!(
            (h.cache_control.as_str(), h.vary.as_str()),
            ("private, no-store", "Accept-Encoding, Cookie")
        );
        assert_eq!(private_headers(None, Some("cookie")).vary, "cookie");
        assert_eq!(private_headers(None, Some("*")).vary, "*");
    }
}
