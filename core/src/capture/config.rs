//! The `[capture]` section of the configuration file: which requests are shopper actions and
//! where the order confirmation page shows the order. Without it, SFRA's routes and markup apply.

use super::{sfra_rules, CaptureRule, OrderMarkup, RuleKind};
use serde::{Deserialize, Serialize};

/// How the worker recognizes shopper actions in the storefront traffic it proxies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptureConfig {
    /// Request rules (SFRA's by default; a PWA Kit or custom storefront lists its own).
    pub rules: Vec<CaptureRule>,
    /// The order confirmation page.
    pub order: OrderMarkup,
    /// Whether PWA Kit's Einstein activities (`{einstein_path}/v3/activities/{site}/{activity}`)
    /// passing through the worker are read as shopper actions: a PWA Kit storefront's setting,
    /// off by default (an SFRA shop has no such path, and anyone could post to it).
    pub einstein: bool,
    /// The path PWA Kit's app sends Einstein activities through (its `einsteinAPI.host`):
    /// `/mobify/proxy/einstein` by default.
    pub einstein_path: String,
    /// Whether a headless storefront's SCAPI traffic through the worker is read: orders placed
    /// through Shopper Orders (`POST …/shopper-orders/…/orders`, a sale from the answer), and
    /// shoppers' SLAS logins and logouts under `api_path` (see [`super::slas`]). On by default:
    /// only a headless storefront's (PWA Kit's) reach the worker.
    pub scapi_orders: bool,
    /// The path PWA Kit's app sends SCAPI calls through (its `app.commerceAPI.proxyPath`):
    /// `/mobify/proxy/api` by default. SLAS calls are read only right under it (or under
    /// `/mobify/slas/private`, a private SLAS client's).
    pub api_path: String,
    /// The shop's hosts and aliases, and the site (and locale) each serves: how a request on an
    /// SEO URL without `/s/{site}/` finds its store.
    pub hosts: Vec<super::HostRule>,
    /// Whether shoppers' searches go to Clerk (`search/search` with the visitor, one result,
    /// label `SFCC search`): on by default, for a shop searching with SFCC. A shop whose search
    /// already calls Clerk (clerk.js) turns it off, or each search counts twice.
    pub clerk_searches: bool,
}

impl Default for CaptureConfig {
    fn default() -> Self {
        Self {
            rules: sfra_rules(),
            order: OrderMarkup::default(),
            einstein: false,
            einstein_path: super::EINSTEIN_PROXY_PATH.into(),
            scapi_orders: true,
            api_path: super::slas::API_PROXY_PATH.into(),
            hosts: Vec::new(),
            clerk_searches: true,
        }
    }
}

impl CaptureConfig {
    /// Checks what a parser cannot: every rule names an action and a parameter, uses GET or
    /// POST, and only add-to-cart rules name a quantity parameter.
    pub fn check(&self) -> Result<(), String> {
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |what: &str| format!("capture rule {i} ({}): {what}", rule.action);
            if rule.action.trim().is_empty() || rule.action.contains('/') {
                return Err(at("`action` must be one path segment"));
            }
            if rule.param.trim().is_empty() {
                return Err(at("`param` is required"));
            }
            if rule.method != "GET" && rule.method != "POST" {
                return Err(at("`method` must be GET or POST"));
            }
            if rule.quantity_param.is_some() && rule.kind != RuleKind::AddToCart {
                return Err(at("only add_to_cart rules take `quantity_param`"));
            }
        }
        for (name, path) in [
            ("einstein_path", &self.einstein_path),
            ("api_path", &self.api_path),
        ] {
            if !path.starts_with('/') || path.contains(['?', '#']) {
                return Err(format!(
                    "capture.{name}: {path:?} must be a path starting with /"
                ));
            }
        }
        for (i, h) in self.hosts.iter().enumerate() {
            let host_ok = !h.host.is_empty()
                && h.host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
            if !host_ok || h.site_id.trim().is_empty() {
                return Err(format!(
                    "capture.hosts[{i}]: `host` must be a host name without port or path, and                      `site_id` is required"
                ));
            }
        }
        let order = &self.order;
        if !order.action.is_empty()
            && [
                &order.number,
                &order.line,
                &order.line_product,
                &order.line_price,
            ]
            .iter()
            .any(|v| v.trim().is_empty())
        {
            return Err(
                "capture.order: `number`, `line`, `line_product` and `line_price` are required (or set `action = \"\"` to read no orders)"
                    .into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sfra_is_the_default_and_passes_its_own_check() {
        let c = CaptureConfig::default();
        assert_eq!(c.rules, sfra_rules());
        assert_eq!(c.order.action, "Order-Confirm");
        assert_eq!(c.check(), Ok(()));
    }

    #[test]
    fn a_bad_rule_or_order_markup_is_named() {
        let mut c = CaptureConfig::default();
        c.rules[0].method = "PUT".into();
        assert!(c
            .check()
            .unwrap_err()
            .contains("capture rule 0 (Product-Show)"));
        let mut c = CaptureConfig::default();
        c.rules[1].quantity_param = Some("qty".into());
        assert!(c.check().unwrap_err().contains("quantity_param"));
        let mut c = CaptureConfig::default();
        c.order.line_price = " ".into();
        assert!(c.check().unwrap_err().contains("capture.order"));
        c.order.action = String::new();
        assert_eq!(c.check(), Ok(()), "no order page: nothing to read");
    }
}
