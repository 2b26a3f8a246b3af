//! SLAS (SCAPI's Shopper Login) as a PWA Kit app reaches it through its own origin: under its
//! API proxy path (`/mobify/proxy/api`) and, with a private client, `/mobify/slas/private`
//! (commerce-sdk-react `constant.ts`, pwa-kit 09d383ac). The calls, as SLAS's reference documents
//! them (commerce-sdk-isomorphic `apis/auth-oas-1.50.0`) and the retail app makes them
//! (commerce-sdk-isomorphic `slasHelper.ts`):
//!
//! - `POST …/shopper/auth/v1/organizations/{org}/oauth2/login` with `Authorization: Basic
//!   base64(email:password)` and a form naming `redirect_uri` and `channel_id`: a sandbox
//!   customer's right password → 303 to `{redirect_uri}?code=…&usid=…`; else 401;
//! - `POST …/oauth2/token` (form): `grant_type=authorization_code_pkce` with a login's `code`,
//!   `refresh_token` with a refresh token, or `client_credentials` (a guest) → a `TokenResponse`
//!   whose `access_token` is a JWT with the `isb` claim PWA Kit reads (`upn:{email}` for a
//!   registered shopper, `upn:Guest` else; see [`super::shopper_token`]);
//! - `GET …/oauth2/logout?client_id=…&refresh_token=…&channel_id=…` with the shopper's bearer →
//!   200 and SLAS's emptied `TokenResponse` (`logoutCustomerSuccess`).
//!
//! Unlike SLAS, codes and refresh tokens are not single-use or random: they encode their login,
//! which is all the stand-in needs to answer whose token a call gets. The bodies of SLAS's error
//! answers are not settled by its reference; the stand-in answers `{"error", "error_description"}`
//! as OAuth 2.0 does.

use super::form;
use super::visit::Shop;
use crate::http::{header, json};
use axum::extract::State;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The two paths a PWA Kit app sends SLAS calls through.
const PREFIXES: [&str; 2] = ["/mobify/proxy/api", "/mobify/slas/private"];
const AUTH: &str = "/shopper/auth/v1/organizations/{org}/oauth2";

/// The routes, for the storefront's router.
pub fn routes() -> Router<Shop> {
    PREFIXES.iter().fold(Router::new(), |router, prefix| {
        router
            .route(&format!("{prefix}{AUTH}/login"), post(login))
            .route(&format!("{prefix}{AUTH}/token"), post(token))
            .route(&format!("{prefix}{AUTH}/logout"), get(logout))
    })
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn unb64(text: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    String::from_utf8(bytes).ok()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

/// `POST …/oauth2/login`: the customer's email and password in Basic credentials.
async fn login(
    State(shop): State<Shop>,
    Path(_org): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form = form::parse(&body);
    let credentials = header(&headers, "authorization")
        .and_then(|a| a.strip_prefix("Basic "))
        .and_then(|c| {
            base64::engine::general_purpose::STANDARD
                .decode(c.trim())
                .ok()
        })
        .and_then(|c| String::from_utf8(c).ok());
    let Some((email, password)) = credentials.as_deref().and_then(|c| c.split_once(':')) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Basic credentials are required",
        );
    };
    let customers = match shop.sfcc() {
        Ok(sfcc) => sfcc.customers.clone(),
        Err(e) => return e.into_response(),
    };
    let Some(customer) = customers.iter().find(|c| c.accepts(email, password)) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Credentials are not valid",
        );
    };
    let redirect = form.get("redirect_uri").cloned().unwrap_or_default();
    let location = format!(
        "{redirect}?code=sbx-{}&usid=18cda486-fe32-4e27-888b-6e4f89938e67",
        b64(&customer.email)
    );
    (StatusCode::SEE_OTHER, [("location", location)]).into_response()
}

/// A `TokenResponse` for `login` (an email, or `Guest`), fields as SLAS's reference lists them.
fn token_response(login: &str) -> Value {
    json!({
        "access_token": super::shopper_token(login),
        "id_token": "sandbox-id-token",
        "refresh_token": format!("sbx-r-{}", b64(login)),
        "expires_in": 1800,
        "refresh_token_expires_in": 7_776_000,
        "token_type": "BEARER",
        "usid": "18cda486-fe32-4e27-888b-6e4f89938e67",
        "customer_id": format!("sbx{}", b64(login).chars().take(12).collect::<String>()),
        "enc_user_id": "45D39A8499A95288F82855427EBA99B5",
        "idp_access_token": "",
    })
}

/// `POST …/oauth2/token`.
async fn token(Path(_org): Path<String>, body: String) -> Response {
    let form = form::parse(&body);
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let login = match field("grant_type") {
        "authorization_code_pkce" => field("code").strip_prefix("sbx-").and_then(unb64),
        "refresh_token" => field("refresh_token")
            .strip_prefix("sbx-r-")
            .and_then(unb64),
        "client_credentials" => Some("Guest".to_string()),
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type is not one SLAS takes",
            )
        }
    };
    match login {
        Some(login) => json(StatusCode::OK, token_response(&login)),
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "the code or refresh token is not valid",
        ),
    }
}

/// `GET …/oauth2/logout`: the shopper's tokens end; SLAS answers an emptied token response.
async fn logout(
    Path(_org): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let bearer = header(&headers, "authorization").is_some_and(|a| a.starts_with("Bearer "));
    if !bearer || !params.contains_key("refresh_token") || !params.contains_key("client_id") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "a bearer token, refresh_token and client_id are required",
        );
    }
    json(
        StatusCode::OK,
        json!({
            "access_token": "", "id_token": "null", "refresh_token": "", "expires_in": 0,
            "refresh_token_expires_in": 0, "token_type": "Bearer", "usid": "null",
            "customer_id": "null", "enc_user_id": "null", "idp_access_token": "",
            "idp_refresh_token": "null", "dnt": "null",
        }),
    )
}
