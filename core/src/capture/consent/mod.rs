//! Tracking consent: what the shopper said, and what may be forwarded because of it.
//!
//! Every signal the shop's set-up gives is read, each as an answer (yes or no) or none; a no from
//! any of them wins, then a yes from any; without either the shopper has not answered yet:
//! - the browser's `Sec-GPC: 1` (Global Privacy Control) and a plain `dnt=1` cookie: always a no;
//! - SFCC: the answer the worker saw given to SFRA's tracking banner ([`sfcc::ANSWER_COOKIE`]),
//!   and `dw_dnt` where it differs from the site's default ([`TrackingDefault`]);
//! - the consent tools shops use: OneTrust ([`onetrust`]), Cookiebot ([`cookiebot`]), an IAB TCF
//!   v2 string ([`tcf`]), Google Consent Mode as the page's `dataLayer` shows it (the beacon
//!   reports it), and any other tool's cookie as `name=value` (a yes only).
//!
//! The decision comes with the signal that made it ([`ConsentReading::by`]), for the QA tools.

pub mod cookiebot;
pub mod onetrust;
pub mod sfcc;
pub mod tcf;

use serde::{Deserialize, Serialize};
pub use sfcc::TrackingDefault;

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

/// The shop's consent set-up: the configuration file's `[consent]` section, with `mode` and
/// `cookie` from the worker's `CONSENT_MODE` and `CONSENT_COOKIE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsentConfig {
    /// Strict or anonymous.
    pub mode: ConsentMode,
    /// Another consent tool's cookie that grants consent, as `name=value` (`value` `*` for any
    /// value).
    pub cookie: Option<String>,
    /// What `dw_dnt` says on the storefront (a store may set its own).
    pub dw_dnt: TrackingDefault,
    /// The OneTrust groups that must be allowed (`C0004`, OneTrust's targeting category, by
    /// default); empty, OneTrust is not read.
    pub onetrust_groups: Vec<String>,
    /// The Cookiebot categories that must be allowed (`marketing` by default); empty, Cookiebot
    /// is not read.
    pub cookiebot_categories: Vec<String>,
    /// The cookie holding an IAB TCF v2 string (`euconsent-v2`); empty, TCF is not read.
    pub tcf_cookie: String,
    /// The TCF purposes that must have consent (1, 5 and 6 by default).
    pub tcf_purposes: Vec<u8>,
    /// The Google Consent Mode type whose `update` is the answer (`personalization_storage`:
    /// "storage related to personalization such as video recommendations"); empty, not read.
    pub consent_mode_type: String,
    /// Whether consent a tool implies without asking counts as a yes: OneTrust's defaults before
    /// the shopper touches the banner (`interactionCount=0`), Cookiebot's `-1` for regions that
    /// need no consent, a Consent Mode `default`. Off by default.
    pub implied: bool,
}

impl Default for ConsentConfig {
    fn default() -> Self {
        Self {
            mode: ConsentMode::Strict,
            cookie: None,
            dw_dnt: TrackingDefault::Disabled,
            onetrust_groups: vec!["C0004".into()],
            cookiebot_categories: vec!["marketing".into()],
            tcf_cookie: tcf::DEFAULT_COOKIE.into(),
            tcf_purposes: tcf::DEFAULT_PURPOSES.to_vec(),
            consent_mode_type: "personalization_storage".into(),
            implied: false,
        }
    }
}

impl ConsentConfig {
    /// Checks what a parser cannot: TCF purposes are 1 to 24, names are not blank, and a
    /// banner-closed cookie is not taken for consent.
    pub fn check(&self) -> Result<(), String> {
        if let Some(p) = self.tcf_purposes.iter().find(|p| !(1..=24).contains(*p)) {
            return Err(format!("consent: TCF purpose {p} is not from 1 to 24"));
        }
        let blank = |list: &[String]| list.iter().any(|s| s.trim().is_empty());
        if blank(&self.onetrust_groups) || blank(&self.cookiebot_categories) {
            return Err("consent: a OneTrust group or Cookiebot category is blank".into());
        }
        if let Some(c) = &self.cookie {
            check_shop_cookie(c)?;
        }
        Ok(())
    }
}

