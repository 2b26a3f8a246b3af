use serde::{Deserialize, Serialize};

/// Clerk's answer to any call: `{"status": "ok"}` or an error object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum ClerkResponse {
    /// The call succeeded.
    Ok,
    /// The call failed; see the error.
    Error(ClerkError),
}

/// Clerk's error object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClerkError {
    /// `AuthenticationError`, `ParsingError`, `LogicalError` or `InternalError`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Human-readable message.
    pub message: String,
    /// Further detail, when given.
    #[serde(default, rename = "moreInfo", skip_serializing_if = "Option::is_none")]
    pub more_info: Option<String>,
}

impl ClerkResponse {
    /// An error response of the given kind.
    pub fn error(kind: &str, message: impl Into<String>) -> Self {
        Self::Error(ClerkError {
            kind: kind.into(),
            message: message.into(),
            more_info: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes() {
        assert_eq!(
            serde_json::from_str::<ClerkResponse>(r#"{"status":"ok"}"#).unwrap(),
            ClerkResponse::Ok
        );
        let err: ClerkResponse = serde_json::from_str(
            r#"{"status":"error","type":"AuthenticationError","message":"Invalid key","moreInfo":"x"}"#,
        )
        .unwrap();
        assert!(
            matches!(err, ClerkResponse::Error(ClerkError { ref kind, .. }) if kind == "AuthenticationError")
        );
    }
}
