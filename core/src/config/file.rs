use super::FieldMapping;
use crate::clerk::{is_attribute_name, PRODUCT_FIELDS};
use crate::store::{ConfigError, StoreConfig};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorConfig {
    /// Field mapping, shared by all stores.
    #[serde(default)]
    pub mapping: FieldMapping,
    /// The stores, each routed to its own Clerk store.
    #[serde(default, rename = "store")]
    pub stores: Vec<StoreConfig>,
    /// Which storefront requests and pages are shopper actions (SFRA's by default).
    #[serde(default)]
    pub capture: crate::capture::CaptureConfig,
    /// Which consent signals are read and how (`CONSENT_MODE` and `CONSENT_COOKIE` override
    /// `mode` and `cookie`).
    #[serde(default)]
    pub consent: crate::capture::ConsentConfig,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Not valid TOML, or a field of the wrong type or name.
    #[error("configuration file: {0}")]
    Syntax(String),
    /// A store's setting is wrong.
    #[error("configuration file, store {store:?}: {source}")]
    Store {
        /// The store's name.
        store: String,
        /// What is wrong.
        source: ConfigError,
    },
    /// No store, or two with one name.
    #[error("configuration file: {0}")]
    Stores(String),
    /// An attribute rule's name cannot be a Clerk attribute.
    #[error("configuration file, [mapping.attributes.{name}]: {reason}")]
    Attribute {
        /// The rule's name.
        name: String,
        /// Why it cannot be used.
        reason: String,
    },
}

impl ConnectorConfig {
    /// Parses and checks a TOML configuration.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Self, FileError> {
        let config: Self = toml::from_str(text).map_err(|e| FileError::Syntax(e.to_string()))?;
        config.checked()
    }

    /// Parses and checks a configuration serialized as JSON (how the worker embeds it).
    pub fn from_json(text: &str) -> Result<Self, FileError> {
        let config: Self =
            serde_json::from_str(text).map_err(|e| FileError::Syntax(e.to_string()))?;
        config.checked()
    }

    fn checked(self) -> Result<Self, FileError> {
        let config = self;
        config
            .capture
            .check()
            .map_err(|e| FileError::Syntax(e.to_string()))?;
        config
            .consent
            .check()
            .map_err(|e| FileError::Syntax(format!("[consent]: {e}")))?;
        for (name, rule) in &config.mapping.attributes {
            let reason = if !is_attribute_name(name) {
                "a Clerk attribute name holds only letters, digits and _".to_string()
            } else if PRODUCT_FIELDS.contains(&name.as_str()) {
                "that is one of Clerk's own product fields, not an attribute".to_string()
            } else if let (Some(default), Some(kind)) = (&rule.default, rule.kind) {
                match kind.coerce(default.clone()) {
                    Ok(_) => continue,
                    Err(e) => format!("the default is not of type {}: {e}", kind.as_str()),
                }
            } else {
                continue;
            };
            return Err(FileError::Attribute {
                name: name.clone(),
                reason,
            });
        }
        if config.stores.is_empty() {
            return Err(FileError::Stores(
                "at least one [[store]] is required".into(),
            ));
        }
        let mut names = HashSet::new();
        for store in &config.stores {
            store.check().map_err(|source| FileError::Store {
                store: store.name.clone(),
                source,
            })?;
            if !names.insert(store.name.as_str()) {
                return Err(FileError::Stores(format!(
                    "two stores are named {:?}",
                    store.name
                )));
            }
        }
        Ok(config)
    }

    /// The built-in configuration for an SFRA storefront: default mapping, one store (site
    /// `RefArch`, en-US, USD).
    #[cfg(feature = "toml")]
    pub fn sfra_default() -> Self {
        Self::from_toml(SFRA_DEFAULT)
            .unwrap_or_else(|e| unreachable!("built-in configuration: {e}"))
    }

    /// A store by name; without a name, the first one.
    pub fn store(&self, name: Option<&str>) -> Option<&StoreConfig> {
        match name {
            Some(n) => self.stores.iter().find(|s| s.name == n),
            None => self.stores.first(),
        }
    }
}

#[cfg(feature = "toml")]
const SFRA_DEFAULT: &str = r#"
[[store]]
name = "refarch-us"
site_id = "RefArch"
locale = "en-US"
currency = "USD"
clerk_public_key = "set-me"
product_url_template = "https://www.example.com/on/demandware.store/Sites-{site}-Site/{locale_}/Product-Show?pid={id}"
"#;

#[cfg(all(test, feature = "toml"))]
mod tests {
    use super::*;
    use crate::config::{AttributeType, CustomAttributes, Transform};

    #[test]
    fn parses_a_full_file() {
        let c = ConnectorConfig::from_toml(
            r#"
            [mapping]
            description = "long_description"
            custom_attributes = "listed"
            [mapping.attributes.colors]
            from = "c_color"
            transform = ["lowercase", "split:,"]
            default = "unknown"

            [[store]]
            name = "us"
            site_id = "RefArch"
            locale = "en-US"
            currency = "USD"
            clerk_public_key = "pub_us"
            product_url_template = "https://shop.example/{locale}/{id}"
            [[store]]
            name = "de"
            site_id = "RefArchGlobal"
            locale = "de-DE"
            currency = "EUR"
            clerk_public_key = "pub_de"
            product_url_template = "https://shop.example/{locale}/{id}"
            inventory_list = "inventory_m_eu"
            private_key_secret = "CLERK_PRIVATE_KEY_DE"
            "#,
        )
        .unwrap();
        assert_eq!(c.mapping.custom_attributes, CustomAttributes::Listed);
        assert_eq!(
            c.mapping.attributes["colors"].transform,
            [Transform::Lowercase, Transform::Split(",".into())]
        );
        assert_eq!(
            c.store(Some("de")).unwrap().private_key_secret,
            "CLERK_PRIVATE_KEY_DE"
        );
        assert_eq!(c.store(None).unwrap().name, "us");
        assert_eq!(c.store(Some("fr")), None);
    }