/// Checks a shop cookie setting (`name=value`): a banner-closed cookie records no choice.
pub fn check_shop_cookie(setting: &str) -> Result<(), String> {
    let Some((name, value)) = setting.split_once('=') else {
        return Err(format!("{setting:?} is not name=value (value * for any)"));
    };
    if name.trim().is_empty() || value.is_empty() {
        return Err(format!("{setting:?} is not name=value (value * for any)"));
    }
    if name.trim() == "OptanonAlertBoxClosed" {
        return Err(
            "OptanonAlertBoxClosed only says the banner was closed (OneTrust writes it on \
             \"reject all\" too); OneTrust's choice is read from OptanonConsent, see \
             [consent] onetrust_groups"
                .into(),
        );
    }
    Ok(())
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

impl Consent {
    /// `granted`, `denied` or `unknown`, as the beacon and the QA tools name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Granted => "granted",
            Consent::Denied => "denied",
            Consent::Unknown => "unknown",
        }
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The browser's `Sec-GPC: 1`.
    GlobalPrivacyControl,
    /// A `dnt=1` cookie.
    DoNotTrack,
    /// The answer the worker saw given to SFRA's banner.
    Banner,
    /// SFCC's `dw_dnt`.
    DwDnt,
    /// OneTrust's `OptanonConsent`.
    OneTrust,
    /// Cookiebot's `CookieConsent`.
    Cookiebot,
    /// An IAB TCF v2 string.
    Tcf,
    /// Google Consent Mode, as the page's beacon reported it.
    ConsentMode,
    /// The shop's own consent cookie.
    ShopCookie,
}

impl Signal {
    /// Its name in QA receipts.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::GlobalPrivacyControl => "Sec-GPC",
            Signal::DoNotTrack => "dnt cookie",
            Signal::Banner => "SFRA tracking banner",
            Signal::DwDnt => "dw_dnt",
            Signal::OneTrust => "OneTrust",
            Signal::Cookiebot => "Cookiebot",
            Signal::Tcf => "IAB TCF",
            Signal::ConsentMode => "Google Consent Mode",
            Signal::ShopCookie => "shop consent cookie",
        }
    }
}

/// The consent decision and the signal that made it (`None` when nothing answered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentReading {
    /// What the shopper said.
    pub consent: Consent,
    /// The signal that decided.
    pub by: Option<Signal>,
}

/// What one request carries.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsentSignals<'a> {
    /// The `Cookie` header.
    pub cookies: &'a str,
    /// The `Sec-GPC` header.
    pub sec_gpc: Option<&'a str>,
    /// The page's Google Consent Mode state as its beacon reports it (`granted`, `denied`, or
    /// `default-granted` / `default-denied` for a `default` the shopper did not set).
    pub consent_mode: Option<&'a str>,
}

/// The shopper's consent from what the request carries, under the shop's set-up; `dw_dnt` as
/// the store says it (`tracking`, else the shop's).
pub fn read_consent(
    s: &ConsentSignals<'_>,
    config: &ConsentConfig,
    tracking: Option<TrackingDefault>,
) -> ConsentReading {
    let gpc = s
        .sec_gpc
        .is_some_and(|v| v.split(',').any(|x| x.trim() == "1"));
    let answers = [
        (Signal::GlobalPrivacyControl, gpc.then_some(false)),
        (
            Signal::DoNotTrack,
            cookie_values(s.cookies, "dnt")
                .any(|v| v == "1")
                .then_some(false),
        ),
        (Signal::Banner, sfcc::remembered_answer(s.cookies)),
        (
            Signal::DwDnt,
            sfcc::dw_dnt_answer(s.cookies, tracking.unwrap_or(config.dw_dnt)),
        ),
        (
            Signal::OneTrust,
            onetrust::answer(s.cookies, &config.onetrust_groups, config.implied),
        ),
        (
            Signal::Cookiebot,
            cookiebot::answer(s.cookies, &config.cookiebot_categories, config.implied),
        ),
        (
            Signal::Tcf,
            tcf::answer(s.cookies, &config.tcf_cookie, &config.tcf_purposes),
        ),
        (
            Signal::ConsentMode,
            consent_mode_answer(s.consent_mode, config),
        ),
        (Signal::ShopCookie, shop_cookie_answer(s.cookies, config)),
    ];
    let first = |yes: bool| {
        answers
            .iter()
            .find(|(_, a)| *a == Some(yes))
            .map(|(s, _)| *s)
    };
    match (first(false), first(true)) {
        (Some(by), _) => ConsentReading {
            consent: Consent::Denied,
            by: Some(by),
        },
        (None, Some(by)) => ConsentReading {
            consent: Consent::Granted,
            by: Some(by),
        },
        (None, None) => ConsentReading {
            consent: Consent::Unknown,
            by: None,
        },
    }
}

