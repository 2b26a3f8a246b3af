//! The forwarding check in the page: did the worker receive and forward each ecommerce push?
//!
//! The worker's beacon on the page says the page id it tags forwarded pushes with, the consent
//! mode, the shopper's consent as it decides it, how many events it has not sent yet and how many
//! it dropped (`window.sfccClerkBeacon`). A short while after the page loaded (at once when consent forwards
//! nothing), and again every half second until every push has reached a final state or the wait
//! is over, the validator asks the worker (`/__sfcc-clerk/qa/events?page=ID`) and compares with
//! the core's rule. A page without the
//! beacon (not behind the worker) or outside QA mode (the worker answers 401) is not checked.

use super::Observer;
use sfcc_clerk_core::datalayer::forwarding::{check as compare, dropped, expected, PageConsent};
use sfcc_clerk_core::event::trace::PageTrace;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The worker's answer (same origin).
const EVENTS_PATH: &str = "/__sfcc-clerk/qa/events";

/// First look after the check starts, milliseconds: the beacon sends at once, the worker
/// queues and delivers within a second or two.
const FIRST_LOOK_MS: i32 = 300;

/// Between looks, milliseconds.
const STEP_MS: i32 = 500;

/// How long the check waits for every push to settle before reporting what has not, ms.
pub const SETTLE_MS: u64 = 10_000;

/// The beacon's view of the page.
struct Beacon {
    object: JsValue,
    page: String,
    mode: String,
}

impl Beacon {
    /// `window.sfccClerkBeacon`, when the worker injected it.
    fn find(window: &web_sys::Window) -> Result<Option<Beacon>, JsValue> {
        let object = js_sys::Reflect::get(window, &JsValue::from_str("sfccClerkBeacon"))?;
        if !object.is_object() {
            return Ok(None);
        }
        let text = |name: &str| -> Result<String, JsValue> {
            js_sys::Reflect::get(&object, &JsValue::from_str(name))?
                .as_string()
                .ok_or_else(|| {
                    JsValue::from_str(&format!("sfccClerkBeacon.{name} is not a string"))
                })
        };
        let (page, mode) = (text("page")?, text("mode")?);
        Ok(Some(Beacon { object, page, mode }))
    }

    fn call(&self, name: &str) -> Result<JsValue, JsValue> {
        let f: js_sys::Function = js_sys::Reflect::get(&self.object, &JsValue::from_str(name))?
            .dyn_into()
            .map_err(|_| JsValue::from_str(&format!("sfccClerkBeacon.{name} is not a function")))?;
        f.call0(&self.object)
    }

    /// The shopper's consent now, and the mode.
    fn consent(&self) -> Result<PageConsent, JsValue> {
        let consent = self.call("consent")?.as_string().unwrap_or_default();
        PageConsent::parse(&consent, &self.mode).map_err(|e| JsValue::from_str(&e))
    }

    /// Events the beacon has not sent yet.
    fn pending(&self) -> Result<u32, JsValue> {
        Ok(self.call("pending")?.as_f64().unwrap_or(0.0) as u32)
    }

    /// Events the beacon let go because the page held more than it keeps unsent (0 for a beacon
    /// that does not say).
    fn dropped(&self) -> u64 {
        self.call("dropped")
            .ok()
            .and_then(|n| n.as_f64())
            .map_or(0, |n| n as u64)
    }
}

/// Resolves after `ms` milliseconds.
async fn sleep(window: &web_sys::Window, ms: i32) -> Result<(), JsValue> {
    let mut scheduled = Ok(0);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        scheduled = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    scheduled?;
    JsFuture::from(promise).await.map(|_| ())
}

/// The worker's answer, or `None` when it does not answer QA questions for this browser.
async fn ask(window: &web_sys::Window, page: &str) -> Result<Option<PageTrace>, JsValue> {
    let url = format!(
        "{EVENTS_PATH}?page={}",
        String::from(js_sys::encode_uri_component(page))
    );
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await?
        .dyn_into()?;
    if !response.ok() {
        web_sys::console::info_1(&JsValue::from_str(&format!(
            "sfcc-clerk QA: forwarding not checked: the worker answered {} (QA mode is off?)",
            response.status()
        )));
        return Ok(None);
    }
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| JsValue::from_str(&format!("the worker's answer: {e}")))
}

/// Runs the check and folds its findings and the pushes' states into the observer's report.
pub async fn check(observer: Rc<Observer>) -> Result<(), JsValue> {
    let window = observer.window.clone();
    let Some(beacon) = Beacon::find(&window)? else {
        return Ok(());
    };
    let started = js_sys::Date::now();
    // Without consent to forward, nothing is on its way: look at once. Otherwise give the
    // beacon and the worker a moment (and the page's late pushes a chance to be seen).
    if beacon.consent()?.forwards() {
        sleep(&window, FIRST_LOOK_MS).await?;
    }
    loop {
        let waited = (js_sys::Date::now() - started).max(0.0) as u64;
        let settled = waited >= SETTLE_MS;
        let consent = beacon.consent()?;
        // While the beacon still has events to send, the answer cannot be complete yet.
        let sending = consent.forwards() && beacon.pending()? > 0;
        if !sending || settled {
            let Some(answer) = ask(&window, &beacon.page).await? else {
                return Ok(());
            };
            let pushes = expected(&observer.capture.borrow(), &beacon.page);
            let mut result = compare(&pushes, consent, &answer, settled, waited);
            if result.complete || settled {
                result.findings.extend(dropped(beacon.dropped()));
                *observer.forwarding.borrow_mut() = Some(result);
                return observer.refresh();
            }
        }
        sleep(&window, STEP_MS).await?;
    }
}
