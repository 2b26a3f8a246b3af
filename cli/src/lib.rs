//! The operators' command line, as a library: the worker's admin API client and the headless
//! browser driver the `sfcc-clerk` commands use (and the end-to-end tests drive against the real
//! worker).

pub mod admin_client;
pub mod qa;
pub mod status;
pub mod webdriver;
