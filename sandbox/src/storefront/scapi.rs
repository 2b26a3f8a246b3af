//! SCAPI's Shopper Baskets and Shopper Orders behind PWA Kit's proxy path, as a PWA Kit
//! storefront's own origin serves them (`/mobify/proxy/api/…`, the app's default), enough to
//! place an order the way the retail app does:
//!
//! - `POST …/checkout/shopper-baskets/v1/organizations/{org}/baskets?siteId=` → a `Basket`;
//! - `POST …/baskets/{basketId}/items?siteId=` with `[{productId, quantity}]` → the `Basket`,
//!   priced from the catalog in the site's currency;
//! - `PATCH …/baskets/{basketId}/items/{itemId}?siteId=` with `{quantity}` and
//!   `DELETE …/items/{itemId}?siteId=` → the `Basket` (lines carry their `itemId`; an empty
//!   basket has no `productItems`);
//! - `PUT …/baskets/{basketId}/customer?siteId=` with `{email}` → the `Basket`;
//! - `POST …/checkout/shopper-orders/v1/organizations/{org}/orders?siteId=` with `{basketId}` →
//!   the placed `Order` (`orderNo`, `productItems` with `basePrice` and the line's prices,
//!   `customerInfo`), also listed
//!   by `GET /__sandbox/storefront/orders`.
//!
//! Every call needs a SLAS bearer token. A registered shopper's is a JWT whose `isb` claim names
//! the login (`uido:ecom::upn:{email}::…`) of a sandbox customer; any other token is a guest's.

use super::catalog;
use super::error::ShopError;
use super::site::{round2, Site};
use super::state::{CartLine, OrderLine};
use super::visit::Shop;
use crate::http::{header, json};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post, put};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;

const BASKETS: &str = "/mobify/proxy/api/checkout/shopper-baskets/v1/organizations/{org}/baskets";
const ORDERS: &str = "/mobify/proxy/api/checkout/shopper-orders/v1/organizations/{org}/orders";

/// A basket: its site, lines, email, and the registered customer it belongs to.
#[derive(Debug, Clone)]
pub struct Basket {
    site: Site,
    lines: Vec<CartLine>,
    email: Option<String>,
    customer_no: Option<String>,
}

/// A SLAS-shaped shopper token the stand-in reads as `login`'s (a sandbox customer's email; any
/// other login, e.g. `Guest`, is a guest): a JWT whose `isb` claim names the login. Not signed.
pub fn shopper_token(login: &str) -> String {
    let part = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.unsigned",
        part(json!({"alg": "none", "typ": "JWT"})),
        part(json!({"isb": format!("uido:ecom::upn:{login}::uidn:{login}::chid:sandbox")}))
    )
}

/// The routes, for the storefront's router.
pub fn routes() -> Router<Shop> {
    Router::new()
        .route(BASKETS, post(create_basket))
        .route(&format!("{BASKETS}/{{basket}}/items"), post(add_items))
        .route(&format!("{BASKETS}/{{basket}}/customer"), put(set_customer))
        .route(
            &format!("{BASKETS}/{{basket}}/items/{{item}}"),
            patch(update_item).delete(remove_item),
        )
        .route(ORDERS, post(create_order))
}

type Params = Query<HashMap<String, String>>;

/// A SCAPI error answer: status, `title` (also its `type`) and `detail`.
#[derive(Debug)]
struct Fault {
    status: StatusCode,
    title: &'static str,
    detail: String,
}

fn fault(status: StatusCode, title: &'static str, detail: &str) -> Fault {
    Fault {
        status,
        title,
        detail: detail.to_string(),
    }
}

impl IntoResponse for Fault {
    fn into_response(self) -> Response {
        let body = json!({"title": self.title, "type": self.title, "detail": self.detail});
        json(self.status, body)
    }
}

impl From<ShopError> for Fault {
    fn from(e: ShopError) -> Self {
        fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            &e.to_string(),
        )
    }
}

/// The site the call names (`siteId`) and the registered customer its token is for.
fn caller(
    shop: &Shop,
    params: &Params,
    headers: &HeaderMap,
) -> Result<(Site, Option<String>), Fault> {
    let token = header(headers, "authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            fault(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "a SLAS bearer token is required",
            )
        })?;
    let site = params
        .get("siteId")
        .and_then(|id| Site::ALL.into_iter().find(|s| s.id() == id))
        .ok_or_else(|| {
            fault(
                StatusCode::BAD_REQUEST,
                "SiteNotFound",
                "siteId must be RefArch or RefArchGlobal",
            )
        })?;
    let login = token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|p| serde_json::from_slice::<Value>(&p).ok())
        .and_then(|claims| {
            let isb = claims["isb"].as_str()?.to_string();
            let upn = isb.split("::").find_map(|part| part.strip_prefix("upn:"))?;
            Some(upn.to_string())
        });
    let customer_no = match login {
        Some(email) => shop
            .sfcc()?
            .customers
            .iter()
            .find(|c| c.email == email)
            .map(|c| c.customer_no.clone()),
        None => None,
    };
    Ok((site, customer_no))
}

