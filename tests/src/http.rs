use serde_json::Value;

/// A blocking HTTP client that treats every status as an answer, not an error.
#[derive(Clone)]
pub struct Client(ureq::Agent);

/// An answer: status, headers of interest, and the body (JSON when it parses).
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Set-Cookie`, if sent (the first).
    pub set_cookie: Option<String>,
    /// Every `Set-Cookie`.
    pub set_cookies: Vec<String>,
    /// The body as JSON (`Value::String` with the text when it is not JSON).
    pub json: Value,
    /// `Retry-After`, if sent.
    pub retry_after: Option<String>,
    /// Every header, names in lowercase, in the order sent.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// The first value of header `name` (any case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Default for Client {
    fn default() -> Self {
        Self(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(std::time::Duration::from_secs(30)))
                .build()
                .into(),
        )
    }
}

impl Client {
    /// A client that answers redirects as they are (to read a redirect's own cookies).
    pub fn without_redirects() -> Self {
        Self(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(std::time::Duration::from_secs(30)))
                .build()
                .into(),
        )
    }

    fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        match r {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let set_cookies: Vec<String> = r
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .map(String::from)
                    .collect();
                let set_cookie = set_cookies.first().cloned();
                let retry_after = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .map(String::from);
                let headers = r
                    .headers()
                    .iter()
                    .map(|(k, v)| {
                        let v = v.to_str().unwrap_or_default().to_string();
                        (k.as_str().to_ascii_lowercase(), v)
                    })
                    .collect();
                // Read-backs of a large catalog exceed ureq's 10 MB default.
                let text = r
                    .body_mut()
                    .with_config()
                    .limit(1 << 30)
                    .read_to_string()
                    .unwrap_or_default();
                let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
                Reply {
                    status,
                    set_cookie,
                    set_cookies,
                    json,
                    retry_after,
                    headers,
                }
            }
            Err(e) => Reply {
                status: 0,
                set_cookie: None,
                set_cookies: Vec::new(),
                json: Value::String(e.to_string()),
                retry_after: None,
                headers: Vec::new(),
            },
        }
    }

    /// `GET url` with optional headers.
    pub fn get(&self, url: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = self.0.get(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::reply(req.call())
    }

    /// `method url` with a text body and optional headers.
    pub fn send(&self, method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        if method == "DELETE" {
            let mut req = self.0.delete(url);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            return Self::reply(req.force_send_body().send(body));
        }
        let mut req = match method {
            "PATCH" => self.0.patch(url),
            "PUT" => self.0.put(url),
            _ => self.0.post(url),
        };
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::reply(req.send(body))
    }
}
