//! `application/x-www-form-urlencoded` bodies and query strings.

use std::collections::HashMap;

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b'+', None) => out.push(b' '),
            (b, None) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` percent-encoded for a query string (unreserved characters kept, a space as `+`).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The name/value pairs, percent-decoded; a repeated name keeps its first value.
pub fn parse(text: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        map.entry(decode(k)).or_insert_with(|| decode(v));
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms() {
        let f =
            parse("loginEmail=alice.shopper%40example.com&loginPassword=a+b%2Bc&x=%zz&pid=1&pid=2");
        assert_eq!(
            f.get("loginEmail").map(String::as_str),
            Some("alice.shopper@example.com")
        );
        assert_eq!(f.get("loginPassword").map(String::as_str), Some("a b+c"));
        assert_eq!(f.get("x").map(String::as_str), Some("%zz"));
        assert_eq!(f.get("pid").map(String::as_str), Some("1"));
        assert_eq!(parse("q=%E2%82%AC").get("q").map(String::as_str), Some("€"));
        assert_eq!(parse("q=50%").get("q").map(String::as_str), Some("50%"));
        assert_eq!(encode("red dress&x=€"), "red+dress%26x%3D%E2%82%AC");
        assert_eq!(
            parse(&format!("q={}", encode("a b&c")))
                .get("q")
                .map(String::as_str),
            Some("a b&c")
        );
    }
}
