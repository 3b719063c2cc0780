//! The call's payloads: `aws.cloudtrail.request_parameters` and its siblings as Java text
//! plus structured copies under `aws.cloudtrail.flattened`, and `aws.cloudtrail.resources`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::java_string::{hash_map_order, to_java_string};
use super::path;

/// Record keys written as Java text and as a structured copy, with their ECS names.
const PAYLOADS: [(&str, &str); 4] = [
    ("requestParameters", "request_parameters"),
    ("responseElements", "response_elements"),
    ("additionalEventData", "additional_eventdata"),
    ("serviceEventDetails", "service_event_details"),
];

/// Elasticsearch rejects a keyword longer than 32766 bytes, so the integration keeps the
/// structured copy only when the text is shorter than this many UTF-16 code units.
const FLATTENED_LIMIT: usize = 32766;

/// Maps the payloads into `doc`. The Java text comes from the `raw` record, because its key
/// order depends on keys the cleanup removes. Everything else comes from the `cleaned` one.
pub(super) fn map_payloads(
    raw: &Map<String, Value>,
    cleaned: &Map<String, Value>,
    doc: &mut Map<String, Value>,
) {
    for (from, to) in PAYLOADS {
        let (Some(raw_value), Some(value)) = (raw.get(from), cleaned.get(from)) else {
            continue;
        };
        let text = to_java_string(raw_value);
        if text.encode_utf16().count() < FLATTENED_LIMIT {
            path::insert(
                doc,
                &format!("aws.cloudtrail.flattened.{to}"),
                value.clone(),
            );
        }
        path::insert(doc, &format!("aws.cloudtrail.{to}"), json!(text));
    }

    // Insight events keep their details structured only.
    path::copy(
        cleaned,
        "insightDetails",
        doc,
        "aws.cloudtrail.flattened.insight_details",
    );

    if let Some(resources) = cleaned.get("resources") {
        let mapped = map_resources(resources);
        if !mapped.as_array().is_some_and(Vec::is_empty) {
            path::insert(doc, "aws.cloudtrail.resources", mapped);
        }
    }
}

/// Renames each resource's `ARN` to `arn` and `accountId` to `account_id`, and keeps one
/// resource per (arn, account_id, type), the last one seen, as the integration does.
/// Items that are not objects are dropped, and a `resources` value that is not an array is
/// kept as it is.
///
/// The integration collects the resources in a Java HashMap keyed by `ARN_ACCOUNT_TYPE`, so
/// they come out in that map's order, reproduced here.
fn map_resources(resources: &Value) -> Value {
    let Some(items) = resources.as_array() else {
        return resources.clone();
    };

    let mut unique: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for item in items.iter().filter_map(Value::as_object) {
        let resource = rename_resource_keys(item);
        unique.insert(resource_key(&resource), resource);
    }

    let order = hash_map_order(unique.keys().map(String::as_str), unique.len());
    Value::Array(
        order
            .into_iter()
            .map(|key| Value::Object(unique[key].clone()))
            .collect(),
    )
}

fn rename_resource_keys(item: &Map<String, Value>) -> Map<String, Value> {
    let mut resource = item.clone();
    for (from, to) in [("ARN", "arn"), ("accountId", "account_id")] {
        if let Some(value) = resource.remove(from) {
            resource.insert(to.to_string(), value);
        }
    }
    resource
}

fn resource_key(resource: &Map<String, Value>) -> String {
    let part = |key: &str| resource.get(key).map(to_java_string).unwrap_or_default();
    format!("{}_{}_{}", part("arn"), part("account_id"), part("type"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::remove_empty_values;

    fn payloads(record: Value) -> Value {
        let raw = record.as_object().expect("an object");
        let mut doc = Map::new();
        map_payloads(raw, &remove_empty_values(raw), &mut doc);
        Value::Object(doc)
    }

    #[test]
    fn request_parameters_text_and_structured_copy() {
        let doc = payloads(json!({
            "requestParameters": { "functionName": "billing-export", "qualifier": "3", "tags": {} }
        }));
        let trail = &doc["aws"]["cloudtrail"];
        assert_eq!(
            trail["request_parameters"],
            json!("{functionName=billing-export, qualifier=3}")
        );
        assert_eq!(
            trail["flattened"]["request_parameters"],
            json!({ "functionName": "billing-export", "qualifier": "3" })
        );
    }

    #[test]
    fn request_parameters_with_nested_values() {
        let doc = payloads(json!({
            "requestParameters": {
                "publish": true,
                "memorySize": 128,
                "timeout": 2.5,
                "environment": { "variables": { "STAGE": "prod" } },
                "layers": ["layer-a", "layer-b"]
            }
        }));
        // The key order is Java's HashMap order for these five keys, computed apart.
        let expected = "{environment={variables={STAGE=prod}}, memorySize=128, publish=true, \
                        layers=[layer-a, layer-b], timeout=2.5}";
        assert_eq!(
            doc["aws"]["cloudtrail"]["request_parameters"],
            json!(expected)
        );
    }

    #[test]
    fn null_response_elements_leave_no_field() {
        let doc = payloads(
            json!({ "requestParameters": { "functionName": "f" }, "responseElements": null }),
        );
        let trail = &doc["aws"]["cloudtrail"];
        assert_eq!(trail.get("response_elements"), None);
        assert_eq!(trail["flattened"].get("response_elements"), None);
    }

    #[test]
    fn empty_request_parameters_leave_no_field() {
        let doc = payloads(json!({ "requestParameters": { "code": {} } }));
        assert_eq!(doc, json!({}));
    }

    #[test]
    fn long_text_keeps_no_structured_copy() {
        let long = "x".repeat(FLATTENED_LIMIT);
        let doc = payloads(json!({ "requestParameters": { "policy": long } }));
        let trail = &doc["aws"]["cloudtrail"];
        assert!(trail["request_parameters"].is_string());
        assert_eq!(trail.get("flattened"), None);
    }

    #[test]
    fn insight_details_structured() {
        let doc = payloads(json!({ "insightDetails": { "eventName": "DeleteFunction20150331" } }));
        let details = &doc["aws"]["cloudtrail"]["flattened"]["insight_details"];
        assert_eq!(details, &json!({ "eventName": "DeleteFunction20150331" }));
    }

    #[test]
    fn resources_renamed_and_deduplicated() {
        let function = json!({
            "ARN": "arn:aws:lambda:us-east-1:111122223333:function:billing-export",
            "accountId": "111122223333",
            "type": "AWS::Lambda::Function"
        });
        let doc = payloads(json!({ "resources": [function.clone(), "not a resource", function] }));
        let expected = json!([{
            "arn": "arn:aws:lambda:us-east-1:111122223333:function:billing-export",
            "account_id": "111122223333",
            "type": "AWS::Lambda::Function"
        }]);
        assert_eq!(doc["aws"]["cloudtrail"]["resources"], expected);
    }
}
