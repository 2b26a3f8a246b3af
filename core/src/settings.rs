//! Everything the worker needs to know, read from flat settings (worker vars and secrets, or an
//! env file), checked once, with secrets wrapped so they cannot be logged.

use crate::config::FieldMapping;
use crate::store::{is_absolute_http_url, ConfigError, Secret, StoreConfig};

/// How to reach SFCC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfccConnection {
    /// Instance base URL (OCAPI lives below `/s/-/dw/`).
    pub base_url: String,
    /// Account Manager base URL (token endpoint below `/dwsso/`).
    pub auth_url: String,
    /// API client id.
    pub client_id: String,
    /// API client secret.
    pub client_secret: Secret,
}

/// How to reach Clerk.io.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkConnection {
    /// API base URL (`https://api.clerk.io`); paths start with `/v2/`.
    pub api_url: String,
    /// The store's private key (writes).
    pub private_key: Secret,
}

/// The worker's whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The store this worker serves.
    pub store: StoreConfig,
    /// SFCC connection.
    pub sfcc: SfccConnection,
    /// Clerk connection.
    pub clerk: ClerkConnection,
    /// Products per catalog page job.
    pub page_size: u32,
    /// Bearer token for `/admin/*`; admin endpoints are closed without it.
    pub admin_token: Option<Secret>,
    /// How SFCC fields become Clerk fields.
    pub mapping: FieldMapping,
    /// The cron expression whose trigger runs a full re-index (others run deltas).
    pub full_reindex_cron: Option<String>,
}

impl Settings {
    /// Reads and checks every setting. Secrets: `SFCC_CLIENT_SECRET`, `CLERK_PRIVATE_KEY`,
    /// `ADMIN_TOKEN`; URLs: `SFCC_BASE_URL`, `SFCC_AUTH_URL`, `CLERK_API_URL`; plus
    /// `SFCC_CLIENT_ID`, `SFCC_PAGE_SIZE` (default 100) and the store settings.
    pub fn from_settings(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
        let url = |name: &'static str| -> Result<String, ConfigError> {
            let v = required(name)?;
            if !is_absolute_http_url(&v) {
                return Err(ConfigError::Invalid {
                    name,
                    reason: format!("{v:?} is not an absolute http(s) URL"),
                });
            }
            Ok(v.trim_end_matches('/').to_string())
        };
        let page_size = match get("SFCC_PAGE_SIZE") {
            None => crate::catalog::DEFAULT_PAGE_SIZE,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=crate::sfcc::MAX_PAGE_SIZE).contains(n))
                .ok_or_else(|| ConfigError::Invalid {
                    name: "SFCC_PAGE_SIZE",
                    reason: format!(
                        "{v:?} is not a whole number from 1 to {}",
                        crate::sfcc::MAX_PAGE_SIZE
                    ),
                })?,
        };
        Ok(Self {
            store: StoreConfig::from_settings(|name: &str| get(name))?,
            sfcc: SfccConnection {
                base_url: url("SFCC_BASE_URL")?,
                auth_url: url("SFCC_AUTH_URL")?,
                client_id: required("SFCC_CLIENT_ID")?,
                client_secret: Secret::new(required("SFCC_CLIENT_SECRET")?),
            },
            clerk: ClerkConnection {
                api_url: url("CLERK_API_URL")?,
                private_key: Secret::new(required("CLERK_PRIVATE_KEY")?),
            },
            page_size,
            admin_token: get("ADMIN_TOKEN").map(Secret::new),
            mapping: FieldMapping::default(),
            full_reindex_cron: get("FULL_REINDEX_CRON"),
        })
    }
}

/// Compares two tokens in time that depends only on their lengths, not on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn all() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("STORE_NAME", "us"),
            ("SFCC_SITE_ID", "RefArch"),
            ("STORE_LOCALE", "en-US"),
            ("STORE_CURRENCY", "USD"),
            ("CLERK_PUBLIC_KEY", "pub"),
            ("PRODUCT_URL_TEMPLATE", "https://shop.example/{id}"),
            ("SFCC_BASE_URL", "http://127.0.0.1:9/"),
            ("SFCC_AUTH_URL", "http://127.0.0.1:9"),
            ("SFCC_CLIENT_ID", "client"),
            ("SFCC_CLIENT_SECRET", "s3cret"),
            ("CLERK_API_URL", "http://127.0.0.1:9"),
            ("CLERK_PRIVATE_KEY", "priv"),
        ])
    }

    fn load(m: &HashMap<&'static str, &'static str>) -> Result<Settings, ConfigError> {
        Settings::from_settings(|k| m.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn reads_everything_and_hides_secrets() {
        let s = load(&all()).unwrap();
        assert_eq!(s.sfcc.base_url, "http://127.0.0.1:9");
        assert_eq!(s.page_size, 100);
        assert_eq!(s.admin_token, None);
        let debug = format!("{s:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("priv\""),
            "{debug}"
        );
    }

    #[test]
    fn names_what_is_wrong() {
        let mut m = all();
        m.remove("CLERK_PRIVATE_KEY");
        assert_eq!(load(&m), Err(ConfigError::Missing("CLERK_PRIVATE_KEY")));
        let mut m = all();
        m.insert("SFCC_BASE_URL", "sandbox");
        assert!(matches!(
            load(&m),
            Err(ConfigError::Invalid {
                name: "SFCC_BASE_URL",
                ..
            })
        ));
        let mut m = all();
        m.insert("SFCC_PAGE_SIZE", "500");
        assert!(matches!(
            load(&m),
            Err(ConfigError::Invalid {
                name: "SFCC_PAGE_SIZE",
                ..
            })
        ));
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
