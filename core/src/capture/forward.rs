//! What of a shopper's request headers goes on to the storefront. A client may send any header,
//! so none that names who the client is reaches the origin from the client: `X-Forwarded-*`,
//! `Forwarded`, `True-Client-IP`, `X-Real-IP` and `CF-Connecting-IP` are dropped, as are the
//! hop-by-hop headers (RFC 9110 §7.6.1: `Connection` and those it names, `Keep-Alive`,
//! `Proxy-*`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`). The client's address, as the
//! platform read it from the connection, goes to the origin in the one header the shop named
//! in Business Manager (Merchant Tools › SEO › Customer CDN Settings › Client IP Header Name),
//! which SFCC then reads as the client's address.

/// Headers SFCC does not accept as its Client IP Header Name (Salesforce's eCDN and
/// Customer CDN documentation), and which the worker drops from every client request anyway.
pub const REFUSED_CLIENT_IP_HEADERS: [&str; 3] =
    ["cf-connecting-ip", "true-client-ip", "x-forwarded-for"];

/// Hop-by-hop headers: meaningful for one connection only (RFC 9110 §7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// Headers that claim to say who the client is.
const CLIENT_CLAIMS: [&str; 4] = [
    "forwarded",
    "true-client-ip",
    "x-real-ip",
    "cf-connecting-ip",
];

/// True for a header the origin must not get from the client: a claim about who the client is,
/// a hop-by-hop header, one the request's `Connection` header names, or the shop's own client IP
/// header (which only the worker sets).
fn dropped(name: &str, connection: &[String], client_ip_header: Option<&str>) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("x-forwarded-")
        || CLIENT_CLAIMS.contains(&n.as_str())
        || HOP_BY_HOP.contains(&n.as_str())
        || n == "transfer-encoding"
        || connection.contains(&n)
        || client_ip_header.is_some_and(|h| h.eq_ignore_ascii_case(&n))
}

/// The headers to send the origin for a client request with `incoming` headers: the client's
/// own minus what [`dropped`] names, plus `client_ip_header: client_ip` when both are known.
pub fn origin_headers(
    incoming: &[(String, String)],
    client_ip: Option<&str>,
    client_ip_header: Option<&str>,
) -> Vec<(String, String)> {
    let connection: Vec<String> = incoming
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<(String, String)> = incoming
        .iter()
        .filter(|(k, _)| !dropped(k, &connection, client_ip_header))
        .cloned()
        .collect();
    let ip = client_ip.map(str::trim).filter(|ip| !ip.is_empty());
    if let (Some(header), Some(ip)) = (client_ip_header, ip) {
        out.push((header.to_ascii_lowercase(), ip.to_string()));
    }
    out
}

/// Checks the name configured as the shop's client IP header: a header name SFCC accepts, and
/// none the worker drops from client requests for its own reasons.
pub fn check_client_ip_header(name: &str) -> Result<String, String> {
    let lower = name.trim().to_ascii_lowercase();
    let token = !lower.is_empty()
        && lower
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !token {
        return Err(format!("{name:?} is not an HTTP header name"));
    }
    if REFUSED_CLIENT_IP_HEADERS.contains(&lower.as_str()) {
        return Err(format!(
            "{lower} is refused by SFCC as a Client IP Header Name; name another header (e.g. \
             x-sfcc-client-ip) in Business Manager and here"
        ));
    }
    if dropped(&lower, &[], None) {
        return Err(format!(
            "{lower} claims to name the client or is hop-by-hop: pick another header name"
        ));
    }
    Ok(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn claims_about_the_client_and_hop_by_hop_headers_are_dropped() {
        let incoming = h(&[
            ("Cookie", "dwsid=1"),
            ("X-Forwarded-For", "6.6.6.6"),
            ("x-forwarded-host", "evil.example"),
            ("Forwarded", "for=6.6.6.6"),
            ("True-Client-IP", "6.6.6.6"),
            ("X-Real-IP", "6.6.6.6"),
            ("CF-Connecting-IP", "6.6.6.6"),
            ("x-sfcc-client-ip", "6.6.6.6"),
            ("Connection", "keep-alive, X-Secret"),
            ("X-Secret", "s"),
            ("Keep-Alive", "timeout=5"),
            ("Upgrade", "h2c"),
            ("TE", "trailers"),
            ("Accept", "text/html"),
        ]);
        let out = origin_headers(&incoming, Some("203.0.113.7"), Some("x-sfcc-client-ip"));
        assert_eq!(
            out,
            h(&[
                ("Cookie", "dwsid=1"),
                ("Accept", "text/html"),
                ("x-sfcc-client-ip", "203.0.113.7"),
            ])
        );
        let unconfigured = origin_headers(&incoming, Some("203.0.113.7"), None);
        assert!(
            unconfigured
                .iter()
                .any(|(k, v)| k == "x-sfcc-client-ip" && v == "6.6.6.6"),
            "without a configured header, a header of that name is the client's own"
        );
    }

    #[test]
    fn the_client_ip_header_is_one_sfcc_accepts() {
        assert_eq!(
            check_client_ip_header(" X-SFCC-Client-IP "),
            Ok("x-sfcc-client-ip".into())
        );
        for refused in ["cf-connecting-ip", "True-Client-IP", "x-forwarded-for"] {
            assert!(
                check_client_ip_header(refused)
                    .unwrap_err()
                    .contains("refused by SFCC"),
                "{refused}"
            );
        }
        assert!(check_client_ip_header("x-forwarded-host").is_err());
        assert!(check_client_ip_header("a b").is_err());
    }
}
