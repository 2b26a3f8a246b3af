use serde::Serialize;

/// One Clerk tracking call: `GET /v2/{path}?key=…&…` (tracking uses only the public key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingCall {
    /// Endpoint path below `/v2/`, e.g. `log/product`.
    pub path: &'static str,
    /// Query parameters other than `key`, in order; list values are already JSON-encoded.
    pub params: Vec<(&'static str, String)>,
}

impl TrackingCall {
    /// The full request URL below `api_base` (e.g. `https://api.clerk.io`).
    pub fn url(&self, api_base: &str, public_key: &str) -> String {
        let mut url = format!(
            "{}/v2/{}?key={}",
            api_base.trim_end_matches('/'),
            self.path,
            percent_encode(public_key)
        );
        for (name, value) in &self.params {
            url.push('&');
            url.push_str(name);
            url.push('=');
            url.push_str(&percent_encode(value));
        }
        url
    }

    /// The path as it appears in the delivery log (no key, no shopper data).
    pub fn endpoint(&self) -> String {
        format!("/v2/{}", self.path)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_encoded_urls() {
        let call = TrackingCall {
            path: "log/cart/add",
            params: vec![
                ("products", r#"[{"id":"P 1","qty":2}]"#.into()),
                ("visitor", "abc".into()),
            ],
        };
        assert_eq!(
            call.url("http://127.0.0.1:9/", "pub&1"),
            "http://127.0.0.1:9/v2/log/cart/add?key=pub%261&products=%5B%7B%22id%22%3A%22P%201%22%2C%22qty%22%3A2%7D%5D&visitor=abc"
        );
        assert_eq!(call.endpoint(), "/v2/log/cart/add");
    }

    #[test]
    fn encodes_multibyte() {
        assert_eq!(percent_encode("é~"), "%C3%A9~");
    }
}
