//! SCAPI's Admin Orders API, `getOrder` and `getOrders`, over the storefront's orders (those
//! placed while it runs and its past ones, [`super::history`]): what a server reads orders with,
//! with its own API client's token (commerce-sdk
//! `apis/orders-oas-1.5.2/orders-oas-v1-public.yaml`):
//!
//! `GET /checkout/orders/v1/organizations/{organizationId}/orders/{orderNo}?siteId={siteId}`
//! → the `Order` (camelCase; lines with `basePrice`, `netPrice`, `grossPrice`,
//! `priceAfterItemDiscount`, no `price` and no master id; `customerInfo` with `customerNo`,
//! `email`, `guest`).
//!
//! `GET /checkout/orders/v1/organizations/{organizationId}/orders?siteId=…` → `{data: [Order]}`
//! and nothing else (no total): `creationDateFrom` (inclusive) and `creationDateTo` (exclusive),
//! `sortBy` `creation_date` | `last_modified_date` (default `creation_date`), `sortOrder` `asc` |
//! `desc` (default `desc`), `status` (up to two of `new`, `completed`, `cancelled`), `limit` 1–200
//! (default 100) and `offset`, `offset + limit` ≤ 10,000. A value out of those bounds is a 400
//! (the OAS states the bounds, not the fault: the sandbox's reading).
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
        .route(
            "/checkout/orders/v1/organizations/{org}/orders",
            get(get_orders),
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
    if let Err(refused) = authorized(shop, org, headers) {
        return *refused;
    }
    let site_id = match site_of(params) {
        Ok(site) => site,
        Err(refused) => return *refused,
    };
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
        .chain(&store.history)
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

type Refused = Box<Response>;

fn internal() -> Refused {
    Box::new(problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal",
        "state unavailable",
    ))
}

/// The bearer's right to read orders of organization `org`: a token granted for the tenant's
/// role and an orders scope. An injected fault (`fail_orders`) answers here too.
fn authorized(shop: &Shop, org: &str, headers: &HeaderMap) -> Result<(), Refused> {
    let bearer = header(headers, "authorization").and_then(|h| h.strip_prefix("Bearer "));
    let mut sfcc = shop.sfcc.lock().map_err(|_| internal())?;
    let refused =
        |status, kind, title, detail: &str| Box::new(problem(status, kind, title, detail));
    let Some(scopes) = bearer.and_then(|t| sfcc.scapi_tokens.get(t)) else {
        return Err(refused(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "an Account Manager token granted for SALESFORCE_COMMERCE_API:{tenant} and an Orders scope is required",
        ));
    };
    if !scopes
        .iter()
        .any(|s| s == "sfcc.orders" || s == "sfcc.orders.rw")
    {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            "the token's scopes do not include sfcc.orders or sfcc.orders.rw",
        ));
    }
    if org != ORGANIZATION_ID {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            &format!("the token is for organization {ORGANIZATION_ID}, not {org}"),
        ));
    }
    if sfcc.fail_orders > 0 {
        sfcc.fail_orders -= 1;
        let status =
            StatusCode::from_u16(sfcc.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return Err(refused(
            status,
            "internal-server-error",
            "Injected fault",
            "fail_orders",
        ));
    }
    Ok(())
}

/// The required `siteId`, a site the instance has (400 without one, the OAS's 404 for another).
fn site_of(params: &HashMap<String, String>) -> Result<String, Refused> {
    let Some(site_id) = params.get("siteId").filter(|s| !s.is_empty()) else {
        return Err(Box::new(problem(
            StatusCode::BAD_REQUEST,
            "missing-parameter",
            "Missing Parameter",
            "the query parameter siteId is required",
        )));
    };
    if !Site::ALL.iter().any(|s| s.id() == site_id) {
        return Err(Box::new(problem(
            StatusCode::NOT_FOUND,
            "not-found",
            "Site Not Found",
            &format!("The given site ID '{site_id}' does not reference an existing site."),
        )));
    }
    Ok(site_id.clone())
}

