//! The scripts the worker serves from the shop's own origin, for pages whose Content Security
//! Policy refuses inline scripts ([`super::csp`]): the beacon, and QA mode's start of the
//! validator. The build writes them into the worker's static assets (with a `_headers` file for
//! their caching), which Cloudflare serves before the worker and does not bill
//! (developers.cloudflare.com/workers/static-assets, "Billing": requests to static assets are
//! free); the worker answers the same paths itself when a deploy lacks them.

use super::beacon::{beacon_asset, beacon_asset_path, nonce_attribute};
use super::csp::ScriptDelivery;

/// One script served from the shop's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptAsset {
    /// Its path, under the worker's prefix.
    pub path: &'static str,
    /// The script.
    pub body: &'static str,
    /// Its `Cache-Control`.
    pub cache_control: &'static str,
}

/// Where QA mode's start of the validator is served.
pub const QA_START_PATH: &str = "/__sfcc-clerk/qa/start.js";

/// The module that loads and starts the validator (served from the worker's static assets at
/// `/__sfcc-clerk/qa/`), with the site's rules when the page defines `window.sfccClerkQaRules`.
const QA_START: &str = r#"import init, { start } from "/__sfcc-clerk/qa/sfcc_clerk_validator.js"; init().then(() => start(window.sfccClerkQaRules));"#;

/// A file named by a hash of its text never changes: a browser may keep it for a year.
const FOR_GOOD: &str = "public, max-age=31536000, immutable";
/// A file of a fixed name is asked again each time (an answer of `304` when unchanged).
const REVALIDATE: &str = "public, max-age=0, must-revalidate";

/// Every script the worker serves from the shop's origin.
pub fn script_assets() -> [ScriptAsset; 2] {
    [
        ScriptAsset {
            path: beacon_asset_path(),
            body: beacon_asset(),
            cache_control: FOR_GOOD,
        },
        ScriptAsset {
            path: QA_START_PATH,
            body: QA_START,
            cache_control: REVALIDATE,
        },
    ]
}

/// The script served at `path`, if it is one of the worker's.
pub fn script_asset(path: &str) -> Option<ScriptAsset> {
    script_assets().into_iter().find(|a| a.path == path)
}

/// The static assets' `_headers` file: the caching and content type of each script
/// (developers.cloudflare.com/workers/static-assets/headers).
pub fn assets_headers_file() -> String {
    script_assets()
        .iter()
        .map(|a| {
            format!(
                "{}\n  Cache-Control: {}\n  X-Content-Type-Options: nosniff\n",
                a.path, a.cache_control
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The markup that loads the validator on a QA browser's page (a module script: it runs after
/// the page's own head scripts have filled `dataLayer`), the way the page's policy allows.
pub fn qa_loader(how: &ScriptDelivery) -> Option<String> {
    match how {
        ScriptDelivery::Inline { nonce } => Some(format!(
            "<script type=\"module\" data-sfcc-clerk-qa{}>{QA_START}</script>",
            nonce_attribute(nonce.as_deref())
        )),
        ScriptDelivery::External { nonce } => Some(format!(
            "<script type=\"module\" src=\"{QA_START_PATH}\" data-sfcc-clerk-qa{}></script>",
            nonce_attribute(nonce.as_deref())
        )),
        ScriptDelivery::Blocked { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_script_is_found_by_its_path_and_the_beacons_is_kept_for_good() {
        let beacon = script_asset(beacon_asset_path()).expect("the beacon is served");
        assert_eq!(beacon.body, beacon_asset());
        assert_eq!(beacon.cache_control, FOR_GOOD);
        assert_eq!(
            script_asset(QA_START_PATH).map(|a| a.cache_control),
            Some(REVALIDATE)
        );
        assert_eq!(
            script_asset("/__sfcc-clerk/beacon-0000000000000000.js"),
            None
        );
        let headers = assets_headers_file();
        assert!(headers.starts_with(&format!(
            "{}\n  Cache-Control: public, max-age=31536000, immutable\n",
            beacon_asset_path()
        )));
        assert!(headers.contains("/__sfcc-clerk/qa/start.js\n  Cache-Control: public, max-age=0"));
    }

    #[test]
    fn the_qa_loader_runs_the_way_the_page_allows() {
        assert_eq!(
            qa_loader(&ScriptDelivery::Inline { nonce: None }).as_deref(),
            Some(
                format!("<script type=\"module\" data-sfcc-clerk-qa>{QA_START}</script>").as_str()
            )
        );
        assert_eq!(
            qa_loader(&ScriptDelivery::External {
                nonce: Some("abc".into())
            })
            .as_deref(),
            Some("<script type=\"module\" src=\"/__sfcc-clerk/qa/start.js\" data-sfcc-clerk-qa nonce=\"abc\"></script>")
        );
        assert_eq!(
            qa_loader(&ScriptDelivery::Blocked {
                reason: String::new()
            }),
            None
        );
    }
}
