//! Why a storefront request failed, and the page or JSON it answers with.

use super::html::escape;
use crate::http::json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

/// A storefront failure.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ShopError {
    /// A lock was poisoned by a panic elsewhere.
    #[error("storefront state unavailable")]
    StateUnavailable,
    /// No such page, site, product, category or order.
    #[error("{0}")]
    NotFound(String),
    /// The action does not take this method.
    #[error("{0} does not take this method")]
    MethodNotAllowed(String),
    /// A form or query value is missing or malformed (AJAX actions answer JSON).
    #[error("{0}")]
    BadRequest(String),
}

impl IntoResponse for ShopError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        match self {
            ShopError::BadRequest(_) => json(
                StatusCode::BAD_REQUEST,
                json!({"error": true, "message": message}),
            ),
            ShopError::NotFound(_) => page(StatusCode::NOT_FOUND, &message),
            ShopError::MethodNotAllowed(_) => page(StatusCode::METHOD_NOT_ALLOWED, &message),
            ShopError::StateUnavailable => page(StatusCode::INTERNAL_SERVER_ERROR, &message),
        }
    }
}

fn page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html><head><title>Error</title></head><body><h1 class=\"error-message\">{}</h1></body></html>",
        escape(message)
    );
    (status, Html(body)).into_response()
}
