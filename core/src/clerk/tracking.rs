use serde::Serialize;
use serde_json::{Map, Value};

/// Parameters whose values are JSON-encoded lists (in a query string) or lists (in a body).
const LIST_PARAMS: [&str; 2] = ["products", "labels"];

/// Endpoints called with a JSON body: a sale may name many lines (a query string has a length
/// limit on the way) and carries the shopper's email, which has no place in a URL that proxies
/// and servers log. Clerk's reference documents `POST /v2/log/sale` with `key`, `sale`,
/// `products` (`[{id, price, quantity}]`), `customer`, `email` and `visitor` in a JSON body
/// (docs.clerk.io/reference, log/sale).
const POSTED: [&str; 1] = ["log/sale"];

/// One Clerk tracking call: `GET /v2/{path}?key=…&…`, or for a sale `POST /v2/{path}` with a
/// JSON body (tracking uses only the public key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingCall {
    /// Endpoint path below `/v2/`, e.g. `log/product`.
    pub path: &'static str,
    /// Parameters other than `key`, in order; list values are already JSON-encoded.
    pub params: Vec<(&'static str, String)>,
}

/// How a tracking call goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The URL (for a `GET`, with the key and parameters).
    pub url: String,
    /// The JSON body of a `POST`: the key and the parameters.
    pub body: Option<String>,
}

impl TrackingCall {
    /// The request below `api_base` (e.g. `https://api.clerk.io`): a `POST` with a JSON body for
    /// a sale, else a `GET` with the parameters in the query string.
    pub fn request(&self, api_base: &str, public_key: &str) -> TrackingRequest {
        if !POSTED.contains(&self.path) {
            return TrackingRequest {
                method: "GET",
                url: self.url(api_base, public_key),
                body: None,
            };
        }
        let mut body = Map::new();
        body.insert("key".into(), Value::from(public_key));
        for (name, value) in &self.params {
            let value = match serde_json::from_str::<Value>(value) {
                Ok(list @ Value::Array(_)) if LIST_PARAMS.contains(name) => list,
                _ => Value::from(value.as_str()),
            };
            body.insert((*name).into(), value);
        }
        TrackingRequest {
            method: "POST",
            url: format!("{}/v2/{}", api_base.trim_end_matches('/'), self.path),
            body: Some(Value::Object(body).to_string()),
        }
    }

    /// The full `GET` URL below `api_base` (e.g. `https://api.clerk.io`).
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
    fn a_sale_is_posted_as_json_with_its_lines_as_a_list_and_the_email_out_of_the_url() {
        let sale = TrackingCall {
            path: "log/sale",
            params: vec![
                ("sale", "00000101".into()),
                (
                    "products",
                    r#"[{"id":"25518704M","price":39.5,"quantity":2}]"#.into(),
                ),
                ("email", "ann@example.com".into()),
                ("visitor", "abc".into()),
            ],
        };
        let request = sale.request("https://api.clerk.io/", "pub key");
        assert_eq!(request.method, "POST");
        assert_eq!(request.url, "https://api.clerk.io/v2/log/sale");
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"key": "pub key", "sale": "00000101",
                "products": [{"id": "25518704M", "price": 39.5, "quantity": 2}],
                "email": "ann@example.com", "visitor": "abc"})
        );
        let view = TrackingCall {
            path: "log/product",
            params: vec![("product", "P 1".into())],
        };
        let request = view.request("https://api.clerk.io", "pub");
        assert_eq!(
            (request.method, request.url.as_str(), request.body),
            (
                "GET",
                "https://api.clerk.io/v2/log/product?key=pub&product=P%201",
                None
            )
        );
    }

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
