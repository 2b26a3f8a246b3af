//! The status page and its sign-in form as HTML. Every value from the report goes through
//! [`escape`]: product ids, reasons and endpoints come from SFCC, Clerk and shoppers' requests.
//! The page holds no script; its one form per dead letter posts to the worker.

use super::format::{percent, when, when_ago};
use super::session::{replay_path, CSRF_FIELD, LOGIN, LOGOUT, PAGE, STYLE};
use super::{
    DeadLetter, DeliveryStats, OrderHistory, RefusedEvents, RunSummary, StatusReport, StoreStatus,
    UnknownProducts, ValidationFailure,
};
use crate::retry::{is_in_doubt, CONFIRM_FIELD, CONFIRM_IN_DOUBT};
use std::fmt::Write;

/// `&`, `<`, `>`, `"` and `'` as character references: safe in element text and in quoted
/// attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What the page says above the stores after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A dead letter went back on its queue.
    Replayed(u64),
    /// A replay was refused, with the reason.
    NotReplayed(u64, String),
}

/// The page's stylesheet.
pub const STYLESHEET: &str = "\
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}\
header{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}\
h1{font-size:1.3rem;margin:0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .3rem}\
section.store{border-top:2px solid #d0d7de;margin-top:1rem}\
table{border-collapse:collapse;margin:.3rem 0}th,td{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f6f8fa}\
.notice{padding:.5rem;background:#ddf4ff;border:1px solid #54aeff}.notice.bad{background:#ffebe9;border-color:#ff8182}\
.warning{padding:.3rem .5rem;background:#fff8c5;border:1px solid #d4a72c}\
.none{color:#57606a}code{font-size:.9em}form.inline{display:inline;margin:0}\
dl{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:.3rem 0}dt{color:#57606a}dd{margin:0}\
";

fn head(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"{STYLE}\"></head><body>",
        escape(title)
    )
}

/// The sign-in form; `message` (e.g. a refused token) above it.
pub fn login_page(message: Option<&str>) -> String {
    let mut out = head("sfcc-clerk status: sign in");
    out.push_str("<h1>sfcc-clerk status</h1>");
    if let Some(m) = message {
        let _ = write!(
            out,
            "<p class=\"notice bad\" role=\"alert\" id=\"login-error\">{}</p>",
            escape(m)
        );
    }
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{LOGIN}\" id=\"login\">\
         <label>Admin token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required autofocus></label> \
         <button type=\"submit\">Sign in</button></form>\
         <p class=\"none\">The token is the worker's <code>ADMIN_TOKEN</code> secret. Signing in keeps it out of this page: \
         the browser gets an HttpOnly session cookie for this page only.</p></body></html>"
    );
    out
}

/// The address of QA mode's sign-in (its form posts there too).
pub const QA_ON: &str = "/__sfcc-clerk/qa/on";

/// QA mode's sign-in page: a message (escaped) when there is one, and the form unless QA mode
/// is `on` for this browser.
pub fn qa_page(message: Option<&str>, on: bool) -> String {
    let mut out = head("sfcc-clerk QA mode");
    out.push_str("<h1>sfcc-clerk QA mode</h1>");
    if let Some(m) = message {
        let class = if on { "notice" } else { "notice bad" };
        let _ = write!(
            out,
            "<p class=\"{class}\" role=\"alert\" id=\"qa-notice\">{}</p>",
            escape(m)
        );
    }
    if on {
        out.push_str(
            "<p><a href=\"/\" id=\"qa-shop\">Go to the shop</a>: its pages load the audit \
             for this browser.</p></body></html>",
        );
        return out;
    }
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{QA_ON}\" id=\"qa-login\">\
         <label>QA token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required autofocus></label> \
         <button type=\"submit\">Turn QA mode on</button></form>\
         <p class=\"none\">The token is the worker's <code>QA_TOKEN</code> (or <code>ADMIN_TOKEN</code>) secret, \
         posted once: this browser gets an HttpOnly QA cookie for eight hours.</p></body></html>"
    );
    out
}

fn cell_n(v: impl std::fmt::Display) -> String {
    format!("<td class=\"n\">{v}</td>")
}

fn cell_f(field: &str, v: impl std::fmt::Display) -> String {
    format!("<td class=\"n\" data-field=\"{field}\">{v}</td>")
}

fn opt_n<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "<td class=\"n\">–</td>".into(), cell_n)
}

