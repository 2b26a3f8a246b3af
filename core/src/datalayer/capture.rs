use super::finding::{Code, Finding, Severity};
use super::rules::pii;
use super::state::{replay, GaEvent};
use crate::event::gtag::{self, Gtag};
use serde_json::Value;

/// Why a captured data layer cannot be audited at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The text is not JSON.
    #[error("the data layer is not valid JSON: {0}")]
    Json(String),
    /// The JSON is not an array of pushes.
    #[error("the data layer must be a JSON array of dataLayer pushes, found {0}")]
    NotAnArray(&'static str),
}

/// A captured `dataLayer`: every push, in order, as JSON (e.g. `copy(JSON.stringify(dataLayer))`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capture {
    /// The pushes. Objects are audited, gtag.js event calls among them; anything else (GTM
    /// command arrays, functions, gtag commands such as `config`) is noted.
    pub pushes: Vec<Value>,
}

impl Capture {
    /// Parses a JSON array of pushes.
    pub fn parse(text: &str) -> Result<Self, CaptureError> {
        match serde_json::from_str(text).map_err(|e| CaptureError::Json(e.to_string()))? {
            Value::Array(pushes) => Ok(Capture { pushes }),
            other => Err(CaptureError::NotAnArray(kind(&other))),
        }
    }

    /// The GA4 events (pushes with an `event` name, and `gtag('event', …)` calls), each with the
    /// computed state it is read with.
    pub fn events(&self) -> Vec<GaEvent<'_>> {
        replay(&self.pushes)
    }

    /// An Info finding per push that is not an object, or is a gtag command other than an
    /// event: the rules do not look inside it (but for clear-text personal data).
    pub fn commands(&self) -> Vec<Finding> {
        self.pushes
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let message = match p.as_object().map(gtag::read) {
                    None => format!(
                        "expected an object push, found {} (a GTM command or a function): not audited",
                        kind(p)
                    ),
                    Some(Some(Gtag::Command(command))) => format!(
                        "expected an object push or a gtag event, found a gtag `{}` command: not audited",
                        pii::shown(command)
                    ),
                    Some(_) => return None,
                };
                Some(Finding::new(Code::NotAudited, Severity::Info, message).at(i))
            })
            .collect()
    }
}

/// A JSON value's kind, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_array_of_pushes() {
        let capture =
            Capture::parse(r#"[{"event":"gtm.js"},["set","x"],{"event":"view_item"}]"#).unwrap();
        assert_eq!(capture.pushes.len(), 3);
        let events: Vec<&str> = capture.events().iter().map(|e| e.name).collect();
        assert_eq!(events, ["gtm.js", "view_item"]);
    }

    #[test]
    fn non_object_pushes_are_noted_not_audited() {
        let capture = Capture::parse(r#"[["config","G-1"],{"a":1},"[function]",null]"#).unwrap();
        let notes = capture.commands();
        let at: Vec<Option<usize>> = notes.iter().map(|f| f.event_index).collect();
        assert_eq!(at, [Some(0), Some(2), Some(3)]);
        assert!(notes
            .iter()
            .all(|f| f.code == Code::NotAudited && f.severity == Severity::Info));
        assert!(
            notes[0].message.contains("found an array"),
            "{}",
            notes[0].message
        );
    }

    #[test]
    fn gtag_commands_are_noted_and_gtag_events_audited() {
        let capture = Capture::parse(
            r#"[{"0":"js","1":{}},{"0":"config","1":"G-XXXX"},{"0":"event","1":"view_item","2":{}}]"#,
        )
        .unwrap();
        let commands = capture.commands();
        let notes: Vec<(Option<usize>, &str)> = commands
            .iter()
            .map(|f| (f.event_index, f.message.as_str()))
            .collect();
        assert_eq!(
            notes,
            [
                (
                    Some(0),
                    "expected an object push or a gtag event, found a gtag `js` command: not audited"
                ),
                (
                    Some(1),
                    "expected an object push or a gtag event, found a gtag `config` command: not audited"
                )
            ]
        );
        let events: Vec<&str> = capture.events().iter().map(|e| e.name).collect();
        assert_eq!(events, ["view_item"]);
    }

    #[test]
    fn refuses_what_is_not_a_json_array() {
        assert_eq!(
            Capture::parse(r#"{"event":"view_item"}"#),
            Err(CaptureError::NotAnArray("an object"))
        );
        assert!(matches!(
            Capture::parse("dataLayer = []"),
            Err(CaptureError::Json(_))
        ));
        assert_eq!(
            CaptureError::NotAnArray("a string").to_string(),
            "the data layer must be a JSON array of dataLayer pushes, found a string"
        );
    }
}
