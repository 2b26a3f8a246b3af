//! JSON answers built by the runtime in one call: the worker crate's `Response` makes a `Headers`
//! object, copies the body into a `Uint8Array` and sets each field across the wasm boundary, which
//! on the event endpoint's hot path cost more than the answer's content.

use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use worker::web_sys;

#[wasm_bindgen(inline_js = "export function json_answer(status, body, extra) {
  const headers = new Headers({ 'content-type': 'application/json' });
  const lines = extra ? extra.split('\\n') : [];
  for (let i = 0; i + 1 < lines.length; i += 2) headers.append(lines[i], lines[i + 1]);
  return new Response(body, { status, headers });
}")]
extern "C" {
    /// `new Response(body, {status, headers})` with `content-type: application/json` and the
    /// headers in `extra`: names and values, one a line (header values hold no line break).
    #[wasm_bindgen(catch)]
    fn json_answer(
        status: u16,
        body: &str,
        extra: &str,
    ) -> Result<web_sys::Response, wasm_bindgen::JsValue>;
}

/// `value` as a JSON answer with `status`, and `headers` (name, value).
pub fn json(
    status: u16,
    value: &impl Serialize,
    headers: &[(&str, &str)],
) -> worker::Result<web_sys::Response> {
    let body = serde_json::to_string(value).map_err(crate::platform::err)?;
    let mut extra = String::new();
    for (name, value) in headers {
        if value.contains(['\n', '\r']) {
            return Err(worker::Error::RustError(format!(
                "header {name} holds a line break"
            )));
        }
        extra.push_str(name);
        extra.push('\n');
        extra.push_str(value);
        extra.push('\n');
    }
    Ok(json_answer(status, &body, &extra)?)
}

/// `response` with the headers every page the worker renders itself carries (the status page,
/// QA mode's sign-in): no caching, no framing, no scripts (`SECURITY_HEADERS`).
pub fn secured(mut response: worker::Response) -> worker::Result<worker::Response> {
    for (name, value) in sfcc_clerk_core::status::session::SECURITY_HEADERS {
        response.headers_mut().set(name, value)?;
    }
    Ok(response)
}

/// An HTML page of the worker's own, with `status`, [`secured`].
pub fn secured_html(status: u16, body: String) -> worker::Result<worker::Response> {
    secured(worker::Response::from_html(body)?.with_status(status))
}
