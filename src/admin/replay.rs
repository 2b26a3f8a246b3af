//! Replaying a dead letter: its message goes back on its queue as a first attempt, once.

use crate::context::Ctx;
use crate::platform::now_ms;
use crate::platform::queues::names;
use serde::Deserialize;
use serde_json::{json, Value};
use sfcc_clerk_core::retry::{check_replay, ReplayCheck, CONFIRM_FIELD, CONFIRM_IN_DOUBT};
use wasm_bindgen::JsValue;

/// What a replay came to.
pub enum Replay {
    /// The message is back on `queue`.
    Done {
        /// The queue.
        queue: String,
    },
    /// No dead letter has that id.
    NotFound,
    /// It was replayed before.
    AlreadyReplayed,
    /// A sale in doubt, without the operator's word that Clerk lacks it.
    NeedsConfirmation,
    /// Its payload is not JSON (nothing could be enqueued), or its queue is unknown.
    Unplayable(String),
}

impl Replay {
    /// The HTTP status and message the admin API and the status page answer it with.
    pub fn answer(&self, id: u32) -> (u16, String) {
        match self {
            Replay::Done { queue } => (202, format!("dead letter {id} is back on {queue}")),
            Replay::NotFound => (404, format!("no dead letter {id}")),
            Replay::AlreadyReplayed => (409, format!("dead letter {id} was already replayed")),
            Replay::NeedsConfirmation => (
                409,
                format!(
                    "dead letter {id} is a sale in doubt: Clerk may have recorded it already. \
                     Check Clerk's orders first; if it lacks the sale, replay it with \
                     {CONFIRM_FIELD}={CONFIRM_IN_DOUBT} (the status page's checkbox, \
                     `sfcc-clerk replay --in-doubt-checked`)"
                ),
            ),
            Replay::Unplayable(why) => (422, why.clone()),
        }
    }
}

#[derive(Deserialize)]
struct DeadLetter {
    queue: String,
    payload: String,
    reason: String,
    replayed_at_ms: Option<f64>,
}

/// Puts a dead letter's payload back on its queue with a fresh attempt count. The dead letter is
/// claimed (marked replayed) before it is enqueued, so two replays at once enqueue it once; the
/// claim is released when enqueuing fails. A sale in doubt goes back only with `confirm`
/// ([`check_replay`]).
pub async fn replay(ctx: &Ctx, id: u32, confirm: Option<&str>) -> worker::Result<Replay> {
    let row: Option<DeadLetter> = ctx
        .db
        .prepare("SELECT queue, payload, reason, replayed_at_ms FROM dead_letters WHERE id = ?1")
        .bind(&[id.into()])?
        .first(None)
        .await?;
    let Some(row) = row else {
        return Ok(Replay::NotFound);
    };
    match check_replay(&row.reason, row.replayed_at_ms.is_some(), confirm) {
        ReplayCheck::Replayed => return Ok(Replay::AlreadyReplayed),
        ReplayCheck::Confirm => return Ok(Replay::NeedsConfirmation),
        ReplayCheck::Go => {}
    }
    let mut message: Value = match serde_json::from_str(&row.payload) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Replay::Unplayable(format!(
                "dead letter {id} holds no JSON message: {e}"
            )))
        }
    };
    // A fresh attempt count: the replay gets the whole retry budget again.
    if let Some(obj) = message
        .as_object_mut()
        .filter(|o| o.contains_key("payload"))
    {
        obj.insert("attempt".into(), json!(1));
    } else {
        message = json!({"attempt": 1, "payload": message});
    }
    let queue = match row.queue.as_str() {
        names::EVENTS => {
            // An in-doubt sale's claim goes: the operator replaying it has seen Clerk lacks it.
            if let Some(event_id) = message["payload"]["id"].as_str() {
                crate::events::release_claim(ctx, event_id).await?;
            }
            &ctx.events
        }
        names::CATALOG_JOBS => &ctx.catalog_jobs,
        other => {
            return Ok(Replay::Unplayable(format!(
                "dead letter {id} came from unknown queue {other}"
            )))
        }
    };
    let claimed = ctx
        .db
        .prepare(
            "UPDATE dead_letters SET replayed_at_ms = ?2 WHERE id = ?1 AND replayed_at_ms IS NULL",
        )
        .bind(&[id.into(), JsValue::from_f64(now_ms() as f64)])?
        .run()
        .await?;
    if claimed.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return Ok(Replay::AlreadyReplayed);
    }
    if let Err(e) = crate::platform::queues::enqueue(queue, &message, None).await {
        ctx.db
            .prepare("UPDATE dead_letters SET replayed_at_ms = NULL WHERE id = ?1")
            .bind(&[id.into()])?
            .run()
            .await?;
        return Err(e);
    }
    Ok(Replay::Done { queue: row.queue })
}
