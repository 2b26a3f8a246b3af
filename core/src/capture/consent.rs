//! Tracking consent: what the shopper said, and what may be forwarded because of it.
//!
//! Signals, strongest first: the `Sec-GPC: 1` header (Global Privacy Control) and do-not-track
//! cookies (`dw_dnt=1`, set by SFRA's consent tracking and by PWA Kit's banner alike, or a plain
//! `dnt=1`) deny; the shop's consent-management cookie (configured name and value) or `dw_dnt=0`
//! grant. Without any, the shopper has not answered yet. (PWA Kit's banner writes `dw_dnt=0`
//! when the shopper closes it without choosing, unless the app's `defaultDnt` is set.)

use serde::{Deserialize, Serialize};

/// What forwarding does without consent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMode {
    /// No consent, nothing forwarded.
    #[default]
    Strict,
    /// No consent, forwarded without any identifier that persists.
    Anonymous,
}

/// The shop's consent set-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentConfig {
    /// Strict or anonymous.
    #[serde(default)]
    pub mode: ConsentMode,
    /// The CMP's cookie that grants consent, as `name=value` (`value` `*` for any value).
    #[serde(default)]
    pub cookie: Option<String>,
}

/// What the shopper said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Tracking allowed.
    Granted,
    /// Tracking declined (or Global Privacy Control).
    Denied,
    /// Not answered yet.
    Unknown,
}

/// What may be forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forwarding {
    /// Forward with the visitor id (and customer id / email when known).
    WithIdentity,
    /// Forward without any identifier that persists.
    Anonymous,
    /// Keep until the shopper answers (never persisted).
    Hold,
    /// Forward nothing.
    Drop,
}

/// Every value the `Cookie` header gives cookie `name`: a header may name one cookie twice (a
/// sibling subdomain's cookie for the parent domain beside the host's own).
fn cookies<'a>(header: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    header.split(';').filter_map(move |pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| v.trim())
    })
}

/// The shopper's consent from the `Cookie` and `Sec-GPC` request headers. When a cookie is named
/// twice, a denial in any of its values wins: a cookie another host set can never grant what the
/// shop's own refuses.
pub fn consent_from(header: &str, sec_gpc: Option<&str>, config: &ConsentConfig) -> Consent {
    let has = |name: &str, value: &str| cookies(header, name).any(|v| v == value);
    if sec_gpc.map(str::trim) == Some("1") || has("dw_dnt", "1") || has("dnt", "1") {
        return Consent::Denied;
    }
    let cmp_grants = config
        .cookie
        .as_deref()
        .and_then(|c| c.split_once('='))
        .is_some_and(|(name, value)| cookies(header, name).any(|v| value == "*" || v == value));
    if cmp_grants || has("dw_dnt", "0") {
        return Consent::Granted;
    }
    Consent::Unknown
}

/// What consent allows in a mode.
pub fn forwarding(consent: Consent, mode: ConsentMode) -> Forwarding {
    match (consent, mode) {
        (Consent::Granted, _) => Forwarding::WithIdentity,
        (Consent::Unknown, _) => Forwarding::Hold,
        (Consent::Denied, ConsentMode::Strict) => Forwarding::Drop,
        (Consent::Denied, ConsentMode::Anonymous) => Forwarding::Anonymous,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp() -> ConsentConfig {
        ConsentConfig {
            mode: ConsentMode::Strict,
            cookie: Some("OptanonAlertBoxClosed=*".into()),
        }
    }

    #[test]
    fn sfcc_cookies_gpc_and_the_cmp_cookie_decide() {
        let c = ConsentConfig::default();
        assert_eq!(consent_from("dw_dnt=0", None, &c), Consent::Granted);
        assert_eq!(consent_from("a=b; dw_dnt=1", None, &c), Consent::Denied);
        assert_eq!(consent_from("dnt=1", None, &c), Consent::Denied);
        assert_eq!(consent_from("", None, &c), Consent::Unknown);
        // GPC beats a granted cookie.
        assert_eq!(consent_from("dw_dnt=0", Some("1"), &c), Consent::Denied);
        assert_eq!(
            consent_from("OptanonAlertBoxClosed=2026", None, &cmp()),
            Consent::Granted
        );
        let exact = ConsentConfig {
            cookie: Some("cmp=yes".into()),
            ..c
        };
        assert_eq!(consent_from("cmp=no", None, &exact), Consent::Unknown);
        assert_eq!(consent_from("cmp=yes", None, &exact), Consent::Granted);
        // A cookie whose name only ends like ours does not count.
        assert_eq!(consent_from("xdw_dnt=0", None, &c), Consent::Unknown);
        // Named twice (a sibling subdomain's cookie beside the host's): a denial wins.
        assert_eq!(
            consent_from("dw_dnt=0; dw_dnt=1", None, &c),
            Consent::Denied
        );
        assert_eq!(
            consent_from("dw_dnt=1; dw_dnt=0", None, &c),
            Consent::Denied
        );
        assert_eq!(
            consent_from("dnt=0; dnt=1; dw_dnt=0", None, &c),
            Consent::Denied
        );
        assert_eq!(
            consent_from("cmp=no; cmp=yes", None, &exact),
            Consent::Granted
        );
    }

    #[test]
    fn modes_decide_what_leaves() {
        use Consent::*;
        use ConsentMode::*;
        assert_eq!(forwarding(Granted, Strict), Forwarding::WithIdentity);
        assert_eq!(forwarding(Denied, Strict), Forwarding::Drop);
        assert_eq!(forwarding(Denied, Anonymous), Forwarding::Anonymous);
        assert_eq!(forwarding(Unknown, Strict), Forwarding::Hold);
        assert_eq!(forwarding(Unknown, Anonymous), Forwarding::Hold);
    }
}
