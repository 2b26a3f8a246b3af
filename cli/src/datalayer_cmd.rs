//! `sfcc-clerk validate-datalayer`: audit a captured `dataLayer` (a JSON array of pushes) as a
//! page type and print the findings, one a line, then a summary (or the report as JSON).

use sfcc_clerk_core::datalayer::{audit, Finding, PageType, Report};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

/// The page types `--page` accepts.
pub const PAGES: [&str; 8] = [
    "pdp",
    "plp",
    "search",
    "cart",
    "checkout",
    "confirmation",
    "home",
    "other",
];

/// Runs the audit on `file` (`-` is stdin); exit code 1 on any error finding, 2 when the input
/// cannot be read or is not a JSON array.
pub fn run(page: &str, json: bool, file: &Path) -> ExitCode {
    let Some(page) = PageType::parse(page) else {
        eprintln!(
            "error: unknown page type {page:?}; one of: {}",
            PAGES.join(", ")
        );
        return ExitCode::from(2);
    };
    let text = match read(file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let report = match audit(&text, page) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    print!("{}", render(&report, json));
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn read(file: &Path) -> std::io::Result<String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}

/// The report as printed: a line per finding and a summary, or pretty JSON.
pub fn render(report: &Report, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(report).unwrap_or_default() + "\n";
    }
    let mut out: String = report.findings.iter().map(line).collect();
    out.push_str(&report.summary());
    out.push('\n');
    out
}

/// `error   wrong_type       push 4 ecommerce.items[0].price: expected a number, …`
fn line(f: &Finding) -> String {
    let place = f.location().unwrap_or_else(|| "-".into());
    format!(
        "{:<7} {:<16} {place}: {}\n",
        f.severity.as_str(),
        f.code.as_str(),
        f.message
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sfcc_clerk_core::datalayer::{Code, Severity};

    #[test]
    fn lines_name_code_severity_push_and_field() {
        let report = Report::new(
            PageType::Pdp,
            vec![
                Finding::new(Code::WrongType, Severity::Error, "expected a number")
                    .at(4)
                    .field("ecommerce.items[0].price"),
                Finding::new(Code::MissingEvent, Severity::Error, "expected view_item")
                    .field("event"),
            ],
        );
        assert_eq!(
            render(&report, false),
            "error   missing_event    event: expected view_item\n\
             error   wrong_type       push 4 ecommerce.items[0].price: expected a number\n\
             pdp: 2 errors, 0 warnings, 0 info\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render(&report, true)).unwrap();
        assert_eq!(json["counts"]["error"], 2);
    }
}
