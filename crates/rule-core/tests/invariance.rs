//! Property tests: the verdict and the alert do not depend on how JSON spells an event.
//! Key order, whitespace, unicode escapes in string values and dotted instead of nested keys
//! all describe the same document to Elasticsearch, so they must give the same answer here.

use proptest::prelude::*;
use rule_core::detector::evaluate_stateless;
use rule_core::{Rule, Timestamp};
use serde_json::{Map, Value, json};

fn records() -> Vec<Value> {
    let deletion = json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEROLEID:deploy",
            "arn": "arn:aws:sts::111122223333:assumed-role/deployer/deploy",
            "accountId": "111122223333",
            "accessKeyId": "ASIAEXAMPLEACCESSKEY",
            "sessionContext": {
                "sessionIssuer": { "type": "Role", "arn": "arn:aws:iam::111122223333:role/deployer", "userName": "deployer" },
                "attributes": { "creationDate": "2026-01-02T02:50:00Z", "mfaAuthenticated": "false" }
            }
        },
        "eventTime": "2026-01-02T03:00:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "DeleteFunction20150331",
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "HashiCorp/2.0 Terraform/1.9.0 (+https://www.terraform.io)",
        "requestParameters": { "functionName": "arn:aws:lambda:eu-west-1:111122223333:function:ingest", "qualifier": "4" },
        "responseElements": null,
        "requestID": "req-0001",
        "eventID": "evt-0001",
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    });
    let mut failed = deletion.clone();
    failed["errorCode"] = json!("AccessDenied");
    failed["errorMessage"] = json!("User is not authorized to perform: lambda:DeleteFunction");
    let mut sibling = deletion.clone();
    sibling["eventName"] = json!("DeleteFunctionConcurrency20171031");
    let ecs = json!({
        "@timestamp": "2026-01-02T03:00:00.000Z",
        "data_stream": { "type": "logs", "dataset": "aws.cloudtrail", "namespace": "default" },
        "event": { "id": "evt-0002", "provider": "lambda.amazonaws.com", "action": "DeleteFunction",
                   "outcome": "success", "kind": "event" },
        "user": { "name": "ops-user" },
        "source": { "address": "192.0.2.44", "ip": "192.0.2.44" },
        "cloud": { "account": { "id": "111122223333" }, "region": "us-east-2" },
        "aws": { "cloudtrail": { "user_identity": { "arn": "arn:aws:iam::111122223333:user/ops-user", "type": "IAMUser" } } }
    });
    vec![deletion, failed, sibling, ecs]
}

/// A small deterministic generator driven by a proptest seed, so every choice is replayable.
struct Choices(u64);

impl Choices {
    fn next(&mut self) -> u64 {
        // xorshift64*: enough spread for rendering choices.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn chance(&mut self, in_four: u64) -> bool {
        self.next() % 4 < in_four
    }
}

/// Writes `value` as JSON text with shuffled keys, random whitespace and random unicode
/// escapes inside strings.
fn render(value: &Value, choices: &mut Choices, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            for i in (1..entries.len()).rev() {
                let j = (choices.next() % (i as u64 + 1)) as usize;
                entries.swap(i, j);
            }
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                space(choices, out);
                render_string(key, choices, out);
                space(choices, out);
                out.push(':');
                space(choices, out);
                render(item, choices, out);
            }
            space(choices, out);
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                space(choices, out);
                render(item, choices, out);
            }
            out.push(']');
        }
        Value::String(text) => render_string(text, choices, out),
        other => out.push_str(&other.to_string()),
    }
}

fn space(choices: &mut Choices, out: &mut String) {
    const SPACES: [&str; 4] = ["", " ", "\n  ", "\t"];
    out.push_str(SPACES[(choices.next() % 4) as usize]);
}

fn render_string(text: &str, choices: &mut Choices, out: &mut String) {
    out.push('"');
    for ch in text.chars() {
        let must_escape = ch == '"' || ch == '\\' || ch.is_control();
        if must_escape || choices.chance(1) {
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04X}"));
            }
        } else {
            out.push(ch);
        }
    }
    out.push('"');
}

/// Rewrites nested objects as dotted keys, at random depths, as Elasticsearch users often do.
fn dot_keys(value: &Value, choices: &mut Choices) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut flat = Map::new();
    for (key, item) in map {
        match item {
            Value::Object(inner) if !inner.is_empty() && choices.chance(2) => {
                let inner = dot_keys(item, choices);
                for (inner_key, inner_value) in inner.as_object().expect("an object") {
                    flat.insert(format!("{key}.{inner_key}"), inner_value.clone());
                }
            }
            _ => {
                flat.insert(key.clone(), dot_keys(item, choices));
            }
        }
    }
    Value::Object(flat)
}

/// Expands dotted keys into nested objects, so that alerts built from either layout compare.
fn expand_dots(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut nested = Map::new();
    for (key, item) in map {
        let item = expand_dots(item);
        let mut parts = key.split('.').rev();
        let last = parts.next().expect("split yields one part");
        let mut built = Map::new();
        built.insert(last.to_string(), item);
        for part in parts {
            let mut outer = Map::new();
            outer.insert(part.to_string(), Value::Object(built));
            built = outer;
        }
        merge(&mut nested, built);
    }
    Value::Object(nested)
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(addition)) => merge(existing, addition),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

fn alert_of(text: &str) -> Option<(String, Value)> {
    let now = Timestamp::parse("2026-01-02T03:04:05.678Z").unwrap();
    let alert = evaluate_stateless(&Rule::bundled(), text, now).expect("the event is valid")?;
    let document: Value = serde_json::from_str(&alert.document).expect("alert JSON");
    Some((alert.uuid, expand_dots(&document)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn spelling_does_not_change_the_alert(seed in any::<u64>(), which in 0usize..4) {
        let record = &records()[which];
        let expected = alert_of(&record.to_string());
        let mut choices = Choices(seed | 1);
        let mut text = String::new();
        render(record, &mut choices, &mut text);
        prop_assert_eq!(alert_of(&text), expected, "text: {}", text);
    }

    #[test]
    fn dotted_keys_do_not_change_the_alert(seed in any::<u64>()) {
        let ecs = &records()[3];
        let expected = alert_of(&ecs.to_string());
        prop_assert!(expected.is_some());
        let mut choices = Choices(seed | 1);
        let dotted = dot_keys(ecs, &mut choices);
        let mut text = String::new();
        render(&dotted, &mut choices, &mut text);
        let (uuid, document) = alert_of(&text).expect("still an alert");
        let (expected_uuid, expected_document) = expected.unwrap();
        prop_assert_eq!(uuid, expected_uuid);
        prop_assert_eq!(document, expected_document, "text: {}", text);
    }
}
