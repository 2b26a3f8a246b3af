//! Which storefront requests are shopper actions. SFRA's controller routes are the defaults;
//! other storefronts (PWA Kit, custom SFRA cartridges) configure their own rules.

use crate::event::{page_event_id, within_cap, Event, EventKind, EventProduct, IngestContext};
use serde::{Deserialize, Serialize};

/// What a matching request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A product detail page; `param` names the product id.
    ProductView,
    /// A category listing; `param` names the category id.
    CategoryView,
    /// A search; `param` names the query.
    Search,
    /// An add-to-cart call; `param` names the product id, `quantity_param` the quantity.
    AddToCart,
    /// A login; `param` names the email field. Only a successful login counts.
    Login,
    /// A removal or quantity change in the cart; `param` names the product. The cart as the
    /// storefront answers it (SFRA's `CartModel`) is what Clerk gets ([`cart_of_answer`]).
    CartUpdate,
}

/// One rule: a request whose path ends with `action` (a path segment, e.g. SFRA's
/// `Product-Show`), made with `method`, carrying `param` in its query (GET) or form (POST).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureRule {
    /// The last path segment to match (`Product-Show`).
    pub action: String,
    /// `GET` or `POST`.
    #[serde(default = "get")]
    pub method: String,
    /// What it is.
    pub kind: RuleKind,
    /// The parameter carrying the product, category or query.
    pub param: String,
    /// The parameter carrying the quantity (add to cart).
    #[serde(default)]
    pub quantity_param: Option<String>,
}

fn get() -> String {
    "GET".into()
}

/// SFRA's routes: `Product-Show?pid=`, `Search-Show?cgid=`, `Search-Show?q=`, and
/// `Cart-AddProduct` posting `pid` and `quantity`, and `Account-Login` posting `loginEmail`.
pub fn sfra_rules() -> Vec<CaptureRule> {
    let rule = |action: &str, method: &str, kind, param: &str, qty: Option<&str>| CaptureRule {
        action: action.into(),
        method: method.into(),
        kind,
        param: param.into(),
        quantity_param: qty.map(String::from),
    };
    vec![
        rule("Product-Show", "GET", RuleKind::ProductView, "pid", None),
        rule("Search-Show", "GET", RuleKind::CategoryView, "cgid", None),
        rule("Search-Show", "GET", RuleKind::Search, "q", None),
        rule(
            "Cart-AddProduct",
            "POST",
            RuleKind::AddToCart,
            "pid",
            Some("quantity"),
        ),
        // SFRA answers both with the cart as it now is: `{basket: CartModel, toBeDeletedUUIDs}`
        // and `CartModel` (`controllers/Cart.js`); a failure is HTTP 500.
        rule(
            "Cart-RemoveProductLineItem",
            "GET",
            RuleKind::CartUpdate,
            "pid",
            None,
        ),
        rule(
            "Cart-UpdateQuantity",
            "GET",
            RuleKind::CartUpdate,
            "pid",
            None,
        ),
        rule("Account-Login", "POST", RuleKind::Login, "loginEmail", None),
        // A registration logs the new customer in (SFRA's `Account-SubmitRegistration`).
        rule(
            "Account-SubmitRegistration",
            "POST",
            RuleKind::Login,
            "dwfrm_profile_customer_email",
            None,
        ),
    ]
}

/// The form field in which SFRA's product set page posts its products to `Cart-AddProduct`: a
/// JSON array of `{pid, qty, options}` (`client/default/js/product/base.js`).
pub const SET_PRODUCTS_FIELD: &str = "pidsObj";

/// The most products one add-to-cart post is read for.
const MAX_ADDED_PRODUCTS: usize = 50;

/// True when the storefront's answer to a captured action says it happened. SFRA answers its
/// AJAX actions with JSON and HTTP 200 either way: a login only with `"success": true`
/// (`Account-Login`, `Account-SubmitRegistration`), an add to cart unless `"error": true`
/// (`Cart-AddProduct`). Other actions are pages: their status says it.
pub fn answer_confirms(kind: RuleKind, answer: Option<&str>) -> bool {
    let json = || answer.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok());
    match kind {
        RuleKind::Login => json().is_some_and(|v| v["success"] == serde_json::Value::Bool(true)),
        RuleKind::AddToCart => !json().is_some_and(|v| v["error"] == serde_json::Value::Bool(true)),
        RuleKind::CartUpdate => answer.and_then(cart_of_answer).is_some(),
        _ => true,
    }
}

