//! The HTML pages: home, PLP, search results, PDP, cart, checkout and order confirmation.

use super::catalog::{self, ShopProduct};
use super::datalayer::{pushes, script_json, shown_price, Event, Item, PageData};
use super::error::ShopError;
use super::html::{escape, render, tiles, Frame};
use super::state::{CartLine, Order, PagePolicy};
use super::visit::{Shop, Visit};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use std::collections::HashMap;

/// Query and form values of a request.
pub type Params = HashMap<String, String>;

/// The GA4 item of a product.
pub fn item(p: &ShopProduct, price: Option<f64>, quantity: u32) -> Item {
    Item {
        id: p.id.clone(),
        name: p.name.clone(),
        brand: p.brand.clone(),
        category: p.category.clone(),
        price,
        quantity,
    }
}

/// The GA4 items of priced lines.
fn items(lines: &[(ShopProduct, u32, Option<f64>)]) -> Vec<Item> {
    lines
        .iter()
        .map(|(p, q, price)| item(p, *price, *q))
        .collect()
}

/// The visitor's cart with each line's product (lines whose product is gone are left out).
pub fn cart(shop: &Shop, visit: &Visit) -> Result<Vec<(ShopProduct, u32)>, ShopError> {
    let lines: Vec<CartLine> = shop
        .store()?
        .carts
        .get(&visit.session)
        .cloned()
        .unwrap_or_default();
    let sfcc = shop.sfcc()?;
    Ok(lines
        .iter()
        .filter_map(|l| Some((catalog::product(&sfcc, visit.site, &l.pid)?, l.quantity)))
        .collect())
}

struct Page<'a> {
    title: &'a str,
    page_type: &'static str,
    event: Event,
    head: String,
    main: String,
    email: Option<String>,
}

