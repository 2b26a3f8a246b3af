//! First-party visitor ids and their Clerk form.
//!
//! The worker gives every browser a random uuid v4 in a first-party cookie. Clerk accepts visitor
//! ids of letters and digits only, at most 32 characters, so the uuid is sent without hyphens.

use std::fmt;

/// Name of the first-party cookie that holds the visitor id.
pub const VISITOR_COOKIE: &str = "sfcc_clerk_vid";

/// A first-party visitor id: a lowercase uuid v4.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VisitorId(String);

/// A string that is not a uuid v4.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a uuid v4 visitor id")]
pub struct InvalidVisitorId(pub String);

impl VisitorId {
    /// Parses a uuid v4 (any case) into a visitor id.
    pub fn parse(s: &str) -> Result<Self, InvalidVisitorId> {
        let lower = s.trim().to_ascii_lowercase();
        let b = lower.as_bytes();
        let hex_at = |i: usize| b[i].is_ascii_hexdigit();
        let well_formed = b.len() == 36
            && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
            && (0..36).filter(|i| ![8, 13, 18, 23].contains(i)).all(hex_at)
            && b[14] == b'4'
            && matches!(b[19], b'8' | b'9' | b'a' | b'b');
        if well_formed {
            Ok(Self(lower))
        } else {
            Err(InvalidVisitorId(s.to_string()))
        }
    }

    /// The id as kept in the cookie.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as Clerk accepts it: 32 lowercase hex characters.
    pub fn clerk_visitor(&self) -> String {
        self.0.replace('-', "")
    }
}

impl fmt::Display for VisitorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The visitor id in a `Cookie` header, if there is a valid one.
pub fn visitor_from_cookie_header(header: &str) -> Option<VisitorId> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == VISITOR_COOKIE)
        .and_then(|(_, value)| VisitorId::parse(value).ok())
}

/// The `Set-Cookie` value that stores a visitor id for a year, first-party and out of scripts' reach.
pub fn visitor_set_cookie(id: &VisitorId) -> String {
    format!("{VISITOR_COOKIE}={id}; Path=/; Max-Age=31536000; Secure; HttpOnly; SameSite=Lax")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3F2504E0-4F89-41D3-9A0C-0305E82C3301";

    #[test]
    fn clerk_form_is_32_alphanumerics() {
        let id = VisitorId::parse(ID).unwrap();
        let clerk = id.clerk_visitor();
        assert_eq!(clerk, "3f2504e04f8941d39a0c0305e82c3301");
        assert_eq!(clerk.len(), 32);
        assert!(clerk.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn rejects_non_v4_and_junk() {
        for bad in [
            "",
            "abc",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "3f2504e0-4f89-41d3-7a0c-0305e82c3301",
            "3f2504e0x4f89-41d3-9a0c-0305e82c3301",
        ] {
            assert_eq!(
                VisitorId::parse(bad),
                Err(InvalidVisitorId(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn reads_the_cookie_among_others() {
        let header = format!("dwsid=abc; {VISITOR_COOKIE}={}; x=1", ID.to_lowercase());
        assert_eq!(
            visitor_from_cookie_header(&header).unwrap().as_str(),
            ID.to_lowercase()
        );
        assert_eq!(visitor_from_cookie_header("sfcc_clerk_vid=nope"), None);
        assert_eq!(visitor_from_cookie_header(""), None);
    }

    #[test]
    fn cookie_is_secure_httponly_lax() {
        let c = visitor_set_cookie(&VisitorId::parse(ID).unwrap());
        assert!(c.contains("Secure") && c.contains("HttpOnly") && c.contains("SameSite=Lax"));
    }
}