fn run_row(label: &str, run: Option<&RunSummary>, now_ms: u64) -> String {
    let Some(r) = run else {
        return format!(
            "<tr data-run=\"{label}\"><th>{label}</th><td colspan=\"10\" class=\"none\">no run yet</td></tr>"
        );
    };
    format!(
        "<tr data-run=\"{label}\"><th>{label}</th><td data-field=\"status\">{}</td><td>{}</td><td>{}</td><td>{}</td>{}<td class=\"n\" data-field=\"pages\">{}{}</td>{}{}{}{}</tr>",
        escape(&r.status),
        escape(&r.trigger),
        escape(&when_ago(r.started_at_ms, now_ms)),
        r.finished_at_ms
            .map_or_else(|| "–".into(), |f| escape(&when_ago(f, now_ms))),
        opt_n(r.total),
        r.pages,
        r.expected_pages.map_or_else(String::new, |e| format!(" / {e}")),
        cell_f("upserted", r.upserted),
        cell_f("unchanged", r.unchanged),
        cell_f("removed", r.removed),
        cell_f("rejected", r.rejected),
    )
}

fn figure(name: &str, label: &str, value: &str) -> String {
    format!(
        "<dt>{}</dt><dd data-figure=\"{name}\">{}</dd>",
        escape(label),
        escape(value)
    )
}

fn delivery_row(s: &DeliveryStats) -> String {
    format!(
        "<tr data-kind=\"{}\"><th>{}</th>{}{}{}<td class=\"n\" data-field=\"success\">{}</td></tr>",
        escape(&s.kind),
        escape(&s.kind),
        cell_n(s.delivered),
        cell_n(s.retried),
        cell_n(s.dead_lettered),
        escape(&percent(s.success_rate)),
    )
}

fn failure_rows(f: &ValidationFailure, now_ms: u64) -> String {
    let problems: String = f
        .problems
        .iter()
        .map(|p| {
            format!(
                "<li><code>{}</code>: <span class=\"reason\">{}</span></li>",
                escape(&p.field),
                escape(&p.reason)
            )
        })
        .collect();
    format!(
        "<tr><td data-field=\"product\">{}</td><td><ul>{problems}</ul></td><td>{}</td></tr>",
        escape(&f.product_id),
        escape(&when_ago(f.at_ms, now_ms)),
    )
}

/// The hidden field that carries the session's CSRF token in each of the page's forms.
fn csrf_input(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{}\">",
        escape(csrf)
    )
}

fn dead_letter_row(d: &DeadLetter, now_ms: u64, csrf: &str) -> String {
    // A sale in doubt may be in Clerk already: its Replay asks for the operator's word.
    let word = if is_in_doubt(&d.reason) {
        format!(
            "<label><input type=\"checkbox\" name=\"{CONFIRM_FIELD}\" value=\"{CONFIRM_IN_DOUBT}\" required data-confirm=\"{}\"> Clerk's orders lack this sale</label> ",
            d.id
        )
    } else {
        String::new()
    };
    let action = match d.replayed_at_ms {
        Some(at) => format!("replayed {}", escape(&when_ago(at, now_ms))),
        None => format!(
            "<form method=\"post\" class=\"inline\" action=\"{}\">{}{word}<button type=\"submit\" data-replay=\"{}\">Replay</button></form>",
            replay_path(d.id),
            csrf_input(csrf),
            d.id
        ),
    };
    format!(
        "<tr data-dead-letter=\"{}\"><td class=\"n\">{}</td><td>{}</td><td>{}</td><td data-field=\"subject\">{}</td><td data-field=\"reason\">{}</td><td data-field=\"action\">{action}</td></tr>",
        d.id,
        d.id,
        escape(&when_ago(d.at_ms, now_ms)),
        escape(&d.queue),
        escape(&d.subject),
        escape(&d.reason),
    )
}

/// Events the storefront's pages sent that the worker refused: the total and the most frequent
/// kinds.
fn refused_section(r: &RefusedEvents, now_ms: u64) -> String {
    let mut out = format!(
        "<h3>Refused events</h3><dl>{}</dl>",
        figure("refused_events", "refused", &r.total.to_string())
    );
    if !r.kinds.is_empty() {
        out.push_str(
            "<table class=\"refused\"><tr><th>event</th><th>reason</th><th>count</th><th>latest</th></tr>",
        );
        for k in &r.kinds {
            let name = if k.name.is_empty() {
                "<span class=\"none\">unnamed</span>".to_string()
            } else {
                format!("<code>{}</code>", escape(&k.name))
            };
            let _ = write!(
                out,
                "<tr><td data-field=\"event\">{name}</td><td class=\"reason\" data-field=\"reason\">{}</td>{}<td>{}</td></tr>",
                escape(&k.reason),
                cell_f("count", k.count),
                escape(&when_ago(k.last_at_ms, now_ms)),
            );
        }
        out.push_str("</table>");
    }
    out
}

