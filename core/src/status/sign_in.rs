//! Signing a browser in with a token (the status page, QA mode), and what a session remembers of
//! the token it was opened with.
//!
//! A token goes in an `Authorization: Bearer` header or a form's POST body, never in a URL: URLs
//! are kept in browser history, proxy and CDN logs and `Referer` headers. A session (a random id
//! in a cookie, kept in KV) stores the mark of the token that opened it ([`token_mark`]), not the
//! token; when the token is rotated, every session opened with the old one ends
//! ([`session_stands`]).
//!
//! Attempts are limited per client address (`SIGN_IN_LIMIT` in `wrangler.toml`, ten a minute,
//! keyed by [`attempt_key`]): every offered token counts, a right one too, and past the limit a
//! token is not even compared ([`sign_in_within`]), so guessing is slowed for the right guess as
//! much as for the wrong ones.

use crate::hash::content_hash;
use crate::settings::constant_time_eq;

/// How a sign-in request offers its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered<'a> {
    /// `Authorization: Bearer …` or a form field `token`.
    Token(&'a str),
    /// A `token` in the URL's query string (refused, whatever its value).
    InUrl,
    /// None at all (a browser that opened the sign-in address).
    Nothing,
}

/// What a sign-in comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// The token is one of the worker's: open a session holding `mark`.
    Open {
        /// What the session stores ([`token_mark`] of the token given).
        mark: String,
    },
    /// No token is configured: signing in is closed.
    Closed,
    /// A token in the URL: refused, the reason says where it goes instead.
    TokenInUrl,
    /// Not one of the worker's tokens.
    Wrong,
    /// Nothing offered: show the sign-in form.
    Ask,
    /// Too many attempts from the address within the limit's minute: not compared.
    TooMany,
}

impl SignIn {
    /// The HTTP status and the reason shown for a sign-in that did not open a session.
    pub fn refusal(&self) -> Option<(u16, &'static str)> {
        match self {
            Self::Open { .. } | Self::Ask => None,
            Self::Closed => Some((503, "signing in is closed: the worker has no token set")),
            Self::TokenInUrl => Some((
                400,
                "a token never goes in a URL (browser history, proxy logs and Referer headers \
                 keep it): post it in the form, or send Authorization: Bearer",
            )),
            Self::Wrong => Some((401, "missing or wrong token")),
            Self::TooMany => Some((
                429,
                "too many sign-in attempts from this address: try again in a minute",
            )),
        }
    }
}

/// Decides a sign-in against the tokens the worker accepts for it (each compared in constant
/// time; an empty list means none is configured).
pub fn sign_in(offered: Offered<'_>, tokens: &[&str]) -> SignIn {
    if tokens.is_empty() {
        return SignIn::Closed;
    }
    match offered {
        Offered::InUrl => SignIn::TokenInUrl,
        Offered::Nothing => SignIn::Ask,
        Offered::Token(given) => match tokens.iter().find(|t| constant_time_eq(given, t)) {
            Some(token) => SignIn::Open {
                mark: token_mark(token),
            },
            None => SignIn::Wrong,
        },
    }
}

/// As [`sign_in`], for an attempt the address's limit allowed (`within_limit`) or not. Only an
/// offered token is an attempt: the form itself, a token in the URL and a closed sign-in are
/// answered as ever.
pub fn sign_in_within(offered: Offered<'_>, tokens: &[&str], within_limit: bool) -> SignIn {
    match sign_in(offered, tokens) {
        SignIn::Open { .. } | SignIn::Wrong if !within_limit => SignIn::TooMany,
        decided => decided,
    }
}

/// The rate-limit key of a sign-in attempt from the platform's `CF-Connecting-IP` (handed to the
/// limiter only, never stored); without an address, one shared bucket.
pub fn attempt_key(client_ip: Option<&str>) -> String {
    match client_ip.map(str::trim).filter(|ip| !ip.is_empty()) {
        Some(ip) => format!("sign-in:ip:{ip}"),
        None => "sign-in:unknown".to_string(),
    }
}

/// What a session stores of the token that opened it: a 64-bit fingerprint, which tells tokens
/// apart and gives nothing to sign in with.
pub fn token_mark(token: &str) -> String {
    format!("token:{}", content_hash(token.as_bytes()))
}

/// Whether a session that stored `stored` still stands: it was opened with one of the tokens the
/// worker accepts now.
pub fn session_stands(stored: &str, tokens: &[&str]) -> bool {
    tokens.iter().any(|t| token_mark(t) == stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: &str = "0123456789abcdef0123456789abcdef";
    const QA: &str = "qa-0123456789abcdef0123456789abcd";

    #[test]
    fn a_token_opens_a_session_only_from_a_header_or_a_form() {
        assert_eq!(
            sign_in(Offered::Token(QA), &[QA, ADMIN]),
            SignIn::Open {
                mark: token_mark(QA)
            }
        );
        assert_eq!(sign_in(Offered::InUrl, &[QA, ADMIN]), SignIn::TokenInUrl);
        assert_eq!(
            sign_in(Offered::Token("guess"), &[QA, ADMIN]),
            SignIn::Wrong
        );
        assert_eq!(sign_in(Offered::Nothing, &[ADMIN]), SignIn::Ask);
        assert_eq!(sign_in(Offered::Token(ADMIN), &[]), SignIn::Closed);
        assert!(SignIn::TokenInUrl
            .refusal()
            .unwrap()
            .1
            .contains("never goes in a URL"));
    }

    #[test]
    fn rotating_the_token_ends_the_sessions_it_opened() {
        let SignIn::Open { mark } = sign_in(Offered::Token(ADMIN), &[ADMIN]) else {
            panic!("opens");
        };
        assert!(!mark.contains(ADMIN), "the mark is not the token");
        assert!(session_stands(&mark, &[ADMIN]));
        assert!(!session_stands(
            &mark,
            &["a-new-token-0123456789abcdef0123"]
        ));
        assert!(
            !session_stands("signed-in", &[ADMIN]),
            "sessions from before marks end"
        );
    }

    #[test]
    fn past_the_limit_no_token_is_compared_and_the_form_still_shows() {
        let tokens = ["a-token-of-the-workers-own-32-chars!"];
        assert_eq!(
            sign_in_within(Offered::Token(tokens[0]), &tokens, false),
            SignIn::TooMany,
            "the right token too"
        );
        assert_eq!(
            sign_in_within(Offered::Token("guess"), &tokens, false),
            SignIn::TooMany
        );
        assert_eq!(
            sign_in_within(Offered::Nothing, &tokens, false),
            SignIn::Ask
        );
        assert_eq!(
            sign_in_within(Offered::InUrl, &tokens, false),
            SignIn::TokenInUrl
        );
        assert_eq!(
            sign_in_within(Offered::Token(tokens[0]), &[], false),
            SignIn::Closed
        );
        assert!(matches!(
            sign_in_within(Offered::Token(tokens[0]), &tokens, true),
            SignIn::Open { .. }
        ));
        assert_eq!(SignIn::TooMany.refusal().map(|r| r.0), Some(429));
        assert_eq!(attempt_key(Some(" 10.0.0.1 ")), "sign-in:ip:10.0.0.1");
        assert_eq!(attempt_key(None), "sign-in:unknown");
    }
}
