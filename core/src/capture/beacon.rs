//! The script the worker puts at the top of every storefront page's `<head>`: it forwards the
//! page's GA4 `dataLayer` ecommerce pushes and clicks on Clerk's recommendations to the worker's
//! beacon endpoint, tagged with the page id (so a sighting the worker also made in the traffic
//! counts once), and holds them until the shopper answers the consent banner. A gtag.js page's
//! `gtag('event', name, params)` calls are forwarded as the page pushed them (the arguments
//! object's `0`, `1`, `2`; the worker reads them with [`crate::event::gtag`]). The shop's
//! customer number (GA4 `user_id`, from any push, or from `gtag('config', id, {user_id})` and
//! `gtag('set', {user_id})`) goes along with later events.
//!
//! Nothing is dropped on the way for want of a network: a call the worker refuses with 429 (too
//! many calls) or a 5xx (503: it could not queue them), or that never got an answer (offline,
//! connection lost), is kept and sent again after its `Retry-After`, or else after 1, 2, 4 … up
//! to 60 s. A call is at most [`MAX_CALL_BYTES`] (larger ones are split, so each fits the
//! browser's `keepalive` allowance and the worker's body limit), and the page keeps at most
//! [`MAX_PENDING`] events, dropping the oldest beyond that (a page left open while the consent
//! banner goes unanswered, or offline for long). A call refused for good (400, 403, 413, 415) is
//! not sent again: its events could never be taken.
//!
//! Consent is the worker's to read, never the script's: the page starts with the worker's
//! reading of its own request ([`super::read_consent`]), and every answer of the event endpoint
//! brings the current one in its [`CONSENT_HEADER`]. While it is `unknown` the page keeps its
//! events and offers them again only when something that could answer has changed — a cookie
//! (the consent tool's, or the worker's own after the shopper answered SFRA's banner) or the
//! page's Google Consent Mode state — so an unanswered banner costs no calls. The Consent Mode
//! state is read from `gtag('consent', 'update' | 'default', {…})` calls in `dataLayer` for the
//! configured type and sent along as `gcm` (`granted`, `denied`, `default-granted`…).
//!
//! The script also sets `window.sfccClerkBeacon` (frozen): the page id, the consent mode, and
//! `consent()` (`granted`, `denied` or `unknown`, the worker's latest reading), `pending()` (events
//! not sent yet) and `dropped()` (events let go when the page's queue was full), which the QA
//! validator reads for its forwarding check. The page id reaches it through the same escaped
//! configuration, nowhere else.
//!
//! How the script reaches a page depends on the page's Content Security Policy
//! ([`super::csp`]): inline (carrying the page's nonce when it has one), or from the shop's own
//! origin at [`beacon_asset_path`] with its configuration in a JSON data element before it.
//! Events the worker found later in the page ([`held_script`]) are JSON data elements too, which
//! the script picks up whenever it looks (each second, on `DOMContentLoaded`, and when asked for
//! `pending()`).
//!
//! Nothing from the page or the request goes into the script except the page id the worker made
//! and values from the worker's own configuration, all JSON-encoded with `<` escaped, so page
//! content and query strings cannot turn it into markup or code.

use super::csp::ScriptDelivery;
use super::ConsentMode;
use crate::event::GA4_EVENTS;
use serde_json::{json, Value};

/// What the script needs to know.
#[derive(Debug, Clone)]
pub struct Beacon<'a> {
    /// The worker's beacon path (same origin as the page).
    pub endpoint: &'a str,
    /// The store the page belongs to.
    pub store: &'a str,
    /// This page view's id.
    pub page_id: &'a str,
    /// The consent mode.
    pub mode: ConsentMode,
    /// The worker's reading of the shopper's consent for this page's request.
    pub consent: super::Consent,
    /// The Google Consent Mode type the page's `gtag('consent', …)` calls are read for (empty:
    /// not read).
    pub consent_mode_type: &'a str,
    /// Events the worker saw in this page's request before the shopper answered the banner:
    /// released with their original times once consent is granted.
    pub held: Vec<Value>,
}

