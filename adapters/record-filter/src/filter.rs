//! One filter instance: a detector and the settings that decide what each record becomes.

use rule_core::{Detector, EventError, Rule, Timestamp, Verdict};
use serde_json::{Map, Value, json};

use crate::settings::{OnError, OutputMode, Settings};
use crate::unwrap::event_text;

/// The key an alert document is added under in annotate output.
pub const ALERT_KEY: &str = "rule_alert";

/// The key of the error object that reports a record the rule could not evaluate.
pub const ERROR_KEY: &str = "rule_error";

/// The outcome for one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filtered {
    /// The record is dropped.
    Drop,
    /// The alert document replaces the record (alerts output).
    Alert { uuid: String, document: String },
    /// The record passes, with the alert or the error added when there is one (annotate
    /// output).
    Record(String),
    /// An error object replaces the record (alerts output, `on_error: record`).
    Error(String),
}

impl Filtered {
    /// Returns the JSON text to emit, or `None` when the record is dropped.
    pub fn text(&self) -> Option<&str> {
        match self {
            Filtered::Drop => None,
            Filtered::Alert { document, .. } => Some(document),
            Filtered::Record(text) | Filtered::Error(text) => Some(text),
        }
    }
}

/// Counts of what the filter did since it was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub records: u64,
    pub alerts: u64,
    /// Records dropped, errors dropped under `on_error: drop` included.
    pub dropped: u64,
    /// Records the rule could not evaluate, whatever became of them.
    pub errors: u64,
}

/// A detector for the bundled rule with the adapter's output settings.
#[derive(Debug)]
pub struct RecordFilter {
    detector: Detector,
    output: OutputMode,
    on_error: OnError,
    counters: Counters,
}

impl RecordFilter {
    /// Creates a filter for the rule this crate ships, with empty detector state.
    pub fn new(settings: Settings) -> RecordFilter {
        RecordFilter {
            detector: Detector::new(Rule::bundled(), settings.rule_config),
            output: settings.output,
            on_error: settings.on_error,
            counters: Counters::default(),
        }
    }

    /// Evaluates one record. `record` is the record's JSON text; `now` is the processing
    /// time, which a pinned `processing_time` in the rule configuration overrides.
    pub fn filter(&mut self, record: &[u8], now: Timestamp) -> Filtered {
        self.counters.records += 1;

        let filtered = match std::str::from_utf8(record) {
            Ok(text) => self.filter_text(text, now),
            Err(error) => {
                let message = format!("record is not valid UTF-8: {error}");
                self.on_failure(None, "invalid-utf8", &message)
            }
        };

        if filtered == Filtered::Drop {
            self.counters.dropped += 1;
        }
        filtered
    }

    /// Counts since creation.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Returns the detector, for its rule and its own statistics.
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    fn filter_text(&mut self, record: &str, now: Timestamp) -> Filtered {
        let event = event_text(record);
        match self.detector.evaluate(&event, now) {
            Ok(Verdict::Alert(alert)) => {
                self.counters.alerts += 1;
                match self.output {
                    OutputMode::Alerts => Filtered::Alert {
                        uuid: alert.uuid,
                        document: alert.document,
                    },
                    OutputMode::Annotate => {
                        let document = parse_document(&alert.document);
                        Filtered::Record(annotate(record, ALERT_KEY, document))
                    }
                }
            }
            Ok(_) => match self.output {
                OutputMode::Alerts => Filtered::Drop,
                OutputMode::Annotate => Filtered::Record(record.to_owned()),
            },
            Err(error) => self.on_failure(Some(record), error_kind(&error), &error.to_string()),
        }
    }

    /// Applies `on_error` to a record the rule could not evaluate.
    fn on_failure(&mut self, record: Option<&str>, kind: &str, message: &str) -> Filtered {
        self.counters.errors += 1;
        if self.on_error == OnError::Drop {
            return Filtered::Drop;
        }

        let error = json!({
            "kind": kind,
            "message": message,
            "rule_id": self.detector.rule().info.rule_id,
        });
        match (self.output, record) {
            (OutputMode::Annotate, Some(record)) => {
                Filtered::Record(annotate(record, ERROR_KEY, error))
            }
            _ => Filtered::Error(json!({ ERROR_KEY: error }).to_string()),
        }
    }
}

/// Returns the kebab-case name of an event error, as the WIT contract's `event-error` cases
/// spell it.
fn error_kind(error: &EventError) -> &'static str {
    match error {
        EventError::InvalidJson(_) => "invalid-json",
        EventError::NotAnObject(_) => "not-an-object",
        EventError::UnsupportedShape(_) => "unsupported-shape",
        EventError::DuplicateKey(_) => "duplicate-key",
        EventError::TooDeep(_) => "too-deep",
        EventError::TooLarge(_) => "too-large",
    }
}

