//! EventBridge events that carry a CloudTrail record in `detail`.
//!
//! Only an event whose `source` starts with `aws.` is trusted. EventBridge reserves that
//! prefix for AWS services (its API reference for `PutEventsRequestEntry.Source` calls it
//! service-reserved), so an application can copy the detail-type and a forged record into
//! a custom event but cannot give it an `aws.` source. Such an event is an
//! `unsupported-shape` error rather than a no-match: it can never alert, and the error makes
//! the forgery or the misrouted rule visible in the error count.

use serde_json::{Map, Value};

use super::{EcsEvent, Shape, cloudtrail, describe_keys};
use crate::error::EventError;

/// The shape, as error messages list it.
pub(super) const DESCRIPTION: &str = "an EventBridge event from an AWS service (source aws.*) \
     with a CloudTrail detail-type and the record in `detail`";

/// The detail-types CloudTrail gives the events it sends to EventBridge (EventBridge User
/// Guide, "AWS service events delivered via AWS CloudTrail").
const CLOUDTRAIL_DETAIL_TYPES: [&str; 5] = [
    "AWS API Call via CloudTrail",
    "AWS Service Event via CloudTrail",
    "AWS Console Signin via CloudTrail",
    "AWS Console Action via CloudTrail",
    "AWS Insight via CloudTrail",
];

/// Tells whether `map` is an EventBridge event, trusted or not.
pub(super) fn is_envelope(map: &Map<String, Value>) -> bool {
    map.contains_key("detail-type") && map.contains_key("detail")
}

/// Checks the envelope and maps the CloudTrail record in `detail`. The record's own
/// `eventID` identifies it. The envelope's `id` belongs to EventBridge and is ignored.
pub(super) fn normalize(
    envelope: &Map<String, Value>,
    shape: Shape,
) -> Result<EcsEvent, EventError> {
    check_source(envelope)?;
    check_detail_type(envelope)?;

    let record = match envelope.get("detail") {
        Some(Value::Object(record)) if cloudtrail::is_record(record) => record,
        Some(Value::Object(other)) => {
            return Err(unsupported(format!(
                "the EventBridge `detail` is not a CloudTrail record: it has {}",
                describe_keys(other)
            )));
        }
        _ => {
            return Err(unsupported(
                "the EventBridge `detail` is not an object".to_owned(),
            ));
        }
    };
    Ok(cloudtrail::normalize_record(record, shape))
}

fn check_source(envelope: &Map<String, Value>) -> Result<(), EventError> {
    match envelope.get("source") {
        Some(Value::String(source)) if source.starts_with("aws.") => Ok(()),
        Some(Value::String(source)) => Err(unsupported(format!(
            "EventBridge event from the custom source {source:?} is not evaluated: \
             only AWS services (source aws.*) deliver CloudTrail records, so it may be forged"
        ))),
        _ => Err(unsupported(
            "EventBridge event without a string `source` is not evaluated: \
             only AWS services (source aws.*) deliver CloudTrail records"
                .to_owned(),
        )),
    }
}

fn check_detail_type(envelope: &Map<String, Value>) -> Result<(), EventError> {
    let detail_type = envelope
        .get("detail-type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if is_cloudtrail_detail_type(detail_type) {
        return Ok(());
    }
    Err(unsupported(format!(
        "EventBridge detail-type {detail_type:?} does not carry a CloudTrail record; \
         expected one of {}",
        CLOUDTRAIL_DETAIL_TYPES.join(", ")
    )))
}

/// Accepts the documented detail-types, and the same names starting with "Amazon" in place
/// of "AWS".
///
/// NOTE: the China-region EventBridge documentation prints "Amazon API Call via CloudTrail",
/// but whether events carry that spelling is unverified. Accepting it is safe because trust
/// rests on the `aws.` source, not on the detail-type.
fn is_cloudtrail_detail_type(detail_type: &str) -> bool {
    let documented = match detail_type.strip_prefix("Amazon ") {
        Some(rest) => format!("AWS {rest}"),
        None => detail_type.to_owned(),
    };
    CLOUDTRAIL_DETAIL_TYPES.contains(&documented.as_str())
}

