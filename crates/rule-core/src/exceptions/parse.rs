//! Reading exception items in Kibana's exception-list item format.
//!
//! Kibana's exception-list export writes NDJSON: one line per list container, one per
//! item, and a trailing summary line. Containers and the summary hold nothing to match on,
//! so they are recognised and passed over. Items keep Kibana's bookkeeping keys, which are
//! accepted and ignored. Any other key is rejected, so that a misspelt key cannot silently
//! widen or narrow an exception.

use serde_json::{Map, Value};

use super::ExceptionItem;
use super::entry::{Condition, Entry, Operator};
use super::wildcard::Wildcard;
use crate::config::{invalid, invalid_message};
use crate::error::ConfigError;
use crate::json::{self, Limits};
use crate::kql;
use crate::timestamp::Timestamp;

/// Item keys that only Kibana's bookkeeping reads.
const BOOKKEEPING_KEYS: &[&str] = &[
    "_version",
    "comments",
    "created_at",
    "created_by",
    "description",
    "id",
    "item_id",
    "list_id",
    "meta",
    "name",
    "namespace_type",
    "tags",
    "tie_breaker_id",
    "updated_at",
    "updated_by",
    "version",
];

/// Item keys that take part in matching.
const MATCHING_KEYS: &[&str] = &["entries", "expire_time", "os_types", "type"];

/// The `type` of every kind of exception list container Kibana writes.
const LIST_TYPES: &[&str] = &[
    "detection",
    "rule_default",
    "endpoint",
    "endpoint_events",
    "endpoint_host_isolation_exceptions",
    "endpoint_blocklists",
    "endpoint_trusted_apps",
    "endpoint_trusted_devices",
];

/// Keys found only on the summary line that closes an export.
const SUMMARY_KEYS: &[&str] = &[
    "exported_exception_list_count",
    "exported_exception_list_item_count",
];

/// Operating systems Kibana allows in `os_types`.
const OS_TYPES: &[&str] = &["linux", "macos", "windows"];

/// Parses the `exceptions` value of a configuration: a JSON array of items, or a string
/// holding an exception-list export.
pub(super) fn parse_items(value: &Value) -> Result<Vec<ExceptionItem>, ConfigError> {
    let records = match value {
        Value::Array(elements) => elements
            .iter()
            .enumerate()
            .map(|(index, element)| (format!("exceptions[{index}]"), element.clone()))
            .collect(),
        Value::String(ndjson) => split_ndjson(ndjson)?,
        other => {
            let expected = "an array of exception items, or a string holding the NDJSON of \
                            Kibana's exception-list export";
            return Err(invalid("exceptions", expected, other));
        }
    };

    let mut items = Vec::new();
    for (path, record) in &records {
        let Some(object) = record.as_object() else {
            return Err(invalid(path, "an exception item object", record));
        };
        if is_container(object) || is_summary(object) {
            continue;
        }
        items.push(parse_item(path, object, items.len() + 1)?);
    }
    Ok(items)
}

/// Splits an export into its JSON lines, each with a path such as `exceptions line 2` for
/// messages. Blank lines are passed over.
fn split_ndjson(ndjson: &str) -> Result<Vec<(String, Value)>, ConfigError> {
    let limits = Limits {
        max_bytes: u64::MAX,
        ..Limits::default()
    };
    let mut records = Vec::new();
    for (index, line) in ndjson.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let path = format!("exceptions line {}", index + 1);
        let value = json::parse_event(line, &limits)
            .map_err(|error| invalid_message(&path, &error.to_string()))?;
        records.push((path, value));
    }
    Ok(records)
}

fn is_container(object: &Map<String, Value>) -> bool {
    let list_type = object.get("type").and_then(Value::as_str);
    let is_list_type = list_type.is_some_and(|name| LIST_TYPES.contains(&name));
    is_list_type && object.contains_key("list_id") && !object.contains_key("entries")
}

fn is_summary(object: &Map<String, Value>) -> bool {
    SUMMARY_KEYS.iter().any(|key| object.contains_key(*key))
}