/// The header in which the event endpoint answers its reading of the shopper's consent
/// (`granted`, `denied`, `unknown`): the beacon keeps a page's events while it is `unknown`.
pub const CONSENT_HEADER: &str = "x-sfcc-clerk-consent";

/// Most events a page holds unsent; beyond it the oldest are dropped.
pub const MAX_PENDING: usize = 500;

/// Largest call body, bytes: under the browser's 64 KiB of `keepalive` requests in flight and the
/// worker's 64 KiB body limit.
pub const MAX_CALL_BYTES: usize = 60_000;

const SCRIPT: &str = r#"(function(w,d,C){var q=C.held.slice(),lost=0,fails=0,until=0,V=C.consent,gcm='',gu=0,tried;
function sig(){return d.cookie+'|'+gcm}tried=sig();
function consent(){return V}
function cap(){var n=q.length-C.max;if(n>0){q.splice(0,n);lost+=n}}
function pick(){var s=d.querySelectorAll('script[data-sfcc-clerk-held]');for(var i=0;i<s.length;i++){if(s[i].sfccClerkTaken)continue;s[i].sfccClerkTaken=1;try{var a=JSON.parse(s[i].textContent);for(var j=0;j<a.length;j++)if(a[j]&&typeof a[j]==='object')q.push(a[j])}catch(e){}}cap()}
function later(b,s){var t=Date.now();q=b.concat(q);cap();if(!(until>t))fails++;until=Math.max(until,t+1000*(s>0?s:Math.min(60,Math.pow(2,fails-1))))}
function send(b){var now=Date.now(),out=[];for(var i=0;i<b.length;i++){var e={},x=b[i];for(var k in x)if(k!=='seen')e[k]=x[k];if(x.seen)e.age_ms=Math.max(0,now-x.seen);out.push(e)}
var body=JSON.stringify(out),n=w.TextEncoder?new TextEncoder().encode(body).length:3*body.length;if(n>C.bytes&&b.length>1){var h=b.length>>1;send(b.slice(0,h));send(b.slice(h));return}
var at=sig();try{fetch(C.endpoint+'?store='+encodeURIComponent(C.store)+(gcm?'&gcm='+gcm:''),{method:'POST',credentials:'same-origin',keepalive:n<=C.bytes,headers:{'content-type':'application/json'},body:body}).then(function(r){var v=r.headers.get(C.header);if(v==='granted'||v==='denied'||v==='unknown')V=v;if(r.status===429||r.status>=500)later(b,parseInt(r.headers.get('retry-after'),10));else if(v==='unknown'){tried=at;q=b.concat(q);cap()}else fails=0})['catch'](function(){later(b,0)})}catch(e){}}
function flush(){pick();if(!q.length)return;if(V==='denied'&&C.mode==='strict'){q=[];return}if(V==='unknown'&&sig()===tried)return;if(Date.now()<until)return;while(q.length)send(q.splice(0,50))}
function take(p){if(!p||typeof p!=='object')return;var g=p.event==null&&!(p instanceof Array)?p[0]:null,a=g==='event'||g==='config'?p[2]:g==='set'?p[1]:p;if(g==='consent'&&C.gcm&&p[2]){var s=p[2][C.gcm];if(s==='granted'||s==='denied'){if(p[1]==='update'){gcm=s;gu=1}else if(p[1]==='default'&&!gu)gcm='default-'+s}return}if(a&&a.user_id!=null)C.uid=a.user_id;if(C.names.indexOf(g==='event'?p[1]:p.event)<0)return;var e={};for(var k in p)e[k]=p[k];if(e.user_id==null&&C.uid!=null)e.user_id=C.uid;e.page_id=C.page;e.seen=Date.now();q.push(e);cap()}
var dl=w.dataLayer=w.dataLayer||[];for(var i=0;i<dl.length;i++)take(dl[i]);var push=dl.push;
dl.push=function(){for(var i=0;i<arguments.length;i++)take(arguments[i]);var r=push.apply(dl,arguments);setTimeout(flush,0);return r};
d.addEventListener('click',function(ev){var t=ev.target,el=t&&t.closest?t.closest('[data-clerk-product-id]'):null;if(el){q.push({type:'click',product:el.getAttribute('data-clerk-product-id'),customer:C.uid,page_id:C.page,seen:Date.now()});cap();flush()}},true);
w.setInterval(flush,1000);d.addEventListener('visibilitychange',flush);d.addEventListener('DOMContentLoaded',flush);w.setTimeout(flush,0);
w.sfccClerkBeacon=Object.freeze({page:C.page,mode:C.mode,consent:consent,pending:function(){pick();return q.length},dropped:function(){return lost}})})(window,document,__CONFIG__);"#;

