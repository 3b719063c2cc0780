use serde_json::{Map, Value, json};

use super::ExceptionList;
use crate::timestamp::Timestamp;

/// Returns the processing time of the tests, before every `expire_time` in the fixtures.
fn now() -> Timestamp {
    Timestamp::parse("2024-05-14T09:30:00Z").unwrap()
}

/// Returns an ECS document of a deletion by a Terraform role, with arrays and dotted keys in the
/// places where Elasticsearch documents have them.
fn terraform_doc() -> Map<String, Value> {
    let doc = json!({
        "event": { "action": "DeleteFunction20150331", "provider": "lambda.amazonaws.com" },
        "user_agent.original": "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
        "aws": {
            "cloudtrail": {
                "user_identity": {
                    "arn": "arn:aws:sts::111122223333:assumed-role/terraform-ci/run-42",
                    "type": "AssumedRole"
                },
                "resources": [
                    { "type": "AWS::Lambda::Function", "arn": "arn:aws:lambda:us-east-1:111122223333:function:orders" },
                    { "type": "AWS::IAM::Role", "arn": "arn:aws:iam::111122223333:role/orders-exec" }
                ]
            }
        },
        "related": { "user": ["terraform-ci", "run-42"] },
        "source": { "ip": "192.0.2.10" }
    });
    let Value::Object(doc) = doc else {
        unreachable!("the literal is an object")
    };
    doc
}

/// Builds a list of one item holding `entries`.
fn single_item(entries: Value) -> ExceptionList {
    let items = json!([{ "name": "probe", "type": "simple", "entries": entries }]);
    ExceptionList::from_value(&items).expect("test items are valid")
}

fn item_matches(entries: Value) -> bool {
    single_item(entries)
        .first_match(&terraform_doc(), now())
        .is_some()
}

#[test]
fn entry_types_and_operators() {
    let arn = "aws.cloudtrail.user_identity.arn";
    let agent = "user_agent.original";
    let cases = [
        // match
        (
            "match present",
            json!({"type": "match", "field": "source.ip", "operator": "included", "value": "192.0.2.10"}),
            true,
        ),
        (
            "match other value",
            json!({"type": "match", "field": "source.ip", "operator": "included", "value": "192.0.2.11"}),
            false,
        ),
        (
            "match is case-sensitive",
            json!({"type": "match", "field": "event.action", "operator": "included", "value": "deletefunction20150331"}),
            false,
        ),
        (
            "match missing field",
            json!({"type": "match", "field": "user.name", "operator": "included", "value": "x"}),
            false,
        ),
        (
            "match excluded other value",
            json!({"type": "match", "field": "source.ip", "operator": "excluded", "value": "192.0.2.11"}),
            true,
        ),
        (
            "match excluded same value",
            json!({"type": "match", "field": "source.ip", "operator": "excluded", "value": "192.0.2.10"}),
            false,
        ),
        (
            "match excluded missing field",
            json!({"type": "match", "field": "user.name", "operator": "excluded", "value": "x"}),
            true,
        ),
        (
            "match array element",
            json!({"type": "match", "field": "related.user", "operator": "included", "value": "run-42"}),
            true,
        ),
        (
            "match excluded array element",
            json!({"type": "match", "field": "related.user", "operator": "excluded", "value": "run-42"}),
            false,
        ),
        (
            "match dotted key",
            json!({"type": "match", "field": agent, "operator": "included", "value": "APN/1.0 HashiCorp/1.0 Terraform/1.5.7"}),
            true,
        ),
        // match_any
        (
            "match_any one of",
            json!({"type": "match_any", "field": "event.action", "operator": "included", "value": ["DeleteFunction", "DeleteFunction20150331"]}),
            true,
        ),
        (
            "match_any none of",
            json!({"type": "match_any", "field": "event.action", "operator": "included", "value": ["DeleteFunction", "deletefunction20150331"]}),
            false,
        ),
        (
            "match_any excluded none of",
            json!({"type": "match_any", "field": "event.action", "operator": "excluded", "value": ["GetFunction"]}),
            true,
        ),
        (
            "match_any excluded one of",
            json!({"type": "match_any", "field": "event.action", "operator": "excluded", "value": ["GetFunction", "DeleteFunction20150331"]}),
            false,
        ),
        (
            "match_any excluded missing",
            json!({"type": "match_any", "field": "user.name", "operator": "excluded", "value": ["x"]}),
            true,
        ),
        // wildcard
        (
            "wildcard role",
            json!({"type": "wildcard", "field": arn, "operator": "included", "value": "arn:aws:sts::*:assumed-role/terraform-*"}),
            true,
        ),
        (
            "wildcard agent",
            json!({"type": "wildcard", "field": agent, "operator": "included", "value": "*Terraform*"}),
            true,
        ),
        (
            "wildcard is case-sensitive",
            json!({"type": "wildcard", "field": agent, "operator": "included", "value": "*terraform*"}),
            false,
        ),
        (
            "wildcard is anchored",
            json!({"type": "wildcard", "field": agent, "operator": "included", "value": "Terraform*"}),
            false,
        ),
        (
            "wildcard question mark",
            json!({"type": "wildcard", "field": "source.ip", "operator": "included", "value": "192.0.2.1?"}),
            true,
        ),
        (
            "wildcard missing field",
            json!({"type": "wildcard", "field": "user.name", "operator": "included", "value": "*"}),
            false,
        ),
        (
            "wildcard excluded matching",
            json!({"type": "wildcard", "field": agent, "operator": "excluded", "value": "*Terraform*"}),
            false,
        ),
        (
            "wildcard excluded missing",
            json!({"type": "wildcard", "field": "user.name", "operator": "excluded", "value": "*"}),
            true,
        ),
        // exists
        (
            "exists present",
            json!({"type": "exists", "field": "source.ip", "operator": "included"}),
            true,
        ),
        (
            "exists missing",
            json!({"type": "exists", "field": "user.name", "operator": "included"}),
            false,
        ),
        (
            "exists excluded present",
            json!({"type": "exists", "field": "source.ip", "operator": "excluded"}),
            false,
        ),
        (
            "exists excluded missing",
            json!({"type": "exists", "field": "user.name", "operator": "excluded"}),
            true,
        ),
    ];
    for (name, entry, expected) in cases {
        assert_eq!(item_matches(json!([entry])), expected, "{name}");
    }
}

