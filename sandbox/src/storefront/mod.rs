//! A sandbox SFRA storefront: the origin the edge worker proxies. It renders real HTML from the
//! same catalog and customers as the sandbox SFCC, so names and prices on pages are what SFCC
//! serves for the site (the document's USD `price` on `RefArch`, the `eur-m-sale-prices` book on
//! `RefArchGlobal`, the connector's own rule).
//!
//! Routes (SFRA pipeline URLs), `{site}` = `Sites-RefArch-Site` with locale `en_US` (USD) or
//! `Sites-RefArchGlobal-Site` with `de_DE` or `fr_FR` (EUR), under
//! `/on/demandware.store/{site}/{locale}/`:
//! `Home-Show`, `Search-Show?cgid=` (PLP), `Search-Show?q=` (search), `Product-Show?pid=` (PDP with
//! JSON-LD `Product`), `Cart-Show`, `Checkout-Begin` (empty cart: 302 to `Cart-Show`),
//! `Order-Confirm?ID=&token=`, and the actions `Cart-AddProduct` (POST `pid`, `quantity`),
//! `CheckoutServices-PlaceOrder` (POST, guest `email` optional), `Account-Login` (POST
//! `loginEmail`, `loginPassword`), `Login-Logout`, `ConsentTracking-SetSession?consent=` (GET) and
//! `ConsentTracking-SetConsent?consent=` (POST, SFRA 6).
//! Static files: `/on/demandware.static/{site}/-/default/v1/{css/global.css, js/main.js,
//! images/logo.png}`. PWA Kit's Einstein proxy: `POST
//! /mobify/proxy/einstein/v3/activities/{siteId}/{activity}` (JSON object, `x-cq-client-id`).
//! PWA Kit's SCAPI proxy, enough to place an order: Shopper Baskets (create, add items, set the
//! email) and Shopper Orders (create) under `/mobify/proxy/api/checkout/` (see [`scapi`]), and
//! SLAS's login, token and logout calls as the app makes them (see [`slas`]).
//!
//! Cookies: `dwsid` (session, issued on the first page or action; the cart is keyed by it; a
//! logout issues a new one), `dwcustomer_RefArch` / `dwcustomer_RefArchGlobal` (opaque login
//! token, valid on its own site only), `dw_dnt` written on every response as SFCC does, from the
//! session's TrackingAllowed: `1` (the site's default, as on every site created since SFCC
//! 18.3) until the shopper accepts on the banner, `0` after; while the session has no answer,
//! pages carry the `div.tracking-consent` banner.
//!
//! Logins: the customers of [`crate::sfcc::customers`]; passwords `Sandbox-Alice-1`,
//! `Sandbox-Bruno-2`, `Sandbox-Chloe-3` for `alice.shopper@example.com`,
//! `bruno.kunde@example.de`, `chloe.client@example.com`.
//!
//! Listings show online products with a price among the first [`catalog::SCAN_LIMIT`] catalog
//! documents, at most [`catalog::TILES`]; a PDP shows any online product, also one without a
//! price (the sample's Silk Scarf: no price in its data layer or JSON-LD, not orderable).

mod actions;
pub(crate) mod admin_orders;
mod assets;
pub mod catalog;
mod control;
mod cookies;
pub mod datalayer;
mod einstein;
mod error;
pub(crate) mod form;
mod history;
mod html;
mod pages;
mod routes;
mod scapi;
mod site;
mod slas;
mod state;
#[cfg(test)]
mod tests;
mod visit;

pub use cookies::{DNT, SESSION};
pub use error::ShopError;
pub use history::past_orders;
pub use routes::routes;
pub use scapi::shopper_token;
pub use site::Site;
pub use state::{
    unix_now, CartLine, Order, OrderLine, PagePolicy, RecordedRequest, StorefrontFaults,
    StorefrontState, StorefrontTemplate, PWA_KIT_POLICY, RECORDED_HEADERS,
};
pub use visit::Shop;
