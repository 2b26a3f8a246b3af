//! SFCC product document → Clerk product (and category, customer), with per-record validation.
//!
//! A record that fails validation is not sent: it is reported with its product id, the field and
//! the reason, and the rest of the page goes on.

mod category;
mod customer;
mod fields;
mod html;
mod parse;
mod product;
mod shape;
mod validate;

pub use category::map_categories;
pub use customer::{map_customer, SUBSCRIBED_ATTRIBUTE};
pub use html::strip_html;
pub use parse::{parse_documents, parse_search_page, PageError, ParsedPage};
pub use product::{map_page, map_product, Mapped, PageMapping};
pub use shape::{scapi_as_ocapi, shape_of, DocumentShape};
pub use validate::{validate, FieldProblem, RecordError};
