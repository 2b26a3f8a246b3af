//! SFCC B2C Commerce wire types: Account Manager tokens, OCAPI's Data API product search and
//! product documents (snake_case JSON), and SCAPI's Admin Orders read (camelCase).

mod category;
mod customer;
mod fault;
mod localized;
mod orders;
mod product;
mod search;
mod shop;
pub(crate) mod time;
mod token;

pub use category::{categories_path, Category, CategoryResult};
pub use customer::{
    customer_page_count, customer_search_path, customer_search_request, customers_next, Customer,
    CustomerHit, CustomerSearchResult, CustomersNext, CUSTOMER_SEARCH_DEPTH,
};
pub use fault::fault_message;
pub use localized::{in_store, LocalizedString, SiteFlag};
pub use orders::{admin_order_path, admin_scope, check_organization_id, ORDERS_SCOPE};
pub use product::{
    CatalogCategoryId, Image, ImageGroup, Inventory, MasterRef, PriceRange, Product, ProductType,
    Variant, VariationAttribute, VariationValue,
};
pub use search::{ProductSearchRequest, ProductSearchResult, MAX_PAGE_SIZE};
pub use shop::{
    apply_details, parse_shop_products, shop_products_path, wants_details, Applied, Malformed,
    ShopError, ShopInventory, ShopProduct, SiteView, CLIENT_ID_HEADER, MAX_SHOP_IDS, SHOP_EXPAND,
};
pub use time::{format_iso8601_utc, parse_iso8601_utc, parse_iso8601_utc_ms, TimeError};
pub use token::{Grant, TokenResponse};

/// The OCAPI version this connector speaks.
pub const OCAPI_VERSION: &str = "v24_5";

/// Path of the Data API product search on an SFCC instance (`POST`, JSON body).
pub fn product_search_path() -> String {
    format!("/s/-/dw/data/{OCAPI_VERSION}/product_search")
}

/// Path of Account Manager's client-credentials token endpoint (`POST`, form body, HTTP Basic).
pub const TOKEN_PATH: &str = "/dwsso/oauth2/access_token";