#[test]
fn nested_entries_hold_for_one_element() {
    let resources = "aws.cloudtrail.resources";
    let cases = [
        (
            "same element",
            json!([
                {"type": "match", "field": "type", "operator": "included", "value": "AWS::Lambda::Function"},
                {"type": "match", "field": "arn", "operator": "included", "value": "arn:aws:lambda:us-east-1:111122223333:function:orders"}
            ]),
            true,
        ),
        (
            "split across elements",
            json!([
                {"type": "match", "field": "type", "operator": "included", "value": "AWS::Lambda::Function"},
                {"type": "match", "field": "arn", "operator": "included", "value": "arn:aws:iam::111122223333:role/orders-exec"}
            ]),
            false,
        ),
        (
            "excluded inside element",
            json!([
                {"type": "match", "field": "type", "operator": "included", "value": "AWS::IAM::Role"},
                {"type": "match", "field": "arn", "operator": "excluded", "value": "arn:aws:iam::111122223333:role/other"}
            ]),
            true,
        ),
        (
            "exists inside element",
            json!([{"type": "exists", "field": "account_id", "operator": "included"}]),
            false,
        ),
        (
            "match_any inside element",
            json!([{"type": "match_any", "field": "type", "operator": "included", "value": ["AWS::IAM::Role", "AWS::S3::Bucket"]}]),
            true,
        ),
    ];
    for (name, entries, expected) in cases {
        let nested = json!([{ "type": "nested", "field": resources, "entries": entries }]);
        assert_eq!(item_matches(nested), expected, "{name}");
    }
}

#[test]
fn nested_missing_parent_never_holds() {
    let nested = json!([{
        "type": "nested",
        "field": "aws.cloudtrail.missing",
        "entries": [{"type": "exists", "field": "arn", "operator": "excluded"}]
    }]);
    assert!(!item_matches(nested));
}