/// True when the shell must read the storefront's answer to decide ([`answer_confirms`]).
pub fn needs_answer(kind: RuleKind) -> bool {
    matches!(
        kind,
        RuleKind::Login | RuleKind::AddToCart | RuleKind::CartUpdate
    )
}

/// The most cart lines read from an answer.
const MAX_CART_ANSWER_LINES: usize = 200;

/// The cart an SFRA cart action answered with: `items` of its `CartModel` (at the top, or under
/// `basket` as `Cart-RemoveProductLineItem` answers), each line's product `id` and `quantity`.
/// `None` when the answer is no cart (a line it cannot read makes it none too).
pub fn cart_of_answer(answer: &str) -> Option<Vec<EventProduct>> {
    let v: serde_json::Value = serde_json::from_str(answer).ok()?;
    let cart = v.get("basket").filter(|b| b.is_object()).unwrap_or(&v);
    let items = cart.get("items")?.as_array()?;
    if items.len() > MAX_CART_ANSWER_LINES {
        return None;
    }
    items
        .iter()
        .map(|item| cart_line(&item["id"], &item["quantity"]))
        .collect()
}

/// One line of a cart a storefront answered: a product id and a whole quantity of at least 1
/// (SCAPI types quantities as doubles: `2.0` is 2). `None` when either cannot be read.
pub(crate) fn cart_line(
    id: &serde_json::Value,
    quantity: &serde_json::Value,
) -> Option<EventProduct> {
    let id = id.as_str().map(str::trim).filter(|id| !id.is_empty())?;
    let quantity = quantity
        .as_f64()
        .filter(|q| q.fract() == 0.0 && *q >= 1.0 && *q <= f64::from(u32::MAX))?;
    Some(EventProduct {
        id: id.to_string(),
        price: None,
        quantity: Some(quantity as u32),
    })
}

/// Plain facts about one request.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// URL path.
    pub path: &'a str,
    /// Decoded query pairs.
    pub query: &'a [(String, String)],
    /// Decoded form fields (POST bodies the rules read).
    pub form: &'a [(String, String)],
}

/// A recognized shopper action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// What it is.
    pub kind: RuleKind,
    /// The product, category or query.
    pub value: String,
    /// Quantity (add to cart), at least 1.
    pub quantity: Option<u32>,
}

pub(crate) fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

/// True for static files (SFCC's `/on/demandware.static/` and anything with a file extension
/// other than `.html`): they pass through untouched.
pub fn is_static_asset(path: &str) -> bool {
    if path.contains("/demandware.static/") {
        return true;
    }
    let last = last_segment(path);
    match last.rsplit_once('.') {
        Some((_, ext)) => !ext.eq_ignore_ascii_case("html") && !ext.contains('-'),
        None => false,
    }
}

/// True when a rule reads the form of this request, so the shell must read its body.
pub fn needs_form(rules: &[CaptureRule], method: &str, path: &str) -> bool {
    let action = last_segment(path);
    rules
        .iter()
        .any(|r| r.method == "POST" && r.method.eq_ignore_ascii_case(method) && r.action == action)
}

/// The actions of the first rule the request matches: one, or for an add to cart from SFRA's
/// product set page (`pidsObj`), one per product of the set. None when no rule matches.
pub fn capture(rules: &[CaptureRule], facts: &RequestFacts<'_>) -> Vec<Captured> {
    let action = last_segment(facts.path);
    rules
        .iter()
        .filter(|r| r.action == action && r.method.eq_ignore_ascii_case(facts.method))
        .find_map(|r| {
            let fields = if r.method.eq_ignore_ascii_case("POST") {
                facts.form
            } else {
                facts.query
            };
            let find = |name: &str| {
                fields
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.trim())
                    .filter(|v| !v.is_empty())
            };
            if r.kind == RuleKind::AddToCart {
                let set = find(SET_PRODUCTS_FIELD)
                    .map(set_products)
                    .unwrap_or_default();
                if !set.is_empty() {
                    return Some(set);
                }
            }
            let value = find(&r.param)?;
            let quantity = r
                .quantity_param
                .as_deref()
                .map(|q| quantity_of(find(q).map(serde_json::Value::from).as_ref()));
            Some(vec![Captured {
                kind: r.kind,
                value: value.to_string(),
                quantity,
            }])
        })
        .unwrap_or_default()
}

