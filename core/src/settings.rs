//! Everything the worker needs to know, read from flat settings (worker vars and secrets, or an
//! env file), checked once, with secrets wrapped so they cannot be logged.

use crate::config::{ConnectorConfig, FieldMapping};
use crate::retry::Backoff;
use crate::store::{is_absolute_http_url, ConfigError, Secret, StoreConfig};

/// The shortest `ADMIN_TOKEN` (or `QA_TOKEN`) accepted: it is guessed at from the internet.
pub const MIN_ADMIN_TOKEN_CHARS: usize = 32;

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

/// How to reach SCAPI's Admin APIs (the Orders API, to read a confirmation page's order): the
/// same API client as OCAPI, given the `Salesforce Commerce API` role for the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScapiConnection {
    /// `https://{shortCode}.api.commercecloud.salesforce.com`.
    pub base_url: String,
    /// `f_ecom_{realm}_{instance}`.
    pub organization_id: String,
}

/// One store the worker serves, with its Clerk private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// The store's settings from the configuration file.
    pub config: StoreConfig,
    /// Its Clerk private key (from the secret the configuration names).
    pub private_key: Secret,
}

impl Store {
    /// Its SFCC site id and locale: what a storefront request is matched on.
    pub fn site_and_locale(&self) -> (&str, &str) {
        (&self.config.site_id, &self.config.locale)
    }
}

/// The worker's whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The stores, in configuration order; the first is the default for events.
    pub stores: Vec<Store>,
    /// SFCC connection.
    pub sfcc: SfccConnection,
    /// SCAPI Admin APIs (`SCAPI_BASE_URL`, `SCAPI_ORGANIZATION_ID`); without them, sales are
    /// read from the confirmation page's markup only.
    pub scapi: Option<ScapiConnection>,
    /// The order history sync (see [`crate::history`]): on when SCAPI is configured, unless
    /// `ORDER_HISTORY_DAYS` is 0.
    pub order_history: Option<crate::history::HistoryConfig>,
    /// Clerk API base URL (`https://api.clerk.io`); paths start with `/v2/`.
    pub clerk_api_url: String,
    /// Products per catalog page job.
    pub page_size: u32,
    /// Bearer token for `/__sfcc-clerk/admin/*`; admin endpoints are closed without it.
    pub admin_token: Option<Secret>,
    /// A token that turns QA mode on and nothing else (`QA_TOKEN`), for QA engineers who do not
    /// hold the admin token; the admin token turns it on too.
    pub qa_token: Option<Secret>,
    /// How SFCC fields become Clerk fields.
    pub mapping: FieldMapping,
    /// The cron expression whose trigger runs a full re-index (others run deltas).
    pub full_reindex_cron: Option<String>,
    /// How long an outbound call may take before it counts as timed out (and is retried).
    pub http_timeout_ms: u64,
    /// Pages of the whole catalog each delta run reads again for price and stock changes.
    pub sweep_pages: u32,
    /// The storefront the worker proxies (`ORIGIN_URL`); without it, nothing is proxied.
    pub origin_url: Option<String>,
    /// The header the storefront reads the client's address from (`CLIENT_IP_HEADER`: the
    /// Client IP Header Name set in Business Manager's Customer CDN Settings), lowercase.
    pub client_ip_header: Option<String>,
    /// Tracking consent: mode and the shop's consent cookie.
    pub consent: crate::capture::ConsentConfig,
    /// Which storefront requests and pages are shopper actions (the file's `[capture]`).
    pub capture: crate::capture::CaptureConfig,
    /// Days the worker's records (deliveries, finished runs, replayed dead letters…) are kept.
    pub retention_days: u32,
    /// How failed deliveries are retried: attempts, and the backoff between them.
    pub backoff: Backoff,
    /// Whether the old root paths (`/health`, `/events`, `/admin/*`) answer beside
    /// `/__sfcc-clerk/` (`LEGACY_PATHS=true`); off, they are the storefront's.
    pub legacy_paths: bool,
}

