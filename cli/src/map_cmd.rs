//! `sfcc-clerk map`: dry-run the mapping. Reads SFCC product documents on stdin, prints the Clerk
//! products it would send as JSON lines on stdout, and the validation report on stderr.

use sfcc_clerk_core::config::ConnectorConfig;
use sfcc_clerk_core::mapping::{map_product, parse_documents, Mapped, RecordError};
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

fn report(e: &RecordError) {
    for p in &e.problems {
        eprintln!(
            "invalid: product {}: {}: {}",
            e.product_id, p.field, p.reason
        );
    }
}

/// Runs the dry run; exit code 1 when any record failed validation, 2 when the input or the
/// configuration cannot be used.
pub fn run(config: Option<&Path>, store: Option<&str>) -> ExitCode {
    let config = match config {
        None => ConnectorConfig::sfra_default(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match ConnectorConfig::from_toml(&text) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            },
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
    };
    let Some(store) = config.store(store) else {
        let names: Vec<&str> = config.stores.iter().map(|s| s.name.as_str()).collect();
        eprintln!(
            "error: no store {:?}; the configuration has: {}",
            store.unwrap_or_default(),
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("error: cannot read stdin: {e}");
        return ExitCode::from(2);
    }
    let (products, malformed) = match parse_documents(&input) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: stdin: {e}");
            return ExitCode::from(2);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let (mut mapped, mut skipped, mut rejected) = (0, 0, malformed.len());
    malformed.iter().for_each(report);
    for p in &products {
        match map_product(p, store, &config.mapping) {
            Ok(Mapped::Upsert(c, warnings)) => {
                mapped += 1;
                for w in &warnings {
                    eprintln!("warning: product {}: {}: {}", c.id, w.field, w.reason);
                }
                let line = serde_json::to_string(&c).unwrap_or_default();
                if writeln!(stdout, "{line}").is_err() {
                    return ExitCode::from(2);
                }
            }
            Ok(Mapped::Remove { id, reason }) => {
                skipped += 1;
                eprintln!("not sent: product {id}: {reason} on site {}", store.site_id);
            }
            Ok(Mapped::VariantOf { id, master_id }) => {
                skipped += 1;
                eprintln!("not sent: product {id}: a variant; Clerk gets its master {master_id}");
            }
            Err(e) => {
                rejected += 1;
                report(&e);
            }
        }
    }
    eprintln!(
        "store {}: {mapped} mapped, {skipped} not sent, {rejected} invalid",
        store.name
    );
    if rejected > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
