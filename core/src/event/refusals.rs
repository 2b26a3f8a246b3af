//! Refused events counted for the operator. A storefront whose data layer sends events the worker
//! cannot take (a push without an item id, a price that is text) shows up on the status page by
//! event name and reason, per store and hour. Only the counts are kept, never the events: a
//! refused event may carry shopper data.
//!
//! Names and reasons may quote what a page sent, so both are cut to a length, and a store keeps
//! at most [`KINDS_PER_HOUR`] kinds an hour; refusals of any further kind count under
//! [`OTHER_KINDS`].

use super::Refused;

/// Longest event name kept, characters.
pub const MAX_NAME_CHARS: usize = 40;

/// Longest reason kept, characters.
pub const MAX_REASON_CHARS: usize = 200;

/// Most kinds (name and reason) kept per store and hour.
pub const KINDS_PER_HOUR: u32 = 50;

/// The reason refusals beyond [`KINDS_PER_HOUR`] kinds count under (with no name).
pub const OTHER_KINDS: &str = "other reasons: more than 50 kinds of refusal in one hour";

const HOUR_MS: u64 = 3_600_000;

/// How many events of a call were refused as one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The events' name (GA4 `event` or `type`), cut to [`MAX_NAME_CHARS`]; empty when they
    /// had none.
    pub name: String,
    /// Why, cut to [`MAX_REASON_CHARS`].
    pub reason: String,
    /// How many.
    pub count: u32,
}

/// The start of the hour `at_ms` falls in (Unix ms): refusals are counted per hour.
pub fn hour_of(at_ms: u64) -> u64 {
    at_ms - at_ms % HOUR_MS
}

/// `text` cut to `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

/// A call's refused events counted by kind (name and reason, each cut), in kind order.
pub fn tally(refused: &[Refused]) -> Vec<Tally> {
    let mut counts = std::collections::BTreeMap::<(String, String), u32>::new();
    for r in refused {
        let name = r
            .name
            .as_deref()
            .map_or_else(String::new, |n| cut(n, MAX_NAME_CHARS));
        *counts
            .entry((name, cut(&r.reason, MAX_REASON_CHARS)))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((name, reason), count)| Tally {
            name,
            reason,
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(name: Option<&str>, reason: &str) -> Refused {
        Refused {
            index: 0,
            reason: reason.into(),
            name: name.map(str::to_string),
        }
    }

    #[test]
    fn a_calls_refusals_are_counted_by_name_and_reason() {
        let call = [
            refused(Some("add_to_cart"), "item_id must be a non-empty string"),
            refused(None, "must be a JSON object"),
            refused(Some("add_to_cart"), "item_id must be a non-empty string"),
            refused(Some("view_item"), "item_id must be a non-empty string"),
        ];
        let tallied = tally(&call);
        let counted: Vec<(&str, &str, u32)> = tallied
            .iter()
            .map(|t| (t.name.as_str(), t.reason.as_str(), t.count))
            .collect();
        assert_eq!(
            counted,
            [
                ("", "must be a JSON object", 1),
                ("add_to_cart", "item_id must be a non-empty string", 2),
                ("view_item", "item_id must be a non-empty string", 1),
            ]
        );
        assert!(tally(&[]).is_empty());
    }

    #[test]
    fn what_a_page_sent_is_cut_to_a_length_on_a_character_boundary() {
        let long_name = "é".repeat(MAX_NAME_CHARS + 5);
        let long_reason = format!("unknown type {:?}", "ü".repeat(300));
        let t = &tally(&[refused(Some(&long_name), &long_reason)])[0];
        assert_eq!(t.name.chars().count(), MAX_NAME_CHARS + 1, "cut, with …");
        assert!(t.name.ends_with('…'));
        assert_eq!(t.reason.chars().count(), MAX_REASON_CHARS + 1);
        assert!(t.reason.starts_with("unknown type \"üü"));
        let short = &tally(&[refused(Some("search"), "field `query` is required")])[0];
        assert_eq!(
            (short.name.as_str(), short.reason.as_str()),
            ("search", "field `query` is required")
        );
    }

    #[test]
    fn refusals_are_counted_per_hour() {
        assert_eq!(hour_of(0), 0);
        assert_eq!(hour_of(HOUR_MS - 1), 0);
        assert_eq!(hour_of(5 * HOUR_MS + 17), 5 * HOUR_MS);
    }
}
