use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Which SFCC text becomes the Clerk description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DescriptionSource {
    /// `short_description` (SFRA's product tile text).
    #[default]
    ShortDescription,
    /// `long_description`.
    LongDescription,
}

/// Which custom attributes (`c_*`) become Clerk attributes without a rule of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CustomAttributes {
    /// Every `c_*` attribute, named without the prefix.
    #[default]
    All,
    /// Only those named in `[mapping.attributes]`.
    Listed,
}

/// A simple value transform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transform {
    /// Remove HTML tags and entities.
    StripHtml,
    /// Lowercase text.
    Lowercase,
    /// Trim surrounding white space.
    Trim,
    /// Split text on a separator into a list of trimmed, non-empty parts.
    Split(String),
}

impl<'de> Deserialize<'de> for Transform {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Transform::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown transform {s:?}; use strip_html, lowercase, trim or split:<separator>"
            ))
        })
    }
}

impl Serialize for Transform {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = match self {
            Self::StripHtml => "strip_html".to_string(),
            Self::Lowercase => "lowercase".to_string(),
            Self::Trim => "trim".to_string(),
            Self::Split(sep) => format!("split:{sep}"),
        };
        s.serialize_str(&text)
    }
}

impl Transform {
    /// Parses `strip_html`, `lowercase`, `trim` or `split:<separator>`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "strip_html" => Some(Self::StripHtml),
            "lowercase" => Some(Self::Lowercase),
            "trim" => Some(Self::Trim),
            _ => s
                .strip_prefix("split:")
                .filter(|sep| !sep.is_empty())
                .map(|sep| Self::Split(sep.into())),
        }
    }

    /// Applies the transform; text transforms apply to every string of a list.
    pub fn apply(&self, value: Value) -> Value {
        match (self, value) {
            (_, Value::Array(items)) => {
                Value::Array(items.into_iter().map(|v| self.apply(v)).collect())
            }
            (Self::StripHtml, Value::String(s)) => Value::String(crate::mapping::strip_html(&s)),
            (Self::Lowercase, Value::String(s)) => Value::String(s.to_lowercase()),
            (Self::Trim, Value::String(s)) => Value::String(s.trim().to_string()),
            (Self::Split(sep), Value::String(s)) => Value::Array(
                s.split(sep.as_str())
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.to_string()))
                    .collect(),
            ),
            (_, other) => other,
        }
    }
}

/// The type a Clerk attribute's values must have, so a facet filters and sorts alike on every
/// product (a size facet of numbers, not of `"42"` and `42`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    /// Text: numbers and booleans become their text.
    Text,
    /// A number: text that reads as one (`"42"`, `" 4.5 "`) becomes one.
    Number,
    /// A boolean: the text `true` or `false` (any case) becomes one.
    Bool,
    /// A list: a single value becomes a list of one.
    List,
}

impl AttributeType {
    /// The name in the configuration file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Bool => "bool",
            Self::List => "list",
        }
    }

    /// `value` as this type, or why it cannot be one.
    pub fn coerce(self, value: Value) -> Result<Value, String> {
        let fit = match (self, &value) {
            (Self::Text, Value::String(_))
            | (Self::Number, Value::Number(_))
            | (Self::Bool, Value::Bool(_))
            | (Self::List, Value::Array(_)) => return Ok(value),
            (Self::Text, Value::Number(_) | Value::Bool(_)) => {
                Some(Value::String(value.to_string()))
            }
            (Self::Number, Value::String(s)) => number(s.trim()),
            (Self::Bool, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            (Self::List, Value::String(_) | Value::Number(_) | Value::Bool(_)) => {
                Some(Value::Array(vec![value.clone()]))
            }
            _ => None,
        };
        fit.ok_or_else(|| format!("expected {}, found {value}", self.described()))
    }

    fn described(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "a number",
            Self::Bool => "true or false",
            Self::List => "a list",
        }
    }
}

/// Text that reads as a finite number, as a JSON number (whole numbers without a fraction).
fn number(text: &str) -> Option<Value> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::from(n));
    }
    text.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

