//! The headless QA run behind `sfcc-clerk qa --base-url URL` through a storefront behind the worker.
//! It turns QA mode on, answers the consent banner (accepting tracking unless told otherwise),
//! walks PLP → PDP → add to cart → cart → checkout → order → confirmation in headless Chromium,
//! collects the validator's report on each page (its data-layer findings, page vs feed, and what
//! the worker did with each ecommerce push), prints a readable summary, writes JSON and JUnit XML
//! when asked, and exits 1 when any page has an error (or no report).

use crate::webdriver::Browser;
use serde_json::{json, Value};
use sfcc_clerk_core::clerk::percent_encode;
use std::path::Path;
use std::time::{Duration, Instant};

/// What to walk.
pub struct Journey<'a> {
    /// The storefront's (the worker's) base URL.
    pub base_url: &'a str,
    /// The token that turns QA mode on (the worker's `QA_TOKEN`, or its admin token).
    pub token: &'a str,
    /// SFRA pipeline path of the site and locale.
    pub site_path: &'a str,
    /// A category to list.
    pub category: &'a str,
    /// A product to view and buy.
    pub product: &'a str,
    /// The guest email to check out with, if any.
    pub email: Option<&'a str>,
    /// How the shopper answers the consent banner.
    pub consent: ConsentAnswer,
}

/// How the QA run answers the storefront's consent banner (SFRA's
/// `ConsentTracking-SetSession`). Without consent, strict mode forwards nothing, and the
/// validator reports the pushes as withheld rather than checking their delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConsentAnswer {
    /// Accept tracking: every ecommerce push is expected at Clerk.
    Accept,
    /// Decline tracking.
    Decline,
    /// Leave the banner unanswered.
    Unanswered,
}

/// One page's outcome.
struct Visited {
    page: &'static str,
    url: String,
    report: Option<Value>,
}

/// How long a page's report may take: the validator's forwarding check waits up to 10 s for
/// the worker to deliver every push.
const REPORT_WAIT: Duration = Duration::from_secs(30);

