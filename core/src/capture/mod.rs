//! Server-side capture: shopper actions recognized from the storefront traffic the worker proxies
//! (SFRA's routes and confirmation pages, or PWA Kit's Einstein activities and SCAPI orders),
//! whether they may be forwarded (consent, bots), and which store a request belongs to.
//!
//! The shell hands over plain facts about a request (method, path, query, form fields, cookies,
//! headers); everything here decides without I/O.

mod assets;
pub mod basket;
mod beacon;
mod bots;
mod cache;
mod config;
pub mod consent;
pub mod csp;
mod einstein;
mod forward;
mod limits;
mod order;
mod order_read;
mod page;
mod rules;
mod scapi;
pub mod slas;

pub use assets::{
    assets_headers_file, qa_loader, script_asset, script_assets, ScriptAsset, QA_START_PATH,
};
pub use beacon::{
    beacon_asset, beacon_asset_path, beacon_markup, beacon_script, held_script, Beacon,
    CONFIG_ATTRIBUTE, CONSENT_HEADER, MAX_CALL_BYTES, MAX_PENDING,
};
pub use bots::is_bot;
pub use cache::{private_headers, PrivateHeaders, STALE_VALIDATORS};
pub use config::CaptureConfig;
pub use consent::{
    check_shop_cookie, cookiebot, forwarding, onetrust, read_consent, sfcc as sfcc_consent, tcf,
    Consent, ConsentConfig, ConsentMode, ConsentReading, ConsentSignals, Forwarding, Signal,
    TrackingDefault,
};
pub use csp::{script_delivery, PageOrigin, ScriptDelivery, ScriptNeeds};
pub use einstein::{
    activity_actions, activity_of_path, activity_to_read, Activity, ActivityError,
    EINSTEIN_PROXY_PATH, MAX_ACTIVITY_BYTES,
};
pub use forward::{check_client_ip_header, origin_headers, REFUSED_CLIENT_IP_HEADERS};
pub use limits::{limit_keys, LimitKeys, LIMIT_PERIOD_S};
pub(crate) use order::order_lines;
pub use order::{
    confirmation_sale, order_event, served_order_id, OrderMarkup, OrderPageError, ScrapedLine,
    ScrapedOrder,
};
pub use order_read::{read_sale, ReadSale, ReadSaleError};
pub use page::{
    is_page_view, page_action_captures, request_site, seo_product, seo_search, store_for_request,
    HostRule, RequestSite, StoreChoice,
};
pub use rules::{
    answer_confirms, capture, cart_of_answer, choose_store, is_static_asset, locale_of_path,
    needs_answer, needs_form, server_event, sfra_rules, site_of_path, CaptureRule, Captured,
    RequestFacts, RuleKind, SET_PRODUCTS_FIELD,
};
pub use scapi::{
    is_order_creation, order_document, placed_order, store_for_order, PlacedOrder,
    PlacedOrderError, SaleStore, MAX_ORDER_BYTES,
};