/// Product ids events named that Clerk does not hold: the total and the most frequent.
fn unknown_section(u: &UnknownProducts, now_ms: u64) -> String {
    let mut out = format!(
        "<h3>Products Clerk does not hold</h3><dl>{}</dl>",
        figure(
            "unknown_products",
            "events naming one",
            &u.total.to_string()
        )
    );
    if !u.ids.is_empty() {
        out.push_str(
            "<table class=\"unknown\"><tr><th>product id</th><th>events</th><th>latest</th></tr>",
        );
        for i in &u.ids {
            let id = if i.id.is_empty() {
                "<span class=\"none\">other ids (more than 50 in one hour)</span>".to_string()
            } else {
                format!("<code>{}</code>", escape(&i.id))
            };
            let _ = write!(
                out,
                "<tr><td data-field=\"product\">{id}</td>{}<td>{}</td></tr>",
                cell_f("count", i.count),
                escape(&when_ago(i.last_at_ms, now_ms)),
            );
        }
        out.push_str("</table>");
    }
    out
}

/// Where the order history stands: orders sent and left out, how far it has read, and a window
/// in progress.
fn history_section(h: Option<&OrderHistory>, now_ms: u64) -> String {
    let Some(h) = h else {
        return "<h3>Order history</h3><p class=\"none\">not started</p>".into();
    };
    let read = match h.read_up_to_ms {
        Some(ms) => crate::sfcc::format_iso8601_utc(ms),
        None => "—".into(),
    };
    let mut out = format!(
        "<h3>Order history</h3><dl>{}{}{}",
        figure("orders_sent", "orders sent", &h.sent.to_string()),
        figure("orders_skipped", "left out", &h.skipped.to_string()),
        figure("orders_read_up_to", "created before", &read),
    );
    if let Some(from) = &h.in_progress_from {
        let last = h
            .last_page_ms
            .map(|ms| when_ago(ms, now_ms))
            .unwrap_or_default();
        out.push_str(&figure(
            "orders_in_progress",
            "reading",
            &format!("from {from} (last page {last})"),
        ));
    }
    out.push_str("</dl>");
    out
}

