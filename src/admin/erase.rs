//! `POST /erase` (under the admin prefix): erases one shopper from the Clerk stores, as a shop
//! must on a data-subject request. The body names the shopper (`{"customer_no": …, "email": …}`,
//! kept out of URLs and logs); `?store=` limits it to one store. Each store gets the calls the
//! core plans ([`Erasure::calls`]), once each; the answer says per store and call whether Clerk
//! took it, and is 502 when one did not (repeat the erasure: every call is safe to repeat).

use crate::catalog::clerk;
use crate::context::Ctx;
use crate::platform::body::declared_at_most;
use serde_json::{json, Value};
use sfcc_clerk_core::clerk::Erasure;
use sfcc_clerk_core::retry::Decision;
use worker::{Request, Response, Result};

/// The largest erasure request read.
const MAX_ERASURE_BYTES: usize = 4 * 1024;

/// Erases the shopper `req` names from every store (or `store`).
pub async fn erase(mut req: Request, ctx: &Ctx, store: Option<&str>) -> Result<Response> {
    let answer = |code: u16, body: Value| Response::from_json(&body).map(|r| r.with_status(code));
    if !declared_at_most(req.headers(), MAX_ERASURE_BYTES) {
        return answer(
            413,
            json!({"error": format!("send a JSON body of at most {MAX_ERASURE_BYTES} bytes with its length")}),
        );
    }
    let erasure = match Erasure::parse(&req.text().await?) {
        Ok(e) => e,
        Err(e) => return answer(400, json!({"error": e.to_string()})),
    };
    let stores: Vec<_> = match store {
        Some(name) => match ctx.settings.store(name) {
            Some(s) => vec![s],
            None => return answer(404, json!({"error": format!("no store {name:?}")})),
        },
        None => ctx.settings.stores.iter().collect(),
    };
    let mut all_taken = true;
    let mut report = Vec::new();
    for store in stores {
        let calls = erasure.calls(&store.config.clerk_public_key, store.private_key.expose());
        let mut done = Vec::new();
        for call in &calls {
            let outcome = match clerk::erase(ctx, store, call).await {
                Decision::Delivered => json!({"call": call.what(), "taken": true}),
                Decision::Retry { reason, .. } | Decision::DeadLetter { reason } => {
                    all_taken = false;
                    json!({"call": call.what(), "taken": false, "error": reason})
                }
            };
            done.push(outcome);
        }
        report.push(json!({"store": store.config.name, "calls": done}));
    }
    let code = if all_taken { 200 } else { 502 };
    answer(code, json!({"erased": all_taken, "stores": report}))
}
