use serde::Deserialize;

#[derive(Deserialize)]
struct FaultDocument {
    fault: Fault,
}

#[derive(Deserialize)]
struct Fault {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    message: String,
}

/// An RFC 7807 problem, as SCAPI answers errors (`title`, `detail` required).
#[derive(Deserialize)]
struct Problem {
    title: String,
    detail: String,
}

/// An OAuth 2 error, as Account Manager answers a refused token request (RFC 6749 § 5.2).
#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// The error an SFCC answer carries, for logs and dead-letter reasons: `type: message` of an
/// OCAPI fault document (`{"_v": "24.5", "fault": {"type": …, "message": …}}`), `title: detail`
/// of a SCAPI problem, `error: error_description` of Account Manager's OAuth error; `None` when
/// the body is none of them.
pub fn fault_message(body: &str) -> Option<String> {
    if let Ok(doc) = serde_json::from_str::<FaultDocument>(body) {
        return Some(format!("{}: {}", doc.fault.kind, doc.fault.message));
    }
    if let Ok(p) = serde_json::from_str::<Problem>(body) {
        return Some(format!("{}: {}", p.title, p.detail));
    }
    let e: OAuthError = serde_json::from_str(body).ok()?;
    Some(format!("{}: {}", e.error, e.error_description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ocapi_faults_scapi_problems_and_oauth_errors_only() {
        assert_eq!(
            fault_message(
                r#"{"_v":"24.5","fault":{"type":"InvalidAccessTokenException","message":"expired"}}"#
            )
            .as_deref(),
            Some("InvalidAccessTokenException: expired")
        );
        assert_eq!(fault_message(r#"{"status":"error","message":"x"}"#), None);
        // SCAPI's `OrderNotFound` example (commerce-sdk orders-oas-1.5.2).
        assert_eq!(
            fault_message(
                r#"{"type":"https://api.commercecloud.salesforce.com/documentation/error/v1/errors/order-not-found","title":"Order Not Found","detail":"No order with number '123' was found."}"#
            )
            .as_deref(),
            Some("Order Not Found: No order with number '123' was found.")
        );
        assert_eq!(
            fault_message(r#"{"error":"invalid_scope","error_description":"unknown tenant"}"#)
                .as_deref(),
            Some("invalid_scope: unknown tenant")
        );
        assert_eq!(fault_message("<html>"), None);
    }
}
