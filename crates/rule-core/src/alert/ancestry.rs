//! `kibana.alert.ancestors` and `kibana.alert.depth`: the chain of documents an alert was
//! built from.

use serde_json::{Map, Value, json};

use super::lookup::values_at;
use super::uuid::source_document_id;
use crate::shapes::EcsEvent;

/// The alert's ancestors and depth.
pub(crate) struct Ancestry {
    pub ancestors: Vec<Value>,
    pub depth: u64,
}

/// Builds the ancestry as Kibana does: the source's own ancestors, if it is an alert, then
/// the source itself, and a depth one more than the source's.
///
/// The source's entry carries no `index`, because a pipeline reads no Elasticsearch index.
/// Its `id` is the CloudTrail `eventID` (see [`source_document_id`]) for an event, and the
/// source's `kibana.alert.uuid` for an alert. For an alert it also names the source's rule:
/// its `kibana.alert.rule.uuid`, else its `rule_id`.
pub(crate) fn ancestry(event: &EcsEvent) -> Ancestry {
    let doc = &event.doc;
    let alert_id = first_text(doc, "kibana.alert.uuid");
    let alert_rule = first_text(doc, "kibana.alert.rule.uuid")
        .or_else(|| first_text(doc, "kibana.alert.rule.rule_id"));

    if alert_id.is_none() && alert_rule.is_none() {
        let parent = json!({ "id": source_document_id(event), "type": "event", "depth": 0 });
        return Ancestry {
            ancestors: vec![parent],
            depth: 1,
        };
    }

    let parent_depth = values_at(doc, "kibana.alert.depth")
        .into_iter()
        .find_map(Value::as_u64)
        .unwrap_or(1);
    let mut parent = json!({
        "id": alert_id.unwrap_or_else(|| source_document_id(event)),
        "type": "signal",
        "depth": parent_depth,
    });
    if let Some(rule) = alert_rule {
        parent["rule"] = json!(rule);
    }

    let mut ancestors: Vec<Value> = values_at(doc, "kibana.alert.ancestors")
        .into_iter()
        .filter(|item| item.is_object())
        .cloned()
        .collect();
    ancestors.push(parent);
    Ancestry {
        ancestors,
        depth: parent_depth + 1,
    }
}

fn first_text(doc: &Map<String, Value>, path: &str) -> Option<String> {
    values_at(doc, path)
        .into_iter()
        .find_map(Value::as_str)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shapes::{RecordClass, Shape};

    fn event(doc: Value, record_event_id: Option<&str>) -> EcsEvent {
        EcsEvent {
            doc: doc.as_object().cloned().expect("an object"),
            record_event_id: record_event_id.map(str::to_string),
            shape: Shape::Ecs,
            class: RecordClass::Event,
        }
    }

    #[test]
    fn event_source_is_depth_zero() {
        let ancestry = ancestry(&event(
            json!({}),
            Some("9a8b7c6d-0000-4000-8000-000000000001"),
        ));
        assert_eq!(
            ancestry.ancestors,
            [json!({ "id": "9a8b7c6d-0000-4000-8000-000000000001", "type": "event", "depth": 0 })]
        );
        assert_eq!(ancestry.depth, 1);
    }

    #[test]
    fn alert_source_extends_its_ancestors() {
        let source = json!({
            "kibana": { "alert": {
                "uuid": "alert-1",
                "depth": 1,
                "ancestors": [{ "id": "e1", "type": "event", "depth": 0 }],
                "rule": { "uuid": "rule-so-1", "rule_id": "other-rule" }
            } }
        });
        let ancestry = ancestry(&event(source, None));
        let expected = [
            json!({ "id": "e1", "type": "event", "depth": 0 }),
            json!({ "id": "alert-1", "type": "signal", "depth": 1, "rule": "rule-so-1" }),
        ];
        assert_eq!(ancestry.ancestors, expected);
        assert_eq!(ancestry.depth, 2);
    }
}
