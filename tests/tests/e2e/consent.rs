//! Consent as SFCC and the shops' consent tools signal it, through the worker in workerd: the
//! sandbox storefront writes `dw_dnt` on every response as SFCC does (`1` on a site that does
//! not track by default), so `dw_dnt=1` alone is no answer; the shopper's answer to SFRA's
//! banner, seen passing, is; and so are OneTrust's, Cookiebot's and Google Consent Mode's.

use serde_json::{json, Value};
use sfcc_clerk_e2e::{Reply, Stack, StackOptions, US_SITE};

const PDP: &str = "Product-Show?pid=25518704M";

// OneTrust's cookie as its banner writes it after a choice (shape of the example in
// `@commercetools-frontend/cookie-consent`'s README): C0004 (targeting) allowed, or refused.
const ONETRUST_YES: &str = "OptanonConsent=isGpcEnabled=0&datestamp=Wed+Feb+01+2023+12%3A35%3A32+GMT%2B0100&version=202209.1.0&isIABGlobal=false&hosts=&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A1&AwaitingReconsent=false";
const ONETRUST_NO: &str = "OptanonConsent=isGpcEnabled=0&version=202209.1.0&interactionCount=1&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A0";
// Cookiebot's cookie as browsers keep it (percent-encoded object literal), marketing allowed.
const COOKIEBOT_YES: &str = "CookieConsent={stamp:%27CZ6k+4/ab==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1721392455720%2Cregion:%27de%27}";

fn page(stack: &Stack, cookie: &str) -> (Reply, String) {
    let reply = stack.shopper_get(&format!("{US_SITE}/{PDP}"), cookie);
    assert_eq!(reply.status, 200);
    let html = reply.json.as_str().unwrap_or_default().to_string();
    (reply, html)
}

/// The consent the worker read for a page, as its beacon starts with it.
fn page_consent(html: &str) -> &str {
    html.split(r#""consent":""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
}

/// The events a page holds for the shopper's answer.
fn held(html: &str) -> Vec<Value> {
    let config = html.split(r#""held":"#).nth(1).unwrap_or_default();
    serde_json::Deserializer::from_str(config)
        .into_iter::<Vec<Value>>()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default()
}

fn product_views(stack: &Stack) -> usize {
    stack
        .clerk_log()
        .iter()
        .filter(|c| c["endpoint"] == "log/product")
        .count()
}

fn set_cookie<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply
        .set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(String::as_str)
}

#[test]
fn sfccs_dw_dnt_is_no_answer_and_the_banners_answer_seen_passing_is() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // A first page: SFCC writes dw_dnt=1 (the site does not track by default), the worker reads
    // no answer and the page holds its view for the shopper's answer.
    let (first, html) = page(&stack, "");
    assert!(
        first.set_cookies.iter().any(|c| c.starts_with("dw_dnt=1")),
        "{:?}",
        first.set_cookies
    );
    let session = set_cookie(&first, "dwsid")
        .and_then(|c| c.split(';').next())
        .expect("a session")
        .to_string();
    assert_eq!(page_consent(&html), "unknown");
    // The next page carries dw_dnt=1 back: still no answer — held, not dropped as a refusal.
    let cookie = format!("{session}; dw_dnt=1");
    let (_, html) = page(&stack, &cookie);
    assert_eq!(page_consent(&html), "unknown");
    assert_eq!(held(&html).len(), 1, "the page holds its view: {html}");

    // The shopper declines on SFRA's banner: the worker remembers it for the session.
    let no = stack.shopper_get(
        &format!("{US_SITE}/ConsentTracking-SetSession?consent=false"),
        &cookie,
    );
    assert_eq!(no.status, 200);
    let remembered = set_cookie(&no, "__Host-sfcc_clerk_consent").expect("remembered");
    assert!(
        remembered.starts_with("__Host-sfcc_clerk_consent=0;") && remembered.contains("Secure"),
        "{remembered}"
    );
    let declined = format!("{cookie}; __Host-sfcc_clerk_consent=0");
    let (_, html) = page(&stack, &declined);
    assert_eq!(page_consent(&html), "denied");
    assert!(
        held(&html).is_empty(),
        "nothing kept for a shopper who declined"
    );

    // Changes their mind: SFRA 6's SetConsent is a POST, the answer in its query.
    let yes = stack.post_form(
        "ConsentTracking-SetConsent?consent=true",
        &declined,
        "csrf_token=sandbox",
    );
    assert_eq!(yes.status, 200, "{:?}", yes.json);
    assert!(set_cookie(&yes, "dw_dnt").is_some_and(|c| c.starts_with("dw_dnt=0")));
    assert!(set_cookie(&yes, "__Host-sfcc_clerk_consent")
        .is_some_and(|c| c.starts_with("__Host-sfcc_clerk_consent=1;")));
    let (_, html) = page(
        &stack,
        &format!("{session}; dw_dnt=0; __Host-sfcc_clerk_consent=1"),
    );
    assert_eq!(page_consent(&html), "granted");
    let log = stack.settled_clerk_log(1);
    assert_eq!(product_views(&stack), 1, "{log:?}");
    assert_eq!(log[0]["params"]["product"], "25518704M");
}