/// `value` as a JavaScript expression that cannot close a script element: JSON with `<`, `>`
/// and `&` escaped, and the line separators older engines end a string at.
fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The attribute of the JSON data element that carries a page's beacon configuration when the
/// beacon is served from the shop's origin ([`ScriptDelivery::External`]).
pub const CONFIG_ATTRIBUTE: &str = "data-sfcc-clerk-beacon-config";

/// The beacon as served from the shop's origin: its configuration read from the page's
/// [`CONFIG_ATTRIBUTE`] element, which comes before it. Made once per process (every page and
/// every request under the worker's prefix asks for it or its path).
pub fn beacon_asset() -> &'static str {
    static ASSET: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ASSET.get_or_init(|| {
        SCRIPT.replace(
            "__CONFIG__",
            &format!(
                "JSON.parse(document.querySelector('script[{CONFIG_ATTRIBUTE}]').textContent)"
            ),
        )
    })
}

/// Where [`beacon_asset`] is served: under the worker's prefix, named by a hash of its text, so
/// a browser may keep it for good and a new worker's beacon is a new file.
pub fn beacon_asset_path() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        format!(
            "{}/beacon-{}.js",
            crate::paths::PREFIX,
            crate::hash::content_hash(beacon_asset().as_bytes())
        )
    })
}

/// ` nonce="…"`, or nothing. A nonce is only ever one [`super::csp`] read as a base64 value, so
/// it needs no escaping in an attribute.
pub(crate) fn nonce_attribute(nonce: Option<&str>) -> String {
    nonce.map_or_else(String::new, |n| format!(" nonce=\"{n}\""))
}

/// The events the worker found in a page once it had streamed past `<head>` (SFRA's page
/// container naming the page), in [`crate::event::Event::held_form`], as a JSON data element the
/// page's beacon picks up and holds like its own. A data element runs nothing, so no Content
/// Security Policy stands in its way.
pub fn held_script(held: &[Value]) -> String {
    format!(
        "<script type=\"application/json\" data-sfcc-clerk-held>{}</script>",
        script_json(&Value::Array(held.to_vec()))
    )
}

fn config(b: &Beacon<'_>) -> String {
    script_json(&json!({
        "endpoint": b.endpoint,
        "store": b.store,
        "page": b.page_id,
        "mode": match b.mode { ConsentMode::Strict => "strict", ConsentMode::Anonymous => "anonymous" },
        "consent": b.consent.as_str(),
        "gcm": b.consent_mode_type,
        "header": CONSENT_HEADER,
        "held": b.held,
        "names": GA4_EVENTS,
        "max": MAX_PENDING,
        "bytes": MAX_CALL_BYTES,
    }))
}

/// The inline `<script>` element, for a page without a Content Security Policy in its way.
pub fn beacon_script(b: &Beacon<'_>) -> String {
    format!(
        "<script data-sfcc-clerk-beacon>{}</script>",
        SCRIPT.replace("__CONFIG__", &config(b))
    )
}

