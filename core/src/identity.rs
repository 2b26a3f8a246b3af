//! First-party visitor ids and their Clerk form.
//!
//! The worker gives every browser a random uuid v4 in a first-party cookie. Clerk accepts visitor
//! ids of letters and digits only, at most 32 characters, so the uuid is sent without hyphens.

use std::fmt;

/// Name of the first-party cookie that holds the visitor id. The `__Host-` prefix makes browsers
/// take it only from the storefront's own host, with `Secure`, `Path=/` and no `Domain`: a sibling
/// subdomain cannot set (fix) a shopper's visitor id.
pub const VISITOR_COOKIE: &str = "__Host-sfcc_clerk_vid";

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

/// The visitor id in a `Cookie` header, if there is a valid one. Should the header name the
/// cookie twice (a browser sends the longest path first; a `__Host-` cookie has only `/`), the
/// first valid value is the one.
pub fn visitor_from_cookie_header(header: &str) -> Option<VisitorId> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == VISITOR_COOKIE)
        .find_map(|(_, value)| VisitorId::parse(value).ok())
}

/// The `Set-Cookie` value that stores a visitor id for a year, first-party and out of scripts' reach.
pub fn visitor_set_cookie(id: &VisitorId) -> String {
    format!("{VISITOR_COOKIE}={id}; Path=/; Max-Age=31536000; Secure; HttpOnly; SameSite=Lax")
}

/// The cookie that remembers which customer this browser's visitor id is linked to (a hash of
/// the email, never the email).
pub const LINK_COOKIE: &str = "__Host-sfcc_clerk_link";

/// The link value of an email: a hash of it, trimmed and lowercased.
pub fn link_of(email: &str) -> String {
    crate::hash::content_hash(email.trim().to_lowercase().as_bytes())
}

/// The link in a `Cookie` header, if any.
pub fn link_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LINK_COOKIE)
        .map(|(_, value)| value)
}

/// True when this browser's visitor is linked to another customer than `email`'s. A login by
/// that customer gets a fresh visitor id, and their sale is not given this visitor
/// ([`visitor_of_sale`]), so two customers never share a profile.
pub fn linked_to_another(current_link: Option<&str>, email: &str) -> bool {
    current_link.is_some_and(|link| link != link_of(email))
}

/// The visitor a sale names at Clerk: the browser's visitor, unless the sale's email is not the
/// customer that visitor is linked to (`browser_link`, the browser's link when the sale was
/// seen). On a shared browser — one shopper logged in, another checking out as a guest with
/// their own email — the sale then stands alone instead of joining the other shopper's history.
/// A browser linked to no one (an anonymous shopper checking out) keeps its visitor: the
/// shopper who browsed is taken to be the one who bought.
pub fn visitor_of_sale<'a>(
    visitor: Option<&'a str>,
    browser_link: Option<&str>,
    email: Option<&str>,
) -> Option<&'a str> {
    visitor.filter(|_| !email.is_some_and(|e| linked_to_another(browser_link, e)))
}

/// The `Set-Cookie` value that remembers the link.
pub fn link_set_cookie(link: &str) -> String {
    format!("{LINK_COOKIE}={link}; Path=/; Max-Age=31536000; Secure; HttpOnly; SameSite=Lax")
}

/// The `Set-Cookie` values that end a visitor: the id and its link are cleared (logout).
pub fn forget_cookies() -> [String; 2] {
    [VISITOR_COOKIE, LINK_COOKIE]
        .map(|name| format!("{name}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax"))
}

/// What one proxied request does to the shopper's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityPlan {
    /// The visitor id events carry (none without consent to identify).
    pub visitor: Option<VisitorId>,
    /// `Set-Cookie` values to add to the response.
    pub set_cookies: Vec<String>,
}

