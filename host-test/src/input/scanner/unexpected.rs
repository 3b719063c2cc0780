//! Top-level keys that are not part of a container document's format.
//!
//! A container document is split into its elements, and the rest of its top-level object is
//! not an event. That is right for the format's own keys (a CloudWatch Logs payload's
//! `logGroup`, lookup-events' `NextToken`), but an object with other keys beside the array,
//! such as a CloudTrail record that also has `Records`, would lose its own fields without a
//! trace. So the first such key of a document is one `UnexpectedKey` error, and its
//! elements are still read.

use std::collections::VecDeque;
use std::sync::Arc;

use super::Scanner;
use super::emit::error_item;
use super::keys::KeyPosition;
use crate::input::document::ContainerKind;
use crate::input::item::{InputErrorKind, InputItem, Origin};

impl Scanner {
    /// Checks the keys read before the first container array of the document opens.
    pub(super) fn check_keys_before_container(
        &mut self,
        kind: ContainerKind,
        out: &mut VecDeque<InputItem>,
    ) {
        if self.document.format.is_some() {
            return;
        }
        self.document.format = Some(kind);
        self.report_unexpected_key(0, out);
    }

    /// Checks the key just read, once the document is known to be a container document.
    pub(super) fn check_key_after_container(&mut self, out: &mut VecDeque<InputItem>) {
        if self.document.format.is_some() {
            let last = self.keys.len().saturating_sub(1);
            self.report_unexpected_key(last, out);
        }
    }

    fn report_unexpected_key(&mut self, from: usize, out: &mut VecDeque<InputItem>) {
        let Some(kind) = self.document.format else {
            return;
        };
        if self.document.unexpected_key || self.document.repeated_key {
            return;
        }
        let Some((key, position)) = self.keys.first_unexpected(from, kind.format_keys()) else {
            return;
        };

        self.document.unexpected_key = true;
        out.push_back(self.unexpected_key_error(kind, &key, position));
    }

    fn unexpected_key_error(
        &self,
        kind: ContainerKind,
        key: &str,
        position: KeyPosition,
    ) -> InputItem {
        let key = serde_json::Value::String(key.to_owned());
        let container = kind.key();
        let allowed: Vec<String> = kind
            .format_keys()
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect();
        let message = format!(
            "the top-level key {key} is not part of {}, which has only the top-level keys {}. The \
             elements of \"{container}\" were read as events, but the rest of this object was not \
             evaluated (only its first such key is reported). If the object is itself an \
             event, remove \"{container}\" from it; otherwise remove the other keys",
            kind.format_name(),
            allowed.join(", "),
        );
        let origin = Origin {
            path: Arc::clone(&self.path),
            line: position.line,
            byte_offset: Some(position.offset),
            label: None,
        };
        error_item(origin, InputErrorKind::UnexpectedKey, message)
    }
}
