//! The page frame every HTML page shares: `<head>` with the data layer, header with navigation,
//! search, mini-cart and login, and the consent banner while the session has no answer.

use super::catalog::{top_categories, ShopProduct};
use super::datalayer::{gtag_script, script};
use super::visit::Visit;
use serde_json::Value;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What a page puts in the frame.
pub struct Frame<'a> {
    /// The shopper.
    pub visit: &'a Visit,
    /// `<title>`.
    pub title: &'a str,
    /// `page_type`, also the `<body>` class.
    pub page_type: &'a str,
    /// Data-layer pushes.
    pub pushes: Vec<Value>,
    /// More `<head>` content (e.g. JSON-LD).
    pub head: String,
    /// The main content.
    pub main: String,
    /// Units in the cart, for the mini-cart.
    pub cart_quantity: u32,
    /// Whether the page container names the route (SFRA's `common/layout/page.isml`), or the
    /// layout was customized without it.
    pub container: bool,
    /// The nonce the page's own scripts carry, under a nonce policy.
    pub nonce: Option<&'a str>,
    /// The data layer in gtag.js form.
    pub gtag: bool,
}

/// The whole HTML document.
pub fn render(f: Frame<'_>) -> String {
    let nonce = f
        .nonce
        .map_or_else(String::new, |n| format!(" nonce=\"{}\"", escape(n)));
    let site = f.visit.site;
    let nav: String = top_categories(site)
        .iter()
        .map(|(id, name)| {
            let url = format!("{}?cgid={}", site.url("Search-Show"), id);
            format!(
                "<li><a class=\"nav-link\" href=\"{}\">{}</a></li>",
                escape(&url),
                escape(name)
            )
        })
        .collect();
    let account = match &f.visit.customer {
        Some(c) => format!(
            "<span class=\"user-message\">{}</span> <a class=\"logout\" href=\"{}\">Logout</a>",
            escape(&c.first_name),
            site.url("Login-Logout")
        ),
        None => format!(
            "<form class=\"login\" action=\"{}\" method=\"post\"><input type=\"email\" name=\"loginEmail\"><input type=\"password\" name=\"loginPassword\"><button type=\"submit\">Login</button></form>",
            site.url("Account-Login")
        ),
    };
    let consent = if f.visit.tracking.is_some() {
        String::new()
    } else {
        let url = site.url("ConsentTracking-SetSession");
        format!(
            "<div class=\"tracking-consent\" data-url=\"{url}\" data-accept=\"{url}?consent=true\" data-reject=\"{url}?consent=false\">We use cookies to analyse our traffic. <button class=\"affirm\">Accept</button> <button class=\"decline\">Decline</button></div>"
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>{datalayer}<link rel=\"stylesheet\" href=\"{css}\"><script src=\"{js}\" defer{nonce}></script>{head}</head>\n\
<body class=\"{page_type}\">{container}<header><a class=\"logo-home\" href=\"{home}\"><img src=\"{logo}\" alt=\"Sandbox Store\"></a><nav><ul>{nav}</ul></nav>\
<form class=\"site-search\" action=\"{search}\" method=\"get\"><input name=\"q\" type=\"search\"></form>\
<a class=\"minicart-link\" href=\"{cart}\"><span class=\"minicart-quantity\">{qty}</span></a>{account}</header>\n\
<main>{main}</main></div>\n{consent}</body></html>\n",
        container = if f.container {
            format!(
                "<div class=\"page\" data-action=\"{}\" data-querystring=\"{}\">",
                escape(&f.visit.action),
                escape(&f.visit.querystring)
            )
        } else {
            "<div class=\"page\">".to_string()
        },
        lang = site.lang(),
        title = escape(f.title),
        datalayer = if f.gtag {
            gtag_script(&f.pushes)
        } else {
            script(&f.pushes)
        }
        .replacen("<script>", &format!("<script{nonce}>"), 1),
        nonce = nonce,
        css = site.asset("css/global.css"),
        js = site.asset("js/main.js"),
        head = f.head,
        page_type = f.page_type,
        home = site.url("Home-Show"),
        logo = site.asset("images/logo.png"),
        search = site.url("Search-Show"),
        cart = site.url("Cart-Show"),
        qty = f.cart_quantity,
        main = f.main,
    )
}

/// Product tiles linking to their PDPs, each with `data-pid`.
pub fn tiles(visit: &Visit, products: &[ShopProduct]) -> String {
    let site = visit.site;
    let tiles: String = products
        .iter()
        .map(|p| {
            let url = format!("{}?pid={}", site.url("Product-Show"), p.id);
            let price = p.price.map(|v| site.money(v)).unwrap_or_default();
            format!(
                "<div class=\"product-tile\" data-pid=\"{pid}\"><a class=\"link\" href=\"{url}\">{name}</a> <span class=\"price\"><span class=\"sales\">{price}</span></span></div>",
                pid = escape(&p.id),
                url = escape(&url),
                name = escape(&p.name),
                price = escape(&price),
            )
        })
        .collect();
    format!("<div class=\"product-grid\">{tiles}</div>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
