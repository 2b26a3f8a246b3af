use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The keys to try for `locale` (`en-US` or `en_US`), best first: the locale in both spellings,
/// its language, `default` — the Shop API's fallback, which the Data API leaves to its caller.
fn keys_for(locale: &str) -> [String; 4] {
    let dashed = locale.replace('_', "-");
    let language = dashed.split('-').next().unwrap_or_default().to_string();
    [
        dashed.clone(),
        dashed.replace('-', "_"),
        language,
        "default".into(),
    ]
}

/// Whether `key` names a locale as OCAPI keys localized values: `default`, a language (`de`), or
/// a language and region (`de-DE`, `de_DE`, `es-419`).
fn is_locale_key(key: &str) -> bool {
    if key == "default" {
        return true;
    }
    let mut parts = key.split(['-', '_']);
    let language = parts.next().unwrap_or_default();
    let region = parts.next();
    parts.next().is_none()
        && (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// Whether `key` keys one value of a localizable or site-specific attribute: a locale key, alone
/// (`default`, `de`, `de-DE`) or for a site (`default@RefArch`, `de@RefArch`).
fn is_value_key(key: &str) -> bool {
    match key.split_once('@') {
        Some((locale, site)) => {
            is_locale_key(locale)
                && !site.is_empty()
                && site
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        None => is_locale_key(key),
    }
}

/// A custom attribute's value on `site_id` in `locale`. The Data API sends a localizable attribute
/// as a map of its values by locale (`{"default": "Cotton", "de": "Baumwolle"}`), and a
/// site-specific one with a site's values keyed `{locale}@{site id}` beside the organization's
/// (`{"default": "Classic", "default@RefArch": "Bestseller"}`). Such a map becomes the site's
/// value for the locale, else its language, else `default`; without one of the site's own, the
/// organization's, in the same order (`None` when none of them has one). Any other value is its
/// own everywhere. An HTML attribute's `markup_text` document becomes its markup.
pub fn in_store(value: &Value, site_id: &str, locale: &str) -> Option<Value> {
    let value = match value {
        Value::Object(map) if !map.is_empty() && map.keys().all(|k| is_value_key(k)) => {
            let keys = keys_for(locale);
            let site_keys = keys.iter().map(|k| format!("{k}@{site_id}"));
            site_keys
                .chain(keys.iter().cloned())
                .find_map(|k| map.get(&k))?
                .clone()
        }
        other => other.clone(),
    };
    Some(markup_as_text(value)).filter(|v| !v.is_null())
}

/// An OCAPI localized string: values keyed by locale id, with `default` as the fallback. The Data
/// API sends the map; the Shop API sends one plain string in the requested locale, read here as
/// the `default` value. The Data API's descriptions are localized *markup text*: each value is a
/// `markup_text` document (`{"markup": …, "source": …}`), read as its markup.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct LocalizedString(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for LocalizedString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read through `Value`, which the mapping already carries, rather than a serde shape of
        // its own: the worker's wasm stays smaller.
        let bad = || serde::de::Error::custom("expected a localized string");
        let text = |v: Value| match markup_as_text(v) {
            Value::String(s) => Ok(Some(s)),
            Value::Null => Ok(None),
            _ => Err(bad()),
        };
        let map = match Option::<Value>::deserialize(d)?.map(markup_as_text) {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::String(s)) => BTreeMap::from([("default".to_string(), s)]),
            Some(Value::Object(per_locale)) => {
                let mut map = BTreeMap::new();
                for (locale, v) in per_locale {
                    if let Some(s) = text(v)? {
                        map.insert(locale, s);
                    }
                }
                map
            }
            Some(_) => return Err(bad()),
        };
        Ok(Self(map))
    }
}

/// A `markup_text` document's markup (else its source), a `media_file`'s absolute URL; any other
/// value as it is.
fn markup_as_text(value: Value) -> Value {
    match value {
        Value::Object(ref m) if m.get("_type").and_then(Value::as_str) == Some("media_file") => m
            .get("abs_url")
            .filter(|v| v.is_string())
            .cloned()
            .unwrap_or(Value::Null),
        Value::Object(ref m)
            if m.get("_type").and_then(Value::as_str) == Some("markup_text")
                || (m.contains_key("markup")
                    && m.keys()
                        .all(|k| ["_type", "markup", "source"].contains(&k.as_str()))) =>
        {
            m.get("markup")
                .filter(|v| v.is_string())
                .or_else(|| m.get("source"))
                .cloned()
                .unwrap_or(Value::Null)
        }
        other => other,
    }
}

