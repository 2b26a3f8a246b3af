//! How the worker's scripts go into a page, from the page's `Content-Security-Policy` header.
//! The input is the enforced header, a line break, and the report-only header.
//!
//! Beyond "does not panic", the decision must hold:
//! - a nonce the worker copies is a base64 value (it goes into an attribute as it is) that the
//!   headers name as `'nonce-…'`;
//! - without any `script-src`, `script-src-elem`, `connect-src` or `default-src`, the beacon goes
//!   inline without a nonce;
//! - a report-only header never blocks the beacon when the enforced one alone does not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sfcc_clerk_core::capture::{script_delivery, PageOrigin, ScriptDelivery, ScriptNeeds};

const NEEDS: ScriptNeeds<'static> = ScriptNeeds {
    origin: PageOrigin {
        scheme: "https",
        host: "www.shop.example",
        port: None,
    },
    script_path: "/__sfcc-clerk/beacon-0123456789abcdef.js",
    events_path: "/__sfcc-clerk/events",
};

fn governs_scripts(header: &str) -> bool {
    let h = header.to_ascii_lowercase();
    ["script-src", "connect-src", "default-src"]
        .iter()
        .any(|d| h.contains(d))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (enforced, report_only) = text.split_once('\n').unwrap_or((text, ""));
    let report_only = Some(report_only).filter(|r| !r.is_empty());
    let chosen = script_delivery(Some(enforced), report_only, &NEEDS);
    if let Some(nonce) = chosen.nonce() {
        assert!(!nonce.is_empty());
        assert!(
            nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')),
            "{nonce:?}"
        );
        assert!(text.contains(nonce), "{nonce:?} is the page's own");
    }
    if !governs_scripts(text) {
        assert_eq!(chosen, ScriptDelivery::Inline { nonce: None });
    }
    let alone = script_delivery(Some(enforced), None, &NEEDS);
    if !matches!(alone, ScriptDelivery::Blocked { .. }) {
        assert!(
            !matches!(chosen, ScriptDelivery::Blocked { .. }),
            "{alone:?} became {chosen:?}"
        );
    }
});