impl Settings {
    /// Combines the configuration file (stores, mapping) with the worker's vars and secrets:
    /// `SFCC_BASE_URL`, `SFCC_AUTH_URL`, `SFCC_CLIENT_ID`, secret `SFCC_CLIENT_SECRET`,
    /// `CLERK_API_URL`, each store's private key secret, `SFCC_PAGE_SIZE` (default 100),
    /// `FULL_REINDEX_CRON`, `HTTP_TIMEOUT_MS` (default 20000), `SWEEP_PAGES` (default 10; 0 turns
    /// the sweep off; at most one segment: 1,000 products), `ORIGIN_URL` (the storefront to proxy), `CLIENT_IP_HEADER` (the header the
    /// storefront reads the client's address from), `CONSENT_MODE` (`strict`, the
    /// default, or `anonymous`), `CONSENT_COOKIE` (`name=value` of the shop's consent cookie),
    /// `RETENTION_DAYS` (default 30), `LEGACY_PATHS` (`true` answers the old root paths too),
    /// `SCAPI_BASE_URL` and `SCAPI_ORGANIZATION_ID` (both or neither), `ORDER_HISTORY_DAYS`,
    /// `ORDER_HISTORY_EMAILS` and `ORDER_HISTORY_LAG_MINUTES` (see [`order_history`]),
    /// `RETRY_MAX_ATTEMPTS`, `RETRY_BASE_S`, `RETRY_MAX_S` (the retry
    /// policy; see [`Backoff`]'s defaults), secrets `ADMIN_TOKEN` and `QA_TOKEN` (each at least
    /// [`MIN_ADMIN_TOKEN_CHARS`] characters).
    pub fn from_settings(
        config: ConnectorConfig,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
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
        let per_segment = crate::catalog::pages_per_segment(page_size);
        let stores = config
            .stores
            .into_iter()
            .map(|store| {
                let key = get(&store.private_key_secret).ok_or_else(|| ConfigError::Invalid {
                    name: "store private key",
                    reason: format!(
                        "secret {} (Clerk private key of store {}) is not set",
                        store.private_key_secret, store.name
                    ),
                })?;
                Ok(Store {
                    config: store,
                    private_key: Secret::new(key),
                })
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(Self {
            stores,
            sfcc: SfccConnection {
                base_url: url("SFCC_BASE_URL")?,
                auth_url: url("SFCC_AUTH_URL")?,
                client_id: required("SFCC_CLIENT_ID")?,
                client_secret: Secret::new(required("SFCC_CLIENT_SECRET")?),
            },
            scapi: match (get("SCAPI_BASE_URL"), get("SCAPI_ORGANIZATION_ID")) {
                (None, None) => None,
                (Some(_), Some(org)) => {
                    crate::sfcc::check_organization_id(&org).map_err(|reason| {
                        ConfigError::Invalid {
                            name: "SCAPI_ORGANIZATION_ID",
                            reason,
                        }
                    })?;
                    Some(ScapiConnection {
                        base_url: url("SCAPI_BASE_URL")?,
                        organization_id: org,
                    })
                }
                (Some(_), None) => return Err(ConfigError::Missing("SCAPI_ORGANIZATION_ID")),
                (None, Some(_)) => return Err(ConfigError::Missing("SCAPI_BASE_URL")),
            },
            order_history: order_history(
                &get,
                get("SCAPI_BASE_URL").is_some() && get("SCAPI_ORGANIZATION_ID").is_some(),
            )?,
            clerk_api_url: url("CLERK_API_URL")?,
            page_size,
            admin_token: token(
                &get,
                "ADMIN_TOKEN",
                "it opens the admin API, the status page and QA mode from the shop's domain",
            )?,
            qa_token: token(
                &get,
                "QA_TOKEN",
                "it turns QA mode on from the shop's domain",
            )?,
            mapping: config.mapping,
            capture: config.capture,
            retention_days: match get("RETENTION_DAYS") {
                None => crate::retention::DEFAULT_RETENTION_DAYS,
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=crate::retention::MAX_RETENTION_DAYS).contains(d))
                    .ok_or_else(|| ConfigError::Invalid {
                        name: "RETENTION_DAYS",
                        reason: format!(
                            "{v:?} is not a whole number of days from 1 to {}",
                            crate::retention::MAX_RETENTION_DAYS
                        ),
                    })?,
            },
            full_reindex_cron: get("FULL_REINDEX_CRON"),
            origin_url: match get("ORIGIN_URL") {
                None => None,
                Some(_) => Some(url("ORIGIN_URL")?),
            },
            client_ip_header: match get("CLIENT_IP_HEADER") {
                None => None,
                Some(h) => Some(
                    crate::capture::check_client_ip_header(&h).map_err(|reason| {
                        ConfigError::Invalid {
                            name: "CLIENT_IP_HEADER",
                            reason,
                        }
                    })?,
                ),
            },
            consent: crate::capture::ConsentConfig {
                mode: match get("CONSENT_MODE").as_deref() {
                    None => config.consent.mode,
                    Some("strict") => crate::capture::ConsentMode::Strict,
                    Some("anonymous") => crate::capture::ConsentMode::Anonymous,
                    Some(other) => {
                        return Err(ConfigError::Invalid {
                            name: "CONSENT_MODE",
                            reason: format!("{other:?} is neither \"strict\" nor \"anonymous\""),
                        })
                    }
                },
                cookie: match get("CONSENT_COOKIE") {
                    None => config.consent.cookie.clone(),
                    Some(c) => match crate::capture::check_shop_cookie(&c) {
                        Ok(()) => Some(c),
                        Err(reason) => {
                            return Err(ConfigError::Invalid {
                                name: "CONSENT_COOKIE",
                                reason,
                            })
                        }
                    },
                },
                ..config.consent
            },
            sweep_pages: match get("SWEEP_PAGES") {
                None => crate::catalog::DEFAULT_SWEEP_PAGES.min(per_segment),
                // One segment at most: a sweep reads by offsets after its cursor, and OCAPI takes
                // `start` only up to 999 (see `catalog::segment`).
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= per_segment)
                    .ok_or_else(|| ConfigError::Invalid {
                        name: "SWEEP_PAGES",
                        reason: format!(
                            "{v:?} is not a whole number from 0 to {per_segment} (pages of \
                             {page_size}: a sweep reads at most {} products, as OCAPI takes \
                             `start` only up to {})",
                            per_segment * page_size,
                            crate::catalog::MAX_START
                        ),
                    })?,
            },
            backoff: backoff(&get)?,
            legacy_paths: match get("LEGACY_PATHS").as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => {
                    return Err(ConfigError::Invalid {
                        name: "LEGACY_PATHS",
                        reason: format!("{other:?} is neither \"true\" nor \"false\""),
                    })
                }
            },
            http_timeout_ms: match get("HTTP_TIMEOUT_MS") {
                None => 20_000,
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|ms| (100..=300_000).contains(ms))
                    .ok_or_else(|| ConfigError::Invalid {
                        name: "HTTP_TIMEOUT_MS",
                        reason: format!(
                            "{v:?} is not a whole number of milliseconds from 100 to 300000"
                        ),
                    })?,
            },
        })
    }

    /// A store by name.
    pub fn store(&self, name: &str) -> Option<&Store> {
        self.stores.iter().find(|s| s.config.name == name)
    }

    /// The stores a sale on SFCC site `site_id` may go to (see
    /// [`crate::capture::store_for_order`]): the site's stores, by name and currency.
    pub fn sale_stores(&self, site_id: &str) -> Vec<crate::capture::SaleStore> {
        self.stores
            .iter()
            .filter(|s| s.config.site_id == site_id)
            .map(|s| crate::capture::SaleStore {
                name: s.config.name.clone(),
                currency: s.config.currency.clone(),
            })
            .collect()
    }
}

