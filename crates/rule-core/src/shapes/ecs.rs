//! ECS documents as Elastic's AWS integration indexes them, with nested, dotted or mixed
//! keys, and search hits or export lines that wrap one in `_source`.
//!
//! The document is kept as it is, apart from `data_stream.dataset`. In Elastic that field is
//! a `constant_keyword` of the index, so a query on it matches every document of a
//! `logs-aws.cloudtrail-*` index even when `_source` omits it. Outside an index the dataset
//! has to come from the document: from `data_stream.dataset`, else from `event.dataset`,
//! which is copied into `data_stream.dataset` so that the query can match it. A document with
//! neither, or with another dataset, is not a CloudTrail document.

use serde_json::{Map, Value};

use super::{EcsEvent, RecordClass, Shape};
use crate::document::field_values;

/// The shape, as error messages list it.
pub(super) const DESCRIPTION: &str =
    "an ECS document (@timestamp, event or data_stream) or a search hit with `_source`";

const CLOUDTRAIL_DATASET: &str = "aws.cloudtrail";

/// Top-level keys of which an ECS document from the integration has at least one: the
/// required `@timestamp`, and the field sets a detection query reads, nested or dotted.
const MARKERS: [&str; 10] = [
    "@timestamp",
    "event",
    "data_stream",
    "ecs",
    "event.action",
    "event.provider",
    "event.dataset",
    "event.id",
    "data_stream.dataset",
    "ecs.version",
];

/// Tells whether `map` is a search hit or export line that wraps a document in `_source`.
pub(super) fn is_search_hit(map: &Map<String, Value>) -> bool {
    matches!(map.get("_source"), Some(Value::Object(_)))
}

/// Tells whether `map` has one of the top-level keys of an ECS document.
pub(super) fn is_document(map: &Map<String, Value>) -> bool {
    MARKERS.iter().any(|key| map.contains_key(*key))
}

/// Unwraps a search hit, settles the dataset, and classifies the document. The record's
/// id is `event.id`, where the integration stores CloudTrail's `eventID`. The hit's `_id`
/// belongs to Elasticsearch and is ignored.
pub(super) fn normalize(mut map: Map<String, Value>) -> EcsEvent {
    let (mut doc, shape) = match map.remove("_source") {
        Some(Value::Object(source)) => (source, Shape::EcsSearchHit),
        Some(other) => {
            map.insert("_source".to_owned(), other);
            (map, Shape::Ecs)
        }
        None => (map, Shape::Ecs),
    };

    fill_dataset(&mut doc);
    let class = if is_cloudtrail_dataset(&doc) {
        RecordClass::Event
    } else {
        RecordClass::NotCloudTrail
    };

    EcsEvent {
        record_event_id: first_string(&doc, "event.id"),
        doc,
        shape,
        class,
    }
}

/// Copies `event.dataset` into `data_stream.dataset` when the document lacks the latter.
/// The copy goes into the `data_stream` object when there is one or none, and under the
/// dotted key when `data_stream` is something else, which still names the same field.
fn fill_dataset(doc: &mut Map<String, Value>) {
    if first_string(doc, "data_stream.dataset").is_some() {
        return;
    }
    let Some(dataset) = first_string(doc, "event.dataset") else {
        return;
    };

    match doc.get_mut("data_stream") {
        Some(Value::Object(data_stream)) => {
            data_stream.insert("dataset".to_owned(), Value::String(dataset));
        }
        None => {
            let data_stream = Map::from_iter([("dataset".to_owned(), Value::String(dataset))]);
            doc.insert("data_stream".to_owned(), Value::Object(data_stream));
        }
        Some(_) => {
            doc.insert("data_stream.dataset".to_owned(), Value::String(dataset));
        }
    }
}

/// Tells whether every value of `data_stream.dataset` is `aws.cloudtrail`. A constant
/// keyword has exactly one value per index, so a document with two different values
/// could not have been indexed there.
fn is_cloudtrail_dataset(doc: &Map<String, Value>) -> bool {
    let values = non_empty_strings(doc, "data_stream.dataset");
    !values.is_empty() && values.iter().all(|value| *value == CLOUDTRAIL_DATASET)
}

/// Returns the first non-empty string value of the field `path`, nested or dotted.
fn first_string(doc: &Map<String, Value>, path: &str) -> Option<String> {
    non_empty_strings(doc, path)
        .first()
        .map(|value| (*value).to_owned())
}

