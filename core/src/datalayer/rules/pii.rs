//! `pii_in_clear`: email addresses and phone numbers anywhere in the data layer, in any push.
//!
//! Emails are found inside any string (also URL-encoded, as in a `page_location` query string).
//! Phone numbers are strings of phone characters only (digits, spaces, `+ - . ( ) /`) with
//! 8–15 digits that start with `+`; or 7–15 digits under a key naming a phone (`phone`,
//! `mobile`, `tel…`); or 10–15 digits with at least two separators under a key that is not an id
//! (order numbers look like that). Hashed values never match. Messages carry masked values only.

use crate::datalayer::finding::{Code, Finding, Severity};
use serde_json::Value;

/// The findings for every clear-text email or phone number in the pushes.
pub fn check(pushes: &[Value]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, push) in pushes.iter().enumerate() {
        walk(push, "", "", &mut |path, key, text| {
            if let Some((what, masked)) = detect(key, text) {
                out.push(
                    Finding::new(
                        Code::PiiInClear,
                        Severity::Error,
                        format!("expected no {what} in clear text (send a hash or nothing), found {masked}"),
                    )
                    .at(index)
                    .field(if path.is_empty() { "(push)" } else { path }),
                );
            }
        });
    }
    out
}

/// The masked form of a string that holds an email address or a `+`-prefixed phone number.
pub fn mask(text: &str) -> Option<String> {
    detect("", text).map(|(_, masked)| masked)
}

/// A value from the data layer as a message may show it: masked when it holds an email address or
/// a phone number, else as it is.
pub fn shown(text: &str) -> String {
    mask(text).unwrap_or_else(|| text.to_string())
}

fn walk(value: &Value, path: &str, key: &str, visit: &mut impl FnMut(&str, &str, &str)) {
    match value {
        Value::String(s) => visit(path, key, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), key, visit);
            }
        }
        Value::Object(fields) => {
            for (k, v) in fields {
                let child = if path.is_empty() && is_argument(k) {
                    // A gtag call's arguments, as JavaScript reads them: `[2].items`.
                    format!("[{k}]")
                } else if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, &child, k, visit);
            }
        }
        _ => {}
    }
}

/// A key of a push written by `JSON.stringify` from a gtag call's `arguments`: `0`, `1`, ….
fn is_argument(key: &str) -> bool {
    !key.is_empty() && key.len() <= 2 && key.bytes().all(|b| b.is_ascii_digit())
}

fn detect(key: &str, text: &str) -> Option<(&'static str, String)> {
    if let Some(email) = find_email(text) {
        return Some(("email address", mask_email(&email)));
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let phone_chars = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()/".contains(c));
    if !phone_chars {
        return None;
    }
    let key = key.to_ascii_lowercase();
    let n = digits.len();
    let separators = text.chars().filter(|c| " -()/".contains(*c)).count();
    let is_phone = (text.trim_start().starts_with('+') && (8..=15).contains(&n))
        || ((key.contains("phone") || key.contains("mobile") || key.starts_with("tel"))
            && (7..=15).contains(&n))
        || (!key.ends_with("id") && separators >= 2 && (10..=15).contains(&n));
    is_phone.then(|| ("phone number", format!("***{}", &digits[n - 2..])))
}

/// The first email-like token: `local@domain.tld` (also `%40` for `@`).
fn find_email(text: &str) -> Option<String> {
    let decoded = text.replace("%40", "@");
    decoded
        .split(|c: char| !(c.is_ascii_alphanumeric() || "._%+-@".contains(c)))
        .find(|token| {
            let Some((local, domain)) = token.split_once('@') else {
                return false;
            };
            let tld = domain.rsplit('.').next().unwrap_or("");
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && tld.len() >= 2
                && tld.chars().all(|c| c.is_ascii_alphabetic())
        })
        .map(str::to_string)
}

fn mask_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let tld = domain.rsplit('.').next().unwrap_or("");
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***.{tld}", first(local), first(domain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_emails_anywhere_and_masks_them() {
        let pushes = vec![
            json!({"event": "purchase", "user": {"email": "Jane.Doe@example.com"}}),
            json!({"page_location": "https://shop.example.com/?e=jane%40example.co.uk&x=1"}),
            json!({"ecommerce": {"items": [{"item_name": "gift for bob@example.org"}]}}),
        ];
        let found = check(&pushes);
        let at: Vec<(Option<usize>, Option<&str>)> = found
            .iter()
            .map(|f| (f.event_index, f.field.as_deref()))
            .collect();
        assert_eq!(
            at,
            [
                (Some(0), Some("user.email")),
                (Some(1), Some("page_location")),
                (Some(2), Some("ecommerce.items[0].item_name")),
            ]
        );
        assert_eq!(
            found[0].message,
            "expected no email address in clear text (send a hash or nothing), found J***@e***.com"
        );
        assert!(found.iter().all(|f| f.code == Code::PiiInClear
            && f.severity == Severity::Error
            && !f.message.contains("example")));
    }

    #[test]
    fn a_gtag_calls_arguments_are_named_as_javascript_reads_them() {
        let pushes = vec![
            json!({"0": "set", "1": {"user_data": {"email": "jane@example.com"}}}),
            json!({"0": "event", "1": "purchase", "2": {"items": [{"item_name": "for bob@example.org"}]}}),
        ];
        let fields: Vec<Option<String>> = check(&pushes).into_iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            [
                Some("[1].user_data.email".into()),
                Some("[2].items[0].item_name".into())
            ]
        );
    }

    #[test]
    fn finds_phone_numbers() {
        let pushes = vec![json!({
            "a": "+45 12 34 56 78",
            "user": {"phone": "12345678", "mobile_number": "0170 1234567"},
            "contact": "(555) 123-4567"
        })];
        let mut fields: Vec<String> = check(&pushes)
            .into_iter()
            .map(|f| format!("{} {}", f.field.unwrap_or_default(), f.message))
            .collect();
        fields.sort();
        assert_eq!(fields.len(), 4, "{fields:?}");
        assert!(
            fields[0].starts_with("a ") && fields[0].ends_with("found ***78"),
            "{fields:?}"
        );
        assert!(fields[1].starts_with("contact ") && fields[1].ends_with("***67"));
    }

    #[test]
    fn ids_prices_dates_and_hashes_are_not_pii() {
        let pushes = vec![json!({
            "transaction_id": "00012345",
            "order_id": "0001-2345-6789",
            "item_id": "25592770M",
            "price": "1234567890",
            "date": "2026-11-26",
            "value": 29.99,
            "user": {"email_sha256": "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514"},
            "email": "",
            "handle": "@shop",
            "not_an_email": "a@b"
        })];
        assert_eq!(check(&pushes), Vec::new());
    }

    #[test]
    fn mask_hides_all_but_a_hint() {
        assert_eq!(mask("a@example.com").as_deref(), Some("a***@e***.com"));
        assert_eq!(mask("+1 555 123 4567").as_deref(), Some("***67"));
        assert_eq!(mask("29.99"), None);
    }
}