fn consent_mode_answer(state: Option<&str>, config: &ConsentConfig) -> Option<bool> {
    if config.consent_mode_type.is_empty() {
        return None;
    }
    match state? {
        "granted" => Some(true),
        "denied" => Some(false),
        "default-granted" if config.implied => Some(true),
        "default-denied" if config.implied => Some(false),
        _ => None,
    }
}

fn shop_cookie_answer(header: &str, config: &ConsentConfig) -> Option<bool> {
    let (name, value) = config.cookie.as_deref()?.split_once('=')?;
    cookie_values(header, name.trim())
        .any(|v| value == "*" || v == value)
        .then_some(true)
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

/// What consent allows in a mode.
pub fn forwarding(consent: Consent, mode: ConsentMode) -> Forwarding {
    match (consent, mode) {
        (Consent::Granted, _) => Forwarding::WithIdentity,
        (Consent::Unknown, _) => Forwarding::Hold,
        (Consent::Denied, ConsentMode::Strict) => Forwarding::Drop,
        (Consent::Denied, ConsentMode::Anonymous) => Forwarding::Anonymous,
    }
}

/// Every value the `Cookie` header gives cookie `name`: a header may name one cookie twice (a
/// sibling subdomain's cookie for the parent domain beside the host's own).
pub(crate) fn cookie_values<'a>(
    header: &'a str,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    header.split(';').filter_map(move |pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| v.trim())
    })
}

