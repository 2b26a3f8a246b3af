//! Randomness from the runtime's Web Crypto.

use wasm_bindgen::JsCast;

/// A random uuid v4 from `crypto.randomUUID()`.
pub fn uuid_v4() -> worker::Result<String> {
    let global = js_sys::global();
    let crypto = js_sys::Reflect::get(&global, &"crypto".into())?;
    let random_uuid: js_sys::Function = js_sys::Reflect::get(&crypto, &"randomUUID".into())?
        .dyn_into()
        .map_err(|_| super::err("crypto.randomUUID is not available"))?;
    random_uuid
        .call0(&crypto)?
        .as_string()
        .ok_or_else(|| super::err("crypto.randomUUID returned no string"))
}

/// A uniform draw from `[0, 1)` for backoff jitter.
pub fn jitter() -> f64 {
    js_sys::Math::random()
}
