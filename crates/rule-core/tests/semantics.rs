//! Table-driven cases of the rule's Elastic semantics, end to end through the public API:
//! event text in, alert or no alert out, with the alert fields an analyst reads.

use rule_core::detector::evaluate_stateless;
use rule_core::{Alert, Rule, Timestamp};
use serde_json::{Value, json};

const PROCESSING_TIME: &str = "2026-01-02T03:04:05.678Z";

/// A successful DeleteFunction by an IAM user from a literal IPv4 address.
fn base_record() -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEPRINCIPAL1",
            "arn": "arn:aws:iam::111122223333:user/ops-user",
            "accountId": "111122223333",
            "accessKeyId": "AKIAEXAMPLEACCESSKEY",
            "userName": "ops-user"
        },
        "eventTime": "2026-01-02T03:00:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "DeleteFunction20150331",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
        "requestParameters": { "functionName": "billing-export" },
        "responseElements": null,
        "requestID": "3c7d1f4e-0000-4000-8000-000000000001",
        "eventID": "9a8b7c6d-0000-4000-8000-000000000001",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management"
    })
}

/// The same deletion as Elastic's AWS integration would index it, with nested keys.
fn base_ecs() -> Value {
    json!({
        "@timestamp": "2026-01-02T03:00:00.000Z",
        "data_stream": { "type": "logs", "dataset": "aws.cloudtrail", "namespace": "default" },
        "event": {
            "id": "9a8b7c6d-0000-4000-8000-000000000001",
            "provider": "lambda.amazonaws.com",
            "action": "DeleteFunction20150331",
            "outcome": "success",
            "kind": "event",
            "dataset": "aws.cloudtrail",
            "module": "aws"
        },
        "cloud": { "account": { "id": "111122223333" }, "region": "us-east-1" },
        "source": { "address": "192.0.2.10", "ip": "192.0.2.10" },
        "user": { "name": "ops-user" },
        "aws": { "cloudtrail": { "request_parameters": "{functionName=billing-export}" } }
    })
}

fn with(mut value: Value, pointer: &str, replacement: Value) -> Value {
    *value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no field at {pointer}")) = replacement;
    value
}

fn without(mut value: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    let object = value.pointer_mut(parent).and_then(Value::as_object_mut);
    object
        .unwrap_or_else(|| panic!("no object at {parent}"))
        .remove(key);
    value
}

fn inserted(mut value: Value, key: &str, new_value: Value) -> Value {
    value
        .as_object_mut()
        .expect("an object")
        .insert(key.to_string(), new_value);
    value
}

fn identity(identity: Value) -> Value {
    with(base_record(), "/userIdentity", identity)
}

fn run(rule: &Rule, event: &Value) -> Option<Alert> {
    let now = Timestamp::parse(PROCESSING_TIME).expect("a valid time");
    let text = event.to_string();
    evaluate_stateless(rule, &text, now).unwrap_or_else(|error| panic!("{error} for {text}"))
}

struct Case {
    name: &'static str,
    event: Value,
    alerts: bool,
}

fn case(name: &'static str, event: Value, alerts: bool) -> Case {
    Case {
        name,
        event,
        alerts,
    }
}

fn event_name_cases() -> Vec<Case> {
    let named = |name: &str| with(base_record(), "/eventName", json!(name));
    vec![
        case("plain DeleteFunction", named("DeleteFunction"), true),
        case(
            "suffixed DeleteFunction20150331",
            named("DeleteFunction20150331"),
            true,
        ),
        case(
            "future suffix with version",
            named("DeleteFunction20990101v2"),
            true,
        ),
        case("bare 20 suffix", named("DeleteFunction20"), true),
        case(
            "DeleteFunctionConcurrency20171031",
            named("DeleteFunctionConcurrency20171031"),
            false,
        ),
        case(
            "DeleteFunctionConcurrency",
            named("DeleteFunctionConcurrency"),
            false,
        ),
        case(
            "DeleteFunctionUrlConfig",
            named("DeleteFunctionUrlConfig"),
            false,
        ),
        case(
            "DeleteFunctionEventInvokeConfig",
            named("DeleteFunctionEventInvokeConfig"),
            false,
        ),
        case(
            "DeleteFunctionCodeSigningConfig",
            named("DeleteFunctionCodeSigningConfig"),
            false,
        ),
        case("DeleteAlias20150331", named("DeleteAlias20150331"), false),
        case(
            "DeleteEventSourceMapping20150331",
            named("DeleteEventSourceMapping20150331"),
            false,
        ),
        case("DeleteLayerVersion", named("DeleteLayerVersion"), false),
        case(
            "CreateFunction20150331",
            named("CreateFunction20150331"),
            false,
        ),
        case("GetFunction", named("GetFunction"), false),
        case(
            "suffix not starting with 20",
            named("DeleteFunction19990101"),
            false,
        ),
        case("trailing space", named("DeleteFunction "), false),
        case(
            "event name missing",
            without(base_record(), "/eventName"),
            false,
        ),
    ]
}