#[test]
fn the_shops_consent_tool_decides_and_a_refusal_in_any_signal_wins() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    // OneTrust, targeting allowed: forwarded, though SFCC's session still says dw_dnt=1.
    let (_, html) = page(&stack, &format!("dw_dnt=1; {ONETRUST_YES}"));
    assert_eq!(page_consent(&html), "granted");
    stack.settled_clerk_log(1);
    // Refused in OneTrust: dw_dnt=0 cannot outweigh it.
    let (_, html) = page(&stack, &format!("dw_dnt=0; {ONETRUST_NO}"));
    assert_eq!(page_consent(&html), "denied");
    // "Banner closed" is no choice (OneTrust writes it on "reject all" too).
    let (_, html) = page(
        &stack,
        "dw_dnt=1; OptanonAlertBoxClosed=2024-07-15T07:20:51.814Z",
    );
    assert_eq!(page_consent(&html), "unknown");
    // Cookiebot, marketing allowed.
    let (_, html) = page(&stack, &format!("dw_dnt=1; {COOKIEBOT_YES}"));
    assert_eq!(page_consent(&html), "granted");
    let log = stack.settled_clerk_log(2);
    assert_eq!(product_views(&stack), 2, "{log:?}");
}

#[test]
fn the_event_endpoint_answers_its_reading_and_the_pages_consent_mode_is_one_more_signal() {
    let stack = Stack::start(&StackOptions::default()).expect("stack starts");
    let body = json!({"type": "product_view", "product": "25518704M"}).to_string();
    // dw_dnt=1 only: no answer; the page keeps its events.
    let unknown = stack.post_events_to(
        "/__sfcc-clerk/events?store=refarch-us",
        &body,
        Some("dw_dnt=1"),
    );
    assert_eq!(unknown.status, 202, "{:?}", unknown.json);
    assert_eq!(unknown.header("x-sfcc-clerk-consent"), Some("unknown"));
    assert_eq!(unknown.json["accepted"], 0);
    assert_eq!(unknown.json["held"], 1);
    // A Consent Mode default is no answer either.
    let default = stack.post_events_to(
        "/__sfcc-clerk/events?store=refarch-us&gcm=default-granted",
        &body,
        Some("dw_dnt=1"),
    );
    assert_eq!(default.header("x-sfcc-clerk-consent"), Some("unknown"));
    // The page's Consent Mode update granted personalization_storage.
    let granted = stack.post_events_to(
        "/__sfcc-clerk/events?store=refarch-us&gcm=granted",
        &body,
        Some("dw_dnt=1"),
    );
    assert_eq!(granted.status, 202, "{:?}", granted.json);
    assert_eq!(granted.header("x-sfcc-clerk-consent"), Some("granted"));
    assert_eq!(granted.json["accepted"], 1);
    // It cannot outweigh a refusal the worker saw given.
    let refused = stack.post_events_to(
        "/__sfcc-clerk/events?store=refarch-us&gcm=granted",
        &body,
        Some("__Host-sfcc_clerk_consent=0"),
    );
    assert_eq!(refused.header("x-sfcc-clerk-consent"), Some("denied"));
    assert_eq!(refused.json["dropped"], 1);
    let log = stack.settled_clerk_log(1);
    assert_eq!(product_views(&stack), 1, "{log:?}");
}
