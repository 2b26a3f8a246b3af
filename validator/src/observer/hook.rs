//! Seeing `dataLayer` pushes: the array's history, and later pushes through a wrapped `push`
//! that calls the original first (same `this`, arguments and return value), then reports.

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(inline_js = "export function wrap_push(target, onPush) {
  const original = target.push;
  target.push = function () {
    const result = original.apply(this, arguments);
    try { onPush(Array.prototype.slice.call(arguments)); } catch (e) { console.warn('sfcc-clerk QA:', e); }
    return result;
  };
}")]
extern "C" {
    fn wrap_push(target: &js_sys::Array, on_push: &js_sys::Function);
}

/// `window.dataLayer`, created as GTM does (`window.dataLayer = window.dataLayer || []`).
pub fn data_layer(window: &web_sys::Window) -> Result<js_sys::Array, JsValue> {
    let key = JsValue::from_str("dataLayer");
    let current = js_sys::Reflect::get(window, &key)?;
    if let Some(array) = current.dyn_ref::<js_sys::Array>() {
        return Ok(array.clone());
    }
    let array = js_sys::Array::new();
    js_sys::Reflect::set(window, &key, &array)?;
    Ok(array)
}

/// Calls `on_push` with the JSON of each value pushed from now on.
pub fn observe(data_layer: &js_sys::Array, mut on_push: impl FnMut(Vec<Value>) + 'static) {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |args: js_sys::Array| {
        on_push(args.iter().map(|a| to_json(&a)).collect());
    });
    wrap_push(data_layer, callback.as_ref().unchecked_ref());
    // The page keeps calling it for its whole life.
    callback.forget();
}

/// A pushed value as JSON; a function (GTM callbacks) or an unserializable value as a marker
/// string, which the rules note as not audited.
pub fn to_json(value: &JsValue) -> Value {
    if value.is_function() {
        return Value::String("[function]".into());
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| Value::String("[unserializable]".into()))
}
