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

/// `type: message` of an OCAPI fault document (`{"_v": "24.5", "fault": {"type": …, "message":
/// …}}`, what OCAPI answers with an error status), for logs and dead-letter reasons; `None` when
/// the body is not one.
pub fn fault_message(body: &str) -> Option<String> {
    let doc: FaultDocument = serde_json::from_str(body).ok()?;
    Some(format!("{}: {}", doc.fault.kind, doc.fault.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ocapi_faults_only() {
        assert_eq!(
            fault_message(
                r#"{"_v":"24.5","fault":{"type":"InvalidAccessTokenException","message":"expired"}}"#
            )
            .as_deref(),
            Some("InvalidAccessTokenException: expired")
        );
        assert_eq!(fault_message(r#"{"status":"error","message":"x"}"#), None);
        assert_eq!(fault_message("<html>"), None);
    }
}
