//! The runtime's streaming `HTMLRewriter`: prepends markup to a page's `<head>`, reads what the
//! page is from its page container as it streams, and reads an order confirmation page's order
//! from a copy of its body.

use super::page_views::PageViews;
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

    #[wasm_bindgen(method)]
    fn append(this: &Element, content: &str, options: &js_sys::Object);

    /// The end of the document the rewriter passed on.
    type DocumentEnd;
    #[wasm_bindgen(method, js_name = append)]
    fn append_to_end(this: &DocumentEnd, content: &str, options: &js_sys::Object);

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

/// The selector of SFRA's page container, which names the page (`common/layout/page.isml`).
const PAGE_CONTAINER: &str = "[data-action][data-querystring]";

/// `response` with `html` as the first child of its `<head>`, streamed. The body is not buffered.
/// With `views`, the page container (or else the end of the page) tells what the page is, as
/// it streams past ([`PageViews`]).
pub fn prepend_to_head(
    response: &web_sys::Response,
    html: String,
    views: Option<Rc<RefCell<PageViews>>>,
) -> worker::Result<Rewritten> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"html".into(), &JsValue::TRUE)?;
    let head_options = options.clone();
    let handler = Closure::<dyn FnMut(Element)>::new(move |el: Element| {
        el.prepend(&html, &head_options);
    });
    let handlers = js_sys::Object::new();
    js_sys::Reflect::set(&handlers, &"element".into(), &handler.into_js_value())?;
    let mut end = None;
    let streamed = js_sys::Promise::new(&mut |resolve, _reject| end = Some(resolve));
    let document = js_sys::Object::new();
    let mut rewriter = HTMLRewriter::new().on("head", &handlers).map_err(js_err)?;
    match views {
        Some(views) => {
            let (v, o) = (views.clone(), options.clone());
            let container = Closure::<dyn FnMut(Element)>::new(move |el: Element| {
                let action = el.get_attribute("data-action").unwrap_or_default();
                let query = el.get_attribute("data-querystring").unwrap_or_default();
                if let Some(markup) = v.borrow_mut().on_container(&action, &query) {
                    el.append(&markup, &o);
                }
            });
            rewriter = rewriter
                .on(
                    PAGE_CONTAINER,
                    &handlers_of("element", container.into_js_value())?,
                )
                .map_err(js_err)?;
            let ended = Closure::<dyn FnMut(DocumentEnd)>::new(move |doc: DocumentEnd| {
                if let Some(markup) = views.borrow_mut().on_end() {
                    doc.append_to_end(&markup, &options);
                }
                if let Some(resolve) = &end {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            });
            js_sys::Reflect::set(&document, &"end".into(), &ended.into_js_value())?;
        }
        None => {
            if let Some(resolve) = end {
                js_sys::Reflect::set(&document, &"end".into(), &resolve)?;
            }
        }
    }
    let response = rewriter
        .on_document(&document)
        .transform(response)
        .map_err(js_err)?;
    Ok(Rewritten { response, streamed })
}

fn handlers_of(kind: &str, handler: JsValue) -> worker::Result<js_sys::Object> {
    handlers(kind, handler).map_err(js_err)
}
