use serde::{Deserialize, Serialize};

/// Account Manager's answer to a `client_credentials` grant.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenResponse {
    /// Bearer token for OCAPI calls.
    pub access_token: String,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// Always `Bearer`.
    pub token_type: String,
    /// Granted scopes, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Which token a call needs from Account Manager: both are the API client's
/// `client_credentials` grant, OCAPI's without a scope, a SCAPI Admin API's for its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// For OCAPI (Data and Shop API): the client's token, permissions from the OCAPI settings.
    Ocapi,
    /// For a SCAPI Admin API: the token for this scope (see
    /// [`super::admin_scope`]).
    Scapi(String),
}

impl Grant {
    /// The form body of the token request.
    pub fn form(&self) -> String {
        match self {
            Grant::Ocapi => "grant_type=client_credentials".into(),
            Grant::Scapi(scope) => format!(
                "grant_type=client_credentials&scope={}",
                crate::clerk::percent_encode(scope)
            ),
        }
    }

    /// The KV key its token is cached under: one per grant, so one grant's token is never sent
    /// where the other's is wanted.
    pub fn cache_key(&self) -> String {
        match self {
            Grant::Ocapi => "sfcc-token".into(),
            Grant::Scapi(scope) => format!("sfcc-token {scope}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scapi_grant_asks_for_its_scope_and_is_cached_apart() {
        let ocapi = Grant::Ocapi;
        let scapi = Grant::Scapi("SALESFORCE_COMMERCE_API:zzxy_prd sfcc.orders".into());
        assert_eq!(ocapi.form(), "grant_type=client_credentials");
        assert_eq!(
            scapi.form(),
            "grant_type=client_credentials&scope=SALESFORCE_COMMERCE_API%3Azzxy_prd%20sfcc.orders"
        );
        assert_ne!(ocapi.cache_key(), scapi.cache_key());
        assert_eq!(ocapi.cache_key(), "sfcc-token");
    }
}