/// The markup that puts the beacon into a page the way its policy allows ([`super::csp`]):
/// inline, carrying the page's nonce when it has one; or its configuration as a JSON data element
/// followed by the script from [`beacon_asset_path`]; `None` when the policy allows neither.
pub fn beacon_markup(b: &Beacon<'_>, how: &ScriptDelivery) -> Option<String> {
    match how {
        ScriptDelivery::Inline { nonce } => Some(format!(
            "<script data-sfcc-clerk-beacon{}>{}</script>",
            nonce_attribute(nonce.as_deref()),
            SCRIPT.replace("__CONFIG__", &config(b))
        )),
        ScriptDelivery::External { nonce } => Some(format!(
            "<script type=\"application/json\" {CONFIG_ATTRIBUTE}>{}</script><script src=\"{}\" data-sfcc-clerk-beacon{}></script>",
            config(b),
            beacon_asset_path(),
            nonce_attribute(nonce.as_deref())
        )),
        ScriptDelivery::Blocked { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beacon(held: Vec<Value>) -> String {
        beacon_script(&Beacon {
            endpoint: "/__sfcc-clerk/events",
            store: "refarch-us",
            page_id: "pg1",
            mode: ConsentMode::Strict,
            consent: crate::capture::Consent::Unknown,
            consent_mode_type: "</script><script>alert(1)</script>",
            held,
        })
    }

    #[test]
    fn configuration_cannot_close_the_script_element() {
        let script = beacon(vec![json!({"type": "search", "query": "</script><b>"})]);
        assert_eq!(script.matches("</script>").count(), 1, "{script}");
        assert!(!script.contains("<b>"));
        assert!(script.starts_with("<script data-sfcc-clerk-beacon>"));
        assert!(script.contains(r#""page":"pg1""#));
        assert!(script.contains(r#""names":["view_item""#));
    }

    #[test]
    fn the_validator_reads_the_page_id_from_the_escaped_configuration_only() {
        let script = beacon_script(&Beacon {
            page_id: "pg1</script>",
            ..Beacon {
                endpoint: "/e",
                store: "s",
                page_id: "",
                mode: ConsentMode::Anonymous,
                consent: crate::capture::Consent::Granted,
                consent_mode_type: "",
                held: Vec::new(),
            }
        });
        assert_eq!(script.matches("</script>").count(), 1, "{script}");
        assert_eq!(
            script.matches("pg1").count(),
            1,
            "the id appears once, in the configuration"
        );
        assert!(script.contains(
            "w.sfccClerkBeacon=Object.freeze({page:C.page,mode:C.mode,consent:consent,pending:"
        ));
        assert!(script.contains(r#""mode":"anonymous""#));
    }

    #[test]
    fn line_separators_are_escaped() {
        let script = beacon(vec![
            json!({"type": "search", "query": "a\u{2028}b\u{2029}c"}),
        ]);
        assert!(!script.contains('\u{2028}') && !script.contains('\u{2029}'));
        assert!(script.contains("a\\u2028b\\u2029c"), "{script}");
    }

    #[test]
    fn gtag_event_calls_are_taken_and_their_user_id_read_where_gtag_sets_it() {
        let script = beacon(Vec::new());
        assert!(
            script.contains("var g=p.event==null&&!(p instanceof Array)?p[0]:null,"),
            "an arguments object is told from a GTM push and an array"
        );
        assert!(script.contains("a=g==='event'||g==='config'?p[2]:g==='set'?p[1]:p;"));
        assert!(script.contains("if(a&&a.user_id!=null)C.uid=a.user_id;"));
        assert!(
            script.contains("if(C.names.indexOf(g==='event'?p[1]:p.event)<0)return;"),
            "a gtag event is taken by its name, the call's second argument"
        );
    }

    #[test]
    fn consent_is_the_workers_reading_and_an_unknown_answer_keeps_the_events() {
        let script = beacon(Vec::new());
        assert!(script.contains(r#""consent":"unknown""#), "{script}");
        assert!(script.contains(r#""header":"x-sfcc-clerk-consent""#));
        assert!(
            script.contains("else if(v==='unknown'){tried=at;q=b.concat(q);cap()}"),
            "a held answer puts the call back"
        );
        assert!(
            script.contains("if(V==='unknown'&&sig()===tried)return;"),
            "offered again only once a cookie or the Consent Mode state changed"
        );
        assert!(
            script.contains(
                "if(p[1]==='update'){gcm=s;gu=1}else if(p[1]==='default'&&!gu)gcm='default-'+s"
            ),
            "an update outweighs any default"
        );
    }

    #[test]
    fn events_found_later_in_the_page_are_handed_to_the_beacon_as_escaped_json() {
        let script = held_script(&[json!({"type": "product_view", "product": "</script><b>"})]);
        assert!(script.starts_with("<script type=\"application/json\" data-sfcc-clerk-held>["));
        assert_eq!(script.matches("</script>").count(), 1, "{script}");
        assert!(script.contains(r#"[{"product":"\u003c/script\u003e\u003cb\u003e""#));
        assert!(
            beacon(Vec::new()).contains("function flush(){pick();"),
            "the beacon picks them up whenever it looks"
        );
    }

    #[test]
    fn the_script_is_one_function_expression() {
        let script = beacon(Vec::new());
        let body = script
            .trim_start_matches("<script data-sfcc-clerk-beacon>")
            .trim_end_matches("</script>");
        assert!(body.starts_with("(function(w,d,C){"));
        assert!(body.contains("})(window,document,{\"") && body.ends_with("});"));
        for body in [body, beacon_asset()] {
            let count = |c| body.chars().filter(|x| *x == c).count();
            assert_eq!(count('{'), count('}'), "braces balance");
            assert_eq!(count('('), count(')'), "parentheses balance");
        }
    }

    fn sample(page_id: &str) -> Beacon<'_> {
        Beacon {
            endpoint: "/__sfcc-clerk/events",
            store: "refarch-us",
            page_id,
            mode: ConsentMode::Strict,
            consent: crate::capture::Consent::Unknown,
            consent_mode_type: "",
            held: Vec::new(),
        }
    }

    #[test]
    fn each_delivery_puts_the_same_configuration_where_its_script_reads_it() {
        let b = sample("pg1");
        let inline = beacon_markup(&b, &ScriptDelivery::Inline { nonce: None });
        assert_eq!(inline, Some(beacon_script(&b)));
        let nonced = beacon_markup(
            &b,
            &ScriptDelivery::Inline {
                nonce: Some("r4nd0m+/A==".into()),
            },
        )
        .unwrap_or_default();
        assert!(nonced
            .starts_with("<script data-sfcc-clerk-beacon nonce=\"r4nd0m+/A==\">(function(w,d,C){"));
        let external =
            beacon_markup(&b, &ScriptDelivery::External { nonce: None }).unwrap_or_default();
        let path = beacon_asset_path();
        assert_eq!(
            external,
            format!(
                "<script type=\"application/json\" data-sfcc-clerk-beacon-config>{}</script><script src=\"{path}\" data-sfcc-clerk-beacon></script>",
                config(&b)
            )
        );
        assert!(external.contains(r#""page":"pg1""#));
        assert!(
            path.starts_with("/__sfcc-clerk/beacon-")
                && path.ends_with(".js")
                && path.len() == "/__sfcc-clerk/beacon-.js".len() + 16
        );
        assert!(beacon_asset().ends_with(
            "})(window,document,JSON.parse(document.querySelector('script[data-sfcc-clerk-beacon-config]').textContent));"
        ));
        assert!(!beacon_asset().contains("__CONFIG__"));
        assert_eq!(
            beacon_markup(&b, &ScriptDelivery::Blocked { reason: "x".into() }),
            None
        );
    }
}
