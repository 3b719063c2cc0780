//! Rule exceptions in Kibana's exception-list item format.

use serde_json::{Map, Value};

use crate::error::ConfigError;

/// Exception items; an event matching any item is excepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExceptionList {
    items: Vec<ExceptionItem>,
}

/// One exception item: all its entries must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionItem {
    /// The item's `name`, else its `item_id`, else its position.
    pub label: String,
}

impl ExceptionList {
    /// Parses exception items from a JSON array of items, or from the NDJSON that Kibana's
    /// exception-list export writes.
    pub fn from_value(value: &Value) -> Result<ExceptionList, ConfigError> {
        todo!("parse exceptions {value}")
    }

    /// Returns the label of the first item that matches `doc`, if any.
    pub fn first_match(&self, doc: &Map<String, Value>) -> Option<&str> {
        let _ = doc;
        self.items.first().map(|item| item.label.as_str()).filter(|_| false)
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
