use super::forwarding::ForwardedPush;
use super::page::PageType;
use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The data is wrong: analytics or Clerk get bad numbers, or shopper data leaks.
    Error,
    /// Probably wrong, or wrong in some set-ups; worth a look.
    Warning,
    /// Not audited or worth knowing; nothing to fix.
    Info,
}

impl Severity {
    /// The wire name (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The stable rule codes a finding carries. Their names do not change: QA scripts match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A push that is not an object (a GTM command array, a function), or a gtag command other
    /// than `event`: not audited.
    NotAudited,
    /// The page's defining GA4 event is absent (e.g. no `view_item` on a product page).
    MissingEvent,
    /// A required field is absent.
    MissingField,
    /// A field has the wrong JSON type (e.g. a price as a string).
    WrongType,
    /// A field has the right type but an impossible value (quantity 0, an empty search term).
    BadValue,
    /// Not a known ISO 4217 currency code.
    BadCurrency,
    /// `value` is not Σ price × quantity.
    ValueMismatch,
    /// The same event twice, or a second purchase of one transaction.
    DuplicateEvent,
    /// Events in an impossible order (a purchase with no checkout in a journey).
    BadOrder,
    /// An email address or phone number in clear text.
    PiiInClear,
    /// An event's ecommerce object carries data from an earlier push (no `ecommerce: null` before it).
    StaleEcommerce,
    /// The page shows a product differently from the feed Clerk gets.
    FeedMismatch,
    /// An ecommerce push the page's beacon forwards never reached the worker.
    NotReceived,
    /// The worker received the event but had not delivered it to Clerk when the check settled.
    NotDelivered,
    /// The worker gave up delivering the event to Clerk (dead-lettered, with the reason).
    DeadLettered,
    /// The event is not forwarded because the shopper has not given tracking consent.
    ConsentWithheld,
    /// The event was forwarded although the page says the shopper has not given consent.
    ForwardedWithoutConsent,
    /// The page's beacon dropped its oldest events: it held more unsent than it keeps.
    BeaconDropped,
}

impl Code {
    /// The wire name (`missing_field`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NotAudited => "not_audited",
            Code::MissingEvent => "missing_event",
            Code::MissingField => "missing_field",
            Code::WrongType => "wrong_type",
            Code::BadValue => "bad_value",
            Code::BadCurrency => "bad_currency",
            Code::ValueMismatch => "value_mismatch",
            Code::DuplicateEvent => "duplicate_event",
            Code::BadOrder => "bad_order",
            Code::PiiInClear => "pii_in_clear",
            Code::StaleEcommerce => "stale_ecommerce",
            Code::FeedMismatch => "feed_mismatch",
            Code::NotReceived => "not_received",
            Code::NotDelivered => "not_delivered",
            Code::DeadLettered => "dead_lettered",
            Code::ConsentWithheld => "consent_withheld",
            Code::ForwardedWithoutConsent => "forwarded_without_consent",
            Code::BeaconDropped => "beacon_dropped",
        }
    }
}

/// One problem found in a captured data layer (or between a page and the feed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Which rule.
    pub code: Code,
    /// How bad.
    pub severity: Severity,
    /// The page type the capture was audited as (set by [`Report::new`]).
    pub page: PageType,
    /// The push the finding is about (index in the captured array), when it is about one.
    pub event_index: Option<usize>,
    /// JSON path of the field inside that push, e.g. `ecommerce.items[0].price`.
    pub field: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl Finding {
    /// A finding about the capture as a whole; narrow it with [`Finding::at`] and [`Finding::field`].
    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            page: PageType::Other,
            event_index: None,
            field: None,
            message: message.into(),
        }
    }

    /// About push `index`.
    pub fn at(mut self, index: usize) -> Self {
        self.event_index = Some(index);
        self
    }

    /// About the field at `path`.
    pub fn field(mut self, path: impl Into<String>) -> Self {
        self.field = Some(path.into());
        self
    }

    /// Where it points, for people: `push 4 ecommerce.items[0].price`, `push 4`, `event`.
    pub fn location(&self) -> Option<String> {
        match (self.event_index, self.field.as_deref()) {
            (Some(i), Some(field)) => Some(format!("push {i} {field}")),
            (Some(i), None) => Some(format!("push {i}")),
            (None, Some(field)) => Some(field.to_string()),
            (None, None) => None,
        }
    }
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Error findings.
    pub error: usize,
    /// Warning findings.
    pub warning: usize,
    /// Info findings.
    pub info: usize,
}

