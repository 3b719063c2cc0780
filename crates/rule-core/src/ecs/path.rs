//! Dotted paths over nested JSON objects: reading a CloudTrail record, writing the ECS document.

use serde_json::{Map, Value};

/// Returns the value at `path` (such as `userIdentity.sessionContext.sessionIssuer.arn`),
/// following nested objects only. CloudTrail records never use dotted keys.
pub(crate) fn get<'a>(record: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut segments = path.split('.');
    let first = segments.next()?;
    segments.try_fold(record.get(first)?, |value, key| value.as_object()?.get(key))
}

/// Returns the string at `path`, or `None` when it is missing or not a string.
pub(crate) fn get_str<'a>(record: &'a Map<String, Value>, path: &str) -> Option<&'a str> {
    get(record, path)?.as_str()
}

/// Writes `value` at `path` as nested objects, creating the objects on the way. A non-object
/// value already standing on the way is replaced, because the document is built here and
/// each path is written once.
pub(crate) fn insert(doc: &mut Map<String, Value>, path: &str, value: Value) {
    let (parents, leaf) = match path.rsplit_once('.') {
        Some((parents, leaf)) => (Some(parents), leaf),
        None => (None, path),
    };

    let mut target = doc;
    for key in parents.into_iter().flat_map(|parents| parents.split('.')) {
        let slot = target
            .entry(key)
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        target = slot
            .as_object_mut()
            .expect("the slot was made an object above");
    }
    target.insert(leaf.to_string(), value);
}

/// Copies the record's value at `from` to `to` in the document, when there is one.
pub(crate) fn copy(
    record: &Map<String, Value>,
    from: &str,
    doc: &mut Map<String, Value>,
    to: &str,
) {
    if let Some(value) = get(record, from) {
        insert(doc, to, value.clone());
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
    fn get_follows_nested_objects() {
        let record = object(json!({ "a": { "b": { "c": 1 } }, "d": "x" }));
        assert_eq!(get(&record, "a.b.c"), Some(&json!(1)));
        assert_eq!(get_str(&record, "d"), Some("x"));
        assert_eq!(get(&record, "a.b.missing"), None);
        assert_eq!(get(&record, "d.e"), None);
    }

    #[test]
    fn insert_builds_nested_objects() {
        let mut doc = Map::new();
        insert(&mut doc, "event.kind", json!("event"));
        insert(&mut doc, "event.outcome", json!("success"));
        insert(&mut doc, "@timestamp", json!("t"));
        assert_eq!(
            Value::Object(doc),
            json!({ "event": { "kind": "event", "outcome": "success" }, "@timestamp": "t" })
        );
    }

    #[test]
    fn insert_replaces_scalar_on_the_way() {
        let mut doc = object(json!({ "a": 1 }));
        insert(&mut doc, "a.b", json!(2));
        assert_eq!(Value::Object(doc), json!({ "a": { "b": 2 } }));
    }
}