/// A quantity as a form or a set's JSON gives it (`"2"` or `2`): a whole number, else 1.
fn quantity_of(v: Option<&serde_json::Value>) -> u32 {
    let parsed = match v {
        Some(serde_json::Value::String(s)) => s.trim().parse::<u32>().ok(),
        Some(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        None => None,
    };
    parsed.unwrap_or(1).max(1)
}

/// The products of a set's `pidsObj`: `[{"pid": …, "qty": …}]`, each with a product id.
fn set_products(json: &str) -> Vec<Captured> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(json) else {
        return Vec::new();
    };
    items
        .iter()
        .take(MAX_ADDED_PRODUCTS)
        .filter_map(|item| {
            let pid = item["pid"]
                .as_str()
                .map(str::trim)
                .filter(|p| !p.is_empty())?;
            Some(Captured {
                kind: RuleKind::AddToCart,
                value: pid.to_string(),
                quantity: Some(quantity_of(item.get("qty"))),
            })
        })
        .collect()
}

/// The SFCC site id in an SFRA pipeline URL (`/on/demandware.store/Sites-RefArch-Site/…`).
pub fn site_of_path(path: &str) -> Option<&str> {
    path.split('/')
        .find_map(|seg| seg.strip_prefix("Sites-")?.strip_suffix("-Site"))
        .filter(|s| !s.is_empty())
}

/// The locale in an SFRA pipeline URL: the segment after `Sites-{id}-Site` (`en_US`), unless it
/// is `default`.
pub fn locale_of_path(path: &str) -> Option<&str> {
    let mut segments = path.split('/');
    segments.find(|seg| seg.starts_with("Sites-") && seg.ends_with("-Site"))?;
    segments
        .next()
        .filter(|l| !l.is_empty() && *l != "default" && !l.contains('-'))
}

/// The store a storefront request belongs to, among `stores` (each giving its site id and
/// locale through `key`): of the stores whose site `is_site` accepts, the one in `locale` (SFRA's
/// `en_US` is `en-US`), else the first of them. `None` when no store is for that site.
pub fn choose_store<'a, T>(
    stores: &'a [T],
    key: impl Fn(&T) -> (&str, &str),
    is_site: impl Fn(&str) -> bool,
    locale: Option<&str>,
) -> Option<&'a T> {
    // `en_US` is `en-US`, in any case; compared byte by byte, on every request.
    let norm = |c: u8| {
        if c == b'_' {
            b'-'
        } else {
            c.to_ascii_lowercase()
        }
    };
    let same = |a: &str, b: &str| a.bytes().map(norm).eq(b.bytes().map(norm));
    let mut of_site = stores.iter().filter(|s| is_site(key(s).0));
    let first = of_site.clone().next()?;
    Some(
        locale
            .and_then(|l| of_site.find(|s| same(key(s).1, l)))
            .unwrap_or(first),
    )
}

