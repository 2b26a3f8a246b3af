//! A PWA Kit shopper's login and logout as they pass the worker. PWA Kit's app talks to SLAS
//! (SCAPI's Shopper Login) through its own origin: through its API proxy path
//! (`/mobify/proxy/api`, `app.commerceAPI.proxyPath` in the retail app's `config/default.js`) or,
//! with a private SLAS client, through `/mobify/slas/private` (`SLAS_PRIVATE_PROXY_PATH` in
//! commerce-sdk-react's `constant.ts`; pwa-kit 09d383ac). Then:
//!
//! - a login ends in `POST …/shopper/auth/v1/organizations/{org}/oauth2/token`, whose answer's
//!   `access_token` is a JWT with an `isb` claim naming the login: `uido:ecom::upn:{login}::…` for
//!   a registered shopper, `upn:Guest` for a guest (commerce-sdk-react `auth/index.ts`,
//!   `parseSlasJWT`, and its tests' tokens). The token call carries the site as `channel_id` in
//!   its form (commerce-sdk-isomorphic `slasHelper.ts`, `loginRegisteredUserB2C`,
//!   `refreshAccessToken`);
//! - a logout is `GET …/oauth2/logout?client_id=…&refresh_token=…&channel_id=…`
//!   (SLAS `logoutCustomer`, auth-oas 1.50.0; commerce-sdk-react's `logout()` calls it for a
//!   registered shopper, then takes a guest token).
//!
//! The worker reads the login from SLAS's own answer (never from the request's credentials) and
//! only when SLAS answered 2xx; it never keeps or logs a token. A registered shopper's login is
//! their email in PWA Kit's retail app (its registration and login forms take an email).

use base64::Engine;
use serde_json::Value;

/// The path PWA Kit's app sends SLAS calls through with a private client (fixed in
/// commerce-sdk-react).
pub const SLAS_PRIVATE_PROXY_PATH: &str = "/mobify/slas/private";

/// PWA Kit's default API proxy path (`app.commerceAPI.proxyPath`).
pub const API_PROXY_PATH: &str = "/mobify/proxy/api";

/// The largest token answer read (SLAS's answers are a few KB: three JWTs and some ids).
pub const MAX_TOKEN_ANSWER_BYTES: usize = 32 * 1024;

/// A SLAS call that changes who the shopper is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlasCall {
    /// `POST …/oauth2/token`: a login, a guest token, or a refresh; the answer says whose.
    Token,
    /// `GET …/oauth2/logout`: a registered shopper logs out.
    Logout,
}

/// The SLAS call a request is, when it is one right under `api_path` (the app's API proxy path)
/// or [`SLAS_PRIVATE_PROXY_PATH`]: `{prefix}/shopper/auth/{version}/organizations/{org}/oauth2/
/// {token|logout}`. Never the same words elsewhere in a path.
pub fn slas_call(api_path: &str, method: &str, path: &str) -> Option<SlasCall> {
    let rest = [api_path, SLAS_PRIVATE_PROXY_PATH]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix.trim_end_matches('/')))?;
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let ["", "shopper", "auth", version, "organizations", org, "oauth2", call] =
        segments.as_slice()
    else {
        return None;
    };
    if !version.starts_with('v') || org.is_empty() {
        return None;
    }
    match (*call, method.to_ascii_uppercase().as_str()) {
        ("token", "POST") => Some(SlasCall::Token),
        ("logout", "GET") => Some(SlasCall::Logout),
        _ => None,
    }
}

/// The site a SLAS call names: its `channel_id` (the query's, else the form's).
pub fn channel_of<'a>(
    query: &'a [(String, String)],
    form: &'a [(String, String)],
) -> Option<&'a str> {
    query
        .iter()
        .chain(form)
        .find(|(name, value)| name == "channel_id" && !value.trim().is_empty())
        .map(|(_, value)| value.as_str())
}