/// Parses an alert document, which rule-core writes as one JSON object.
fn parse_document(document: &str) -> Value {
    serde_json::from_str(document).unwrap_or_else(|_| Value::String(document.to_owned()))
}

/// Adds `value` under `key` to the record's top-level object. A record that is not an
/// object becomes `{key: value}` alone, since there is no object to add to.
///
/// NOTE: re-serialising sorts the record's keys (serde_json's map is ordered by key); the
/// values are unchanged.
fn annotate(record: &str, key: &str, value: Value) -> String {
    let mut object = serde_json::from_str::<Map<String, Value>>(record).unwrap_or_default();
    object.insert(key.to_owned(), value);
    Value::Object(object).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DELETION: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser",
        "arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333",
        "userName":"alice"},"eventTime":"2024-05-01T12:00:00Z",
        "eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331",
        "awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10",
        "requestParameters":{"functionName":"payments-handler"},
        "eventID":"8d2f6c1a-5e4b-4f3a-9c7d-1b2e3f4a5b01","eventType":"AwsApiCall",
        "recipientAccountId":"111122223333"}"#;

    fn now() -> Timestamp {
        Timestamp::parse("2024-05-01T12:05:00Z").unwrap()
    }

    fn filter_with(output: OutputMode, on_error: OnError) -> RecordFilter {
        RecordFilter::new(Settings {
            output,
            on_error,
            ..Settings::default()
        })
    }

    fn error_kind_of(filtered: &Filtered) -> Option<String> {
        let text = filtered.text()?;
        let value: Value = serde_json::from_str(text).ok()?;
        Some(value[ERROR_KEY]["kind"].as_str()?.to_owned())
    }

    #[test]
    fn alerts_output_counts_each_outcome() {
        let mut filter = filter_with(OutputMode::Alerts, OnError::Record);
        let other = DELETION.replace("DeleteFunction20150331", "ListFunctions20150331");

        let alert = filter.filter(DELETION.as_bytes(), now());
        let dropped = filter.filter(other.as_bytes(), now());
        let error = filter.filter(b"{\"eventName\":", now());

        assert!(matches!(alert, Filtered::Alert { .. }), "{alert:?}");
        assert_eq!(dropped, Filtered::Drop);
        assert_eq!(error_kind_of(&error).as_deref(), Some("invalid-json"));
        let expected = Counters {
            records: 3,
            alerts: 1,
            dropped: 1,
            errors: 1,
        };
        assert_eq!(filter.counters(), expected);
    }

    #[test]
    fn on_error_drop_drops_and_counts() {
        let mut filter = filter_with(OutputMode::Alerts, OnError::Drop);

        let filtered = filter.filter(b"not json", now());

        assert_eq!(filtered, Filtered::Drop);
        assert_eq!(filter.counters().errors, 1);
        assert_eq!(filter.counters().dropped, 1);
    }

    #[test]
    fn invalid_utf8_is_an_error_record() {
        let mut filter = filter_with(OutputMode::Alerts, OnError::Record);

        let filtered = filter.filter(b"{\"log\":\"\xff\"}", now());

        assert_eq!(error_kind_of(&filtered).as_deref(), Some("invalid-utf8"));
    }

    #[test]
    fn annotate_output_adds_alert_to_record() {
        let mut filter = filter_with(OutputMode::Annotate, OnError::Record);

        let filtered = filter.filter(DELETION.as_bytes(), now());

        let Filtered::Record(text) = filtered else {
            panic!("expected a record: {filtered:?}")
        };
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["eventName"], json!("DeleteFunction20150331"));
        assert!(value[ALERT_KEY].is_object(), "{text}");
        assert_eq!(filter.counters().alerts, 1);
    }

    #[test]
    fn annotate_output_adds_error_to_record() {
        let mut filter = filter_with(OutputMode::Annotate, OnError::Record);

        let filtered = filter.filter(br#"{"log":"{broken","host":"a"}"#, now());

        let Filtered::Record(text) = filtered else {
            panic!("expected a record: {filtered:?}")
        };
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["host"], json!("a"));
        assert_eq!(value[ERROR_KEY]["kind"], json!("invalid-json"));
    }

    #[test]
    fn annotate_adds_key() {
        let text = annotate(r#"{"b":1,"a":"x"}"#, ALERT_KEY, json!({"id": 7}));
        assert_eq!(text, r#"{"a":"x","b":1,"rule_alert":{"id":7}}"#);
    }

    #[test]
    fn annotate_replaces_non_object() {
        let text = annotate("[1]", ERROR_KEY, json!("bad"));
        assert_eq!(text, r#"{"rule_error":"bad"}"#);
    }

    #[test]
    fn filtered_text_of_drop_is_none() {
        assert_eq!(Filtered::Drop.text(), None);
    }
}
