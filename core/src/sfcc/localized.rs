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

/// A custom attribute's value in `locale`. The Data API sends a localizable attribute as a map of
/// its values by locale (`{"default": "Cotton", "de": "Baumwolle"}`); that map becomes the value
/// for the locale, else its language, else `default` (`None` when none of them has one). Any
/// other value is its own in every locale.
pub fn in_locale(value: &Value, locale: &str) -> Option<Value> {
    match value {
        Value::Object(map) if !map.is_empty() && map.keys().all(|k| is_locale_key(k)) => {
            keys_for(locale)
                .iter()
                .find_map(|k| map.get(k))
                .filter(|v| !v.is_null())
                .cloned()
        }
        other => Some(other.clone()),
    }
}

/// An OCAPI localized string: values keyed by locale id, with `default` as the fallback. The Data
/// API sends the map; the Shop API sends one plain string in the requested locale, read here as
/// the `default` value.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct LocalizedString(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for LocalizedString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Plain(String),
            PerLocale(BTreeMap<String, String>),
        }
        Ok(match Option::<Shape>::deserialize(d)? {
            None => Self::default(),
            Some(Shape::Plain(s)) => Self(BTreeMap::from([("default".to_string(), s)])),
            Some(Shape::PerLocale(m)) => Self(m),
        })
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
}

/// A site-specific flag (`online_flag`, `searchable`): either one value or values per site id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SiteFlag {
    /// The same value on every site.
    All(bool),
    /// Values per site id, with `default` as the fallback.
    PerSite(BTreeMap<String, bool>),
}

impl SiteFlag {
    /// The flag's value on `site_id`; a per-site map without that site or `default` is false.
    pub fn for_site(&self, site_id: &str) -> bool {
        match self {
            SiteFlag::All(v) => *v,
            SiteFlag::PerSite(map) => map
                .get(site_id)
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
        assert_eq!(in_locale(&material, "fr-FR"), Some("Coton".into()));
        assert_eq!(in_locale(&material, "de-DE"), Some("Baumwolle".into()));
        assert_eq!(in_locale(&material, "en_US"), Some("Cotton".into()));
        let sizes = serde_json::json!({"de_DE": ["S", "M"]});
        assert_eq!(
            in_locale(&sizes, "de-DE"),
            Some(serde_json::json!(["S", "M"]))
        );
        assert_eq!(
            in_locale(&sizes, "fr-FR"),
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
            assert_eq!(in_locale(&plain, "de-DE"), Some(plain.clone()));
        }
    }

    #[test]
    fn site_flags() {
        let f: SiteFlag = serde_json::from_str(r#"{"default":false,"RefArch":true}"#).unwrap();
        assert!(f.for_site("RefArch"));
        assert!(!f.for_site("Other"));
        assert!(SiteFlag::All(true).for_site("any"));
    }
}
