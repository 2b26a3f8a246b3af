//! `sfcc-clerk`: the operators' command line.

mod admin_cmd;
mod datalayer_cmd;
mod map_cmd;
mod sandbox_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sfcc-clerk",
    version,
    about = "Operate the SFCC → Clerk.io edge connector"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Dry-run the mapping: SFCC product documents on stdin (one document, a JSON array, a
    /// product_search result or a Shop API products result) → the Clerk products it would send, as
    /// JSON lines; the validation report on stderr; exit code 1 if any record is invalid.
    Map {
        /// Configuration file (TOML); default: the built-in SFRA defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Store to map for; default: the first in the configuration.
        #[arg(long)]
        store: Option<String>,
    },
    /// Start a delta sync (a full one for a store never synced) of one store or all.
    Sync {
        /// The worker's base URL; the token comes from SFCC_CLERK_ADMIN_TOKEN.
        #[arg(long)]
        worker: String,
        /// Only this store.
        #[arg(long)]
        store: Option<String>,
    },
    /// Start a full re-index of one store or all (refused while a run holds the store).
    Reindex {
        /// The worker's base URL; the token comes from SFCC_CLERK_ADMIN_TOKEN.
        #[arg(long)]
        worker: String,
        /// Only this store.
        #[arg(long)]
        store: Option<String>,
    },
    /// Queue again what a store's running sync has not done (after its queued jobs were lost).
    Resume {
        /// The worker's base URL; the token comes from SFCC_CLERK_ADMIN_TOKEN.
        #[arg(long)]
        worker: String,
        /// Only this store.
        #[arg(long)]
        store: Option<String>,
    },
    /// Put a dead letter back on its queue.
    Replay {
        /// The worker's base URL; the token comes from SFCC_CLERK_ADMIN_TOKEN.
        #[arg(long)]
        worker: String,
        /// The dead letter's id (see `sfcc-clerk list dead-letters`).
        id: u64,
        /// An in-doubt sale (Clerk may hold it already) is replayed only with this: say you
        /// checked Clerk's orders and it lacks the sale.
        #[arg(long)]
        in_doubt_checked: bool,
    },
    /// Erase one shopper from the Clerk stores (a data-subject request): the customer record
    /// deleted and everything Clerk holds on them forgotten. Erase them in SFCC too, or the
    /// customer sync sends them again.
    Erase {
        /// The worker's base URL; the token comes from SFCC_CLERK_ADMIN_TOKEN.
        #[arg(long)]
        worker: String,
        /// The shopper's SFCC customer number.
        #[arg(long)]
        customer_no: Option<String>,
        /// The shopper's email.
        #[arg(long)]
        email: Option<String>,
        /// Only this store.
        #[arg(long)]
        store: Option<String>,
    },
    /// Print deliveries, sync-runs, validation-failures or dead-letters.
    List {
        /// The worker's base URL; the token comes from SFCC_CLERK_ADMIN_TOKEN.
        #[arg(long)]
        worker: String,
        /// What to list.
        #[arg(value_parser = ["deliveries", "sync-runs", "validation-failures", "dead-letters"])]
        what: String,
        /// How many rows, newest first.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show, per store, the last delta and full sync with their counts, the queue backlog, dead
    /// letters, delivery success and the latest delivery errors and validation failures.
    Status {
        /// The worker's base URL.
        #[arg(long, visible_alias = "base-url")]
        worker: String,
        /// The environment variable holding the admin token.
        #[arg(long, default_value = sfcc_clerk_cli::admin_client::TOKEN_VAR)]
        token_env: String,
        /// Print the report as JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Audit a captured GA4 dataLayer (a JSON array of pushes) as a page type: one line per
    /// finding (severity, rule code, push, field, message) and a summary; exit code 1 on any
    /// error finding, 2 when the input cannot be read.
    ValidateDatalayer {
        /// The page the capture comes from.
        #[arg(long, value_parser = datalayer_cmd::PAGES)]
        page: String,
        /// Print the report as JSON instead.
        #[arg(long)]
        json: bool,
        /// The capture (`-` for stdin).
        file: PathBuf,
    },
    /// Headless QA run: turns QA mode on at the worker, answers the consent banner, walks PLP →
    /// PDP → cart → checkout → order confirmation in headless Chromium (chromedriver on the PATH
    /// or $CHROMEDRIVER), prints the validator's findings per page (data layer, page vs feed, and
    /// whether the worker received and delivered each ecommerce push); exit code 1 on any error,
    /// 2 when the run cannot start.
    Qa {
        /// The storefront's base URL (the worker in front of it).
        #[arg(long)]
        base_url: String,
        /// SFRA pipeline path of the site and locale.
        #[arg(long, default_value = "/on/demandware.store/Sites-RefArch-Site/en_US")]
        site_path: String,
        /// Category to list.
        #[arg(long, default_value = "mens")]
        category: String,
        /// Product to view and buy.
        #[arg(long, default_value = "25518704M")]
        product: String,
        /// Check out as a guest with this email.
        #[arg(long)]
        email: Option<String>,
        /// How to answer the consent banner first (SFRA's ConsentTracking-SetSession): accept
        /// checks that the worker received and delivered every ecommerce push.
        #[arg(long, value_enum, default_value = "accept")]
        consent: sfcc_clerk_cli::qa::ConsentAnswer,
        /// Write the pages' reports as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write JUnit XML here (a test case per page, a failure per error).
        #[arg(long)]
        junit: Option<PathBuf>,
    },
    /// Serve local stand-ins for SFCC and Clerk.io on 127.0.0.1 (until Ctrl-C).
    Sandbox {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8788)]
        port: u16,
        /// Serve a generated catalog of this many products (1000 when no number is given) instead
        /// of the six samples.
        #[arg(long, num_args = 0..=1, default_missing_value = "1000")]
        products: Option<u64>,
        /// Which generated catalog (with --products).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Map { config, store } => map_cmd::run(config.as_deref(), store.as_deref()),
        Command::Sync { worker, store } => admin_cmd::run(
            &worker,
            admin_cmd::Action::Run {
                store: store.as_deref(),
                full: false,
            },
        ),
        Command::Reindex { worker, store } => admin_cmd::run(
            &worker,
            admin_cmd::Action::Run {
                store: store.as_deref(),
                full: true,
            },
        ),
        Command::Resume { worker, store } => admin_cmd::run(
            &worker,
            admin_cmd::Action::Resume {
                store: store.as_deref(),
            },
        ),
        Command::Replay {
            worker,
            id,
            in_doubt_checked,
        } => admin_cmd::run(
            &worker,
            admin_cmd::Action::Replay {
                id,
                in_doubt_checked,
            },
        ),
        Command::List {
            worker,
            what,
            limit,
        } => admin_cmd::run(&worker, admin_cmd::Action::List { what: &what, limit }),
        Command::Erase {
            worker,
            customer_no,
            email,
            store,
        } => admin_cmd::run(
            &worker,
            admin_cmd::Action::Erase {
                store: store.as_deref(),
                customer_no: customer_no.as_deref(),
                email: email.as_deref(),
            },
        ),
        Command::Status {
            worker,
            token_env,
            json,
        } => admin_cmd::status(&worker, &token_env, json),
        Command::ValidateDatalayer { page, json, file } => datalayer_cmd::run(&page, json, &file),
        Command::Qa {
            base_url,
            site_path,
            category,
            product,
            email,
            consent,
            json,
            junit,
        } => match std::env::var("SFCC_CLERK_QA_TOKEN")
            .or_else(|_| std::env::var("SFCC_CLERK_ADMIN_TOKEN"))
        {
            Ok(token) => match sfcc_clerk_cli::qa::run(
                &sfcc_clerk_cli::qa::Journey {
                    base_url: &base_url,
                    token: &token,
                    site_path: &site_path,
                    category: &category,
                    product: &product,
                    email: email.as_deref(),
                    consent,
                },
                json.as_deref(),
                junit.as_deref(),
            ) {
                Ok(0) => ExitCode::SUCCESS,
                Ok(_) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("sfcc-clerk qa: {e}");
                    ExitCode::from(2)
                }
            },
            Err(_) => {
                eprintln!(
                    "sfcc-clerk qa: set SFCC_CLERK_QA_TOKEN to the worker's QA_TOKEN (or \
                     SFCC_CLERK_ADMIN_TOKEN to its admin token)"
                );
                ExitCode::from(2)
            }
        },
        Command::Sandbox {
            port,
            products,
            seed,
        } => sandbox_cmd::run(port, products, seed),
    }
}
