//! A client for the worker's `/__sfcc-clerk/admin/*` API.

use serde_json::Value;
use std::time::Duration;

/// Environment variable holding the admin token (kept out of command lines and shell history).
pub const TOKEN_VAR: &str = "SFCC_CLERK_ADMIN_TOKEN";

/// Why an admin call failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The worker answered with an error status.
    #[error("the worker answered {status}: {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The worker's `error`, or the body.
        message: String,
        /// The whole answer.
        body: Value,
    },
    /// No answer.
    #[error("cannot reach the worker: {0}")]
    Unreachable(String),
}

/// The admin API of one worker.
pub struct AdminClient {
    base_url: String,
    token: String,
    agent: ureq::Agent,
}

impl AdminClient {
    /// A client for the worker at `base_url` (e.g. `https://shop.example.com`) with a token.
    pub fn new(base_url: &str, token: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            agent,
        }
    }

    fn call(&self, method: &str, path: &str) -> Result<Value, AdminError> {
        self.call_with(method, path, None)
    }

    fn call_with(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, AdminError> {
        let url = format!("{}{}/{path}", self.base_url, sfcc_clerk_core::paths::ADMIN);
        let auth = format!("Bearer {}", self.token);
        let response = match (method, body) {
            ("POST", Some(body)) => self
                .agent
                .post(&url)
                .header("authorization", &auth)
                .header("content-type", "application/json")
                .send(body.to_string()),
            ("POST", None) => self
                .agent
                .post(&url)
                .header("authorization", &auth)
                .send_empty(),
            _ => self.agent.get(&url).header("authorization", &auth).call(),
        };
        let mut response = response.map_err(|e| AdminError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| AdminError::Unreachable(e.to_string()))?;
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let message = body["error"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| body.to_string());
        Err(AdminError::Refused {
            status,
            message,
            body,
        })
    }

    /// Starts a run: a full re-index when `full`, else a delta; of one store or every store.
    pub fn start_run(&self, store: Option<&str>, full: bool) -> Result<Value, AdminError> {
        let action = if full { "reindex" } else { "sync" };
        let path = match store {
            Some(s) => format!("{action}?store={}", encode(s)),
            None => action.to_string(),
        };
        self.call("POST", &path)
    }

    /// Queues again what the run holding a store (or each store) has not done, after its queued
    /// jobs were lost.
    pub fn resume(&self, store: Option<&str>) -> Result<Value, AdminError> {
        let path = match store {
            Some(s) => format!("resume?store={}", encode(s)),
            None => "resume".to_string(),
        };
        self.call("POST", &path)
    }

    /// Puts dead letter `id` back on its queue; an in-doubt sale only with `in_doubt_checked`
    /// (the operator checked that Clerk lacks it).
    pub fn replay(&self, id: u64, in_doubt_checked: bool) -> Result<Value, AdminError> {
        let confirm = if in_doubt_checked {
            "?confirm=in-doubt"
        } else {
            ""
        };
        self.call("POST", &format!("dead-letters/{id}/replay{confirm}"))
    }

    /// Erases one shopper (customer number, email or both) from every store's Clerk store, or
    /// `store`'s (`POST /__sfcc-clerk/admin/erase`; the shopper goes in the body, never the URL).
    pub fn erase(
        &self,
        store: Option<&str>,
        customer_no: Option<&str>,
        email: Option<&str>,
    ) -> Result<Value, AdminError> {
        let path = match store {
            Some(s) => format!("erase?store={}", encode(s)),
            None => "erase".to_string(),
        };
        let body = serde_json::json!({"customer_no": customer_no, "email": email});
        self.call_with("POST", &path, Some(&body))
    }

    /// The status report (`GET /__sfcc-clerk/admin/status`).
    pub fn status(&self) -> Result<Value, AdminError> {
        self.call("GET", "status")
    }

    /// Reads a listing: `deliveries`, `sync-runs`, `validation-failures` or `dead-letters`.
    pub fn list(&self, what: &str, limit: u32) -> Result<Value, AdminError> {
        self.call("GET", &format!("{what}?limit={limit}"))
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_workers_are_reported() {
        // Port 9 on loopback (discard) is closed here: nothing listens.
        let client = AdminClient::new("http://127.0.0.1:9/", "t");
        assert!(matches!(
            client.list("deliveries", 1),
            Err(AdminError::Unreachable(_))
        ));
        assert_eq!(encode("refarch us/1"), "refarch%20us%2F1");
    }
}
