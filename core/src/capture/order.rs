//! Orders read from the storefront's order confirmation page as it streams through the worker:
//! the order number, its lines (product, quantity, unit price) and, with consent to identify,
//! the email it was placed with. Nothing depends on the page's scripts running, so an order
//! reaches Clerk even when the shopper's browser blocks the beacon; the beacon's own `purchase`
//! sighting shares the event id (`order-{number}`), so the order is counted once.
//!
//! The shell runs the runtime's HTML parser with [`OrderMarkup`]'s CSS selectors and hands over
//! what they matched as a [`ScrapedOrder`]; [`confirmation_sale`] decides. Where SFCC can be
//! asked (SCAPI configured), the page gives only the order number and the sale's lines, email
//! and customer number are read from SFCC by the queue consumer ([`super::read_sale`]): the
//! order as SFCC holds it is the authority, and a stock SFRA confirmation page shows no product
//! ids (`productCard.isml` carries only the line's UUID).

use super::rules::last_segment;
use crate::event::{
    is_email, page_event_id, Event, EventKind, EventProduct, IngestContext, OrderToRead,
};
use serde::{Deserialize, Serialize};

/// Where a storefront's confirmation page shows the order. The defaults follow SFRA's
/// `Order-Confirm` page (`.order-number`, `.order-email`) with the product line items carrying
/// `data-pid`, `data-quantity` and `data-price`; other storefronts set their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderMarkup {
    /// The last path segment of the confirmation page (`Order-Confirm`).
    pub action: String,
    /// CSS selector of the element whose text is the order number.
    pub number: String,
    /// CSS selector of one order line.
    pub line: String,
    /// Attribute of a line naming its product id.
    pub line_product: String,
    /// Attribute of a line giving its quantity.
    pub line_quantity: String,
    /// Attribute of a line giving its unit price (a plain number).
    pub line_price: String,
    /// CSS selector of the element whose text is the order's email (empty: none read).
    pub email: String,
}

impl Default for OrderMarkup {
    fn default() -> Self {
        Self {
            action: "Order-Confirm".into(),
            number: ".order-number".into(),
            line: ".product-line-item[data-pid]".into(),
            line_product: "data-pid".into(),
            line_quantity: "data-quantity".into(),
            line_price: "data-price".into(),
            email: ".order-email".into(),
        }
    }
}

impl OrderMarkup {
    /// True when `path` is the confirmation page.
    pub fn is_confirmation(&self, path: &str) -> bool {
        !self.action.is_empty() && last_segment(path) == self.action
    }
}

/// One line as the page showed it: attribute values, unparsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrapedLine {
    /// The product attribute.
    pub product: Option<String>,
    /// The quantity attribute.
    pub quantity: Option<String>,
    /// The unit price attribute.
    pub price: Option<String>,
}

/// What the selectors matched on one confirmation page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrapedOrder {
    /// Text of the order number element (text chunks appended).
    pub number: String,
    /// The lines, in page order.
    pub lines: Vec<ScrapedLine>,
    /// Text of the email element.
    pub email: String,
}

