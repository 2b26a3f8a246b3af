use super::ga4::{translate, GA4_EVENTS};
use super::gtag::{self, Gtag};
use super::schema::{Event, EventKind, EventProduct, Source};
use crate::identity::VisitorId;
use serde_json::{Map, Value};

/// How long ago a page may say it saw an event (`age_ms`).
pub const MAX_AGE_MS: u64 = 24 * 60 * 60 * 1000;

/// The most events one call may carry, and the most it may become once a cart change of several
/// products is one event per product: each is one Clerk call, and one request must cause a
/// bounded number of them (a call of 50 cart changes of 20 products each would be 1,000).
pub const MAX_EVENTS_PER_CALL: usize = 50;

/// What the shell knows about the request the events came with.
#[derive(Debug, Clone)]
pub struct IngestContext<'a> {
    /// The store the request belongs to.
    pub store: &'a str,
    /// The store's currency, used when an event names none.
    pub currency: &'a str,
    /// The shopper's visitor id, when tracking consent allows one.
    pub visitor: Option<&'a VisitorId>,
    /// The SFCC customer number, when logged in and allowed.
    pub customer: Option<&'a str>,
    /// Receive time, Unix milliseconds.
    pub now_ms: u64,
    /// A unique id of this request; event ids derive from it.
    pub request_id: &'a str,
    /// Where the events were seen.
    pub source: Source,
}

/// Why a call's events were refused (the call as a whole, or with [`normalize`] one of its
/// events). Nothing in a refused call is forwarded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The body is not JSON.
    #[error("body is not valid JSON: {0}")]
    Json(String),
    /// The body is JSON but not an event, a list of events or `{"events": [...]}`.
    #[error("body must be an event object, an array of events, or {{\"events\": [...]}}")]
    Shape,
    /// No events at all.
    #[error("no events in the body")]
    Empty,
    /// More than [`MAX_EVENTS_PER_CALL`] events.
    #[error("{0} events in one call; at most {MAX_EVENTS_PER_CALL} are accepted")]
    TooMany(usize),
    /// One event is malformed.
    #[error("event {index}: {reason}")]
    Invalid {
        /// Position of the event in the call, from 0.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// An event of a call that was refused on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Position of the event in the call, from 0.
    pub index: usize,
    /// What is wrong with it.
    pub reason: String,
    /// What the page called it (a GA4 push's `event`, else the `type`), when that is text.
    pub name: Option<String>,
}

/// A call's events, each taken or refused on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The events taken, in the call's order.
    pub events: Vec<Event>,
    /// The events refused, with their reasons.
    pub refused: Vec<Refused>,
}

/// Parses a call's JSON body into normalized events, all or nothing: the first event refused
/// refuses the call.
pub fn normalize(body: &str, ctx: &IngestContext<'_>) -> Result<Vec<Event>, EventError> {
    let Normalized { events, refused } = normalize_each(body, ctx)?;
    match refused.into_iter().next() {
        Some(Refused { index, reason, .. }) => Err(EventError::Invalid { index, reason }),
        None => Ok(events),
    }
}

/// Parses a call's JSON body into normalized events, each on its own: a malformed event is
/// refused with its reason and its neighbours are still taken. Only a body that is not a call
/// at all (not JSON, no events, too many) is an error.
pub fn normalize_each(body: &str, ctx: &IngestContext<'_>) -> Result<Normalized, EventError> {
    let value: Value = serde_json::from_str(body).map_err(|e| EventError::Json(e.to_string()))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut obj) => match obj.remove("events") {
            Some(Value::Array(items)) => items,
            Some(_) => return Err(EventError::Shape),
            None => vec![Value::Object(obj)],
        },
        _ => return Err(EventError::Shape),
    };
    if items.is_empty() {
        return Err(EventError::Empty);
    }
    if items.len() > MAX_EVENTS_PER_CALL {
        return Err(EventError::TooMany(items.len()));
    }
    let mut taken = Normalized {
        events: Vec::with_capacity(items.len()),
        refused: Vec::new(),
    };
    for (index, item) in items.iter().enumerate() {
        match item_event(item, index, ctx) {
            // An item is taken whole or not at all.
            Ok(events) if taken.events.len() + events.len() > MAX_EVENTS_PER_CALL => {
                taken.refused.push(Refused {
                    index,
                    reason: format!(
                        "the call's events would pass {MAX_EVENTS_PER_CALL} (a cart change is \
                         one per product): send it in another call"
                    ),
                    name: event_name(item),
                })
            }
            Ok(events) => taken.events.extend(events),
            Err(reason) => taken.refused.push(Refused {
                index,
                reason,
                name: event_name(item),
            }),
        }
    }
    Ok(taken)
}

/// What an item calls itself: a GA4 push's `event` (a gtag call's name), else its `type`, when
/// that is text.
fn event_name(item: &Value) -> Option<String> {
    let obj = item.as_object()?;
    if let Some(Gtag::Event(push)) = gtag::read(obj) {
        return push.get("event")?.as_str().map(str::to_string);
    }
    let field = if is_ga4_push(obj) { "event" } else { "type" };
    obj.get(field)?.as_str().map(str::to_string)
}

