//! The runtime's streaming `HTMLRewriter`: prepends markup to a page's `<head>`, and reads an
//! order confirmation page's order from a copy of its body.

use futures_util::StreamExt;
use sfcc_clerk_core::capture::{OrderMarkup, ScrapedLine, ScrapedOrder};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use worker::{js_sys, web_sys};

#[wasm_bindgen]
extern "C" {
    /// The Workers runtime's streaming HTML rewriter.
    type HTMLRewriter;
    #[wasm_bindgen(constructor)]
    fn new() -> HTMLRewriter;
    /// Fails on a selector the runtime cannot parse.
    #[wasm_bindgen(method, catch)]
    fn on(
        this: &HTMLRewriter,
        selector: &str,
        handlers: &js_sys::Object,
    ) -> Result<HTMLRewriter, JsValue>;
    /// Handlers of the whole document (`end`: the last of it has been rewritten).
    #[wasm_bindgen(method, js_name = onDocument)]
    fn on_document(this: &HTMLRewriter, handlers: &js_sys::Object) -> HTMLRewriter;
    #[wasm_bindgen(method, catch)]
    fn transform(
        this: &HTMLRewriter,
        response: &web_sys::Response,
    ) -> Result<web_sys::Response, JsValue>;

    /// An element the rewriter matched.
    type Element;
    #[wasm_bindgen(method)]
    fn prepend(this: &Element, content: &str, options: &js_sys::Object);
    #[wasm_bindgen(method, js_name = getAttribute)]
    fn get_attribute(this: &Element, name: &str) -> Option<String>;

    /// A chunk of an element's text.
    type TextChunk;
    #[wasm_bindgen(method, getter)]
    fn text(this: &TextChunk) -> String;
}

fn handlers(kind: &str, handler: JsValue) -> Result<js_sys::Object, JsValue> {
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &kind.into(), &handler)?;
    Ok(object)
}

fn js_err(e: JsValue) -> worker::Error {
    worker::Error::JsError(format!("{e:?}"))
}

/// The most of a confirmation page read for its order.
const MAX_ORDER_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// What `markup`'s selectors match in `copy` (a clone of a confirmation page's response, read
/// to its end here while the original streams to the shopper).
pub async fn read_order(
    copy: web_sys::Response,
    markup: &OrderMarkup,
) -> worker::Result<ScrapedOrder> {
    let found = Rc::new(RefCell::new(ScrapedOrder::default()));
    let mut rewriter = HTMLRewriter::new();
    let f = found.clone();
    let number = Closure::<dyn FnMut(TextChunk)>::new(move |t: TextChunk| {
        f.borrow_mut().number.push_str(&t.text());
    });
    rewriter = rewriter
        .on(
            &markup.number,
            &handlers("text", number.into_js_value()).map_err(js_err)?,
        )
        .map_err(js_err)?;
    let (f, attrs) = (found.clone(), markup.clone());
    let line = Closure::<dyn FnMut(Element)>::new(move |el: Element| {
        f.borrow_mut().lines.push(ScrapedLine {
            product: el.get_attribute(&attrs.line_product),
            quantity: el.get_attribute(&attrs.line_quantity),
            price: el.get_attribute(&attrs.line_price),
        });
    });
    rewriter = rewriter
        .on(
            &markup.line,
            &handlers("element", line.into_js_value()).map_err(js_err)?,
        )
        .map_err(js_err)?;
    if !markup.email.is_empty() {
        let f = found.clone();
        let email = Closure::<dyn FnMut(TextChunk)>::new(move |t: TextChunk| {
            f.borrow_mut().email.push_str(&t.text());
        });
        rewriter = rewriter
            .on(
                &markup.email,
                &handlers("text", email.into_js_value()).map_err(js_err)?,
            )
            .map_err(js_err)?;
    }
    let read = rewriter.transform(&copy).map_err(js_err)?;
    // Only the handlers' findings are kept: the page streams through chunk by chunk, and a page
    // past the bound is not read further.
    let mut stream = worker::Response::from(read).stream()?;
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        seen += chunk?.len();
        if seen > MAX_ORDER_PAGE_BYTES {
            return Err(worker::Error::RustError(format!(
                "the confirmation page is larger than {MAX_ORDER_PAGE_BYTES} bytes: not read"
            )));
        }
    }
    let scraped = found.borrow().clone();
    Ok(scraped)
}

/// A page being rewritten, and a promise that settles once the rewriter has passed the last of
/// it on to the shopper (it never settles when the shopper leaves before the end).
pub struct Rewritten {
    /// The page, streamed.
    pub response: web_sys::Response,
    /// Resolves at the end of the document.
    pub streamed: js_sys::Promise,
}

/// `response` with `html` as the first child of its `<head>`, streamed. The body is not buffered.
pub fn prepend_to_head(response: &web_sys::Response, html: String) -> worker::Result<Rewritten> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"html".into(), &JsValue::TRUE)?;
    let handler = Closure::<dyn FnMut(Element)>::new(move |el: Element| {
        el.prepend(&html, &options);
    });
    let handlers = js_sys::Object::new();
    js_sys::Reflect::set(&handlers, &"element".into(), &handler.into_js_value())?;
    let mut end = None;
    let streamed = js_sys::Promise::new(&mut |resolve, _reject| end = Some(resolve));
    let document = js_sys::Object::new();
    if let Some(resolve) = end {
        js_sys::Reflect::set(&document, &"end".into(), &resolve)?;
    }
    let rewriter = HTMLRewriter::new()
        .on("head", &handlers)
        .map_err(js_err)?
        .on_document(&document);
    let response = rewriter.transform(response).map_err(js_err)?;
    Ok(Rewritten { response, streamed })
}
