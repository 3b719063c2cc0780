//! The README's configuration example must stay a valid configuration that does what the
//! README says: it silences the Terraform role.

use rule_core::{Config, Detector, Rule, Timestamp, Verdict};

/// Returns the JSON block that follows the `config-example` marker in the README.
fn readme_example() -> String {
    let readme = include_str!("../../../README.md");
    let marker = readme
        .find("<!-- config-example")
        .expect("the README marks its config example");
    let after = &readme[marker..];
    let start = after
        .find("```json\n")
        .expect("a json block follows the marker")
        + "```json\n".len();
    let end = after[start..]
        .find("```")
        .expect("the json block is closed");
    after[start..start + end].to_string()
}

fn deletion_by(arn: &str, user_agent: &str) -> String {
    serde_json::json!({
        "eventVersion": "1.08",
        "userIdentity": { "type": "AssumedRole", "arn": arn, "accountId": "111122223333" },
        "eventTime": "2026-12-04T11:58:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "DeleteFunction20150331",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": user_agent,
        "requestParameters": { "functionName": "report-builder" },
        "eventID": format!("readme-{arn}"),
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    })
    .to_string()
}

#[test]
fn readme_config_parses() {
    let config = Config::from_json(&readme_example()).expect("the README example is valid");
    assert_eq!(config.exceptions.len(), 2);
    assert_eq!(config.max_alerts_per_execution, Some(100));
    assert!(config.replay_detection);
    assert_eq!(
        config.processing_time,
        Timestamp::parse("2026-12-04T12:00:00Z")
    );
}

#[test]
fn readme_config_silences_terraform_role() {
    let config = Config::from_json(&readme_example()).unwrap();
    let mut detector = Detector::new(Rule::bundled(), config);
    let now = Timestamp::parse("2026-12-04T12:00:00Z").unwrap();

    let terraform = deletion_by(
        "arn:aws:sts::111122223333:assumed-role/terraform-ci/run-42",
        "aws-sdk-go-v2/1.30",
    );
    let person = deletion_by(
        "arn:aws:sts::111122223333:assumed-role/admin/alice",
        "aws-cli/2.15.0",
    );

    let excepted = detector.evaluate(&terraform, now).unwrap();
    assert_eq!(
        excepted,
        Verdict::Excepted("Terraform deploy role".to_string())
    );
    assert!(matches!(
        detector.evaluate(&person, now).unwrap(),
        Verdict::Alert(_)
    ));
}
