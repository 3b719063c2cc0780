//! The maximum event size, applied at the byte where an event or a skipped line passes it,
//! so that an event or line that never ends is reported while the input goes on.

use std::collections::VecDeque;

use super::emit::error_item;
use super::{Scanner, Top};
use crate::input::frame::SCALAR_BYTE;
use crate::input::item::{InputErrorKind, InputItem};

impl Scanner {
    /// Returns the index in the chunk, at or after `i`, of the byte that would pass the
    /// maximum event size: the byte just past the limit of the event being read, or of the
    /// stretch of line being skipped. `None` when that byte is not in this chunk.
    pub(super) fn limit_index(&self, i: usize, chunk_len: usize) -> Option<usize> {
        let limit = self.options.max_event_bytes as u64;
        let start = match self.top {
            Top::Resync if !self.skip_reported => self.skip_start,
            Top::Value => self.open_event_start()?,
            _ => return None,
        };

        let point = start.checked_add(limit)?;
        let now = self.base + i as u64;
        let chunk_end = self.base + chunk_len as u64;
        (now..chunk_end)
            .contains(&point)
            .then(|| (point - self.base) as usize)
    }

    /// Handles the byte at index `i` that passes the limit; returns where to go on.
    pub(super) fn reach_limit(
        &mut self,
        chunk: &[u8],
        i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        if self.top == Top::Resync {
            // A line break here ends a line of exactly the maximum size, which is no error.
            if chunk[i] == b'\n' {
                self.skip_reported = true;
            } else {
                self.report_long_skip(out);
            }
            return i;
        }

        // A scalar that is the whole event ends at the first byte that cannot continue it,
        // so if that byte is this one, the event is exactly the maximum size.
        let event_depth = if self.element.is_some() { 2 } else { 0 };
        let scalar_event = self.in_scalar && self.stack.len() == event_depth;
        if scalar_event && !SCALAR_BYTE[chunk[i] as usize] {
            self.in_scalar = false;
            self.end_value(chunk, i, out);
            return i;
        }

        self.report_too_large(out);
        i
    }

    /// Returns the stream offset where the event being read starts. `None` outside an
    /// event, for an event already reported as too large, and for the elements the scanner
    /// does not read (a control message's, those after a repeated key).
    ///
    /// NOTE: the parts of a container document outside its elements, and blank space, have
    /// no limit. They are never held in memory, but one that never ends is read silently.
    fn open_event_start(&self) -> Option<u64> {
        match self.element {
            Some(element) if element.too_large || !self.elements_are_read() => None,
            Some(element) => Some(element.start.offset),
            None if self.document.split || self.document.too_large => None,
            None => Some(self.value.offset),
        }
    }

    /// Reports the event being read as larger than the maximum, and stops collecting it.
    /// The scanner still follows its structure to find where it ends.
    fn report_too_large(&mut self, out: &mut VecDeque<InputItem>) {
        let noun = match &mut self.element {
            Some(element) => {
                element.too_large = true;
                element.kind.element_noun()
            }
            None => {
                self.document.too_large = true;
                "JSON value"
            }
        };
        self.capture.reset();

        let limit = self.options.max_event_bytes;
        let message = format!(
            "the {noun} is larger than the maximum event size of {limit} bytes, so it is \
             skipped; raise the maximum event size to read it"
        );
        let origin = self.open_origin();
        out.push_back(error_item(origin, InputErrorKind::TooLarge, message));
    }

    /// Reports a line that goes on past the limit while the scanner skips it after an
    /// error. Each such line is reported once, however long it is.
    fn report_long_skip(&mut self, out: &mut VecDeque<InputItem>) {
        self.skip_reported = true;
        let limit = self.options.max_event_bytes;
        let message = format!(
            "no line break within {limit} bytes (the maximum event size) from byte offset {}, \
             where skipping began; the rest of the line is skipped too (is the input binary?)",
            self.skip_start
        );
        let origin = self.position_origin(self.skip_start);
        out.push_back(error_item(origin, InputErrorKind::TooLarge, message));
    }
}
