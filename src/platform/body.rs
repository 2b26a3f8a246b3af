//! Bodies read with a bound: a body is read chunk by chunk and given up as soon as it passes its
//! limit, so one large post or answer never sits whole in the isolate that serves shopper pages.

use futures_util::StreamExt;
use worker::ByteStream;

/// How much of a body past its bound is read and let go (never kept), so the connection is left
/// clean for the client's next request; a larger body is given up there.
const DRAINED_AT_MOST: usize = 1024 * 1024;

/// Reads `stream` to its end, or answers `None` once more than `max` bytes came: what was read is
/// dropped, and the rest is read chunk by chunk and let go, up to [`DRAINED_AT_MOST`] more.
pub async fn read_at_most(mut stream: ByteStream, max: usize) -> worker::Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if out.len() + chunk.len() > max {
            let mut drained = out.len() + chunk.len();
            drop(out);
            while drained <= max + DRAINED_AT_MOST {
                match stream.next().await {
                    Some(Ok(more)) => drained += more.len(),
                    _ => break,
                }
            }
            return Ok(None);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Some(out))
}

/// The text of a response (a copy the shopper's own answer does not wait for), or `None` when it
/// has no body, is not UTF-8, or is larger than `max` bytes.
pub async fn response_text_at_most(
    response: worker::web_sys::Response,
    max: usize,
) -> Option<String> {
    let mut response = worker::Response::from(response);
    let stream = response.stream().ok()?;
    let bytes = read_at_most(stream, max).await.ok()??;
    String::from_utf8(bytes).ok()
}

/// The declared `Content-Length` when it is at most `max`: a body the worker may read whole.
pub fn declared_at_most(headers: &worker::Headers, max: usize) -> bool {
    headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.trim().parse::<usize>().ok())
        .is_some_and(|l| l <= max)
}
