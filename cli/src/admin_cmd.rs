//! `sfcc-clerk sync | reindex | resume | replay | list | erase | status`: operate a deployed (or
//! local) worker.

use sfcc_clerk_cli::admin_client::{AdminClient, AdminError, TOKEN_VAR};
use std::process::ExitCode;

/// What to ask the worker.
pub enum Action<'a> {
    /// Start a run (full or delta) of one store or all.
    Run { store: Option<&'a str>, full: bool },
    /// Queue again what a running sync has not done.
    Resume { store: Option<&'a str> },
    /// Replay a dead letter (an in-doubt sale only once Clerk was checked to lack it).
    Replay { id: u64, in_doubt_checked: bool },
    /// Print a listing.
    List { what: &'a str, limit: u32 },
    /// Erase one shopper from the Clerk stores.
    Erase {
        store: Option<&'a str>,
        customer_no: Option<&'a str>,
        email: Option<&'a str>,
    },
}

/// Runs an admin action; the token comes from the environment.
pub fn run(worker: &str, action: Action<'_>) -> ExitCode {
    let Some(token) = std::env::var(TOKEN_VAR).ok().filter(|t| !t.is_empty()) else {
        eprintln!("error: set {TOKEN_VAR} to the worker's ADMIN_TOKEN");
        return ExitCode::from(2);
    };
    let client = AdminClient::new(worker, &token);
    let result = match action {
        Action::Run { store, full } => client.start_run(store, full),
        Action::Resume { store } => client.resume(store),
        Action::Replay {
            id,
            in_doubt_checked,
        } => client.replay(id, in_doubt_checked),
        Action::List { what, limit } => client.list(what, limit),
        Action::Erase {
            store,
            customer_no,
            email,
        } => client.erase(store, customer_no, email),
    };
    match result {
        Ok(body) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&body).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(AdminError::Refused {
            status, message, ..
        }) => {
            eprintln!("error: the worker answered {status}: {message}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `sfcc-clerk status`: the report as tables, or JSON; the token comes from `token_env`.
pub fn status(worker: &str, token_env: &str, json: bool) -> ExitCode {
    let Some(token) = std::env::var(token_env).ok().filter(|t| !t.is_empty()) else {
        eprintln!("error: set {token_env} to the worker's ADMIN_TOKEN");
        return ExitCode::from(2);
    };
    match sfcc_clerk_cli::status::run(&AdminClient::new(worker, &token), json) {
        Ok(text) => {
            print!("{text}");
            if json {
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
