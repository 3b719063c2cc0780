//! Raw CloudTrail records, and the files CloudTrail writes next to them: log files of many
//! records, digest files and Insight events.

use serde_json::{Map, Value};

use super::{EcsEvent, RecordClass, Shape};

/// The shape, as error messages list it.
pub(super) const DESCRIPTION: &str =
    "a CloudTrail record (key eventSource, eventName or eventVersion, or an Insight event)";

/// The kind a digest file is skipped as.
pub(super) const DIGEST_KIND: &str = "cloudtrail-digest";

/// Tells whether `map` is a CloudTrail record.
///
/// Every API call, service event and console event carries `eventSource`, `eventName` and
/// `eventVersion`, and one of them is enough: shippers trim records, and Elastic's pipeline
/// maps a record that has only `eventSource` and `eventName`. No other accepted shape has
/// these keys at the top level. Insight events lack the first two.
pub(super) fn is_record(map: &Map<String, Value>) -> bool {
    map.contains_key("eventSource")
        || map.contains_key("eventName")
        || map.contains_key("eventVersion")
        || is_insight(map)
}

/// Tells whether `map` is an Insight event. Its `eventSource` and `eventName` sit inside
/// `insightDetails`, so the query never matches it.
pub(super) fn is_insight(map: &Map<String, Value>) -> bool {
    map.contains_key("insightDetails")
        || map.get("eventType").and_then(Value::as_str) == Some("AwsCloudTrailInsight")
}

/// Tells whether `map` is a digest file, which CloudTrail writes every hour for log file
/// validation. Every digest names its own S3 object and the end of the hour it covers.
pub(super) fn is_digest(map: &Map<String, Value>) -> bool {
    map.contains_key("digestS3Object") && map.contains_key("digestEndTime")
}

/// Returns how to split `map` when it is a log file (`{"Records": [...]}`).
pub(super) fn log_file_hint(map: &Map<String, Value>) -> Option<String> {
    let records = map.get("Records")?.as_array()?;
    Some(format!(
        "a CloudTrail log file with {} records in `Records`; pass one record per event \
         (rule-host scan splits log files, gzip included)",
        records.len()
    ))
}

/// Maps `record` to ECS and marks what it is.
pub(super) fn normalize_record(record: &Map<String, Value>, shape: Shape) -> EcsEvent {
    let class = if is_insight(record) {
        RecordClass::Insight
    } else {
        RecordClass::Event
    };

    EcsEvent {
        doc: crate::ecs::from_cloudtrail(record),
        record_event_id: event_id(record),
        shape,
        class,
    }
}

/// Returns the record's `eventID`. An empty one counts as missing, because Elastic's
/// pipeline drops empty strings before it sets `event.id`.
fn event_id(record: &Map<String, Value>) -> Option<String> {
    let id = record.get("eventID")?.as_str()?;
    (!id.is_empty()).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{event_id, is_digest, is_insight, is_record, log_file_hint, normalize_record};
    use crate::shapes::{RecordClass, Shape};

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test input must be an object, got {other}"),
        }
    }

    fn deletion() -> Map<String, Value> {
        object(json!({
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "IAMUser",
                "arn": "arn:aws:iam::111122223333:user/ops-user",
                "accountId": "111122223333",
                "userName": "ops-user"
            },
            "eventTime": "2024-05-14T09:21:37Z",
            "eventSource": "lambda.amazonaws.com",
            "eventName": "DeleteFunction20150331",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "192.0.2.10",
            "requestParameters": {"functionName": "invoice-renderer"},
            "responseElements": null,
            "eventID": "0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40",
            "eventType": "AwsApiCall",
            "recipientAccountId": "111122223333"
        }))
    }

    fn insight() -> Map<String, Value> {
        object(json!({
            "eventVersion": "1.08",
            "eventTime": "2024-05-14T10:00:00Z",
            "awsRegion": "us-east-1",
            "eventID": "5b0e4a51-3c4d-4b8f-8e9e-1a2b3c4d5e6f",
            "eventType": "AwsCloudTrailInsight",
            "recipientAccountId": "111122223333",
            "insightDetails": {
                "state": "Start",
                "eventSource": "lambda.amazonaws.com",
                "eventName": "DeleteFunction20150331",
                "insightType": "ApiCallRateInsight"
            },
            "eventCategory": "Insight"
        }))
    }

    #[test]
    fn record_detected_by_any_marker() {
        let cases = [
            json!({"eventSource": "lambda.amazonaws.com"}),
            json!({"eventName": "DeleteFunction"}),
            json!({"eventVersion": "1.09"}),
            json!({"insightDetails": {}}),
            json!({"eventType": "AwsCloudTrailInsight"}),
        ];
        for case in cases {
            assert!(is_record(&object(case.clone())), "{case}");
        }
    }

    #[test]
    fn record_markers_are_case_sensitive() {
        let cases = [
            json!({"EventSource": "lambda.amazonaws.com", "EventName": "DeleteFunction"}),
            json!({"eventsource": "lambda.amazonaws.com", "eventname": "DeleteFunction"}),
            json!({"eventType": "AwsApiCall"}),
        ];
        for case in cases {
            assert!(!is_record(&object(case.clone())), "{case}");
        }
    }

    #[test]
    fn insight_detected_by_type_or_details() {
        assert!(is_insight(&insight()));
        assert!(is_insight(&object(json!({"insightDetails": {}}))));
        assert!(!is_insight(&deletion()));
    }

    #[test]
    fn digest_needs_object_and_end_time() {
        let digest = json!({
            "awsAccountId": "111122223333",
            "digestStartTime": "2024-05-14T09:00:00Z",
            "digestEndTime": "2024-05-14T10:00:00Z",
            "digestS3Object": "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/x.json.gz"
        });

        assert!(is_digest(&object(digest)));
        assert!(!is_digest(&object(
            json!({"digestEndTime": "2024-05-14T10:00:00Z"})
        )));
        assert!(!is_digest(&deletion()));
    }

    #[test]
    fn log_file_hint_needs_records_array() {
        assert!(log_file_hint(&object(json!({"Records": [{}]}))).is_some());
        assert!(log_file_hint(&object(json!({"Records": "not an array"}))).is_none());
        assert!(log_file_hint(&deletion()).is_none());
    }

    #[test]
    fn event_id_skips_empty_and_non_string() {
        assert_eq!(
            event_id(&deletion()).as_deref(),
            Some("0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40")
        );
        assert_eq!(event_id(&object(json!({"eventID": ""}))), None);
        assert_eq!(event_id(&object(json!({"eventID": 7}))), None);
        assert_eq!(event_id(&object(json!({}))), None);
    }

    #[test]
    fn record_normalized_as_event() {
        let event = normalize_record(&deletion(), Shape::CloudTrail);

        assert_eq!(event.class, RecordClass::Event);
        assert_eq!(event.shape, Shape::CloudTrail);
        assert_eq!(
            event.record_event_id.as_deref(),
            Some("0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40")
        );
        assert_eq!(event.doc, crate::ecs::from_cloudtrail(&deletion()));
    }

    #[test]
    fn insight_normalized_as_insight_class() {
        let event = normalize_record(&insight(), Shape::CloudTrail);

        assert_eq!(event.class, RecordClass::Insight);
        assert_eq!(
            event.record_event_id.as_deref(),
            Some("5b0e4a51-3c4d-4b8f-8e9e-1a2b3c4d5e6f")
        );
        let actions = crate::document::field_values(&event.doc, "event.action");
        assert!(
            actions.is_empty(),
            "an Insight event has no event.action: {actions:?}"
        );
    }
}
