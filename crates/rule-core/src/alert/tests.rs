//! Alert documents built from mapped CloudTrail deletions.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::*;
use crate::ecs::from_cloudtrail;
use crate::shapes::{RecordClass, Shape};

const PROCESSING_TIME: &str = "2026-01-02T03:04:05.678Z";
const RULE_ID: &str = "bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b";
const EVENT_ID: &str = "9a8b7c6d-0000-4000-8000-000000000001";

fn deletion() -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEPRINCIPAL1",
            "arn": "arn:aws:iam::111122223333:user/ops-user",
            "accountId": "111122223333",
            "userName": "ops-user"
        },
        "eventTime": "2026-01-02T03:00:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "DeleteFunction20150331",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": { "functionName": "billing-export" },
        "responseElements": null,
        "eventID": EVENT_ID,
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    })
}

fn mapped(record: &Value) -> EcsEvent {
    let record = record.as_object().expect("the record is an object");
    EcsEvent {
        doc: from_cloudtrail(record),
        record_event_id: record
            .get("eventID")
            .and_then(Value::as_str)
            .map(str::to_string),
        shape: Shape::CloudTrail,
        class: RecordClass::Event,
    }
}

fn options() -> AlertOptions {
    AlertOptions {
        processing_time: Timestamp::parse(PROCESSING_TIME),
        ..AlertOptions::default()
    }
}

fn alert_for(record: &Value) -> Alert {
    build_alert(&Rule::bundled(), &mapped(record), &options())
}

fn document(alert: &Alert) -> Value {
    serde_json::from_str(&alert.document).expect("the alert document is JSON")
}

fn field<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(doc, |value, key| value.get(key))
}

