//! The AJAX and redirect actions: add to cart, place order, login, logout, tracking consent.

use super::catalog;
use super::cookies;
use super::error::ShopError;
use super::pages::{cart, Params};
use super::state::{CartLine, OrderLine};
use super::visit::{Shop, Visit};
use crate::http::json;
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Most units of one product a cart line takes.
pub const MAX_QUANTITY: u32 = 99;

/// `Cart-AddProduct` (POST `pid`, `quantity`; from a product set page `pidsObj`, the JSON array
/// `[{pid, qty, options}]` SFRA's `base.js` posts): adds to the session's cart. As SFRA's, it
/// answers HTTP 200 whatever happened: `{"error": true, "message"}` when a product is not
/// available or out of stock (nothing is added then), else `{"error": false, "quantityTotal", …}`.
pub fn add_product(shop: &Shop, visit: &Visit, params: &Params) -> Result<Response, ShopError> {
    let quantity_of = |q: Option<&str>| match q {
        None => Ok(1),
        Some(q) => q
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|q| (1..=MAX_QUANTITY).contains(q))
            .ok_or_else(|| {
                ShopError::BadRequest(format!(
                    "quantity must be a whole number from 1 to {MAX_QUANTITY}"
                ))
            }),
    };
    let set = params
        .get("pidsObj")
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            serde_json::from_str::<Vec<serde_json::Value>>(s)
                .map_err(|e| ShopError::BadRequest(format!("pidsObj is not a JSON array: {e}")))
        })
        .transpose()?;
    let wanted: Vec<(String, u32)> = match set {
        Some(items) => items
            .iter()
            .map(|i| {
                let pid = i["pid"].as_str().unwrap_or_default().to_string();
                Ok((pid, quantity_of(i["qty"].as_str())?))
            })
            .collect::<Result<_, ShopError>>()?,
        None => {
            let pid = params
                .get("pid")
                .filter(|p| !p.is_empty())
                .ok_or_else(|| ShopError::BadRequest("pid is required".into()))?;
            vec![(
                pid.clone(),
                quantity_of(params.get("quantity").map(String::as_str))?,
            )]
        }
    };
    for (pid, _) in &wanted {
        let product = catalog::product(&*shop.sfcc()?, visit.site, pid).filter(|p| p.online);
        let refused = match product {
            None => Some(format!("Product {pid} is not available.")),
            Some(p) if p.price.is_none() || !p.in_stock => {
                Some(format!("Product {pid} is out of stock."))
            }
            Some(_) => None,
        };
        if let Some(message) = refused {
            return Ok(json(
                StatusCode::OK,
                json!({"error": true, "message": message}),
            ));
        }
    }
    let mut store = shop.store()?;
    let uuids: Vec<String> = wanted.iter().map(|_| store.token()).collect();
    let lines = store.carts.entry(visit.session.clone()).or_default();
    for ((pid, quantity), uuid) in wanted.iter().zip(uuids) {
        match lines.iter_mut().find(|l| l.pid == *pid) {
            Some(line) => line.quantity = (line.quantity + quantity).min(MAX_QUANTITY),
            None => lines.push(CartLine {
                pid: pid.clone(),
                quantity: *quantity,
                uuid,
            }),
        }
    }
    let total: u32 = lines.iter().map(|l| l.quantity).sum();
    let pid = wanted.first().map(|(p, _)| p.clone()).unwrap_or_default();
    let cart = cart_model(lines);
    Ok(json(
        StatusCode::OK,
        json!({"error": false, "quantityTotal": total, "message": "Product added to cart",
            "pid": pid, "cart": cart}),
    ))
}

/// The cart as SFRA's `CartModel` carries it, as far as the sandbox keeps one: its `items`
/// (product line items with `id`, `quantity`, `UUID`) and `numItems`.
fn cart_model(lines: &[CartLine]) -> serde_json::Value {
    json!({
        "items": lines.iter().map(|l| json!({"id": l.pid, "quantity": l.quantity, "UUID": l.uuid})).collect::<Vec<_>>(),
        "numItems": lines.iter().map(|l| l.quantity).sum::<u32>(),
    })
}