fn case_variant_cases() -> Vec<Case> {
    let named = |name: &str| with(base_record(), "/eventName", json!(name));
    let source = |source: &str| with(base_record(), "/eventSource", json!(source));
    vec![
        case("lowercase event name", named("deletefunction"), false),
        case(
            "uppercase suffixed name",
            named("DELETEFUNCTION20150331"),
            false,
        ),
        case("lowercase f", named("Deletefunction20150331"), false),
        case(
            "capitalised provider",
            source("Lambda.amazonaws.com"),
            false,
        ),
        case(
            "provider with trailing space",
            source("lambda.amazonaws.com "),
            false,
        ),
        case("another provider", source("s3.amazonaws.com"), false),
        case(
            "provider missing",
            without(base_record(), "/eventSource"),
            false,
        ),
    ]
}

fn outcome_cases() -> Vec<Case> {
    let record = base_record;
    vec![
        case(
            "AccessDenied",
            inserted(record(), "errorCode", json!("AccessDenied")),
            false,
        ),
        case(
            "ResourceNotFoundException",
            inserted(record(), "errorCode", json!("ResourceNotFoundException")),
            false,
        ),
        case(
            "replicated function",
            inserted(
                inserted(
                    record(),
                    "errorCode",
                    json!("InvalidParameterValueException"),
                ),
                "errorMessage",
                json!(
                    "Lambda was unable to delete the function because it is a replicated function."
                ),
            ),
            false,
        ),
        case(
            "error message only",
            inserted(record(), "errorMessage", json!("denied")),
            false,
        ),
        case(
            "throttled",
            inserted(record(), "errorCode", json!("TooManyRequestsException")),
            false,
        ),
        case(
            "empty error code",
            inserted(record(), "errorCode", json!("")),
            true,
        ),
        case(
            "null error code",
            inserted(record(), "errorCode", Value::Null),
            true,
        ),
        case(
            "empty error message",
            inserted(record(), "errorMessage", json!("")),
            true,
        ),
        case(
            "empty code and message",
            inserted(
                inserted(record(), "errorCode", json!("")),
                "errorMessage",
                json!(""),
            ),
            true,
        ),
    ]
}

fn dotted_ecs() -> Value {
    json!({
        "@timestamp": "2026-01-02T03:00:00.000Z",
        "data_stream.dataset": "aws.cloudtrail",
        "event.id": "9a8b7c6d-0000-4000-8000-000000000001",
        "event.provider": "lambda.amazonaws.com",
        "event.action": "DeleteFunction20150331",
        "event.outcome": "success",
        "user.name": "ops-user",
        "source.ip": "192.0.2.10"
    })
}

