use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
        let underscored = locale.replace('-', "_");
        let dashed = locale.replace('_', "-");
        let language = dashed.split('-').next().unwrap_or_default().to_string();
        [dashed, underscored, language, "default".to_string()]
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
    fn site_flags() {
        let f: SiteFlag = serde_json::from_str(r#"{"default":false,"RefArch":true}"#).unwrap();
        assert!(f.for_site("RefArch"));
        assert!(!f.for_site("Other"));
        assert!(SiteFlag::All(true).for_site("any"));
    }
}