    #[test]
    fn names_what_is_wrong() {
        let err = |text: &str| ConnectorConfig::from_toml(text).unwrap_err().to_string();
        assert!(
            err("[mapping]\nstrip_html = 3").contains("invalid type"),
            "{}",
            err("[mapping]\nstrip_html = 3")
        );
        assert!(err("[mapping]\nbogus = 1").contains("unknown field `bogus`"));
        assert_eq!(
            err(""),
            "configuration file: at least one [[store]] is required"
        );
        let bad_store = r#"[[store]]
            name = "x"
            site_id = "S"
            locale = "en"
            currency = "usd"
            clerk_public_key = "k"
            product_url_template = "https://a.example/{id}""#;
        assert!(err(bad_store)
            .starts_with("configuration file, store \"x\": setting STORE_CURRENCY is invalid"));
        let t = "[mapping.attributes.c]\nfrom = \"c_x\"\ntransform = [\"upper\"]";
        assert!(err(t).contains("unknown transform \"upper\""), "{}", err(t));
        let store = "[[store]]\nname = \"x\"\nsite_id = \"S\"\nlocale = \"en\"\ncurrency = \"USD\"\nclerk_public_key = \"k\"\nproduct_url_template = \"https://a.example/{id}\"\n";
        for (name, reason) in [("price", "own product fields"), ("\"a-b\"", "only letters")] {
            let text = format!("[mapping.attributes.{name}]\nfrom = \"c_x\"\n{store}");
            let e = err(&text);
            assert!(
                e.starts_with("configuration file, [mapping.attributes.") && e.contains(reason),
                "{e}"
            );
        }
    }

    #[test]
    fn an_attribute_rule_names_a_known_type_and_a_default_of_that_type() {
        let store = "[[store]]\nname = \"x\"\nsite_id = \"S\"\nlocale = \"en\"\ncurrency = \"USD\"\nclerk_public_key = \"k\"\nproduct_url_template = \"https://a.example/{id}\"\n";
        let rule =
            |body: &str| format!("[mapping.attributes.size]\nfrom = \"c_size\"\n{body}\n{store}");
        let c = ConnectorConfig::from_toml(&rule("type = \"number\"\ndefault = \"0\"")).unwrap();
        assert_eq!(
            c.mapping.attributes["size"].kind,
            Some(AttributeType::Number)
        );
        let e = ConnectorConfig::from_toml(&rule("type = \"integer\""))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "unknown variant `integer`, expected one of `text`, `number`, `bool`, `list`"
            ),
            "{e}"
        );
        let e = ConnectorConfig::from_toml(&rule("type = \"number\"\ndefault = \"XL\""))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "configuration file, [mapping.attributes.size]: the default is not of type number: expected a number, found \"XL\""
        );
        // The type travels with the configuration the worker embeds.
        let embedded = serde_json::to_string(&c).unwrap();
        assert_eq!(ConnectorConfig::from_json(&embedded).unwrap(), c);
    }

    #[test]
    fn a_custom_storefront_lists_its_own_capture_rules_and_order_page() {
        let c = ConnectorConfig::from_toml(&format!(
            r#"{SFRA_DEFAULT}
            [capture]
            einstein = false
            rules = [
                {{ action = "product", kind = "product_view", param = "pid" }},
                {{ action = "search", kind = "search", param = "q" }},
            ]
            [capture.order]
            action = "checkout-confirmation"
            number = "[data-order-no]"
            line = "li.order-line"
            "#
        ))
        .unwrap();
        assert_eq!(c.capture.rules.len(), 2);
        assert_eq!(c.capture.rules[0].method, "GET");
        assert!(!c.capture.einstein);
        assert!(
            !ConnectorConfig::sfra_default().capture.einstein,
            "off by default: a PWA Kit storefront turns it on"
        );
        assert_eq!(c.capture.einstein_path, "/mobify/proxy/einstein");
        assert_eq!(c.capture.order.number, "[data-order-no]");
        assert_eq!(
            c.capture.order.line_price, "data-price",
            "unset keys keep SFRA's"
        );
        assert!(ConnectorConfig::sfra_default().capture.rules.len() > 2);
        let bad = format!(
            "{SFRA_DEFAULT}\n[capture]\nrules = [{{ action = \"a/b\", kind = \"search\", param = \"q\" }}]"
        );
        let err = ConnectorConfig::from_toml(&bad).unwrap_err().to_string();
        assert!(
            err.contains("capture rule 0") && err.contains("one path segment"),
            "{err}"
        );
    }

    #[test]
    fn the_built_in_default_is_valid() {
        assert_eq!(ConnectorConfig::sfra_default().stores[0].currency, "USD");
    }

    #[test]
    fn json_round_trip_keeps_everything() {
        let original =
            ConnectorConfig::from_toml(include_str!("../../../config/sfcc-clerk.toml")).unwrap();
        let json = serde_json::to_string(&original).unwrap();
        assert_eq!(ConnectorConfig::from_json(&json).unwrap(), original);
    }
}
