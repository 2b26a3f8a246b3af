//! SCAPI's Admin Orders API, `getOrder`, over the storefront's placed orders: what a server
//! reads an order with, with its own API client's token (commerce-sdk
//! `apis/orders-oas-1.5.2/orders-oas-v1-public.yaml`):
//!
//! `GET /checkout/orders/v1/organizations/{organizationId}/orders/{orderNo}?siteId={siteId}`
//! → the `Order` (camelCase; lines with `basePrice`, `netPrice`, `grossPrice`,
//! `priceAfterItemDiscount`, no `price` and no master id; `customerInfo` with `customerNo`,
//! `email`, `guest`).
//!
//! As strict as the contract: the bearer must be an Account Manager token granted for the
//! tenant's `SALESFORCE_COMMERCE_API` role with `sfcc.orders` or `sfcc.orders.rw` (401 without a
//! token of that kind, 403 without the scope or for another organization); `siteId` is required
//! (400); an unknown site or order, or an order of another site, is the OAS's 404
//! (`order-not-found`, RFC 7807). The OAS declares only 200 and 404; the 400, 401 and 403 are
//! the sandbox's reading of SCAPI's common errors.

use super::site::{round2, Site};
use super::state::{Order, OrderLine};
use super::visit::Shop;
use crate::http::{header, json};
use crate::sfcc::{format_ms, record, ORGANIZATION_ID};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The route, on the sandbox's SFCC router.
pub fn routes(shop: Shop) -> Router {
    Router::new()
        .route(
            "/checkout/orders/v1/organizations/{org}/orders/{number}",
            get(get_order),
        )
        .with_state(shop)
}

fn problem(status: StatusCode, kind: &str, title: &str, detail: &str) -> Response {
    json(
        status,
        json!({
            "type": format!("https://api.commercecloud.salesforce.com/documentation/error/v1/errors/{kind}"),
            "title": title,
            "detail": detail,
        }),
    )
}

async fn get_order(
    State(shop): State<Shop>,
    Path((org, number)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let answer = answer(&shop, &org, &number, &params, &headers);
    record(
        &shop.sfcc,
        &format!("GET /checkout/orders/v1/organizations/{org}/orders/{number}"),
        answer.status(),
    );
    answer
}

fn answer(
    shop: &Shop,
    org: &str,
    number: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Response {
    let bearer = header(headers, "authorization").and_then(|h| h.strip_prefix("Bearer "));
    {
        let Ok(mut sfcc) = shop.sfcc.lock() else {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal",
                "state unavailable",
            );
        };
        let Some(scopes) = bearer.and_then(|t| sfcc.scapi_tokens.get(t)) else {
            return problem(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Unauthorized",
                "an Account Manager token granted for SALESFORCE_COMMERCE_API:{tenant} and an Orders scope is required",
            );
        };
        if !scopes
            .iter()
            .any(|s| s == "sfcc.orders" || s == "sfcc.orders.rw")
        {
            return problem(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                "the token's scopes do not include sfcc.orders or sfcc.orders.rw",
            );
        }
        if org != ORGANIZATION_ID {
            return problem(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                &format!("the token is for organization {ORGANIZATION_ID}, not {org}"),
            );
        }
        if sfcc.fail_orders > 0 {
            sfcc.fail_orders -= 1;
            let status =
                StatusCode::from_u16(sfcc.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return problem(
                status,
                "internal-server-error",
                "Injected fault",
                "fail_orders",
            );
        }
    }
    let Some(site_id) = params.get("siteId").filter(|s| !s.is_empty()) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "missing-parameter",
            "Missing Parameter",
            "the query parameter siteId is required",
        );
    };
    if !Site::ALL.iter().any(|s| s.id() == site_id) {
        return problem(
            StatusCode::NOT_FOUND,
            "not-found",
            "Site Not Found",
            &format!("The given site ID '{site_id}' does not reference an existing site."),
        );
    }
    let Ok(store) = shop.store.lock() else {
        return problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal",
            "state unavailable",
        );
    };
    match store
        .orders
        .iter()
        .find(|o| o.id == number && o.site.id() == site_id)
    {
        Some(order) => json(StatusCode::OK, order_doc(order)),
        None => problem(
            StatusCode::NOT_FOUND,
            "order-not-found",
            "Order Not Found",
            &format!("No order with number '{number}' was found."),
        ),
    }
}

/// An `Order` as getOrder answers it. The sandbox runs no promotions, so the line after its
/// promotions is the line's price; a net-taxed site's lines are net, a gross-taxed site's gross.
fn order_doc(order: &Order) -> Value {
    let net = order.site.currency() == "USD";
    json!({
        "orderNo": order.id,
        "currency": order.currency,
        "status": "new",
        "siteId": order.site.id(),
        "creationDate": format_ms(order.time * 1000),
        "taxation": if net { "net" } else { "gross" },
        "customerInfo": {
            "customerNo": order.customer_no,
            "email": order.email,
            "guest": order.customer_no.is_none(),
        },
        "productItems": order.lines.iter().enumerate().map(|(i, l)| line_doc(order.site, i, l)).collect::<Vec<_>>(),
        "productSubTotal": order.merchandise_total,
        "taxTotal": order.tax,
        "shippingTotal": order.shipping,
        "orderTotal": order.grand_total,
    })
}