async fn get_orders(
    State(shop): State<Shop>,
    Path(org): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let answer = match search(&shop, &org, &params, &headers) {
        Ok(answer) => answer,
        Err(refused) => *refused,
    };
    record(
        &shop.sfcc,
        &format!("GET /checkout/orders/v1/organizations/{org}/orders"),
        answer.status(),
    );
    answer
}

/// How `getOrders` is asked to read.
struct Search {
    from: Option<String>,
    to: Option<String>,
    statuses: Vec<String>,
    ascending: bool,
    offset: usize,
    limit: usize,
}

fn bad_parameter(detail: String) -> Refused {
    Box::new(problem(
        StatusCode::BAD_REQUEST,
        "invalid-parameter",
        "Invalid Parameter",
        &detail,
    ))
}

/// A date-time parameter as SFCC writes it, with three digits of milliseconds (so dates compare
/// as text); `2015-05-19T15:30:18Z` and `…18.5Z` are taken too.
fn date_param(params: &HashMap<String, String>, name: &str) -> Result<Option<String>, Refused> {
    let Some(v) = params.get(name) else {
        return Ok(None);
    };
    let bad = || {
        bad_parameter(format!(
            "{name} {v:?} is not a date-time like 2015-05-19T15:30:18.000Z"
        ))
    };
    let body = v.strip_suffix('Z').ok_or_else(bad)?;
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let shape = whole.len() == 19
        && whole.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape || fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(Some(format!("{whole}.{fraction:0<3}Z")))
}

fn search_of(params: &HashMap<String, String>) -> Result<Search, Refused> {
    let number = |name: &str, default: usize| match params.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| bad_parameter(format!("{name} {v:?} is not a whole number ≥ 0"))),
    };
    let (limit, offset) = (number("limit", 100)?, number("offset", 0)?);
    if !(1..=200).contains(&limit) {
        return Err(bad_parameter(format!(
            "limit {limit} must be between 1 and 200"
        )));
    }
    if offset + limit > 10_000 {
        return Err(bad_parameter(
            "the sum of the offset and limit parameters cannot be greater than 10000".into(),
        ));
    }
    match params.get("sortBy").map(String::as_str) {
        None | Some("creation_date" | "last_modified_date") => {}
        Some(other) => {
            return Err(bad_parameter(format!(
                "sortBy {other:?} is not creation_date or last_modified_date"
            )))
        }
    }
    let ascending = match params.get("sortOrder").map(String::as_str) {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(other) => {
            return Err(bad_parameter(format!(
                "sortOrder {other:?} is not asc or desc"
            )))
        }
    };
    let statuses: Vec<String> = params
        .get("status")
        .map(|s| s.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    if statuses.len() > 2
        || statuses
            .iter()
            .any(|s| !["new", "completed", "cancelled"].contains(&s.as_str()))
    {
        return Err(bad_parameter(format!(
            "status {:?}: up to two of 'new', 'completed' and 'cancelled'",
            params.get("status")
        )));
    }
    Ok(Search {
        from: date_param(params, "creationDateFrom")?,
        to: date_param(params, "creationDateTo")?,
        statuses,
        ascending,
        offset,
        limit,
    })
}

