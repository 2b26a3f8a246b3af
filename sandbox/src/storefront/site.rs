//! The SFRA sites the storefront serves, each in its locales, with currency and price books.

use serde::Serialize;

/// A storefront site as served in one of its locales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Site {
    /// `RefArch`: locale `en_US`, USD, the document's own price.
    RefArch,
    /// `RefArchGlobal`: locale `de_DE`, EUR from the `eur-m-*` price books.
    RefArchGlobal,
    /// `RefArchGlobal` in French: locale `fr_FR`, otherwise as in German (EUR, the same cart
    /// rules, its logins).
    RefArchGlobalFr,
}

/// An SFCC site, whatever the locale: what its prices, stock, shipping and tax depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SfccSite {
    RefArch,
    RefArchGlobal,
}

impl Site {
    /// Whether a new session may track (the site's Privacy preference): off, as on every site
    /// created since SFCC 18.3, so `dw_dnt=1` until the shopper accepts.
    pub fn tracks_by_default(self) -> bool {
        false
    }

    /// The SFCC site this locale is of.
    fn sfcc_site(self) -> SfccSite {
        match self {
            Site::RefArch => SfccSite::RefArch,
            Site::RefArchGlobal | Site::RefArchGlobalFr => SfccSite::RefArchGlobal,
        }
    }

    /// Every site and locale served.
    pub const ALL: [Site; 3] = [Site::RefArch, Site::RefArchGlobal, Site::RefArchGlobalFr];

    /// The site for a `Sites-{SiteID}-Site` path segment, in its first locale.
    pub fn from_segment(segment: &str) -> Option<Site> {
        let id = segment.strip_prefix("Sites-")?.strip_suffix("-Site")?;
        Site::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The site for a `Sites-{SiteID}-Site` path segment in an SFRA locale (`fr_FR`).
    pub fn from_segment_in(segment: &str, locale: &str) -> Option<Site> {
        let id = segment.strip_prefix("Sites-")?.strip_suffix("-Site")?;
        Site::ALL
            .into_iter()
            .find(|s| s.id() == id && s.locale() == locale)
    }

    /// The site id, e.g. `RefArch`.
    pub fn id(self) -> &'static str {
        match self.sfcc_site() {
            SfccSite::RefArch => "RefArch",
            SfccSite::RefArchGlobal => "RefArchGlobal",
        }
    }

    /// The locale served, SFRA style (`en_US`).
    pub fn locale(self) -> &'static str {
        match self {
            Site::RefArch => "en_US",
            Site::RefArchGlobal => "de_DE",
            Site::RefArchGlobalFr => "fr_FR",
        }
    }

    /// The `lang` of its pages.
    pub fn lang(self) -> &'static str {
        match self {
            Site::RefArch => "en",
            Site::RefArchGlobal => "de",
            Site::RefArchGlobalFr => "fr",
        }
    }

    /// ISO 4217 currency.
    pub fn currency(self) -> &'static str {
        match self.sfcc_site() {
            SfccSite::RefArch => "USD",
            SfccSite::RefArchGlobal => "EUR",
        }
    }

    /// Keys of localized values to try, best first.
    pub fn text_keys(self) -> &'static [&'static str] {
        match self {
            Site::RefArch => &["en-US", "default"],
            Site::RefArchGlobal => &["de-DE", "de", "default"],
            Site::RefArchGlobalFr => &["fr-FR", "fr", "default"],
        }
    }

    /// The sale and list price books in the site's currency.
    pub fn price_books(self) -> (&'static str, &'static str) {
        match self.sfcc_site() {
            SfccSite::RefArch => ("usd-m-sale-prices", "usd-m-list-prices"),
            SfccSite::RefArchGlobal => ("eur-m-sale-prices", "eur-m-list-prices"),
        }
    }

    /// The inventory list the site reads, when not the document's own `inventory`.
    pub fn inventory_list(self) -> Option<&'static str> {
        match self.sfcc_site() {
            SfccSite::RefArch => None,
            SfccSite::RefArchGlobal => Some("inventory_m_eu"),
        }
    }

    /// The pipeline URL of a controller action: `/on/demandware.store/Sites-{id}-Site/{locale}/{action}`.
    pub fn url(self, action: &str) -> String {
        format!(
            "/on/demandware.store/Sites-{}-Site/{}/{action}",
            self.id(),
            self.locale()
        )
    }

    /// The URL of a static asset, e.g. `css/global.css`.
    pub fn asset(self, file: &str) -> String {
        format!(
            "/on/demandware.static/Sites-{}-Site/-/default/v1/{file}",
            self.id()
        )
    }

    /// The name of the cookie that carries a logged-in customer.
    pub fn customer_cookie(self) -> String {
        format!("dwcustomer_{}", self.id())
    }

    /// An amount as shoppers read it: `$39.50` or `39,50 €`.
    pub fn money(self, amount: f64) -> String {
        match self.sfcc_site() {
            SfccSite::RefArch => format!("${amount:.2}"),
            SfccSite::RefArchGlobal => format!("{amount:.2} €").replace('.', ","),
        }
    }

    /// Flat shipping per order.
    pub fn shipping(self) -> f64 {
        match self.sfcc_site() {
            SfccSite::RefArch => 5.99,
            SfccSite::RefArchGlobal => 4.99,
        }
    }

    /// Tax on a merchandise total: US sales tax 8% on top; German VAT 19% included in the price.
    pub fn tax(self, merchandise: f64) -> f64 {
        match self.sfcc_site() {
            SfccSite::RefArch => round2(merchandise * 0.08),
            SfccSite::RefArchGlobal => round2(merchandise - merchandise / 1.19),
        }
    }

    /// What the shopper pays: merchandise, shipping, and tax unless prices include it.
    pub fn grand_total(self, merchandise: f64) -> f64 {
        match self.sfcc_site() {
            SfccSite::RefArch => round2(merchandise + self.tax(merchandise) + self.shipping()),
            SfccSite::RefArchGlobal => round2(merchandise + self.shipping()),
        }
    }
}

/// Rounds to cents.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_from_paths_and_their_money() {
        assert_eq!(
            Site::from_segment("Sites-RefArchGlobal-Site"),
            Some(Site::RefArchGlobal)
        );
        assert_eq!(Site::from_segment("Sites-Other-Site"), None);
        assert_eq!(
            Site::from_segment_in("Sites-RefArchGlobal-Site", "fr_FR"),
            Some(Site::RefArchGlobalFr)
        );
        assert_eq!(Site::from_segment_in("Sites-RefArch-Site", "fr_FR"), None);
        assert_eq!(Site::RefArchGlobalFr.money(36.0), "36,00 €");
        assert_eq!(Site::from_segment("RefArch"), None);
        assert_eq!(Site::RefArchGlobal.money(36.0), "36,00 €");
        assert_eq!(Site::RefArch.money(39.5), "$39.50");
        assert_eq!(
            Site::RefArch.url("Home-Show"),
            "/on/demandware.store/Sites-RefArch-Site/en_US/Home-Show"
        );
        assert_eq!(Site::RefArch.grand_total(100.0), 113.99);
        assert_eq!(Site::RefArchGlobal.tax(119.0), 19.0);
    }
}
