//! One Clerk store: an SFCC site in one locale and currency, routed to one Clerk store's keys.

use std::fmt;

/// A secret value (API private key, client secret). Its `Debug` and `Display` never show the value,
/// so a secret cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that must send it (a request body or header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a store's data comes from in SFCC and where it goes in Clerk.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// Operator-facing name of the store, used in logs and job messages.
    pub name: String,
    /// SFCC site id (e.g. `RefArch`).
    pub site_id: String,
    /// Locale whose localized values this store receives (e.g. `en-US`).
    pub locale: String,
    /// ISO 4217 currency of the store's prices (e.g. `USD`).
    pub currency: String,
    /// The Clerk store's public key.
    pub clerk_public_key: String,
    /// Product page URL template: `{id}` (percent-encoded), `{locale}` (`en-US`), `{locale_}`
    /// (`en_US`, as SFCC's pipeline URLs name it) and `{site}` (the site id) are replaced. The
    /// pipeline URL `…/on/demandware.store/Sites-{site}-Site/{locale_}/Product-Show?pid={id}`
    /// is one SFCC answers for every product, SEO URL rules or not.
    pub product_url_template: String,
    /// SFCC image view type used as the Clerk product image (e.g. `large`).
    #[serde(default = "default_view_type")]
    pub image_view_type: String,
    /// List price book id; default from the mapping's pattern (`{currency}-m-list-prices`).
    #[serde(default)]
    pub list_price_book: Option<String>,
    /// Sale price book id, used when the document's `price` is not in the store's currency.
    #[serde(default)]
    pub sale_price_book: Option<String>,
    /// Inventory list id whose record gives stock; default: the document's `inventory`.
    #[serde(default)]
    pub inventory_list: Option<String>,
    /// The SFCC catalog whose categories this store's Clerk store receives.
    #[serde(default = "default_catalog_id")]
    pub catalog_id: String,
    /// Category page URL template, filled as the product one (`…/Search-Show?cgid={id}`).
    /// Without it categories carry no URL.
    #[serde(default)]
    pub category_url_template: Option<String>,
    /// The SFCC customer list whose customers this store's Clerk store receives (for audiences
    /// and email); without it, no customers are synced to this store.
    #[serde(default)]
    pub customer_list: Option<String>,
    /// The customer attribute that says a customer opted in to marketing email: a custom
    /// attribute of the shop's (`c_…`; SFCC has no system attribute for it), `c_subscribed` by
    /// default. Only its explicit `true` lets Clerk email the customer.
    #[serde(default = "default_subscribed_attribute")]
    pub subscribed_attribute: String,
    /// Name of the worker secret holding this store's Clerk private key.
    #[serde(default = "default_private_key_secret")]
    pub private_key_secret: String,
    /// What `dw_dnt` says on this store's site when it differs from `[consent] dw_dnt`: the
    /// site's Privacy preference tracks by default (`enabled`) or not (`disabled`).
    #[serde(default)]
    pub dw_dnt: Option<crate::capture::TrackingDefault>,
}

fn default_view_type() -> String {
    "large".into()
}

fn default_catalog_id() -> String {
    "storefront-catalog-m-en".into()
}

fn default_subscribed_attribute() -> String {
    crate::mapping::SUBSCRIBED_ATTRIBUTE.into()
}

fn default_private_key_secret() -> String {
    "CLERK_PRIVATE_KEY".into()
}

/// A store setting that is missing or malformed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A required setting is not set.
    #[error("setting {0} is required but not set")]
    Missing(&'static str),
    /// A setting is set to a value that cannot be used.
    #[error("setting {name} is invalid: {reason}")]
    Invalid {
        /// The setting's name.
        name: &'static str,
        /// Why the value cannot be used.
        reason: String,
    },
}

impl StoreConfig {
    /// Checks the values that must have a given form.
    pub fn check(&self) -> Result<(), ConfigError> {
        let c = &self.currency;
        if c.len() != 3 || !c.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ConfigError::Invalid {
                name: "STORE_CURRENCY",
                reason: format!("{c:?} is not an ISO 4217 code such as USD"),
            });
        }
        let attribute = &self.subscribed_attribute;
        let named = attribute.len() > 2
            && attribute.starts_with("c_")
            && attribute
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !named {
            return Err(ConfigError::Invalid {
                name: "SUBSCRIBED_ATTRIBUTE",
                reason: format!(
                    "{attribute:?} must be a custom customer attribute as OCAPI names it (c_…)"
                ),
            });
        }
        let templates = [
            ("PRODUCT_URL_TEMPLATE", Some(&self.product_url_template)),
            ("CATEGORY_URL_TEMPLATE", self.category_url_template.as_ref()),
        ];
        for (name, template) in templates {
            // Checked filled in for this store: that is the URL products will carry.
            let usable = |t: &String| t.contains("{id}") && is_absolute_http_url(&self.fill(t, ""));
            if let Some(t) = template.filter(|t| !usable(t)) {
                return Err(ConfigError::Invalid {
                    name,
                    reason: format!(
                        "{t:?} must be an absolute http(s) URL containing {{id}} (with {{locale}} = {:?})",
                        self.locale
                    ),
                });
            }
        }
        Ok(())
    }

    /// The storefront URL of a category in this store, when the store has a template.
    pub fn category_url(&self, category_id: &str) -> Option<String> {
        self.category_url_template
            .as_ref()
            .map(|t| self.fill(t, category_id))
    }

    /// The storefront URL of a product in this store.
    pub fn product_url(&self, product_id: &str) -> String {
        self.fill(&self.product_url_template, product_id)
    }

    /// A URL template filled in for this store and `id`.
    fn fill(&self, template: &str, id: &str) -> String {
        template
            .replace("{id}", &crate::clerk::percent_encode(id))
            .replace("{locale_}", &self.locale.replace('-', "_"))
            .replace("{locale}", &self.locale)
            .replace("{site}", &self.site_id)
    }
}