/// How one Clerk attribute is filled.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeRule {
    /// The SFCC attribute (`c_color`, `brand`, …) it comes from.
    pub from: String,
    /// Transforms applied in order.
    #[serde(default)]
    pub transform: Vec<Transform>,
    /// Value when the SFCC attribute is missing or empty.
    #[serde(default)]
    pub default: Option<Value>,
    /// The type its values must have, after the transforms (`type` in the file): a product
    /// whose value cannot be one is reported and not sent. Absent: values pass as they are.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<AttributeType>,
}

/// How SFCC product fields become Clerk product fields. The defaults suit an SFRA storefront.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldMapping {
    /// Description source.
    pub description: DescriptionSource,
    /// Strip HTML from the description.
    pub strip_html: bool,
    /// List price book id pattern; `{currency}` is the store's currency in lowercase.
    pub list_price_book: String,
    /// Sale price book id pattern, used when the document's `price` is not in the store's currency.
    pub sale_price_book: String,
    /// Which custom attributes pass through.
    pub custom_attributes: CustomAttributes,
    /// Clerk attribute rules, by Clerk attribute name.
    pub attributes: BTreeMap<String, AttributeRule>,
}

impl Default for FieldMapping {
    fn default() -> Self {
        Self {
            description: DescriptionSource::ShortDescription,
            strip_html: true,
            list_price_book: "{currency}-m-list-prices".into(),
            sale_price_book: "{currency}-m-sale-prices".into(),
            custom_attributes: CustomAttributes::All,
            attributes: BTreeMap::new(),
        }
    }
}

impl FieldMapping {
    /// A price book id from a pattern and a currency.
    pub fn book(pattern: &str, currency: &str) -> String {
        pattern.replace("{currency}", &currency.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_become_the_rules_type_or_say_why_they_cannot() {
        use AttributeType::*;
        let ok = |kind: AttributeType, v: Value| kind.coerce(v).unwrap();
        assert_eq!(ok(Number, json!(" 42 ")), json!(42));
        assert_eq!(ok(Number, json!("4.5")), json!(4.5));
        assert_eq!(ok(Number, json!(7)), json!(7));
        assert_eq!(ok(Bool, json!("TRUE")), json!(true));
        assert_eq!(ok(Bool, json!(false)), json!(false));
        assert_eq!(ok(Text, json!(42)), json!("42"));
        assert_eq!(ok(Text, json!(true)), json!("true"));
        assert_eq!(ok(List, json!("red")), json!(["red"]));
        assert_eq!(ok(List, json!(["a", "b"])), json!(["a", "b"]));
        let no = |kind: AttributeType, v: Value| kind.coerce(v).unwrap_err();
        assert_eq!(no(Number, json!("XL")), "expected a number, found \"XL\"");
        assert_eq!(no(Number, json!("NaN")), "expected a number, found \"NaN\"");
        assert_eq!(no(Number, json!("inf")), "expected a number, found \"inf\"");
        assert_eq!(
            no(Bool, json!("yes")),
            "expected true or false, found \"yes\""
        );
        assert_eq!(no(Text, json!(["a"])), "expected text, found [\"a\"]");
        assert_eq!(
            no(List, json!({"a": 1})),
            "expected a list, found {\"a\":1}"
        );
    }

    #[test]
    fn transforms() {
        assert_eq!(
            Transform::parse("split:|").unwrap().apply(json!("S| M |")),
            json!(["S", "M"])
        );
        assert_eq!(
            Transform::Lowercase.apply(json!(["A", "B"])),
            json!(["a", "b"])
        );
        assert_eq!(Transform::StripHtml.apply(json!("<b>x</b>")), json!("x"));
        assert_eq!(Transform::Trim.apply(json!(3)), json!(3));
        assert_eq!(Transform::parse("split:"), None);
        assert_eq!(
            FieldMapping::book("{currency}-m-list-prices", "EUR"),
            "eur-m-list-prices"
        );
    }
}
