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
    let decoded = [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text, |acc, (entity, ch)| acc.replace(entity, ch));
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
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
}