/// The retry policy from `RETRY_MAX_ATTEMPTS` (1 to 50), `RETRY_BASE_S` and `RETRY_MAX_S` (1 s to
/// 12 h, the longest a queue message may be delayed; base ≤ max), each defaulting to
/// [`Backoff::default`]'s.
fn backoff(get: &impl Fn(&str) -> Option<String>) -> Result<Backoff, ConfigError> {
    let defaults = Backoff::default();
    let number =
        |name: &'static str, default: u32, range: std::ops::RangeInclusive<u32>| match get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| ConfigError::Invalid {
                    name,
                    reason: format!(
                        "{v:?} is not a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                }),
        };
    let b = Backoff {
        max_attempts: number("RETRY_MAX_ATTEMPTS", defaults.max_attempts, 1..=50)?,
        base_s: number("RETRY_BASE_S", defaults.base_s, 1..=43_200)?,
        max_s: number("RETRY_MAX_S", defaults.max_s, 1..=43_200)?,
    };
    if b.base_s > b.max_s {
        return Err(ConfigError::Invalid {
            name: "RETRY_BASE_S",
            reason: format!("{} s is more than RETRY_MAX_S ({} s)", b.base_s, b.max_s),
        });
    }
    Ok(b)
}

/// The order history from `ORDER_HISTORY_DAYS` (0 to 1095, default 365; 0 turns it off),
/// `ORDER_HISTORY_EMAILS` (`true` sends each order's email; default `false`) and
/// `ORDER_HISTORY_LAG_MINUTES` (0 to 1440, default 60). It reads SFCC's orders through SCAPI, so
/// without SCAPI there is none, and asking for one is an error.
fn order_history(
    get: &impl Fn(&str) -> Option<String>,
    scapi: bool,
) -> Result<Option<crate::history::HistoryConfig>, ConfigError> {
    let defaults = crate::history::HistoryConfig::default();
    let number = |name: &'static str, default: u32, max: u32| match get(name) {
        None => Ok(default),
        Some(v) => {
            v.parse::<u32>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| ConfigError::Invalid {
                    name,
                    reason: format!("{v:?} is not a whole number from 0 to {max}"),
                })
        }
    };
    let days = number("ORDER_HISTORY_DAYS", defaults.days, 1095)?;
    let lag_minutes = number("ORDER_HISTORY_LAG_MINUTES", 60, 1440)?;
    let emails = match get("ORDER_HISTORY_EMAILS").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "ORDER_HISTORY_EMAILS",
                reason: format!("{other:?} is neither \"true\" nor \"false\""),
            })
        }
    };
    if days == 0 {
        return Ok(None);
    }
    if !scapi {
        return match get("ORDER_HISTORY_DAYS") {
            None => Ok(None),
            Some(_) => Err(ConfigError::Invalid {
                name: "ORDER_HISTORY_DAYS",
                reason: "the order history reads SFCC's orders through SCAPI: set \
                         SCAPI_BASE_URL and SCAPI_ORGANIZATION_ID, or ORDER_HISTORY_DAYS = 0"
                    .into(),
            }),
        };
    }
    Ok(Some(crate::history::HistoryConfig {
        days,
        emails,
        lag_ms: u64::from(lag_minutes) * 60_000,
    }))
}

