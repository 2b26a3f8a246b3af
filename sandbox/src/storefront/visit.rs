//! Who is asking: the site, the `dwsid` session (issued on the first visit), the logged-in
//! customer from `dwcustomer_{site}`, and the session's tracking consent.

use super::cookies::{self, DNT, SESSION};
use super::error::ShopError;
use super::site::Site;
use super::state::StorefrontState;
use crate::sfcc::{Customer, SfccState};
use axum::http::HeaderMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The storefront's shared handles: the sandbox SFCC (catalog, customers) and its own state.
#[derive(Clone)]
pub struct Shop {
    /// The SFCC stand-in the pages read.
    pub sfcc: Arc<Mutex<SfccState>>,
    /// The storefront's own state.
    pub store: Arc<Mutex<StorefrontState>>,
}

impl Shop {
    /// The SFCC state, locked.
    pub fn sfcc(&self) -> Result<MutexGuard<'_, SfccState>, ShopError> {
        self.sfcc.lock().map_err(|_| ShopError::StateUnavailable)
    }

    /// The storefront state, locked.
    pub fn store(&self) -> Result<MutexGuard<'_, StorefrontState>, ShopError> {
        self.store.lock().map_err(|_| ShopError::StateUnavailable)
    }
}

/// One request's shopper.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The site asked for.
    pub site: Site,
    /// The `dwsid` value.
    pub session: String,
    /// The logged-in customer, if any.
    pub customer: Option<Customer>,
    /// The `dwcustomer_{site}` token sent, if it names a login of this site.
    pub login_token: Option<String>,
    /// The session's TrackingAllowed as the shopper set it on the banner (`None`: not asked
    /// yet, the site's default holds).
    pub tracking: Option<bool>,
    /// `Set-Cookie` values to send back.
    pub set_cookies: Vec<String>,
    /// The controller route serving the request (`Product-Show`), whatever the URL: what SFRA's
    /// page container names as `data-action`.
    pub action: String,
    /// The request's parameters as a query string (`pid=…`): its `data-querystring`.
    pub querystring: String,
}

fn is_token(v: &str) -> bool {
    !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Visit {
    /// Reads the cookies; issues a `dwsid` when none (or a malformed one) was sent.
    pub fn start(shop: &Shop, site: Site, headers: &HeaderMap) -> Result<Self, ShopError> {
        let mut visit = Visit {
            site,
            session: cookies::read(headers, SESSION)
                .filter(|s| is_token(s))
                .unwrap_or_default(),
            customer: None,
            login_token: None,
            tracking: None,
            set_cookies: Vec::new(),
            action: String::new(),
            querystring: String::new(),
        };
        let login = {
            let mut store = shop.store()?;
            if visit.session.is_empty() {
                visit.new_session(&mut store);
            }
            visit.tracking = store.tracking.get(&visit.session).copied();
            let token = cookies::read(headers, &site.customer_cookie());
            let login = token.as_ref().and_then(|t| store.logins.get(t).cloned());
            match login {
                // A login holds on every locale of its site.
                Some((s, no)) if s.id() == site.id() => {
                    visit.login_token = token;
                    Some(no)
                }
                _ => None,
            }
        };
        if let Some(no) = login {
            let sfcc = shop.sfcc()?;
            visit.customer = sfcc.customers.iter().find(|c| c.customer_no == no).cloned();
        }
        Ok(visit)
    }

    /// Starts a new session: a fresh `dwsid` and its cookie.
    pub fn new_session(&mut self, store: &mut StorefrontState) {
        self.session = store.token();
        self.set_cookies
            .push(cookies::set(SESSION, &self.session, true));
    }

    /// The `dw_dnt` cookie SFCC writes on every response: the session's TrackingAllowed (`0`
    /// allowed, `1` not), the site's default until the shopper answers.
    pub fn dnt_cookie(&self) -> String {
        let allowed = self.tracking.unwrap_or(self.site.tracks_by_default());
        cookies::set(DNT, if allowed { "0" } else { "1" }, false)
    }

    /// The customer number when logged in.
    pub fn user_id(&self) -> Option<String> {
        self.customer.as_ref().map(|c| c.customer_no.clone())
    }
}
