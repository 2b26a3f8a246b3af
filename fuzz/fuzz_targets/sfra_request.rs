//! What the proxy reads of one SFRA request and its answer: the request's headers as the origin
//! gets them, the `Cart-AddProduct` form (a product set's `pidsObj` among its fields) and the
//! JSON answer that says whether the action happened. The input is lines: `name: value` headers,
//! a blank line, the form (urlencoded), a blank line, the answer.
//!
//! Beyond "does not panic", what it reads must hold:
//! - no header that claims to name the client, nor a hop-by-hop one, reaches the origin; the
//!   shop's client IP header is there once, with the platform's address;
//! - every other header the client sent reaches the origin unchanged;
//! - an add to cart gives at most 50 products, each with an id and a quantity of at least 1;
//! - an answer with `"error": true` confirms no add to cart, and only `"success": true` a login.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sfcc_clerk_core::capture::{
    answer_confirms, capture, origin_headers, sfra_rules, RequestFacts, RuleKind,
};

const CLIENT_IP_HEADER: &str = "x-sfcc-client-ip";
const CLIENT_IP: &str = "203.0.113.7";

fn claims(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("x-forwarded-")
        || [
            "forwarded",
            "true-client-ip",
            "x-real-ip",
            "cf-connecting-ip",
            "connection",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "proxy-authorization",
            "proxy-authenticate",
            "proxy-connection",
            CLIENT_IP_HEADER,
        ]
        .contains(&n.as_str())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, "\n\n");
    let (head, form, answer) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next(),
    );
    let incoming: Vec<(String, String)> = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let out = origin_headers(&incoming, Some(CLIENT_IP), Some(CLIENT_IP_HEADER));
    let ours: Vec<&(String, String)> = out
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(CLIENT_IP_HEADER))
        .collect();
    assert_eq!(ours.len(), 1, "{out:?}");
    assert_eq!(ours[0].1, CLIENT_IP);
    let passed: Vec<&(String, String)> = out
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case(CLIENT_IP_HEADER))
        .collect();
    assert!(passed.iter().all(|(k, _)| !claims(k)), "{out:?}");
    let named_by_connection = |k: &str| {
        incoming
            .iter()
            .filter(|(c, _)| c.eq_ignore_ascii_case("connection"))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .any(|t| !t.is_empty() && t.eq_ignore_ascii_case(k))
    };
    let kept: Vec<&(String, String)> = incoming
        .iter()
        .filter(|(k, _)| !claims(k) && !named_by_connection(k))
        .collect();
    assert_eq!(
        kept, passed,
        "every other header reaches the origin unchanged"
    );

    let form: Vec<(String, String)> = form
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let facts = RequestFacts {
        method: "POST",
        path: "/on/demandware.store/Sites-RefArch-Site/en_US/Cart-AddProduct",
        query: &[],
        form: &form,
    };
    let added = capture(&sfra_rules(), &facts);
    assert!(added.len() <= 50, "{}", added.len());
    for a in &added {
        assert_eq!(a.kind, RuleKind::AddToCart);
        assert!(
            !a.value.trim().is_empty() && a.value == a.value.trim(),
            "{a:?}"
        );
        assert!(a.quantity.is_some_and(|q| q >= 1), "{a:?}");
    }
    if let Some(answer) = answer {
        let json: Option<serde_json::Value> = serde_json::from_str(answer).ok();
        let error = json.as_ref().is_some_and(|v| v["error"] == true);
        let success = json.as_ref().is_some_and(|v| v["success"] == true);
        assert_eq!(answer_confirms(RuleKind::AddToCart, Some(answer)), !error);
        assert_eq!(answer_confirms(RuleKind::Login, Some(answer)), success);
    }
});
