//! The operators' command line, as a library: the worker's admin API client the `sfcc-clerk`
//! commands use (and the end-to-end tests drive against the real worker).

pub mod admin_client;