/// SFRA's answer to a cart action that found no line (HTTP 500 with `errorMessage`).
fn cart_error(message: &str) -> Response {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"errorMessage": message}),
    )
}

/// `Cart-RemoveProductLineItem?pid=&uuid=` (GET): removes the line, answering
/// `{basket: CartModel, toBeDeletedUUIDs}` as SFRA does; a line it does not find is HTTP 500.
pub fn remove_line(shop: &Shop, visit: &Visit, params: &Params) -> Result<Response, ShopError> {
    let (pid, uuid) = (param(params, "pid"), param(params, "uuid"));
    let mut store = shop.store()?;
    let lines = store.carts.entry(visit.session.clone()).or_default();
    let Some(at) = lines.iter().position(|l| l.pid == pid && l.uuid == uuid) else {
        return Ok(cart_error("Unable to remove the product from the cart."));
    };
    lines.remove(at);
    Ok(json(
        StatusCode::OK,
        json!({"basket": cart_model(lines), "toBeDeletedUUIDs": []}),
    ))
}

/// `Cart-UpdateQuantity?pid=&quantity=&uuid=` (GET): sets the line's quantity, answering the
/// `CartModel` as SFRA does; no such line, or a quantity out of 1 to 99, is HTTP 500.
pub fn update_quantity(shop: &Shop, visit: &Visit, params: &Params) -> Result<Response, ShopError> {
    let (pid, uuid) = (param(params, "pid"), param(params, "uuid"));
    let quantity = param(params, "quantity")
        .parse::<u32>()
        .ok()
        .filter(|q| (1..=MAX_QUANTITY).contains(q));
    let mut store = shop.store()?;
    let lines = store.carts.entry(visit.session.clone()).or_default();
    let line = lines.iter_mut().find(|l| l.pid == pid && l.uuid == uuid);
    match (line, quantity) {
        (Some(line), Some(q)) => line.quantity = q,
        _ => return Ok(cart_error("Unable to update the quantity of the product.")),
    }
    Ok(json(StatusCode::OK, cart_model(lines)))
}

fn param(params: &Params, name: &str) -> String {
    params.get(name).cloned().unwrap_or_default()
}

/// `CheckoutServices-PlaceOrder` (POST; a guest may send `email`): turns the cart into an order.
pub fn place_order(shop: &Shop, visit: &Visit, params: &Params) -> Result<Response, ShopError> {
    let lines: Vec<OrderLine> = cart(shop, visit)?
        .into_iter()
        .filter_map(|(p, quantity)| {
            Some(OrderLine {
                price: p.price?,
                pid: p.id,
                quantity,
            })
        })
        .collect();
    if lines.is_empty() {
        return Err(ShopError::BadRequest("the cart is empty".into()));
    }
    let email = match &visit.customer {
        Some(c) => Some(c.email.clone()),
        None => match params
            .get("email")
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
        {
            Some(e) if e.contains('@') => Some(e.to_string()),
            Some(e) => {
                return Err(ShopError::BadRequest(format!(
                    "{e:?} is not an email address"
                )))
            }
            None => None,
        },
    };
    let site = visit.site;
    let mut store = shop.store()?;
    let order = store.place(site, visit.user_id(), email, lines);
    let answer = json!({"error": false, "orderID": order.id, "orderToken": order.token, "continueUrl": site.url("Order-Confirm")});
    store.carts.remove(&visit.session);
    Ok(json(StatusCode::OK, answer))
}

