//! Who an event post counts against: the beacon endpoint is limited per visitor, so one script
//! (or one abusive client) cannot flood a store's Clerk tracking.

use crate::identity::VisitorId;

/// The window of the platform's rate limit (`[[ratelimits]]` in `wrangler.toml`), in seconds; a
/// refused call is told to come back after it.
pub const LIMIT_PERIOD_S: u32 = 60;

/// The rate-limit key of one event post: the visitor's first-party id when it has one, else the
/// client address (shoppers without consent carry no id), else one shared bucket. The key is only
/// handed to the platform's limiter, never stored or forwarded.
pub fn limit_key(visitor: Option<&VisitorId>, client_ip: Option<&str>) -> String {
    match (
        visitor,
        client_ip.map(str::trim).filter(|ip| !ip.is_empty()),
    ) {
        (Some(v), _) => format!("v:{}", v.as_str()),
        (None, Some(ip)) => format!("ip:{ip}"),
        (None, None) => "anonymous".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_is_its_own_bucket_and_others_fall_back_to_their_address() {
        let ann = VisitorId::parse("0b6f1e9e-2a7c-4d4b-9c1e-5f3a2b1c0d9e").unwrap();
        let bob = VisitorId::parse("1c7f1e9e-2a7c-4d4b-9c1e-5f3a2b1c0d9e").unwrap();
        let a = limit_key(Some(&ann), Some("10.0.0.1"));
        assert_ne!(a, limit_key(Some(&bob), Some("10.0.0.1")));
        assert_eq!(
            a,
            limit_key(Some(&ann), Some("10.0.0.2")),
            "same visitor, new address"
        );
        assert_eq!(limit_key(None, Some(" 10.0.0.1 ")), "ip:10.0.0.1");
        assert_ne!(
            limit_key(None, Some("10.0.0.1")),
            limit_key(None, Some("10.0.0.2"))
        );
        assert_eq!(limit_key(None, Some("")), "anonymous");
    }
}