/// One item of a call: its events (one per product of a cart change), or none when Clerk has no
/// call for it.
fn item_event(item: &Value, index: usize, ctx: &IngestContext<'_>) -> Result<Vec<Event>, String> {
    let obj = item.as_object().ok_or("must be a JSON object")?;
    // A gtag.js event call is read as the GTM push it stands for; its other commands are no
    // events (the beacon does not forward them).
    let from_gtag;
    let obj = match gtag::read(obj) {
        None => obj,
        Some(Gtag::Event(push)) => {
            from_gtag = push;
            &from_gtag
        }
        Some(Gtag::Command(command)) => {
            return Err(format!("a gtag `{command}` command is not an event"))
        }
    };
    // A GA4 push (`event`) is read as the native event it stands for, or left out when Clerk
    // has no call for it.
    if is_ga4_push(obj) {
        match translate(obj)? {
            Some(native) => one(&native, index, ctx).map(split_cart),
            None => Ok(Vec::new()),
        }
    } else {
        one(obj, index, ctx).map(split_cart)
    }
}

/// The most products one cart change may name: each becomes a Clerk call, and one request must
/// cause a bounded number of them.
pub const MAX_CART_LINES: usize = 20;

/// A cart change of several products as one event per product, as the worker sees them in the
/// storefront traffic (SFRA posts a set's products one line each): on a page, each is keyed by
/// its product, so the page's report and the server's reading of the same addition meet; off a
/// page, the second and later get `.{n}` after the call's id.
fn split_cart(event: Event) -> Vec<Event> {
    let cart = matches!(event.kind, EventKind::AddToCart | EventKind::RemoveFromCart);
    if !cart || event.products.len() < 2 {
        return vec![event];
    }
    event
        .products
        .iter()
        .enumerate()
        .map(|(n, product)| {
            let mut one = event.clone();
            one.products = vec![product.clone()];
            one.id = match &one.page {
                Some(page) => page_event_id(page, one.kind, &product.id),
                None if n == 0 => event.id.clone(),
                None => format!("{}.{n}", event.id),
            };
            one
        })
        .collect()
}

/// True for a GA4 push: it has an `event` and, unless that names a GA4 ecommerce event, no
/// native `type`. The beacon forwards a storefront's pushes whole, so a push may carry keys of
/// its own, `type` among them.
fn is_ga4_push(obj: &Map<String, Value>) -> bool {
    match obj.get("event") {
        None => false,
        Some(Value::String(name)) if GA4_EVENTS.contains(&name.as_str()) => true,
        Some(_) => !obj.contains_key("type"),
    }
}

/// The id of an event seen on one page view: the same whether the worker saw it in the
/// storefront traffic or the page's beacon reported it, so it is counted once. A purchase is one
/// per order, wherever it was seen.
pub fn page_event_id(page_id: &str, kind: EventKind, key: &str) -> String {
    match kind {
        EventKind::Purchase => format!("order-{key}"),
        _ => format!("{page_id}-{}-{key}", kind.as_str()),
    }
}

/// A page id as the worker issues them: 1 to 64 letters, digits, `-` or `_`.
fn page_id(obj: &Map<String, Value>) -> Result<Option<&str>, String> {
    match str_field(obj, "page_id")? {
        None => Ok(None),
        Some(p) if super::trace::is_page_id(p) => Ok(Some(p)),
        Some(_) => Err("field `page_id` must be 1 to 64 letters, digits, - or _".into()),
    }
}