/// The event a captured action becomes, on the page view `page_id` (the id the page's beacon
/// reports its own sightings with, so one action seen both ways counts once).
pub fn server_event(captured: &Captured, page_id: &str, ctx: &IngestContext<'_>) -> Event {
    // Cut to what the real systems hold, as a posted field is refused past it.
    let value = |field| within_cap(field, &captured.value);
    let product = |quantity| {
        vec![EventProduct {
            id: value("product"),
            price: None,
            quantity,
        }]
    };
    let mut email = None;
    let (kind, products, category, query) = match captured.kind {
        RuleKind::ProductView => (EventKind::ProductView, product(None), None, None),
        RuleKind::CategoryView => (
            EventKind::CategoryView,
            Vec::new(),
            Some(value("category")),
            None,
        ),
        RuleKind::Search => (EventKind::Search, Vec::new(), None, Some(value("query"))),
        RuleKind::AddToCart => (EventKind::AddToCart, product(captured.quantity), None, None),
        RuleKind::Login => {
            email = Some(value("email"));
            (EventKind::Login, Vec::new(), None, None)
        }
        // Its products are the cart the storefront answered ([`cart_of_answer`]).
        RuleKind::CartUpdate => (EventKind::CartUpdate, Vec::new(), None, None),
    };
    let mut event = Event {
        id: String::new(),
        kind,
        time_ms: ctx.now_ms,
        store: ctx.store.to_string(),
        visitor: ctx.visitor.map(|v| v.clerk_visitor()),
        customer: ctx.customer.map(String::from),
        products,
        category,
        query,
        order_id: None,
        email,
        currency: Some(ctx.currency.to_string()),
        source: ctx.source,
        page: Some(page_id.to_string()),
        read_order: None,
        browser_link: None,
    };
    event.id = page_event_id(page_id, kind, &event.id_key());
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Source;
    use crate::identity::VisitorId;

    use crate::form::owned as pairs;

    const BASE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";

    fn captured(
        method: &str,
        action: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Option<Captured> {
        let (q, f) = (pairs(query), pairs(form));
        let mut all = capture(
            &sfra_rules(),
            &RequestFacts {
                method,
                path: &format!("{BASE}/{action}"),
                query: &q,
                form: &f,
            },
        );
        assert!(all.len() <= 1, "{all:?}");
        all.pop()
    }

    #[test]
    fn a_request_goes_to_its_sites_store_in_its_locale() {
        let stores = [
            ("us", "RefArch", "en-US"),
            ("de", "RefArchGlobal", "de-DE"),
            ("fr", "RefArchGlobal", "fr-FR"),
        ];
        fn key<'a>(s: &'a (&str, &str, &str)) -> (&'a str, &'a str) {
            (s.1, s.2)
        }
        let pick = |site: &str, locale: Option<&str>| {
            choose_store(&stores, key, |id| id == site, locale).map(|s| s.0)
        };
        assert_eq!(pick("RefArchGlobal", Some("fr_FR")), Some("fr"));
        assert_eq!(pick("RefArchGlobal", Some("FR-fr")), Some("fr"));
        assert_eq!(
            pick("RefArchGlobal", Some("it_IT")),
            Some("de"),
            "the site's first"
        );
        assert_eq!(pick("RefArchGlobal", None), Some("de"));
        assert_eq!(
            pick("RefArch", Some("fr_FR")),
            Some("us"),
            "another site's locale"
        );
        assert_eq!(pick("Elsewhere", Some("en_US")), None);
    }

    #[test]
    fn sfra_routes_are_recognized() {
        let pdp = captured("GET", "Product-Show", &[("pid", "25518704M")], &[]).unwrap();
        assert_eq!(
            (pdp.kind, pdp.value.as_str()),
            (RuleKind::ProductView, "25518704M")
        );
        let plp = captured("GET", "Search-Show", &[("cgid", "mens")], &[]).unwrap();
        assert_eq!(plp.kind, RuleKind::CategoryView);
        let search = captured("GET", "Search-Show", &[("q", " shirt ")], &[]).unwrap();
        assert_eq!(
            (search.kind, search.value.as_str()),
            (RuleKind::Search, "shirt")
        );
        let add = captured(
            "POST",
            "Cart-AddProduct",
            &[],
            &[("pid", "A"), ("quantity", "3")],
        )
        .unwrap();
        assert_eq!((add.kind, add.quantity), (RuleKind::AddToCart, Some(3)));
        let odd = captured(
            "POST",
            "Cart-AddProduct",
            &[],
            &[("pid", "A"), ("quantity", "lots")],
        )
        .unwrap();
        assert_eq!(odd.quantity, Some(1));
    }

    /// `pidsObj` as SFRA's `base.js` posts it from a product set page: a JSON array of
    /// `{pid, qty, options}`, `qty` a string and `options` a JSON string of its own.
    #[test]
    fn a_product_set_adds_each_of_its_products() {
        let added = |form: &[(&str, &str)]| -> Vec<(String, Option<u32>)> {
            let form = pairs(form);
            let facts = RequestFacts {
                method: "POST",
                path: &format!("{BASE}/Cart-AddProduct"),
                query: &[],
                form: &form,
            };
            capture(&sfra_rules(), &facts)
                .into_iter()
                .map(|c| (c.value, c.quantity))
                .collect()
        };
        let set = r#"[{"pid":"25720424M","qty":"2","options":"[]"},{"pid":"25720425M","qty":"1","options":"[]"},{"pid":" ","qty":"1"}]"#;
        assert_eq!(
            added(&[("pid", "SET-1"), ("pidsObj", set), ("quantity", "")]),
            [("25720424M".into(), Some(2)), ("25720425M".into(), Some(1))]
        );
        // An empty or broken `pidsObj` (a single product's post) is the product itself.
        for broken in ["", "{"] {
            assert_eq!(
                added(&[("pid", "A"), ("pidsObj", broken), ("quantity", "3")]),
                [("A".into(), Some(3))]
            );
        }
    }

    /// SFRA's `Cart-RemoveProductLineItem` answers `{basket: CartModel, toBeDeletedUUIDs}`, its
    /// `Cart-UpdateQuantity` the `CartModel` (`controllers/Cart.js`); a `CartModel`'s `items` are
    /// product line items with `id`, `quantity` and `UUID` (`models/cart.js`).
    #[test]
    fn a_cart_change_is_the_cart_the_storefront_answered() {
        let removed = r#"{"basket": {"items": [{"id": "25518704M", "quantity": 2,
            "UUID": "4d1ab0c1f6e3a0b3b7c0d1e2f3a4b5c6", "productName": "Shirt"}],
            "numItems": 2}, "toBeDeletedUUIDs": []}"#;
        let line = |id: &str, q: u32| EventProduct {
            id: id.into(),
            price: None,
            quantity: Some(q),
        };
        assert_eq!(cart_of_answer(removed), Some(vec![line("25518704M", 2)]));
        let updated = r#"{"items": [{"id": "A", "quantity": 1}, {"id": "B", "quantity": 3.0}]}"#;
        assert_eq!(
            cart_of_answer(updated),
            Some(vec![line("A", 1), line("B", 3)])
        );
        assert_eq!(
            cart_of_answer(r#"{"basket": {"items": []}}"#),
            Some(vec![]),
            "emptied"
        );
        for not_a_cart in [
            r#"{"errorMessage": "Unable to remove the product"}"#,
            r#"{"items": [{"id": "A", "quantity": 0}]}"#,
            r#"{"items": [{"quantity": 1}]}"#,
            "<html>",
        ] {
            assert_eq!(cart_of_answer(not_a_cart), None, "{not_a_cart}");
        }
        assert!(answer_confirms(RuleKind::CartUpdate, Some(updated)));
        assert!(!answer_confirms(RuleKind::CartUpdate, Some("{}")));
        assert!(needs_answer(RuleKind::CartUpdate));
        let rules = sfra_rules();
        for action in ["Cart-RemoveProductLineItem", "Cart-UpdateQuantity"] {
            let path = format!("/on/demandware.store/Sites-RefArch-Site/en_US/{action}");
            let query = vec![
                ("pid".to_string(), "25518704M".to_string()),
                ("uuid".to_string(), "4d1a".to_string()),
            ];
            let facts = RequestFacts {
                method: "GET",
                path: &path,
                query: &query,
                form: &[],
            };
            let got = capture(&rules, &facts);
            assert_eq!(
                got.iter()
                    .map(|c| (c.kind, c.value.as_str()))
                    .collect::<Vec<_>>(),
                [(RuleKind::CartUpdate, "25518704M")],
                "{action}"
            );
        }
    }

    /// SFRA answers its AJAX actions with HTTP 200 whatever happened (`Cart-AddProduct`,
    /// `Account-Login`, `Account-SubmitRegistration` in `app_storefront_base`'s controllers).
    #[test]
    fn the_storefronts_answer_says_whether_an_action_happened() {
        use RuleKind::*;
        assert!(answer_confirms(
            Login,
            Some(r#"{"success":true,"redirectUrl":"/account"}"#)
        ));
        assert!(!answer_confirms(
            Login,
            Some(r#"{"error":["Invalid login or password."]}"#)
        ));
        assert!(!answer_confirms(Login, Some("<html>")));
        assert!(!answer_confirms(Login, None));
        assert!(answer_confirms(
            AddToCart,
            Some(r#"{"error":false,"quantityTotal":2}"#)
        ));
        assert!(!answer_confirms(
            AddToCart,
            Some(r#"{"error":true,"message":"Out of stock"}"#)
        ));
        assert!(
            answer_confirms(AddToCart, Some("not json")),
            "a page of its own"
        );
        assert!(answer_confirms(ProductView, None));
        assert!(needs_answer(Login) && needs_answer(AddToCart) && !needs_answer(Search));
        let registered = captured(
            "POST",
            "Account-SubmitRegistration",
            &[],
            &[("dwfrm_profile_customer_email", "ann@example.com")],
        )
        .unwrap();
        assert_eq!(
            (registered.kind, registered.value.as_str()),
            (Login, "ann@example.com")
        );
    }

    #[test]
    fn a_login_posts_the_email() {
        let login = captured(
            "POST",
            "Account-Login",
            &[],
            &[("loginEmail", "ann@example.com"), ("loginPassword", "x")],
        )
        .unwrap();
        assert_eq!(
            (login.kind, login.value.as_str()),
            (RuleKind::Login, "ann@example.com")
        );
    }

    #[test]
    fn other_requests_are_not_actions() {
        assert_eq!(captured("GET", "Home-Show", &[], &[]), None);
        assert_eq!(captured("GET", "Product-Show", &[], &[]), None, "no pid");
        assert_eq!(captured("POST", "Product-Show", &[], &[("pid", "A")]), None);
        assert_eq!(
            captured("HEAD", "Product-Show", &[("pid", "A")], &[]),
            None,
            "a HEAD is no view"
        );
        assert_eq!(
            captured("GET", "Cart-AddProduct", &[("pid", "A")], &[]),
            None,
            "a GET does not add"
        );
        assert!(needs_form(
            &sfra_rules(),
            "POST",
            &format!("{BASE}/Cart-AddProduct")
        ));
        assert!(needs_form(
            &sfra_rules(),
            "POST",
            &format!("{BASE}/Account-Login")
        ));
        assert!(!needs_form(
            &sfra_rules(),
            "POST",
            &format!("{BASE}/CheckoutServices-PlaceOrder")
        ));
        assert!(!needs_form(
            &sfra_rules(),
            "GET",
            &format!("{BASE}/Cart-AddProduct")
        ));
    }

    #[test]
    fn static_files_sites_and_events() {
        assert!(is_static_asset(
            "/on/demandware.static/Sites-RefArch-Site/-/default/v1/css/global.css"
        ));
        assert!(is_static_asset("/favicon.ico"));
        assert!(!is_static_asset(
            "/s/RefArch/mens/oxford-shirt-25518704M.html"
        ));
        assert!(!is_static_asset(&format!("{BASE}/Product-Show")));
        assert_eq!(site_of_path(&format!("{BASE}/Home-Show")), Some("RefArch"));
        assert_eq!(site_of_path("/about"), None);
        assert_eq!(locale_of_path(&format!("{BASE}/Home-Show")), Some("en_US"));
        assert_eq!(
            locale_of_path("/on/demandware.store/Sites-RefArch-Site/default/Home-Show"),
            None
        );
        assert_eq!(locale_of_path("/en-US/product/25518704M"), None);

        let visitor = VisitorId::parse("123e4567-e89b-42d3-a456-426614174000").unwrap();
        let ctx = IngestContext {
            store: "us",
            currency: "USD",
            visitor: Some(&visitor),
            customer: None,
            now_ms: 5,
            request_id: "r1",
            source: Source::Server,
        };
        let add = captured(
            "POST",
            "Cart-AddProduct",
            &[],
            &[("pid", "A"), ("quantity", "2")],
        )
        .unwrap();
        let e = server_event(&add, "pg1", &ctx);
        assert_eq!(e.id, "pg1-add_to_cart-A");
        // Held by the page and sent later, it is the same event: same id, original time.
        let later = IngestContext {
            now_ms: 9,
            request_id: "r2",
            source: Source::Client,
            ..ctx.clone()
        };
        let released = crate::event::normalize(&e.held_form("pg1").to_string(), &later).unwrap();
        assert_eq!(
            (
                released[0].id.as_str(),
                released[0].time_ms,
                released[0].products[0].quantity
            ),
            ("pg1-add_to_cart-A", 5, Some(2))
        );
        assert_eq!(
            (e.kind, e.products[0].quantity, e.source),
            (EventKind::AddToCart, Some(2), Source::Server)
        );
        assert_eq!(
            e.visitor.as_deref(),
            Some("123e4567e89b42d3a456426614174000")
        );
        let anonymous = IngestContext {
            visitor: None,
            ..ctx
        };
        assert_eq!(server_event(&add, "pg1", &anonymous).visitor, None);
    }

    #[test]
    fn the_workers_own_reading_is_cut_to_what_the_real_systems_hold() {
        let ctx = IngestContext {
            store: "refarch-us",
            currency: "USD",
            visitor: None,
            customer: None,
            now_ms: 1,
            request_id: "pg1",
            source: crate::event::Source::Server,
        };
        let captured = |kind, value: String| Captured {
            kind,
            value,
            quantity: None,
        };
        let view = server_event(
            &captured(RuleKind::ProductView, "P".repeat(5000)),
            "pg1",
            &ctx,
        );
        assert_eq!(view.products[0].id.chars().count(), 100);
        let search = server_event(&captured(RuleKind::Search, "é".repeat(5000)), "pg1", &ctx);
        assert_eq!(
            search.query.as_deref().map(|q| q.chars().count()),
            Some(500)
        );
    }
}
