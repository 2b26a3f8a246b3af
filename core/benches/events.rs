//! Event normalization throughput, natively: `cargo bench -p sfcc-clerk-core --bench events` (or
//! `cargo xtask bench`). The body is `bench/events-batch.json`, the 50 events (GA4 pushes the
//! beacon forwards, native views and clicks, a few purchases) that `cargo xtask bench` also posts
//! to the worker and to its JS peer. Per call it does what the worker's ingest does between
//! reading the body and handing the queue its messages: normalize, then write each event's queue
//! message. Prints events/s, and `figure` lines for `cargo xtask bench`.

use sfcc_clerk_core::event::{normalize, IngestContext, Source};
use sfcc_clerk_core::identity::VisitorId;
use sfcc_clerk_core::retry::Envelope;
use std::hint::black_box;
use std::time::Instant;

const BODY: &str = include_str!("../../bench/events-batch.json");

fn call(i: u64, visitor: &VisitorId) -> usize {
    let request_id = format!("{i:032x}");
    let ctx = IngestContext {
        store: "refarch-us",
        currency: "USD",
        visitor: Some(visitor),
        customer: None,
        now_ms: 1_800_000_000_000,
        request_id: &request_id,
        source: Source::Client,
    };
    let events = normalize(BODY, &ctx).expect("the bench batch is valid");
    let messages: Vec<String> = events
        .into_iter()
        .map(|e| serde_json::to_string(&Envelope::first(e)).expect("an event serializes"))
        .collect();
    black_box(messages).len()
}

fn main() {
    let visitor =
        VisitorId::parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301").expect("a uuid v4 visitor id");
    let per_call = call(0, &visitor);
    assert_eq!(per_call, 50, "every event of the batch is forwarded");
    for i in 0..500 {
        call(i, &visitor);
    }
    let calls = 10_000u64;
    let t = Instant::now();
    let mut events = 0;
    for i in 0..calls {
        events += call(i, &visitor);
    }
    let s = t.elapsed().as_secs_f64();
    let per_s = events as f64 / s;
    println!(
        "event normalization benchmark: {calls} calls of {per_call} events ({} bytes each), one run",
        BODY.len()
    );
    println!(
        "  normalize + queue messages  {per_s:>10.0} events/s  ({:.2} µs/event)",
        s * 1e6 / events as f64
    );
    println!("figure\tevents_native_per_s\t{per_s:.0}\tevents/s");
    println!(
        "figure\tevents_native_us_per_event\t{:.3}\tµs/event",
        s * 1e6 / events as f64
    );
}
