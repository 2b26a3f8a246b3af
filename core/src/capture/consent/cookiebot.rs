//! Cookiebot's `CookieConsent` cookie.
//!
//! Sources: Cybot's own server-side sample (`CybotAS/CookiebotWP` README): the value `0` — the
//! shopper has not accepted cookies, strictly necessary only; `-1` — the shopper is outside any
//! region that requires consent, all cookies accepted; otherwise a JavaScript object literal
//! (not JSON: bare keys, single-quoted strings) with the flags `necessary`, `preferences`,
//! `statistics`, `marketing`. Browsers keep it percent-encoded:
//! `{stamp:%27…%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1721392455720%2Cregion:%27ro%27}`.
//! Newer Cookiebot writes the "outside any region" case as an object with `stamp:'-1'` and
//! `method:'implied'`. The stamp is base64, so a `+` in it stays a `+`.

use super::cookie_values;
use crate::form::percent_decode;

/// The cookie's name.
pub const COOKIE: &str = "CookieConsent";

/// What the shopper's `CookieConsent` says of the `required` categories (`marketing`,
/// `statistics`, `preferences`): `Some(true)` all allowed, `Some(false)` one refused, `None` no
/// cookie, an unreadable one, or (unless `implied` is accepted) consent Cookiebot implied without
/// asking. Of two cookies, a refusal wins.
pub fn answer(header: &str, required: &[String], implied: bool) -> Option<bool> {
    if required.is_empty() {
        return None;
    }
    let answers: Vec<bool> = cookie_values(header, COOKIE)
        .filter_map(|value| one(&percent_decode(value, false), required, implied))
        .collect();
    super::one_answer(&answers)
}

fn one(value: &str, required: &[String], implied: bool) -> Option<bool> {
    match value.trim() {
        "0" => return Some(false),
        "-1" => return implied.then_some(true),
        _ => {}
    }
    let fields = object_fields(value)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let not_asked = field("stamp") == Some("-1") || field("method") == Some("implied");
    if not_asked && !implied {
        return None;
    }
    let mut all = true;
    for name in required {
        match field(name) {
            Some("true") => {}
            Some("false") => return Some(false),
            _ => all = false,
        }
    }
    all.then_some(true)
}

/// The `key:value` pairs of a flat object literal, string values unquoted. `None` when it is not
/// one.
fn object_fields(value: &str) -> Option<Vec<(String, String)>> {
    let inner = value.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut fields = Vec::new();
    let mut rest = inner;
    while !rest.trim().is_empty() {
        let (key, after) = rest.split_once(':')?;
        let after = after.trim_start();
        let (raw, next) = match after.chars().next() {
            Some(q @ ('\'' | '"')) => {
                let end = after[1..].find(q)? + 1;
                (&after[1..end], after[end + 1..].trim_start())
            }
            _ => match after.find(',') {
                Some(i) => (after[..i].trim(), &after[i..]),
                None => (after.trim(), ""),
            },
        };
        fields.push((
            key.trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .to_string(),
            raw.to_string(),
        ));
        rest = match next.strip_prefix(',') {
            Some(r) => r,
            None if next.trim().is_empty() => "",
            None => return None,
        };
    }
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    // The shape browsers store (percent-encoded quotes and commas), values of a Cookiebot v1
    // cookie with an explicit choice; `stamp` keeps its base64 `+`, `/` and `=`.
    const CHOSEN: &str = "CookieConsent={stamp:%27CZ6k+4/ab==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1721392455720%2Cregion:%27ro%27}";

    #[test]
    fn the_required_categories_decide() {
        assert_eq!(answer(CHOSEN, &cats(&["marketing"]), false), Some(true));
        assert_eq!(
            answer(CHOSEN, &cats(&["statistics", "marketing"]), false),
            Some(true)
        );
        assert_eq!(answer(CHOSEN, &cats(&["preferences"]), false), Some(false));
        assert_eq!(answer(CHOSEN, &cats(&["personalisation"]), false), None);
        assert_eq!(answer(CHOSEN, &[], false), None);
    }

    #[test]
    fn cybots_special_values() {
        let m = cats(&["marketing"]);
        // "The user has not accepted cookies".
        assert_eq!(answer("CookieConsent=0", &m, false), Some(false));
        // "Not within a region that requires consent": implied, not asked.
        assert_eq!(answer("CookieConsent=-1", &m, false), None);
        assert_eq!(answer("CookieConsent=-1", &m, true), Some(true));
        // The newer form of the same (region EG).
        let region = "CookieConsent={stamp:%27-1%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27implied%27%2Cver:1%2Cutc:1785673649393%2Cregion:%27EG%27}";
        assert_eq!(answer(region, &m, false), None);
        assert_eq!(answer(region, &m, true), Some(true));
    }

    #[test]
    fn older_cookies_without_method_and_broken_ones() {
        let m = cats(&["marketing"]);
        let old = "CookieConsent={stamp:'abc'%2Cnecessary:true%2Cpreferences:true%2Cstatistics:false%2Cmarketing:false%2Cver:1}";
        assert_eq!(answer(old, &m, false), Some(false));
        assert_eq!(answer("CookieConsent={marketing", &m, false), None);
        assert_eq!(answer("CookieConsent=yes", &m, false), None);
        assert_eq!(
            answer("CookieConsent={stamp:'a,b'%2Cmarketing:true}", &m, false),
            Some(true)
        );
        // Two cookies: a refusal wins.
        let two = format!("{CHOSEN}; CookieConsent=0");
        assert_eq!(answer(&two, &m, false), Some(false));
    }
}
