/// Removes HTML tags, decodes the common entities and folds white space, for plain-text fields.
pub fn strip_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// HTML's Latin-1 entities, `&nbsp;` (U+00A0) to `&yuml;` (U+00FF), in code point order.
const LATIN_1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// The other named entities merchandisers' product copy uses: markup's own, and HTML's
/// typographic and currency ones (the names and code points of the HTML standard's table).
const OTHER: [(&str, char); 39] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("OElig", '\u{152}'),
    ("oelig", '\u{153}'),
    ("Scaron", '\u{160}'),
    ("scaron", '\u{161}'),
    ("Yuml", '\u{178}'),
    ("fnof", '\u{192}'),
    ("circ", '\u{2C6}'),
    ("tilde", '\u{2DC}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("lsquo", '\u{2018}'),
    ("rsquo", '\u{2019}'),
    ("sbquo", '\u{201A}'),
    ("ldquo", '\u{201C}'),
    ("rdquo", '\u{201D}'),
    ("bdquo", '\u{201E}'),
    ("dagger", '\u{2020}'),
    ("Dagger", '\u{2021}'),
    ("bull", '\u{2022}'),
    ("hellip", '\u{2026}'),
    ("permil", '\u{2030}'),
    ("prime", '\u{2032}'),
    ("Prime", '\u{2033}'),
    ("lsaquo", '\u{2039}'),
    ("rsaquo", '\u{203A}'),
    ("euro", '\u{20AC}'),
    ("trade", '\u{2122}'),
    ("minus", '\u{2212}'),
    ("larr", '\u{2190}'),
    ("rarr", '\u{2192}'),
    ("hearts", '\u{2665}'),
];

/// The character a character reference's name or number (between `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        // A reference to no character (0, a surrogate, past U+10FFFF) is the replacement one.
        return Some(
            char::from_u32(code)
                .filter(|c| *c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    if name == "nbsp" {
        return Some(' ');
    }
    if let Some(i) = LATIN_1.iter().position(|n| *n == name) {
        return char::from_u32(0xA0 + i as u32);
    }
    OTHER.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// Decodes character references in one pass (`&amp;lt;` is `&lt;`, not `<`). A name it does
/// not know, or an `&` that starts none, stays as written.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after
            .find(';')
            .filter(|end| *end <= 32)
            .and_then(|end| entity(&after[..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_entities() {
        assert_eq!(
            strip_html("<p>Soft&nbsp;<b>cotton</b></p>\n<ul><li>Fish &amp; chips &lt;3</li></ul>"),
            "Soft cotton Fish & chips <3"
        );
        assert_eq!(strip_html("plain"), "plain");
        assert_eq!(strip_html("a<br>b"), "a b");
    }

    #[test]
    fn every_entity_merchandisers_write_is_decoded_once() {
        assert_eq!(
            strip_html("Men&rsquo;s caf&eacute; &ndash; 100&#37; cotton &#x2014; &euro;5 &hellip;"),
            "Men\u{2019}s café \u{2013} 100% cotton \u{2014} €5 \u{2026}"
        );
        assert_eq!(decode_entities("&Auml;&ouml;&szlig;&yuml;&iexcl;"), "Äößÿ¡");
        assert_eq!(
            decode_entities("&amp;lt;b&amp;gt;"),
            "&lt;b&gt;",
            "one pass"
        );
        assert_eq!(
            decode_entities("R&D &unknown; a & b &#0; &#xD800; &#99999999;"),
            "R&D &unknown; a & b \u{FFFD} \u{FFFD} \u{FFFD}"
        );
        assert_eq!(decode_entities("&"), "&");
        assert_eq!(decode_entities("&#;&#x;"), "&#;&#x;");
        // The Latin-1 table is in code point order: spot checks across it.
        for (name, c) in [
            ("copy", '©'),
            ("frac34", '¾'),
            ("Agrave", 'À'),
            ("times", '×'),
            ("divide", '÷'),
        ] {
            assert_eq!(entity(name), Some(c), "{name}");
        }
    }
}