fn sha256_hex(input: &str) -> String {
    Sha256::digest(input.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[test]
fn alert_fields() {
    let alert = alert_for(&deletion());
    let doc = document(&alert);
    let cases = [
        ("@timestamp", json!(PROCESSING_TIME)),
        ("event.kind", json!("signal")),
        ("event.action", json!("DeleteFunction20150331")),
        (
            "kibana.alert.original_time",
            json!("2026-01-02T03:00:00.000Z"),
        ),
        ("kibana.alert.original_event.kind", json!("event")),
        (
            "kibana.alert.original_event.action",
            json!("DeleteFunction20150331"),
        ),
        ("kibana.alert.original_event.outcome", json!("success")),
        (
            "kibana.alert.original_data_stream.dataset",
            json!("aws.cloudtrail"),
        ),
        (
            "kibana.alert.ancestors",
            json!([{ "id": EVENT_ID, "type": "event", "depth": 0 }]),
        ),
        ("kibana.alert.depth", json!(1)),
        ("kibana.alert.status", json!("active")),
        ("kibana.alert.workflow_status", json!("open")),
        ("kibana.alert.workflow_tags", json!([])),
        ("kibana.alert.workflow_assignee_ids", json!([])),
        ("kibana.alert.severity", json!("low")),
        ("kibana.alert.risk_score", json!(21)),
        ("kibana.alert.intended_timestamp", json!(PROCESSING_TIME)),
        ("kibana.alert.rule.execution.type", json!("scheduled")),
        (
            "kibana.alert.rule.name",
            json!("AWS Lambda Function Deletion"),
        ),
        ("kibana.alert.rule.rule_id", json!(RULE_ID)),
        ("kibana.alert.rule.type", json!("query")),
        ("kibana.alert.rule.version", json!(1)),
        ("kibana.alert.rule.severity", json!("low")),
        ("kibana.alert.rule.risk_score", json!(21)),
        ("kibana.alert.rule.immutable", json!(true)),
        ("kibana.alert.rule.enabled", json!(true)),
        ("kibana.alert.rule.consumer", json!("siem")),
        ("kibana.alert.rule.producer", json!("siem")),
        ("kibana.alert.rule.category", json!("Custom Query Rule")),
        ("kibana.alert.rule.rule_type_id", json!("siem.queryRule")),
        ("kibana.alert.rule.author", json!(["Elastic"])),
        ("kibana.alert.rule.license", json!("Elastic License v2")),
        ("kibana.alert.reason", json!(alert.reason)),
        ("kibana.alert.uuid", json!(alert.uuid)),
    ];
    for (path, expected) in cases {
        assert_eq!(field(&doc, path), Some(&expected), "{path}");
    }
}

#[test]
fn optional_context_absent_by_default() {
    let doc = document(&alert_for(&deletion()));
    for path in [
        "kibana.space_ids",
        "kibana.alert.rule.uuid",
        "detection",
        "kibana.alert.url",
    ] {
        assert_eq!(field(&doc, path), None, "{path}");
    }
}

#[test]
fn optional_context_written_when_set() {
    let options = AlertOptions {
        space_id: Some("security".to_string()),
        rule_uuid: Some("5b1a2c3d-0000-4000-8000-000000000009".to_string()),
        burst: Some(Burst {
            principal: "arn:aws:iam::111122223333:user/ops-user".to_string(),
            count: 4,
            lookback_seconds: 600,
        }),
        ..options()
    };
    let alert = build_alert(&Rule::bundled(), &mapped(&deletion()), &options);
    let doc = document(&alert);
    assert_eq!(field(&doc, "kibana.space_ids"), Some(&json!(["security"])));
    assert_eq!(
        field(&doc, "kibana.alert.rule.uuid"),
        Some(&json!("5b1a2c3d-0000-4000-8000-000000000009"))
    );
    let burst = json!({ "principal": "arn:aws:iam::111122223333:user/ops-user", "count": 4, "lookback_seconds": 600 });
    assert_eq!(field(&doc, "detection.burst"), Some(&burst));
}

#[test]
fn alert_mirrors_document() {
    let alert = alert_for(&deletion());
    let doc = document(&alert);
    assert_eq!(alert.rule_id, RULE_ID);
    assert_eq!(alert.severity, Severity::Low);
    assert_eq!(alert.risk_score, 21);
    assert_eq!(
        field(&doc, "kibana.alert.uuid").and_then(Value::as_str),
        Some(alert.uuid.as_str())
    );
    assert_eq!(
        field(&doc, "kibana.alert.reason").and_then(Value::as_str),
        Some(alert.reason.as_str())
    );
    let original_time = field(&doc, "kibana.alert.original_time").and_then(Value::as_str);
    assert_eq!(original_time, alert.original_time.as_deref());
}

#[test]
fn document_is_one_line_with_sorted_keys() {
    // RFC 8785 output sorts keys at every depth whatever the map type. Its text differs from
    // serde_json's only for fractional numbers, and this document has none.
    let alert = alert_for(&deletion());
    let sorted = serde_json_canonicalizer::to_string(&document(&alert)).expect("canonical JSON");
    assert!(!alert.document.contains('\n'));
    assert_eq!(alert.document, sorted);
}

#[test]
fn reason_forms() {
    let suffix = "created low alert AWS Lambda Function Deletion.";
    let mut hostname = deletion();
    hostname["sourceIPAddress"] = json!("cloudformation.amazonaws.com");
    let mut service = hostname.clone();
    service["userIdentity"] =
        json!({ "type": "AWSService", "invokedBy": "cloudformation.amazonaws.com" });

    let cases = [
        (
            "source and user",
            deletion(),
            format!("event with source 192.0.2.10 by ops-user {suffix}"),
        ),
        ("user only", hostname, format!("event by ops-user {suffix}")),
        ("neither", service, format!("event {suffix}")),
    ];
    for (name, record, expected) in cases {
        assert_eq!(alert_for(&record).reason, expected, "{name}");
    }
}

#[test]
fn uuid_from_rule_and_event_id() {
    let expected = sha256_hex(&format!("{RULE_ID}:{EVENT_ID}"));
    assert_eq!(alert_for(&deletion()).uuid, expected);
}

#[test]
fn uuid_from_canonical_document_without_event_id() {
    let mut record = deletion();
    record.as_object_mut().expect("an object").remove("eventID");
    let event = mapped(&record);
    let canonical = serde_json_canonicalizer::to_string(&event.doc).expect("canonical JSON");
    let expected = sha256_hex(&format!("{RULE_ID}:{canonical}"));
    assert_eq!(
        build_alert(&Rule::bundled(), &event, &options()).uuid,
        expected
    );
}

#[test]
fn same_record_same_uuid_across_processing_times() {
    let later = AlertOptions {
        processing_time: Timestamp::parse("2026-01-02T03:09:05Z"),
        ..options()
    };
    let first = alert_for(&deletion());
    let second = build_alert(&Rule::bundled(), &mapped(&deletion()), &later);
    assert_eq!(first.uuid, second.uuid);
    assert_ne!(first.document, second.document);
}

#[test]
fn alert_without_event_time_has_no_original_time() {
    let mut record = deletion();
    record
        .as_object_mut()
        .expect("an object")
        .remove("eventTime");
    let alert = alert_for(&record);
    assert_eq!(alert.original_time, None);
    assert_eq!(field(&document(&alert), "kibana.alert.original_time"), None);
}

#[test]
fn alert_on_alert_document_is_own_alert() {
    let rule = Rule::bundled();
    let alert = alert_for(&deletion());
    let alert_doc = document(&alert).as_object().cloned().expect("an object");
    let event = EcsEvent {
        doc: alert_doc,
        record_event_id: Some(EVENT_ID.to_string()),
        shape: Shape::Ecs,
        class: RecordClass::Event,
    };
    assert!(is_own_alert(&rule, &event));
}

#[test]
fn own_alert_forms() {
    let rule = Rule::bundled();
    let cases = [
        (
            "plain event",
            json!({ "event": { "action": "DeleteFunction" } }),
            false,
        ),
        (
            "dotted rule id",
            json!({ "kibana.alert.rule.rule_id": RULE_ID }),
            true,
        ),
        (
            "nested rule id",
            json!({ "kibana": { "alert": { "rule": { "rule_id": RULE_ID } } } }),
            true,
        ),
        (
            "other rule",
            json!({ "kibana.alert.rule.rule_id": "another-rule" }),
            false,
        ),
        (
            "ancestor of this rule",
            json!({ "kibana.alert.ancestors": [{ "id": "a", "rule": RULE_ID }] }),
            true,
        ),
        (
            "legacy signal",
            json!({ "signal": { "rule": { "rule_id": RULE_ID } } }),
            true,
        ),
    ];
    for (name, doc, expected) in cases {
        let event = EcsEvent {
            doc: doc.as_object().cloned().expect("an object"),
            record_event_id: None,
            shape: Shape::Ecs,
            class: RecordClass::Event,
        };
        assert_eq!(is_own_alert(&rule, &event), expected, "{name}");
    }
}

#[test]
fn alert_source_namespaces_replaced() {
    let mut event = mapped(&deletion());
    event.doc.insert(
        "kibana".to_string(),
        json!({ "alert": { "reason": "stale" } }),
    );
    event
        .doc
        .insert("signal".to_string(), json!({ "status": "open" }));
    let doc = document(&build_alert(&Rule::bundled(), &event, &options()));
    assert_eq!(field(&doc, "signal"), None);
    assert_ne!(field(&doc, "kibana.alert.reason"), Some(&json!("stale")));
}

#[test]
#[should_panic(expected = "processing_time is required")]
fn processing_time_required() {
    build_alert(
        &Rule::bundled(),
        &mapped(&deletion()),
        &AlertOptions::default(),
    );
}
