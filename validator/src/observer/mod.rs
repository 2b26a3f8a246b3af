//! The in-page observer: `start()` audits `window.dataLayer` as it grows, shows the findings in
//! an overlay, logs a summary to the console, and answers `window.sfccClerkQa.report()` and
//! `.findings()`.

mod feed;
mod hook;
mod panel;

pub use panel::HOST_ID;

use panel::Panel;
use serde_json::Value;
use sfcc_clerk_core::datalayer::{classify, validate, Capture, Finding, Report};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What the observer has seen and concluded.
struct Observer {
    window: web_sys::Window,
    capture: RefCell<Capture>,
    report: RefCell<Option<Report>>,
    /// Page-vs-feed findings, once the worker answered.
    feed: RefCell<Vec<Finding>>,
    /// The page-vs-feed check is over (whatever it found, or could not find).
    settled: std::cell::Cell<bool>,
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
            let report = validate(&capture, classify(&url, &[], &capture));
            let feed = self.feed.borrow();
            if feed.is_empty() {
                report
            } else {
                let mut findings = report.findings;
                findings.extend(feed.iter().cloned());
                Report::new(report.page, findings)
            }
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

/// JS API: `start()` — audit this page's data layer live. Reads the pushes made so far, wraps
/// `dataLayer.push` to see later ones (the original still runs first), and re-validates on each.
/// Calling it again only refreshes.
#[wasm_bindgen]
pub fn start() -> Result<(), JsValue> {
    if let Some(observer) = STARTED.with(|s| s.borrow().clone()) {
        return observer.refresh();
    }
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let data_layer = hook::data_layer(&window)?;
    let history = data_layer.iter().map(|p| hook::to_json(&p)).collect();
    let observer = Rc::new(Observer {
        panel: Panel::mount(&document)?,
        window: window.clone(),
        capture: RefCell::new(Capture { pushes: history }),
        report: RefCell::new(None),
        feed: RefCell::new(Vec::new()),
        settled: std::cell::Cell::new(false),
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
        checked.settled.set(true);
    });
    Ok(())
}

/// `window.sfccClerkQa = { report(), findings(), settled() }`; `settled()` is true once the
/// page-vs-feed check is over, so automation reads a complete report.
fn install_api(window: &web_sys::Window, observer: &Rc<Observer>) -> Result<(), JsValue> {
    let api = js_sys::Object::new();
    let watched = Rc::clone(observer);
    let settled =
        Closure::<dyn Fn() -> JsValue>::new(move || JsValue::from_bool(watched.settled.get()));
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