impl LocalizedString {
    /// The value for `locale` (`en-US` or `en_US`), else its language (`en`), else `default`.
    pub fn get(&self, locale: &str) -> Option<&str> {
        keys_for(locale)
            .iter()
            .find_map(|key| self.0.get(key))
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Whether it holds no value in any locale.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A site-specific flag (`online_flag`, `searchable`): either one value or values per site. The
/// Data API keys a site's value `default@{site id}` beside the organization's `default`
/// (`{"default": true, "default@RefArch": false}`); a plain site id key is read too.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SiteFlag {
    /// The same value on every site.
    All(bool),
    /// Values per site id, with `default` as the fallback.
    PerSite(BTreeMap<String, bool>),
}

impl SiteFlag {
    /// The flag's value on `site_id`: the site's own, else `default`; a per-site map with
    /// neither is false.
    pub fn for_site(&self, site_id: &str) -> bool {
        match self {
            SiteFlag::All(v) => *v,
            SiteFlag::PerSite(map) => map
                .get(&format!("default@{site_id}"))
                .or_else(|| map.get(site_id))
                .or_else(|| map.get("default"))
                .copied()
                .unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_lookup_falls_back_from_locale_to_language_to_default() {
        let s: LocalizedString =
            serde_json::from_str(r#"{"default":"Shirt","de":"Hemd","fr_FR":"Chemise"}"#).unwrap();
        assert_eq!(s.get("fr-FR"), Some("Chemise"));
        assert_eq!(s.get("de-DE"), Some("Hemd"));
        assert_eq!(s.get("en-US"), Some("Shirt"));
        assert_eq!(LocalizedString::default().get("en-US"), None);
    }

    #[test]
    fn a_shop_api_plain_string_is_the_default() {
        let s: LocalizedString = serde_json::from_str(r#""Oxford Shirt""#).unwrap();
        assert_eq!(s.get("de-DE"), Some("Oxford Shirt"));
        let none: LocalizedString = serde_json::from_str("null").unwrap();
        assert_eq!(none.get("en"), None);
    }

    #[test]
    fn a_localized_attribute_is_its_value_in_the_locale_and_other_values_pass() {
        let material =
            serde_json::json!({"default": "Cotton", "de": "Baumwolle", "fr-FR": "Coton"});
        assert_eq!(
            in_store(&material, "RefArch", "fr-FR"),
            Some("Coton".into())
        );
        assert_eq!(
            in_store(&material, "RefArch", "de-DE"),
            Some("Baumwolle".into())
        );
        assert_eq!(
            in_store(&material, "RefArch", "en_US"),
            Some("Cotton".into())
        );
        let sizes = serde_json::json!({"de_DE": ["S", "M"]});
        assert_eq!(
            in_store(&sizes, "RefArch", "de-DE"),
            Some(serde_json::json!(["S", "M"]))
        );
        assert_eq!(
            in_store(&sizes, "RefArch", "fr-FR"),
            None,
            "no French value, no default"
        );
        // Not a localized map: kept as it is.
        for plain in [
            serde_json::json!("blue"),
            serde_json::json!(34),
            serde_json::json!({}),
            serde_json::json!({"abs_url": "https://x/y.jpg"}),
            serde_json::json!({"default": 1, "RefArch": 2}),
        ] {
            assert_eq!(in_store(&plain, "RefArch", "de-DE"), Some(plain.clone()));
        }
    }

    #[test]
    fn a_site_specific_attribute_is_the_sites_value_else_the_organizations() {
        let badge =
            serde_json::json!({"default": "Classic", "default@RefArchGlobal": "Bestseller"});
        assert_eq!(
            in_store(&badge, "RefArchGlobal", "de-DE"),
            Some("Bestseller".into())
        );
        assert_eq!(
            in_store(&badge, "RefArch", "en-US"),
            Some("Classic".into()),
            "a site without a value of its own has the organization's"
        );
        // Localizable and site-specific: the site's value in the locale, its language, its
        // default; then the organization's in the same order.
        let care = serde_json::json!({
            "default": "Wash",
            "de": "Waschen",
            "default@RefArchGlobal": "Wash cold",
            "de@RefArchGlobal": "Kalt waschen",
            "fr_FR@RefArchGlobal": "Laver à froid",
        });
        let on_global = |locale| in_store(&care, "RefArchGlobal", locale);
        assert_eq!(on_global("de-DE"), Some("Kalt waschen".into()));
        assert_eq!(on_global("fr-FR"), Some("Laver à froid".into()));
        assert_eq!(on_global("en-GB"), Some("Wash cold".into()));
        assert_eq!(in_store(&care, "RefArch", "de-DE"), Some("Waschen".into()));
        assert_eq!(in_store(&care, "RefArch", "en-US"), Some("Wash".into()));
        let only_global = serde_json::json!({"default@RefArchGlobal": "Bestseller"});
        assert_eq!(in_store(&only_global, "RefArch", "en-US"), None);
        // A key that is not a locale for a site keeps the map as it is.
        for plain in [
            serde_json::json!({"default": 1, "default@": 2}),
            serde_json::json!({"default": 1, "colour@RefArch": 2}),
            serde_json::json!({"default": 1, "default@Ref Arch": 2}),
        ] {
            assert_eq!(in_store(&plain, "RefArch", "de-DE"), Some(plain.clone()));
        }
    }

    #[test]
    fn the_data_apis_localized_markup_text_is_read_as_its_markup() {
        let s: LocalizedString = serde_json::from_str(
            r#"{"default": {"_type": "markup_text", "markup": "<p>Soft</p>", "source": "<p>Soft</p>"},
                "de": {"_type": "markup_text", "source": "<p>Weich</p>"}, "fr": null}"#,
        )
        .unwrap();
        assert_eq!(s.get("en-US"), Some("<p>Soft</p>"));
        assert_eq!(s.get("de-DE"), Some("<p>Weich</p>"));
        assert_eq!(
            s.get("fr-FR"),
            Some("<p>Soft</p>"),
            "no French value: default"
        );
        let one: LocalizedString =
            serde_json::from_str(r#"{"_type": "markup_text", "markup": "<b>x</b>"}"#).unwrap();
        assert_eq!(one.get("en"), Some("<b>x</b>"));
        for bad in [r#"{"default": 5}"#, "[]", "true"] {
            assert!(
                serde_json::from_str::<LocalizedString>(bad).is_err(),
                "{bad}"
            );
        }
        let care =
            serde_json::json!({"default": {"_type": "markup_text", "markup": "<p>Wash</p>"}});
        assert_eq!(
            in_store(&care, "RefArch", "de-DE"),
            Some("<p>Wash</p>".into())
        );
        let plain_html = serde_json::json!({"markup": "<i>y</i>", "source": "<i>y</i>"});
        assert_eq!(
            in_store(&plain_html, "RefArch", "de-DE"),
            Some("<i>y</i>".into())
        );
        let chart = serde_json::json!({"_type": "media_file", "abs_url": "https://x/chart.jpg",
                                       "dis_base_url": "https://x/dis", "path": "chart.jpg"});
        assert_eq!(
            in_store(&chart, "RefArch", "de-DE"),
            Some("https://x/chart.jpg".into())
        );
    }

    #[test]
    fn site_flags() {
        let f: SiteFlag = serde_json::from_str(r#"{"default":false,"RefArch":true}"#).unwrap();
        assert!(f.for_site("RefArch"));
        assert!(!f.for_site("Other"));
        // As the Data API sends it: the site's value under `default@{site}`.
        let f: SiteFlag =
            serde_json::from_str(r#"{"default":true,"default@RefArch":false}"#).unwrap();
        assert!(!f.for_site("RefArch"), "offline on RefArch");
        assert!(
            f.for_site("RefArchGlobal"),
            "the organization's default elsewhere"
        );
        assert!(SiteFlag::All(true).for_site("any"));
    }
}
