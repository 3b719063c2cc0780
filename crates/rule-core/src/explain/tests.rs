use serde_json::{Value, json};

use super::explain;
use crate::config::Config;
use crate::error::EventError;
use crate::rule::Rule;

const DELETION: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEUSERID01","arn":"arn:aws:iam::111122223333:user/deployer","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEKEY00001","userName":"deployer"},"eventTime":"2024-05-01T12:00:00Z","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"APN/1.0 HashiCorp/1.0 Terraform/1.5.7","requestParameters":{"functionName":"orders"},"responseElements":null,"requestID":"3f1d2c4b-5a6e-4f7d-8c9b-0a1b2c3d4e5f","eventID":"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;

const GET_FUNCTION: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEUSERID01","arn":"arn:aws:iam::111122223333:user/deployer","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEKEY00001","userName":"deployer"},"eventTime":"2024-05-01T12:01:00Z","eventSource":"lambda.amazonaws.com","eventName":"GetFunction20150331v2","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","errorCode":"AccessDenied","errorMessage":"User is not authorized to perform: lambda:GetFunction","requestParameters":null,"responseElements":null,"requestID":"4a2e3d5c-6b7f-4a8e-9d0c-1b2c3d4e5f60","eventID":"0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;

fn report(config: &Config, text: &str) -> Value {
    let line = explain(&Rule::bundled(), config, text).unwrap();
    assert!(!line.contains('\n'), "the report is one line: {line}");
    serde_json::from_str(&line).unwrap()
}

fn clause_values(report: &Value) -> Vec<(String, String)> {
    let clauses = report["clauses"].as_array().expect("clauses is an array");
    clauses
        .iter()
        .map(|clause| {
            let field = clause["field"].as_str().unwrap().to_string();
            let value = clause["value"].as_str().unwrap().to_string();
            (field, value)
        })
        .collect()
}

#[test]
fn explain_matching_event() {
    let report = report(&Config::default(), DELETION);
    assert_eq!(report["shape"], "cloudtrail");
    assert_eq!(
        report["fields"]["event.action"],
        json!(["DeleteFunction20150331"])
    );
    assert_eq!(
        report["fields"]["event.provider"],
        json!(["lambda.amazonaws.com"])
    );
    assert_eq!(report["fields"]["event.outcome"], json!(["success"]));
    assert_eq!(
        report["fields"]["data_stream.dataset"],
        json!(["aws.cloudtrail"])
    );
    let values = clause_values(&report);
    assert_eq!(values.len(), 4);
    assert!(
        values.iter().all(|(_, value)| value == "true"),
        "{values:?}"
    );
    assert_eq!(report["exception"], Value::Null);
    assert_eq!(report["verdict"]["kind"], "alert");
    assert_eq!(report["verdict"]["uuid"].as_str().map(str::len), Some(64));
}

#[test]
fn explain_non_matching_event() {
    let report = report(&Config::default(), GET_FUNCTION);
    let values = clause_values(&report);
    let action = values.iter().find(|(field, _)| field == "event.action");
    let outcome = values.iter().find(|(field, _)| field == "event.outcome");
    assert_eq!(action.map(|(_, value)| value.as_str()), Some("false"));
    assert_eq!(outcome.map(|(_, value)| value.as_str()), Some("false"));
    assert_eq!(
        report["verdict"],
        json!({ "kind": "no_match", "reason": "query" })
    );
    assert_eq!(report["exception"], Value::Null);
}

#[test]
fn explain_missing_field() {
    let ecs = r#"{"@timestamp":"2024-05-01T12:00:00Z","data_stream":{"dataset":"aws.cloudtrail"},"event":{"action":"DeleteFunction","outcome":"success"}}"#;
    let report = report(&Config::default(), ecs);
    assert_eq!(report["shape"], "ecs");
    assert_eq!(report["fields"]["event.provider"], json!([]));
    let values = clause_values(&report);
    let provider = values.iter().find(|(field, _)| field == "event.provider");
    assert_eq!(provider.map(|(_, value)| value.as_str()), Some("missing"));
}

#[test]
fn explain_excepted_event() {
    let config = Config::from_json(
        r#"{"exceptions": [{"name": "Terraform deployer", "type": "simple", "entries": [
            {"type": "wildcard", "field": "user_agent.original", "operator": "included", "value": "*Terraform*"},
            {"type": "match", "field": "aws.cloudtrail.user_identity.arn", "operator": "included",
             "value": "arn:aws:iam::111122223333:user/deployer"}]}]}"#,
    )
    .unwrap();
    let report = report(&config, DELETION);
    assert_eq!(report["exception"], "Terraform deployer");
    assert_eq!(
        report["verdict"],
        json!({ "kind": "excepted", "item": "Terraform deployer" })
    );
}

#[test]
fn explain_malformed_event() {
    let error = explain(&Rule::bundled(), &Config::default(), "{\"eventName\": ").unwrap_err();
    assert!(matches!(error, EventError::InvalidJson(_)), "{error:?}");
}

#[test]
fn explain_skipped_input() {
    let digest = r#"{"awsAccountId":"111122223333","digestStartTime":"2024-05-01T11:00:00Z","digestEndTime":"2024-05-01T12:00:00Z","digestS3Bucket":"example-trail-bucket","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/digest.json.gz","logFiles":[]}"#;
    let report = report(&Config::default(), digest);
    assert_eq!(report["shape"], Value::Null);
    assert_eq!(report["verdict"]["kind"], "skipped");
}

#[test]
fn explain_keys_are_sorted() {
    let line = explain(&Rule::bundled(), &Config::default(), DELETION).unwrap();
    let value: Value = serde_json::from_str(&line).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["clauses", "exception", "fields", "shape", "verdict"]);
    let positions: Vec<usize> = [
        "\"clauses\"",
        "\"exception\"",
        "\"fields\"",
        "\"shape\"",
        "\"verdict\"",
    ]
    .iter()
    .map(|key| line.find(key).unwrap())
    .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{line}");
}

#[test]
fn explain_ignores_detector_state() {
    let config = Config::from_json(r#"{"max_alerts_per_execution": 1}"#).unwrap();
    let first = report(&config, DELETION);
    let second = report(&config, DELETION);
    assert_eq!(first["verdict"]["kind"], "alert");
    assert_eq!(second["verdict"]["kind"], "alert");
}
