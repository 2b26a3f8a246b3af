//! A shopper on the sandbox's SFRA storefront, through the worker: a browser's user agent, its
//! cookies, SFRA's form posts, and an order placed and confirmed as SFRA's checkout does it.

use crate::{Reply, Stack};
use serde_json::Value;

/// A desktop browser's user agent (the worker does not track bots).
pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

/// The cookie of a shopper who declined on SFRA's tracking banner: the answer the worker
/// remembers when it sees `ConsentTracking-SetSession?consent=false` pass (SFCC's own `dw_dnt=1`
/// is only the default of a site that does not track by default).
pub const DECLINED: &str = "__Host-sfcc_clerk_consent=0";

/// SFRA's path prefix of the `RefArch` site's `en_US` pages.
pub const US_SITE: &str = "/on/demandware.store/Sites-RefArch-Site/en_US";

/// How the shopper's browser asks for the confirmation page after placing an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmBy {
    /// `GET Order-Confirm?ID=&token=` (SFRA 5 and earlier).
    Get,
    /// `POST Order-Confirm` with the form fields `orderID` and `orderToken` (SFRA 6, whose
    /// checkout script submits a form).
    Post,
}

/// An order placed and its confirmation page as the worker served it.
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// The order number.
    pub order: String,
    /// The session cookie header the order was placed with (plus the shopper's own cookies).
    pub cookie: String,
    /// The confirmation page's HTML.
    pub html: String,
    /// The page id the worker gave the confirmation page (its beacon's).
    pub page_id: String,
}

/// The storefront session (`dwsid`) an answer started, if it set one.
pub fn session_of(reply: &Reply) -> Option<String> {
    reply.set_cookies.iter().find_map(|c| {
        c.strip_prefix("dwsid=")?
            .split(';')
            .next()
            .map(String::from)
    })
}

/// The page id in a page's beacon configuration (`"page":"…"`), if it has one.
pub fn beacon_page_id(html: &str) -> Option<String> {
    let (_, rest) = html.split_once(r#""page":""#)?;
    rest.split('"').next().map(String::from)
}

impl Stack {
    /// `POST {US_SITE}/{action}` through the worker, as SFRA's scripts post forms.
    pub fn post_form(&self, action: &str, cookie: &str, form: &str) -> Reply {
        self.client.send(
            "POST",
            &format!("{}{US_SITE}/{action}", self.worker_url),
            &[
                ("cookie", cookie),
                ("user-agent", BROWSER),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            form,
        )
    }

    /// `GET {path}` of the storefront through the worker, as a browser with `cookie`.
    pub fn shopper_get(&self, path: &str, cookie: &str) -> Reply {
        self.client.get(
            &format!("{}{path}", self.worker_url),
            &[("cookie", cookie), ("user-agent", BROWSER)],
        )
    }

    /// Adds `quantity` of `product` to a fresh cart, places the order as `email` and shows its
    /// confirmation page once (`Order-Confirm?ID=&token=`, as SFRA 5 does), all with the
    /// shopper's `cookies` (consent among them, or not).
    pub fn place_order(
        &self,
        cookies: &str,
        product: &str,
        quantity: u32,
        email: &str,
    ) -> Confirmed {
        self.place_order_by(cookies, product, quantity, email, ConfirmBy::Get)
    }

    /// [`Stack::place_order`], the confirmation page asked for as `by` says.
    pub fn place_order_by(
        &self,
        cookies: &str,
        product: &str,
        quantity: u32,
        email: &str,
        by: ConfirmBy,
    ) -> Confirmed {
        let added = self.post_form(
            "Cart-AddProduct",
            cookies,
            &format!("pid={product}&quantity={quantity}"),
        );
        assert_eq!(added.status, 200, "{:?}", added.json);
        let session = added
            .set_cookies
            .iter()
            .find_map(|c| c.strip_prefix("dwsid=")?.split(';').next())
            .expect("the storefront starts a session");
        let cookie = if cookies.is_empty() {
            format!("dwsid={session}")
        } else {
            format!("{cookies}; dwsid={session}")
        };
        let placed = self.post_form(
            "CheckoutServices-PlaceOrder",
            &cookie,
            &format!("email={email}"),
        );
        assert_eq!(
            placed.json["error"],
            Value::Bool(false),
            "{:?}",
            placed.json
        );
        let (order, token) = (
            placed.json["orderID"]
                .as_str()
                .expect("an order id")
                .to_string(),
            placed.json["orderToken"]
                .as_str()
                .expect("an order token")
                .to_string(),
        );
        let page = match by {
            ConfirmBy::Get => self.shopper_get(
                &format!("{US_SITE}/Order-Confirm?ID={order}&token={token}"),
                &cookie,
            ),
            ConfirmBy::Post => self.post_form(
                "Order-Confirm",
                &cookie,
                &format!("orderID={order}&orderToken={token}"),
            ),
        };
        assert_eq!(page.status, 200);
        let html = page.json.as_str().unwrap_or_default().to_string();
        assert!(
            html.contains(&order),
            "the shopper gets the confirmation page"
        );
        let page_id = beacon_page_id(&html).expect("the confirmation page carries the beacon");
        Confirmed {
            order,
            cookie,
            html,
            page_id,
        }
    }
}

/// In `browser`'s page, the shopper accepts tracking on SFRA's banner: its consent route on the
/// US site, through the worker (the page's own origin).
pub fn accept_tracking(browser: &crate::Browser) {
    let status = browser
        .run(&format!(
            "var x = new XMLHttpRequest(); x.open('GET', '{US_SITE}/ConsentTracking-SetSession?consent=true', false); x.send(); return x.status;"
        ))
        .expect("the consent call runs");
    assert_eq!(status, 200, "the banner's answer is taken");
}
