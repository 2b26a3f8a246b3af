//! The shopper's consent from a `Cookie` header anyone can write: SFCC's `dw_dnt`, the answer the
//! worker remembers, OneTrust's `OptanonConsent`, Cookiebot's `CookieConsent` and an IAB TCF
//! string. The input's first byte picks the `dw_dnt` setting and whether implied consent counts;
//! the rest is the header.
//!
//! Beyond "does not panic", what it reads must hold:
//! - `Sec-GPC: 1` is a no, whatever the cookies say;
//! - a no the worker remembered is a no, whatever else the header holds;
//! - a banner-closed cookie (`OptanonAlertBoxClosed`) changes nothing;
//! - a yes names the signal that gave it; no answer names none.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sfcc_clerk_core::capture::{
    read_consent, Consent, ConsentConfig, ConsentSignals, TrackingDefault,
};

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let header = String::from_utf8_lossy(rest);
    let config = ConsentConfig {
        dw_dnt: match first % 4 {
            0 => TrackingDefault::Disabled,
            1 => TrackingDefault::Enabled,
            2 => TrackingDefault::ShopperChoice,
            _ => TrackingDefault::Ignore,
        },
        implied: first & 4 != 0,
        ..ConsentConfig::default()
    };
    let read = |cookies: &str, gpc: Option<&str>| {
        read_consent(
            &ConsentSignals {
                cookies,
                sec_gpc: gpc,
                consent_mode: None,
            },
            &config,
            None,
        )
    };
    let plain = read(&header, None);
    assert_eq!(
        plain.by.is_some(),
        plain.consent != Consent::Unknown,
        "{header:?}: {plain:?}"
    );
    assert_eq!(
        read(&header, Some("1")).consent,
        Consent::Denied,
        "{header:?}"
    );
    let declined = format!("{header}; __Host-sfcc_clerk_consent=0");
    assert_eq!(read(&declined, None).consent, Consent::Denied, "{header:?}");
    let closed = format!("OptanonAlertBoxClosed=2024-07-15T07:20:51.814Z; {header}");
    assert_eq!(read(&closed, None), plain, "{header:?}");
});
