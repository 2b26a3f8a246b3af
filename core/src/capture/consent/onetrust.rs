//! OneTrust's `OptanonConsent` cookie.
//!
//! The value is form-encoded (`+` a space, `%3A` a colon) `key=value` pairs in no fixed order;
//! `groups` lists each cookie category as `id:1` (allowed) or `id:0`, e.g.
//! `groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A1` (OneTrust's default ids: C0001 strictly
//! necessary, C0002 performance, C0003 functional, C0004 targeting, C0005 social media; older
//! Optanon builds use plain numbers, `groups=1%3A1%2C2%3A0`, and shops add their own).
//! `interactionCount=0` means the shopper has not touched the banner: the groups are then the
//! geolocation rule's defaults, not a choice.
//!
//! `OptanonAlertBoxClosed` only records that the banner was closed — OneTrust writes it on
//! "reject all" too — and is never read as consent.

use super::cookie_values;

/// The cookie's name.
pub const COOKIE: &str = "OptanonConsent";

/// What the shopper's `OptanonConsent` says of the `required` groups: `Some(true)` every one is
/// allowed, `Some(false)` one is refused, `None` no cookie, a group not in it, or (unless
/// `implied` is accepted) defaults the shopper never touched. Of two cookies, a refusal wins.
pub fn answer(header: &str, required: &[String], implied: bool) -> Option<bool> {
    if required.is_empty() {
        return None;
    }
    let answers: Vec<bool> = cookie_values(header, COOKIE)
        .filter_map(|value| one(value, required, implied))
        .collect();
    super::one_answer(&answers)
}

fn one(value: &str, required: &[String], implied: bool) -> Option<bool> {
    let pairs: Vec<(String, String)> = crate::form::pairs(value);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let groups = field("groups")?;
    let untouched = field("interactionCount").is_some_and(|c| c.trim() == "0");
    let states: Vec<(&str, &str)> = groups
        .split(',')
        .filter_map(|g| g.trim().split_once(':'))
        .collect();
    let mut all = true;
    for id in required {
        match states.iter().find(|(g, _)| g == id).map(|(_, s)| *s) {
            Some("1") => {}
            Some(_) if untouched && !implied => return None,
            Some(_) => return Some(false),
            None => all = false,
        }
    }
    if !all || (untouched && !implied) {
        return None;
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    // Shape and values: the example cookie of the npm package
    // `@commercetools-frontend/cookie-consent` (README), a OneTrust 202209.1.0 banner.
    const CHOSEN: &str = "OptanonConsent=isGpcEnabled=0&datestamp=Wed+Feb+01+2023+12%3A35%3A32+GMT%2B0100+(Central+European+Standard+Time)&version=202209.1.0&isIABGlobal=false&hosts=&consentId=7f3c0e9a-0000-4000-8000-000000000000&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A1%2CC0005%3A1&geolocation=AT%3B9&AwaitingReconsent=false";

    #[test]
    fn the_required_groups_decide_in_any_order() {
        assert_eq!(answer(CHOSEN, &ids(&["C0004"]), false), Some(true));
        assert_eq!(answer(CHOSEN, &ids(&["C0003", "C0004"]), false), Some(true));
        assert_eq!(answer(CHOSEN, &ids(&["C0002"]), false), Some(false));
        assert_eq!(
            answer(CHOSEN, &ids(&["C0004", "C0002"]), false),
            Some(false)
        );
        // A group the shop does not have: no answer (a setting to fix, not a refusal).
        assert_eq!(answer(CHOSEN, &ids(&["C0009"]), false), None);
        assert_eq!(answer(CHOSEN, &[], false), None);
        let reordered = "OptanonConsent=groups=C0002%3A1%2CC0004%3A0%2CC0003%3A1%2CC0001%3A1&interactionCount=2";
        assert_eq!(answer(reordered, &ids(&["C0004"]), false), Some(false));
    }

    #[test]
    fn defaults_the_shopper_never_touched_are_no_answer_unless_implied_consent_is_accepted() {
        // A US opt-out rule's defaults (shape of urbanoutfitters.com's cookie, version 202403.1.0).
        let defaults = "OptanonConsent=isGpcEnabled=0&version=202403.1.0&interactionCount=0&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";
        assert_eq!(answer(defaults, &ids(&["C0004"]), false), None);
        assert_eq!(answer(defaults, &ids(&["C0004"]), true), Some(true));
        let opt_in = "OptanonConsent=interactionCount=0&groups=C0001%3A1%2CC0004%3A0";
        assert_eq!(answer(opt_in, &ids(&["C0004"]), false), None);
        assert_eq!(answer(opt_in, &ids(&["C0004"]), true), Some(false));
    }

    #[test]
    fn legacy_numeric_groups_are_named_as_the_shop_names_them() {
        // An Optanon 6.x cookie (version=6.33.0) lists plain numbers.
        let legacy =
            "OptanonConsent=version=6.33.0&interactionCount=1&groups=1%3A1%2C2%3A0%2C4%3A1";
        assert_eq!(answer(legacy, &ids(&["4"]), false), Some(true));
        assert_eq!(answer(legacy, &ids(&["2"]), false), Some(false));
        assert_eq!(answer(legacy, &ids(&["C0004"]), false), None);
    }

    #[test]
    fn the_banner_closed_cookie_and_broken_values_are_no_answer_and_a_refusal_wins() {
        assert_eq!(
            answer(
                "OptanonAlertBoxClosed=2024-07-15T07:20:51.814Z",
                &ids(&["C0004"]),
                true
            ),
            None
        );
        assert_eq!(
            answer("OptanonConsent=garbage", &ids(&["C0004"]), false),
            None
        );
        assert_eq!(
            answer("OptanonConsent=groups=", &ids(&["C0004"]), false),
            None
        );
        let two = format!("{CHOSEN}; OptanonConsent=interactionCount=1&groups=C0004%3A0");
        assert_eq!(answer(&two, &ids(&["C0004"]), false), Some(false));
    }
}
