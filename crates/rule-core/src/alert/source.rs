//! The source event as Kibana reshapes it before it becomes the body of an alert.

use serde_json::{Map, Value};

use super::lookup::get_dotted_or_nested;
use crate::timestamp::Timestamp;

/// Top-level namespaces that belong to alerts. Kibana removes them from the source, so an
/// alert never inherits another alert's fields.
const ALERT_NAMESPACES: [&str; 3] = ["kibana", "signal", "threshold_result"];

/// The source event's fields that the alert keeps next to its own.
pub(crate) struct Source {
    /// The event without the alert namespaces and without `event.kind`.
    pub doc: Map<String, Value>,
    /// Every `event.*` field as the source had it, for `kibana.alert.original_event`.
    pub original_event: Map<String, Value>,
    /// Every `data_stream.*` field, for `kibana.alert.original_data_stream`.
    pub original_data_stream: Map<String, Value>,
}

/// Reshapes `event` as Kibana does: drops the alert namespaces (nested or dotted keys),
/// copies the `event.*` and `data_stream.*` fields aside, then removes `event.kind`, which
/// the alert sets to `signal`.
pub(crate) fn prepare(event: &Map<String, Value>) -> Source {
    let mut doc: Map<String, Value> = event
        .iter()
        .filter(|(key, _)| !is_alert_namespace(key))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();

    let original_event = copy_namespace(&doc, "event");
    let original_data_stream = copy_namespace(&doc, "data_stream");

    doc.remove("event.kind");
    if let Some(Value::Object(fields)) = doc.get_mut("event") {
        fields.remove("kind");
    }

    Source {
        doc,
        original_event,
        original_data_stream,
    }
}

/// Reads the source's `@timestamp` as Kibana does for `kibana.alert.original_time`: a date
/// string, or a number of milliseconds since the epoch, written back as
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`. Returns `None` when it is missing or not a valid date.
pub(crate) fn original_time(event: &Map<String, Value>) -> Option<Timestamp> {
    match get_dotted_or_nested(event, "@timestamp")? {
        Value::String(text) => Timestamp::parse(text),
        Value::Number(number) => {
            let millis = number.as_i64()?;
            let nanos = u32::try_from(millis.rem_euclid(1000) * 1_000_000).ok()?;
            Timestamp::from_unix(millis.div_euclid(1000), nanos)
        }
        _ => None,
    }
}

fn is_alert_namespace(key: &str) -> bool {
    ALERT_NAMESPACES.iter().any(|namespace| {
        key == *namespace
            || key
                .strip_prefix(namespace)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Collects the fields under `namespace` into one nested object: the nested object itself,
/// then each dotted key such as `event.action`. Where both spell the same field, the
/// values are merged into an array, as Elasticsearch merges them into one multi-valued
/// field.
fn copy_namespace(doc: &Map<String, Value>, namespace: &str) -> Map<String, Value> {
    let mut copy = match doc.get(namespace) {
        Some(Value::Object(fields)) => fields.clone(),
        _ => Map::new(),
    };
    let prefix = format!("{namespace}.");
    for (key, value) in doc {
        if let Some(path) = key.strip_prefix(&prefix) {
            merge_at(&mut copy, path, value.clone());
        }
    }
    copy
}

fn merge_at(target: &mut Map<String, Value>, path: &str, value: Value) {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let slot = target.entry(head);
    match (rest, slot) {
        (None, serde_json::map::Entry::Vacant(vacant)) => {
            vacant.insert(value);
        }
        (None, serde_json::map::Entry::Occupied(mut occupied)) => {
            let existing = occupied.get_mut();
            *existing = merged(existing.take(), value);
        }
        (Some(rest), slot) => {
            let child = slot.or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(child) = child {
                merge_at(child, rest, value);
            } else {
                let mut nested = Map::new();
                merge_at(&mut nested, rest, value);
                *child = merged(child.take(), Value::Object(nested));
            }
        }
    }
}

fn merged(first: Value, second: Value) -> Value {
    let mut items = match first {
        Value::Array(items) => items,
        other => vec![other],
    };
    match second {
        Value::Array(more) => items.extend(more),
        other => items.push(other),
    }
    Value::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn strips_alert_namespaces() {
        let source = prepare(&object(json!({
            "kibana": { "alert": {} },
            "kibana.alert.uuid": "x",
            "signal": {},
            "threshold_result": {},
            "kibanas": "kept",
            "event": { "action": "DeleteFunction" }
        })));
        let keys: Vec<&str> = source.doc.keys().map(String::as_str).collect();
        assert_eq!(keys, ["event", "kibanas"]);
    }

    #[test]
    fn copies_event_before_removing_kind() {
        let source = prepare(&object(json!({
            "event": { "kind": "event", "action": "DeleteFunction" },
            "event.outcome": "success",
            "data_stream": { "dataset": "aws.cloudtrail" }
        })));
        assert_eq!(
            Value::Object(source.original_event),
            json!({ "kind": "event", "action": "DeleteFunction", "outcome": "success" })
        );
        assert_eq!(
            Value::Object(source.original_data_stream),
            json!({ "dataset": "aws.cloudtrail" })
        );
        assert_eq!(source.doc["event"], json!({ "action": "DeleteFunction" }));
    }

    #[test]
    fn removes_dotted_event_kind() {
        let source = prepare(&object(
            json!({ "event.kind": "event", "event.action": "DeleteFunction" }),
        ));
        assert_eq!(source.doc.get("event.kind"), None);
        assert_eq!(source.original_event["kind"], json!("event"));
    }

    #[test]
    fn merges_dotted_and_nested_spellings() {
        let source = prepare(&object(
            json!({ "event": { "action": "A" }, "event.action": "B" }),
        ));
        assert_eq!(source.original_event["action"], json!(["A", "B"]));
    }

    #[test]
    fn original_time_forms() {
        let cases = [
            (
                json!({ "@timestamp": "2026-01-02T03:00:00Z" }),
                Some("2026-01-02T03:00:00.000Z"),
            ),
            (
                json!({ "@timestamp": 1_767_322_800_123_i64 }),
                Some("2026-01-02T03:00:00.123Z"),
            ),
            (json!({ "@timestamp": "not a date" }), None),
            (json!({}), None),
        ];
        for (doc, expected) in cases {
            let time = original_time(&object(doc.clone())).map(|time| time.to_string());
            assert_eq!(time.as_deref(), expected, "{doc}");
        }
    }
}