#[test]
fn item_entries_are_anded() {
    let both = json!([
        {"type": "match", "field": "source.ip", "operator": "included", "value": "192.0.2.10"},
        {"type": "wildcard", "field": "user_agent.original", "operator": "included", "value": "*Terraform*"}
    ]);
    let one_fails = json!([
        {"type": "match", "field": "source.ip", "operator": "included", "value": "192.0.2.10"},
        {"type": "wildcard", "field": "user_agent.original", "operator": "included", "value": "*Pulumi*"}
    ]);
    assert!(item_matches(both));
    assert!(!item_matches(one_fails));
}

#[test]
fn items_are_ored_and_first_label_wins() {
    let items = json!([
        { "name": "pulumi", "entries": [{"type": "wildcard", "field": "user_agent.original", "operator": "included", "value": "*Pulumi*"}] },
        { "item_id": "terraform-agent", "entries": [{"type": "wildcard", "field": "user_agent.original", "operator": "included", "value": "*Terraform*"}] },
        { "entries": [{"type": "exists", "field": "source.ip", "operator": "included"}] }
    ]);
    let list = ExceptionList::from_value(&items).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(
        list.first_match(&terraform_doc(), now()),
        Some("terraform-agent")
    );
}

#[test]
fn label_falls_back_to_position() {
    let items = json!([
        { "name": "", "item_id": "by-id", "entries": [{"type": "exists", "field": "nothing", "operator": "included"}] },
        { "entries": [{"type": "exists", "field": "source.ip", "operator": "included"}] }
    ]);
    let list = ExceptionList::from_value(&items).unwrap();
    let labels: Vec<&str> = list
        .items()
        .iter()
        .map(|item| item.label.as_str())
        .collect();
    assert_eq!(labels, ["by-id", "item 2"]);
}

#[test]
fn os_types_require_host_os() {
    let entries = json!([{"type": "exists", "field": "source.ip", "operator": "included"}]);
    let items = json!([{ "name": "windows only", "os_types": ["windows"], "entries": entries }]);
    let list = ExceptionList::from_value(&items).unwrap();
    assert_eq!(list.first_match(&terraform_doc(), now()), None);

    let mut windows_doc = terraform_doc();
    windows_doc.insert("host".to_string(), json!({ "os": { "type": "windows" } }));
    assert_eq!(list.first_match(&windows_doc, now()), Some("windows only"));
}

#[test]
fn empty_os_types_are_ignored() {
    let entries = json!([{"type": "exists", "field": "source.ip", "operator": "included"}]);
    let items = json!([{ "name": "any os", "os_types": [], "entries": entries }]);
    let list = ExceptionList::from_value(&items).unwrap();
    assert_eq!(list.first_match(&terraform_doc(), now()), Some("any os"));
}

/// An export as Kibana's "Export exception list" writes it: the list container, two items
/// with every bookkeeping key, and the summary line.
const KIBANA_EXPORT: &str = r#"{"_version":"WzQ1LDFd","created_at":"2024-04-02T09:15:27.120Z","created_by":"elastic","description":"Deployments by our pipelines","id":"4c1f5e7a-0b8e-4b8e-9a51-7d3f2f7c9a10","immutable":false,"list_id":"lambda-deploy-exceptions","name":"Lambda deployment pipelines","namespace_type":"single","os_types":[],"tags":[],"tie_breaker_id":"a1f2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d","type":"detection","updated_at":"2024-04-02T09:15:27.120Z","updated_by":"elastic","version":1}
{"_version":"WzQ2LDFd","comments":[{"comment":"Terraform applies from CI","created_at":"2024-04-02T09:17:01.004Z","created_by":"elastic","id":"6a0d9c8e-2f4b-4e0a-b1c2-3d4e5f6a7b8c"}],"created_at":"2024-04-02T09:17:01.004Z","created_by":"elastic","description":"Terraform CI role","entries":[{"field":"aws.cloudtrail.user_identity.arn","operator":"included","type":"wildcard","value":"arn:aws:sts::*:assumed-role/terraform-*"},{"field":"user_agent.original","operator":"included","type":"wildcard","value":"*Terraform*"}],"expire_time":"2030-01-01T00:00:00.000Z","id":"8b7e6d5c-4a3b-4c2d-9e1f-0a1b2c3d4e5f","item_id":"terraform-ci","list_id":"lambda-deploy-exceptions","meta":{},"name":"Terraform CI role","namespace_type":"single","os_types":[],"tags":["pipeline"],"tie_breaker_id":"b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e","type":"simple","updated_at":"2024-04-02T09:17:01.004Z","updated_by":"elastic"}
{"_version":"WzQ3LDFd","comments":[],"created_at":"2024-04-02T09:18:44.310Z","created_by":"elastic","description":"Cleanup of preview stacks","entries":[{"field":"aws.cloudtrail.user_identity.arn","operator":"included","type":"match_any","value":["arn:aws:iam::111122223333:user/preview-cleaner","arn:aws:iam::111122223333:user/preview-cleaner-2"]}],"id":"9c8d7e6f-5a4b-4d3c-8e2f-1a0b9c8d7e6f","item_id":"preview-cleanup","list_id":"lambda-deploy-exceptions","name":"Preview cleanup","namespace_type":"single","os_types":[],"tags":[],"tie_breaker_id":"c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f","type":"simple","updated_at":"2024-04-02T09:18:44.310Z","updated_by":"elastic"}
{"exported_exception_list_count":1,"exported_exception_list_item_count":2,"missing_exception_list_item_count":0,"missing_exception_list_items":[],"missing_exception_lists":[],"missing_exception_lists_count":0}
"#;