fn one(obj: &Map<String, Value>, index: usize, ctx: &IngestContext<'_>) -> Result<Event, String> {
    let type_name = str_field(obj, "type")?.ok_or("field `type` is required")?;
    let kind = EventKind::parse(type_name).ok_or_else(|| {
        let known: Vec<_> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "unknown type {type_name:?}; known types: {}",
            known.join(", ")
        )
    })?;
    let time_ms = match (obj.get("age_ms"), obj.get("time")) {
        // A page reports how long ago it saw the event, free of its clock's skew. It wins over a
        // `time`, which in a forwarded GA4 push is the storefront's own data.
        (Some(age), _) if !age.is_null() => whole(age)
            .filter(|age| *age <= MAX_AGE_MS)
            .map(|age| ctx.now_ms.saturating_sub(age))
            .ok_or("field `age_ms` must be whole milliseconds, at most a day")?,
        (_, None | Some(Value::Null)) => ctx.now_ms,
        (_, Some(v)) => whole(v)
            .filter(|t| *t <= ctx.now_ms)
            .ok_or("field `time` must be Unix milliseconds, not in the future")?,
    };
    let required = |name: &str| -> Result<String, String> {
        str_field(obj, name)?
            .map(str::to_string)
            .ok_or_else(|| format!("field `{name}` is required for {type_name}"))
    };
    let mut event = Event {
        id: format!("{}-{index}", ctx.request_id),
        kind,
        time_ms,
        store: ctx.store.to_string(),
        visitor: ctx.visitor.map(VisitorId::clerk_visitor),
        customer: ctx.customer.map(str::to_string),
        products: Vec::new(),
        category: None,
        query: None,
        order_id: None,
        email: None,
        currency: None,
        source: ctx.source,
        page: None,
        read_order: None,
        browser_link: None,
    };
    match kind {
        EventKind::ProductView | EventKind::Click => {
            event.products.push(EventProduct {
                id: required("product")?,
                price: None,
                quantity: None,
            });
        }
        EventKind::CategoryView => event.category = Some(required("category")?),
        EventKind::Search => event.query = Some(required("query")?),
        // A login links a visitor to an email: only a sign-in the worker saw succeed in the
        // storefront traffic makes one, never a post anyone can make.
        EventKind::Login if ctx.source == Source::Client => return Err(CLIENT_LOGIN.into()),
        EventKind::CartUpdate => return Err(CLIENT_CART.into()),
        EventKind::Login => {
            let email = required("email")?;
            if !is_email(&email) {
                return Err("field `email` must be an email address".into());
            }
            event.email = Some(email);
        }
        EventKind::AddToCart | EventKind::RemoveFromCart => {
            let quantity = |line: &Map<String, Value>| match line.get("quantity") {
                None | Some(Value::Null) => Ok(1),
                Some(v) => positive_u32(v).ok_or("field `quantity` must be a whole number ≥ 1"),
            };
            match obj.get("products") {
                // Several lines (a GA4 push's items): one event each, see `split_cart`.
                Some(Value::Array(lines)) if lines.len() > MAX_CART_LINES => {
                    return Err(format!(
                        "field `products`: at most {MAX_CART_LINES} products in one cart change"
                    ))
                }
                Some(Value::Array(lines)) if !lines.is_empty() => {
                    for (i, line) in lines.iter().enumerate() {
                        let line = line
                            .as_object()
                            .ok_or_else(|| format!("products[{i}]: must be an object"))?;
                        let id = str_field(line, "id")
                            .map_err(|e| format!("products[{i}]: {e}"))?
                            .filter(|id| !id.trim().is_empty())
                            .ok_or_else(|| format!("products[{i}]: field `id` is required"))?;
                        event.products.push(EventProduct {
                            id: id.to_string(),
                            price: None,
                            quantity: Some(
                                quantity(line).map_err(|e| format!("products[{i}]: {e}"))?,
                            ),
                        });
                    }
                }
                Some(_) => return Err("field `products` must be a non-empty array".into()),
                None => event.products.push(EventProduct {
                    id: required("product")?,
                    price: None,
                    quantity: Some(quantity(obj)?),
                }),
            }
        }
        EventKind::Purchase => {
            event.order_id = Some(required("order_id")?);
            let lines = obj
                .get("products")
                .and_then(Value::as_array)
                .filter(|l| !l.is_empty())
                .ok_or("field `products` must be a non-empty array for purchase")?;
            for (i, line) in lines.iter().enumerate() {
                event
                    .products
                    .push(order_line(line).map_err(|e| format!("products[{i}]: {e}"))?);
            }
        }
    }
    if let Some(customer) = customer_field(obj)? {
        event.customer = Some(customer);
    }
    event.currency = Some(
        str_field(obj, "currency")?
            .unwrap_or(ctx.currency)
            .to_string(),
    );
    if let Some(page) = page_id(obj)? {
        event.id = page_event_id(page, kind, &event.id_key());
        event.page = Some(page.to_string());
    } else if kind == EventKind::Purchase {
        if ctx.source == Source::Client {
            return Err(PAGELESS_SALE.into());
        }
        event.id = page_event_id("", kind, &event.id_key());
    }
    Ok(event)
}

/// Why a purchase posted without the page view it was seen on is refused: only the
/// confirmation page the worker served may report its order (see [`super::plan_sale_copy`]).
pub const PAGELESS_SALE: &str = "a purchase is taken only from the confirmation page the worker \
     served: field `page_id` (the beacon's) is required";

/// Why a whole cart posted to the event endpoint is refused.
pub const CLIENT_CART: &str = "a cart is set only from the storefront's own answer to a cart \
     change the worker saw, not from a post";

/// Why a login posted to the event endpoint is refused.
pub const CLIENT_LOGIN: &str = "a login is taken only from a sign-in the worker saw succeed in \
     the storefront's traffic, not from a post";

/// The most characters a customer number may have (SFCC's are short; this is generous).
const MAX_CUSTOMER_LEN: usize = 64;