fn show(shop: &Shop, visit: &Visit, page: Page<'_>) -> Result<Response, ShopError> {
    let (faults, cart_quantity, policy, nonce, gtag) = {
        let mut store = shop.store()?;
        let lines = store.carts.get(&visit.session);
        let quantity = lines.map_or(0, |l| l.iter().map(|l| l.quantity).sum());
        let policy = store.template.csp;
        let gtag = store.template.gtag;
        // A nonce of the page's own, as a nonce policy makes one per answer.
        let nonce = (policy == PagePolicy::Nonce).then(|| store.token());
        (store.faults, quantity, policy, nonce, gtag)
    };
    let data = PageData {
        page_type: page.page_type,
        user_id: visit.user_id(),
        email: page
            .email
            .or_else(|| visit.customer.as_ref().map(|c| c.email.clone())),
    };
    let html = render(Frame {
        visit,
        title: page.title,
        page_type: page.page_type,
        pushes: pushes(&data, &page.event, visit.site.currency(), &faults),
        head: page.head,
        main: page.main,
        cart_quantity,
        container: !faults.no_page_container,
        nonce: nonce.as_deref(),
        gtag,
    });
    let mut response = match faults.slow_tail_ms {
        0 => Html(html).into_response(),
        ms => with_slow_tail(html, std::time::Duration::from_millis(ms)),
    };
    if let Some(value) = policy
        .header(nonce.as_deref().unwrap_or_default())
        .and_then(|v| axum::http::HeaderValue::from_str(&v).ok())
    {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(response)
}

/// `html` sent up to the end of its `</head>` at once and the rest after `pause`.
fn with_slow_tail(mut html: String, pause: std::time::Duration) -> Response {
    let split = html.find("</head>").map_or(0, |i| i + "</head>".len());
    let tail = html.split_off(split);
    let parts =
        futures_util::stream::unfold((Some(html), Some(tail)), move |(head, tail)| async move {
            if let Some(head) = head {
                return Some((Ok::<_, std::convert::Infallible>(head), (None, tail)));
            }
            tokio::time::sleep(pause).await;
            tail.map(|tail| (Ok(tail), (None, None)))
        });
    (
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        axum::body::Body::from_stream(parts),
    )
        .into_response()
}

/// `Home-Show`: featured products; `page_data` only.
pub fn home(shop: &Shop, visit: &Visit) -> Result<Response, ShopError> {
    let featured = catalog::listing(&*shop.sfcc()?, visit.site, |_| true);
    let main = format!("<h1>Sandbox Store</h1>{}", tiles(visit, &featured));
    show(
        shop,
        visit,
        Page {
            title: "Sandbox Store",
            page_type: "home",
            event: Event::None,
            head: String::new(),
            main,
            email: None,
        },
    )
}

/// `Search-Show?cgid=` (PLP, `view_item_list`) or `Search-Show?q=` (`search` + `view_item_list`).
pub fn search(shop: &Shop, visit: &Visit, params: &Params) -> Result<Response, ShopError> {
    let list = |keep: &dyn Fn(&ShopProduct) -> bool| -> Result<Vec<ShopProduct>, ShopError> {
        Ok(catalog::listing(&*shop.sfcc()?, visit.site, keep))
    };
    let items = |products: &[ShopProduct]| products.iter().map(|p| item(p, p.price, 1)).collect();
    if let Some(cgid) = params.get("cgid") {
        let (name, ids) = catalog::category(visit.site, cgid)
            .ok_or_else(|| ShopError::NotFound(format!("no category {cgid}")))?;
        let products = list(&|p| p.in_any(&ids))?;
        let main = format!(
            "<h1 class=\"page-title\">{}</h1>{}",
            escape(&name),
            tiles(visit, &products)
        );
        let event = Event::ViewItemList(cgid.clone(), name.clone(), items(&products));
        return show(
            shop,
            visit,
            Page {
                title: &name,
                page_type: "plp",
                event,
                head: String::new(),
                main,
                email: None,
            },
        );
    }
    let q = params
        .get("q")
        .map(|q| q.trim().to_string())
        .unwrap_or_default();
    let needle = q.to_lowercase();
    let products = if needle.is_empty() {
        Vec::new()
    } else {
        list(&|p| {
            [&p.name, &p.brand, &p.id]
                .iter()
                .any(|t| t.to_lowercase().contains(&needle))
        })?
    };
    let main = format!(
        "<h1 class=\"search-result-count\" data-count=\"{}\">{} results for “{}”</h1>{}",
        products.len(),
        products.len(),
        escape(&q),
        tiles(visit, &products)
    );
    let event = Event::Search(q.clone(), items(&products));
    show(
        shop,
        visit,
        Page {
            title: "Search",
            page_type: "search",
            event,
            head: String::new(),
            main,
            email: None,
        },
    )
}

/// `Product-Show?pid=`: the PDP with a JSON-LD `Product` and `view_item`.
pub fn product(shop: &Shop, visit: &Visit, params: &Params) -> Result<Response, ShopError> {
    let pid = params.get("pid").map(String::as_str).unwrap_or_default();
    let p = catalog::product(&*shop.sfcc()?, visit.site, pid)
        .filter(|p| p.online)
        .ok_or_else(|| ShopError::NotFound(format!("no product {pid:?} online")))?;
    let faults = shop.store()?.faults;
    let site = visit.site;
    let availability = if p.in_stock {
        "https://schema.org/InStock"
    } else {
        "https://schema.org/OutOfStock"
    };
    let mut offers = json!({"@type": "Offer", "url": format!("{}?pid={}", site.url("Product-Show"), p.id),
                            "priceCurrency": site.currency(), "availability": availability});
    if let Some(price) = p.price {
        offers["price"] = json!(format!("{:.2}", shown_price(price, &faults)));
    }
    let mut ld = json!({"@context": "https://schema.org/", "@type": "Product", "name": p.name, "sku": p.id,
                        "description": p.description, "brand": {"@type": "Brand", "name": p.brand}, "offers": offers});
    if let Some(image) = &p.image {
        ld["image"] = json!([image]);
    }
    let head = format!(
        "<script type=\"application/ld+json\">{}</script>",
        script_json(&ld)
    );
    let price = p.price.map(|v| site.money(v)).unwrap_or_default();
    let main = format!(
        "<div class=\"product-detail\" data-pid=\"{pid}\"><h1 class=\"product-name\">{name}</h1><div class=\"product-brand\">{brand}</div>\
<div class=\"prices\"><span class=\"sales\"><span class=\"value\">{price}</span></span></div>\
<div class=\"availability\" data-available=\"{stock}\">{stock_text}</div><div class=\"description\">{description}</div>\
<form class=\"add-to-cart-form\" action=\"{add}\" method=\"post\"><input type=\"hidden\" name=\"pid\" value=\"{pid}\"><input name=\"quantity\" value=\"1\">\
<button class=\"add-to-cart\" data-pid=\"{pid}\" type=\"submit\">Add to Cart</button></form></div>",
        pid = escape(&p.id),
        name = escape(&p.name),
        brand = escape(&p.brand),
        price = escape(&price),
        stock = p.in_stock,
        stock_text = if p.in_stock { "In Stock" } else { "Out of Stock" },
        description = escape(&p.description),
        add = site.url("Cart-AddProduct"),
    );
    let event = Event::ViewItem(item(&p, p.price, 1));
    show(
        shop,
        visit,
        Page {
            title: &p.name,
            page_type: "pdp",
            event,
            head,
            main,
            email: None,
        },
    )
}

fn line_items(visit: &Visit, lines: &[(ShopProduct, u32, Option<f64>)]) -> String {
    lines
        .iter()
        .map(|(p, quantity, price)| {
            let unit = price.unwrap_or(0.0);
            format!(
                "<div class=\"product-line-item\" data-pid=\"{pid}\" data-quantity=\"{quantity}\" data-price=\"{unit:.2}\"><span class=\"line-item-name\">{name}</span> <span class=\"qty\">{quantity}</span> × <span class=\"price\">{money}</span></div>",
                pid = escape(&p.id),
                name = escape(&p.name),
                money = escape(&visit.site.money(unit)),
            )
        })
        .collect()
}

/// A confirmation page's lines as stock SFRA renders them (`checkout/productCard/productCard.isml`):
/// the line's UUID, its name, quantity and price as text — no product id.
fn stock_line_items(visit: &Visit, lines: &[(ShopProduct, u32, Option<f64>)]) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, (p, quantity, price))| {
            format!(
                "<div class=\"product-line-item\" data-product-line-item=\"{uuid:032x}\"><span class=\"line-item-name\">{name}</span> <span class=\"qty\">{quantity}</span> × <span class=\"price\">{money}</span></div>",
                uuid = 0x5f3a_2b1c_u128 * (i as u128 + 1),
                name = escape(&p.name),
                money = escape(&visit.site.money(price.unwrap_or(0.0))),
            )
        })
        .collect()
}