/// True for `http://` or `https://` URLs with a host.
pub fn is_absolute_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> StoreConfig {
        StoreConfig {
            name: "refarch-us".into(),
            site_id: "RefArch".into(),
            locale: "en-US".into(),
            currency: "USD".into(),
            clerk_public_key: "pub_us".into(),
            product_url_template: "https://shop.example.com/{locale}/p/{id}.html".into(),
            image_view_type: "large".into(),
            list_price_book: None,
            sale_price_book: None,
            inventory_list: None,
            private_key_secret: "CLERK_PRIVATE_KEY".into(),
            dw_dnt: None,
            catalog_id: "storefront-catalog-m-en".into(),
            category_url_template: None,
            customer_list: None,
            subscribed_attribute: "c_subscribed".into(),
        }
    }

    #[test]
    fn the_opt_in_attribute_is_a_custom_attribute() {
        for good in ["c_subscribed", "c_newsletterOptIn"] {
            let s = StoreConfig {
                subscribed_attribute: good.into(),
                ..store()
            };
            assert_eq!(s.check(), Ok(()), "{good}");
        }
        for bad in ["subscribed", "c_", "c_news letter", ""] {
            let s = StoreConfig {
                subscribed_attribute: bad.into(),
                ..store()
            };
            assert!(
                matches!(
                    s.check(),
                    Err(ConfigError::Invalid {
                        name: "SUBSCRIBED_ATTRIBUTE",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn builds_product_urls() {
        assert_eq!(store().check(), Ok(()));
        assert_eq!(
            store().product_url("P 1"),
            "https://shop.example.com/en-US/p/P%201.html"
        );
        // SFRA's pipeline form, which SFCC answers for every product (Product-Show?pid=).
        let mut s = store();
        s.product_url_template =
            "https://shop.example.com/on/demandware.store/Sites-{site}-Site/{locale_}/Product-Show?pid={id}".into();
        s.category_url_template = Some(
            "https://shop.example.com/on/demandware.store/Sites-{site}-Site/{locale_}/Search-Show?cgid={id}".into(),
        );
        assert_eq!(s.check(), Ok(()));
        assert_eq!(
            s.product_url("25518704M"),
            "https://shop.example.com/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=25518704M"
        );
        assert_eq!(
            s.product_url("a&b=c"),
            "https://shop.example.com/on/demandware.store/Sites-RefArch-Site/en_US/Product-Show?pid=a%26b%3Dc"
        );
        assert_eq!(
            s.category_url("mens-clothing-shirts").as_deref(),
            Some("https://shop.example.com/on/demandware.store/Sites-RefArch-Site/en_US/Search-Show?cgid=mens-clothing-shirts")
        );
    }

    #[test]
    fn rejects_bad_currency_and_relative_template() {
        let mut s = store();
        s.currency = "usd".into();
        assert!(matches!(
            s.check(),
            Err(ConfigError::Invalid {
                name: "STORE_CURRENCY",
                ..
            })
        ));
        let mut s = store();
        s.product_url_template = "/p/{id}.html".into();
        assert!(matches!(
            s.check(),
            Err(ConfigError::Invalid {
                name: "PRODUCT_URL_TEMPLATE",
                ..
            })
        ));
    }

    #[test]
    fn a_template_is_checked_with_the_stores_locale_in_it() {
        let mut s = store();
        s.product_url_template = "https://{locale}/p/{id}.html".into();
        assert_eq!(s.check(), Ok(()));
        s.locale = String::new();
        assert!(matches!(
            s.check(),
            Err(ConfigError::Invalid {
                name: "PRODUCT_URL_TEMPLATE",
                ..
            })
        ));
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?} {secret}"), "Secret(***) ***");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn absolute_urls() {
        assert!(is_absolute_http_url("https://a.example/x"));
        assert!(is_absolute_http_url("http://127.0.0.1:8080/x"));
        assert!(!is_absolute_http_url("//a.example/x"));
        assert!(!is_absolute_http_url("https:///x"));
        assert!(!is_absolute_http_url("/x"));
    }
}