/// The outcome of an audit: the page type, every finding (errors first) and their counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The page type audited.
    pub page: PageType,
    /// Findings, most severe first, then by push.
    pub findings: Vec<Finding>,
    /// Findings per severity.
    pub counts: Counts,
    /// What became of each ecommerce push the page forwards, once the worker was asked (the
    /// validator's forwarding check); absent when it was not asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding: Option<Vec<ForwardedPush>>,
}

impl Report {
    /// Builds a report: stamps each finding with `page`, sorts them and counts them.
    pub fn new(page: PageType, mut findings: Vec<Finding>) -> Self {
        for f in &mut findings {
            f.page = page;
        }
        findings.sort_by_key(|f| (f.severity, f.event_index));
        let mut counts = Counts::default();
        for f in &findings {
            match f.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        Report {
            page,
            findings,
            counts,
            forwarding: None,
        }
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.counts.error > 0
    }

    /// One line: `pdp: 1 error, 2 warnings, 0 info`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        format!(
            "{}: {}, {}, {} info",
            self.page.as_str(),
            plural(self.counts.error, "error"),
            plural(self.counts.warning, "warning"),
            self.counts.info
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_stamps_sorts_and_counts() {
        let report = Report::new(
            PageType::Pdp,
            vec![
                Finding::new(Code::NotAudited, Severity::Info, "i").at(0),
                Finding::new(Code::WrongType, Severity::Error, "e")
                    .at(3)
                    .field("ecommerce.items[0].price"),
                Finding::new(Code::BadOrder, Severity::Warning, "w"),
            ],
        );
        let order: Vec<Code> = report.findings.iter().map(|f| f.code).collect();
        assert_eq!(
            order,
            [Code::WrongType, Code::BadOrder, Code::NotAudited],
            "errors first"
        );
        assert!(report.findings.iter().all(|f| f.page == PageType::Pdp));
        assert_eq!(
            report.counts,
            Counts {
                error: 1,
                warning: 1,
                info: 1
            }
        );
        assert!(report.has_errors());
        assert_eq!(report.summary(), "pdp: 1 error, 1 warning, 1 info");
        let places: Vec<Option<String>> = report.findings.iter().map(Finding::location).collect();
        assert_eq!(
            places,
            [
                Some("push 3 ecommerce.items[0].price".into()),
                None,
                Some("push 0".into())
            ]
        );
    }

    #[test]
    fn report_serializes_with_snake_case_names() {
        let report = Report::new(
            PageType::Confirmation,
            vec![Finding::new(Code::PiiInClear, Severity::Error, "m")
                .at(2)
                .field("user.email")],
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["page"], "confirmation");
        assert_eq!(json["findings"][0]["code"], "pii_in_clear");
        assert_eq!(json["findings"][0]["severity"], "error");
        assert_eq!(json["findings"][0]["event_index"], 2);
        assert_eq!(json["findings"][0]["field"], "user.email");
        assert_eq!(json["counts"]["error"], 1);
        let clean = Report::new(PageType::Home, Vec::new());
        assert!(!clean.has_errors());
        assert_eq!(clean.summary(), "home: 0 errors, 0 warnings, 0 info");
    }

    #[test]
    fn codes_serialize_as_their_wire_names() {
        for code in [
            Code::NotAudited,
            Code::MissingEvent,
            Code::MissingField,
            Code::WrongType,
            Code::BadValue,
            Code::BadCurrency,
            Code::ValueMismatch,
            Code::DuplicateEvent,
            Code::BadOrder,
            Code::PiiInClear,
            Code::StaleEcommerce,
            Code::FeedMismatch,
            Code::NotReceived,
            Code::NotDelivered,
            Code::DeadLettered,
            Code::ConsentWithheld,
            Code::ForwardedWithoutConsent,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
