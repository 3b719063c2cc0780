//! Container documents: the top-level keys that hold arrays of events, and how each element
//! becomes an event.

use serde::Deserialize;

use super::item::{InputError, InputErrorKind};
use super::options::Containers;

/// A top-level key the reader looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Container(ContainerKind),
    MessageType,
    Other,
}

/// An array of events inside a top-level object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerKind {
    /// `Records` of a CloudTrail log file; each element is a CloudTrail record.
    Records,
    /// `Events` of `aws cloudtrail lookup-events`; each element is a lookup-events item.
    LookupEvents,
    /// `logEvents` of a CloudWatch Logs subscription payload; each element's `message`
    /// is the event.
    LogEvents,
}

impl ContainerKind {
    /// Returns the key as it appears in the document, used in labels.
    pub(crate) fn key(self) -> &'static str {
        match self {
            ContainerKind::Records => "Records",
            ContainerKind::LookupEvents => "Events",
            ContainerKind::LogEvents => "logEvents",
        }
    }

    /// Returns the top-level keys of the container's format, its array's key included. Any
    /// other top-level key is an input error.
    pub(crate) fn format_keys(self) -> &'static [&'static str] {
        match self {
            ContainerKind::Records => &["Records"],
            ContainerKind::LookupEvents => &["Events", "NextToken"],
            // The subscription payload as the CloudWatch Logs documentation on subscription
            // filters lists it; `policyLevel` comes with account-level filters.
            ContainerKind::LogEvents => &[
                "messageType",
                "owner",
                "logGroup",
                "logStream",
                "subscriptionFilters",
                "policyLevel",
                "logEvents",
            ],
        }
    }

    /// Returns the name of the container's format, used in messages.
    pub(crate) fn format_name(self) -> &'static str {
        match self {
            ContainerKind::Records => "a CloudTrail log file",
            ContainerKind::LookupEvents => "the output of `aws cloudtrail lookup-events`",
            ContainerKind::LogEvents => "a CloudWatch Logs subscription payload",
        }
    }

    /// Returns the word for one element, used in messages.
    pub(crate) fn element_noun(self) -> &'static str {
        match self {
            ContainerKind::Records => "record",
            ContainerKind::LookupEvents => "lookup-events item",
            ContainerKind::LogEvents => "log event",
        }
    }
}

/// Classifies the raw bytes of a top-level key (between its quotes). Keys with escapes are
/// decoded first, so that `"Rec\u006frds"` is `Records` as any JSON parser would read it.
pub(crate) fn classify_key(raw: &[u8], containers: Containers) -> Key {
    let decoded;
    let name = if raw.contains(&b'\\') {
        match decode_string(raw) {
            Some(text) => {
                decoded = text;
                decoded.as_bytes()
            }
            None => return Key::Other,
        }
    } else {
        raw
    };

    match name {
        b"Records" if containers.records => Key::Container(ContainerKind::Records),
        b"Events" if containers.lookup_events => Key::Container(ContainerKind::LookupEvents),
        b"logEvents" if containers.cloudwatch_logs => Key::Container(ContainerKind::LogEvents),
        b"messageType" if containers.cloudwatch_logs => Key::MessageType,
        _ => Key::Other,
    }
}

/// Returns whether the raw bytes of a `messageType` value name a control message.
pub(crate) fn is_control_message(raw: &[u8]) -> bool {
    const CONTROL: &str = "CONTROL_MESSAGE";
    if raw.contains(&b'\\') {
        decode_string(raw).is_some_and(|text| text == CONTROL)
    } else {
        raw == CONTROL.as_bytes()
    }
}

/// Decodes the raw bytes between a JSON string's quotes.
pub(crate) fn decode_string(raw: &[u8]) -> Option<String> {
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).ok()
}

/// A CloudWatch Logs log event; only the message matters here.
#[derive(Deserialize)]
struct LogEvent {
    message: String,
}

/// Takes the `message` of a CloudWatch Logs log event (`{"id", "timestamp", "message"}`).
pub(crate) fn log_event_message(element: &[u8]) -> Result<String, InputError> {
    serde_json::from_slice::<LogEvent>(element)
        .map(|event| event.message)
        .map_err(|error| {
            InputError::new(
                InputErrorKind::InvalidLogEvent,
                format!(
                    "invalid CloudWatch Logs log event: {error}; a log event is an object with a \
                 `message` string that holds the event"
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_are_classified() {
        let cases: [(&[u8], Key); 5] = [
            (b"Records", Key::Container(ContainerKind::Records)),
            (b"Events", Key::Container(ContainerKind::LookupEvents)),
            (b"logEvents", Key::Container(ContainerKind::LogEvents)),
            (b"messageType", Key::MessageType),
            (b"records", Key::Other),
        ];
        for (raw, expected) in cases {
            assert_eq!(classify_key(raw, Containers::ALL), expected, "key {raw:?}");
        }
    }

    #[test]
    fn escaped_key_is_decoded() {
        let key = classify_key(br"Rec\u006frds", Containers::ALL);
        assert_eq!(key, Key::Container(ContainerKind::Records));
    }

    #[test]
    fn disabled_container_is_other() {
        let containers = Containers {
            records: false,
            ..Containers::ALL
        };
        assert_eq!(classify_key(b"Records", containers), Key::Other);
    }

    #[test]
    fn control_message_is_recognised() {
        assert!(is_control_message(b"CONTROL_MESSAGE"));
        assert!(is_control_message(br"CONTROL\u005fMESSAGE"));
        assert!(!is_control_message(b"DATA_MESSAGE"));
    }

    #[test]
    fn log_event_message_is_taken() {
        let element = br#"{"id":"1","timestamp":1,"message":"{\"eventName\":\"X\"}"}"#;
        assert_eq!(log_event_message(element).unwrap(), r#"{"eventName":"X"}"#);
    }

    #[test]
    fn log_event_without_message_is_rejected() {
        let error = log_event_message(br#"{"id":"1"}"#).unwrap_err();
        assert_eq!(error.kind, InputErrorKind::InvalidLogEvent);
        assert!(
            error.message.contains("missing field `message`"),
            "{}",
            error.message
        );
    }
}