#[test]
fn kibana_export_parses() {
    let list = ExceptionList::from_value(&Value::String(KIBANA_EXPORT.to_string())).unwrap();
    let labels: Vec<&str> = list
        .items()
        .iter()
        .map(|item| item.label.as_str())
        .collect();
    assert_eq!(labels, ["Terraform CI role", "Preview cleanup"]);
    assert_eq!(
        list.first_match(&terraform_doc(), now()),
        Some("Terraform CI role")
    );
}

#[test]
fn kibana_export_items_as_array() {
    let items: Vec<Value> = KIBANA_EXPORT
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let list = ExceptionList::from_value(&Value::Array(items)).unwrap();
    assert_eq!(list.len(), 2);
}

#[test]
fn ip_fields_compare_addresses() {
    let cases = [
        ("match", json!("192.0.2.0/24"), true),
        ("match", json!("192.0.2.10"), true),
        ("match", json!("::ffff:192.0.2.10"), true),
        ("match", json!("192.0.2.11"), false),
        ("match", json!("198.51.100.0/24"), false),
        ("match_any", json!(["198.51.100.7", "192.0.2.8/29"]), true),
        ("match_any", json!(["198.51.100.7", "2001:db8::/32"]), false),
    ];
    for (entry_type, value, expected) in cases {
        let entries = json!([{"type": entry_type, "field": "source.ip", "operator": "included", "value": value}]);
        assert_eq!(item_matches(entries), expected, "{entry_type} {value}");
    }

    let mut v6_doc = terraform_doc();
    v6_doc.insert("source".to_string(), json!({ "ip": "2001:DB8::1" }));
    let v6 = single_item(
        json!([{"type": "match", "field": "source.ip", "operator": "included", "value": "2001:db8::1"}]),
    );
    assert_eq!(v6.first_match(&v6_doc, now()), Some("probe"));
}

#[test]
fn expired_items_no_longer_apply() {
    let entries = json!([{"type": "exists", "field": "source.ip", "operator": "included"}]);
    let items = json!([
        { "name": "until May", "expire_time": "2024-05-01T00:00:00.000Z", "entries": entries },
        { "name": "until June", "expire_time": "2024-06-01T00:00:00Z", "entries": entries },
        { "name": "no expiry", "expire_time": null, "entries": entries }
    ]);
    let list = ExceptionList::from_value(&items).unwrap();
    let at = |time: &str| Timestamp::parse(time).unwrap();

    assert_eq!(
        list.first_match(&terraform_doc(), at("2024-04-30T23:59:59Z")),
        Some("until May")
    );
    assert_eq!(
        list.first_match(&terraform_doc(), at("2024-05-01T00:00:00Z")),
        Some("until June")
    );
    assert_eq!(
        list.first_match(&terraform_doc(), at("2024-06-02T00:00:00Z")),
        Some("no expiry")
    );
}

