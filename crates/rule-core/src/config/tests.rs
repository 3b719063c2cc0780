use super::{Config, MAX_DEPTH};
use crate::json::{self, Limits};
use crate::shapes::InputFormat;

fn error_of(text: &str) -> String {
    match Config::from_json(text) {
        Ok(config) => panic!("expected an error for {text}, parsed {config:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn empty_document_takes_defaults() {
    let config = Config::from_json("{}").unwrap();
    assert!(config.exceptions.is_empty());
    assert_eq!(config.max_alerts_per_execution, None);
    assert!(config.replay_detection);
    assert_eq!(config.processing_time, None);
    assert_eq!(config.input_format, InputFormat::Auto);
    assert_eq!(config.limits, Limits::default());
    assert_eq!(config.space_id, None);
    assert_eq!(config.rule_uuid, None);
}

#[test]
fn default_equals_empty_document() {
    let parsed = Config::from_json("{}").unwrap();
    let default = Config::default();
    assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
}

#[test]
fn every_key_parses() {
    let text = r#"{
        "exceptions": [
            {
                "name": "Terraform CI role",
                "type": "simple",
                "entries": [
                    {
                        "field": "aws.cloudtrail.user_identity.arn",
                        "operator": "included",
                        "type": "wildcard",
                        "value": "arn:aws:sts::*:assumed-role/terraform-*"
                    }
                ]
            }
        ],
        "max_alerts_per_execution": 10,
        "replay_detection": false,
        "processing_time": "2024-05-01T12:00:00Z",
        "input_format": "cloudwatch-logs",
        "max_event_bytes": 262144,
        "max_depth": 32,
        "space_id": "security-team",
        "rule_uuid": "6f1c2f7e-2b1a-4d6e-9a3f-5c8b7d9e0a12"
    }"#;
    let config = Config::from_json(text).unwrap();
    assert_eq!(config.exceptions.len(), 1);
    assert_eq!(config.max_alerts_per_execution, Some(10));
    assert!(!config.replay_detection);
    let pinned = config.processing_time.map(|time| time.to_string());
    assert_eq!(pinned.as_deref(), Some("2024-05-01T12:00:00.000Z"));
    assert_eq!(config.input_format, InputFormat::CloudWatchLogs);
    assert_eq!(
        config.limits,
        Limits {
            max_bytes: 262_144,
            max_depth: 32
        }
    );
    assert_eq!(config.space_id.as_deref(), Some("security-team"));
    assert_eq!(
        config.rule_uuid.as_deref(),
        Some("6f1c2f7e-2b1a-4d6e-9a3f-5c8b7d9e0a12")
    );
}

#[test]
fn exceptions_accept_export_ndjson_string() {
    let export = concat!(
        r#"{"list_id":"deploys","name":"Deploys","type":"detection","namespace_type":"single"}"#,
        "\n",
        r#"{"item_id":"tf","list_id":"deploys","name":"Terraform","type":"simple","#,
        r#""entries":[{"field":"user_agent.original","operator":"included","type":"wildcard","value":"*Terraform*"}]}"#,
        "\n",
        r#"{"exported_exception_list_count":1,"exported_exception_list_item_count":1,"#,
        r#""missing_exception_list_item_count":0,"missing_exception_list_items":[],"#,
        r#""missing_exception_lists":[],"missing_exception_lists_count":0}"#,
        "\n"
    );
    let text = serde_json::json!({ "exceptions": export }).to_string();
    let config = Config::from_json(&text).unwrap();
    assert_eq!(config.exceptions.len(), 1);
    assert_eq!(config.exceptions.items()[0].label, "Terraform");
}

#[test]
fn invalid_documents_are_rejected() {
    let value_list = r#"{"exceptions": [{"entries": [{"type": "list", "field": "source.ip",
        "operator": "included", "list": {"id": "blocked-ips", "type": "ip"}}]}]}"#;
    let bad_operator = r#"{"exceptions": [{"entries": [{"type": "match",
        "field": "source.ip", "operator": "equals", "value": "192.0.2.1"}]}]}"#;
    let too_deep = format!(r#"{{"exceptions": {}1{}}}"#, "[".repeat(70), "]".repeat(70));
    let cases = [
        (
            "unknown key",
            r#"{"max_alerts": 10}"#,
            "\"max_alerts\": unknown key; expected one of exceptions, max_alerts_per_execution",
        ),
        (
            "wrong type",
            r#"{"max_alerts_per_execution": "ten"}"#,
            "max_alerts_per_execution: expected a positive integer, found \"ten\"",
        ),
        (
            "zero cap",
            r#"{"max_alerts_per_execution": 0}"#,
            "max_alerts_per_execution: expected a positive integer, found 0",
        ),
        (
            "negative cap",
            r#"{"max_alerts_per_execution": -5}"#,
            "max_alerts_per_execution: expected a positive integer, found -5",
        ),
        (
            "fractional cap",
            r#"{"max_alerts_per_execution": 2.5}"#,
            "max_alerts_per_execution: expected a positive integer, found 2.5",
        ),
        (
            "cap over u32",
            r#"{"max_alerts_per_execution": 5000000000}"#,
            "max_alerts_per_execution: expected a positive integer up to 4294967295",
        ),
        (
            "replay not a bool",
            r#"{"replay_detection": "no"}"#,
            "replay_detection: expected true or false, found \"no\"",
        ),
        (
            "bad time",
            r#"{"processing_time": "yesterday"}"#,
            "processing_time: expected an RFC 3339 date-time with an offset",
        ),
        (
            "time without offset",
            r#"{"processing_time": "2024-05-01T12:00:00"}"#,
            "processing_time: expected an RFC 3339 date-time",
        ),
        (
            "unknown input format",
            r#"{"input_format": "syslog"}"#,
            "input_format: expected one of \"auto\", \"cloudtrail\"",
        ),
        (
            "zero depth",
            r#"{"max_depth": 0}"#,
            "max_depth: expected an integer from 1 to 127 (the JSON parser reads no deeper \
             nesting), found 0",
        ),
        (
            "depth beyond the parser",
            r#"{"max_depth": 128}"#,
            "max_depth: expected an integer from 1 to 127",
        ),
        (
            "huge depth",
            r#"{"max_depth": 99999999999}"#,
            "max_depth: expected an integer from 1 to 127",
        ),
        (
            "bytes past 4 GiB",
            r#"{"max_event_bytes": 4294967297}"#,
            "max_event_bytes: expected an integer from 1 to 4294967296",
        ),
        (
            "zero bytes",
            r#"{"max_event_bytes": 0}"#,
            "max_event_bytes: expected an integer from 1 to 4294967296",
        ),
        (
            "bytes as string",
            r#"{"max_event_bytes": "1MB"}"#,
            "max_event_bytes: expected an integer from 1 to 4294967296",
        ),
        (
            "space with capitals",
            r#"{"space_id": "Security"}"#,
            "space_id: expected a Kibana space id",
        ),
        (
            "empty rule uuid",
            r#"{"rule_uuid": ""}"#,
            "rule_uuid: expected a non-empty string, found \"\"",
        ),
        (
            "null value",
            r#"{"replay_detection": null}"#,
            "replay_detection: expected true or false, found null",
        ),
        (
            "value list entry",
            value_list,
            "exceptions[0].entries[0].type: value lists (\"type\": \"list\") are not supported",
        ),
        (
            "bad operator",
            bad_operator,
            "exceptions[0].entries[0].operator: expected \"included\" or \"excluded\", found \"equals\"",
        ),
        (
            "exceptions object",
            r#"{"exceptions": {}}"#,
            "exceptions: expected an array of exception items",
        ),
        (
            "not an object",
            "[]",
            "expected a JSON object such as {}, found []",
        ),
        (
            "not JSON",
            "{max_depth: 3}",
            "the configuration is not valid JSON",
        ),
        (
            "duplicate key",
            r#"{"max_depth": 3, "max_depth": 4}"#,
            "the configuration has the key max_depth twice; a setting may be given only once, \
             so remove one of them",
        ),
        (
            "nested duplicate key",
            r#"{"exceptions": [{"entries": [], "entries": []}]}"#,
            "the configuration has the key exceptions[0].entries twice",
        ),
        (
            "nested too deep",
            too_deep.as_str(),
            "the configuration nests arrays and objects deeper than 64 levels",
        ),
    ];
    for (name, text, expected) in cases {
        let message = error_of(text);
        assert!(!message.contains("record"), "{name}: {message}");
        assert!(message.contains(expected), "{name}: {message}");
    }
}

#[test]
fn deepest_accepted_depth_parses() {
    let config = Config::from_json(&format!(r#"{{"max_depth": {MAX_DEPTH}}}"#)).unwrap();
    let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));

    let deepest = nested(MAX_DEPTH as usize);
    assert!(json::parse_event(&deepest, &config.limits).is_ok());
    let deeper = nested(MAX_DEPTH as usize + 1);
    assert!(json::parse_event(&deeper, &config.limits).is_err());
}

#[test]
fn long_found_value_is_shortened() {
    let long = "X".repeat(500);
    let message = error_of(&format!(r#"{{"space_id": "{long}"}}"#));
    assert!(message.len() < 250, "{message}");
    assert!(message.ends_with('…'), "{message}");
}
