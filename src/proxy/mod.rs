//! The storefront proxy: every request the worker does not serve itself goes to the origin
//! unchanged, and the response comes back unchanged (streamed; redirects passed through). On the
//! way, the core recognizes shopper actions in the request (an SFRA route, or a PWA Kit Einstein
//! activity's JSON body; a SCAPI order placement's answer) and decides, from consent and the user
//! agent, what may be forwarded; the events go to the `events` queue once the page has reached the
//! shopper (the end of a rewritten page, or a few seconds at most), so tracking never holds a
//! page up.
//! HTML pages get the core's beacon script at the top of `<head>` (streamed through
//! `HTMLRewriter`), which forwards the page's own `dataLayer` sightings under the same page id
//! and holds what happened before the shopper answered the consent banner; it goes in the way the
//! page's Content Security Policy allows (inline, with the page's nonce, or from the shop's own
//! origin; not at all when neither runs). Tracking never fails a page.

use crate::context::{bindings, Ctx};
use crate::events::sales;
use crate::platform::body::{declared_at_most, response_text_at_most};
use crate::platform::log;
use crate::platform::queues::{enqueue, names};
use crate::platform::{now_ms, random};
use crate::qa::receipts;
use crate::routes::BEACON_PATH;
use sfcc_clerk_core::capture::basket;
use sfcc_clerk_core::capture::slas::{self, slas_call, SlasCall};
use sfcc_clerk_core::capture::{
    activity_actions, activity_to_read, answer_confirms, beacon_asset_path, beacon_markup, capture,
    cart_of_answer, check_client_ip_header, choose_store, confirmation_sale, forwarding, is_bot,
    is_order_creation, is_page_view, is_static_asset, needs_answer, needs_form, order_event,
    origin_headers, placed_order, private_headers, qa_loader, read_consent, request_site,
    script_delivery, seo_product, seo_search, served_order_id, server_event, sfcc_consent,
    store_for_order, store_for_request, Beacon, Captured, ConsentSignals, Forwarding, OrderMarkup,
    OrderPageError, PageOrigin, RequestFacts, RuleKind, SaleStore, ScriptDelivery, ScriptNeeds,
    StoreChoice, MAX_ACTIVITY_BYTES, MAX_ORDER_BYTES, STALE_VALIDATORS,
};
use sfcc_clerk_core::event::trace::Receipt;
use sfcc_clerk_core::event::{Event, EventKind, IngestContext, Source, SERVER_SALE_DELAY_S};
use sfcc_clerk_core::form;
use sfcc_clerk_core::identity::{link_from_cookie_header, plan_identity, VisitorId};
use sfcc_clerk_core::retry::Envelope;
use sfcc_clerk_core::settings::Store;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{
    js_sys, web_sys, Context, Env, Method, Queue, Request, RequestInit, RequestRedirect, Response,
    Result,
};

/// SFRA's logout route: the shopper's anonymous id is rotated.
const LOGOUT_ACTION: &str = "Login-Logout";

mod inject;
mod page_views;

use page_views::PageViews;
use std::cell::RefCell;
use std::rc::Rc;

