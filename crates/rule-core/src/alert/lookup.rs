//! Field lookups in an event document, in the two ways Kibana reads fields.

use serde_json::{Map, Value};

/// Returns the value at `path` as lodash's `get` finds it, which Kibana uses for the reason:
/// a top-level key spelled exactly `path` (a dotted key) wins, else the nested path.
pub(crate) fn get_dotted_or_nested<'a>(
    doc: &'a Map<String, Value>,
    path: &str,
) -> Option<&'a Value> {
    if let Some(value) = doc.get(path) {
        return Some(value);
    }
    let mut segments = path.split('.');
    let first = doc.get(segments.next()?)?;
    segments.try_fold(first, |value, key| value.as_object()?.get(key))
}

/// Collects every value of the field `path` as Elasticsearch indexes it: any split of the path
/// into dotted keys and nested objects, with arrays flattened and nulls skipped.
pub(crate) fn values_at<'a>(doc: &'a Map<String, Value>, path: &str) -> Vec<&'a Value> {
    let mut found = Vec::new();
    collect(doc, path, &mut found);
    found
}

fn collect<'a>(map: &'a Map<String, Value>, path: &str, found: &mut Vec<&'a Value>) {
    if let Some(value) = map.get(path) {
        push_flattened(value, found);
    }
    for (split, _) in path.match_indices('.') {
        let (head, rest) = (&path[..split], &path[split + 1..]);
        match map.get(head) {
            Some(Value::Object(child)) => collect(child, rest, found),
            Some(Value::Array(items)) => {
                for child in items.iter().filter_map(Value::as_object) {
                    collect(child, rest, found);
                }
            }
            _ => {}
        }
    }
}

fn push_flattened<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Null => {}
        Value::Array(items) => items.iter().for_each(|item| push_flattened(item, found)),
        other => found.push(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn dotted_key_wins_over_nested() {
        let doc = object(json!({ "user.name": "dotted", "user": { "name": "nested" } }));
        assert_eq!(
            get_dotted_or_nested(&doc, "user.name"),
            Some(&json!("dotted"))
        );
        let nested = object(json!({ "user": { "name": "nested" } }));
        assert_eq!(
            get_dotted_or_nested(&nested, "user.name"),
            Some(&json!("nested"))
        );
    }

    #[test]
    fn values_at_merges_every_spelling() {
        let doc = object(json!({
            "kibana.alert.rule.rule_id": "a",
            "kibana": { "alert": { "rule": { "rule_id": ["b", null] } }, "alert.rule.rule_id": "c" }
        }));
        let mut values: Vec<&str> = values_at(&doc, "kibana.alert.rule.rule_id")
            .into_iter()
            .filter_map(Value::as_str)
            .collect();
        values.sort_unstable();
        assert_eq!(values, ["a", "b", "c"]);
    }

    #[test]
    fn values_at_walks_arrays_of_objects() {
        let doc = object(
            json!({ "kibana": { "alert": { "ancestors": [{ "rule": "x" }, { "rule": "y" }] } } }),
        );
        let values: Vec<&Value> = values_at(&doc, "kibana.alert.ancestors.rule");
        assert_eq!(values, [&json!("x"), &json!("y")]);
    }
}
