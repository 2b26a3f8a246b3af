//! Whether a dead letter may be replayed. A sale left in doubt (no answer said whether Clerk
//! recorded it, [`super::IN_DOUBT`]) may already be in Clerk: replaying it on a guess could count
//! it twice, so it goes back only on the operator's explicit word that Clerk lacks it
//! ([`CONFIRM_IN_DOUBT`]: the status page's checkbox, `?confirm=in-doubt` on the admin API,
//! `sfcc-clerk replay --in-doubt-checked`). The status page sits on the shop's origin, where a
//! storefront script could press its buttons while an operator is signed in; the word is one
//! more thing such a script would have to forge, and the page shows what it means.

use super::IN_DOUBT;

/// The form field or query parameter that carries the operator's word.
pub const CONFIRM_FIELD: &str = "confirm";

/// Its value: "I checked Clerk's orders, and it lacks this sale".
pub const CONFIRM_IN_DOUBT: &str = "in-doubt";

/// What a replay request comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayCheck {
    /// Put it back on its queue.
    Go,
    /// An in-doubt sale without the operator's word: refused, saying what to check.
    Confirm,
    /// Replayed before: nothing to do.
    Replayed,
}

/// Whether a dead letter with `reason`, replayed before or not, may go back on its queue, given
/// the request's [`CONFIRM_FIELD`] value.
pub fn check_replay(reason: &str, replayed: bool, confirm: Option<&str>) -> ReplayCheck {
    if replayed {
        ReplayCheck::Replayed
    } else if is_in_doubt(reason) && confirm != Some(CONFIRM_IN_DOUBT) {
        ReplayCheck::Confirm
    } else {
        ReplayCheck::Go
    }
}

/// Whether a dead letter's reason leaves its delivery in doubt.
pub fn is_in_doubt(reason: &str) -> bool {
    reason.starts_with(IN_DOUBT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_in_doubt_sale_goes_back_only_on_the_operators_word() {
        let doubt =
            "in doubt: timed out; it may have been recorded, so it is not sent again automatically";
        assert_eq!(check_replay(doubt, false, None), ReplayCheck::Confirm);
        assert_eq!(
            check_replay(doubt, false, Some("yes")),
            ReplayCheck::Confirm
        );
        assert_eq!(
            check_replay(doubt, false, Some(CONFIRM_IN_DOUBT)),
            ReplayCheck::Go
        );
        assert_eq!(
            check_replay("HTTP 400 rejected", false, None),
            ReplayCheck::Go,
            "a refused event asks for no word"
        );
        assert_eq!(
            check_replay(doubt, true, Some(CONFIRM_IN_DOUBT)),
            ReplayCheck::Replayed
        );
    }
}
