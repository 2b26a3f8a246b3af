//! The end-to-end tests: the sandbox (SFCC, Clerk, an SFRA/PWA Kit storefront) and the worker in
//! workerd (`wrangler dev`), one stack per test. One test binary, so that `--test-threads` runs
//! tests of every concern side by side (a binary per file would run each file's tests alone,
//! and link each).

mod attacks;
mod beacon;
mod catalog_sync;
mod consent;
mod csp;
mod customers;
mod events;
mod fail_open;
mod fault_matrix;
mod generated_catalog;
mod journey;
mod orders;
mod outage;
mod qa;
mod qa_run;
mod retention;
mod seo;
mod sfra;
mod status;
mod storefront_proxy;
mod variants;
