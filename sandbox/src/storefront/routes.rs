//! The storefront router: pipeline URLs dispatched by `{Controller-Action}`, SEO URLs under
//! `/s/{site}/`, static assets, the
//! request recorder, and the `/__sandbox/storefront/` controls.

use super::error::ShopError;
use super::site::Site;
use super::state::{RecordedRequest, RECORDED_HEADERS};
use super::visit::{Shop, Visit};
use super::{actions, assets, control, einstein, form, pages, scapi, slas};
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;

/// Largest request body the storefront reads.
pub const MAX_BODY: usize = 1 << 20;

/// The storefront on its own router (its paths would not clash with OCAPI's, but it is served on
/// its own port as a separate origin).
pub fn routes(shop: Shop) -> Router {
    Router::new()
        .route(
            "/on/demandware.store/{site}/{locale}/{action}",
            any(dispatch),
        )
        .route("/s/{site}/{*rest}", get(dispatch_seo))
        .route(
            "/on/demandware.static/{site}/-/default/{version}/{*file}",
            get(assets::serve),
        )
        .merge(einstein::route())
        .merge(scapi::routes())
        .merge(slas::routes())
        // Any other path is the storefront's 404, recorded like every request.
        .fallback(|request: Request| async move {
            ShopError::NotFound(format!("no page at {}", request.uri().path())).into_response()
        })
        .layer(middleware::from_fn_with_state(shop.clone(), record))
        .merge(control::routes())
        .with_state(shop)
}

/// Keeps method, path and query, the [`RECORDED_HEADERS`] and the body length of every request.
async fn record(State(shop): State<Shop>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return ShopError::BadRequest(format!("bodies are limited to {MAX_BODY} bytes"))
            .into_response();
    };
    let headers = RECORDED_HEADERS
        .iter()
        .filter_map(|name| {
            let values: Vec<&str> = parts
                .headers
                .get_all(*name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            (!values.is_empty()).then(|| (name.to_string(), values.join(", ")))
        })
        .collect();
    let entry = RecordedRequest {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_string(), |p| p.to_string()),
        headers,
        body_length: bytes.len(),
    };
    if let Ok(mut store) = shop.store() {
        store.requests.push(entry);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

async fn dispatch(
    State(shop): State<Shop>,
    Path((site, locale, action)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    method: Method,
    headers: HeaderMap,
    body: String,
) -> Response {
    let site = match Site::from_segment_in(&site, &locale) {
        Some(site) => site,
        None => {
            return ShopError::NotFound(format!("no site {site} with locale {locale}"))
                .into_response()
        }
    };
    let mut params = form::parse(query.as_deref().unwrap_or_default());
    if method == Method::POST {
        for (k, v) in form::parse(&body) {
            params.entry(k).or_insert(v);
        }
    }
    serve(&shop, site, &action, params, &method, &headers)
}

/// An SEO URL on a host without an alias, as SFCC's URL rules resolve it for RefArch:
/// `/s/{site}/` the home page, `/s/{site}/{slug}/{pid}.html` a product, `/s/{site}/search?q=` a
/// search, `/s/{site}/{a}/{b}/` the category `a-b` (RefArch's category ids join their path); the
/// locale from `?lang=` (else the site's first). Pages only.
async fn dispatch_seo(
    State(shop): State<Shop>,
    Path((site_id, rest)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let mut params = form::parse(query.as_deref().unwrap_or_default());
    let lang = params.get("lang").cloned().unwrap_or_default();
    let site = Site::ALL
        .into_iter()
        .find(|s| s.id() == site_id && s.locale() == lang)
        .or_else(|| Site::ALL.into_iter().find(|s| s.id() == site_id));
    let Some(site) = site else {
        return ShopError::NotFound(format!("no site {site_id}")).into_response();
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let action = match segments.as_slice() {
        [] => "Home-Show",
        ["search"] => "Search-Show",
        [.., last] if last.ends_with(".html") && segments.len() >= 2 => {
            let pid = last.trim_end_matches(".html").to_string();
            params.insert("pid".into(), pid);
            "Product-Show"
        }
        _ if rest.ends_with('/') => {
            params.insert("cgid".into(), segments.join("-"));
            "Search-Show"
        }
        _ => return ShopError::NotFound(format!("no page {rest}")).into_response(),
    };
    serve(&shop, site, action, params, &method, &headers)
}

fn serve(
    shop: &Shop,
    site: Site,
    action: &str,
    params: pages::Params,
    method: &Method,
    headers: &HeaderMap,
) -> Response {
    let mut visit = match Visit::start(shop, site, headers) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    visit.action = action.to_string();
    let mut names: Vec<&String> = params.keys().collect();
    names.sort();
    visit.querystring = names
        .iter()
        .map(|k| format!("{}={}", form::encode(k), form::encode(&params[*k])))
        .collect::<Vec<_>>()
        .join("&");
    let mut response = handle(shop, &mut visit, action, method, &params)
        .unwrap_or_else(IntoResponse::into_response);
    // SFCC writes dw_dnt on every response, from the session's TrackingAllowed.
    visit.set_cookies.push(visit.dnt_cookie());
    for cookie in &visit.set_cookies {
        if let Ok(v) = HeaderValue::from_str(cookie) {
            response.headers_mut().append("set-cookie", v);
        }
    }
    response
}

fn handle(
    shop: &Shop,
    visit: &mut Visit,
    action: &str,
    method: &Method,
    params: &pages::Params,
) -> Result<Response, ShopError> {
    let get = *method == Method::GET || *method == Method::HEAD;
    let post = *method == Method::POST;
    let only = |allowed: bool| {
        if allowed {
            Ok(())
        } else {
            Err(ShopError::MethodNotAllowed(action.to_string()))
        }
    };
    match action {
        "Home-Show" => only(get).and_then(|_| pages::home(shop, visit)),
        "Search-Show" => only(get).and_then(|_| pages::search(shop, visit, params)),
        "Product-Show" => only(get).and_then(|_| pages::product(shop, visit, params)),
        "Cart-Show" => only(get).and_then(|_| pages::cart_page(shop, visit)),
        "Checkout-Begin" => only(get).and_then(|_| pages::checkout(shop, visit)),
        "Order-Confirm" => only(get || post).and_then(|_| pages::confirm(shop, visit, params)),
        "Cart-AddProduct" => only(post).and_then(|_| actions::add_product(shop, visit, params)),
        "Cart-RemoveProductLineItem" => {
            only(get).and_then(|_| actions::remove_line(shop, visit, params))
        }
        "Cart-UpdateQuantity" => {
            only(get).and_then(|_| actions::update_quantity(shop, visit, params))
        }
        "CheckoutServices-PlaceOrder" => {
            only(post).and_then(|_| actions::place_order(shop, visit, params))
        }
        "Account-Login" => only(post).and_then(|_| actions::login(shop, visit, params)),
        "Account-SubmitRegistration" => {
            only(post).and_then(|_| actions::register(shop, visit, params))
        }
        "Login-Logout" => only(get || post).and_then(|_| actions::logout(shop, visit)),
        "ConsentTracking-SetSession" => {
            only(get).and_then(|_| actions::consent(shop, visit, params))
        }
        "ConsentTracking-SetConsent" => {
            only(post).and_then(|_| actions::consent(shop, visit, params))
        }
        _ => Err(ShopError::NotFound(format!(
            "no controller action {action}"
        ))),
    }
}