/// One tool's answer from its cookies' answers: a no in any wins.
fn one_answer(answers: &[bool]) -> Option<bool> {
    if answers.contains(&false) {
        Some(false)
    } else {
        answers.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(cookies: &str, gpc: Option<&str>, config: &ConsentConfig) -> ConsentReading {
        read_consent(
            &ConsentSignals {
                cookies,
                sec_gpc: gpc,
                consent_mode: None,
            },
            config,
            None,
        )
    }

    fn consent(cookies: &str, gpc: Option<&str>, config: &ConsentConfig) -> Consent {
        read(cookies, gpc, config).consent
    }

    const ONETRUST_YES: &str =
        "OptanonConsent=interactionCount=1&groups=C0001%3A1%2CC0002%3A1%2CC0004%3A1";
    const ONETRUST_NO: &str = "OptanonConsent=interactionCount=1&groups=C0001%3A1%2CC0004%3A0";

    #[test]
    fn on_a_site_that_does_not_track_by_default_dw_dnt_1_is_no_answer() {
        let c = ConsentConfig::default();
        assert_eq!(consent("dw_dnt=1", None, &c), Consent::Unknown);
        assert_eq!(
            read("dw_dnt=0", None, &c),
            ConsentReading {
                consent: Consent::Granted,
                by: Some(Signal::DwDnt)
            }
        );
        assert_eq!(consent("", None, &c), Consent::Unknown);
        // The banner's answer, remembered by the worker, is the answer whatever dw_dnt says.
        assert_eq!(
            read("dw_dnt=1; __Host-sfcc_clerk_consent=0", None, &c),
            ConsentReading {
                consent: Consent::Denied,
                by: Some(Signal::Banner)
            }
        );
        assert_eq!(
            consent("dw_dnt=1; __Host-sfcc_clerk_consent=1", None, &c),
            Consent::Granted
        );
        // On a site that tracks by default, a store says so.
        let tracked = read_consent(
            &ConsentSignals {
                cookies: "dw_dnt=0",
                ..Default::default()
            },
            &c,
            Some(TrackingDefault::Enabled),
        );
        assert_eq!(tracked.consent, Consent::Unknown);
    }

    #[test]
    fn a_no_from_any_signal_wins_and_gpc_and_dnt_always_say_no() {
        let c = ConsentConfig::default();
        assert_eq!(
            read("dw_dnt=0", Some("1"), &c).by,
            Some(Signal::GlobalPrivacyControl)
        );
        // Duplicated headers arrive joined.
        assert_eq!(consent("dw_dnt=0", Some("0, 1"), &c), Consent::Denied);
        assert_eq!(consent("dw_dnt=0", Some("0"), &c), Consent::Granted);
        assert_eq!(consent("dnt=1; dw_dnt=0", None, &c), Consent::Denied);
        assert_eq!(
            read(&format!("dw_dnt=0; {ONETRUST_NO}"), None, &c),
            ConsentReading {
                consent: Consent::Denied,
                by: Some(Signal::OneTrust)
            }
        );
        assert_eq!(
            read(&format!("dw_dnt=1; {ONETRUST_YES}"), None, &c).by,
            Some(Signal::OneTrust)
        );
        assert_eq!(
            consent(&format!("{ONETRUST_YES}; CookieConsent=0"), None, &c),
            Consent::Denied
        );
    }

    #[test]
    fn each_tool_can_be_left_unread() {
        let off = ConsentConfig {
            onetrust_groups: Vec::new(),
            cookiebot_categories: Vec::new(),
            tcf_cookie: String::new(),
            consent_mode_type: String::new(),
            dw_dnt: TrackingDefault::Ignore,
            ..ConsentConfig::default()
        };
        assert_eq!(
            consent(
                &format!("dw_dnt=0; {ONETRUST_NO}; CookieConsent=0"),
                None,
                &off
            ),
            Consent::Unknown
        );
        let gcm = |state, config: &ConsentConfig| {
            read_consent(
                &ConsentSignals {
                    consent_mode: Some(state),
                    ..Default::default()
                },
                config,
                None,
            )
            .consent
        };
        assert_eq!(gcm("granted", &off), Consent::Unknown);
        let c = ConsentConfig::default();
        assert_eq!(gcm("granted", &c), Consent::Granted);
        assert_eq!(gcm("denied", &c), Consent::Denied);
        assert_eq!(gcm("default-granted", &c), Consent::Unknown);
        let implied = ConsentConfig { implied: true, ..c };
        assert_eq!(gcm("default-granted", &implied), Consent::Granted);
        assert_eq!(gcm("yes", &implied), Consent::Unknown);
    }

    #[test]
    fn the_shop_cookie_grants_and_a_banner_closed_cookie_is_refused_as_a_setting() {
        let exact = ConsentConfig {
            cookie: Some("cmp=yes".into()),
            ..ConsentConfig::default()
        };
        assert_eq!(consent("cmp=no", None, &exact), Consent::Unknown);
        assert_eq!(
            read("cmp=no; cmp=yes", None, &exact).by,
            Some(Signal::ShopCookie)
        );
        let any = ConsentConfig {
            cookie: Some("cmp=*".into()),
            ..ConsentConfig::default()
        };
        assert_eq!(consent("cmp=1", None, &any), Consent::Granted);
        let err = check_shop_cookie("OptanonAlertBoxClosed=*").unwrap_err();
        assert!(err.contains("OptanonConsent"), "{err}");
        assert!(check_shop_cookie("cmp").is_err() && check_shop_cookie("=1").is_err());
        assert!(ConsentConfig::default().check().is_ok());
        let bad = ConsentConfig {
            tcf_purposes: vec![1, 25],
            ..ConsentConfig::default()
        };
        assert!(bad.check().unwrap_err().contains("25"));
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
