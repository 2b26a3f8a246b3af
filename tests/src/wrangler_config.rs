//! `wrangler.toml` read as blocks, for the stacks that run the worker's configuration changed: the
//! e2e stack (no build step, perhaps no events consumer) and the bench's pass-through with the
//! worker's bindings.

/// The file's blocks in order: first the lines before any header (the top-level keys), then each
/// `[table]` or `[[array]]` header line with the lines under it.
pub fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().starts_with('[') {
            blocks.push(Vec::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push(line);
        }
    }
    blocks
}

/// A block's header, trimmed (`[build]`, `[[queues.consumers]]`); `None` for the top-level block.
pub fn header<'a>(block: &[&'a str]) -> Option<&'a str> {
    block
        .first()
        .map(|l| l.trim())
        .filter(|l| l.starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_keys_come_first_then_each_header_with_its_lines() {
        let text = "name = \"w\"\nmain = \"x.js\"\n\n[build]\ncommand = \"sh\"\n  [[queues.consumers]]\nqueue = \"q\"\n";
        let b = blocks(text);
        assert_eq!(
            b,
            [
                vec!["name = \"w\"", "main = \"x.js\"", ""],
                vec!["[build]", "command = \"sh\""],
                vec!["  [[queues.consumers]]", "queue = \"q\""],
            ]
        );
        let headers: Vec<Option<&str>> = b.iter().map(|b| header(b)).collect();
        assert_eq!(
            headers,
            [None, Some("[build]"), Some("[[queues.consumers]]")]
        );
        assert_eq!(blocks("[a]\nk = 1"), [vec![], vec!["[a]", "k = 1"]]);
    }
}
