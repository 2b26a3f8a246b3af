//! Clerk.io API v2 wire types: product, category, customer and order upserts, tracking calls and
//! responses.

mod category;
mod customer;
mod order;
mod privacy;
mod product;
mod response;
mod tracking;

pub use category::{CategoriesUpsert, ClerkCategory, CATEGORIES_PATH};
pub use customer::{ClerkCustomer, CustomersUpsert, CUSTOMERS_PATH};
pub use order::{ClerkOrder, ClerkOrderLine, OrdersUpsert, ORDERS_PATH};
pub use privacy::{Erasure, ErasureCall, ErasureError, FORGET_PATH};
pub use product::{
    is_attribute_name, ClerkProduct, ProductsDelete, ProductsUpsert, PRODUCT_FIELDS,
    RESERVED_ATTRIBUTES,
};
pub use response::{ClerkError, ClerkResponse};
pub use tracking::{percent_encode, TrackingCall, TrackingRequest};

/// Path of the product endpoint: `POST` upserts (JSON body with `key` and `private_key`),
/// `DELETE` removes (everything in the query string, see [`ProductsDelete::query`]).
pub const PRODUCTS_PATH: &str = "/v2/products";