/// Parses one item. `position` counts items from 1 and labels an item with neither a
/// name nor an item id.
fn parse_item(
    path: &str,
    object: &Map<String, Value>,
    position: usize,
) -> Result<ExceptionItem, ConfigError> {
    for key in object.keys() {
        let known =
            BOOKKEEPING_KEYS.contains(&key.as_str()) || MATCHING_KEYS.contains(&key.as_str());
        if !known {
            let message = format!(
                "unknown key {key:?} in an exception item; expected Kibana's item keys \
                 (entries, type, os_types, and bookkeeping such as name, item_id, list_id)"
            );
            return Err(invalid_message(path, &message));
        }
    }

    if let Some(item_type) = object.get("type")
        && item_type.as_str() != Some("simple")
    {
        return Err(invalid(&format!("{path}.type"), "\"simple\"", item_type));
    }

    let os_types = parse_os_types(path, object.get("os_types"))?;
    let entries_path = format!("{path}.entries");
    let Some(entries) = object.get("entries") else {
        return Err(invalid_message(
            &entries_path,
            "missing; an item needs at least one entry",
        ));
    };
    let entries = parse_entries(&entries_path, entries, EntryLevel::Item)?;

    Ok(ExceptionItem {
        label: label(object, position),
        entries,
        os_types,
        expires: parse_expire_time(path, object.get("expire_time"))?,
    })
}

/// Reads `expire_time`, an ISO 8601 date-time in Kibana's exports. Null or absent means
/// the item never expires.
fn parse_expire_time(path: &str, value: Option<&Value>) -> Result<Option<Timestamp>, ConfigError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            let time = value.as_str().and_then(Timestamp::parse);
            let expected =
                "an ISO 8601 date-time with an offset, such as \"2030-01-01T00:00:00.000Z\"";
            time.map(Some)
                .ok_or_else(|| invalid(&format!("{path}.expire_time"), expected, value))
        }
    }
}

/// Returns the item's `name`, else its `item_id`, else `item N`.
fn label(object: &Map<String, Value>, position: usize) -> String {
    let non_empty = |key: &str| {
        let text = object.get(key).and_then(Value::as_str)?;
        (!text.trim().is_empty()).then(|| text.to_string())
    };
    non_empty("name")
        .or_else(|| non_empty("item_id"))
        .unwrap_or_else(|| format!("item {position}"))
}

fn parse_os_types(path: &str, value: Option<&Value>) -> Result<Vec<String>, ConfigError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let expected = "an array of \"linux\", \"macos\" or \"windows\"";
    let Some(elements) = value.as_array() else {
        return Err(invalid(&format!("{path}.os_types"), expected, value));
    };
    let mut os_types = Vec::new();
    for (index, element) in elements.iter().enumerate() {
        match element.as_str() {
            Some(name) if OS_TYPES.contains(&name) => os_types.push(name.to_string()),
            _ => {
                return Err(invalid(
                    &format!("{path}.os_types[{index}]"),
                    expected,
                    element,
                ));
            }
        }
    }
    Ok(os_types)
}

/// The place of a list of entries, because Kibana allows fewer entry types inside `nested`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryLevel {
    Item,
    Nested,
}

fn parse_entries(path: &str, value: &Value, level: EntryLevel) -> Result<Vec<Entry>, ConfigError> {
    let Some(elements) = value.as_array().filter(|elements| !elements.is_empty()) else {
        return Err(invalid(path, "a non-empty array of entries", value));
    };
    elements
        .iter()
        .enumerate()
        .map(|(index, element)| parse_entry(&format!("{path}[{index}]"), element, level))
        .collect()
}

fn parse_entry(path: &str, value: &Value, level: EntryLevel) -> Result<Entry, ConfigError> {
    let Some(object) = value.as_object() else {
        return Err(invalid(path, "an entry object", value));
    };
    let type_path = format!("{path}.type");
    let entry_type = match object.get("type") {
        Some(Value::String(name)) => name.as_str(),
        Some(other) => return Err(invalid(&type_path, ENTRY_TYPES, other)),
        None => {
            return Err(invalid_message(
                &type_path,
                &format!("missing; expected {ENTRY_TYPES}"),
            ));
        }
    };

    if entry_type == "list" {
        let message = "value lists (\"type\": \"list\") are not supported; copy the list's \
                       values into a match_any entry instead";
        return Err(invalid_message(&type_path, message));
    }
    let allowed_keys: &[&str] = match entry_type {
        "match" | "match_any" | "wildcard" => &["field", "operator", "type", "value", "id"],
        "exists" => &["field", "operator", "type", "id"],
        "nested" => &["field", "type", "entries", "id"],
        _ => return Err(invalid(&type_path, ENTRY_TYPES, &object["type"])),
    };
    let allowed_here = match level {
        EntryLevel::Item => true,
        EntryLevel::Nested => matches!(entry_type, "match" | "match_any" | "exists"),
    };
    if !allowed_here {
        let message = format!(
            "{entry_type:?} is not allowed inside a nested entry; Kibana allows only match, \
             match_any and exists there"
        );
        return Err(invalid_message(&type_path, &message));
    }

    check_entry_keys(path, object, entry_type, allowed_keys)?;

    let field = parse_field(path, object)?;
    if entry_type == "nested" {
        let entries = match object.get("entries") {
            Some(entries) => {
                parse_entries(&format!("{path}.entries"), entries, EntryLevel::Nested)?
            }
            None => return Err(invalid_message(&format!("{path}.entries"), "missing")),
        };
        return Ok(Entry::Nested {
            path: field,
            entries,
        });
    }

    let operator = parse_operator(path, object)?;
    let condition = parse_condition(path, object, entry_type)?;
    if kql::is_ip_field(&field) {
        check_ip_terms(path, &field, &condition)?;
    }
    Ok(Entry::Field {
        field,
        operator,
        condition,
    })
}