fn body_json(body: &str) -> Result<Value, Fault> {
    serde_json::from_str(body)
        .map_err(|e| fault(StatusCode::BAD_REQUEST, "MalformedBody", &e.to_string()))
}

/// The basket document, priced from the catalog.
/// The basket document, priced from the catalog; each line with its `itemId`. An empty
/// basket has no `productItems`, as SCAPI leaves out an empty list.
fn basket_doc(shop: &Shop, id: &str, basket: &Basket) -> Result<Value, ShopError> {
    let items = priced(shop, basket)?;
    let subtotal = round2(items.iter().map(|l| l.price * f64::from(l.quantity)).sum());
    let docs: Vec<Value> = items
        .iter()
        .map(|l| {
            let mut doc = line_doc(l);
            let item = basket.lines.iter().find(|b| b.pid == l.pid);
            doc["itemId"] = json!(item.map(|b| b.uuid.clone()).unwrap_or_default());
            doc
        })
        .collect();
    let mut doc = json!({
        "basketId": id,
        "currency": basket.site.currency(),
        "customerInfo": {"email": basket.email, "customerNo": basket.customer_no},
        "productSubTotal": subtotal,
    });
    if !docs.is_empty() {
        doc["productItems"] = json!(docs);
    }
    Ok(doc)
}

/// A product line as SCAPI documents it: unit `basePrice`, the line's `price`, and the line after
/// product and order promotions (the sandbox runs none, so those are the line's price).
fn line_doc(l: &OrderLine) -> Value {
    let line = round2(l.price * f64::from(l.quantity));
    json!({
        "productId": l.pid, "quantity": l.quantity, "basePrice": l.price, "price": line,
        "priceAfterItemDiscount": line, "priceAfterOrderDiscount": line
    })
}

fn priced(shop: &Shop, basket: &Basket) -> Result<Vec<OrderLine>, ShopError> {
    let sfcc = shop.sfcc()?;
    Ok(basket
        .lines
        .iter()
        .filter_map(|l| {
            let product = catalog::product(&sfcc, basket.site, &l.pid)?;
            Some(OrderLine {
                pid: l.pid.clone(),
                quantity: l.quantity,
                price: product.price?,
            })
        })
        .collect())
}

/// What a call answers: a document, or a SCAPI fault.
type Answer = Result<Response, Fault>;

fn ok(doc: Value) -> Answer {
    Ok(json(StatusCode::OK, doc))
}

async fn create_basket(State(shop): State<Shop>, params: Params, headers: HeaderMap) -> Answer {
    let (site, customer_no) = caller(&shop, &params, &headers)?;
    let basket = Basket {
        site,
        lines: Vec::new(),
        email: None,
        customer_no,
    };
    let id = {
        let mut store = shop.store()?;
        let id = store.token();
        store.scapi_baskets.insert(id.clone(), basket.clone());
        id
    };
    ok(basket_doc(&shop, &id, &basket)?)
}

fn no_basket(id: &str) -> Fault {
    fault(
        StatusCode::NOT_FOUND,
        "BasketNotFound",
        &format!("no basket {id} for this shopper"),
    )
}

/// Runs `change` on the caller's basket `id` and answers the basket.
fn with_basket(
    shop: &Shop,
    id: &str,
    params: &Params,
    headers: &HeaderMap,
    change: impl FnOnce(&mut Basket),
) -> Answer {
    let (site, customer_no) = caller(shop, params, headers)?;
    let basket = {
        let mut store = shop.store()?;
        let basket = store
            .scapi_baskets
            .get_mut(id)
            .filter(|b| b.site == site && b.customer_no == customer_no)
            .ok_or_else(|| no_basket(id))?;
        change(basket);
        basket.clone()
    };
    ok(basket_doc(shop, id, &basket)?)
}

async fn add_items(
    State(shop): State<Shop>,
    Path((_, id)): Path<(String, String)>,
    params: Params,
    headers: HeaderMap,
    body: String,
) -> Answer {
    let malformed = |why: &str| fault(StatusCode::BAD_REQUEST, "MalformedBody", why);
    let items = match body_json(&body)? {
        Value::Array(items) if !items.is_empty() => items,
        _ => return Err(malformed("a list of {productId, quantity} is expected")),
    };
    let mut lines = Vec::new();
    let mut store = shop.store()?;
    for item in &items {
        let (Some(pid), Some(quantity)) = (item["productId"].as_str(), item["quantity"].as_u64())
        else {
            return Err(malformed("each item needs productId and quantity"));
        };
        if quantity == 0 {
            return Err(fault(
                StatusCode::BAD_REQUEST,
                "InvalidQuantity",
                "quantity must be at least 1",
            ));
        }
        lines.push(CartLine {
            pid: pid.to_string(),
            quantity: quantity.min(u64::from(u32::MAX)) as u32,
            // SCAPI's `itemId`, opaque like SFCC's line UUIDs.
            uuid: store.token(),
        });
    }
    drop(store);
    with_basket(&shop, &id, &params, &headers, |basket| {
        for line in lines {
            match basket.lines.iter_mut().find(|l| l.pid == line.pid) {
                Some(l) => l.quantity = l.quantity.saturating_add(line.quantity),
                None => basket.lines.push(line),
            }
        }
    })
}

