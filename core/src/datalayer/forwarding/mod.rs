//! The forwarding check: did the worker receive and forward each ecommerce push of the page?
//!
//! The validator knows the page's pushes, the page id the worker gave the page (its beacon tags
//! every forwarded push with it) and the shopper's consent as the beacon sees it; the worker
//! answers what it recorded per event id of that page ([`PageTrace`]). [`expected`] works out,
//! with the worker's own normalizer, which event id each push becomes (or why the worker refuses
//! it); [`check`] compares that with the answer:
//!
//! | code | severity | when |
//! | --- | --- | --- |
//! | `not_received` | error | a push the page forwards that the worker has no record of once the check settles, or that the worker refuses |
//! | `not_delivered` | warning | received, but still queued or retrying when the check settles (the state is named) |
//! | `dead_lettered` | error | the worker gave up delivering it (the reason is named) |
//! | `consent_withheld` | info | not forwarded for want of consent: held in the page until the shopper answers, declined in strict mode, or dropped by the worker |
//! | `forwarded_without_consent` | error | the worker received it although the page says the shopper has not consented |
//! | `beacon_dropped` | error | the page's beacon let its oldest events go: it held more than it keeps unsent ([`dropped`]) |
//!
//! In strict mode without consent nothing is expected to be forwarded; in anonymous mode a
//! declining shopper's events are.
//!
//! [`PageTrace`]: crate::event::trace::PageTrace

mod check;
mod expected;

pub use check::{check, dropped};
pub use expected::{expected, Expected};

use crate::capture::{Consent, ConsentMode};
use serde::{Deserialize, Serialize};

/// The shopper's consent on the page, as its beacon sees it, and the worker's consent mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageConsent {
    /// Granted, denied or not answered yet.
    pub consent: Consent,
    /// Strict or anonymous.
    pub mode: ConsentMode,
}

impl PageConsent {
    /// Reads the beacon's words: consent `granted`, `denied` or `unknown`; mode `strict` or
    /// `anonymous`.
    pub fn parse(consent: &str, mode: &str) -> Result<Self, String> {
        let consent = match consent {
            "granted" => Consent::Granted,
            "denied" => Consent::Denied,
            "unknown" => Consent::Unknown,
            other => {
                return Err(format!(
                    "consent: expected granted, denied or unknown, found {other:?}"
                ))
            }
        };
        let mode = match mode {
            "strict" => ConsentMode::Strict,
            "anonymous" => ConsentMode::Anonymous,
            other => {
                return Err(format!(
                    "mode: expected strict or anonymous, found {other:?}"
                ))
            }
        };
        Ok(Self { consent, mode })
    }

    /// True when the page's ecommerce events are to be forwarded now.
    pub fn forwards(self) -> bool {
        match (self.consent, self.mode) {
            (Consent::Granted, _) | (Consent::Denied, ConsentMode::Anonymous) => true,
            (Consent::Unknown, _) | (Consent::Denied, ConsentMode::Strict) => false,
        }
    }

    /// Why nothing is forwarded, for messages.
    fn why_not(self) -> &'static str {
        match self.consent {
            Consent::Unknown => {
                "the shopper has not answered the consent banner; the page holds its events until then"
            }
            _ => "the shopper declined tracking and strict mode forwards nothing",
        }
    }
}

/// What became of one ecommerce push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushState {
    /// Clerk accepted it.
    Delivered,
    /// The worker took it; Clerk has no tracking call for its kind.
    NotSent,
    /// On the worker's queue.
    Received,
    /// An attempt failed; another is scheduled.
    Retrying,
    /// The worker gave up on it.
    DeadLettered,
    /// The worker saw it in the page's request and handed it to the page to hold.
    Held,
    /// The worker dropped it for want of consent.
    Dropped,
    /// The worker has no record of it.
    NotReceived,
    /// The worker refuses the push (its normalizer rejects it).
    Refused,
    /// Not forwarded: the page has no consent to forward it.
    Withheld,
}

impl From<crate::event::trace::TraceState> for PushState {
    fn from(s: crate::event::trace::TraceState) -> Self {
        use crate::event::trace::TraceState as T;
        match s {
            T::Held => PushState::Held,
            T::Dropped => PushState::Dropped,
            T::Received => PushState::Received,
            T::Retrying => PushState::Retrying,
            T::Delivered => PushState::Delivered,
            T::NotSent => PushState::NotSent,
            T::DeadLettered => PushState::DeadLettered,
        }
    }
}

/// One ecommerce push and what became of it, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardedPush {
    /// Index of the push in the data layer.
    pub push: usize,
    /// Its GA4 event name.
    pub event: String,
    /// The event id it becomes (absent when the worker refuses the push).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// What became of it.
    pub state: PushState,
    /// Clerk's HTTP status on the last attempt, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why (a refusal, a failure, a consent note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The outcome of one look at the worker's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardingCheck {
    /// Findings (none for a push delivered or not sent by design).
    pub findings: Vec<crate::datalayer::Finding>,
    /// Every expected push with its state.
    pub pushes: Vec<ForwardedPush>,
    /// True when nothing more is expected to change: every push is in a final state. When
    /// false and the check has not settled, ask the worker again later.
    pub complete: bool,
}

#[cfg(test)]
mod tests;
