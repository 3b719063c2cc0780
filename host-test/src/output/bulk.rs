//! Action lines of Elasticsearch's `_bulk` API.

use std::io;

use serde_json::{Map, Value, json};

use super::field_text;

/// The `create` action line for one alert document: the alert's `kibana.alert.uuid` as the
/// document id, and `_index` when an index is given (else the request's URL names it).
///
/// `create` fails for an id that exists instead of replacing the document, so loading the
/// same alerts twice adds no duplicates and keeps an analyst's changes to an alert.
pub fn bulk_action(document: &Value, index: Option<&str>) -> io::Result<String> {
    let Some(uuid) = field_text(document, "kibana.alert.uuid") else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "an alert has no kibana.alert.uuid, which es-bulk needs as the document id; \
             use --format ndjson for this component",
        ));
    };

    let mut target = Map::new();
    target.insert("_id".to_owned(), Value::String(uuid));
    if let Some(index) = index {
        target.insert("_index".to_owned(), Value::String(index.to_owned()));
    }
    Ok(json!({ "create": target }).to_string())
}
