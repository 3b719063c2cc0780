//! Emission of events: the checks every event's text passes, and the items for elements and
//! top-level values.

use std::collections::VecDeque;

use memchr::memchr;

use super::Scanner;
use crate::input::document::{self, ContainerKind};
use crate::input::frame;
use crate::input::item::{
    AFTER_REPEATED_KEY, InputError, InputErrorKind, InputItem, Label, Origin, Payload,
};

impl Scanner {
    pub(super) fn end_element(&mut self, chunk: &[u8], end: usize, out: &mut VecDeque<InputItem>) {
        let Some(element) = self.element.take() else {
            return;
        };
        if self.document.skip_elements || element.too_large {
            return;
        }

        let label = Label {
            container: element.kind.key(),
            index: element.index,
        };
        let origin = self.origin_at(element.start, Some(label));
        if self.document.repeated_key {
            out.push_back(InputItem {
                origin,
                payload: Payload::Skipped(AFTER_REPEATED_KEY),
            });
            return;
        }
        if element.first_byte != b'{' {
            let found = frame::type_of_first_byte(element.first_byte);
            let message = format!("expected a JSON object, found {found}");
            out.push_back(error_item(origin, InputErrorKind::NotAnObject, message));
            return;
        }

        self.capture.close(end);
        let size = self.base + end as u64 - element.start.offset;
        let item = match self.capture.bytes(chunk) {
            Some(bytes) if element.kind == ContainerKind::LogEvents => {
                log_event_item(origin, bytes)
            }
            Some(bytes) => event_item(origin, bytes),
            // An event that passes the maximum is reported there, so this is reached only
            // with a maximum of 0, where the limit falls on the event's first byte.
            None => self.too_large_item(origin, element.kind.element_noun(), size),
        };
        out.push_back(item);
        self.capture.reset();
    }

    /// Emits the top-level value that has ended, once the rest of its line is known to be blank.
    pub(super) fn emit_pending(&mut self, chunk: &[u8], out: &mut VecDeque<InputItem>) {
        if !std::mem::take(&mut self.pending) {
            return;
        }

        let origin = self.origin_at(self.value, None);
        let size = self.value_end - self.value.offset;
        let item = match self.capture.bytes(chunk) {
            Some(bytes) => event_item(origin, bytes),
            None => self.too_large_item(origin, "JSON value", size),
        };
        out.push_back(item);
        self.capture.reset();
    }

    pub(super) fn too_large_item(&self, origin: Origin, what: &str, size: u64) -> InputItem {
        let limit = self.options.max_event_bytes;
        let message = format!(
            "the {what} is {size} bytes, larger than the maximum event size of {limit} bytes; \
             raise the maximum event size to read it"
        );
        error_item(origin, InputErrorKind::TooLarge, message)
    }
}

pub(super) fn error_item(origin: Origin, kind: InputErrorKind, message: String) -> InputItem {
    InputItem {
        origin,
        payload: Payload::Error(InputError::new(kind, message)),
    }
}

/// Turns the bytes of one event into an event, or an error when they are not UTF-8 text
/// without NUL bytes.
pub(super) fn event_item(origin: Origin, bytes: &[u8]) -> InputItem {
    let start = origin.byte_offset.unwrap_or(0);
    if let Some(position) = memchr(0, bytes) {
        let message = format!(
            "the event contains a NUL byte at byte offset {}, which JSON text cannot contain \
             (is the input UTF-16 or binary?)",
            start + position as u64
        );
        return error_item(origin, InputErrorKind::NulByte, message);
    }

    match std::str::from_utf8(bytes) {
        Ok(text) => InputItem {
            origin,
            payload: Payload::Event(text.to_owned()),
        },
        Err(error) => {
            let message = format!(
                "invalid UTF-8 at byte offset {}; the input must be UTF-8 (convert it, for \
                 example with iconv)",
                start + error.valid_up_to() as u64
            );
            error_item(origin, InputErrorKind::InvalidUtf8, message)
        }
    }
}

/// Turns a CloudWatch Logs log event into the event its `message` holds.
fn log_event_item(origin: Origin, bytes: &[u8]) -> InputItem {
    let checked = event_item(origin, bytes);
    let Payload::Event(text) = &checked.payload else {
        return checked;
    };

    match document::log_event_message(text.as_bytes()) {
        Ok(message) if message.contains('\0') => {
            let error = InputError::new(
                InputErrorKind::NulByte,
                "the log event's message contains a NUL character (\\u0000), which the event's \
                 JSON text cannot contain",
            );
            InputItem {
                origin: checked.origin,
                payload: Payload::Error(error),
            }
        }
        Ok(message) => InputItem {
            origin: checked.origin,
            payload: Payload::Event(message),
        },
        Err(error) => InputItem {
            origin: checked.origin,
            payload: Payload::Error(error),
        },
    }
}