/// The shop's customer number an event names (`customer`, from GA4's `user_id`; a whole number
/// is read as its digits): printable, no spaces, not an email (an email is personal data that
/// travels only as `email`, with consent).
fn customer_field(obj: &Map<String, Value>) -> Result<Option<String>, String> {
    let value = match obj.get("customer") {
        Some(Value::Number(n)) if n.is_u64() => Some(n.to_string()),
        // A fraction or a negative number is no customer number: refused below.
        Some(Value::Number(_)) => Some(String::new()),
        _ => str_field(obj, "customer")?.map(str::to_string),
    };
    match value {
        None => Ok(None),
        Some(c)
            if !c.is_empty()
                && c.len() <= MAX_CUSTOMER_LEN
                && !c.contains('@')
                && c.chars().all(|ch| ch.is_ascii_graphic()) =>
        {
            Ok(Some(c))
        }
        Some(_) => Err(format!(
            "field `customer` must be a customer number: 1 to {MAX_CUSTOMER_LEN} printable characters, no spaces or @"
        )),
    }
}

fn order_line(line: &Value) -> Result<EventProduct, String> {
    let obj = line.as_object().ok_or("must be an object")?;
    let id = str_field(obj, "id")?.ok_or("field `id` is required")?;
    let price = obj
        .get("price")
        .and_then(Value::as_f64)
        .filter(|p| p.is_finite() && *p >= 0.0)
        .ok_or("field `price` must be a number ≥ 0")?;
    let quantity = obj
        .get("quantity")
        .and_then(positive_u32)
        .ok_or("field `quantity` must be a whole number ≥ 1")?;
    Ok(EventProduct {
        id: id.to_string(),
        price: Some(price),
        quantity: Some(quantity),
    })
}

/// The longest value a posted text field may have, characters: what the real systems hold, so
/// that a forged field cannot make what the worker keeps of an event (its queue message, a dead
/// letter, a QA receipt) large. SFCC types a product id as `Generic.NonEmptyString.100`
/// (`pricebook.xsd`, `catalog.xsd`); category ids and order numbers are given the same bound
/// (their schemas were not checked); an email address is at most 254 (RFC 5321's path limit); an
/// ISO 4217 currency code is 3 letters (8 leaves room for a page's odd spelling, which Clerk
/// then refuses on its own); a search is free text, Clerk gets its first 100.
pub const FIELD_CAPS: &[(&str, usize)] = &[
    ("product", 100),
    ("id", 100),
    ("category", 100),
    ("order_id", 100),
    ("email", 254),
    ("currency", 8),
    ("type", 40),
    ("query", 500),
];

/// The cap of a field not in [`FIELD_CAPS`].
pub const DEFAULT_FIELD_CAP: usize = 200;

/// `value` cut to the cap of field `name` (the worker's own readings of the traffic, which a
/// request's URL or form could make as long as it likes, keep their start).
pub fn within_cap(name: &str, value: &str) -> String {
    value.chars().take(cap_of(name)).collect()
}

/// The cap of posted field `name`, characters ([`FIELD_CAPS`], else [`DEFAULT_FIELD_CAP`]).
pub fn cap_of(name: &str) -> usize {
    FIELD_CAPS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(DEFAULT_FIELD_CAP, |(_, cap)| *cap)
}

fn str_field<'v>(obj: &'v Map<String, Value>, name: &str) -> Result<Option<&'v str>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.chars().count() > cap_of(name) => Err(format!(
            "field `{name}` is longer than {} characters",
            cap_of(name)
        )),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("field `{name}` must be a string")),
    }
}