fn unsupported(message: String) -> EventError {
    EventError::UnsupportedShape(message)
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{is_cloudtrail_detail_type, is_envelope, normalize};
    use crate::error::EventError;
    use crate::shapes::{RecordClass, Shape};

    const RECORD_ID: &str = "0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40";

    fn envelope(source: Value, detail_type: &str) -> Map<String, Value> {
        let value = json!({
            "version": "0",
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "detail-type": detail_type,
            "source": source,
            "account": "111122223333",
            "time": "2024-05-14T09:21:37Z",
            "region": "us-east-1",
            "resources": [],
            "detail": {
                "eventVersion": "1.09",
                "eventSource": "lambda.amazonaws.com",
                "eventName": "DeleteFunction20150331",
                "eventTime": "2024-05-14T09:21:37Z",
                "awsRegion": "us-east-1",
                "requestParameters": {"functionName": "invoice-renderer"},
                "eventID": RECORD_ID,
                "eventType": "AwsApiCall"
            }
        });
        match value {
            Value::Object(map) => map,
            _ => unreachable!("the literal above is an object"),
        }
    }

    fn unsupported_message(result: Result<impl std::fmt::Debug, EventError>) -> String {
        match result {
            Err(EventError::UnsupportedShape(message)) => message,
            other => panic!("expected an unsupported-shape error, got {other:?}"),
        }
    }

    #[test]
    fn envelope_needs_detail_type_and_detail() {
        assert!(is_envelope(&envelope(
            json!("aws.lambda"),
            "AWS API Call via CloudTrail"
        )));

        let mut without_detail = envelope(json!("aws.lambda"), "AWS API Call via CloudTrail");
        without_detail.remove("detail");
        assert!(!is_envelope(&without_detail));
    }

    #[test]
    fn detail_types_accepted() {
        let accepted = [
            "AWS API Call via CloudTrail",
            "AWS Service Event via CloudTrail",
            "AWS Console Signin via CloudTrail",
            "AWS Console Action via CloudTrail",
            "AWS Insight via CloudTrail",
            "Amazon API Call via CloudTrail",
        ];
        for detail_type in accepted {
            assert!(is_cloudtrail_detail_type(detail_type), "{detail_type}");
        }
    }

    #[test]
    fn detail_types_rejected() {
        let rejected = [
            "",
            "aws api call via cloudtrail",
            "AWS API Call via CloudTrail ",
            "EC2 Instance State-change Notification",
            "Amazon Amazon API Call via CloudTrail",
        ];
        for detail_type in rejected {
            assert!(!is_cloudtrail_detail_type(detail_type), "{detail_type:?}");
        }
    }

    #[test]
    fn aws_source_normalizes_detail() {
        let event = normalize(
            &envelope(json!("aws.lambda"), "AWS API Call via CloudTrail"),
            Shape::EventBridge,
        )
        .expect("a trusted envelope normalises");

        assert_eq!(event.shape, Shape::EventBridge);
        assert_eq!(event.class, RecordClass::Event);
        assert_eq!(event.record_event_id.as_deref(), Some(RECORD_ID));
    }

    #[test]
    fn spoofed_sources_rejected() {
        let sources = [
            json!("com.example.audit"),
            json!("aws"),
            json!("AWS.lambda"),
            json!("awslambda"),
            json!(" aws.lambda"),
            json!(null),
            json!(["aws.lambda"]),
        ];
        for source in sources {
            let input = envelope(source.clone(), "AWS API Call via CloudTrail");
            let message = unsupported_message(normalize(&input, Shape::EventBridge));
            assert!(message.contains("source aws.*"), "{source}: {message}");
        }
    }

    #[test]
    fn spoof_without_source_key_rejected() {
        let mut input = envelope(json!("aws.lambda"), "AWS API Call via CloudTrail");
        input.remove("source");

        let message = unsupported_message(normalize(&input, Shape::EventBridge));

        assert!(message.contains("without a string `source`"), "{message}");
    }

    #[test]
    fn other_detail_type_rejected() {
        let input = envelope(
            json!("aws.lambda"),
            "Lambda Function Invocation Result - Success",
        );

        let message = unsupported_message(normalize(&input, Shape::EventBridge));

        assert!(
            message.contains("does not carry a CloudTrail record"),
            "{message}"
        );
    }

    #[test]
    fn detail_must_be_a_record() {
        let mut not_object = envelope(json!("aws.lambda"), "AWS API Call via CloudTrail");
        not_object.insert("detail".to_owned(), json!("text"));
        let mut not_record = not_object.clone();
        not_record.insert("detail".to_owned(), json!({"state": "running"}));

        let not_object_message = unsupported_message(normalize(&not_object, Shape::EventBridge));
        let not_record_message = unsupported_message(normalize(&not_record, Shape::EventBridge));

        assert!(
            not_object_message.contains("not an object"),
            "{not_object_message}"
        );
        assert!(
            not_record_message.contains("keys state"),
            "{not_record_message}"
        );
    }
}