fn priced(lines: Vec<(ShopProduct, u32)>) -> Vec<(ShopProduct, u32, Option<f64>)> {
    lines
        .into_iter()
        .map(|(p, q)| {
            let price = p.price;
            (p, q, price)
        })
        .collect()
}

fn merchandise(lines: &[(ShopProduct, u32, Option<f64>)]) -> f64 {
    super::site::round2(
        lines
            .iter()
            .map(|(_, q, p)| p.unwrap_or(0.0) * f64::from(*q))
            .sum(),
    )
}

/// `Cart-Show`: the cart and `view_cart`.
pub fn cart_page(shop: &Shop, visit: &Visit) -> Result<Response, ShopError> {
    let lines = priced(cart(shop, visit)?);
    let main = format!(
        "<h1>Cart</h1><div class=\"cart\">{}</div><div class=\"sub-total\" data-value=\"{total:.2}\">{}</div><a class=\"checkout-btn\" href=\"{}\">Checkout</a>",
        line_items(visit, &lines),
        escape(&visit.site.money(merchandise(&lines))),
        visit.site.url("Checkout-Begin"),
        total = merchandise(&lines),
    );
    let event = Event::ViewCart(items(&lines));
    show(
        shop,
        visit,
        Page {
            title: "Cart",
            page_type: "cart",
            event,
            head: String::new(),
            main,
            email: None,
        },
    )
}