fn ecs_cases() -> Vec<Case> {
    let action = |value: Value| with(base_ecs(), "/event/action", value);
    vec![
        case("nested ECS", base_ecs(), true),
        case("dotted ECS", dotted_ecs(), true),
        case(
            "mixed ECS",
            json!({
                "data_stream": { "dataset": "aws.cloudtrail" },
                "event.provider": "lambda.amazonaws.com",
                "event": { "action": "DeleteFunction", "outcome": "success" }
            }),
            true,
        ),
        case(
            "action array with a match",
            action(json!(["GetFunction", "DeleteFunction"])),
            true,
        ),
        case(
            "action array with null",
            action(json!([null, "DeleteFunction20150331"])),
            true,
        ),
        case("action empty array", action(json!([])), false),
        case(
            "action array without a match",
            action(json!(["GetFunction", "ListFunctions"])),
            false,
        ),
        case(
            "literal asterisk matches unquoted wildcard",
            action(json!("DeleteFunction20*")),
            true,
        ),
        case(
            "failure outcome",
            with(base_ecs(), "/event/outcome", json!("failure")),
            false,
        ),
        case(
            "capitalised outcome",
            with(base_ecs(), "/event/outcome", json!("Success")),
            false,
        ),
        case(
            "dataset only in event.dataset",
            without(base_ecs(), "/data_stream/dataset"),
            true,
        ),
        case(
            "no dataset at all",
            without(
                without(base_ecs(), "/data_stream/dataset"),
                "/event/dataset",
            ),
            false,
        ),
        case(
            "another dataset",
            with(
                base_ecs(),
                "/data_stream/dataset",
                json!("aws.cloudtrail_other"),
            ),
            false,
        ),
        case(
            "dotted and nested merge into one field",
            inserted(
                with(base_ecs(), "/event/action", json!("GetFunction")),
                "event.action",
                json!("DeleteFunction"),
            ),
            true,
        ),
        case(
            "search hit wrapper",
            json!({ "_index": ".ds-logs-aws.cloudtrail-default-2026.01.02-000001", "_id": "x1", "_source": base_ecs() }),
            true,
        ),
    ]
}

fn identity_cases() -> Vec<Case> {
    vec![
        case(
            "AssumedRole",
            identity(json!({
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEROLEID:deploy-session",
                "arn": "arn:aws:sts::111122223333:assumed-role/deployer/deploy-session",
                "accountId": "111122223333",
                "accessKeyId": "ASIAEXAMPLEACCESSKEY",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROAEXAMPLEROLEID",
                        "arn": "arn:aws:iam::111122223333:role/deployer",
                        "accountId": "111122223333",
                        "userName": "deployer"
                    },
                    "attributes": { "creationDate": "2026-01-02T02:50:00Z", "mfaAuthenticated": "false" }
                }
            })),
            true,
        ),
        case(
            "Role",
            identity(
                json!({ "type": "Role", "arn": "arn:aws:iam::111122223333:role/app", "accountId": "111122223333" }),
            ),
            true,
        ),
        case(
            "Root without userName",
            identity(
                json!({ "type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333" }),
            ),
            true,
        ),
        case(
            "FederatedUser",
            identity(json!({
                "type": "FederatedUser",
                "principalId": "111122223333:partner",
                "arn": "arn:aws:sts::111122223333:federated-user/partner",
                "accountId": "111122223333",
                "sessionContext": { "sessionIssuer": { "type": "IAMUser", "userName": "broker", "arn": "arn:aws:iam::111122223333:user/broker" } }
            })),
            true,
        ),
        case(
            "AWSService with invokedBy",
            with(
                identity(
                    json!({ "type": "AWSService", "invokedBy": "cloudformation.amazonaws.com" }),
                ),
                "/sourceIPAddress",
                json!("cloudformation.amazonaws.com"),
            ),
            true,
        ),
        case(
            "AWSAccount without arn",
            identity(
                json!({ "type": "AWSAccount", "principalId": "AIDAEXAMPLEOTHER", "accountId": "444455556666" }),
            ),
            true,
        ),
        case(
            "IdentityCenterUser",
            identity(
                json!({ "type": "IdentityCenterUser", "accountId": "111122223333", "onBehalfOf": { "userId": "906ab1c2-example" } }),
            ),
            true,
        ),
        case(
            "no userIdentity",
            without(base_record(), "/userIdentity"),
            true,
        ),
    ]
}

fn source_and_function_cases() -> Vec<Case> {
    let address = |value: &str| with(base_record(), "/sourceIPAddress", json!(value));
    let function = |name: &str| {
        with(
            base_record(),
            "/requestParameters/functionName",
            json!(name),
        )
    };
    vec![
        case("IPv6 source", address("2001:db8::10"), true),
        case(
            "hostname source",
            address("cloudformation.amazonaws.com"),
            true,
        ),
        case("AWS Internal source", address("AWS Internal"), true),
        case(
            "function name with qualifier",
            function("billing-export:3"),
            true,
        ),
        case(
            "function full ARN",
            function("arn:aws:lambda:us-east-1:111122223333:function:billing-export"),
            true,
        ),
        case(
            "function partial ARN",
            function("111122223333:function:billing-export"),
            true,
        ),
        case(
            "separate qualifier",
            with(
                base_record(),
                "/requestParameters",
                json!({ "functionName": "billing-export", "qualifier": "7" }),
            ),
            true,
        ),
    ]
}

