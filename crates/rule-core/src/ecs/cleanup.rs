//! The integration's first step after parsing a record: null and empty values go away.

use serde_json::{Map, Value};

/// Removes, at every depth, null values, empty strings, and the objects and arrays that are
/// empty or become empty once their own content is removed. Elastic's CloudTrail pipeline
/// runs this before it maps any field, so `"errorCode": ""` is as absent as a missing
/// `errorCode`, and DeleteFunction's `"responseElements": null` leaves no field behind.
/// `false`, `0` and strings of spaces are kept.
pub fn remove_empty_values(record: &Map<String, Value>) -> Map<String, Value> {
    clean_object(record)
}

/// Tells whether the cleanup removes `value` entirely.
pub(crate) fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.iter().all(is_blank),
        Value::Object(map) => map.values().all(is_blank),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

fn clean_object(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .filter_map(|(key, value)| Some((key.clone(), clean_value(value)?)))
        .collect()
}

fn clean_value(value: &Value) -> Option<Value> {
    if is_blank(value) {
        return None;
    }
    let cleaned = match value {
        Value::Array(items) => Value::Array(items.iter().filter_map(clean_value).collect()),
        Value::Object(map) => Value::Object(clean_object(map)),
        scalar => scalar.clone(),
    };
    Some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn clean(value: Value) -> Value {
        Value::Object(remove_empty_values(value.as_object().expect("an object")))
    }

    #[test]
    fn drops_null_and_empty_string() {
        let cleaned = clean(json!({ "errorCode": "", "errorMessage": null, "eventName": "x" }));
        assert_eq!(cleaned, json!({ "eventName": "x" }));
    }

    #[test]
    fn drops_containers_that_become_empty() {
        let cleaned = clean(json!({
            "requestParameters": { "code": {}, "environment": { "variables": { "A": "" } } },
            "list": [null, "", {}, []],
            "kept": { "a": [null, "b"] }
        }));
        assert_eq!(cleaned, json!({ "kept": { "a": ["b"] } }));
    }

    #[test]
    fn keeps_false_zero_and_spaces() {
        let record = json!({ "readOnly": false, "count": 0, "space": " " });
        assert_eq!(clean(record.clone()), record);
    }

    #[test]
    fn is_blank_cases() {
        let cases = [
            (json!(null), true),
            (json!(""), true),
            (json!([]), true),
            (json!({}), true),
            (json!({ "a": [null, { "b": "" }] }), true),
            (json!(false), false),
            (json!(0), false),
            (json!([" "]), false),
        ];
        for (value, expected) in cases {
            assert_eq!(is_blank(&value), expected, "{value}");
        }
    }
}
