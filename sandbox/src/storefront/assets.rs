//! Static assets under `/on/demandware.static/Sites-{SiteID}-Site/-/default/v{N}/`.

use super::error::ShopError;
use super::site::Site;
use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

const CSS: &str = "body{font-family:sans-serif;margin:0}header{display:flex;gap:1em;padding:1em}\
.product-grid{display:flex;flex-wrap:wrap;gap:1em}.tracking-consent{position:fixed;bottom:0;background:#eee;padding:1em}\n";

const JS: &str = r#"document.addEventListener('click', function (e) {
  var banner = e.target.closest('.tracking-consent');
  if (!banner || !e.target.matches('button')) return;
  var url = e.target.classList.contains('affirm') ? banner.dataset.accept : banner.dataset.reject;
  fetch(url, {credentials: 'same-origin'}).then(function () { banner.remove(); });
});
"#;

/// A 1×1 transparent PNG.
const PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Serves `css/global.css`, `js/main.js` and `images/logo.png` for either site and any `v*` version.
pub async fn serve(Path((site, version, file)): Path<(String, String, String)>) -> Response {
    let known = Site::from_segment(&site).is_some() && version.starts_with('v');
    let asset: Option<(&str, &[u8])> = match file.as_str() {
        "css/global.css" => Some(("text/css; charset=utf-8", CSS.as_bytes())),
        "js/main.js" => Some(("text/javascript; charset=utf-8", JS.as_bytes())),
        "images/logo.png" => Some(("image/png", &PNG)),
        _ => None,
    };
    match asset.filter(|_| known) {
        Some((content_type, bytes)) => ([(CONTENT_TYPE, content_type)], bytes).into_response(),
        None => ShopError::NotFound(format!("no static file {file}")).into_response(),
    }
}
