//! The comparison itself: each page product that is the feed's (same id, or no id on the page)
//! against the feed record. Price, currency and availability differences are errors (the shopper
//! sees one thing, Clerk shows another); a name difference is a warning (feeds often carry a
//! cleaned-up name). Names are compared trimmed, case-sensitively.

use super::{FactSource, FeedRecord, PageProduct};
use crate::datalayer::finding::{Code, Finding, Severity};

/// Prices may differ by this much.
pub const PRICE_TOLERANCE: f64 = 0.005;

/// A fact the page and the feed both state.
#[derive(Clone, Copy)]
enum Fact {
    Price,
    Currency,
    Availability,
    Name,
}

/// The `feed_mismatch` findings.
pub fn compare(page: &[PageProduct], feed: &FeedRecord) -> Vec<Finding> {
    let matching: Vec<&PageProduct> = page
        .iter()
        .filter(|p| p.id.as_deref().is_none_or(|id| id == feed.id))
        .collect();
    if matching.is_empty() {
        let ids: Vec<&str> = page.iter().filter_map(|p| p.id.as_deref()).collect();
        let found = if ids.is_empty() {
            "no product facts".to_string()
        } else {
            format!("only {}", ids.join(", "))
        };
        return vec![Finding::new(
            Code::FeedMismatch,
            Severity::Error,
            format!("expected product {} on the page, found {found}", feed.id),
        )];
    }
    let stock = |s: bool| if s { "in stock" } else { "out of stock" }.to_string();
    let mut out = Vec::new();
    for p in matching {
        let differences = [
            p.price
                .filter(|price| (price - feed.price).abs() > PRICE_TOLERANCE + 1e-9)
                .map(|price| (Fact::Price, price.to_string(), feed.price.to_string())),
            p.currency
                .as_deref()
                .filter(|c| *c != feed.currency)
                .map(|c| (Fact::Currency, c.to_string(), feed.currency.clone())),
            p.in_stock
                .filter(|s| *s != feed.in_stock)
                .map(|s| (Fact::Availability, stock(s), stock(feed.in_stock))),
            p.name
                .as_deref()
                .filter(|n| n.trim() != feed.name.trim())
                .map(|n| (Fact::Name, format!("{n:?}"), format!("{:?}", feed.name))),
        ];
        out.extend(
            differences
                .into_iter()
                .flatten()
                .map(|(fact, on_page, in_feed)| finding(p, &feed.id, fact, &on_page, &in_feed)),
        );
    }
    out
}

fn finding(p: &PageProduct, id: &str, fact: Fact, on_page: &str, in_feed: &str) -> Finding {
    let (what, severity) = match fact {
        Fact::Price => ("price", Severity::Error),
        Fact::Currency => ("currency", Severity::Error),
        Fact::Availability => ("availability", Severity::Error),
        Fact::Name => ("name", Severity::Warning),
    };
    let message = format!(
        "expected the feed's {what} {in_feed} for product {id}, found {on_page} on the page"
    );
    let join = |prefix: &str, field: &str| {
        if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        }
    };
    match p.source {
        FactSource::DataLayer { push } => {
            let field = match fact {
                Fact::Price => join(&p.path, "price"),
                Fact::Currency => "ecommerce.currency".into(),
                Fact::Availability => join(&p.path, "availability"),
                Fact::Name => join(&p.path, "item_name"),
            };
            Finding::new(Code::FeedMismatch, severity, message)
                .at(push)
                .field(field)
        }
        FactSource::JsonLd { block } => {
            let field = match fact {
                Fact::Price => "offers.price",
                Fact::Currency => "offers.priceCurrency",
                Fact::Availability => "offers.availability",
                Fact::Name => "name",
            };
            let path = join(&p.path, field);
            Finding::new(Code::FeedMismatch, severity, message)
                .field(format!("json_ld[{block}].{path}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed() -> FeedRecord {
        FeedRecord {
            id: "P1".into(),
            name: "Classic Polo".into(),
            price: 29.99,
            currency: "USD".into(),
            in_stock: true,
        }
    }

    fn json_ld(id: Option<&str>) -> PageProduct {
        PageProduct {
            source: FactSource::JsonLd { block: 0 },
            path: String::new(),
            id: id.map(str::to_string),
            name: Some(" Classic Polo".into()),
            price: Some(29.994),
            currency: Some("USD".into()),
            in_stock: Some(true),
        }
    }

    #[test]
    fn agreeing_facts_within_tolerance_are_clean() {
        assert_eq!(compare(&[json_ld(Some("P1"))], &feed()), []);
        assert_eq!(
            compare(&[json_ld(None)], &feed()),
            [],
            "no id: the page's product"
        );
    }

    #[test]
    fn each_difference_names_both_values() {
        let page = PageProduct {
            name: Some("classic polo".into()),
            price: Some(24.99),
            currency: Some("EUR".into()),
            in_stock: Some(false),
            ..json_ld(Some("P1"))
        };
        let found = compare(&[page], &feed());
        let rows: Vec<(Severity, Option<&str>, &str)> = found
            .iter()
            .map(|f| (f.severity, f.field.as_deref(), f.message.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (Severity::Error, Some("json_ld[0].offers.price"),
                 "expected the feed's price 29.99 for product P1, found 24.99 on the page"),
                (Severity::Error, Some("json_ld[0].offers.priceCurrency"),
                 "expected the feed's currency USD for product P1, found EUR on the page"),
                (Severity::Error, Some("json_ld[0].offers.availability"),
                 "expected the feed's availability in stock for product P1, found out of stock on the page"),
                (Severity::Warning, Some("json_ld[0].name"),
                 "expected the feed's name \"Classic Polo\" for product P1, found \"classic polo\" on the page"),
            ]
        );
        assert!(found.iter().all(|f| f.code == Code::FeedMismatch));
    }

    #[test]
    fn data_layer_facts_point_at_their_push() {
        let page = PageProduct {
            source: FactSource::DataLayer { push: 4 },
            path: "ecommerce.items[0]".into(),
            price: Some(30.0),
            ..json_ld(Some("P1"))
        };
        let found = compare(&[page], &feed());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].event_index, Some(4));
        assert_eq!(found[0].field.as_deref(), Some("ecommerce.items[0].price"));
    }

    #[test]
    fn another_product_or_none_is_a_mismatch() {
        let other = compare(&[json_ld(Some("P2"))], &feed());
        assert_eq!(
            other[0].message,
            "expected product P1 on the page, found only P2"
        );
        let none = compare(&[], &feed());
        assert_eq!(
            none[0].message,
            "expected product P1 on the page, found no product facts"
        );
        assert_eq!(none[0].severity, Severity::Error);
    }
}