/// Returns the non-empty string values of the field `path`. Empty strings count as missing, as
/// Elastic's pipeline drops them before indexing.
fn non_empty_strings<'a>(doc: &'a Map<String, Value>, path: &str) -> Vec<&'a str> {
    field_values(doc, path)
        .into_iter()
        .filter_map(Value::as_str)
        .filter(|value| !value.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{is_document, is_search_hit, normalize};
    use crate::document::field_values;
    use crate::shapes::{RecordClass, Shape};

    const EVENT_ID: &str = "0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40";

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test input must be an object, got {other}"),
        }
    }

    fn datasets(doc: &Map<String, Value>) -> Vec<&Value> {
        field_values(doc, "data_stream.dataset")
    }

    #[test]
    fn document_detected_by_markers() {
        let documents = [
            json!({"@timestamp": "2024-05-14T09:21:37.000Z"}),
            json!({"event": {"action": "DeleteFunction"}}),
            json!({"event.action": "DeleteFunction"}),
            json!({"data_stream.dataset": "aws.cloudtrail"}),
            json!({"ecs": {"version": "8.11.0"}}),
        ];
        for document in documents {
            assert!(is_document(&object(document.clone())), "{document}");
        }
        assert!(!is_document(&object(json!({"user": {"name": "ops-user"}}))));
    }

    #[test]
    fn search_hit_needs_object_source() {
        assert!(is_search_hit(&object(
            json!({"_index": "i", "_id": "1", "_source": {}})
        )));
        assert!(!is_search_hit(&object(
            json!({"_index": "i", "_source": "text"})
        )));
    }

    #[test]
    fn nested_document_kept_as_is() {
        let document = object(json!({
            "@timestamp": "2024-05-14T09:21:37.000Z",
            "data_stream": {"dataset": "aws.cloudtrail", "namespace": "default", "type": "logs"},
            "event": {"action": "DeleteFunction20150331", "id": EVENT_ID}
        }));

        let event = normalize(document.clone());

        assert_eq!(event.doc, document);
        assert_eq!(event.shape, Shape::Ecs);
        assert_eq!(event.class, RecordClass::Event);
        assert_eq!(event.record_event_id.as_deref(), Some(EVENT_ID));
    }

    #[test]
    fn dotted_and_mixed_documents_classified() {
        let documents = [
            json!({"data_stream.dataset": "aws.cloudtrail", "event.id": EVENT_ID}),
            json!({"data_stream": {"dataset": "aws.cloudtrail"}, "event.id": EVENT_ID}),
            json!({"data_stream.dataset": "aws.cloudtrail", "event": {"id": EVENT_ID}}),
        ];
        for document in documents {
            let event = normalize(object(document.clone()));
            assert_eq!(event.class, RecordClass::Event, "{document}");
            assert_eq!(
                event.record_event_id.as_deref(),
                Some(EVENT_ID),
                "{document}"
            );
        }
    }

    #[test]
    fn search_hit_unwrapped() {
        let source =
            json!({"data_stream": {"dataset": "aws.cloudtrail"}, "event": {"id": EVENT_ID}});
        let hit = object(
            json!({"_index": ".ds-logs-aws.cloudtrail-default-2024.05.14-000001", "_id": "hit-id", "_source": source}),
        );

        let event = normalize(hit);

        assert_eq!(event.doc, object(source));
        assert_eq!(event.shape, Shape::EcsSearchHit);
        assert_eq!(
            event.record_event_id.as_deref(),
            Some(EVENT_ID),
            "never the hit's _id"
        );
    }

    #[test]
    fn dataset_copied_from_event_dataset() {
        let cases = [
            json!({"event": {"dataset": "aws.cloudtrail"}}),
            json!({"event.dataset": "aws.cloudtrail"}),
            json!({"event.dataset": "aws.cloudtrail", "data_stream": {"namespace": "default"}}),
            json!({"event.dataset": "aws.cloudtrail", "data_stream": "unexpected"}),
        ];
        for document in cases {
            let event = normalize(object(document.clone()));
            assert_eq!(
                datasets(&event.doc),
                [&json!("aws.cloudtrail")],
                "{document}"
            );
            assert_eq!(event.class, RecordClass::Event, "{document}");
        }
    }

    #[test]
    fn copied_dataset_goes_into_nested_object() {
        let event = normalize(object(
            json!({"event.dataset": "aws.cloudtrail", "data_stream": {"namespace": "default"}}),
        ));

        assert_eq!(
            event.doc["data_stream"],
            json!({"namespace": "default", "dataset": "aws.cloudtrail"})
        );
    }

    #[test]
    fn data_stream_dataset_wins_over_event_dataset() {
        let document = json!({"data_stream": {"dataset": "aws.guardduty"}, "event": {"dataset": "aws.cloudtrail"}});

        let event = normalize(object(document.clone()));

        assert_eq!(event.doc, object(document));
        assert_eq!(event.class, RecordClass::NotCloudTrail);
    }

    #[test]
    fn not_cloudtrail_without_dataset() {
        let cases = [
            json!({"@timestamp": "2024-05-14T09:21:37.000Z", "event": {"action": "DeleteFunction"}}),
            json!({"data_stream": {"dataset": ""}, "event": {"action": "DeleteFunction"}}),
            json!({"data_stream": {"dataset": null}}),
            json!({"data_stream": {"dataset": []}}),
        ];
        for document in cases {
            let event = normalize(object(document.clone()));
            assert_eq!(event.class, RecordClass::NotCloudTrail, "{document}");
        }
    }

    #[test]
    fn not_cloudtrail_with_other_dataset() {
        let cases = [
            json!({"data_stream": {"dataset": "aws.guardduty"}}),
            json!({"data_stream.dataset": "AWS.CloudTrail"}),
            json!({"event": {"dataset": "aws.cloudtrail_otel"}}),
            json!({"data_stream": {"dataset": ["aws.cloudtrail", "aws.s3access"]}}),
        ];
        for document in cases {
            let event = normalize(object(document.clone()));
            assert_eq!(event.class, RecordClass::NotCloudTrail, "{document}");
        }
    }

    #[test]
    fn missing_or_empty_event_id_is_none() {
        let cases = [
            json!({"data_stream.dataset": "aws.cloudtrail"}),
            json!({"data_stream.dataset": "aws.cloudtrail", "event": {"id": ""}}),
            json!({"data_stream.dataset": "aws.cloudtrail", "event": {"id": 17}}),
        ];
        for document in cases {
            assert_eq!(
                normalize(object(document.clone())).record_event_id,
                None,
                "{document}"
            );
        }
    }
}
