//! The overlay: a host element with an open shadow root, so the page's styles do not reach the
//! panel and the panel's do not reach the page. Built with DOM calls and text nodes only: the
//! messages quote data-layer values, which must never be parsed as HTML.

use sfcc_clerk_core::datalayer::{Finding, Report, Severity};
use wasm_bindgen::prelude::*;

/// The host element's id.
pub const HOST_ID: &str = "sfcc-clerk-qa";

const STYLE: &str = "
:host { all: initial; }
.panel { font: 12px/1.4 system-ui, sans-serif; color: #111; background: #fff; border: 1px solid #999;
  border-radius: 6px; box-shadow: 0 2px 12px rgba(0,0,0,.25); max-width: 480px; max-height: 60vh;
  overflow: auto; padding: 8px 10px; }
header { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
h3 { font-size: 12px; margin: 8px 0 2px; }
ul { margin: 0; padding-left: 16px; }
li { margin: 2px 0; word-break: break-word; }
code { font: 11px ui-monospace, monospace; }
.error h3 { color: #b00020; } .warning h3 { color: #8a5a00; } .info h3 { color: #345; }
";

/// The mounted panel: where the findings go.
pub struct Panel {
    document: web_sys::Document,
    body: web_sys::Element,
}

impl Panel {
    /// Creates the host at the end of `<body>` (or the root element) and its shadow root.
    pub fn mount(document: &web_sys::Document) -> Result<Panel, JsValue> {
        let host = document.create_element("div")?;
        host.set_id(HOST_ID);
        host.set_attribute(
            "style",
            "position:fixed;right:12px;bottom:12px;z-index:2147483647;",
        )?;
        let parent: web_sys::Element = match document.body() {
            Some(body) => body.into(),
            None => document.document_element().ok_or("no document element")?,
        };
        parent.append_child(&host)?;
        let root =
            host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?;
        let style = document.create_element("style")?;
        style.set_text_content(Some(STYLE));
        root.append_child(&style)?;
        let body = document.create_element("section")?;
        body.set_class_name("panel");
        root.append_child(&body)?;
        Ok(Panel {
            document: document.clone(),
            body,
        })
    }

    /// Shows `report`, replacing what was shown; `json` is the report for the download link.
    pub fn render(&self, report: &Report, json: &str) -> Result<(), JsValue> {
        self.body.set_text_content(None);
        let header = self.child(&self.body, "header", None)?;
        self.child(&header, "strong", Some("sfcc-clerk QA"))?;
        self.child(&header, "span", Some(&report.summary()))?;
        let link = self.child(&header, "a", Some("download JSON"))?;
        link.set_attribute("download", "sfcc-clerk-qa-report.json")?;
        let encoded: String = js_sys::encode_uri_component(json).into();
        link.set_attribute(
            "href",
            &format!("data:application/json;charset=utf-8,{encoded}"),
        )?;
        for (severity, title) in [
            (Severity::Error, "Errors"),
            (Severity::Warning, "Warnings"),
            (Severity::Info, "Info"),
        ] {
            let findings: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .collect();
            if findings.is_empty() {
                continue;
            }
            let group = self.child(&self.body, "div", None)?;
            group.set_class_name(severity.as_str());
            self.child(&group, "h3", Some(&format!("{title} ({})", findings.len())))?;
            let list = self.child(&group, "ul", None)?;
            for f in findings {
                self.item(&list, f)?;
            }
        }
        Ok(())
    }

    fn item(&self, list: &web_sys::Element, f: &Finding) -> Result<(), JsValue> {
        let li = self.child(list, "li", None)?;
        li.set_attribute("data-code", f.code.as_str())?;
        li.set_attribute("data-severity", f.severity.as_str())?;
        self.child(&li, "code", Some(f.code.as_str()))?;
        let place = f
            .location()
            .map_or_else(|| " ".into(), |at| format!(" {at}: "));
        let text = self
            .document
            .create_text_node(&format!("{place}{}", f.message));
        li.append_child(&text)?;
        Ok(())
    }

    /// A new `tag` element (with `text`) appended to `parent`.
    fn child(
        &self,
        parent: &web_sys::Element,
        tag: &str,
        text: Option<&str>,
    ) -> Result<web_sys::Element, JsValue> {
        let e = self.document.create_element(tag)?;
        if text.is_some() {
            e.set_text_content(text);
        }
        parent.append_child(&e)?;
        Ok(e)
    }
}