/// A plausible email address: one `@` with text on both sides and a dot in the domain.
pub fn is_email(s: &str) -> bool {
    match s.trim().split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A whole number ≥ 0, written `2` or `2.0`: JavaScript has one number type, so a page (or the
/// validator auditing it) cannot tell them apart, and neither does the worker.
fn whole(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= MAX_SAFE_INTEGER)
            .map(|f| f as u64)
    })
}

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn positive_u32(v: &Value) -> Option<u32> {
    whole(v)
        .filter(|q| *q >= 1)
        .and_then(|q| u32::try_from(q).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(visitor: Option<&VisitorId>) -> IngestContext<'_> {
        IngestContext {
            store: "us",
            currency: "USD",
            visitor,
            customer: None,
            now_ms: 1_000_000,
            request_id: "req1",
            source: Source::Client,
        }
    }

    #[test]
    fn a_cart_change_of_several_products_is_one_event_per_product() {
        // Google's GA4 guide: an add_to_cart and a remove_from_cart push (guide-gtm.json).
        let body = r#"[
            {"event": "add_to_cart", "page_id": "pg1", "ecommerce": {"currency": "USD",
             "items": [{"item_id": "SKU_12345", "quantity": 3}, {"item_id": "SKU_12346"}]}},
            {"event": "remove_from_cart", "ecommerce": {"currency": "USD",
             "items": [{"item_id": "SKU_12345", "price": 10.01, "quantity": 3}]}},
            {"type": "add_to_cart", "products": [{"id": "A"}, {"id": "B", "quantity": 2}]}
        ]"#;
        let events = normalize(body, &ctx(None)).unwrap();
        let seen: Vec<(&str, EventKind, &str, Option<u32>)> = events
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.kind,
                    e.products[0].id.as_str(),
                    e.products[0].quantity,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "pg1-add_to_cart-SKU_12345",
                    EventKind::AddToCart,
                    "SKU_12345",
                    Some(3)
                ),
                (
                    "pg1-add_to_cart-SKU_12346",
                    EventKind::AddToCart,
                    "SKU_12346",
                    Some(1)
                ),
                ("req1-1", EventKind::RemoveFromCart, "SKU_12345", Some(3)),
                ("req1-2", EventKind::AddToCart, "A", Some(1)),
                ("req1-2.1", EventKind::AddToCart, "B", Some(2)),
            ],
            "on a page, keyed by product as the server's own reading of a set is"
        );
        assert!(events.iter().all(|e| e.products.len() == 1));

        let many: Vec<String> = (0..=MAX_CART_LINES)
            .map(|i| format!(r#"{{"id":"P{i}"}}"#))
            .collect();
        let body = format!(
            r#"{{"type":"add_to_cart","products":[{}]}}"#,
            many.join(",")
        );
        let err = normalize(&body, &ctx(None)).unwrap_err().to_string();
        assert!(err.contains("at most 20 products"), "{err}");
        let err = normalize(
            r#"{"type":"remove_from_cart","products":[{"quantity":1}]}"#,
            &ctx(None),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("products[0]: field `id` is required"), "{err}");
        let err = normalize(r#"{"type":"cart_update","products":[]}"#, &ctx(None))
            .unwrap_err()
            .to_string();
        assert!(err.contains(CLIENT_CART), "{err}");
    }

    #[test]
    fn a_call_becomes_at_most_fifty_events_each_item_whole() {
        let cart = |n: usize| {
            let products: Vec<String> = (0..n).map(|i| format!(r#"{{"id":"P{i}"}}"#)).collect();
            format!(
                r#"{{"type":"add_to_cart","products":[{}]}}"#,
                products.join(",")
            )
        };
        // 20 + 20 + 20 + 1: the third would make 60 and is refused; the view still fits.
        let body = format!(
            "[{},{},{},{}]",
            cart(20),
            cart(20),
            cart(20),
            r#"{"type":"product_view","product":"P1"}"#
        );
        let taken = normalize_each(&body, &ctx(None)).unwrap();
        assert_eq!(taken.events.len(), 41);
        assert_eq!(taken.refused.len(), 1);
        assert_eq!(taken.refused[0].index, 2);
        assert!(
            taken.refused[0].reason.contains("would pass 50"),
            "{:?}",
            taken.refused
        );
    }

    #[test]
    fn a_product_view_carries_the_clerk_visitor() {
        let v = VisitorId::parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301").unwrap();
        let events =
            normalize(r#"{"type":"product_view","product":"P1"}"#, &ctx(Some(&v))).unwrap();
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(
            (e.id.as_str(), e.kind, e.time_ms),
            ("req1-0", EventKind::ProductView, 1_000_000)
        );
        assert_eq!(
            e.visitor.as_deref(),
            Some("3f2504e04f8941d39a0c0305e82c3301")
        );
        assert_eq!(e.products[0].id, "P1");
        assert_eq!(e.currency.as_deref(), Some("USD"));
    }

    #[test]
    fn a_posted_login_is_refused_and_a_servers_carries_no_email_in_its_id() {
        let body = r#"[{"type":"login","email":"ann@example.com","page_id":"pg1"},
                       {"type":"product_view","product":"P1","page_id":"pg1"}]"#;
        let taken = normalize_each(body, &ctx(None)).unwrap();
        assert_eq!(taken.events.len(), 1, "its neighbour is taken");
        assert_eq!(
            (taken.refused[0].index, taken.refused[0].reason.as_str()),
            (0, CLIENT_LOGIN)
        );
        let server = IngestContext {
            source: Source::Server,
            ..ctx(None)
        };
        let login = &normalize(body, &server).unwrap()[0];
        assert_eq!(login.email.as_deref(), Some("ann@example.com"));
        assert_eq!(
            login.id,
            format!("pg1-login-{}", crate::identity::link_of("ann@example.com"))
        );
    }

    #[test]
    fn accepts_arrays_and_wrapped_lists() {
        let body = r#"{"events":[{"type":"search","query":"shirt","time":5},{"type":"add_to_cart","product":"P2","quantity":3}]}"#;
        let events = normalize(body, &ctx(None)).unwrap();
        assert_eq!(events[0].query.as_deref(), Some("shirt"));
        assert_eq!(events[0].time_ms, 5);
        assert_eq!(events[1].products[0].quantity, Some(3));
        assert_eq!(events[1].id, "req1-1");
        assert!(normalize(r#"[{"type":"click","product":"P"}]"#, &ctx(None)).is_ok());
    }

    #[test]
    fn purchase_lines_are_checked() {
        let ok = r#"{"type":"purchase","order_id":"O1","page_id":"pg1","products":[{"id":"P","price":9.5,"quantity":2}]}"#;
        assert_eq!(
            normalize(ok, &ctx(None)).unwrap()[0].products[0].price,
            Some(9.5)
        );
        let pageless = r#"{"type":"purchase","order_id":"O1","products":[{"id":"P","price":9.5,"quantity":2}]}"#;
        assert_eq!(
            normalize(pageless, &ctx(None)),
            Err(EventError::Invalid {
                index: 0,
                reason: PAGELESS_SALE.into()
            }),
            "a posted order number alone claims nothing"
        );
        let bad = r#"{"type":"purchase","order_id":"O1","page_id":"pg1","products":[{"id":"P","price":"9.5","quantity":2}]}"#;
        assert_eq!(
            normalize(bad, &ctx(None)),
            Err(EventError::Invalid {
                index: 0,
                reason: "products[0]: field `price` must be a number ≥ 0".into()
            })
        );
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        let c = ctx(None);
        assert!(matches!(normalize("{", &c), Err(EventError::Json(_))));
        assert_eq!(normalize("3", &c), Err(EventError::Shape));
        assert_eq!(normalize("[]", &c), Err(EventError::Empty));
        let many = format!(
            "[{}]",
            vec![r#"{"type":"search","query":"q"}"#; 51].join(",")
        );
        assert_eq!(normalize(&many, &c), Err(EventError::TooMany(51)));
        let unknown = normalize(r#"{"type":"wishlist"}"#, &c)
            .unwrap_err()
            .to_string();
        assert!(
            unknown.starts_with("event 0: unknown type \"wishlist\"; known types: product_view"),
            "{unknown}"
        );
        assert_eq!(
            normalize(
                r#"[{"type":"search","query":"q"},{"type":"product_view","product":7}]"#,
                &c
            ),
            Err(EventError::Invalid {
                index: 1,
                reason: "field `product` must be a string".into()
            })
        );
        assert_eq!(
            normalize(r#"{"type":"product_view","time":2000000}"#, &c),
            Err(EventError::Invalid {
                index: 0,
                reason: "field `time` must be Unix milliseconds, not in the future".into()
            })
        );
    }

    #[test]
    fn ga4_pushes_meet_native_events_and_share_page_scoped_ids() {
        let body = r#"[
            {"event": "view_item", "page_id": "pg1", "time": 900000, "ecommerce": {"currency": "USD", "items": [{"item_id": "A"}]}},
            {"event": "view_cart", "ecommerce": {"items": [{"item_id": "A"}]}},
            {"type": "product_view", "product": "A", "page_id": "pg1"},
            {"event": "purchase", "page_id": "pg1", "ecommerce": {"transaction_id": "O9", "items": [{"item_id": "A", "price": 2.5, "quantity": 1}]}}
        ]"#;
        let events = normalize(body, &ctx(None)).unwrap();
        assert_eq!(
            events.len(),
            3,
            "the cart view has no Clerk call and is left out"
        );
        assert_eq!(events[0].kind, EventKind::ProductView);
        assert_eq!(events[0].time_ms, 900_000, "the original time is kept");
        assert_eq!(events[0].id, "pg1-product_view-A");
        assert_eq!(events[0].id, events[1].id, "seen twice on one page: one id");
        assert_eq!(events[2].id, "order-O9");
        assert_eq!(events[2].products[0].price, Some(2.5));
    }

    #[test]
    fn bad_ga4_pushes_and_page_ids_are_refused_with_their_index() {
        let err = normalize(
            r#"[{"type": "search", "query": "x"}, {"event": "gtm.click"}]"#,
            &ctx(None),
        )
        .unwrap_err();
        assert!(
            matches!(&err, EventError::Invalid { index: 1, reason } if reason.contains("unknown GA4 event")),
            "{err}"
        );
        let err = normalize(
            r#"{"type": "search", "query": "x", "page_id": "<script>"}"#,
            &ctx(None),
        )
        .unwrap_err();
        assert!(err.to_string().contains("page_id"), "{err}");
    }

    #[test]
    fn a_customer_number_on_the_page_is_carried_and_emails_or_odd_values_are_refused() {
        let events = normalize(
            r#"[{"event": "view_item", "user_id": "00000001", "ecommerce": {"items": [{"item_id": "A"}]}},
                {"type": "search", "query": "x", "customer": 42}, {"type": "search", "query": "y"}]"#,
            &ctx(None),
        )
        .unwrap();
        assert_eq!(events[0].customer.as_deref(), Some("00000001"));
        assert_eq!(events[1].customer.as_deref(), Some("42"));
        assert_eq!(events[2].customer, None);
        for bad in [
            r#""ann@example.com""#,
            r#""a b""#,
            "4.5",
            "true",
            &format!("\"{}\"", "9".repeat(65)),
        ] {
            let body = format!(r#"{{"type": "search", "query": "x", "customer": {bad}}}"#);
            let err = normalize(&body, &ctx(None)).unwrap_err();
            assert!(err.to_string().contains("customer"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_queue_message_keeps_every_price_exactly() {
        let body = r#"{"type":"purchase","order_id":"O1","page_id":"pg1","products":[
            {"id":"A","price":0.30000000000000004,"quantity":1},
            {"id":"B","price":2.5555555555555554e121,"quantity":1},
            {"id":"C","price":29.990000000000002,"quantity":1}]}"#;
        let events = normalize(body, &ctx(None)).unwrap();
        let message = serde_json::to_string(&events[0]).unwrap();
        let back: Event = serde_json::from_str(&message).unwrap();
        assert_eq!(back, events[0], "{message}");
    }

    #[test]
    fn a_ga4_push_with_a_type_of_its_own_is_still_a_ga4_push() {
        let body = r#"[{"event": "view_item", "type": "product", "ecommerce": {"items": [{"item_id": "A"}]}},
                       {"event": "page_data", "type": "search", "query": "x"}]"#;
        let events = normalize(body, &ctx(None)).unwrap();
        assert_eq!(
            (events[0].kind, events[0].key().as_str()),
            (EventKind::ProductView, "A")
        );
        assert_eq!(
            events[1].kind,
            EventKind::Search,
            "not a GA4 event name: the native type"
        );
    }

    #[test]
    fn a_pages_age_of_an_event_sets_its_time() {
        let events = normalize(
            r#"{"type": "search", "query": "x", "age_ms": 1500}"#,
            &ctx(None),
        )
        .unwrap();
        assert_eq!(events[0].time_ms, 1_000_000 - 1500);
        // The beacon sets it on the GA4 pushes it held until the shopper consented.
        let events = normalize(
            r#"[{"event": "search", "search_term": "x", "age_ms": 2300},
                {"event": "view_item", "age_ms": 100, "ecommerce": {"items": [{"item_id": "A"}]}}]"#,
            &ctx(None),
        )
        .unwrap();
        assert_eq!(events[0].time_ms, 1_000_000 - 2300);
        assert_eq!(events[1].time_ms, 1_000_000 - 100);
        // A storefront's own `time` in a push the beacon forwarded does not spoil the call.
        let events = normalize(
            r#"{"event": "search", "search_term": "x", "time": "2026-11-26T10:00", "age_ms": 50}"#,
            &ctx(None),
        )
        .unwrap();
        assert_eq!(events[0].time_ms, 1_000_000 - 50);
        let err = normalize(
            r#"{"type": "search", "query": "x", "age_ms": -1}"#,
            &ctx(None),
        )
        .unwrap_err();
        assert!(err.to_string().contains("age_ms"), "{err}");
    }

    #[test]
    fn a_refused_ga4_push_is_named_by_its_event_and_a_native_one_by_its_type() {
        let body = r#"[{"event": "add_to_cart", "ecommerce": {"items": []}, "type": "mine"},
                       {"type": "wishlist"},
                       {"type": 7}]"#;
        let each = normalize_each(body, &ctx(None)).unwrap();
        let names: Vec<Option<&str>> = each.refused.iter().map(|r| r.name.as_deref()).collect();
        assert_eq!(names, [Some("add_to_cart"), Some("wishlist"), None]);
    }

    #[test]
    fn each_event_is_taken_or_refused_on_its_own_and_normalize_refuses_the_call_for_one() {
        let body = r#"[{"type": "search", "query": "a"},
                       {"type": "product_view", "product": 7},
                       {"event": "view_cart"},
                       "no event",
                       {"event": "view_item", "ecommerce": {"items": [{"item_id": "P1"}]}}]"#;
        let each = normalize_each(body, &ctx(None)).unwrap();
        let kinds: Vec<EventKind> = each.events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::Search, EventKind::ProductView]);
        assert_eq!(each.events[1].products[0].id, "P1");
        let refused: Vec<(usize, &str)> = each
            .refused
            .iter()
            .map(|r| (r.index, r.reason.as_str()))
            .collect();
        assert_eq!(
            refused,
            [
                (1, "field `product` must be a string"),
                (3, "must be a JSON object")
            ]
        );
        let names: Vec<Option<&str>> = each.refused.iter().map(|r| r.name.as_deref()).collect();
        assert_eq!(
            names,
            [Some("product_view"), None],
            "what the page called them"
        );
        // Event ids keep the call's positions: a refused neighbour shifts none.
        assert_eq!(each.events[0].id, "req1-0");
        assert_eq!(each.events[1].id, "req1-4");
        assert_eq!(
            normalize(body, &ctx(None)).unwrap_err(),
            EventError::Invalid {
                index: 1,
                reason: "field `product` must be a string".into()
            }
        );
        // Whatever is wrong with the call as a whole is still the call's error.
        assert_eq!(normalize_each("[]", &ctx(None)), Err(EventError::Empty));
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction_as_javascript_prints_them_either_way() {
        let events = normalize(
            r#"[{"type": "add_to_cart", "product": "P1", "quantity": 2.0, "age_ms": 1500.0},
                {"type": "search", "query": "x", "time": 999000.0}]"#,
            &ctx(None),
        )
        .unwrap();
        assert_eq!(events[0].products[0].quantity, Some(2));
        assert_eq!(events[0].time_ms, 1_000_000 - 1500);
        assert_eq!(events[1].time_ms, 999_000);
        for bad in [
            r#""quantity": 1.5"#,
            r#""quantity": 0.0"#,
            r#""quantity": -2.0"#,
        ] {
            let body = format!(r#"{{"type": "add_to_cart", "product": "P1", {bad}}}"#);
            let err = normalize(&body, &ctx(None)).unwrap_err();
            assert!(err.to_string().contains("quantity"), "{bad}: {err}");
        }
        let err = normalize(
            r#"{"type": "search", "query": "x", "age_ms": 0.5}"#,
            &ctx(None),
        )
        .unwrap_err();
        assert!(err.to_string().contains("age_ms"), "{err}");
    }

    #[test]
    fn a_gtag_call_is_read_as_its_gtm_push_and_other_gtag_commands_are_refused() {
        // The purchase of Google's GA4 ecommerce guide, as `gtag('event', …)` leaves it in the
        // data layer and the beacon forwards it, and as its GTM push.
        let params = r#"{"transaction_id": "T_12345", "value": 30.03, "tax": 4.90, "shipping": 5.99,
            "currency": "USD", "coupon": "SUMMER_SALE",
            "items": [{"item_id": "SKU_12345", "item_name": "Stan and Friends Tee", "price": 10.01, "quantity": 3}]}"#;
        let gtag = format!(
            r#"[{{"0": "event", "1": "purchase", "2": {params}, "page_id": "pg1", "age_ms": 40, "user_id": "0001"}},
                {{"0": "event", "1": "search", "2": {{"search_term": "t-shirts"}}, "page_id": "pg1"}}]"#
        );
        let gtm = format!(
            r#"[{{"event": "purchase", "ecommerce": {params}, "page_id": "pg1", "age_ms": 40, "user_id": "0001"}},
                {{"event": "search", "search_term": "t-shirts", "page_id": "pg1"}}]"#
        );
        let events = normalize(&gtag, &ctx(None)).unwrap();
        assert_eq!(events, normalize(&gtm, &ctx(None)).unwrap());
        assert_eq!(
            (events[0].id.as_str(), events[0].customer.as_deref()),
            ("order-T_12345", Some("0001"))
        );
        assert_eq!(events[0].products[0].price, Some(10.01));
        assert_eq!(events[1].query.as_deref(), Some("t-shirts"));

        let body = r#"[{"0": "config", "1": "G-XXXX"},
                       {"0": "event", "1": "view_cart", "2": {"currency": "USD"}},
                       {"0": "event", "1": "view_item", "2": {"items": []}},
                       {"0": "event", "1": 7}]"#;
        let each = normalize_each(body, &ctx(None)).unwrap();
        assert_eq!(each.events, [], "the cart view has no Clerk call");
        let refused: Vec<(usize, &str, Option<&str>)> = each
            .refused
            .iter()
            .map(|r| (r.index, r.reason.as_str(), r.name.as_deref()))
            .collect();
        assert_eq!(
            refused,
            [
                (0, "a gtag `config` command is not an event", None),
                (
                    2,
                    "ecommerce.items must be a non-empty array",
                    Some("view_item")
                ),
                (3, "field `event` must be a string", None),
            ]
        );
    }

    #[test]
    fn a_field_longer_than_the_real_systems_hold_refuses_its_event_only() {
        let long = |n: usize| "x".repeat(n);
        let body = serde_json::json!([
            {"type": "product_view", "product": long(100)},
            {"type": "product_view", "product": long(101)},
            {"type": "search", "query": long(501)},
            {"type": "add_to_cart", "products": [{"id": long(101)}]},
            {"type": "search", "query": "shirt", "currency": long(9)},
            {"type": "category_view", "category": long(5000)},
        ])
        .to_string();
        let normalized = normalize_each(&body, &ctx(None)).unwrap();
        assert_eq!(normalized.events.len(), 1, "the 100-character id is taken");
        let refused: Vec<(usize, String)> = normalized
            .refused
            .iter()
            .map(|r| (r.index, r.reason.clone()))
            .collect();
        assert_eq!(
            refused,
            [
                (
                    1,
                    "field `product` is longer than 100 characters".to_string()
                ),
                (2, "field `query` is longer than 500 characters".to_string()),
                (
                    3,
                    "products[0]: field `id` is longer than 100 characters".to_string()
                ),
                (
                    4,
                    "field `currency` is longer than 8 characters".to_string()
                ),
                (
                    5,
                    "field `category` is longer than 100 characters".to_string()
                ),
            ]
        );
    }
}
