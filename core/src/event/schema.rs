use serde::{Deserialize, Serialize};

/// What the shopper did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Viewed a product detail page.
    ProductView,
    /// Viewed a category / listing page.
    CategoryView,
    /// Searched.
    Search,
    /// Added a product to the cart.
    AddToCart,
    /// Removed a product from the cart.
    RemoveFromCart,
    /// The cart as it now is (its products replace what Clerk held): read from the storefront's
    /// answer to a removal or a quantity change.
    CartUpdate,
    /// Placed an order.
    Purchase,
    /// Clicked a product that Clerk recommended.
    Click,
    /// Logged in: the visitor is linked to the customer's email (with consent only).
    Login,
}

impl EventKind {
    /// Every kind, in schema order.
    pub const ALL: [EventKind; 9] = [
        EventKind::ProductView,
        EventKind::CategoryView,
        EventKind::Search,
        EventKind::AddToCart,
        EventKind::RemoveFromCart,
        EventKind::CartUpdate,
        EventKind::Purchase,
        EventKind::Click,
        EventKind::Login,
    ];

    /// The wire name (`product_view`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ProductView => "product_view",
            EventKind::CategoryView => "category_view",
            EventKind::Search => "search",
            EventKind::AddToCart => "add_to_cart",
            EventKind::RemoveFromCart => "remove_from_cart",
            EventKind::CartUpdate => "cart_update",
            EventKind::Purchase => "purchase",
            EventKind::Click => "click",
            EventKind::Login => "login",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Where the event was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Recognized by the worker from storefront traffic.
    Server,
    /// Posted by the page (the injected beacon or the storefront itself).
    Client,
}

/// A product in an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventProduct {
    /// Product id as in the catalog sent to Clerk.
    pub id: String,
    /// Unit price, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Quantity, when it matters (cart, order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
}

/// One normalized behavioural event, as carried on the `events` queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id; a delivery that Clerk accepted is never repeated for it.
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// When it happened, Unix milliseconds.
    pub time_ms: u64,
    /// The store (see [`crate::store::StoreConfig::name`]).
    pub store: String,
    /// The Clerk visitor id (32 alphanumerics), when the shopper may be identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<String>,
    /// The SFCC customer number, when logged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Products involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<EventProduct>,
    /// Category id (category views).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Search query (searches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Order id (purchases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The customer's email (logins, with consent only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// ISO 4217 currency of the prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Where it was seen.
    pub source: Source,
    /// The page view it was seen on (the id the worker gave the page), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// A sale whose lines are still to be read from SFCC before it is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_order: Option<OrderToRead>,
    /// On a sale: the customer the shopper's browser was linked to when the sale was seen (its
    /// link cookie, a hash, never an email). The sale keeps the browser's visitor only for that
    /// customer's email ([`crate::identity::visitor_of_sale`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_link: Option<String>,
}

/// A sale whose lines the queue consumer reads from SFCC (SCAPI's Admin Orders API) before
/// sending it: the worker served the order's confirmation page, which names the order but —
/// on a stock SFRA storefront — not its products. Only the worker's own reading of a page sets
/// it; nothing a browser posts becomes one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderToRead {
    /// The SFCC site the order was placed on.
    pub site_id: String,
    /// Consent to identify: the order's email and customer number go with the sale.
    pub identify: bool,
}

impl Event {
    /// Fills what this copy of a sale lacks from what another copy of it carried: the page's
    /// report has the shop's customer number (GA4 `user_id`), the server's reading of the
    /// confirmation page has the email. What this copy has is kept.
    pub fn fill_missing(&mut self, customer: Option<String>, email: Option<String>) {
        self.customer = self.customer.take().or(customer);
        self.email = self.email.take().or(email);
    }