/// The identity plan for a request: with consent to identify, the known visitor or `fresh`;
/// a logout ends the visitor (a consenting shopper continues as `fresh`); a login by a customer
/// other than the one this browser's visitor is linked to continues as `fresh` too, and the link
/// is remembered. Without consent, nothing is set.
pub fn plan_identity(
    cookies: &str,
    forwarding: crate::capture::Forwarding,
    logout: bool,
    login_email: Option<&str>,
    fresh: VisitorId,
) -> IdentityPlan {
    let identify = forwarding == crate::capture::Forwarding::WithIdentity;
    let known = visitor_from_cookie_header(cookies).filter(|_| !logout);
    let rotate =
        login_email.is_some_and(|email| linked_to_another(link_from_cookie_header(cookies), email));
    let mut set_cookies = Vec::new();
    if logout {
        set_cookies.extend(forget_cookies());
    }
    if !identify {
        return IdentityPlan {
            visitor: None,
            set_cookies,
        };
    }
    let visitor = match known.filter(|_| !rotate) {
        Some(v) => v,
        None => {
            // Replaces the cleared id of a logout: the later Set-Cookie of a name wins.
            set_cookies.push(visitor_set_cookie(&fresh));
            fresh
        }
    };
    if let Some(email) = login_email {
        set_cookies.push(link_set_cookie(&link_of(email)));
    }
    IdentityPlan {
        visitor: Some(visitor),
        set_cookies,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn identity_plans_follow_consent_login_and_logout() {
        use super::*;
        use crate::capture::Forwarding::*;
        let old = VisitorId::parse("11111111-1111-4111-8111-111111111111").unwrap();
        let fresh = || VisitorId::parse("22222222-2222-4222-8222-222222222222").unwrap();
        let ann = link_of("ann@example.com");
        let cookies = format!("{VISITOR_COOKIE}={old}; {LINK_COOKIE}={ann}");
        // A known consenting shopper keeps the id; nothing set.
        let p = plan_identity(&cookies, WithIdentity, false, None, fresh());
        assert_eq!((p.visitor, p.set_cookies.len()), (Some(old.clone()), 0));
        // The same customer logging in again keeps it; the link is refreshed.
        let p = plan_identity(
            &cookies,
            WithIdentity,
            false,
            Some("ann@example.com"),
            fresh(),
        );
        assert_eq!(p.visitor, Some(old.clone()));
        // Another customer on this browser: a fresh visitor, linked to them.
        let p = plan_identity(
            &cookies,
            WithIdentity,
            false,
            Some("bob@example.com"),
            fresh(),
        );
        assert_eq!(p.visitor, Some(fresh()));
        assert!(p.set_cookies[0].starts_with(&format!("{VISITOR_COOKIE}={}", fresh())));
        assert!(
            p.set_cookies[1].starts_with(&format!("{LINK_COOKIE}={}", link_of("bob@example.com")))
        );
        // Logout: both cleared, a consenting shopper continues anonymous under a fresh id.
        let p = plan_identity(&cookies, WithIdentity, true, None, fresh());
        assert_eq!(p.visitor, Some(fresh()));
        assert_eq!(p.set_cookies.len(), 3);
        assert!(p.set_cookies[2].starts_with(&format!("{VISITOR_COOKIE}={}", fresh())));
        // Without consent to identify: no id, nothing set (except clearing on logout).
        for f in [Anonymous, Hold, Drop] {
            let p = plan_identity(&cookies, f, false, Some("ann@example.com"), fresh());
            assert_eq!((p.visitor, p.set_cookies.len()), (None, 0));
        }
        assert_eq!(
            plan_identity(&cookies, Drop, true, None, fresh())
                .set_cookies
                .len(),
            2
        );
    }

    #[test]
    fn logins_link_once_and_another_customer_rotates() {
        use super::*;
        let ann = link_of(" Ann@Example.com ");
        assert_eq!(ann, link_of("ann@example.com"));
        assert!(!ann.contains('@'), "the cookie never holds the email");
        assert!(!linked_to_another(None, "ann@example.com"));
        assert!(!linked_to_another(Some(&ann), "ANN@example.com"));
        assert!(linked_to_another(Some(&ann), "bob@example.com"));
        let header = format!("a=b; {LINK_COOKIE}={ann}");
        assert_eq!(link_from_cookie_header(&header), Some(ann.as_str()));
        assert!(forget_cookies()[1].starts_with("__Host-sfcc_clerk_link=;"));
    }

    #[test]
    fn a_sale_joins_the_browsers_visitor_unless_its_email_is_another_linked_customers() {
        use super::*;
        let ann = link_of("ann@example.com");
        let v = Some("v1");
        // Ann's own sale, a guest's on an anonymous browser, a sale without an email.
        assert_eq!(visitor_of_sale(v, Some(&ann), Some("Ann@example.com")), v);
        assert_eq!(visitor_of_sale(v, None, Some("bob@example.com")), v);
        assert_eq!(visitor_of_sale(v, Some(&ann), None), v);
        // Bob checks out as a guest on the browser Ann is logged in on: not Ann's visitor.
        assert_eq!(
            visitor_of_sale(v, Some(&ann), Some("bob@example.com")),
            None
        );
        assert_eq!(
            visitor_of_sale(None, Some(&ann), Some("bob@example.com")),
            None
        );
    }

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
    fn only_the_host_cookie_counts_and_the_first_valid_one_of_two() {
        let id = ID.to_lowercase();
        let other = "11111111-1111-4111-8111-111111111111";
        assert_eq!(
            visitor_from_cookie_header(&format!("sfcc_clerk_vid={id}")),
            None,
            "a cookie without the prefix, which any sibling subdomain can set, is not read"
        );
        let two = format!("{VISITOR_COOKIE}=nope; {VISITOR_COOKIE}={id}; {VISITOR_COOKIE}={other}");
        assert_eq!(visitor_from_cookie_header(&two).unwrap().as_str(), id);
        assert!(visitor_set_cookie(&VisitorId::parse(ID).unwrap())
            .starts_with("__Host-sfcc_clerk_vid="));
        let set = visitor_set_cookie(&VisitorId::parse(ID).unwrap());
        assert!(set.contains("; Path=/;") && set.contains("Secure") && !set.contains("Domain"));
    }

    #[test]
    fn reads_the_cookie_among_others() {
        let header = format!("dwsid=abc; {VISITOR_COOKIE}={}; x=1", ID.to_lowercase());
        assert_eq!(
            visitor_from_cookie_header(&header).unwrap().as_str(),
            ID.to_lowercase()
        );
        assert_eq!(
            visitor_from_cookie_header(&format!("{VISITOR_COOKIE}=nope")),
            None
        );
        assert_eq!(visitor_from_cookie_header(""), None);
    }

    #[test]
    fn cookie_is_secure_httponly_lax() {
        let c = visitor_set_cookie(&VisitorId::parse(ID).unwrap());
        assert!(c.contains("Secure") && c.contains("HttpOnly") && c.contains("SameSite=Lax"));
    }
}