fn other_cases() -> Vec<Case> {
    vec![
        case(
            "Insight event",
            json!({
                "eventVersion": "1.08",
                "eventTime": "2026-01-02T03:00:00Z",
                "awsRegion": "us-east-1",
                "eventID": "insight-0001",
                "eventType": "AwsCloudTrailInsight",
                "recipientAccountId": "111122223333",
                "sharedEventID": "shared-0001",
                "insightDetails": {
                    "state": "Start",
                    "eventSource": "lambda.amazonaws.com",
                    "eventName": "DeleteFunction20150331",
                    "insightType": "ApiCallRateInsight"
                },
                "eventCategory": "Insight"
            }),
            false,
        ),
        case(
            "EventBridge envelope",
            json!({
                "version": "0",
                "id": "a1b2c3d4-envelope",
                "detail-type": "AWS API Call via CloudTrail",
                "source": "aws.lambda",
                "account": "111122223333",
                "time": "2026-01-02T03:00:00Z",
                "region": "us-east-1",
                "resources": [],
                "detail": base_record()
            }),
            true,
        ),
        case(
            "EventBridge custom source copying the detail type",
            json!({
                "version": "0",
                "id": "a1b2c3d4-spoof",
                "detail-type": "AWS API Call via CloudTrail",
                "source": "custom.lambda",
                "account": "111122223333",
                "time": "2026-01-02T03:00:00Z",
                "region": "us-east-1",
                "resources": [],
                "detail": base_record()
            }),
            false,
        ),
        case(
            "unicode escape in event name",
            // serde_json writes plain characters; the escape is spliced into the text in the
            // test below, so this record only carries a marker.
            with(base_record(), "/eventName", json!("DeleteFunction20150331")),
            true,
        ),
    ]
}

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(event_name_cases());
    cases.extend(case_variant_cases());
    cases.extend(outcome_cases());
    cases.extend(ecs_cases());
    cases.extend(identity_cases());
    cases.extend(source_and_function_cases());
    cases.extend(other_cases());
    cases
}

/// Evaluates one case; a spoofed EventBridge envelope may also be rejected as an error, which
/// is just as safe as no alert.
fn verdict_of(rule: &Rule, event: &Value) -> Result<bool, String> {
    let now = Timestamp::parse(PROCESSING_TIME).expect("a valid time");
    evaluate_stateless(rule, &event.to_string(), now)
        .map(|alert| alert.is_some())
        .map_err(|error| error.to_string())
}