/// `Checkout-Begin`: the order summary and `begin_checkout`; an empty cart redirects to the cart.
pub fn checkout(shop: &Shop, visit: &Visit) -> Result<Response, ShopError> {
    let lines = priced(cart(shop, visit)?);
    if lines.is_empty() {
        return Ok((StatusCode::FOUND, [(LOCATION, visit.site.url("Cart-Show"))]).into_response());
    }
    let email = visit
        .customer
        .as_ref()
        .map(|c| c.email.clone())
        .unwrap_or_default();
    let main = format!(
        "<h1>Checkout</h1><div class=\"order-summary\">{}</div><form class=\"place-order\" action=\"{}\" method=\"post\"><input type=\"email\" name=\"email\" value=\"{}\"><button class=\"place-order\" type=\"submit\">Place Order</button></form>",
        line_items(visit, &lines),
        visit.site.url("CheckoutServices-PlaceOrder"),
        escape(&email),
    );
    let event = Event::BeginCheckout(items(&lines));
    show(
        shop,
        visit,
        Page {
            title: "Checkout",
            page_type: "checkout",
            event,
            head: String::new(),
            main,
            email: None,
        },
    )
}

/// `Order-Confirm?ID=&token=` (also `orderID` / `orderToken`): the placed order and `purchase`.
pub fn confirm(shop: &Shop, visit: &Visit, params: &Params) -> Result<Response, ShopError> {
    let param = |a: &str, b: &str| {
        params
            .get(a)
            .or_else(|| params.get(b))
            .cloned()
            .unwrap_or_default()
    };
    let (id, token) = (param("ID", "orderID"), param("token", "orderToken"));
    let order: Order = shop
        .store()?
        .orders
        .iter()
        .find(|o| o.id == id && o.token == token && o.site == visit.site)
        .cloned()
        .ok_or_else(|| ShopError::NotFound(format!("no order {id:?} with that token")))?;
    let lines: Vec<(ShopProduct, u32, Option<f64>)> = {
        let sfcc = shop.sfcc()?;
        order
            .lines
            .iter()
            .map(|l| {
                // A product removed since the order still shows, by id.
                let p =
                    catalog::product(&sfcc, visit.site, &l.pid).unwrap_or_else(|| ShopProduct {
                        id: l.pid.clone(),
                        name: l.pid.clone(),
                        ..ShopProduct::default()
                    });
                (p, l.quantity, Some(l.price))
            })
            .collect()
    };
    let site = visit.site;
    let main = format!(
        "<h1>Thank you for your order.</h1><div class=\"order-details\">Order number: <span class=\"summary-details order-number\">{id}</span>\
<div class=\"order-email\">{email}</div>{lines}<div class=\"totals\"><span class=\"tax-total\" data-value=\"{tax:.2}\">{tax_money}</span> \
<span class=\"shipping-total-cost\" data-value=\"{shipping:.2}\">{shipping_money}</span> \
<span class=\"grand-total-sum\" data-value=\"{grand:.2}\">{grand_money}</span></div></div>",
        id = escape(&order.id),
        email = escape(order.email.as_deref().unwrap_or_default()),
        lines = if shop.store()?.template.order_line_ids {
            line_items(visit, &lines)
        } else {
            stock_line_items(visit, &lines)
        },
        tax = order.tax,
        tax_money = escape(&site.money(order.tax)),
        shipping = order.shipping,
        shipping_money = escape(&site.money(order.shipping)),
        grand = order.grand_total,
        grand_money = escape(&site.money(order.grand_total)),
    );
    let event = Event::Purchase {
        transaction_id: order.id.clone(),
        tax: order.tax,
        shipping: order.shipping,
        items: items(&lines),
    };
    show(
        shop,
        visit,
        Page {
            title: "Order Confirmation",
            page_type: "confirmation",
            event,
            head: String::new(),
            main,
            email: order.email.clone(),
        },
    )
}