/// Parses `items` and returns the message of the error it must raise.
fn error_of(items: Value) -> String {
    match ExceptionList::from_value(&items) {
        Ok(list) => panic!("expected an error, parsed {list:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn invalid_items_are_rejected() {
    let exists = json!({"type": "exists", "field": "source.ip", "operator": "included"});
    let cases = [
        (
            "value list",
            json!([{ "entries": [{"type": "list", "field": "source.ip", "operator": "included", "list": {"id": "ips", "type": "ip"}}] }]),
            "exceptions[0].entries[0].type: value lists (\"type\": \"list\") are not supported",
        ),
        (
            "bad operator",
            json!([{ "entries": [{"type": "match", "field": "source.ip", "operator": "is", "value": "x"}] }]),
            "exceptions[0].entries[0].operator: expected \"included\" or \"excluded\", found \"is\"",
        ),
        (
            "missing operator",
            json!([{ "entries": [{"type": "match", "field": "source.ip", "value": "x"}] }]),
            "exceptions[0].entries[0].operator: missing",
        ),
        (
            "unknown entry type",
            json!([{ "entries": [{"type": "regex", "field": "source.ip", "operator": "included", "value": "x"}] }]),
            "exceptions[0].entries[0].type: expected one of \"match\"",
        ),
        (
            "unknown item key",
            json!([{ "entries": [exists], "entrys": [] }]),
            "exceptions[0]: unknown key \"entrys\"",
        ),
        (
            "unknown entry key",
            json!([{ "entries": [{"type": "exists", "field": "source.ip", "operator": "included", "value": "x"}] }]),
            "exceptions[0].entries[0]: unknown key \"value\" for entry type \"exists\"",
        ),
        (
            "item type",
            json!([{ "type": "detection", "entries": [exists] }]),
            "exceptions[0].type: expected \"simple\", found \"detection\"",
        ),
        (
            "missing entries",
            json!([{ "name": "x" }]),
            "exceptions[0].entries: missing",
        ),
        (
            "empty entries",
            json!([{ "entries": [] }]),
            "exceptions[0].entries: expected a non-empty array of entries, found []",
        ),
        (
            "match value not a string",
            json!([{ "entries": [{"type": "match", "field": "source.ip", "operator": "included", "value": 42}] }]),
            "exceptions[0].entries[0].value: expected a non-empty string, found 42",
        ),
        (
            "match_any empty",
            json!([{ "entries": [{"type": "match_any", "field": "source.ip", "operator": "included", "value": []}] }]),
            "exceptions[0].entries[0].value: expected a non-empty array of non-empty strings, found []",
        ),
        (
            "wildcard inside nested",
            json!([{ "entries": [{"type": "nested", "field": "aws.cloudtrail.resources", "entries": [
                {"type": "wildcard", "field": "arn", "operator": "included", "value": "*"}
            ]}] }]),
            "exceptions[0].entries[0].entries[0].type: \"wildcard\" is not allowed inside a nested entry",
        ),
        (
            "missing field",
            json!([{ "entries": [{"type": "exists", "operator": "included"}] }]),
            "exceptions[0].entries[0].field: missing",
        ),
        (
            "bad os type",
            json!([{ "os_types": ["solaris"], "entries": [exists] }]),
            "exceptions[0].os_types[0]: expected an array of \"linux\", \"macos\" or \"windows\", found \"solaris\"",
        ),
        (
            "ip field with a word",
            json!([{ "entries": [{"type": "match", "field": "source.ip", "operator": "included", "value": "office"}] }]),
            "exceptions[0].entries[0].value: \"office\" is not an IP address or CIDR block",
        ),
        (
            "expire time not a date",
            json!([{ "expire_time": "next week", "entries": [exists] }]),
            "exceptions[0].expire_time: expected an ISO 8601 date-time with an offset",
        ),
        (
            "item not an object",
            json!(["x"]),
            "exceptions[0]: expected an exception item object, found \"x\"",
        ),
        (
            "not a list",
            json!({ "entries": [] }),
            "exceptions: expected an array of exception items",
        ),
        (
            "bad NDJSON line",
            json!("{\"entries\": [}\n"),
            "exceptions line 1: invalid JSON",
        ),
    ];
    for (name, items, expected) in cases {
        let message = error_of(items);
        assert!(message.contains(expected), "{name}: {message}");
    }
}