/// The registered shopper's login a SLAS token answer names (its `access_token`'s `isb` claim,
/// `upn:{login}`); `None` for a guest's token, an answer without a readable token (PWA Kit's
/// HttpOnly session cookies keep the token out of the answer), or anything else.
pub fn login_of_token_answer(answer: &str) -> Option<String> {
    let answer: Value = serde_json::from_str(answer).ok()?;
    let token = answer.get("access_token")?.as_str()?;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let isb = claims.get("isb")?.as_str()?;
    let login = isb.split("::").find_map(|part| part.strip_prefix("upn:"))?;
    let login = login.trim();
    let guest = login.is_empty()
        || login.eq_ignore_ascii_case("guest")
        || login.to_ascii_lowercase().starts_with("guest||");
    (!guest).then(|| login.to_string())
}

/// The login a token answer brings that the browser is not linked to yet (`current_link`, its
/// link cookie): a login, or a refresh after the link cookie was lost. `None` for a guest and for
/// the refreshes of the linked shopper's token (PWA Kit refreshes every half hour), so those
/// cost no event.
pub fn new_login(answer: &str, current_link: Option<&str>) -> Option<String> {
    login_of_token_answer(answer)
        .filter(|login| current_link != Some(crate::identity::link_of(login).as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    /// A token answer whose access token carries `isb`, shaped as SLAS's `TokenResponse`
    /// (auth-oas 1.50.0, `getAccessTokenSuccess`); the signature is not read.
    fn answer_with_isb(isb: &str) -> String {
        let part = |v: Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
        };
        let jwt = format!(
            "{}.{}.sig",
            part(serde_json::json!({"alg": "ES256", "typ": "jwt"})),
            part(serde_json::json!({"isb": isb, "sub": "cc-slas::zzrf_001::scid:x::usid:y"}))
        );
        serde_json::json!({
            "access_token": jwt, "id_token": "x", "refresh_token": "r", "expires_in": 1800,
            "refresh_token_expires_in": 7776000, "token_type": "BEARER",
            "usid": "18cda486-fe32-4e27-888b-6e4f89938e67", "customer_id": "abEr3vmU",
            "enc_user_id": "45D39A8499A95288F82855427EBA99B5", "idp_access_token": ""
        })
        .to_string()
    }

    #[test]
    fn slas_token_and_logout_calls_are_known_under_the_apps_proxy_paths_only() {
        let org = "/shopper/auth/v1/organizations/f_ecom_zzrf_001/oauth2";
        let api = API_PROXY_PATH;
        assert_eq!(
            slas_call(api, "POST", &format!("{api}{org}/token")),
            Some(SlasCall::Token)
        );
        assert_eq!(
            slas_call(
                api,
                "GET",
                &format!("{SLAS_PRIVATE_PROXY_PATH}{org}/logout")
            ),
            Some(SlasCall::Logout)
        );
        assert_eq!(
            slas_call("/api/", "post", &format!("/api{org}/token")),
            Some(SlasCall::Token),
            "a shop's own proxy path"
        );
        for (method, path) in [
            ("GET", format!("{api}{org}/token")),
            ("POST", format!("{api}{org}/logout")),
            ("POST", format!("{api}{org}/login")),
            ("POST", format!("/elsewhere{api}{org}/token")),
            ("POST", format!("/s/RefArch{org}/token")),
            (
                "POST",
                format!("{api}/shopper/auth/v1/organizations//oauth2/token"),
            ),
            (
                "POST",
                format!("{api}/shopper/auth/latest/organizations/o/oauth2/token"),
            ),
        ] {
            assert_eq!(slas_call(api, method, &path), None, "{method} {path}");
        }
    }

    #[test]
    fn a_registered_shoppers_login_is_read_from_slas_answer_and_a_guests_is_none() {
        // `isb` values as commerce-sdk-react's tests write them (pwa-kit 09d383ac,
        // packages/commerce-sdk-react/src/auth/index.test.ts).
        let registered = "uido:ecom::upn:test@gmail.com::uidn:firstname lastname::gcid:guestuserid::rcid:rcid::chid:siteId";
        assert_eq!(
            login_of_token_answer(&answer_with_isb(registered)).as_deref(),
            Some("test@gmail.com")
        );
        for guest in [
            "uido:slas::upn:Guest::uidn:Guest User::gcid:bclrdGlbIZlHaRxHsZlWYYxHwZ::chid:siteId",
            "uido:ecom::upn:Guest::uidn:firstname lastname::gcid:customerId::rcid:registeredCid::chid:siteId",
            "uido:ecom::upn:Guest||someone@example.com::uidn:x::chid:siteId",
        ] {
            assert_eq!(login_of_token_answer(&answer_with_isb(guest)), None, "{guest}");
        }
        // SLAS's own example token (auth-oas 1.50.0, `getAccessTokenSuccess`) has no `isb`:
        // a guest's `sub` ending `upn:guest`; and the logout answer's empty token.
        let example = "eyJ2ZXIiOiIxLjAiLCJraWQiOiJTTEFTIiwidHlwIjoiand0IiwiY2x2IjoiSjIuMS4wIiwiYWxnIjoiRVMyNTYifQ.eyJhdWQiOiJjb3JlL2Rldi9idGluZ2V5bHRtMiIsImF1dCI6IkdVSUQiLCJzdWIiOiJ1c2lkOjo1NGFkMmM1YS05MWYwLTQ0YWItODE3Yy03M2Q2Yjg2ODcyZDk6OnVwbjpndWVzdCIsIm5iZiI6MTU4Mjg0NTYyNCwiY3R4Ijoic2ZkYy5jb21tZXJjZWNsb3VkIiwiaXNzIjoiY29yZS9kZXYvYnRpbmdleWx0bTIiLCJzdHkiOiJVc2VyIiwiaXN0IjoxLCJleHAiOjE1ODI4NDU3NDQsImlhdCI6MTU4Mjg0NTY1NCwianRpIjoiQzJDOTA0ODg2NDA3MDkwNDg4NjQwNzMyMjExNzQ1ODEyMTQzIn0.sig";
        for answer in [
            serde_json::json!({"access_token": example}).to_string(),
            serde_json::json!({"access_token": "", "token_type": "Bearer"}).to_string(),
            "{}".into(),
            "not json".into(),
            serde_json::json!({"access_token": "a.!!!.c"}).to_string(),
        ] {
            assert_eq!(login_of_token_answer(&answer), None, "{answer}");
        }
    }

    #[test]
    fn a_login_is_new_unless_the_browser_is_linked_to_it_already() {
        let answer = answer_with_isb("uido:ecom::upn:Ann@Example.com::uidn:Ann::chid:RefArch");
        let ann = crate::identity::link_of("ann@example.com");
        let bob = crate::identity::link_of("bob@example.com");
        assert_eq!(new_login(&answer, None).as_deref(), Some("Ann@Example.com"));
        assert_eq!(
            new_login(&answer, Some(&bob)).as_deref(),
            Some("Ann@Example.com")
        );
        assert_eq!(
            new_login(&answer, Some(&ann)),
            None,
            "a refresh of Ann's token"
        );
    }

    #[test]
    fn the_site_of_a_slas_call_is_its_channel_id() {
        let query = pairs(&[("client_id", "c"), ("channel_id", "RefArch")]);
        let form = pairs(&[
            ("channel_id", "RefArchGlobal"),
            ("grant_type", "refresh_token"),
        ]);
        assert_eq!(channel_of(&query, &form), Some("RefArch"));
        assert_eq!(channel_of(&[], &form), Some("RefArchGlobal"));
        assert_eq!(channel_of(&pairs(&[("channel_id", " ")]), &[]), None);
    }
}
