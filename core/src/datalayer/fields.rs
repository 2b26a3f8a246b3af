//! Typed reads of data-layer fields that leave a finding behind when a field is missing or wrong.

use super::capture::kind;
use super::currency::is_iso_4217;
use super::finding::{Code, Finding, Severity};
use super::rules::pii;
use serde_json::{Map, Value};

/// Whether a field must be there, and how bad its absence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Absent is fine.
    Optional,
    /// Absent is a `missing_field` finding of this severity.
    Required(Severity),
}

/// Reads fields of one push, collecting findings about them.
pub(crate) struct Reader<'a> {
    /// The push the fields belong to.
    pub index: usize,
    /// Where findings go.
    pub out: &'a mut Vec<Finding>,
}

impl Reader<'_> {
    fn report(&mut self, code: Code, severity: Severity, path: &str, message: String) {
        self.out.push(
            Finding::new(code, severity, message)
                .at(self.index)
                .field(path),
        );
    }

    /// The field, or a `missing_field` finding when it is required (null counts as absent).
    pub fn get<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path: &str,
        need: Need,
    ) -> Option<&'v Value> {
        match obj.get(key) {
            Some(Value::Null) | None => {
                if let Need::Required(severity) = need {
                    let found = if obj.contains_key(key) {
                        "null"
                    } else {
                        "nothing"
                    };
                    self.report(
                        Code::MissingField,
                        severity,
                        path,
                        format!("expected `{key}`, found {found}"),
                    );
                }
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A `wrong_type` error: `expected …, found …`.
    pub fn wrong_type(&mut self, path: &str, expected: &str, found: &Value) {
        self.report(
            Code::WrongType,
            Severity::Error,
            path,
            format!("expected {expected}, found {}", describe(found)),
        );
    }

    /// A `bad_value` error: `expected …, found …`.
    pub fn bad_value(&mut self, path: &str, expected: &str, found: &Value) {
        self.report(
            Code::BadValue,
            Severity::Error,
            path,
            format!("expected {expected}, found {}", describe(found)),
        );
    }

    /// A JSON number ≥ 0 (a numeric string is a `wrong_type` error: GA4 drops it).
    pub fn amount(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        need: Need,
    ) -> Option<f64> {
        let value = self.get(obj, key, path, need)?;
        match value.as_f64() {
            Some(n) if n >= 0.0 => Some(n),
            Some(_) => {
                self.bad_value(path, "an amount ≥ 0", value);
                None
            }
            None => {
                self.wrong_type(path, "a number", value);
                None
            }
        }
    }

    /// A whole number ≥ 1.
    pub fn quantity(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        need: Need,
    ) -> Option<u64> {
        let value = self.get(obj, key, path, need)?;
        match value.as_f64() {
            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => Some(n as u64),
            Some(_) => {
                self.bad_value(path, "a whole number ≥ 1", value);
                None
            }
            None => {
                self.wrong_type(path, "a whole number", value);
                None
            }
        }
    }

    /// A non-empty string.
    pub fn text<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path: &str,
        need: Need,
    ) -> Option<&'v str> {
        let value = self.get(obj, key, path, need)?;
        match value.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) => {
                self.bad_value(path, "a non-empty string", value);
                None
            }
            None => {
                self.wrong_type(path, "a string", value);
                None
            }
        }
    }

    /// Whether a text value fits the cap the worker's ingest holds its native field `field` to
    /// ([`crate::event::cap_of`]): past it, the event would be refused there, so the audit says so.
    pub fn fits(&mut self, path: &str, value: &Value, field: &str) -> bool {
        let cap = crate::event::cap_of(field);
        if value.as_str().is_some_and(|s| s.chars().count() > cap) {
            self.bad_value(path, &format!("at most {cap} characters"), value);
            return false;
        }
        true
    }

    /// An identifier: a non-empty string, or a number (which keeps no leading zeros).
    pub fn id(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        need: Need,
    ) -> Option<String> {
        match self.get(obj, key, path, need)? {
            Value::Number(n) => Some(n.to_string()),
            value if !self.fits(path, value, "id") => None,
            _ => self.text(obj, key, path, need).map(str::to_string),
        }
    }

    /// An ISO 4217 code.
    pub fn currency<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path: &str,
        need: Need,
    ) -> Option<&'v str> {
        let value = self.get(obj, key, path, need)?;
        let Some(code) = value.as_str() else {
            self.wrong_type(path, "an ISO 4217 code (string)", value);
            return None;
        };
        if is_iso_4217(code) {
            Some(code)
        } else {
            self.report(
                Code::BadCurrency,
                Severity::Error,
                path,
                format!(
                    "expected an ISO 4217 code (3 uppercase letters, e.g. USD), found {}",
                    describe(value)
                ),
            );
            None
        }
    }
}

