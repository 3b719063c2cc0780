//! Field lookup in a JSON document with Elasticsearch's view of fields.

use std::ops::ControlFlow;

use serde_json::{Map, Value};

/// Collects the values of the field `path` (such as `event.action`) in `doc`.
///
/// A dotted key (`{"event.action": ..}`) and a nested object (`{"event": {"action": ..}}`)
/// name the same field, and where a document has both their values are merged, as
/// Elasticsearch does when it indexes. Partly dotted keys count too (`{"event": {"x.y": ..}}`
/// for `event.x.y`). Arrays are flattened, and arrays of objects are walked through, so a
/// field matches when any element matches; null elements are skipped, and an empty array
/// yields nothing, which counts as a missing field. An object is returned as one value.
///
/// Array elements keep their document order. Across keys, the values under a shorter key
/// come first (`event` before `event.action`), which is also the order of serde_json's
/// default sorted maps.
pub fn field_values<'a>(doc: &'a Map<String, Value>, path: &str) -> Vec<&'a Value> {
    let mut values = Vec::new();
    let _ = visit_field_values(doc, path, &mut |value| {
        values.push(value);
        ControlFlow::<()>::Continue(())
    });
    values
}

/// Calls `visit` with each value of the field `path`, in the order of [`field_values`],
/// until `visit` breaks; returns that break. It allocates nothing.
pub fn visit_field_values<'a, B>(
    doc: &'a Map<String, Value>,
    path: &str,
    visit: &mut impl FnMut(&'a Value) -> ControlFlow<B>,
) -> ControlFlow<B> {
    // Only keys that equal the path or one of its dot-separated prefixes can hold the
    // field, so direct lookups replace a scan of every key.
    for (dot, _) in path.match_indices('.') {
        if let Some(child) = doc.get(&path[..dot]) {
            visit_below(child, &path[dot + 1..], visit)?;
        }
    }
    match doc.get(path) {
        Some(value) => visit_leaf(value, visit),
        None => ControlFlow::Continue(()),
    }
}

/// Visits the field `rest` under `value`, the value of a prefix of the full path.
fn visit_below<'a, B>(
    value: &'a Value,
    rest: &str,
    visit: &mut impl FnMut(&'a Value) -> ControlFlow<B>,
) -> ControlFlow<B> {
    match value {
        Value::Object(object) => visit_field_values(object, rest, visit),
        Value::Array(items) => {
            for item in items {
                visit_below(item, rest, visit)?;
            }
            ControlFlow::Continue(())
        }
        // A scalar has no subfields.
        _ => ControlFlow::Continue(()),
    }
}

fn visit_leaf<'a, B>(
    value: &'a Value,
    visit: &mut impl FnMut(&'a Value) -> ControlFlow<B>,
) -> ControlFlow<B> {
    match value {
        Value::Null => ControlFlow::Continue(()),
        Value::Array(items) => {
            for item in items {
                visit_leaf(item, visit)?;
            }
            ControlFlow::Continue(())
        }
        _ => visit(value),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn values(doc: Value, path: &str) -> Vec<Value> {
        let Value::Object(doc) = doc else {
            panic!("test document is not an object")
        };
        field_values(&doc, path).into_iter().cloned().collect()
    }

    #[test]
    fn lookup_cases() {
        let cases = [
            (
                json!({"event": {"action": "A"}}),
                "event.action",
                json!(["A"]),
            ),
            (json!({"event.action": "A"}), "event.action", json!(["A"])),
            (
                json!({"event": {"action": "B"}, "event.action": "A"}),
                "event.action",
                json!(["B", "A"]),
            ),
            (json!({"event": {"x.y": 1}}), "event.x.y", json!([1])),
            (json!({"event.x": {"y": 1}}), "event.x.y", json!([1])),
            (
                json!({"a": {"b.c": {"d": 1}}, "a.b": {"c.d": 2}}),
                "a.b.c.d",
                json!([1, 2]),
            ),
            (json!({"tags": ["x", "y"]}), "tags", json!(["x", "y"])),
            (
                json!({"tags": ["x", null, "y", null]}),
                "tags",
                json!(["x", "y"]),
            ),
            (
                json!({"tags": [["x"], [["y"]], []]}),
                "tags",
                json!(["x", "y"]),
            ),
            (json!({"tags": []}), "tags", json!([])),
            (json!({"tags": null}), "tags", json!([])),
            (json!({"tags": [null]}), "tags", json!([])),
            (
                json!({"r": [{"n": 1}, {"n": [2, 3]}, {"m": 4}, 5, null]}),
                "r.n",
                json!([1, 2, 3]),
            ),
            (json!({"r": [[{"n": 1}], {"n": 2}]}), "r.n", json!([1, 2])),
            (json!({"event": "scalar"}), "event.action", json!([])),
            (
                json!({"event": {"action": {"k": 1}}}),
                "event.action",
                json!([{"k": 1}]),
            ),
            (json!({"n": 0, "b": false, "s": ""}), "n", json!([0])),
            (json!({"n": 0, "b": false, "s": ""}), "b", json!([false])),
            (json!({"n": 0, "b": false, "s": ""}), "s", json!([""])),
            (json!({"Event": {"Action": "A"}}), "event.action", json!([])),
            (
                json!({"event": {"action": "A"}}),
                "event",
                json!([{"action": "A"}]),
            ),
            (
                json!({"event": {"action": "A"}}),
                "event.action.more",
                json!([]),
            ),
            (json!({"event": {}}), "event.action", json!([])),
        ];
        for (doc, path, expected) in cases {
            let expected: Vec<Value> = expected.as_array().unwrap().clone();
            assert_eq!(values(doc.clone(), path), expected, "{path} in {doc}");
        }
    }

    #[test]
    fn visit_stops_at_break() {
        let doc = json!({"tags": ["x", "y", "z"]});
        let Value::Object(doc) = doc else {
            unreachable!()
        };
        let mut seen = Vec::new();
        let flow = visit_field_values(&doc, "tags", &mut |value| {
            seen.push(value.clone());
            if value == "y" {
                ControlFlow::Break("stopped")
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(flow, ControlFlow::Break("stopped"));
        assert_eq!(seen, [json!("x"), json!("y")]);
    }
}
