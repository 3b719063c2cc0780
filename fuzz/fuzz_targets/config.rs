//! Arbitrary text through `rule_core::Config::from_json`.
//!
//! A rejected document must come with a message. An accepted one must run: a detector with
//! it evaluates and explains a few fixed events without panicking, agrees with `explain`
//! on errors, and keeps `events = alerts + no_match + excepted + suppressed + duplicates +
//! skipped + errors` after every call.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rule_core::explain::explain;
use rule_core::{Config, ConfigError, Detector, Rule, Timestamp};
use rule_core_fuzz::check_stats;

static RULE: LazyLock<Rule> = LazyLock::new(Rule::bundled);

/// A deletion in three shapes, the first one twice so that replay detection applies, and
/// an event that is not a deletion.
const EVENTS: &[&str] = &[
    r#"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ops-user","accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE"},"eventTime":"2024-05-14T09:21:37Z","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.15.30","requestParameters":{"functionName":"scratch-report"},"responseElements":null,"requestID":"9f3b2a6c-1d4e-4f5a-8b7c-6d5e4f3a2b1c","eventID":"0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
    r#"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ops-user","accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE"},"eventTime":"2024-05-14T09:21:37Z","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.15.30","requestParameters":{"functionName":"scratch-report"},"responseElements":null,"requestID":"9f3b2a6c-1d4e-4f5a-8b7c-6d5e4f3a2b1c","eventID":"0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
    r#"{"@timestamp":"2024-05-14T09:25:00.000Z","data_stream":{"dataset":"aws.cloudtrail"},"event":{"action":"DeleteFunction","provider":"lambda.amazonaws.com","outcome":"success","id":"5b7e1c3a-9d2f-4e6a-8c1b-0f9e8d7c6b5a"},"host":{"os":{"type":"linux"}},"user_agent":{"original":"Terraform/1.7.5"},"aws":{"cloudtrail":{"user_identity":{"arn":"arn:aws:sts::111122223333:assumed-role/terraform-ci/session"}}}}"#,
    r#"{"version":"0","id":"2525329d-da2d-4cb0-a207-936901cc1e34","detail-type":"AWS API Call via CloudTrail","source":"aws.lambda","account":"111122223333","time":"2024-05-14T09:26:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ops-user"},"eventTime":"2024-05-14T09:26:00Z","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","requestParameters":{"functionName":"invoice-renderer"},"eventID":"7a1d2e3f-4b5c-4d6e-8f90-a1b2c3d4e5f6","eventType":"AwsApiCall"}}"#,
    r#"{"eventVersion":"1.09","eventTime":"2024-05-14T09:27:00Z","eventSource":"lambda.amazonaws.com","eventName":"ListFunctions20150331","awsRegion":"us-east-1","eventID":"3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4","eventType":"AwsApiCall"}"#,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    match Config::from_json(text) {
        Ok(config) => run(config),
        Err(ConfigError::Invalid(message)) => {
            assert!(!message.is_empty(), "the error for {text:?} has no message")
        }
    }
});

fn run(config: Config) {
    let now = Timestamp::parse("2024-05-14T09:30:00Z").expect("a valid timestamp");
    let mut detector = Detector::new(RULE.clone(), config.clone());

    for (calls, event) in (1..).zip(EVENTS) {
        let verdict = detector.evaluate(event, now);
        check_stats(detector.stats(), calls);

        let explained = explain(&RULE, &config, event);
        if let (Err(explained), Err(evaluated)) = (&explained, &verdict) {
            assert_eq!(
                explained, evaluated,
                "explain and the detector fail differently"
            );
        }
        assert_eq!(
            explained.is_ok(),
            verdict.is_ok(),
            "only one of them fails: {verdict:?}"
        );
    }
}
