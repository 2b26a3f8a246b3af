//! The shop's past orders: what a real shop has placed before the connector arrives, for the
//! order history to read (SCAPI Admin Orders `getOrders`, [`super::admin_orders`]). Their shape
//! is the storefront's own orders'; they are numbered below the orders placed while the sandbox
//! runs (`00000001`…, those from `00000101`).
//!
//! What they hold, to exercise what a real history has: variants in the lines (Clerk holds their
//! masters), guests and registered shoppers, both sites' currencies and a site's two locales,
//! orders that were never placed, failed or were cancelled, two orders of the same second, one
//! older than a year (the default window) and one placed in the last hour (left to live
//! tracking).

use super::site::Site;
use super::state::{Order, OrderLine};

/// One past order: days and seconds before now, site, status, customer, lines.
struct Past {
    ago_s: u64,
    site: Site,
    status: &'static str,
    customer: Option<(&'static str, &'static str)>,
    lines: &'static [(&'static str, u32, f64)],
}

const ALICE: Option<(&str, &str)> = Some(("00000001", "alice.shopper@example.com"));
const BRUNO: Option<(&str, &str)> = Some(("00000002", "bruno.kunde@example.de"));
const DAY: u64 = 86_400;

const PAST: [Past; 13] = [
    Past {
        ago_s: 400 * DAY,
        site: Site::RefArch,
        status: "completed",
        customer: ALICE,
        lines: &[("25565189M", 1, 89.0)],
    },
    Past {
        ago_s: 200 * DAY,
        site: Site::RefArch,
        status: "completed",
        customer: ALICE,
        lines: &[("701643421084M", 2, 39.5), ("25720424M", 1, 45.0)],
    },
    Past {
        ago_s: 150 * DAY,
        site: Site::RefArch,
        status: "completed",
        customer: None,
        lines: &[("701643421091M", 1, 39.5)],
    },
    Past {
        ago_s: 120 * DAY,
        site: Site::RefArch,
        status: "cancelled",
        customer: ALICE,
        lines: &[("25604455M", 1, 199.0)],
    },
    Past {
        ago_s: 90 * DAY,
        site: Site::RefArchGlobal,
        status: "completed",
        customer: BRUNO,
        lines: &[("701643421084M", 1, 36.0)],
    },
    // Two orders of the same second: paging by creation date must read both.
    Past {
        ago_s: 60 * DAY,
        site: Site::RefArch,
        status: "completed",
        customer: None,
        lines: &[("25519318M", 1, 59.0)],
    },
    Past {
        ago_s: 60 * DAY,
        site: Site::RefArch,
        status: "new",
        customer: ALICE,
        lines: &[("25752986M", 2, 35.0)],
    },
    Past {
        ago_s: 30 * DAY,
        site: Site::RefArch,
        status: "failed",
        customer: None,
        lines: &[("25565189M", 1, 89.0)],
    },
    Past {
        ago_s: 20 * DAY,
        site: Site::RefArchGlobal,
        status: "new",
        customer: None,
        lines: &[("25720424M", 1, 42.0), ("25519318M", 1, 55.0)],
    },
    Past {
        ago_s: 10 * DAY,
        site: Site::RefArch,
        status: "created",
        customer: None,
        lines: &[("25519318M", 1, 59.0)],
    },
    Past {
        ago_s: 2 * DAY,
        site: Site::RefArch,
        status: "new",
        customer: ALICE,
        lines: &[("701643421091M", 1, 39.5), ("25720424M", 1, 45.0)],
    },
    Past {
        ago_s: 600,
        site: Site::RefArch,
        status: "new",
        customer: None,
        lines: &[("25752986M", 1, 35.0)],
    },
    // Placed on the French storefront of RefArchGlobal: the same site and currency as the
    // German one, its shopper's locale French.
    Past {
        ago_s: 45 * DAY,
        site: Site::RefArchGlobalFr,
        status: "completed",
        customer: None,
        lines: &[("25565189M", 1, 79.0)],
    },
];

/// The past orders as of `now_s` (unix seconds), oldest first.
pub fn past_orders(now_s: u64) -> Vec<Order> {
    PAST.iter()
        .enumerate()
        .map(|(i, p)| {
            let lines: Vec<OrderLine> = p
                .lines
                .iter()
                .map(|(pid, quantity, price)| OrderLine {
                    pid: (*pid).into(),
                    quantity: *quantity,
                    price: *price,
                })
                .collect();
            let merchandise =
                super::site::round2(lines.iter().map(|l| l.price * f64::from(l.quantity)).sum());
            Order {
                id: format!("{:08}", i + 1),
                token: format!("past{:028}", i + 1),
                site: p.site,
                customer_no: p.customer.map(|(no, _)| no.to_string()),
                email: Some(p.customer.map_or_else(
                    || format!("guest{}@example.com", i + 1),
                    |(_, email)| email.to_string(),
                )),
                lines,
                merchandise_total: merchandise,
                tax: p.site.tax(merchandise),
                shipping: p.site.shipping(),
                grand_total: p.site.grand_total(merchandise),
                currency: p.site.currency().into(),
                time: now_s.saturating_sub(p.ago_s),
                status: p.status.into(),
            }
        })
        .collect()
}
