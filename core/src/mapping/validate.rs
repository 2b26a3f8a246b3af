use crate::clerk::{is_attribute_name, ClerkProduct, PRODUCT_FIELDS};
use crate::store::is_absolute_http_url;
use serde::{Deserialize, Serialize};

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The Clerk field (or SFCC attribute) at fault.
    pub field: String,
    /// Why the value cannot be sent.
    pub reason: String,
}

impl FieldProblem {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// A record that was not sent, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("product {product_id}: {}", .problems.iter().map(|p| format!("{}: {}", p.field, p.reason)).collect::<Vec<_>>().join("; "))]
pub struct RecordError {
    /// The SFCC product id.
    pub product_id: String,
    /// The problems, in field order.
    pub problems: Vec<FieldProblem>,
}

/// Checks a Clerk product against the rules Clerk and our users rely on.
pub fn validate(p: &ClerkProduct) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if p.id.trim().is_empty() {
        problems.push(FieldProblem::new("id", "is empty"));
    }
    if p.name.trim().is_empty() {
        problems.push(FieldProblem::new("name", "is empty"));
    }
    if !p.price.is_finite() || p.price < 0.0 {
        problems.push(FieldProblem::new(
            "price",
            format!("{} is not a finite amount ≥ 0", p.price),
        ));
    }
    if let Some(list) = p.list_price {
        if !list.is_finite() || list < p.price {
            problems.push(FieldProblem::new(
                "list_price",
                format!("{list} is below the price {}", p.price),
            ));
        }
    }
    for (field, url) in [("url", &p.url), ("image", &p.image)] {
        if !is_absolute_http_url(url) {
            problems.push(FieldProblem::new(
                field,
                format!("{url:?} is not an absolute http(s) URL"),
            ));
        }
    }
    if let Some(stock) = p.stock {
        if stock < 0 {
            problems.push(FieldProblem::new("stock", format!("{stock} is negative")));
        }
    }
    for name in p.attributes.keys() {
        if !is_attribute_name(name) {
            problems.push(FieldProblem::new(
                name.clone(),
                "attribute names may hold only letters, digits and _",
            ));
        } else if PRODUCT_FIELDS.contains(&name.as_str()) {
            problems.push(FieldProblem::new(
                name.clone(),
                "an attribute may not be named like one of Clerk's own product fields",
            ));
        }
    }
    problems
}