/// A token secret (`ADMIN_TOKEN`, `QA_TOKEN`): absent, or at least [`MIN_ADMIN_TOKEN_CHARS`]
/// characters. `opens` says what it opens, for the error; the value never goes into one.
fn token(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    opens: &str,
) -> Result<Option<Secret>, ConfigError> {
    match get(name) {
        None => Ok(None),
        Some(t) if t.chars().count() < MIN_ADMIN_TOKEN_CHARS => Err(ConfigError::Invalid {
            name,
            reason: format!(
                "is {} characters long; {opens}, so it must have at least \
                 {MIN_ADMIN_TOKEN_CHARS} (e.g. `openssl rand -hex 32`)",
                t.chars().count()
            ),
        }),
        Some(t) => Ok(Some(Secret::new(t))),
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
    use crate::config::FieldMapping;
    use std::collections::HashMap;

    fn config() -> ConnectorConfig {
        let store = |name: &str, secret: &str| StoreConfig {
            name: name.into(),
            site_id: "RefArch".into(),
            locale: "en-US".into(),
            currency: "USD".into(),
            clerk_public_key: format!("pub_{name}"),
            product_url_template: "https://shop.example/{id}".into(),
            image_view_type: "large".into(),
            list_price_book: None,
            sale_price_book: None,
            inventory_list: None,
            private_key_secret: secret.into(),
            dw_dnt: None,
            catalog_id: "storefront-catalog-m-en".into(),
            category_url_template: None,
            customer_list: None,
            subscribed_attribute: "c_subscribed".into(),
        };
        ConnectorConfig {
            mapping: FieldMapping::default(),
            stores: vec![store("us", "KEY_US"), store("de", "KEY_DE")],
            capture: Default::default(),
            consent: Default::default(),
        }
    }

    fn all() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("SFCC_BASE_URL", "http://127.0.0.1:9/"),
            ("SFCC_AUTH_URL", "http://127.0.0.1:9"),
            ("SFCC_CLIENT_ID", "client"),
            ("SFCC_CLIENT_SECRET", "s3cret"),
            ("CLERK_API_URL", "http://127.0.0.1:9"),
            ("KEY_US", "priv-us"),
            ("KEY_DE", "priv-de"),
        ])
    }

    fn load(m: &HashMap<&'static str, &'static str>) -> Result<Settings, ConfigError> {
        Settings::from_settings(config(), |k| m.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn reads_everything_and_hides_secrets() {
        let s = load(&all()).unwrap();
        assert_eq!(s.sfcc.base_url, "http://127.0.0.1:9");
        assert_eq!(s.page_size, 100);
        assert_eq!(s.admin_token, None);
        assert_eq!(s.store("de").unwrap().private_key.expose(), "priv-de");
        assert!(s.store("fr").is_none());
        let debug = format!("{s:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("priv-us"),
            "{debug}"
        );
    }

    #[test]
    fn a_sites_sale_stores_are_its_stores_by_name_and_currency() {
        let s = load(&all()).unwrap();
        let names: Vec<(String, String)> = s
            .sale_stores("RefArch")
            .into_iter()
            .map(|t| (t.name, t.currency))
            .collect();
        assert_eq!(
            names,
            [("us".into(), "USD".into()), ("de".into(), "USD".into())]
        );
        assert!(s.sale_stores("RefArchGlobal").is_empty());
    }

    #[test]
    fn order_history_is_on_with_scapi_unless_turned_off_and_asking_for_it_without_is_an_error() {
        assert_eq!(
            load(&all()).unwrap().order_history,
            None,
            "no SCAPI, no history"
        );
        let mut m = all();
        m.insert(
            "SCAPI_BASE_URL",
            "https://kv7kzm78.api.commercecloud.salesforce.com",
        );
        m.insert("SCAPI_ORGANIZATION_ID", "f_ecom_zzxy_prd");
        assert_eq!(
            load(&m).unwrap().order_history,
            Some(crate::history::HistoryConfig::default())
        );
        m.insert("ORDER_HISTORY_DAYS", "90");
        m.insert("ORDER_HISTORY_EMAILS", "true");
        m.insert("ORDER_HISTORY_LAG_MINUTES", "0");
        assert_eq!(
            load(&m).unwrap().order_history,
            Some(crate::history::HistoryConfig {
                days: 90,
                emails: true,
                lag_ms: 0
            })
        );
        m.insert("ORDER_HISTORY_DAYS", "0");
        assert_eq!(load(&m).unwrap().order_history, None);
        for (name, value) in [
            ("ORDER_HISTORY_DAYS", "1096"),
            ("ORDER_HISTORY_LAG_MINUTES", "-1"),
            ("ORDER_HISTORY_EMAILS", "yes"),
        ] {
            let mut bad = m.clone();
            bad.insert(name, value);
            assert!(load(&bad).unwrap_err().to_string().contains(name), "{name}");
        }
        let mut without_scapi = all();
        without_scapi.insert("ORDER_HISTORY_DAYS", "30");
        assert!(load(&without_scapi)
            .unwrap_err()
            .to_string()
            .contains("SCAPI_BASE_URL and SCAPI_ORGANIZATION_ID"));
    }

    #[test]
    fn scapi_needs_both_its_url_and_a_well_formed_organization_id() {
        assert_eq!(load(&all()).unwrap().scapi, None);
        let mut m = all();
        m.insert(
            "SCAPI_BASE_URL",
            "https://kv7kzm78.api.commercecloud.salesforce.com/",
        );
        assert_eq!(
            load(&m).unwrap_err(),
            ConfigError::Missing("SCAPI_ORGANIZATION_ID")
        );
        m.insert("SCAPI_ORGANIZATION_ID", "zzxy_prd");
        let bad = load(&m).unwrap_err().to_string();
        assert!(
            bad.contains("SCAPI_ORGANIZATION_ID") && bad.contains("f_ecom_"),
            "{bad}"
        );
        m.insert("SCAPI_ORGANIZATION_ID", "f_ecom_zzxy_prd");
        assert_eq!(
            load(&m).unwrap().scapi,
            Some(ScapiConnection {
                base_url: "https://kv7kzm78.api.commercecloud.salesforce.com".into(),
                organization_id: "f_ecom_zzxy_prd".into(),
            })
        );
        m.remove("SCAPI_BASE_URL");
        assert_eq!(
            load(&m).unwrap_err(),
            ConfigError::Missing("SCAPI_BASE_URL")
        );
    }

    #[test]
    fn a_short_admin_token_is_refused_without_showing_it() {
        let mut m = all();
        m.insert("ADMIN_TOKEN", "letmein-letmein");
        let refused = load(&m).unwrap_err().to_string();
        assert!(
            refused.contains("ADMIN_TOKEN") && refused.contains("15 characters"),
            "{refused}"
        );
        assert!(!refused.contains("letmein"), "{refused}");
        let long = "0123456789abcdef0123456789abcdef";
        m.insert("ADMIN_TOKEN", long);
        assert_eq!(load(&m).unwrap().admin_token.unwrap().expose(), long);
        m.insert("QA_TOKEN", "qa-qa-qa");
        let refused = load(&m).unwrap_err().to_string();
        assert!(
            refused.contains("QA_TOKEN") && refused.contains("8 characters"),
            "{refused}"
        );
        m.insert("QA_TOKEN", "qa-0123456789abcdef0123456789abcd");
        assert!(load(&m).unwrap().qa_token.is_some());
        m.insert("LEGACY_PATHS", "yes");
        assert!(load(&m).unwrap_err().to_string().contains("LEGACY_PATHS"));
        m.insert("LEGACY_PATHS", "true");
        assert!(load(&m).unwrap().legacy_paths);
    }

    #[test]
    fn the_client_ip_header_is_checked_as_sfcc_takes_it() {
        let mut m = all();
        assert_eq!(load(&m).unwrap().client_ip_header, None);
        m.insert("CLIENT_IP_HEADER", "X-SFCC-Client-IP");
        assert_eq!(
            load(&m).unwrap().client_ip_header.as_deref(),
            Some("x-sfcc-client-ip")
        );
        m.insert("CLIENT_IP_HEADER", "True-Client-IP");
        let refused = load(&m).unwrap_err().to_string();
        assert!(
            refused.contains("CLIENT_IP_HEADER") && refused.contains("refused by SFCC"),
            "{refused}"
        );
    }

    #[test]
    fn names_what_is_wrong() {
        let mut m = all();
        m.remove("KEY_DE");
        assert_eq!(
            load(&m).unwrap_err().to_string(),
            "setting store private key is invalid: secret KEY_DE (Clerk private key of store de) is not set"
        );
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
        m.remove("SFCC_CLIENT_SECRET");
        m.insert("SFCC_PAGE_SIZE", "5");
        assert_eq!(load(&m), Err(ConfigError::Missing("SFCC_CLIENT_SECRET")));
    }

    #[test]
    fn a_sweep_is_at_most_one_segment_of_1000_products() {
        let mut m = all();
        assert_eq!(load(&m).unwrap().sweep_pages, 10);
        m.insert("SWEEP_PAGES", "11");
        let refused = load(&m).unwrap_err().to_string();
        assert!(
            refused.contains("SWEEP_PAGES") && refused.contains("from 0 to 10"),
            "{refused}"
        );
        m.insert("SFCC_PAGE_SIZE", "200");
        m.insert("SWEEP_PAGES", "5");
        assert_eq!(load(&m).unwrap().sweep_pages, 5);
        m.insert("SWEEP_PAGES", "6");
        assert!(load(&m).unwrap_err().to_string().contains("from 0 to 5"));
        m.remove("SWEEP_PAGES");
        assert_eq!(
            load(&m).unwrap().sweep_pages,
            5,
            "the default fits the segment"
        );
    }

    #[test]
    fn retention_is_a_month_unless_set_to_whole_days() {
        assert_eq!(load(&all()).unwrap().retention_days, 30);
        let mut m = all();
        m.insert("RETENTION_DAYS", "7");
        assert_eq!(load(&m).unwrap().retention_days, 7);
        for bad in ["0", "-1", "1.5", "forever", "99999"] {
            m.insert("RETENTION_DAYS", bad);
            assert!(
                matches!(
                    load(&m),
                    Err(ConfigError::Invalid {
                        name: "RETENTION_DAYS",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_retry_policy_is_a_setting() {
        assert_eq!(load(&all()).unwrap().backoff, Backoff::default());
        let mut m = all();
        m.extend([
            ("RETRY_MAX_ATTEMPTS", "3"),
            ("RETRY_BASE_S", "1"),
            ("RETRY_MAX_S", "4"),
        ]);
        assert_eq!(
            load(&m).unwrap().backoff,
            Backoff {
                max_attempts: 3,
                base_s: 1,
                max_s: 4
            }
        );
        m.insert("RETRY_BASE_S", "8");
        assert_eq!(
            load(&m).unwrap_err().to_string(),
            "setting RETRY_BASE_S is invalid: 8 s is more than RETRY_MAX_S (4 s)"
        );
        m.insert("RETRY_MAX_ATTEMPTS", "0");
        assert!(matches!(
            load(&m),
            Err(ConfigError::Invalid {
                name: "RETRY_MAX_ATTEMPTS",
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
