//! A captured `dataLayer` (JSON array of pushes) through the audit, for every page type, as the
//! CLI's `validate-datalayer` and the QA validator run it.
//!
//! Beyond "does not panic":
//! - the report is consistent: counts match the findings, errors come first, every finding's push
//!   index is in the capture, and the report round-trips through its JSON form (the validator's
//!   and the CLI's output);
//! - findings never carry a clear-text email address or phone number from the capture: a value
//!   the `pii_in_clear` rule flags appears in no message;
//! - the audit and the ingest agree: a GA4 push the beacon forwards (`page_id` and `age_ms`
//!   added, numbers as `JSON.stringify` writes them) that the audit finds no error in, and whose
//!   fields are those the audit read, is accepted by the worker's normalizer.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Number, Value};
use sfcc_clerk_core::datalayer::{validate, Capture, Code, PageType, Report, Severity};
use sfcc_clerk_core::event::{normalize, IngestContext, Source, GA4_EVENTS};

/// Every string value in a push with the key it sits under (array elements take their parent's).
fn strings<'v>(value: &'v Value, key: &'v str, out: &mut Vec<(&'v str, &'v str)>) {
    match value {
        Value::String(s) => out.push((key, s)),
        Value::Array(items) => items.iter().for_each(|v| strings(v, key, out)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| strings(v, k, out)),
        _ => {}
    }
}

/// True when the audit flags `text` under `key` as clear-text PII.
fn is_pii(key: &str, text: &str) -> bool {
    let capture = Capture {
        pushes: vec![json!({ key: text })],
    };
    validate(&capture, PageType::Other)
        .findings
        .iter()
        .any(|f| f.code == Code::PiiInClear)
}

/// A value as the browser's `JSON.stringify` sends it: whole numbers without a fraction.
fn as_javascript_sends(value: &Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                Value::Number(Number::from(f as i64))
            }
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(as_javascript_sends).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), as_javascript_sends(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn check_report(report: &Report, capture: &Capture, page: PageType, pii: &[&str]) {
    assert_eq!(report.page, page);
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    assert_eq!(report.counts.error, count(Severity::Error));
    assert_eq!(report.counts.warning, count(Severity::Warning));
    assert_eq!(report.counts.info, count(Severity::Info));
    assert_eq!(report.has_errors(), report.counts.error > 0);
    assert!(report
        .findings
        .windows(2)
        .all(|w| (w[0].severity, w[0].event_index) <= (w[1].severity, w[1].event_index)));
    for f in &report.findings {
        assert_eq!(f.page, page);
        assert!(f.event_index.is_none_or(|i| i < capture.pushes.len()));
        assert!(!f.message.is_empty());
        for value in pii {
            assert!(
                !f.message.contains(value),
                "{:?} at {:?} shows {value:?} in clear: {}",
                f.code,
                f.location(),
                f.message
            );
        }
    }
    let json = serde_json::to_string(report).expect("a report serializes");
    let back: Report = serde_json::from_str(&json).expect("a report reads back");
    assert_eq!(&back, report);
}

fn check_ingest_agrees(capture: &Capture, report: &Report) {
    let ctx = IngestContext {
        store: "refarch-us",
        currency: "USD",
        visitor: None,
        customer: None,
        now_ms: 1_800_000_000_000,
        request_id: "req1",
        source: Source::Client,
    };
    for event in capture.events() {
        if !GA4_EVENTS.contains(&event.name) || event.reused_from.is_some() {
            continue;
        }
        let audited_the_push = ["ecommerce", "search_term"]
            .iter()
            .all(|k| event.push.get(*k) == event.state.get(*k));
        let error = report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.event_index == Some(event.index));
        if !audited_the_push || error {
            continue;
        }
        let Value::Object(mut sent) = as_javascript_sends(&Value::Object(event.push.clone()))
        else {
            unreachable!("an object stays an object")
        };
        sent.remove("seen");
        sent.insert("page_id".into(), json!("pg1"));
        sent.insert("age_ms".into(), json!(0));
        let body = Value::Array(vec![Value::Object(sent)]).to_string();
        if let Err(e) = normalize(&body, &ctx) {
            panic!(
                "the audit passed push {} but the ingest refuses it ({e}): {body}",
                event.index
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(capture) = Capture::parse(text) else {
        return;
    };
    let mut values = Vec::new();
    for push in &capture.pushes {
        strings(push, "", &mut values);
    }
    let pii: Vec<&str> = values
        .into_iter()
        .filter(|(key, text)| text.chars().count() >= 5 && is_pii(key, text))
        .map(|(_, text)| text)
        .collect();
    for page in PageType::ALL {
        let report = validate(&capture, page);
        check_report(&report, &capture, page, &pii);
        if page == PageType::Other {
            check_ingest_agrees(&capture, &report);
        }
    }
});
