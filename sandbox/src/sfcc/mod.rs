//! SFCC B2C Commerce stand-in: Account Manager tokens, the OCAPI Data API product search, catalog
//! categories and the customer search on the `RefArch` customer list, and the Shop API's product
//! details.

mod catalog;
mod categories;
mod customer_search;
pub mod customers;
pub mod generator;
mod routes;
mod shop;
mod store;
mod time;
mod views;

pub use catalog::sample_catalog;
pub use categories::categories;
pub use customers::{generated_customers, sample_customers, Customer, CUSTOMER_LIST_ID};
pub use views::{data_view, data_view_expanded, flag_for_site, shop_view, ShopView};

/// Every SFCC route: Account Manager, the Data API and the Shop API.
pub fn routes(state: std::sync::Arc<std::sync::Mutex<SfccState>>) -> axum::Router {
    routes::routes(state.clone()).merge(shop::routes(state))
}
pub(crate) use routes::record;
pub use store::{Catalog, CatalogSpec, Selection};
pub(crate) use time::format_ms;

use std::collections::{HashMap, HashSet};

/// OCAPI version path segment served.
pub const OCAPI_VERSION: &str = "v24_5";

/// A fault injected into the calls that name `target` (a search page's offset, a Shop API
/// product id): the next `times` of them get `answer` instead of what they ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFault<K> {
    /// What the failing calls name.
    pub target: K,
    /// How many more of them fail.
    pub times: u32,
    /// What they get.
    pub answer: PageAnswer,
}

/// A fault of the product searches of the page at offset `target`.
pub type PageFault = InjectedFault<u64>;

/// A fault of the Shop API product calls that name product `target`.
pub type ShopFault = InjectedFault<String>;

/// The answer an [`InjectedFault`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAnswer {
    /// An OCAPI fault document with this status.
    Status(u16),
    /// `200 OK` with the JSON cut off halfway, as a connection dropped mid-body leaves it.
    CutShort,
}

/// Spends one time of the first fault that `hits` a call and has times left: what the call gets.
pub(crate) fn take_fault<K>(
    faults: &mut [InjectedFault<K>],
    hits: impl Fn(&K) -> bool,
) -> Option<PageAnswer> {
    let fault = faults.iter_mut().find(|f| f.times > 0 && hits(&f.target))?;
    fault.times -= 1;
    Some(fault.answer)
}

/// The sandbox instance's SCAPI organization id (realm `zzrf`, on-demand sandbox `001`).
pub const ORGANIZATION_ID: &str = "f_ecom_zzrf_001";

/// What the SFCC stand-in holds.
pub struct SfccState {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) tokens: HashSet<String>,
    /// Tokens granted for SCAPI Admin API scopes, with those scopes (`sfcc.orders`, …).
    pub(crate) scapi_tokens: HashMap<String, Vec<String>>,
    pub(crate) issued: u64,
    pub(crate) fail_next: u32,
    pub(crate) fail_status: u16,
    /// SCAPI Admin Orders reads still to fail with `fail_status`.
    pub(crate) fail_orders: u32,
    pub(crate) delay_next: u32,
    pub(crate) delay_ms: u64,
    pub(crate) page_faults: Vec<PageFault>,
    pub(crate) shop_faults: Vec<ShopFault>,
    /// The catalog served.
    pub catalog: Catalog,
    /// The registered customers (customer list `RefArch`), shared with the sandbox storefront.
    pub customers: Vec<Customer>,
    /// Requests served, for tests: (method and path, status).
    pub requests: Vec<(String, u16)>,
}

impl SfccState {
    /// A stand-in serving `catalog` to one API client.
    pub fn new(client_id: &str, client_secret: &str, catalog: &CatalogSpec) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            tokens: HashSet::new(),
            scapi_tokens: HashMap::new(),
            issued: 0,
            fail_next: 0,
            fail_status: 503,
            fail_orders: 0,
            delay_next: 0,
            delay_ms: 0,
            page_faults: Vec::new(),
            shop_faults: Vec::new(),
            catalog: Catalog::new(catalog),
            customers: sample_customers(),
            requests: Vec::new(),
        }
    }
}
