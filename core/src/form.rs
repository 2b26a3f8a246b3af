//! URL and form decoding, one reading for every layer: query strings and form bodies the proxy
//! sees, cookie values the consent readers take apart, path segments of SEO URLs.

/// Percent-decoding (`%2C` → `,`), and `+` → space when `plus_is_space` (form encoding); an
/// invalid escape stays as it is, and bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' => match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pairs of an `application/x-www-form-urlencoded` text (a query string or a form body),
/// decoded, in order; a name without `=` has an empty value, empty pieces are skipped.
pub fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Owned pairs from borrowed ones, for tests that build a query by hand.
#[cfg(test)]
pub(crate) fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_form_decoding() {
        assert_eq!(percent_decode("a%2Cb+c%zz%4", false), "a,b+c%zz%4");
        assert_eq!(percent_decode("%C3%A9t%C3%A9+%FF", true), "été \u{FFFD}");
        let p = pairs("a=1+2&b=%3A&c&&pid=25518704M&pid=x");
        assert_eq!(
            p,
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), ":".into()),
                ("c".into(), String::new()),
                ("pid".into(), "25518704M".into()),
                ("pid".into(), "x".into()),
            ]
        );
    }
}