fn store_section(s: &StoreStatus, now_ms: u64, csrf: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<section class=\"store\" data-store=\"{}\"><h2>{}{}</h2>",
        escape(&s.store),
        escape(&s.store),
        if s.configured {
            ""
        } else {
            " <small class=\"none\">(not configured: named by its records only)</small>"
        }
    );
    out.push_str(
        "<h3>Catalog runs</h3><table class=\"runs\"><tr><th></th><th>status</th><th>trigger</th><th>started</th><th>finished</th>\
         <th>total</th><th>pages</th><th>sent</th><th>unchanged</th><th>removed</th><th>rejected</th></tr>",
    );
    out.push_str(&run_row("delta", s.last_delta.as_ref(), now_ms));
    out.push_str(&run_row("full", s.last_full.as_ref(), now_ms));
    out.push_str("</table>");

    let b = &s.backlog;
    out.push_str("<h3>Backlog</h3><dl>");
    out.push_str(&figure(
        "catalog_pages",
        "catalog pages to do",
        &b.catalog_pages.to_string(),
    ));
    out.push_str(&figure(
        "runs_in_progress",
        "runs in progress",
        &b.runs_in_progress.to_string(),
    ));
    out.push_str(&figure(
        "stalled_runs",
        "stalled runs",
        &b.stalled_runs.to_string(),
    ));
    out.push_str(&figure(
        "event_retries",
        "event retries waiting",
        &match b.oldest_event_retry_ms {
            Some(at) => format!("{} (oldest {})", b.event_retries, when_ago(at, now_ms)),
            None => b.event_retries.to_string(),
        },
    ));
    out.push_str("</dl>");

    out.push_str(
        "<h3>Deliveries</h3><table class=\"deliveries\"><tr><th>kind</th><th>delivered</th><th>retried</th>\
         <th>dead-lettered</th><th>success</th></tr>",
    );
    for k in &s.deliveries.by_kind {
        out.push_str(&delivery_row(k));
    }
    out.push_str(&delivery_row(&s.deliveries.all));
    out.push_str("</table>");

    out.push_str("<h3>Latest delivery errors</h3>");
    if s.latest_errors.is_empty() {
        out.push_str("<p class=\"none\">none</p>");
    } else {
        out.push_str("<table class=\"errors\"><tr><th>when</th><th>kind</th><th>call</th><th>status</th><th>attempt</th><th>outcome</th><th>error</th></tr>");
        for e in &s.latest_errors {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td>{}{}<td>{}</td><td class=\"reason\">{}</td></tr>",
                escape(&when_ago(e.at_ms, now_ms)),
                escape(&e.kind),
                escape(&e.endpoint),
                opt_n(e.status),
                cell_n(e.attempt),
                escape(&e.outcome),
                escape(e.error.as_deref().unwrap_or("")),
            );
        }
        out.push_str("</table>");
    }

    out.push_str("<h3>Validation failures</h3>");
    if s.validation_failures.is_empty() {
        out.push_str("<p class=\"none\">none</p>");
    } else {
        out.push_str(
            "<table class=\"failures\"><tr><th>product</th><th>problems</th><th>when</th></tr>",
        );
        for f in &s.validation_failures {
            out.push_str(&failure_rows(f, now_ms));
        }
        out.push_str("</table>");
    }

    out.push_str(&refused_section(&s.refused_events, now_ms));
    out.push_str(&unknown_section(&s.unknown_products, now_ms));
    out.push_str(&history_section(s.order_history.as_ref(), now_ms));

    let d = &s.dead_letters;
    let _ = write!(
        out,
        "<h3>Dead letters</h3><dl>{}{}</dl>",
        figure("dead_letters_waiting", "waiting", &d.waiting.to_string()),
        figure("dead_letters_replayed", "replayed", &d.replayed.to_string()),
    );
    if d.expiring > 0 {
        let _ = write!(
            out,
            "<p class=\"warning\" data-figure=\"dead_letters_expiring\">{} waiting dead letters are dropped within {} days unless replayed (the retention).</p>",
            d.expiring,
            crate::retention::DEAD_LETTER_NOTICE_DAYS
        );
    }
    if !d.latest.is_empty() {
        out.push_str("<table class=\"dead-letters\"><tr><th>id</th><th>when</th><th>queue</th><th>message</th><th>reason</th><th></th></tr>");
        for l in &d.latest {
            out.push_str(&dead_letter_row(l, now_ms, csrf));
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
    out
}

/// The status page of a report, with a notice after an action.
pub fn status_page(report: &StatusReport, notice: Option<&Notice>, csrf: &str) -> String {
    let now = report.generated_at_ms;
    let mut out = head("sfcc-clerk status");
    let _ = write!(
        out,
        "<header><h1>sfcc-clerk status</h1><span>at {} · deliveries over the last {} h</span>\
         <a href=\"{PAGE}\">Refresh</a>\
         <form method=\"post\" class=\"inline\" action=\"{LOGOUT}\">{}<button type=\"submit\">Sign out</button></form></header>",
        escape(&when(now)),
        report.window_ms / 3_600_000,
        csrf_input(csrf),
    );
    match notice {
        Some(Notice::Replayed(id)) => {
            let _ = write!(
                out,
                "<p class=\"notice\" role=\"status\" id=\"notice\">Dead letter {id} is back on its queue.</p>"
            );
        }
        Some(Notice::NotReplayed(id, why)) => {
            let _ = write!(
                out,
                "<p class=\"notice bad\" role=\"alert\" id=\"notice\">Dead letter {id} was not replayed: {}</p>",
                escape(why)
            );
        }
        None => {}
    }
    for s in &report.stores {
        out.push_str(&store_section(s, now, csrf));
    }
    out.push_str(
        "<p class=\"none\">Backlog counts what the worker's records prove is still to do: pages of catalog runs in progress \
         and events waiting for a retry. First attempts of new events are not recorded; the Cloudflare dashboard shows each queue's own backlog. \
         Success is delivered ÷ (delivered + dead-lettered) calls.</p></body></html>",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::FieldProblem;
    use crate::status::{Backlog, DeadLetters, Deliveries, RefusalKind, UnknownProduct};

    const NOW: u64 = 1_769_860_800_000;
    const CSRF: &str = "c5f0e1";
    const EVIL: &str = "<img src=x onerror=alert(1)>";

    fn store() -> StoreStatus {
        StoreStatus {
            store: "us".into(),
            configured: true,
            last_delta: None,
            last_full: Some(RunSummary {
                run_id: "r1".into(),
                trigger: "admin".into(),
                status: "finished".into(),
                started_at_ms: NOW - 120_000,
                finished_at_ms: Some(NOW - 60_000),
                total: Some(6),
                pages: 3,
                expected_pages: Some(3),
                upserted: 4,
                unchanged: 0,
                removed: 0,
                rejected: 2,
            }),
            backlog: Backlog {
                event_retries: 1,
                oldest_event_retry_ms: Some(NOW - 5_000),
                ..Default::default()
            },
            deliveries: Deliveries::default(),
            latest_errors: vec![],
            validation_failures: vec![ValidationFailure {
                id: 1,
                at_ms: NOW,
                run_id: "r1".into(),
                product_id: format!("P{EVIL}"),
                problems: vec![FieldProblem::new("image", format!("{EVIL:?} is not a URL"))],
            }],
            dead_letters: DeadLetters {
                waiting: 1,
                replayed: 1,
                expiring: 1,
                latest: vec![
                    DeadLetter {
                        id: 9,
                        at_ms: NOW,
                        queue: "sfcc-clerk-events".into(),
                        subject: "click A (event e)".into(),
                        reason: format!("HTTP 400 {EVIL}\"'&"),
                        replayed_at_ms: None,
                    },
                    DeadLetter {
                        id: 8,
                        at_ms: NOW,
                        queue: "sfcc-clerk-events".into(),
                        subject: "click B (event f)".into(),
                        reason: "HTTP 400".into(),
                        replayed_at_ms: Some(NOW - 1_000),
                    },
                ],
            },
            refused_events: RefusedEvents {
                total: 7,
                kinds: vec![
                    RefusalKind {
                        name: "add_to_cart".into(),
                        reason: "item_id must be a non-empty string".into(),
                        count: 6,
                        last_at_ms: NOW - 2_000,
                    },
                    RefusalKind {
                        name: EVIL.into(),
                        reason: format!("unknown type {EVIL:?}"),
                        count: 1,
                        last_at_ms: NOW,
                    },
                ],
            },
            unknown_products: UnknownProducts {
                total: 4,
                ids: vec![
                    UnknownProduct {
                        id: EVIL.into(),
                        count: 3,
                        last_at_ms: NOW - 1_000,
                    },
                    UnknownProduct {
                        id: String::new(),
                        count: 1,
                        last_at_ms: NOW,
                    },
                ],
            },
            order_history: Some(OrderHistory {
                read_up_to_ms: Some(1_796_083_200_000),
                in_progress_from: Some("2026-12-01T00:00:00.000Z".into()),
                last_page_ms: Some(NOW - 60_000),
                sent: 1_200,
                skipped: 31,
            }),
        }
    }

    fn report() -> StatusReport {
        StatusReport {
            generated_at_ms: NOW,
            window_ms: super::super::WINDOW_MS,
            stores: vec![store()],
        }
    }

    #[test]
    fn escape_turns_markup_into_text() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn values_from_outside_render_as_text_never_as_markup() {
        let html = status_page(
            &report(),
            Some(&Notice::NotReplayed(3, EVIL.to_string())),
            CSRF,
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "the page holds no script");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("HTTP 400 &lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"));
        assert!(html.contains("P&lt;img"));
    }

    #[test]
    fn the_page_shows_the_figures_and_a_replay_form_only_for_waiting_dead_letters() {
        let html = status_page(&report(), Some(&Notice::Replayed(8)), CSRF);
        assert!(html.contains("<section class=\"store\" data-store=\"us\">"));
        assert!(html.contains("<td class=\"n\" data-field=\"upserted\">4</td>"));
        assert!(html.contains("<td class=\"n\" data-field=\"rejected\">2</td>"));
        assert!(html.contains("<td colspan=\"10\" class=\"none\">no run yet</td>"));
        assert!(html.contains(
            "<dd data-figure=\"event_retries\">1 (oldest 2026-01-31 11:59:55Z (5 s ago))</dd>"
        ));
        assert!(html.contains("<dd data-figure=\"dead_letters_waiting\">1</dd>"));
        assert!(html.contains(
            "<p class=\"warning\" data-figure=\"dead_letters_expiring\">1 waiting dead letters are dropped within 3 days"
        ));
        assert!(html.contains(
            "action=\"/__sfcc-clerk/status/dead-letters/9/replay\"><input type=\"hidden\" name=\"csrf\" value=\"c5f0e1\"><button type=\"submit\" data-replay=\"9\">Replay</button>"
        ));
        assert!(!html.contains("dead-letters/8/replay"), "8 was replayed");
        assert!(html.contains("replayed 2026-01-31 11:59:59Z (1 s ago)"));
        assert!(html.contains("Dead letter 8 is back on its queue."));
        assert!(html.contains("<dd data-figure=\"refused_events\">7</dd>"));
        assert!(html.contains(
            "<tr><td data-field=\"event\"><code>add_to_cart</code></td><td class=\"reason\" data-field=\"reason\">item_id must be a non-empty string</td><td class=\"n\" data-field=\"count\">6</td><td>2026-01-31 11:59:58Z (2 s ago)</td></tr>"
        ));
    }

    #[test]
    fn unknown_product_ids_are_listed_escaped_with_the_capped_rest_named() {
        let html = status_page(&report(), None, CSRF);
        assert!(html.contains("<dd data-figure=\"unknown_products\">4</dd>"));
        assert!(html.contains(
            "<tr><td data-field=\"product\"><code>&lt;img src=x onerror=alert(1)&gt;</code></td><td class=\"n\" data-field=\"count\">3</td>"
        ));
        assert!(html.contains("other ids (more than 50 in one hour)"));
        assert!(!html.contains(EVIL));
        let mut quiet = store();
        quiet.unknown_products = UnknownProducts::default();
        let html = status_page(
            &StatusReport {
                stores: vec![quiet],
                ..report()
            },
            None,
            CSRF,
        );
        assert!(html.contains("<dd data-figure=\"unknown_products\">0</dd>"));
        assert!(!html.contains("class=\"unknown\""));
    }

    #[test]
    fn the_order_history_shows_what_went_to_clerk_and_where_it_reads() {
        let html = status_page(&report(), None, CSRF);
        assert!(html.contains("<dd data-figure=\"orders_sent\">1200</dd>"));
        assert!(html.contains("<dd data-figure=\"orders_skipped\">31</dd>"));
        assert!(
            html.contains("<dd data-figure=\"orders_read_up_to\">2026-12-01T00:00:00.000Z</dd>")
        );
        assert!(html.contains(
            "<dd data-figure=\"orders_in_progress\">from 2026-12-01T00:00:00.000Z (last page"
        ));
        let mut quiet = store();
        quiet.order_history = None;
        let html = status_page(
            &StatusReport {
                stores: vec![quiet],
                ..report()
            },
            None,
            CSRF,
        );
        assert!(html.contains("<h3>Order history</h3><p class=\"none\">not started</p>"));
    }

    #[test]
    fn a_store_without_refused_events_shows_none_and_no_table() {
        let mut quiet = store();
        quiet.refused_events = RefusedEvents::default();
        let html = status_page(
            &StatusReport {
                stores: vec![quiet],
                ..report()
            },
            None,
            CSRF,
        );
        assert!(html.contains("<dd data-figure=\"refused_events\">0</dd>"));
        assert!(!html.contains("class=\"refused\""));
    }

    #[test]
    fn the_sign_in_form_posts_the_token_and_escapes_its_message() {
        let html = login_page(Some(EVIL));
        assert!(html.contains("action=\"/__sfcc-clerk/status/login\""));
        assert!(html.contains("type=\"password\" name=\"token\""));
        assert!(!html.contains("<img"));
        assert!(!login_page(None).contains("login-error"));
    }

    #[test]
    fn an_in_doubt_sales_replay_asks_for_the_operators_word() {
        let letter = |reason: &str| DeadLetter {
            id: 4,
            at_ms: NOW,
            queue: "sfcc-clerk-events".into(),
            subject: "sale 00000101".into(),
            reason: reason.into(),
            replayed_at_ms: None,
        };
        let doubt = dead_letter_row(
            &letter("in doubt: timed out; it may have been recorded"),
            NOW,
            CSRF,
        );
        assert!(doubt.contains(
            "<input type=\"checkbox\" name=\"confirm\" value=\"in-doubt\" required data-confirm=\"4\">"
        ));
        let refused = dead_letter_row(&letter("HTTP 400 rejected"), NOW, CSRF);
        assert!(!refused.contains("checkbox") && refused.contains("data-replay=\"4\""));
        assert!(
            refused.contains("<input type=\"hidden\" name=\"csrf\" value=\"c5f0e1\"><button"),
            "each form carries the session's token: {refused}"
        );
    }
}
