//! The record's envelope: `@timestamp`, `event.*`, `data_stream.*`, `cloud.*` and the scalar
//! `aws.cloudtrail.*` fields.

use serde_json::{Map, Value, json};

use super::java_string::to_java_string;
use super::path;
use crate::timestamp::Timestamp;

/// The dataset of every document in Elastic's `logs-aws.cloudtrail-*` data streams.
pub(crate) const DATASET: &str = "aws.cloudtrail";

/// Record keys copied unchanged, with their ECS names.
const COPIED: [(&str, &str); 16] = [
    ("eventID", "event.id"),
    ("eventSource", "event.provider"),
    ("awsRegion", "cloud.region"),
    ("eventVersion", "aws.cloudtrail.event_version"),
    ("eventCategory", "aws.cloudtrail.event_category"),
    ("eventType", "aws.cloudtrail.event_type"),
    ("requestID", "aws.cloudtrail.request_id"),
    ("apiVersion", "aws.cloudtrail.api_version"),
    ("managementEvent", "aws.cloudtrail.management_event"),
    ("readOnly", "aws.cloudtrail.read_only"),
    ("recipientAccountId", "aws.cloudtrail.recipient_account_id"),
    // NOTE: CloudTrail spells this key `sharedEventID`, but the integration's pipeline reads
    // `sharedEventId`. Both are copied, so real records get a field Elastic may lack.
    ("sharedEventID", "aws.cloudtrail.shared_event_id"),
    ("sharedEventId", "aws.cloudtrail.shared_event_id"),
    ("vpcEndpointId", "aws.cloudtrail.vpc_endpoint_id"),
    ("errorCode", "aws.cloudtrail.error_code"),
    ("errorMessage", "aws.cloudtrail.error_message"),
];

/// Maps the envelope of a cleaned record into `doc`.
pub(super) fn map_envelope(record: &Map<String, Value>, doc: &mut Map<String, Value>) {
    if let Some(timestamp) = event_time(record) {
        path::insert(doc, "@timestamp", json!(timestamp.to_string()));
    }

    for (from, to) in COPIED {
        path::copy(record, from, doc, to);
    }

    // The pipeline fills `event.action` from a template, which always yields text.
    if let Some(name) = record.get("eventName") {
        let action = name
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| to_java_string(name));
        path::insert(doc, "event.action", json!(action));
    }

    path::insert(doc, "event.kind", json!("event"));
    path::insert(doc, "event.type", json!(["info"]));
    path::insert(doc, "event.outcome", json!(outcome(record)));
    path::insert(doc, "event.dataset", json!(DATASET));
    path::insert(doc, "event.module", json!("aws"));
    path::insert(
        doc,
        "data_stream",
        json!({ "type": "logs", "dataset": DATASET, "namespace": "default" }),
    );
    path::insert(doc, "cloud.provider", json!("aws"));
}

/// Reads `eventTime` as Elastic's `date` processor does with its ISO 8601 format, where a
/// date-time without an offset is in UTC.
///
/// Returns `None` when `eventTime` is missing or unparseable. Elastic then keeps the time
/// the agent read the record, which a mapping of one record cannot know, and writing the
/// processing time instead would make the document depend on when it was mapped.
fn event_time(record: &Map<String, Value>) -> Option<Timestamp> {
    let text = record.get("eventTime")?.as_str()?;
    Timestamp::parse(text).or_else(|| Timestamp::parse(&format!("{text}Z")))
}

/// Decides `event.outcome`: `failure` when the cleaned record has an `errorCode` or an
/// `errorMessage`, else `success`. A console sign-in instead reports the lowercased
/// `responseElements.ConsoleLogin` (`Success` or `Failure`), as the integration does.
fn outcome(record: &Map<String, Value>) -> String {
    let console_login = path::get_str(record, "eventName") == Some("ConsoleLogin");
    if let Some(result) =
        path::get_str(record, "responseElements.ConsoleLogin").filter(|_| console_login)
    {
        return result.to_lowercase();
    }
    if record.contains_key("errorCode") || record.contains_key("errorMessage") {
        "failure".to_string()
    } else {
        "success".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(record: Value) -> Value {
        let mut doc = Map::new();
        map_envelope(record.as_object().expect("an object"), &mut doc);
        Value::Object(doc)
    }

    #[test]
    fn timestamp_in_milliseconds_utc() {
        let cases = [
            ("2026-01-02T03:00:00Z", Some("2026-01-02T03:00:00.000Z")),
            (
                "2026-01-02T03:00:00.123456Z",
                Some("2026-01-02T03:00:00.123Z"),
            ),
            (
                "2026-01-02T05:00:00+02:00",
                Some("2026-01-02T03:00:00.000Z"),
            ),
            ("2026-01-02T03:00:00", Some("2026-01-02T03:00:00.000Z")),
            ("yesterday", None),
        ];
        for (event_time, expected) in cases {
            let doc = envelope(json!({ "eventTime": event_time }));
            assert_eq!(
                doc.get("@timestamp").and_then(Value::as_str),
                expected,
                "{event_time}"
            );
        }
    }

    #[test]
    fn timestamp_absent_without_event_time() {
        assert_eq!(envelope(json!({ "eventTime": 5 })).get("@timestamp"), None);
        assert_eq!(envelope(json!({})).get("@timestamp"), None);
    }

    #[test]
    fn outcome_from_error_fields() {
        let cases = [
            (json!({}), "success"),
            (json!({ "errorCode": "AccessDenied" }), "failure"),
            (
                json!({ "errorMessage": "User is not authorized" }),
                "failure",
            ),
            (json!({ "errorCode": 403 }), "failure"),
        ];
        for (record, expected) in cases {
            let doc = envelope(record.clone());
            assert_eq!(doc["event"]["outcome"], json!(expected), "{record}");
        }
    }

    #[test]
    fn outcome_of_console_login() {
        let record = json!({ "eventName": "ConsoleLogin", "responseElements": { "ConsoleLogin": "Failure" } });
        assert_eq!(envelope(record)["event"]["outcome"], json!("failure"));
    }

    #[test]
    fn action_kept_verbatim_or_written_as_text() {
        let suffixed = envelope(json!({ "eventName": "DeleteFunction20150331" }));
        assert_eq!(suffixed["event"]["action"], json!("DeleteFunction20150331"));
        let number = envelope(json!({ "eventName": 7 }));
        assert_eq!(number["event"]["action"], json!("7"));
    }

    #[test]
    fn constant_fields() {
        let doc = envelope(json!({}));
        assert_eq!(doc["event"]["kind"], json!("event"));
        assert_eq!(doc["event"]["type"], json!(["info"]));
        assert_eq!(doc["event"]["dataset"], json!("aws.cloudtrail"));
        assert_eq!(doc["event"]["module"], json!("aws"));
        assert_eq!(
            doc["data_stream"],
            json!({ "type": "logs", "dataset": "aws.cloudtrail", "namespace": "default" })
        );
        assert_eq!(doc["cloud"]["provider"], json!("aws"));
    }

    #[test]
    fn shared_event_id_in_either_spelling() {
        for key in ["sharedEventID", "sharedEventId"] {
            let doc = envelope(json!({ key: "5e5b6b5c-0000-4000-8000-000000000000" }));
            let shared = &doc["aws"]["cloudtrail"]["shared_event_id"];
            assert_eq!(
                shared,
                &json!("5e5b6b5c-0000-4000-8000-000000000000"),
                "{key}"
            );
        }
    }
}
