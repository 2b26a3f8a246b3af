//! JSON answers built by the runtime in one call: the worker crate's `Response` makes a `Headers`
//! object, copies the body into a `Uint8Array` and sets each field across the wasm boundary, which
//! on the event endpoint's hot path cost more than the answer's content.

use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use worker::web_sys;

#[wasm_bindgen(inline_js = "export function json_answer(status, body, name, value) {
  const headers = { 'content-type': 'application/json' };
  if (name !== undefined) headers[name] = value;
  return new Response(body, { status, headers });
}")]
extern "C" {
    /// `new Response(body, {status, headers})` with `content-type: application/json` and, when
    /// `name` is given, one more header.
    #[wasm_bindgen(catch)]
    fn json_answer(
        status: u16,
        body: &str,
        name: Option<&str>,
        value: Option<&str>,
    ) -> Result<web_sys::Response, wasm_bindgen::JsValue>;
}

/// `value` as a JSON answer with `status`, and `header` (name, value) if given.
pub fn json(
    status: u16,
    value: &impl Serialize,
    header: Option<(&str, &str)>,
) -> worker::Result<web_sys::Response> {
    let body = serde_json::to_string(value).map_err(crate::platform::err)?;
    let (name, value) = header.unzip();
    Ok(json_answer(status, &body, name, value)?)
}
