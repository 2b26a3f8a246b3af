//! The in-page observer: `start(rules?)` audits `window.dataLayer` as it grows (classifying the
//! page with the site's rules, if given), checks the page against the feed and what the worker
//! did with its ecommerce pushes, shows the findings in an overlay, logs a summary to the
//! console, and answers `window.sfccClerkQa.report()`, `.findings()` and `.settled()`.

mod feed;
mod forwarding;
mod hook;
mod panel;

pub use forwarding::SETTLE_MS;
pub use panel::HOST_ID;

use panel::Panel;
use serde_json::Value;
use sfcc_clerk_core::datalayer::forwarding::ForwardingCheck;
use sfcc_clerk_core::datalayer::{validate, Capture, Finding, Report, SiteRules};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The checks that ask the worker (page vs feed, forwarding); `settled()` waits for them all.
const CHECKS: u32 = 2;

/// What the observer has seen and concluded.
struct Observer {
    window: web_sys::Window,
    rules: RefCell<SiteRules>,
    capture: RefCell<Capture>,
    report: RefCell<Option<Report>>,
    /// Page-vs-feed findings, once the worker answered.
    feed: RefCell<Vec<Finding>>,
    /// The forwarding check's outcome, once it settled.
    forwarding: RefCell<Option<ForwardingCheck>>,
    /// Checks still running (whatever they find, or cannot find, they end).
    running: Cell<u32>,
    logged: RefCell<String>,
    panel: Panel,
}

thread_local! {
    static STARTED: RefCell<Option<Rc<Observer>>> = const { RefCell::new(None) };
}

impl Observer {
    /// Re-validates everything seen so far and shows it.
    fn refresh(&self) -> Result<(), JsValue> {
        let url = self.window.location().href().unwrap_or_default();
        let report = {
            let capture = self.capture.borrow();
            let report = validate(&capture, self.rules.borrow().classify(&url, &capture));
            let feed = self.feed.borrow();
            let forwarding = self.forwarding.borrow();
            let mut findings = report.findings;
            findings.extend(feed.iter().cloned());
            if let Some(check) = forwarding.as_ref() {
                findings.extend(check.findings.iter().cloned());
            }
            let mut report = Report::new(report.page, findings);
            report.forwarding = forwarding.as_ref().map(|c| c.pushes.clone());
            report
        };
        let json = serde_json::to_string(&report).map_err(|e| e.to_string())?;
        self.panel.render(&report, &json)?;
        let summary = report.summary();
        if *self.logged.borrow() != summary {
            let line = JsValue::from_str(&format!(
                "sfcc-clerk QA: {summary} (window.sfccClerkQa.findings() lists them)"
            ));
            if report.has_errors() {
                web_sys::console::warn_1(&line);
            } else {
                web_sys::console::info_1(&line);
            }
            *self.logged.borrow_mut() = summary;
        }
        *self.report.borrow_mut() = Some(report);
        Ok(())
    }

    /// The latest report as a JS object (or a part of it).
    fn report_js(&self, part: Option<&str>) -> JsValue {
        let report = self.report.borrow();
        let value = match (report.as_ref(), part) {
            (Some(r), Some("findings")) => serde_json::to_value(&r.findings),
            (Some(r), _) => serde_json::to_value(r),
            (None, _) => Ok(Value::Null),
        };
        value
            .ok()
            .and_then(|v| js_sys::JSON::parse(&v.to_string()).ok())
            .unwrap_or(JsValue::NULL)
    }
}

/// Site rules from what JS passed: nothing (the defaults), a JSON string, or an object.
fn site_rules(rules: &JsValue) -> Result<SiteRules, JsValue> {
    if rules.is_undefined() || rules.is_null() {
        return Ok(SiteRules::default());
    }
    let text = match rules.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(rules)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| JsError::new("site rules: expected a JSON string or an object"))?,
    };
    SiteRules::parse(&text).map_err(|e| JsError::new(&e.to_string()).into())
}

/// JS API: `start(rules?)` — audit this page's data layer live. Reads the pushes made so far,
/// wraps `dataLayer.push` to see later ones (the original still runs first), and re-validates on
/// each. `rules` are the site's own page rules and data-layer hints (a JSON string or an object,
/// `{"pages": [...], "hints": [...]}`); malformed rules throw an error naming the mistake, and
/// nothing starts. Calling it again only refreshes (with the new rules, when given).
#[wasm_bindgen]
pub fn start(rules: JsValue) -> Result<(), JsValue> {
    let given = !(rules.is_undefined() || rules.is_null());
    let rules = site_rules(&rules)?;
    if let Some(observer) = STARTED.with(|s| s.borrow().clone()) {
        if given {
            *observer.rules.borrow_mut() = rules;
        }
        return observer.refresh();
    }
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let data_layer = hook::data_layer(&window)?;
    let history = data_layer.iter().map(|p| hook::to_json(&p)).collect();
    let observer = Rc::new(Observer {
        panel: Panel::mount(&document)?,
        window: window.clone(),
        rules: RefCell::new(rules),
        capture: RefCell::new(Capture { pushes: history }),
        report: RefCell::new(None),
        feed: RefCell::new(Vec::new()),
        forwarding: RefCell::new(None),
        running: Cell::new(CHECKS),
        logged: RefCell::new(String::new()),
    });
    let seen = Rc::clone(&observer);
    hook::observe(&data_layer, move |pushes| {
        seen.capture.borrow_mut().pushes.extend(pushes);
        if let Err(e) = seen.refresh() {
            web_sys::console::warn_2(&JsValue::from_str("sfcc-clerk QA:"), &e);
        }
    });
    install_api(&window, &observer)?;
    STARTED.with(|s| *s.borrow_mut() = Some(Rc::clone(&observer)));
    observer.refresh()?;
    let checked = Rc::clone(&observer);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = feed::check(Rc::clone(&checked)).await {
            web_sys::console::warn_2(&JsValue::from_str("sfcc-clerk QA: page vs feed:"), &e);
        }
        checked.running.set(checked.running.get() - 1);
    });
    let checked = Rc::clone(&observer);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = forwarding::check(Rc::clone(&checked)).await {
            web_sys::console::warn_2(&JsValue::from_str("sfcc-clerk QA: forwarding:"), &e);
        }
        checked.running.set(checked.running.get() - 1);
    });
    Ok(())
}

/// `window.sfccClerkQa = { report(), findings(), settled() }`; `settled()` is true once the
/// page-vs-feed and forwarding checks are over, so automation reads a complete report.
fn install_api(window: &web_sys::Window, observer: &Rc<Observer>) -> Result<(), JsValue> {
    let api = js_sys::Object::new();
    let watched = Rc::clone(observer);
    let settled =
        Closure::<dyn Fn() -> JsValue>::new(move || JsValue::from_bool(watched.running.get() == 0));
    js_sys::Reflect::set(&api, &JsValue::from_str("settled"), settled.as_ref())?;
    // Lives as long as the page.
    settled.forget();
    for (name, part) in [("report", None), ("findings", Some("findings"))] {
        let observer = Rc::clone(observer);
        let f = Closure::<dyn Fn() -> JsValue>::new(move || observer.report_js(part));
        js_sys::Reflect::set(&api, &JsValue::from_str(name), f.as_ref())?;
        // Lives as long as the page.
        f.forget();
    }
    js_sys::Reflect::set(window, &JsValue::from_str("sfccClerkQa"), &api)?;
    Ok(())
}
