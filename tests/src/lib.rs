//! End-to-end harness: starts the sandbox (SFCC + Clerk stand-ins) in-process and the real worker
//! as wasm on workerd through `wrangler dev` (local KV, D1 and Queues), both on 127.0.0.1, and
//! drives them over HTTP. Used by the e2e tests and by `cargo xtask demo`.
//!
//! The worker must be built first (`cargo xtask build-worker`, which `cargo xtask test` runs).

mod http;
mod paths;
mod shopper;
mod stack;
mod wait;
pub mod wrangler_config;

pub use http::{Client, Reply};
pub use paths::{project_root, tool_env};
pub use sfcc_clerk_cli::webdriver::Browser;
pub use shopper::{
    accept_tracking, beacon_page_id, session_of, ConfirmBy, Confirmed, BROWSER, DECLINED, US_SITE,
};
pub use stack::{Stack, StackError, StackOptions, ADMIN_TOKEN, QA_TOKEN};
pub use wait::wait_for;