fn line_doc(site: Site, index: usize, l: &OrderLine) -> Value {
    let line = round2(l.price * f64::from(l.quantity));
    let tax = site.tax(line);
    let (net, gross, rate) = if site.currency() == "USD" {
        (line, round2(line + tax), 0.08)
    } else {
        (round2(line - tax), line, 0.19)
    };
    json!({
        "itemId": format!("item{index}"),
        "productId": l.pid,
        "quantity": l.quantity,
        "basePrice": l.price,
        "netPrice": net,
        "grossPrice": gross,
        "tax": tax,
        "taxRate": rate,
        "priceAfterItemDiscount": line,
        "priceAfterOrderDiscount": line,
        "bonusProductLineItem": false,
        "shipmentId": "me",
        "position": index + 1,
    })
}

#[cfg(test)]
mod tests {
    use crate::storefront::state::OrderLine;
    use crate::storefront::Site;
    use crate::test_support::call;
    use crate::{Sandbox, SandboxConfig};
    use axum::Router;
    use base64::Engine;

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

    async fn token(r: &Router, body: &str) -> (u16, String) {
        let basic =
            base64::engine::general_purpose::STANDARD.encode("sandbox-client:sandbox-secret");
        let auth = format!("Basic {basic}");
        let a = call(
            r,
            "POST",
            "/dwsso/oauth2/access_token",
            &[FORM, ("authorization", &auth)],
            body,
        )
        .await;
        let t = a.json()["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (a.status, t)
    }

    async fn read(r: &Router, bearer: &str, path: &str) -> (u16, serde_json::Value) {
        let auth = format!("Bearer {bearer}");
        let a = call(r, "GET", path, &[("authorization", &auth)], "").await;
        (a.status, a.json())
    }

    const ORDER: &str = "/checkout/orders/v1/organizations/f_ecom_zzrf_001/orders/00000101";

    #[tokio::test]
    async fn an_order_is_read_only_with_a_token_for_the_tenant_and_the_orders_scope() {
        let sandbox = Sandbox::new(&SandboxConfig::default());
        sandbox.storefront.lock().unwrap().place(
            Site::RefArch,
            Some("00000001".into()),
            Some("alice.shopper@example.com".into()),
            vec![OrderLine {
                pid: "701644329402M".into(),
                quantity: 2,
                price: 36.5,
            }],
        );
        let r = sandbox.router();
        let scoped =
            "grant_type=client_credentials&scope=SALESFORCE_COMMERCE_API%3Azzrf_001%20sfcc.orders";
        let (status, orders) = token(&r, scoped).await;
        assert_eq!(status, 200);
        let (status, doc) = read(&r, &orders, &format!("{ORDER}?siteId=RefArch")).await;
        assert_eq!(status, 200, "{doc}");
        assert_eq!(doc["orderNo"], "00000101");
        assert_eq!(doc["currency"], "USD");
        assert_eq!(doc["customerInfo"]["customerNo"], "00000001");
        assert_eq!(doc["customerInfo"]["guest"], false);
        let line = &doc["productItems"][0];
        assert_eq!(line["productId"], "701644329402M");
        assert_eq!(line["priceAfterItemDiscount"], 73.0);
        assert!(line.get("price").is_none(), "the admin line has no price");

        // The OCAPI token (no scope) is not one SCAPI takes, nor the OCAPI API the other way.
        let (_, ocapi) = token(&r, "grant_type=client_credentials").await;
        assert_eq!(
            read(&r, &ocapi, &format!("{ORDER}?siteId=RefArch")).await.0,
            401
        );
        // A scope without the orders scope, and another organization.
        let (_, other) = token(&r, "grant_type=client_credentials&scope=SALESFORCE_COMMERCE_API%3Azzrf_001%20sfcc.products").await;
        assert_eq!(
            read(&r, &other, &format!("{ORDER}?siteId=RefArch")).await.0,
            403
        );
        let elsewhere = ORDER.replace("zzrf_001", "zzxy_prd");
        assert_eq!(
            read(&r, &orders, &format!("{elsewhere}?siteId=RefArch"))
                .await
                .0,
            403
        );
        // A tenant the client has no role for is refused by Account Manager.
        assert_eq!(token(&r, "grant_type=client_credentials&scope=SALESFORCE_COMMERCE_API%3Azzxy_prd%20sfcc.orders").await.0, 400);
        // siteId is required; an order of another site, or none, is the OAS's 404.
        assert_eq!(read(&r, &orders, ORDER).await.0, 400);
        let (status, doc) = read(&r, &orders, &format!("{ORDER}?siteId=RefArchGlobal")).await;
        assert_eq!(status, 404);
        assert!(
            doc["type"].as_str().unwrap().ends_with("/order-not-found"),
            "{doc}"
        );
        let missing = ORDER.replace("00000101", "00000999");
        assert_eq!(
            read(&r, &orders, &format!("{missing}?siteId=RefArch"))
                .await
                .0,
            404
        );
    }
}