/// Checks that every `match` or `match_any` value of an `ip` field is an address or a CIDR
/// block: Elasticsearch rejects any other term on such a field.
fn check_ip_terms(path: &str, field: &str, condition: &Condition) -> Result<(), ConfigError> {
    let terms: &[String] = match condition {
        Condition::Match(term) => std::slice::from_ref(term),
        Condition::MatchAny(terms) => terms,
        Condition::Wildcard(_) | Condition::Exists => return Ok(()),
    };
    match terms.iter().find(|term| kql::ip_term_range(term).is_none()) {
        None => Ok(()),
        Some(term) => {
            let message = format!(
                "{term:?} is not an IP address or CIDR block, which {field} (an ip field) needs; \
                 write an address such as 192.0.2.10 or a block such as 192.0.2.0/24"
            );
            Err(invalid_message(&format!("{path}.value"), &message))
        }
    }
}

/// The entry types this detector runs, for messages.
const ENTRY_TYPES: &str = "one of \"match\", \"match_any\", \"wildcard\", \"exists\", \"nested\"";

fn check_entry_keys(
    path: &str,
    object: &Map<String, Value>,
    entry_type: &str,
    allowed: &[&str],
) -> Result<(), ConfigError> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) => {
            let message = format!(
                "unknown key {key:?} for entry type {entry_type:?}; expected only {}",
                allowed.join(", ")
            );
            Err(invalid_message(path, &message))
        }
    }
}

fn parse_field(path: &str, object: &Map<String, Value>) -> Result<String, ConfigError> {
    let field_path = format!("{path}.field");
    match object.get("field") {
        Some(Value::String(field)) if !field.trim().is_empty() => Ok(field.clone()),
        Some(other) => Err(invalid(
            &field_path,
            "a field name such as \"user_agent.original\"",
            other,
        )),
        None => Err(invalid_message(
            &field_path,
            "missing; expected a field name",
        )),
    }
}

fn parse_operator(path: &str, object: &Map<String, Value>) -> Result<Operator, ConfigError> {
    let operator_path = format!("{path}.operator");
    let expected = "\"included\" or \"excluded\"";
    match object.get("operator") {
        Some(Value::String(name)) if name == "included" => Ok(Operator::Included),
        Some(Value::String(name)) if name == "excluded" => Ok(Operator::Excluded),
        Some(other) => Err(invalid(&operator_path, expected, other)),
        None => Err(invalid_message(
            &operator_path,
            &format!("missing; expected {expected}"),
        )),
    }
}

fn parse_condition(
    path: &str,
    object: &Map<String, Value>,
    entry_type: &str,
) -> Result<Condition, ConfigError> {
    if entry_type == "exists" {
        return Ok(Condition::Exists);
    }

    let value_path = format!("{path}.value");
    let Some(value) = object.get("value") else {
        return Err(invalid_message(&value_path, "missing"));
    };
    match entry_type {
        "match" => Ok(Condition::Match(non_empty_string(&value_path, value)?)),
        "wildcard" => Ok(Condition::Wildcard(Wildcard::new(&non_empty_string(
            &value_path,
            value,
        )?))),
        _ => {
            let expected = "a non-empty array of non-empty strings";
            let Some(elements) = value.as_array().filter(|elements| !elements.is_empty()) else {
                return Err(invalid(&value_path, expected, value));
            };
            let strings = elements
                .iter()
                .enumerate()
                .map(|(index, element)| {
                    non_empty_string(&format!("{value_path}[{index}]"), element)
                })
                .collect::<Result<_, _>>()?;
            Ok(Condition::MatchAny(strings))
        }
    }
}

fn non_empty_string(path: &str, value: &Value) -> Result<String, ConfigError> {
    match value.as_str() {
        Some(text) if !text.trim().is_empty() => Ok(text.to_string()),
        _ => Err(invalid(path, "a non-empty string", value)),
    }
}
