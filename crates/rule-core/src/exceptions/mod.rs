//! Rule exceptions in Kibana's exception-list item format.
//!
//! An event is excepted when any item matches it, and an item matches when all of its
//! entries hold. Fields are looked up in the ECS document the way Elasticsearch indexes
//! it: dotted keys and nested objects name the same field, and a field holding an array
//! matches when any element does.

mod entry;
mod parse;
mod wildcard;

use serde_json::{Map, Value};

use crate::document;
use crate::error::ConfigError;
use crate::timestamp::Timestamp;
use entry::Entry;

/// Exception items; an event matching any item is excepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExceptionList {
    items: Vec<ExceptionItem>,
}

/// One exception item: all its entries must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionItem {
    /// The item's `name`, else its `item_id`, else `item N`, counting items from 1.
    pub label: String,
    entries: Vec<Entry>,
    /// Kibana's `os_types`. When it is not empty, Kibana also requires `host.os.type` or
    /// `host.os.name.caseless` to equal one of them, so that an endpoint item never
    /// matches events of other operating systems.
    os_types: Vec<String>,
    /// Kibana's `expire_time`: from this instant on, the item no longer applies.
    expires: Option<Timestamp>,
}

impl ExceptionList {
    /// Parses exception items from a JSON array of items, or from a string holding the
    /// NDJSON that Kibana's exception-list export writes (list containers and the export
    /// summary line are passed over).
    ///
    /// # Errors
    ///
    /// Rejects unknown item keys, value-list entries (`type: list`), unknown entry types
    /// and operators, and values of the wrong form. The message gives the path of the bad
    /// value, such as `exceptions[0].entries[1].operator`.
    pub fn from_value(value: &Value) -> Result<ExceptionList, ConfigError> {
        let items = parse::parse_items(value)?;
        Ok(ExceptionList { items })
    }

    /// Returns the label of the first item that applies at `now` and matches `doc`, if any.
    pub fn first_match(&self, doc: &Map<String, Value>, now: Timestamp) -> Option<&str> {
        let item = self
            .items
            .iter()
            .find(|item| item.applies_at(now) && item.matches(doc))?;
        Some(item.label.as_str())
    }

    /// Returns the items in the order given.
    pub fn items(&self) -> &[ExceptionItem] {
        &self.items
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl ExceptionItem {
    /// Tells whether the item is in force at `now`: Kibana passes over items whose
    /// `expire_time` has come.
    pub fn applies_at(&self, now: Timestamp) -> bool {
        self.expires.is_none_or(|expires| now < expires)
    }

    /// Tells whether every entry of the item holds for `doc`.
    pub fn matches(&self, doc: &Map<String, Value>) -> bool {
        self.matches_os_types(doc) && self.entries.iter().all(|entry| entry.holds(doc))
    }

    fn matches_os_types(&self, doc: &Map<String, Value>) -> bool {
        if self.os_types.is_empty() {
            return true;
        }
        ["host.os.type", "host.os.name.caseless"]
            .iter()
            .any(|field| {
                document::field_values(doc, field)
                    .iter()
                    .filter_map(|value| value.as_str())
                    .any(|os| self.os_types.iter().any(|wanted| wanted == os))
            })
    }
}

#[cfg(test)]
mod tests;