fn search(
    shop: &Shop,
    org: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response, Refused> {
    authorized(shop, org, headers)?;
    let site_id = site_of(params)?;
    let search = search_of(params)?;
    let store = shop.store.lock().map_err(|_| internal())?;
    let mut found: Vec<(String, &Order)> = store
        .history
        .iter()
        .chain(&store.orders)
        .filter(|o| o.site.id() == site_id)
        .filter(|o| search.statuses.is_empty() || search.statuses.contains(&o.status))
        .map(|o| (format_ms(o.time * 1000), o))
        .filter(|(created, _)| search.from.as_ref().is_none_or(|from| created >= from))
        .filter(|(created, _)| search.to.as_ref().is_none_or(|to| created < to))
        .collect();
    // By date, then as placed; the OAS names no order among orders of one date.
    found.sort_by(|a, b| a.0.cmp(&b.0));
    if !search.ascending {
        found.reverse();
    }
    let data: Vec<Value> = found
        .iter()
        .skip(search.offset)
        .take(search.limit)
        .map(|(_, o)| order_doc(o))
        .collect();
    Ok(json(StatusCode::OK, json!({ "data": data })))
}

/// An `Order` as getOrder answers it. The sandbox runs no promotions, so the line after its
/// promotions is the line's price; a net-taxed site's lines are net, a gross-taxed site's gross.
fn order_doc(order: &Order) -> Value {
    let net = order.site.currency() == "USD";
    json!({
        "orderNo": order.id,
        "currency": order.currency,
        "status": order.status,
        "siteId": order.site.id(),
        "customerLocale": order.site.locale(),
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

    const ORDERS: &str = "/checkout/orders/v1/organizations/f_ecom_zzrf_001/orders";

    fn numbers(page: &serde_json::Value) -> Vec<&str> {
        page["data"]
            .as_array()
            .map(|d| d.iter().filter_map(|o| o["orderNo"].as_str()).collect())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn past_orders_are_searched_by_site_date_and_status_oldest_or_newest_first() {
        let sandbox = Sandbox::new(&SandboxConfig::default());
        let r = sandbox.router();
        let scoped =
            "grant_type=client_credentials&scope=SALESFORCE_COMMERCE_API%3Azzrf_001%20sfcc.orders";
        let (_, orders) = token(&r, scoped).await;
        // By default: every status, newest first, and nothing but `data`.
        let (status, all) = read(&r, &orders, &format!("{ORDERS}?siteId=RefArch")).await;
        assert_eq!(status, 200, "{all}");
        assert_eq!(all.as_object().map(|o| o.len()), Some(1), "only `data`");
        assert_eq!(
            numbers(&all),
            [
                "00000012", "00000011", "00000010", "00000008", "00000007", "00000006", "00000004",
                "00000003", "00000002", "00000001"
            ]
        );
        assert_eq!(all["data"][0]["status"], "new");
        // Placed orders, oldest first, in a window (from inclusive, to exclusive), paged.
        let created = |n: &str| {
            let order = all["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["orderNo"] == n);
            order.unwrap()["creationDate"].as_str().unwrap().to_string()
        };
        let window = format!(
            "{ORDERS}?siteId=RefArch&status=new,completed&sortOrder=asc&sortBy=creation_date\
             &creationDateFrom={}&creationDateTo={}&limit=2",
            created("00000002"),
            created("00000011")
        );
        let (_, first) = read(&r, &orders, &window).await;
        assert_eq!(numbers(&first), ["00000002", "00000003"]);
        let (_, next) = read(&r, &orders, &format!("{window}&offset=2")).await;
        assert_eq!(
            numbers(&next),
            ["00000006", "00000007"],
            "cancelled 4 left out; 6 and 7 share a second"
        );
        let (_, last) = read(&r, &orders, &format!("{window}&offset=4")).await;
        assert_eq!(
            numbers(&last),
            Vec::<&str>::new(),
            "11 is at the window's end, excluded"
        );
        let (_, other_site) = read(&r, &orders, &format!("{ORDERS}?siteId=RefArchGlobal")).await;
        assert_eq!(numbers(&other_site), ["00000009", "00000013", "00000005"]);
        assert_eq!(other_site["data"][1]["customerLocale"], "fr_FR");
        // Out of the contract's bounds.
        for bad in [
            "limit=201",
            "limit=0",
            "offset=9900&limit=101",
            "status=new,completed,cancelled",
            "status=failed",
            "sortOrder=up",
            "sortBy=total",
            "creationDateFrom=yesterday",
        ] {
            let (status, doc) = read(&r, &orders, &format!("{ORDERS}?siteId=RefArch&{bad}")).await;
            assert_eq!(status, 400, "{bad}: {doc}");
        }
        assert_eq!(read(&r, &orders, ORDERS).await.0, 400, "siteId is required");
        assert_eq!(
            read(&r, &orders, &format!("{ORDERS}?siteId=Nowhere"))
                .await
                .0,
            404
        );
        let (_, ocapi) = token(&r, "grant_type=client_credentials").await;
        assert_eq!(
            read(&r, &ocapi, &format!("{ORDERS}?siteId=RefArch"))
                .await
                .0,
            401
        );
    }
}