/// `Account-Login` (POST `loginEmail`, `loginPassword`): sets `dwcustomer_{site}`.
pub fn login(shop: &Shop, visit: &mut Visit, params: &Params) -> Result<Response, ShopError> {
    let field = |k: &str| params.get(k).map(String::as_str).unwrap_or_default();
    let customer = shop
        .sfcc()?
        .customers
        .iter()
        .find(|c| c.accepts(field("loginEmail"), field("loginPassword")))
        .cloned();
    // As SFRA's, HTTP 200 either way: only `"success": true` says the shopper is logged in.
    let Some(customer) = customer else {
        return Ok(json(
            StatusCode::OK,
            json!({"error": ["Invalid login or password."]}),
        ));
    };
    log_in(shop, visit, customer.customer_no.clone())?;
    Ok(json(
        StatusCode::OK,
        json!({"success": true, "redirectUrl": visit.site.url("Home-Show")}),
    ))
}

/// Logs customer `customer_no` in on this visit's site: a login token in the site's customer
/// cookie.
fn log_in(shop: &Shop, visit: &mut Visit, customer_no: String) -> Result<(), ShopError> {
    let token = {
        let mut store = shop.store()?;
        let token = store.token();
        store
            .logins
            .insert(token.clone(), (visit.site, customer_no));
        token
    };
    visit
        .set_cookies
        .push(cookies::set(&visit.site.customer_cookie(), &token, true));
    Ok(())
}

/// The registration form's email field (SFRA's `profile` form).
pub const REGISTRATION_EMAIL: &str = "dwfrm_profile_customer_email";

/// `Account-SubmitRegistration` (POST, SFRA's `profile` form): as SFRA's, creates the customer
/// and logs them in (`{"success": true, "redirectUrl"}`); an email that is not one, or is
/// registered already, answers the form's field errors (`{"fields": {…}}`, no `success`). HTTP 200
/// either way.
pub fn register(shop: &Shop, visit: &mut Visit, params: &Params) -> Result<Response, ShopError> {
    let email = params
        .get(REGISTRATION_EMAIL)
        .map(|e| e.trim().to_string())
        .unwrap_or_default();
    let taken = shop
        .sfcc()?
        .customers
        .iter()
        .any(|c| c.email.eq_ignore_ascii_case(&email));
    if taken || !email.contains('@') {
        let why = if taken {
            "This email is already registered."
        } else {
            "Please enter a valid email."
        };
        return Ok(json(
            StatusCode::OK,
            json!({"fields": {REGISTRATION_EMAIL: why}}),
        ));
    }
    let customer_no = format!("{:08}", 9001 + shop.store()?.logins.len());
    log_in(shop, visit, customer_no)?;
    Ok(json(
        StatusCode::OK,
        json!({"success": true, "redirectUrl": visit.site.url("Account-Show?registration=submitted")}),
    ))
}

/// `Login-Logout`: forgets the login, starts a new session (new `dwsid`, empty cart) and
/// redirects home.
pub fn logout(shop: &Shop, visit: &mut Visit) -> Result<Response, ShopError> {
    {
        let mut store = shop.store()?;
        if let Some(token) = &visit.login_token {
            store.logins.remove(token);
        }
        visit.new_session(&mut store);
    }
    visit
        .set_cookies
        .push(cookies::clear(&visit.site.customer_cookie()));
    Ok((StatusCode::FOUND, [(LOCATION, visit.site.url("Home-Show"))]).into_response())
}

/// `ConsentTracking-SetSession?consent=…` (GET) and SFRA 6's `ConsentTracking-SetConsent?consent=…`
/// (POST): the session's TrackingAllowed, `true` only for exactly `true` (SFRA reads
/// `req.querystring.consent === 'true'`); `dw_dnt` follows on this and every later response.
pub fn consent(shop: &Shop, visit: &mut Visit, params: &Params) -> Result<Response, ShopError> {
    let allowed = params.get("consent").map(String::as_str) == Some("true");
    shop.store()?
        .tracking
        .insert(visit.session.clone(), allowed);
    visit.tracking = Some(allowed);
    Ok(json(StatusCode::OK, json!({"success": true})))
}
