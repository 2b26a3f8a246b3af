//! Who an event post counts against. The beacon endpoint is limited per visitor and per client
//! address: the visitor cookie is the caller's to pick (a fresh id per call would be a fresh
//! bucket each time), the address is the platform's reading of the connection, so one script
//! (or one abusive client) cannot flood a store's Clerk tracking either way.

use crate::identity::VisitorId;

/// The window of the platform's rate limits (`[[ratelimits]]` in `wrangler.toml`), in seconds; a
/// refused call is told to come back after it.
pub const LIMIT_PERIOD_S: u32 = 60;

/// The buckets one event post counts against. Keys are only handed to the platform's limiters,
/// never stored or forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitKeys {
    /// The visitor's bucket (`BEACON_LIMIT`): its first-party id when it has one, else its
    /// address (shoppers without consent carry no id), else one shared bucket.
    pub visitor: String,
    /// The client address's bucket (`BEACON_IP_LIMIT`, larger: shoppers behind one address
    /// share it), when the platform names the address.
    pub address: Option<String>,
}

/// The rate-limit keys of one event post, from the visitor cookie and the platform's
/// `CF-Connecting-IP`.
pub fn limit_keys(visitor: Option<&VisitorId>, client_ip: Option<&str>) -> LimitKeys {
    let address = client_ip
        .map(str::trim)
        .filter(|ip| !ip.is_empty())
        .map(|ip| format!("ip:{ip}"));
    let visitor = match (visitor, &address) {
        (Some(v), _) => format!("v:{}", v.as_str()),
        (None, Some(ip)) => ip.clone(),
        (None, None) => "anonymous".into(),
    };
    LimitKeys { visitor, address }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_is_its_own_bucket_and_its_address_another() {
        let ann = VisitorId::parse("0b6f1e9e-2a7c-4d4b-9c1e-5f3a2b1c0d9e").unwrap();
        let bob = VisitorId::parse("1c7f1e9e-2a7c-4d4b-9c1e-5f3a2b1c0d9e").unwrap();
        let a = limit_keys(Some(&ann), Some("10.0.0.1"));
        let b = limit_keys(Some(&bob), Some("10.0.0.1"));
        assert_ne!(a.visitor, b.visitor);
        assert_eq!(
            (a.address.as_deref(), b.address.as_deref()),
            (Some("ip:10.0.0.1"), Some("ip:10.0.0.1")),
            "a fresh visitor id per call still counts against its address"
        );
        assert_eq!(
            a.visitor,
            limit_keys(Some(&ann), Some("10.0.0.2")).visitor,
            "same visitor, new address"
        );
        assert_eq!(limit_keys(None, Some(" 10.0.0.1 ")).visitor, "ip:10.0.0.1");
        assert_ne!(
            limit_keys(None, Some("10.0.0.1")).visitor,
            limit_keys(None, Some("10.0.0.2")).visitor
        );
        let unknown = limit_keys(None, Some(""));
        assert_eq!(
            (unknown.visitor.as_str(), unknown.address),
            ("anonymous", None)
        );
    }
}
