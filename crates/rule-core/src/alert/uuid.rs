//! `kibana.alert.uuid`: a deterministic alert id, so a replayed record yields the same id.
//!
//! Kibana hashes the source document's index, `_id` and version with the rule's saved-object
//! id, none of which a pipeline has. The CloudTrail `eventID` is unique per record and
//! account, so it takes the place of the document id.

use serde_json::{Map, Value};

use crate::rule::hex_sha256;
use crate::shapes::EcsEvent;

/// Computes `kibana.alert.uuid`: the lowercase hex SHA-256 of `RULE_ID:EVENT_ID` with the
/// record's own `eventID`, or of `RULE_ID:` and the RFC 8785 canonical JSON of the ECS
/// document when the record has none.
pub fn alert_uuid(rule_id: &str, event: &EcsEvent) -> String {
    match record_event_id(event) {
        Some(event_id) => hex_sha256(format!("{rule_id}:{event_id}").as_bytes()),
        None => hex_sha256(format!("{rule_id}:{}", canonical_json(&event.doc)).as_bytes()),
    }
}

/// Returns the id of the source document for `kibana.alert.ancestors`: the record's
/// `eventID`, else the hex SHA-256 of the document's canonical JSON, which is the same for
/// every copy of the same content.
pub(crate) fn source_document_id(event: &EcsEvent) -> String {
    match record_event_id(event) {
        Some(event_id) => event_id.to_string(),
        None => hex_sha256(canonical_json(&event.doc).as_bytes()),
    }
}

fn record_event_id(event: &EcsEvent) -> Option<&str> {
    event.record_event_id.as_deref().filter(|id| !id.is_empty())
}

/// RFC 8785 (JSON Canonicalization Scheme): sorted keys, no whitespace, and numbers as
/// ECMAScript writes them, so equal documents give equal text whatever their source layout.
fn canonical_json(doc: &Map<String, Value>) -> String {
    serde_json_canonicalizer::to_string(doc)
        .expect("a JSON value has only finite numbers, so it canonicalizes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shapes::{RecordClass, Shape};
    use serde_json::json;
    use sha2::{Digest, Sha256};

    const RULE_ID: &str = "bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b";

    fn event(doc: Value, record_event_id: Option<&str>) -> EcsEvent {
        EcsEvent {
            doc: doc.as_object().cloned().expect("an object"),
            record_event_id: record_event_id.map(str::to_string),
            shape: Shape::CloudTrail,
            class: RecordClass::Event,
        }
    }

    fn sha256_hex(input: &str) -> String {
        Sha256::digest(input.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    #[test]
    fn hashes_rule_and_event_id() {
        let event = event(
            json!({ "event": { "id": "ignored" } }),
            Some("9a8b7c6d-0000-4000-8000-000000000001"),
        );
        let expected =
            sha256_hex("bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b:9a8b7c6d-0000-4000-8000-000000000001");
        assert_eq!(alert_uuid(RULE_ID, &event), expected);
    }

    #[test]
    fn hashes_canonical_json_without_event_id() {
        let doc = json!({ "z": 1.0, "a": { "c": "\u{e9}", "b": [true, null] } });
        let expected = sha256_hex(
            r#"bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b:{"a":{"b":[true,null],"c":"é"},"z":1}"#,
        );
        assert_eq!(alert_uuid(RULE_ID, &event(doc.clone(), None)), expected);
        assert_eq!(alert_uuid(RULE_ID, &event(doc, Some(""))), expected);
    }

    #[test]
    fn source_id_is_event_id_or_content_digest() {
        let with_id = event(json!({}), Some("9a8b7c6d-0000-4000-8000-000000000001"));
        assert_eq!(
            source_document_id(&with_id),
            "9a8b7c6d-0000-4000-8000-000000000001"
        );
        let without_id = event(json!({ "b": 2, "a": 1 }), None);
        assert_eq!(
            source_document_id(&without_id),
            sha256_hex(r#"{"a":1,"b":2}"#)
        );
    }
}
