//! Streams an HTML response through the runtime's `HTMLRewriter`, prepending markup to `<head>`.

use wasm_bindgen::prelude::*;
use worker::{js_sys, web_sys, Response};

#[wasm_bindgen]
extern "C" {
    /// The Workers runtime's streaming HTML rewriter.
    type HTMLRewriter;
    #[wasm_bindgen(constructor)]
    fn new() -> HTMLRewriter;
    #[wasm_bindgen(method)]
    fn on(this: &HTMLRewriter, selector: &str, handlers: &js_sys::Object) -> HTMLRewriter;
    #[wasm_bindgen(method, catch)]
    fn transform(
        this: &HTMLRewriter,
        response: &web_sys::Response,
    ) -> Result<web_sys::Response, JsValue>;

    /// An element the rewriter matched.
    type Element;
    #[wasm_bindgen(method)]
    fn prepend(this: &Element, content: &str, options: &js_sys::Object);
}

/// `response` with `html` as the first child of its `<head>`, streamed. The body is not buffered.
pub fn prepend_to_head(response: Response, html: String) -> worker::Result<Response> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"html".into(), &JsValue::TRUE)?;
    let handler = Closure::<dyn FnMut(Element)>::new(move |el: Element| {
        el.prepend(&html, &options);
    });
    let handlers = js_sys::Object::new();
    js_sys::Reflect::set(&handlers, &"element".into(), &handler.into_js_value())?;
    let rewriter = HTMLRewriter::new().on("head", &handlers);
    let transformed = rewriter
        .transform(&web_sys::Response::from(response))
        .map_err(|e| worker::Error::JsError(format!("{e:?}")))?;
    Ok(Response::from(transformed))
}