/// Why a confirmation page gave no order. Reported in the log; the page itself is never touched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderPageError {
    /// No order number on the page.
    #[error("the confirmation page shows no order number")]
    NoNumber,
    /// No lines on the page.
    #[error("order {0}: the confirmation page shows no order lines")]
    NoLines(String),
    /// A line is unreadable.
    #[error("order {order}: line {index}: {reason}")]
    Line {
        /// The order number.
        order: String,
        /// Position of the line, from 0.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// The event id of the order a confirmation page shows (`order-{number}`), when it shows one.
pub fn served_order_id(page: &ScrapedOrder) -> Option<String> {
    let number = page.number.trim();
    (!number.is_empty()).then(|| page_event_id("", EventKind::Purchase, number))
}

/// The purchase a confirmation page shows, as a server-seen event. `with_email` is the consent
/// to identify: without it the page's email is never read into the event.
pub fn order_event(
    page: &ScrapedOrder,
    ctx: &IngestContext<'_>,
    with_email: bool,
) -> Result<Event, OrderPageError> {
    let number = page.number.trim().to_string();
    if number.is_empty() {
        return Err(OrderPageError::NoNumber);
    }
    if page.lines.is_empty() {
        return Err(OrderPageError::NoLines(number));
    }
    let products = page
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            order_line(line).map_err(|reason| OrderPageError::Line {
                order: number.clone(),
                index,
                reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let email = Some(page.email.trim())
        .filter(|e| with_email && is_email(e))
        .map(String::from);
    Ok(Event {
        id: page_event_id("", EventKind::Purchase, &number),
        kind: EventKind::Purchase,
        time_ms: ctx.now_ms,
        store: ctx.store.to_string(),
        visitor: ctx.visitor.map(|v| v.clerk_visitor()),
        customer: ctx.customer.map(String::from),
        products,
        category: None,
        query: None,
        order_id: Some(number),
        email,
        currency: Some(ctx.currency.to_string()),
        source: ctx.source,
        page: None,
        read_order: None,
        browser_link: None,
    })
}

/// The sale a served confirmation page stands for. With `read_from` (the site's id, where SCAPI
/// is configured) it is the page's order number only, with its lines, email and customer number
/// left for the queue consumer to read from SFCC; without, it is what the page's lines show
/// ([`order_event`]). `with_email` is the consent to identify.
pub fn confirmation_sale(
    page: &ScrapedOrder,
    ctx: &IngestContext<'_>,
    with_email: bool,
    read_from: Option<&str>,
) -> Result<Event, OrderPageError> {
    let Some(site_id) = read_from else {
        return order_event(page, ctx, with_email);
    };
    let number = page.number.trim();
    if number.is_empty() {
        return Err(OrderPageError::NoNumber);
    }
    Ok(Event {
        id: page_event_id("", EventKind::Purchase, number),
        kind: EventKind::Purchase,
        time_ms: ctx.now_ms,
        store: ctx.store.to_string(),
        visitor: ctx.visitor.map(|v| v.clerk_visitor()),
        customer: None,
        products: Vec::new(),
        category: None,
        query: None,
        order_id: Some(number.to_string()),
        email: None,
        currency: Some(ctx.currency.to_string()),
        source: ctx.source,
        page: None,
        read_order: Some(OrderToRead {
            site_id: site_id.to_string(),
            identify: with_email,
        }),
        browser_link: None,
    })
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Every line of `order` as [`order_line`] reads it; the first unreadable one is the error, named
/// by its place (`line 2: no unit price`).
pub(crate) fn order_lines(order: &ScrapedOrder) -> Result<Vec<EventProduct>, String> {
    order
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| order_line(line).map_err(|why| format!("line {index}: {why}")))
        .collect()
}

/// One line of an order as Clerk takes it: a product id, a whole quantity ≥ 1 (1 when none is
/// given) and a unit price ≥ 0.
fn order_line(line: &ScrapedLine) -> Result<EventProduct, String> {
    let id = text(&line.product).ok_or("no product id")?;
    let quantity = match text(&line.quantity) {
        None => 1,
        Some(q) => q
            .parse::<u32>()
            .ok()
            .filter(|q| *q >= 1)
            .ok_or_else(|| format!("quantity {q:?} is not a whole number ≥ 1"))?,
    };
    let price = text(&line.price)
        .ok_or("no unit price")?
        .parse::<f64>()
        .ok()
        .filter(|p| p.is_finite() && *p >= 0.0)
        .ok_or_else(|| format!("unit price {:?} is not a number ≥ 0", line.price))?;
    Ok(EventProduct {
        id: id.to_string(),
        price: Some(price),
        quantity: Some(quantity),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Source;
    use crate::identity::VisitorId;

    fn line(p: &str, q: &str, price: &str) -> ScrapedLine {
        ScrapedLine {
            product: Some(p.into()),
            quantity: Some(q.into()),
            price: Some(price.into()),
        }
    }

    fn page() -> ScrapedOrder {
        ScrapedOrder {
            number: "\n  00001234 ".into(),
            lines: vec![line("25696717M", "2", "24.99"), line("P2", " 1 ", "10")],
            email: " ann@example.com ".into(),
        }
    }

    /// The page read as [`order_event`] reads it: [`confirmation_sale`] without SCAPI.
    fn run(page: &ScrapedOrder, with_email: bool) -> Result<Event, OrderPageError> {
        sale(page, with_email, None)
    }

    fn sale(
        page: &ScrapedOrder,
        with_email: bool,
        read_from: Option<&str>,
    ) -> Result<Event, OrderPageError> {
        let v = VisitorId::parse("0b6f1e9e-2a7c-4d4b-9c1e-5f3a2b1c0d9e").unwrap();
        confirmation_sale(
            page,
            &IngestContext {
                store: "refarch-us",
                currency: "USD",
                visitor: Some(&v),
                customer: None,
                now_ms: 7,
                request_id: "r1",
                source: Source::Server,
            },
            with_email,
            read_from,
        )
    }

    #[test]
    fn where_sfcc_can_be_asked_the_page_gives_only_the_order_number() {
        // Stock SFRA: a number, no product ids on the lines.
        let stock = ScrapedOrder {
            lines: Vec::new(),
            ..page()
        };
        let pending = sale(&stock, true, Some("RefArch")).unwrap();
        assert_eq!(pending.id, "order-00001234");
        assert_eq!(pending.order_id.as_deref(), Some("00001234"));
        assert!(pending.products.is_empty() && pending.email.is_none());
        assert_eq!(
            pending.read_order,
            Some(OrderToRead {
                site_id: "RefArch".into(),
                identify: true
            })
        );
        // Lines on the page change nothing: SFCC's order is the authority.
        let marked = sale(&page(), false, Some("RefArch")).unwrap();
        assert!(marked.products.is_empty() && marked.email.is_none());
        assert_eq!(marked.read_order.map(|r| r.identify), Some(false));
        // Without SCAPI the lines are read from the page, and an error page is none.
        assert_eq!(sale(&page(), true, None).unwrap().products.len(), 2);
        assert_eq!(
            sale(&stock, true, None).unwrap_err(),
            OrderPageError::NoLines("00001234".into())
        );
        let error_page = ScrapedOrder {
            number: " ".into(),
            ..stock
        };
        assert_eq!(
            sale(&error_page, true, Some("RefArch")).unwrap_err(),
            OrderPageError::NoNumber
        );
    }

    #[test]
    fn a_page_without_an_order_number_served_no_order() {
        assert_eq!(served_order_id(&page()).as_deref(), Some("order-00001234"));
        let error_page = ScrapedOrder {
            number: " \n ".into(),
            ..page()
        };
        assert_eq!(served_order_id(&error_page), None);
        let stock_sfra = ScrapedOrder {
            lines: Vec::new(),
            ..page()
        };
        assert_eq!(
            served_order_id(&stock_sfra).as_deref(),
            Some("order-00001234"),
            "lines without product ids still show which order was served"
        );
    }

    #[test]
    fn a_confirmation_page_is_one_purchase_per_order_with_its_lines() {
        let e = run(&page(), true).unwrap();
        assert_eq!(e.kind, EventKind::Purchase);
        assert_eq!(
            e.id, "order-00001234",
            "the beacon's sighting has the same id"
        );
        assert_eq!(e.order_id.as_deref(), Some("00001234"));
        assert_eq!(e.products.len(), 2);
        assert_eq!(e.products[0].quantity, Some(2));
        assert_eq!(e.products[0].price, Some(24.99));
        assert_eq!(e.products[1].quantity, Some(1));
        assert_eq!(e.email.as_deref(), Some("ann@example.com"));
        assert_eq!(e.currency.as_deref(), Some("USD"));
        assert_eq!(e.source, Source::Server);
        assert!(e.visitor.is_some());
    }

    #[test]
    fn without_consent_to_identify_the_email_stays_on_the_page() {
        assert_eq!(run(&page(), false).unwrap().email, None);
        let mut p = page();
        p.email = "not an email".into();
        assert_eq!(run(&p, true).unwrap().email, None);
    }

    #[test]
    fn a_page_without_a_number_lines_or_readable_lines_is_an_error_naming_it() {
        let mut p = page();
        p.number = "  ".into();
        assert!(matches!(run(&p, true), Err(OrderPageError::NoNumber)));
        let mut p = page();
        p.lines.clear();
        assert_eq!(
            run(&p, true).unwrap_err().to_string(),
            "order 00001234: the confirmation page shows no order lines"
        );
        for (bad, what) in [
            (line("", "1", "1"), "no product id"),
            (line("P", "0", "1"), "quantity"),
            (line("P", "1.5", "1"), "quantity"),
            (line("P", "1", "$1"), "unit price"),
            (line("P", "1", "-1"), "unit price"),
        ] {
            let mut p = page();
            p.lines.push(bad);
            let err = run(&p, true).unwrap_err().to_string();
            assert!(err.contains("line 2") && err.contains(what), "{err}");
        }
    }

    #[test]
    fn the_confirmation_is_recognized_by_its_route() {
        let m = OrderMarkup::default();
        assert!(m.is_confirmation("/on/demandware.store/Sites-RefArch-Site/en_US/Order-Confirm"));
        assert!(!m.is_confirmation("/s/RefArch/cart"));
        let none = OrderMarkup {
            action: String::new(),
            ..OrderMarkup::default()
        };
        assert!(!none.is_confirmation("/Order-Confirm"));
    }
}