/// `PATCH …/baskets/{basketId}/items/{itemId}` with `{quantity}`: the line's new quantity, at
/// least 1 (the retail app removes a line with `DELETE` instead; SCAPI's reference does not say
/// what `0` does, so the stand-in refuses it).
async fn update_item(
    State(shop): State<Shop>,
    Path((_, id, item)): Path<(String, String, String)>,
    params: Params,
    headers: HeaderMap,
    body: String,
) -> Answer {
    let quantity = body_json(&body)?["quantity"]
        .as_u64()
        .filter(|q| *q >= 1)
        .ok_or_else(|| {
            fault(
                StatusCode::BAD_REQUEST,
                "InvalidQuantity",
                "quantity must be at least 1",
            )
        })?;
    change_item(&shop, &id, &item, &params, &headers, quantity)
}

/// `DELETE …/baskets/{basketId}/items/{itemId}`.
async fn remove_item(
    State(shop): State<Shop>,
    Path((_, id, item)): Path<(String, String, String)>,
    params: Params,
    headers: HeaderMap,
) -> Answer {
    change_item(&shop, &id, &item, &params, &headers, 0)
}

/// Sets line `item` of basket `id` to `quantity` (0 removes it); an unknown line is SCAPI's 404.
fn change_item(
    shop: &Shop,
    id: &str,
    item: &str,
    params: &Params,
    headers: &HeaderMap,
    quantity: u64,
) -> Answer {
    let mut found = false;
    let answer = with_basket(shop, id, params, headers, |basket| {
        found = basket.lines.iter().any(|l| l.uuid == item);
        basket.lines.retain(|l| l.uuid != item || quantity > 0);
        for line in basket.lines.iter_mut().filter(|l| l.uuid == item) {
            line.quantity = quantity.min(u64::from(u32::MAX)) as u32;
        }
    })?;
    if found {
        Ok(answer)
    } else {
        Err(fault(
            StatusCode::NOT_FOUND,
            "ProductItemNotFound",
            &format!("no item {item} in basket {id}"),
        ))
    }
}

async fn set_customer(
    State(shop): State<Shop>,
    Path((_, id)): Path<(String, String)>,
    params: Params,
    headers: HeaderMap,
    body: String,
) -> Answer {
    let email = body_json(&body)?["email"]
        .as_str()
        .map(str::trim)
        .filter(|e| e.contains('@'))
        .map(String::from)
        .ok_or_else(|| fault(StatusCode::BAD_REQUEST, "InvalidEmail", "email is required"))?;
    with_basket(&shop, &id, &params, &headers, |basket| {
        basket.email = Some(email)
    })
}

async fn create_order(
    State(shop): State<Shop>,
    params: Params,
    headers: HeaderMap,
    body: String,
) -> Answer {
    let (site, customer_no) = caller(&shop, &params, &headers)?;
    let id = body_json(&body)?["basketId"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| {
            fault(
                StatusCode::BAD_REQUEST,
                "MalformedBody",
                "basketId is required",
            )
        })?;
    let basket = shop
        .store()?
        .scapi_baskets
        .get(&id)
        .cloned()
        .filter(|b| b.site == site && b.customer_no == customer_no)
        .ok_or_else(|| no_basket(&id))?;
    let lines = priced(&shop, &basket)?;
    if lines.is_empty() {
        return Err(fault(
            StatusCode::BAD_REQUEST,
            "EmptyBasket",
            "the basket has no orderable items",
        ));
    }
    let email = match &basket.customer_no {
        Some(no) => shop
            .sfcc()?
            .customers
            .iter()
            .find(|c| &c.customer_no == no)
            .map(|c| c.email.clone()),
        None => basket.email.clone(),
    };
    let mut store = shop.store()?;
    let order = store.place(site, basket.customer_no.clone(), email, lines);
    store.scapi_baskets.remove(&id);
    let doc = json!({
        "orderNo": order.id,
        "currency": order.currency,
        "status": "created",
        "customerInfo": {"customerNo": order.customer_no, "email": order.email},
        "productItems": order.lines.iter().map(line_doc).collect::<Vec<_>>(),
        "productSubTotal": order.merchandise_total,
        "orderTotal": order.grand_total,
    });
    ok(doc)
}