#[test]
fn semantics_table() {
    let rule = Rule::bundled();
    let cases = all_cases();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let alerted = verdict_of(&rule, &case.event).unwrap_or(false);
        if alerted != case.alerts {
            failures.push(format!(
                "{}: expected alert={}, got {}",
                case.name, case.alerts, alerted
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unicode_escaped_event_name_alerts() {
    let rule = Rule::bundled();
    let text = base_record()
        .to_string()
        .replace("DeleteFunction20150331", "Delete\\u0046unction20150331");
    assert!(text.contains("\\u0046"));
    let now = Timestamp::parse(PROCESSING_TIME).unwrap();
    assert!(evaluate_stateless(&rule, &text, now).unwrap().is_some());
}

#[test]
fn quoted_wildcard_is_literal() {
    let toml = rule_core::rule::BUNDLED_RULE_TOML.replace(
        "event.action: (DeleteFunction or DeleteFunction20*)",
        "event.action: (DeleteFunction or \"DeleteFunction20*\")",
    );
    assert_ne!(
        toml,
        rule_core::rule::BUNDLED_RULE_TOML,
        "the query text changed"
    );
    let rule = Rule::from_toml(&toml).expect("the quoted query parses");
    let suffixed = base_record();
    let literal = with(base_record(), "/eventName", json!("DeleteFunction20*"));
    assert!(
        run(&rule, &suffixed).is_none(),
        "a quoted asterisk is not a wildcard"
    );
    assert!(
        run(&rule, &literal).is_some(),
        "a quoted asterisk matches itself"
    );
}

fn document(alert: &Alert) -> Value {
    serde_json::from_str(&alert.document).expect("the alert document is JSON")
}

fn field<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(document, |value, key| value.get(key))
}

#[test]
fn alert_for_iam_user_from_ip() {
    let alert = run(&Rule::bundled(), &base_record()).expect("an alert");
    let doc = document(&alert);
    assert_eq!(
        alert.reason,
        "event with source 192.0.2.10 by ops-user created low alert AWS Lambda Function Deletion."
    );
    assert_eq!(
        alert.original_time.as_deref(),
        Some("2026-01-02T03:00:00.000Z")
    );
    assert_eq!(field(&doc, "@timestamp"), Some(&json!(PROCESSING_TIME)));
    assert_eq!(field(&doc, "event.kind"), Some(&json!("signal")));
    assert_eq!(
        field(&doc, "kibana.alert.original_event.kind"),
        Some(&json!("event"))
    );
    assert_eq!(
        field(&doc, "kibana.alert.original_event.action"),
        Some(&json!("DeleteFunction20150331"))
    );
    assert_eq!(field(&doc, "kibana.alert.severity"), Some(&json!("low")));
    assert_eq!(field(&doc, "kibana.alert.risk_score"), Some(&json!(21)));
    assert_eq!(field(&doc, "kibana.alert.depth"), Some(&json!(1)));
    assert_eq!(field(&doc, "kibana.alert.status"), Some(&json!("active")));
    assert_eq!(
        field(&doc, "kibana.alert.workflow_status"),
        Some(&json!("open"))
    );
    assert_eq!(
        field(&doc, "kibana.alert.rule.rule_id"),
        Some(&json!("bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b"))
    );
    assert_eq!(
        field(&doc, "kibana.alert.rule.name"),
        Some(&json!("AWS Lambda Function Deletion"))
    );
    assert_eq!(field(&doc, "kibana.alert.uuid"), Some(&json!(alert.uuid)));
    assert_eq!(
        field(&doc, "cloud.account.id"),
        Some(&json!("111122223333"))
    );
    assert_eq!(field(&doc, "cloud.region"), Some(&json!("us-east-1")));
    assert_eq!(field(&doc, "source.ip"), Some(&json!("192.0.2.10")));
    assert_eq!(field(&doc, "user.name"), Some(&json!("ops-user")));
    assert_eq!(
        field(&doc, "aws.cloudtrail.request_parameters"),
        Some(&json!("{functionName=billing-export}"))
    );
}

#[test]
fn alert_uuid_hashes_rule_and_event_id() {
    use sha2::{Digest, Sha256};
    let alert = run(&Rule::bundled(), &base_record()).expect("an alert");
    let input = "bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b:9a8b7c6d-0000-4000-8000-000000000001";
    let expected: String = Sha256::digest(input.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(alert.uuid, expected);
}

#[test]
fn reason_forms() {
    let rule = Rule::bundled();
    let hostname = with(
        base_record(),
        "/sourceIPAddress",
        json!("cloudformation.amazonaws.com"),
    );
    let by_user_only = run(&rule, &hostname).expect("an alert");
    assert_eq!(
        by_user_only.reason,
        "event by ops-user created low alert AWS Lambda Function Deletion."
    );

    let service = with(
        identity(json!({ "type": "AWSService", "invokedBy": "cloudformation.amazonaws.com" })),
        "/sourceIPAddress",
        json!("cloudformation.amazonaws.com"),
    );
    let bare = run(&rule, &service).expect("an alert");
    assert_eq!(
        bare.reason,
        "event created low alert AWS Lambda Function Deletion."
    );

    let assumed = identity(json!({
        "type": "AssumedRole",
        "arn": "arn:aws:sts::111122223333:assumed-role/deployer/s1",
        "sessionContext": { "sessionIssuer": { "type": "Role", "userName": "deployer" } }
    }));
    let role = run(&rule, &assumed).expect("an alert");
    assert_eq!(
        role.reason,
        "event with source 192.0.2.10 by deployer created low alert AWS Lambda Function Deletion."
    );
}

#[test]
fn same_deletion_same_alert_across_identity_free_fields() {
    // Two copies of one record differing only in key order and whitespace give one alert.
    let rule = Rule::bundled();
    let compact = base_record().to_string();
    let pretty = serde_json::to_string_pretty(&base_record()).unwrap();
    let now = Timestamp::parse(PROCESSING_TIME).unwrap();
    let first = evaluate_stateless(&rule, &compact, now).unwrap().unwrap();
    let second = evaluate_stateless(&rule, &pretty, now).unwrap().unwrap();
    assert_eq!(first, second);
}
