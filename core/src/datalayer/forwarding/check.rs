//! The worker's answer against the page's pushes.

use super::{Expected, ForwardedPush, ForwardingCheck, PageConsent, PushState};
use crate::capture::MAX_PENDING;
use crate::datalayer::{Code, Finding, Severity};
use crate::event::trace::{EventTrace, PageTrace, TraceState};

/// Seconds, for messages: `9.8 s`.
fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// What the worker's record says went wrong, for messages.
fn failure(t: &EventTrace) -> String {
    let mut parts = Vec::new();
    if t.attempt > 0 {
        parts.push(format!("attempt {}", t.attempt));
    }
    if let Some(status) = t.status {
        parts.push(format!("HTTP {status}"));
    }
    if let Some(endpoint) = &t.endpoint {
        parts.push(endpoint.clone());
    }
    let mut text = parts.join(", ");
    if let Some(reason) = &t.reason {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(reason);
    }
    text
}

/// The finding for a page whose beacon dropped `n` events (its `dropped()`), if it dropped any:
/// such an event never reaches the worker, so it is also among the pushes not received.
pub fn dropped(n: u64) -> Option<Finding> {
    (n > 0).then(|| {
        Finding::new(
            Code::BeaconDropped,
            Severity::Error,
            format!(
                "expected the beacon to send every push, found that it dropped the oldest {n}: the page held more than {MAX_PENDING} events unsent (offline, or the consent banner unanswered, for long)"
            ),
        )
    })
}

/// Compares the expected pushes with the worker's answer. `settled` is true on the last look
/// (the wait is over): what has not arrived or not finished by then is reported; before that,
/// such a push leaves the check incomplete. `waited_ms` is how long the check has waited.
pub fn check(
    expected: &[Expected],
    consent: PageConsent,
    answer: &PageTrace,
    settled: bool,
    waited_ms: u64,
) -> ForwardingCheck {
    let forwards = consent.forwards();
    let mut findings = Vec::new();
    let mut pushes = Vec::new();
    let mut complete = true;
    for e in expected {
        let finding = |code, severity, message: String| {
            Finding::new(code, severity, message)
                .at(e.push)
                .field(e.field.as_str())
        };
        let what = e.describe();
        let (id, record) = match &e.outcome {
            Err(reason) => {
                let (state, f) = if forwards {
                    (
                        PushState::Refused,
                        finding(
                            Code::NotReceived,
                            Severity::Error,
                            format!("expected the worker to receive {what}, found that it refuses the push: {reason}"),
                        ),
                    )
                } else {
                    (
                        PushState::Withheld,
                        finding(
                            Code::ConsentWithheld,
                            Severity::Info,
                            format!("{what} is not forwarded: {}; the worker would refuse it anyway: {reason}", consent.why_not()),
                        ),
                    )
                };
                findings.push(f);
                pushes.push(ForwardedPush {
                    push: e.push,
                    event: e.event.clone(),
                    event_id: None,
                    state,
                    status: None,
                    detail: Some(reason.clone()),
                });
                continue;
            }
            Ok((id, _, _)) => (id, answer.get(id)),
        };
        let mut entry = ForwardedPush {
            push: e.push,
            event: e.event.clone(),
            event_id: Some(id.clone()),
            state: record.map_or(PushState::NotReceived, |r| r.state.into()),
            status: record.and_then(|r| r.status),
            detail: record.and_then(|r| r.reason.clone()),
        };
        let past_consent =
            record.filter(|r| !matches!(r.state, TraceState::Held | TraceState::Dropped));
        if !forwards {
            match past_consent {
                Some(r) => findings.push(finding(
                    Code::ForwardedWithoutConsent,
                    Severity::Error,
                    format!(
                        "expected {what} not to be forwarded ({}), found it {} at the worker (event id {id})",
                        consent.why_not(),
                        r.state.as_str()
                    ),
                )),
                None => {
                    if record.is_none() {
                        entry.state = PushState::Withheld;
                    }
                    entry.detail = Some(consent.why_not().to_string());
                    findings.push(finding(
                        Code::ConsentWithheld,
                        Severity::Info,
                        format!("{what} is not forwarded: {}", consent.why_not()),
                    ));
                }
            }
            pushes.push(entry);
            continue;
        }
        match record.map(|r| (r.state, r)) {
            None | Some((TraceState::Held, _)) if !settled => complete = false,
            // The worker takes each event of a beacon call on its own: a refused neighbour is
            // no reason for this one to be missing.
            None => findings.push(finding(
                Code::NotReceived,
                Severity::Error,
                format!(
                    "expected the worker to receive {what} (event id {id}), found no record of it after {}",
                    seconds(waited_ms)
                ),
            )),
            Some((TraceState::Held, _)) => findings.push(finding(
                Code::NotReceived,
                Severity::Error,
                format!(
                    "expected the page to send {what} (event id {id}) now that it may, found only the worker's own sighting, still held in the page after {}",
                    seconds(waited_ms)
                ),
            )),
            Some((TraceState::Dropped, r)) => findings.push(finding(
                Code::ConsentWithheld,
                Severity::Info,
                format!(
                    "{what} was dropped by the worker: {}",
                    r.reason.as_deref().unwrap_or("no tracking consent")
                ),
            )),
            Some((TraceState::Received | TraceState::Retrying, _)) if !settled => {
                complete = false
            }
            Some((state @ (TraceState::Received | TraceState::Retrying), r)) => {
                let how = if state == TraceState::Received {
                    "still queued".to_string()
                } else {
                    format!("retrying after {}", failure(r))
                };
                findings.push(finding(
                    Code::NotDelivered,
                    Severity::Warning,
                    format!(
                        "expected {what} (event id {id}) delivered to Clerk, found it {how} after {}",
                        seconds(waited_ms)
                    ),
                ));
            }
            Some((TraceState::DeadLettered, r)) => findings.push(finding(
                Code::DeadLettered,
                Severity::Error,
                format!(
                    "expected {what} (event id {id}) delivered to Clerk, found it dead-lettered: {}",
                    failure(r)
                ),
            )),
            Some((TraceState::Delivered | TraceState::NotSent, _)) => {}
        }
        pushes.push(entry);
    }
    ForwardingCheck {
        findings,
        pushes,
        complete,
    }
}