/// A value for a message: kind and (short, PII-masked) content.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => match pii::mask(s) {
            Some(masked) => format!("string {masked}"),
            None if s.chars().count() > 40 => {
                format!("string \"{}…\"", s.chars().take(40).collect::<String>())
            }
            None => format!("string {value}"),
        },
        Value::Number(n) => format!("number {n}"),
        Value::Bool(b) => format!("boolean {b}"),
        other => kind(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(obj: Value, f: impl FnOnce(&mut Reader<'_>, &Map<String, Value>)) -> Vec<Finding> {
        let mut out = Vec::new();
        let obj = obj.as_object().cloned().unwrap_or_default();
        f(
            &mut Reader {
                index: 4,
                out: &mut out,
            },
            &obj,
        );
        out
    }

    #[test]
    fn amounts_must_be_numbers() {
        let out = read(json!({"price": "29.99", "tax": -1, "ok": 3.5}), |r, o| {
            assert_eq!(r.amount(o, "price", "items[0].price", Need::Optional), None);
            assert_eq!(r.amount(o, "tax", "tax", Need::Optional), None);
            assert_eq!(r.amount(o, "ok", "ok", Need::Optional), Some(3.5));
            assert_eq!(r.amount(o, "shipping", "shipping", Need::Optional), None);
        });
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].code, Code::WrongType);
        assert_eq!(out[0].field.as_deref(), Some("items[0].price"));
        assert_eq!(out[0].event_index, Some(4));
        assert_eq!(out[0].message, "expected a number, found string \"29.99\"");
        assert_eq!(out[1].code, Code::BadValue);
    }

    #[test]
    fn required_fields_report_their_absence_with_the_given_severity() {
        let out = read(json!({"value": null}), |r, o| {
            r.amount(o, "value", "value", Need::Required(Severity::Error));
            r.amount(o, "tax", "tax", Need::Required(Severity::Warning));
        });
        let got: Vec<(Code, Severity, &str)> = out
            .iter()
            .map(|f| (f.code, f.severity, f.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Code::MissingField,
                    Severity::Error,
                    "expected `value`, found null"
                ),
                (
                    Code::MissingField,
                    Severity::Warning,
                    "expected `tax`, found nothing"
                ),
            ]
        );
    }

    #[test]
    fn quantities_are_whole_and_positive() {
        let out = read(json!({"a": 2, "b": 0, "c": 1.5, "d": "1"}), |r, o| {
            assert_eq!(r.quantity(o, "a", "a", Need::Optional), Some(2));
            for k in ["b", "c", "d"] {
                assert_eq!(r.quantity(o, k, k, Need::Optional), None);
            }
        });
        let codes: Vec<Code> = out.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::BadValue, Code::BadValue, Code::WrongType]);
    }

    #[test]
    fn texts_ids_and_currencies() {
        let out = read(
            json!({"t": " ", "n": 12345, "s": "A1", "c": "usd", "ok": "EUR", "x": 1}),
            |r, o| {
                assert_eq!(r.text(o, "t", "t", Need::Optional), None);
                assert_eq!(r.id(o, "n", "n", Need::Optional).as_deref(), Some("12345"));
                assert_eq!(r.id(o, "s", "s", Need::Optional).as_deref(), Some("A1"));
                assert_eq!(r.currency(o, "c", "c", Need::Optional), None);
                assert_eq!(r.currency(o, "ok", "ok", Need::Optional), Some("EUR"));
                assert_eq!(r.currency(o, "x", "x", Need::Optional), None);
            },
        );
        let codes: Vec<Code> = out.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::BadValue, Code::BadCurrency, Code::WrongType]);
        assert!(
            out[1].message.ends_with("found string \"usd\""),
            "{}",
            out[1].message
        );
    }

    #[test]
    fn descriptions_are_short_and_masked() {
        assert_eq!(describe(&json!("jane@example.com")), "string j***@e***.com");
        assert_eq!(describe(&json!(1.5)), "number 1.5");
        assert_eq!(describe(&json!([1])), "an array");
        assert!(describe(&json!("x".repeat(100))).ends_with("…\""));
    }

    #[test]
    fn an_id_longer_than_the_ingest_takes_is_an_error_here_too() {
        let long = "P".repeat(101);
        let out = read(json!({"item_id": long, "ok": "P".repeat(100)}), |r, o| {
            assert_eq!(
                r.id(
                    o,
                    "item_id",
                    "items[0].item_id",
                    Need::Required(Severity::Error)
                ),
                None
            );
            assert_eq!(
                r.id(o, "ok", "items[1].item_id", Need::Required(Severity::Error)),
                Some("P".repeat(100))
            );
        });
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, Severity::Error);
        assert_eq!(out[0].field.as_deref(), Some("items[0].item_id"));
        assert!(
            out[0].message.contains("at most 100 characters"),
            "{}",
            out[0].message
        );
    }
}