fn report(browser: &Browser) -> Option<Value> {
    let deadline = Instant::now() + REPORT_WAIT;
    while Instant::now() < deadline {
        let r = browser
            .run("var q = window.sfccClerkQa; return q && q.settled() ? JSON.stringify(q.report()) : null")
            .ok()?;
        if let Some(text) = r.as_str() {
            return serde_json::from_str(text).ok();
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

fn post(browser: &Browser, url: &str, form: &str) -> Result<Value, String> {
    let script = format!(
        "var x = new XMLHttpRequest(); x.open('POST', {url}, false); \
         x.setRequestHeader('content-type', 'application/x-www-form-urlencoded'); \
         x.send({form}); return x.responseText;",
        url = json!(url),
        form = json!(form)
    );
    let text = browser.run(&script).map_err(|e| e.to_string())?;
    serde_json::from_str(text.as_str().unwrap_or_default())
        .map_err(|e| format!("POST {url} did not answer JSON: {e}"))
}

/// Turns QA mode on for the browser as a QA engineer does: the worker's sign-in form at
/// `/__sfcc-clerk/qa/on`, the token typed in and posted (never in a URL).
pub fn turn_qa_on(browser: &Browser, base: &str, token: &str) -> Result<(), String> {
    let failed = |e: String| format!("turning QA mode on: {e}");
    browser
        .goto(&format!("{base}/__sfcc-clerk/qa/on"))
        .map_err(|e| failed(e.to_string()))?;
    let script = format!(
        "var f = document.getElementById('qa-login'); if (!f) return false; \
         f.elements['token'].value = {token}; f.submit(); return true;",
        token = json!(token)
    );
    let submitted = browser.run(&script).map_err(|e| failed(e.to_string()))?;
    if submitted != json!(true) {
        return Err(failed("the worker showed no sign-in form".into()));
    }
    let outcome = "var on = document.getElementById('qa-shop'); \
                   var notice = document.getElementById('qa-notice'); \
                   return on ? 'on' : (notice ? notice.textContent : null);";
    for _ in 0..50 {
        match browser.run(outcome).map_err(|e| failed(e.to_string()))? {
            Value::String(s) if s == "on" => return Ok(()),
            Value::String(why) => return Err(failed(why)),
            _ => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
    Err(failed("no answer to the sign-in".into()))
}

fn walk(browser: &Browser, j: &Journey<'_>) -> Result<Vec<Visited>, String> {
    let base = j.base_url.trim_end_matches('/');
    let site = format!("{base}{}", j.site_path);
    turn_qa_on(browser, base, j.token)?;
    let answer = match j.consent {
        ConsentAnswer::Accept => Some("true"),
        ConsentAnswer::Decline => Some("false"),
        ConsentAnswer::Unanswered => None,
    };
    if let Some(answer) = answer {
        let url = format!("{site}/ConsentTracking-SetSession?consent={answer}");
        browser
            .goto(&url)
            .map_err(|e| format!("answering the consent banner: {e}"))?;
    }
    let mut visited = Vec::new();
    let mut visit = |page: &'static str, url: String| -> Result<(), String> {
        browser.goto(&url).map_err(|e| e.to_string())?;
        visited.push(Visited {
            page,
            report: report(browser),
            url,
        });
        Ok(())
    };
    visit("plp", format!("{site}/Search-Show?cgid={}", j.category))?;
    visit("pdp", format!("{site}/Product-Show?pid={}", j.product))?;
    post(
        browser,
        &format!("{}/Cart-AddProduct", j.site_path),
        &format!("pid={}&quantity=1", j.product),
    )?;
    visit("cart", format!("{site}/Cart-Show"))?;
    visit("checkout", format!("{site}/Checkout-Begin"))?;
    let form = j
        .email
        .map(|e| format!("email={}", percent_encode(e)))
        .unwrap_or_default();
    let placed = post(
        browser,
        &format!("{}/CheckoutServices-PlaceOrder", j.site_path),
        &form,
    )?;
    let (Some(id), Some(token)) = (placed["orderID"].as_str(), placed["orderToken"].as_str())
    else {
        return Err(format!("the order was not placed: {placed}"));
    };
    visit(
        "confirmation",
        format!("{site}/Order-Confirm?ID={id}&token={token}"),
    )?;
    Ok(visited)
}

fn findings(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .collect()
}

fn count(report: &Value, severity: &str) -> usize {
    findings(report)
        .iter()
        .filter(|f| f["severity"] == severity)
        .count()
}

/// JUnit XML: a test case per page, a failure per error finding (or for a missing report).
pub fn junit(pages: &[(String, String, Option<Value>)]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let failures: usize = pages
        .iter()
        .map(|(_, _, r)| r.as_ref().map_or(1, |r| count(r, "error")))
        .sum();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"sfcc-clerk qa\" tests=\"{}\" failures=\"{failures}\">\n",
        pages.len()
    );
    for (page, url, report) in pages {
        xml.push_str(&format!(
            "  <testcase classname=\"data-layer\" name=\"{}\">\n",
            esc(&format!("{page} {url}"))
        ));
        match report {
            None => xml.push_str(
                "    <failure type=\"no_report\" message=\"the validator did not report on this page\"/>\n",
            ),
            Some(r) => {
                for f in findings(r).into_iter().filter(|f| f["severity"] == "error") {
                    let code = f["code"].as_str().unwrap_or_default();
                    let field = f["field"].as_str().unwrap_or_default();
                    let message = f["message"].as_str().unwrap_or_default();
                    xml.push_str(&format!(
                        "    <failure type=\"{}\" message=\"{}\"/>\n",
                        esc(code),
                        esc(&format!("{field}: {message}"))
                    ));
                }
            }
        }
        xml.push_str("  </testcase>\n");
    }
    xml.push_str("</testsuite>\n");
    xml
}

/// Runs the QA journey, prints the summary, writes the files asked for, and returns the number
/// of errors found (a page without a report counts as one); `Err` when the run could not be made.
pub fn run(
    j: &Journey<'_>,
    json_out: Option<&Path>,
    junit_out: Option<&Path>,
) -> Result<usize, String> {
    let browser =
        Browser::start().map_err(|e| format!("could not start headless Chromium: {e}"))?;
    let visited = walk(&browser, j)?;
    drop(browser);
    let mut errors = 0;
    for v in &visited {
        match &v.report {
            None => {
                errors += 1;
                println!(
                    "{:<13} no report: the validator did not load  {}",
                    v.page, v.url
                );
            }
            Some(r) => {
                let (e, w) = (count(r, "error"), count(r, "warning"));
                errors += e;
                println!("{:<13} {e} errors, {w} warnings  {}", v.page, v.url);
                let forwarded: Vec<String> = r["forwarding"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        format!(
                            "{} {}",
                            p["event"].as_str().unwrap_or_default(),
                            p["state"].as_str().unwrap_or_default()
                        )
                    })
                    .collect();
                if !forwarded.is_empty() {
                    println!("  forwarded: {}", forwarded.join(", "));
                }
                for f in findings(r).into_iter().filter(|f| f["severity"] != "info") {
                    println!(
                        "  {:<8} {:<16} {}: {}",
                        f["severity"].as_str().unwrap_or_default(),
                        f["code"].as_str().unwrap_or_default(),
                        f["field"].as_str().unwrap_or_default(),
                        f["message"].as_str().unwrap_or_default()
                    );
                }
            }
        }
    }
    println!(
        "{} pages, {errors} errors: {}",
        visited.len(),
        if errors == 0 { "passed" } else { "failed" }
    );
    let pages: Vec<(String, String, Option<Value>)> = visited
        .into_iter()
        .map(|v| (v.page.to_string(), v.url, v.report))
        .collect();
    let outputs = [
        (json_out, {
            let list: Vec<Value> = pages
                .iter()
                .map(|(p, u, r)| json!({"page": p, "url": u, "report": r}))
                .collect();
            serde_json::to_string_pretty(&json!({"base_url": j.base_url, "pages": list}))
                .unwrap_or_default()
        }),
        (junit_out, junit(&pages)),
    ];
    for (path, text) in outputs {
        if let Some(path) = path {
            std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
        }
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_has_a_case_per_page_and_a_failure_per_error() {
        let report = json!({"findings": [
            {"severity": "error", "code": "bad_currency", "field": "ecommerce.currency", "message": "expected <ISO 4217> & found \"usd\""},
            {"severity": "warning", "code": "bad_order", "field": "", "message": "x"}
        ]});
        let xml = junit(&[
            ("pdp".into(), "http://s/p?a=1&b=2".into(), Some(report)),
            ("cart".into(), "http://s/c".into(), None),
        ]);
        assert!(
            xml.contains(r#"<testsuite name="sfcc-clerk qa" tests="2" failures="2">"#),
            "{xml}"
        );
        assert!(xml.contains(r#"name="pdp http://s/p?a=1&amp;b=2""#));
        assert!(xml.contains(r#"<failure type="bad_currency" message="ecommerce.currency: expected &lt;ISO 4217&gt; &amp; found &quot;usd&quot;"/>"#));
        assert!(xml.contains(r#"<failure type="no_report""#));
        assert_eq!(
            xml.matches("<failure").count(),
            2,
            "warnings are not failures"
        );
    }
}
