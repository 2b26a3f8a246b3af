//! The sfcc-clerk domain, free of any JavaScript or I/O dependency.
//!
//! The worker, the validator, the sandbox and the CLI are shells around this crate: they do the I/O
//! and ask this crate what to do. Everything here is plain data and pure functions, tested natively.
//!
//! - [`store`]: one Clerk store (site, locale, currency, keys) and how it is configured.
//! - [`sfcc`]: SFCC OCAPI wire types (token, product search, product documents).
//! - [`clerk`]: Clerk.io API v2 wire types (product upserts, tracking calls, responses).
//! - [`mapping`]: SFCC product document → validated Clerk product.
//! - [`capture`]: shopper actions recognized from proxied storefront traffic; consent and bots.
//! - [`datalayer`]: the storefront GA4 data-layer audit (rules, page types, page vs feed).
//! - [`event`]: the one behavioural event schema and the normalizer for inbound events.
//! - [`identity`]: first-party visitor ids and their Clerk form.
//! - [`retry`]: what to do with a failed delivery (a pure decision with a reason) and the backoff policy.
//! - [`delivery`]: the delivery-log record every outbound call leaves behind.
//! - [`config`]: the configuration file: field mapping and stores.
//! - [`settings`]: the worker's whole configuration, checked once.
//! - [`catalog`]: catalog sync jobs carried on the `catalog-jobs` queue.
//! - [`status`]: the operators' status report (runs, backlog, deliveries, dead letters) and its page.

pub mod capture;
pub mod catalog;
pub mod clerk;
pub mod config;
pub mod datalayer;
pub mod delivery;
pub mod event;
pub mod form;
pub mod hash;
pub mod history;
pub mod identity;
pub mod mapping;
pub mod paths;
pub mod retention;
pub mod retry;
pub mod settings;
pub mod sfcc;
pub mod status;
pub mod store;
