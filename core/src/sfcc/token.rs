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