#[wasm_bindgen]
extern "C" {
    /// The runtime's `fetch`: the origin's response is passed on as the runtime made it (status
    /// text and all), not rebuilt through the worker crate's `Response`.
    #[wasm_bindgen(js_name = fetch)]
    fn runtime_fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// The request as the origin gets it: `target` (the origin's URL of the request), the client's
/// headers less what a client may not claim ([`origin_headers`]; the client's address in the
/// shop's `client_ip_header`), redirects passed on as they are.
fn outbound(
    req: &Request,
    target: &str,
    client_ip_header: Option<&str>,
    body: Option<JsValue>,
) -> Result<Request> {
    let headers = req.headers();
    let incoming: Vec<(String, String)> = headers.entries().collect();
    let client_ip = headers.get("cf-connecting-ip")?;
    let outbound_headers = worker::Headers::new();
    for (name, value) in origin_headers(&incoming, client_ip.as_deref(), client_ip_header) {
        outbound_headers.append(&name, &value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(req.method())
        .with_headers(outbound_headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(body);
    Request::new_with_init(target, &init)
}

/// The origin's URL of `req`.
fn target_of(req: &Request, origin: &str) -> Result<String> {
    let url = req.url()?;
    Ok(match url.query() {
        Some(q) => format!("{origin}{}?{q}", url.path()),
        None => format!("{origin}{}", url.path()),
    })
}

/// Sends `req` to the origin: its own response, or `None` (logged) when it cannot be reached.
async fn fetch_origin(outbound: &Request, origin: &str) -> Option<web_sys::Response> {
    match JsFuture::from(runtime_fetch(outbound.inner())).await {
        Ok(r) => Some(r.unchecked_into()),
        Err(e) => {
            worker::console_error!("origin {origin} unreachable: {e:?}");
            None
        }
    }
}

/// The answer when the storefront cannot be reached.
fn unreachable() -> Result<web_sys::Response> {
    Response::error("the storefront is unreachable", 502).map(Into::into)
}

/// Passes `req` on to `origin` and its answer back, reading nothing and changing nothing but the
/// headers a client may not send: the worker's configuration is broken, and the shop goes on.
pub async fn pass_through(req: Request, env: &Env, origin: &str) -> Result<web_sys::Response> {
    let target = target_of(&req, origin)?;
    let client_ip_header = env
        .var("CLIENT_IP_HEADER")
        .ok()
        .and_then(|h| check_client_ip_header(&h.to_string()).ok());
    let body = match req.method() {
        Method::Get | Method::Head => None,
        _ => req.inner().body().map(JsValue::from),
    };
    let outbound = outbound(&req, &target, client_ip_header.as_deref(), body)?;
    match fetch_origin(&outbound, origin).await {
        Some(response) => Ok(response),
        None => unreachable(),
    }
}

/// Proxies `req` to `origin` and queues what it shows the shopper did. Answers the origin's own
/// response object (or, for an HTML page, the rewritten one), so nothing of it is copied on the
/// way.
pub async fn handle(
    mut req: Request,
    ctx: &Ctx,
    env: &Env,
    wctx: &Context,
    origin: &str,
) -> Result<web_sys::Response> {
    let url = req.url()?;
    let path = url.path().to_string();
    let target = target_of(&req, origin)?;
    let method = req.method();
    let capture_config = &ctx.settings.capture;
    let rules = &capture_config.rules;
    let headers = req.headers().clone();
    // A PWA Kit Einstein activity is read when the shop is set up for it, under its proxy path,
    // as the app sends it (JSON, not from another site: a cross-site form cannot fake one).
    let activity = activity_to_read(
        capture_config.einstein,
        &capture_config.einstein_path,
        method.as_ref(),
        &path,
    )
    .filter(|_| {
        let json = headers
            .get("content-type")
            .ok()
            .flatten()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/json"));
        let cross_site =
            headers.get("sec-fetch-site").ok().flatten().as_deref() == Some("cross-site");
        json && !cross_site
    });
    // A PWA Kit shopper's SLAS token or logout call, as the app sends it through its origin.
    let slas = capture_config
        .scapi_orders
        .then(|| slas_call(&capture_config.api_path, method.as_ref(), &path))
        .flatten();
    // A body is read only when it declares a length within the bound (the runtime holds a body
    // to its declared length); any other goes on to the origin unread. A SLAS token call's form
    // is read for its site (`channel_id`) only.
    let read_body = (needs_form(rules, method.as_ref(), &path)
        || activity.is_some()
        || slas == Some(SlasCall::Token))
        && declared_at_most(&headers, MAX_ACTIVITY_BYTES);
    let form_body = if read_body {
        Some(req.bytes().await?)
    } else {
        None
    };
    let body = match &form_body {
        Some(bytes) => Some(js_sys::Uint8Array::from(bytes.as_slice()).into()),
        None if !matches!(method, Method::Get | Method::Head) => {
            req.inner().body().map(JsValue::from)
        }
        None => None,
    };
    let outbound = outbound(
        &req,
        &target,
        ctx.settings.client_ip_header.as_deref(),
        body,
    )?;
    let Some(mut response) = fetch_origin(&outbound, origin).await else {
        return unreachable();
    };
    if is_static_asset(&path) {
        return Ok(response);
    }

    let cookies = headers.get("cookie")?.unwrap_or_default();
    let user_agent = headers.get("user-agent")?;
    if is_bot(user_agent.as_deref()) {
        return Ok(response);
    }
    let query = form::pairs(url.query().unwrap_or_default());
    let form = form_body
        .as_deref()
        .filter(|_| activity.is_none())
        .map(|b| form::pairs(&String::from_utf8_lossy(b)))
        .unwrap_or_default();
    let stores = &ctx.settings.stores;
    // The site (and locale) the request names: its path (pipeline or `/s/{site}/`), a SCAPI
    // call's query, the host; else a PWA Kit activity's site, a SLAS call's `channel_id`.
    // Never another site's store.
    let mut named = request_site(
        url.host_str().unwrap_or_default(),
        &path,
        &query,
        &capture_config.hosts,
    );
    if named.site.is_none() && slas.is_some() {
        named.site = slas::channel_of(&query, &form).map(str::to_string);
    }
    let choice = match (&named.site, activity) {
        (None, Some(a)) => {
            match choose_store(stores, Store::site_and_locale, |id| a.is_for_site(id), None) {
                Some(store) => StoreChoice::Store(store),
                None => StoreChoice::UnknownSite(a.site.to_string()),
            }
        }
        _ => store_for_request(
            stores,
            Store::site_and_locale,
            named.site.as_deref(),
            named.locale.as_deref(),
        ),
    };
    let store = match choice {
        StoreChoice::Store(store) => store,
        StoreChoice::UnknownSite(site) => {
            unknown_site(&site);
            return Ok(response);
        }
        StoreChoice::NoSite => return Ok(response),
    };
    let reading = read_consent(
        &ConsentSignals {
            cookies: &cookies,
            sec_gpc: headers.get("sec-gpc")?.as_deref(),
            consent_mode: None,
        },
        &ctx.settings.consent,
        store.config.dw_dnt,
    );
    let decision = forwarding(reading.consent, ctx.settings.consent.mode);
    let facts = RequestFacts {
        method: method.as_ref(),
        path: &path,
        query: &query,
        form: &form,
    };
    let succeeded = response.status() < 400;
    // The shopper's answer to SFRA's tracking banner: SFCC keeps it in its session only, so the
    // worker remembers it in a cookie of its own for the browser session.
    let mut set_cookies = Vec::new();
    if succeeded && sfcc_consent::is_banner_answer(&path) {
        let answer = answer_text(&response).await;
        if let Some(yes) =
            sfcc_consent::banner_answer(method.as_ref(), &path, &query, answer.as_deref())
        {
            set_cookies.push(sfcc_consent::answer_set_cookie(yes));
        }
    }
    let mut captured = if succeeded {
        capture(rules, &facts)
    } else {
        Vec::new()
    };
    // A search on an SEO URL (`/search?q=`) when no rule named the request.
    if succeeded && captured.is_empty() && method == Method::Get {
        captured.extend(seo_search(&path, &query));
    }
    // SFRA answers a failed login or add to cart with 200 too: its JSON says what happened. A
    // cart change's answer is the cart as it now is.
    let mut cart = Vec::new();
    if let Some(kind) = captured
        .first()
        .map(|c| c.kind)
        .filter(|k| needs_answer(*k))
    {
        let answer = answer_text(&response).await;
        if !answer_confirms(kind, answer.as_deref()) {
            captured.clear();
        } else if kind == RuleKind::CartUpdate {
            cart = answer
                .as_deref()
                .and_then(cart_of_answer)
                .unwrap_or_default();
        }
    }
    // A PWA Kit basket changed: the basket SCAPI answered is the shopper's cart.
    let basket_change = capture_config.scapi_orders
        && basket::is_basket_change(&capture_config.api_path, method.as_ref(), &path);
    if basket_change && response.ok() {
        let answer = answer_text(&response).await;
        if let Some(lines) = answer.as_deref().and_then(basket::basket_lines) {
            captured.push(Captured {
                kind: RuleKind::CartUpdate,
                value: String::new(),
                quantity: None,
            });
            cart = lines;
        }
    }
    // A PWA Kit shopper logged in: SLAS's answer names the login (the shopper's email).
    if slas == Some(SlasCall::Token) && response.ok() {
        let answer = response_text_at_most(response.clone()?, slas::MAX_TOKEN_ANSWER_BYTES).await;
        let linked = link_from_cookie_header(&cookies);
        if let Some(login) = answer.as_deref().and_then(|a| slas::new_login(a, linked)) {
            captured.push(Captured {
                kind: RuleKind::Login,
                value: login,
                quantity: None,
            });
        }
    }
    let logout = path.ends_with(LOGOUT_ACTION) || (slas == Some(SlasCall::Logout) && response.ok());
    // An email leaves only with consent to identify; it is never held in a page.
    if decision != Forwarding::WithIdentity {
        captured.retain(|c| c.kind != RuleKind::Login);
    }
    // A page holds what it cannot send yet and posts it once the shopper answers; a whole cart
    // is taken only from the storefront's answer, never from a post, so none is held.
    if decision == Forwarding::Hold {
        captured.retain(|c| c.kind != RuleKind::CartUpdate);
    }
    // What an Einstein activity reports happened, once Einstein took it.
    let reported: Vec<Captured> = match (activity, form_body.as_deref()) {
        (Some(a), Some(body)) if response.ok() => {
            let mut actions = activity_actions(a.name, body).unwrap_or_else(|e| {
                worker::console_warn!("{e}");
                Vec::new()
            });
            actions.retain(|c| basket::activity_taken(c.kind, capture_config.scapi_orders));
            actions
        }
        _ => Vec::new(),
    };
    let login_email = captured
        .iter()
        .find(|c| c.kind == RuleKind::Login)
        .map(|c| c.value.clone());
    let fresh = VisitorId::parse(&random::uuid_v4()?).map_err(crate::platform::err)?;
    let identity = plan_identity(&cookies, decision, logout, login_email.as_deref(), fresh);
    let visitor = identity.visitor;
    // One id per page view: the page's beacon reports its own sightings under it.
    let page_id = random::uuid_v4()?.replace('-', "");
    // A QA browser's events are recorded per page, and its pages load the validator.
    let qa = crate::qa::active(ctx, &cookies).await;
    let mut held = Vec::new();
    // Queued once the page has reached the shopper: tracking work never holds a page up.
    let mut to_queue = Vec::new();
    for captured in captured.iter().chain(&reported) {
        let input = IngestContext {
            store: &store.config.name,
            currency: &store.config.currency,
            visitor: visitor.as_ref(),
            customer: None,
            now_ms: now_ms(),
            request_id: &page_id,
            source: Source::Server,
        };
        let mut event = server_event(captured, &page_id, &input);
        if captured.kind == RuleKind::CartUpdate {
            event.products = cart.clone();
        }
        match decision {
            Forwarding::WithIdentity | Forwarding::Anonymous => to_queue.push(event),
            // Not persisted: the page holds it until the shopper answers the banner.
            Forwarding::Hold => {
                held.push(event.held_form(&page_id));
                if qa {
                    receipt_later(env, wctx, event, Receipt::Held, HELD);
                }
            }
            Forwarding::Drop if qa => receipt_later(env, wctx, event, Receipt::Dropped, DECLINED),
            Forwarding::Drop => {}
        }
    }
    let is_html = response.status() == 200
        && response
            .headers()
            .get("content-type")?
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
    let markup = &ctx.settings.capture.order;
    let forwards = matches!(decision, Forwarding::WithIdentity | Forwarding::Anonymous);
    let order_seen = || PageOrder {
        store: store.config.name.clone(),
        currency: store.config.currency.clone(),
        visitor: visitor.clone(),
        with_email: decision == Forwarding::WithIdentity,
        browser_link: link_from_cookie_header(&cookies).map(str::to_string),
        page_id: page_id.clone(),
        qa,
        read_from: ctx
            .settings
            .scapi
            .as_ref()
            .map(|_| store.config.site_id.clone()),
    };
    if is_html && markup.is_confirmation(&path) && decision != Forwarding::Drop {
        // Read from a copy while the page streams on. The worker records that it served this
        // page for the order it shows — the proof the page's own `purchase` report, held until
        // the shopper answers the consent banner, is about that order — and with consent queues
        // its own reading, which is then the sale.
        queue_order_later(
            env,
            wctx,
            response.clone()?,
            markup.clone(),
            order_seen(),
            forwards,
        );
    }
    if ctx.settings.capture.scapi_orders
        && forwards
        && response.ok()
        && is_order_creation(method.as_ref(), &path)
    {
        // A headless storefront's order, read from a copy of SCAPI's answer as it goes on; it
        // goes to the site's store in the order's currency.
        let site_stores = ctx.settings.sale_stores(&store.config.site_id);
        queue_placed_order_later(env, wctx, response.clone()?, order_seen(), site_stores);
    }
    let mut streamed = None;
    if is_html {
        // The way the page's Content Security Policy lets the worker's scripts run.
        let delivery = script_delivery_of(&url, &response.headers())?;
        let beacon = Beacon {
            endpoint: BEACON_PATH,
            store: &store.config.name,
            page_id: &page_id,
            mode: ctx.settings.consent.mode,
            consent: reading.consent,
            consent_mode_type: &ctx.settings.consent.consent_mode_type,
            held,
        };
        let mut markup = beacon_markup(&beacon, &delivery).unwrap_or_default();
        if qa {
            markup.push_str(&qa_loader(&delivery).unwrap_or_default());
        }
        // A page the URL did not name (an SEO URL): the page's container names it.
        let views =
            (method == Method::Get && !captured.iter().any(|c| is_page_view(c.kind))).then(|| {
                Rc::new(RefCell::new(PageViews::new(
                    rules.clone(),
                    seo_product(&path),
                    store.config.name.clone(),
                    store.config.currency.clone(),
                    visitor.clone(),
                    page_id.clone(),
                    decision,
                    now_ms(),
                )))
            });
        let rewritten = inject::prepend_to_head(&response, markup, views.clone())?;
        response = rewritten.response;
        if let Some(views) = views {
            queue_found_later(env, wctx, views, qa, rewritten.streamed.clone());
        }
        streamed = Some(rewritten.streamed);
    }
    for event in to_queue {
        queue_later(env, wctx, event, qa, streamed.clone());
    }

    set_cookies.extend(identity.set_cookies);
    if is_html || !set_cookies.is_empty() {
        // Changed for this visitor (a page id of its own, a cookie of the worker's): no shared
        // cache may keep it for another. The origin's headers are immutable: the page goes on in
        // a response of its own.
        let headers = web_sys::Headers::new_with_headers(&response.headers())?;
        for cookie in &set_cookies {
            headers.append("set-cookie", cookie)?;
        }
        let private = private_headers(
            headers.get("cache-control")?.as_deref(),
            headers.get("vary")?.as_deref(),
        );
        headers.set("cache-control", &private.cache_control)?;
        headers.set("vary", &private.vary)?;
        for stale in STALE_VALIDATORS {
            headers.delete(stale)?;
        }
        let init = web_sys::ResponseInit::new();
        init.set_status(response.status());
        init.set_status_text(&response.status_text());
        init.set_headers(&headers);
        response = web_sys::Response::new_with_opt_readable_stream_and_init(
            response.body().as_ref(),
            &init,
        )?;
    }
    Ok(response)
}

/// The largest storefront answer read to tell whether an action happened (SFRA's
/// `Cart-AddProduct` answers with the whole cart).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// The storefront's answer as text, read from a copy (the shopper still gets the original), up
/// to [`MAX_ANSWER_BYTES`]; none when it cannot be copied or read.
async fn answer_text(response: &web_sys::Response) -> Option<String> {
    match response.clone() {
        Ok(copy) => response_text_at_most(copy, MAX_ANSWER_BYTES).await,
        Err(_) => None,
    }
}

/// Who a confirmation page was shown to.
struct PageOrder {
    store: String,
    currency: String,
    visitor: Option<VisitorId>,
    with_email: bool,
    /// The customer the browser was linked to (its link cookie): the sale keeps the visitor
    /// only for that customer.
    browser_link: Option<String>,
    page_id: String,
    /// A QA browser's: its receipt is recorded.
    qa: bool,
    /// The site whose order SFCC is asked for (SCAPI configured); else the page's lines are read.
    read_from: Option<String>,
}

/// The events queue, or `None` (logged): capture then stops, the page does not.
fn events_queue(env: &Env) -> Option<Queue> {
    env.queue(bindings::EVENTS)
        .inspect_err(|e| worker::console_error!("events queue unavailable: {e}"))
        .ok()
}

/// Why a captured event is a dead letter: the queue refused it, and a page seen on the server has
/// nothing that could send it again.
const QUEUE_REFUSED: &str = "the events queue refused this captured event";

/// Queues a sale the worker read itself, then the cart it emptied ([`Event::cart_emptied_by_sale`]).
async fn queue_sale(env: &Env, queue: &Queue, qa: bool, sale: Event) {
    let emptied = sale.cart_emptied_by_sale();
    queue_captured(env, queue, qa, sale).await;
    if let Some(emptied) = emptied {
        queue_captured(env, queue, qa, emptied).await;
    }
}

/// Queues one captured event, recording a QA browser's receipt first. An event the queue refuses
/// is kept as a dead letter with the queue's error, for an operator to replay; only if that
/// fails too is it lost (logged, by id, never its contents).
async fn queue_captured(env: &Env, queue: &Queue, qa: bool, event: Event) {
    let sale = event.kind == EventKind::Purchase;
    if qa {
        if let Ok(db) = env.d1(bindings::DB) {
            receipts::record(&db, std::slice::from_ref(&event), Receipt::Received, None).await;
        }
    }
    let envelope = Envelope::first(event);
    // A sale waits a little, so the page's own report of it (the shop's customer number) is
    // recorded first; they meet in `sale_details`.
    let delay_s = sale.then_some(SERVER_SALE_DELAY_S);
    let Err(refused) = enqueue(queue, &envelope, delay_s).await else {
        return;
    };
    let event = &envelope.payload;
    let reason = format!("{QUEUE_REFUSED}: {refused}");
    let kept = match (env.d1(bindings::DB), serde_json::to_string(&envelope)) {
        (Ok(db), Ok(payload)) => {
            log::dead_letter(&db, names::EVENTS, &event.store, &reason, &payload).await
        }
        (Err(e), _) => Err(e),
        (_, Err(e)) => Err(crate::platform::err(e)),
    };
    match kept {
        Ok(()) => worker::console_error!(
            "could not queue captured event {}: {refused}; kept as a dead letter",
            event.id
        ),
        Err(e) => worker::console_error!(
            "captured event {} lost: the queue refused it ({refused}) and the dead-letter store \
             too ({e})",
            event.id
        ),
    }
}

/// Reads the order from a copy of the confirmation page and queues its purchase, after the
/// response has gone out. A page that shows no readable order is logged, never the page's failure.
fn queue_order_later(
    env: &Env,
    wctx: &Context,
    copy: web_sys::Response,
    markup: OrderMarkup,
    order: PageOrder,
    forwards: bool,
) {
    let (Some(queue), Ok(db)) = (events_queue(env), env.d1(bindings::DB)) else {
        return;
    };
    let env = env.clone();
    wctx.wait_until(async move {
        let scraped = match inject::read_order(copy, &markup).await {
            Ok(s) => s,
            Err(e) => {
                worker::console_error!("could not read the order confirmation page: {e}");
                return;
            }
        };
        // An error page (an order or token SFCC does not know) shows no order number: nothing
        // was served for any order.
        let Some(event_id) = served_order_id(&scraped) else {
            worker::console_warn!(
                "order confirmation page not read: {}",
                OrderPageError::NoNumber
            );
            return;
        };
        let input = IngestContext {
            store: &order.store,
            currency: &order.currency,
            visitor: order.visitor.as_ref(),
            customer: None,
            now_ms: now_ms(),
            request_id: &order.page_id,
            source: Source::Server,
        };
        let sale = confirmation_sale(
            &scraped,
            &input,
            order.with_email,
            order.read_from.as_deref(),
        );
        let copy = match sale {
            Ok(mut event) if forwards => {
                event.page = Some(order.page_id.clone());
                event.browser_link = order.browser_link.clone();
                Some(event)
            }
            Ok(_) => None,
            // Stock SFRA prints no product ids on the lines, and without SCAPI the worker cannot
            // read the order: the page's own report (a dataLayer `purchase`), if any, is the sale.
            Err(e) => {
                worker::console_warn!("order confirmation page not read: {e}");
                None
            }
        };
        let email = copy.as_ref().and_then(|e| e.email.as_deref());
        sales::record_served(&db, &event_id, &order.page_id, email, copy.is_some()).await;
        if let Some(event) = copy {
            queue_sale(&env, &queue, order.qa, event).await;
        }
    });
}

/// Reads the order from a copy of SCAPI's answer to an order placement and queues its purchase,
/// after the response has gone out. With consent to identify it carries the shop's customer
/// number and the email; an answer that is no order is logged, never the shopper's failure.
fn queue_placed_order_later(
    env: &Env,
    wctx: &Context,
    copy: web_sys::Response,
    order: PageOrder,
    site_stores: Vec<SaleStore>,
) {
    let Some(queue) = events_queue(env) else {
        return;
    };
    let env = env.clone();
    wctx.wait_until(async move {
        let text = response_text_at_most(copy, MAX_ORDER_BYTES).await;
        let placed = match text.as_deref().map(placed_order) {
            Some(Ok(placed)) => placed,
            Some(Err(e)) => {
                worker::console_warn!("{e}");
                return;
            }
            None => {
                worker::console_error!("could not read SCAPI's order answer");
                return;
            }
        };
        let customer = placed.customer_no.as_deref().filter(|_| order.with_email);
        let chosen = SaleStore {
            name: order.store.clone(),
            currency: order.currency.clone(),
        };
        let (target, other_currency) =
            store_for_order(&site_stores, &chosen, placed.currency.as_deref());
        if other_currency {
            worker::console_warn!(
                "SCAPI order {} is in {:?}, and no store of its site sells in it: sent to {} ({})",
                placed.order.number,
                placed.currency,
                target.name,
                target.currency
            );
        }
        let input = IngestContext {
            store: &target.name,
            currency: &target.currency,
            visitor: order.visitor.as_ref(),
            customer,
            now_ms: now_ms(),
            request_id: &order.page_id,
            source: Source::Server,
        };
        match order_event(&placed.order, &input, order.with_email) {
            Ok(mut event) => {
                event.browser_link = order.browser_link.clone();
                if let Ok(db) = env.d1(bindings::DB) {
                    let email = event.email.as_deref();
                    sales::record_served(&db, &event.id, "", email, true).await;
                }
                queue_sale(&env, &queue, order.qa, event).await;
            }
            Err(e) => worker::console_warn!("SCAPI order not read: {e}"),
        }
    });
}

/// How long a captured event waits for its page to reach the shopper before it is queued anyway
/// (a shopper who leaves mid-page ends the page early, and the rewriter never sees its end).
const PAGE_WAIT_MS: u32 = 3_000;

/// How long a captured event waits after its page's end before it is queued, ms: the runtime
/// writes the page's last bytes to the shopper on the same thread, and a queue send made at once
/// held them back (measured: the consented page's added p50 went from 1.3 to 0.7 ms, level with a
/// page that queues nothing).
const AFTER_PAGE_MS: u32 = 5;

#[wasm_bindgen(inline_js = "export function settled_or_after(promise, ms, thenMs) {
  let timer;
  const waited = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
  return Promise.race([promise, waited]).finally(() => clearTimeout(timer))
    .then(() => new Promise((resolve) => setTimeout(resolve, thenMs)));
}")]
extern "C" {
    /// A promise settled `then_ms` after `promise` settles or `ms` have passed, whichever comes
    /// first (the timer then cleared): one call into JavaScript, where racing a Rust timer future
    /// made and dropped a closure and a timer across the wasm boundary on every page.
    fn settled_or_after(promise: &js_sys::Promise, ms: u32, then_ms: u32) -> js_sys::Promise;
}

/// Queues an event after the response has gone out — [`AFTER_PAGE_MS`] after `streamed` (the end
/// of a rewritten page) settles, or [`PAGE_WAIT_MS`] has passed — as [`queue_captured`] does: a
/// failure is the event's (a dead letter), never the page's.
fn queue_later(
    env: &Env,
    wctx: &Context,
    event: Event,
    qa: bool,
    streamed: Option<js_sys::Promise>,
) {
    let Some(queue) = events_queue(env) else {
        return;
    };
    let env = env.clone();
    wctx.wait_until(async move {
        if let Some(streamed) = streamed {
            // Either way the event goes on: an error of the page's stream is the shopper's.
            let waited = settled_or_after(&streamed, PAGE_WAIT_MS, AFTER_PAGE_MS);
            let _ = JsFuture::from(waited).await;
        }
        queue_captured(&env, &queue, qa, event).await
    });
}

/// Queues what the page named ([`PageViews`]) once the page has gone out, as [`queue_later`]
/// does for what the request named.
fn queue_found_later(
    env: &Env,
    wctx: &Context,
    views: Rc<RefCell<PageViews>>,
    qa: bool,
    streamed: js_sys::Promise,
) {
    let Some(queue) = events_queue(env) else {
        return;
    };
    let env = env.clone();
    wctx.wait_until(async move {
        let waited = settled_or_after(&streamed, PAGE_WAIT_MS, AFTER_PAGE_MS);
        let _ = JsFuture::from(waited).await;
        let found = std::mem::take(&mut views.borrow_mut().found);
        for event in found {
            queue_captured(&env, &queue, qa, event).await;
        }
    });
}

/// Logs, once per isolate, that requests name a site no store is for.
fn unknown_site(site: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static LOGGED: AtomicBool = AtomicBool::new(false);
    if !LOGGED.swap(true, Ordering::Relaxed) {
        worker::console_warn!(
            "requests for site {site:?}, which no store is for, are passed on untracked (add a \
             [[store]] for it, or a [[capture.hosts]] entry for its host)"
        );
    }
}

/// Why a QA browser's sighting was handed to the page to hold.
const HELD: &str = "the shopper has not answered the consent banner: handed to the page to hold";
/// Why a QA browser's sighting was dropped.
const DECLINED: &str = "the shopper declined tracking and strict mode forwards nothing";

/// Records a QA browser's sighting that is not queued (held or dropped), after the response has
/// gone out.
fn receipt_later(env: &Env, wctx: &Context, event: Event, receipt: Receipt, reason: &'static str) {
    let Ok(db) = env.d1(bindings::DB) else {
        return;
    };
    wctx.wait_until(async move {
        receipts::record(&db, std::slice::from_ref(&event), receipt, Some(reason)).await;
    });
}

thread_local! {
    /// Whether this isolate has said that a page's policy keeps the beacon out (once is enough).
    static TOLD_BLOCKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How the worker's scripts go into a page of `url` answered with `headers`
/// ([`sfcc_clerk_core::capture::csp`]). A policy that keeps them out is logged once per isolate
/// (the page itself goes on unchanged but for its headers).
fn script_delivery_of(url: &worker::Url, headers: &web_sys::Headers) -> Result<ScriptDelivery> {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let delivery = script_delivery(
        headers.get("content-security-policy")?.as_deref(),
        headers
            .get("content-security-policy-report-only")?
            .as_deref(),
        &ScriptNeeds {
            origin: PageOrigin {
                scheme: url.scheme(),
                host: &host,
                port: url.port(),
            },
            script_path: beacon_asset_path(),
            events_path: BEACON_PATH,
        },
    );
    if let ScriptDelivery::Blocked { reason } = &delivery {
        if !TOLD_BLOCKED.with(|told| told.replace(true)) {
            worker::console_warn!("no beacon on the storefront's pages: {reason}");
        }
    }
    Ok(delivery)
}