    /// The cart a sale empties: for the sale's visitor, a cart update with no products
    /// (Clerk's `log/cart/update`, "sets the customer's basket to the given products",
    /// docs.clerk.io/reference), as Clerk's own platform extensions set an empty cart right
    /// after a sale (clerk-woocommerce `class-clerk-sales-tracking.php`, clerk-prestashop
    /// `sales_tracking.tpl`), so a cart that became an order is not left for Clerk's
    /// abandoned-cart emails. Its id follows the sale's, so the sale's copies empty it once.
    /// The worker sends it for the sales it read itself (a confirmation page, SCAPI's answer);
    /// a page's own `purchase` report is not yet known to be a sale when it is posted.
    /// `None` for another event or a sale without a visitor (no cart at Clerk to empty).
    pub fn cart_emptied_by_sale(&self) -> Option<Event> {
        if self.kind != EventKind::Purchase || self.visitor.is_none() {
            return None;
        }
        Some(Event {
            id: format!("{}-emptied", self.id),
            kind: EventKind::CartUpdate,
            customer: None,
            products: Vec::new(),
            order_id: None,
            email: None,
            currency: None,
            read_order: None,
            browser_link: None,
            ..self.clone()
        })
    }

    /// The event as a page holds it for the beacon to send later: the native shape `normalize`
    /// reads, with its page id and original time.
    pub fn held_form(&self, page_id: &str) -> serde_json::Value {
        let mut v = serde_json::json!({
            "type": self.kind.as_str(),
            "page_id": page_id,
            "time": self.time_ms,
        });
        match self.kind {
            EventKind::CategoryView => v["category"] = self.key().into(),
            EventKind::Search => v["query"] = self.key().into(),
            EventKind::Purchase => {
                v["order_id"] = self.key().into();
                v["products"] = serde_json::json!(self.products);
            }
            EventKind::Login => v["email"] = self.key().into(),
            _ => {
                v["product"] = self.key().into();
                if let Some(q) = self.products.first().and_then(|p| p.quantity) {
                    v["quantity"] = q.into();
                }
            }
        }
        v
    }

    /// What the event's id is made from: its [`key`](Self::key), except a login's, whose email
    /// (personal data) never goes into an id; its link hash stands for it.
    pub fn id_key(&self) -> String {
        match self.kind {
            EventKind::Login => crate::identity::link_of(&self.key()),
            _ => self.key(),
        }
    }

    /// What the event is about: the product, category, query or order.
    pub fn key(&self) -> String {
        match self.kind {
            EventKind::CategoryView => self.category.clone().unwrap_or_default(),
            EventKind::Search => self.query.clone().unwrap_or_default(),
            EventKind::Purchase => self.order_id.clone().unwrap_or_default(),
            EventKind::Login => self.email.clone().unwrap_or_default(),
            _ => self
                .products
                .first()
                .map(|p| p.id.clone())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sale_takes_what_it_lacks_from_its_other_copy_and_keeps_what_it_has() {
        let mut sale: Event = serde_json::from_value(serde_json::json!({
            "id": "order-1", "kind": "purchase", "time_ms": 1, "store": "s",
            "email": "ann@example.com", "source": "server"
        }))
        .unwrap();
        sale.fill_missing(Some("00000001".into()), Some("other@example.com".into()));
        assert_eq!(
            (sale.customer.as_deref(), sale.email.as_deref()),
            (Some("00000001"), Some("ann@example.com"))
        );
        sale.fill_missing(None, None);
        assert_eq!(sale.customer.as_deref(), Some("00000001"));
    }

    #[test]
    fn a_sale_empties_its_visitors_cart_once_and_only_with_a_visitor() {
        let sale: Event = serde_json::from_value(serde_json::json!({
            "id": "order-00000101", "kind": "purchase", "time_ms": 7, "store": "s",
            "visitor": "v1", "email": "ann@example.com", "order_id": "00000101",
            "products": [{"id": "P1", "quantity": 1}], "source": "server"
        }))
        .unwrap();
        let emptied = sale.cart_emptied_by_sale().unwrap();
        assert_eq!(
            (
                emptied.id.as_str(),
                emptied.kind,
                emptied.visitor.as_deref()
            ),
            ("order-00000101-emptied", EventKind::CartUpdate, Some("v1"))
        );
        assert!(emptied.products.is_empty() && emptied.email.is_none());
        assert_eq!(
            crate::event::tracking_call(&emptied).map(|c| (c.path, c.params)),
            Ok((
                "log/cart/update",
                vec![("products", "[]".into()), ("visitor", "v1".into())]
            ))
        );
        let anonymous = Event {
            visitor: None,
            ..sale.clone()
        };
        assert_eq!(anonymous.cart_emptied_by_sale(), None);
        assert_eq!(emptied.cart_emptied_by_sale(), None);
    }
}
