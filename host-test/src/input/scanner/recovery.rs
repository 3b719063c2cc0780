//! Error reporting and recovery: each structural error becomes one item, and the scanner
//! skips ahead to where reading can resume.

use std::collections::VecDeque;

use memchr::memchr;

use super::emit::error_item;
use super::keys::{Check, Repeated};
use super::{LineMode, Scanner, Top};
use crate::input::frame::{self, Frame};
use crate::input::item::{InputErrorKind, InputItem, Origin};

impl Scanner {
    /// Ends the stream after a read error: the items read so far stay, and the rest of the
    /// input becomes one error.
    pub(crate) fn fail_read(
        &mut self,
        error: &std::io::Error,
        gzip: bool,
        out: &mut VecDeque<InputItem>,
    ) {
        if self.top == Top::After {
            self.emit_pending(&[], out);
        }

        let (kind, message) = if gzip {
            let message = format!(
                "invalid gzip data after {} bytes of decompressed text: {error}; the rest of the \
                 input was skipped (the file is damaged or truncated; `gzip -t FILE` checks it)",
                self.base
            );
            (InputErrorKind::Gzip, message)
        } else {
            let message = format!(
                "reading failed at byte offset {}: {error}; the rest of the input was skipped",
                self.base
            );
            (InputErrorKind::Unreadable, message)
        };
        let origin = match self.top {
            Top::Value => self.open_origin(),
            _ => self.position_origin(self.base),
        };
        out.push_back(error_item(origin, kind, message));

        self.reset_value();
        self.top = Top::Done;
    }

    /// Skips damaged input after an error; see the module documentation of `input`.
    ///
    /// It skips at most to the end of one line, so that the caller can apply the limit on
    /// the length of a skipped line to each line.
    pub(super) fn resync(&mut self, chunk: &[u8], i: usize) -> usize {
        let at_value_start = matches!(chunk.get(i), Some(b'{' | b'['));
        if self.mode != LineMode::Ndjson && at_value_start && self.at_line_start(chunk, i) {
            self.top = Top::Between;
            return i;
        }

        let Some(found) = memchr(b'\n', &chunk[i..]) else {
            return chunk.len();
        };
        let next_line = i + found + 1;
        self.line += 1;
        self.skip_start = self.base + next_line as u64;
        self.skip_reported = false;
        if self.mode == LineMode::Ndjson {
            self.top = Top::Between;
        }
        next_line
    }

    /// Returns whether the top-level value being read was reported as too large already.
    /// Its error covers any later damage in it, since skipping ahead from there drops
    /// nothing but the rest of that value. An element is different: damage in it abandons
    /// the rest of its document, which needs an error of its own.
    pub(super) fn top_value_reported(&self) -> bool {
        self.top == Top::Value && self.element.is_none() && self.document.too_large
    }

    pub(super) fn at_line_start(&self, chunk: &[u8], i: usize) -> bool {
        if i == 0 {
            self.chunk_starts_line
        } else {
            chunk[i - 1] == b'\n'
        }
    }

    pub(super) fn truncated_error(&self) -> InputItem {
        let inside = if self.in_string {
            "a string"
        } else {
            match self.stack.last() {
                Some(frame) if frame.is_object() => "an object",
                _ => "an array",
            }
        };

        let message = match self.element {
            Some(element) => format!(
                "the input ends inside this {} (inside {inside}); the file may be truncated",
                element.kind.element_noun()
            ),
            None if self.value.line == self.line => format!(
                "the last line is incomplete: it ends inside {inside}; the file may be truncated"
            ),
            None => format!(
                "the input ends at line {} inside the JSON value that starts here (inside \
                 {inside}); the file may be truncated",
                self.line
            ),
        };
        error_item(self.open_origin(), InputErrorKind::Truncated, message)
    }

    /// Reports an error at index `i` and returns where reading resumes.
    ///
    /// `describe` receives the location (`at byte offset N`, with the line when it differs
    /// from the origin's) and returns the message. The error takes the origin of the element
    /// or top-level value it breaks, or of the byte itself outside any value. That value is
    /// abandoned and the scanner skips ahead as the module documentation of `input` describes.
    pub(super) fn fail(
        &mut self,
        i: usize,
        kind: InputErrorKind,
        describe: impl FnOnce(&str) -> String,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        let offset = self.base + i as u64;
        let origin = match self.top {
            Top::Value | Top::After => self.open_origin(),
            _ => self.position_origin(offset),
        };
        let location = if origin.line == self.line {
            format!("at byte offset {offset}")
        } else {
            format!("at line {}, byte offset {offset}", self.line)
        };
        let context = match (self.element, self.document.container) {
            (None, Some(kind)) => format!("in the {} array: ", kind.key()),
            _ => String::new(),
        };
        let message = format!("{context}{}", describe(&location));
        let covered = self.top_value_reported();
        if !covered {
            out.push_back(error_item(origin, kind, message));
        }

        self.reset_value();
        self.top = Top::Resync;
        self.skip_start = offset;
        self.skip_reported = covered;
        i
    }

    pub(super) fn fail_expected(
        &mut self,
        chunk: &[u8],
        i: usize,
        frame: Frame,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        if chunk[i] == 0 {
            return self.fail_nul(i, out);
        }
        let found = frame::describe_byte(chunk[i]);
        let expected = frame.expected();
        let describe = |at: &str| format!("invalid JSON: expected {expected}, found {found} {at}");
        self.fail(i, InputErrorKind::Syntax, describe, out)
    }

    pub(super) fn fail_after_value(
        &mut self,
        chunk: &[u8],
        i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        let what = if self.document.split {
            "document"
        } else {
            "JSON value"
        };
        let found = frame::describe_byte(chunk[i]);
        let describe = |at: &str| {
            format!(
                "unexpected {found} {at} after the end of the {what}; each line must contain \
                 one JSON value"
            )
        };
        self.fail(i, InputErrorKind::Syntax, describe, out)
    }

    pub(super) fn fail_outside_value(
        &mut self,
        chunk: &[u8],
        i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        let found = frame::describe_byte(chunk[i]);
        let describe = |at: &str| format!("unexpected {found} {at} outside any JSON value");
        self.fail(i, InputErrorKind::Syntax, describe, out)
    }

    pub(super) fn fail_nul(&mut self, i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let describe = |at: &str| {
            format!(
                "NUL byte {at}; JSON text cannot contain NUL bytes (is the input UTF-16 or binary?)"
            )
        };
        self.fail(i, InputErrorKind::NulByte, describe, out)
    }

    pub(super) fn fail_line_break_in_string(
        &mut self,
        i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        let describe = |at: &str| {
            format!("invalid JSON: line break inside a string {at}; the line may be truncated")
        };
        self.fail(i, InputErrorKind::Syntax, describe, out)
    }

    pub(super) fn fail_line_ends_inside(
        &mut self,
        i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        let inside = self.stack.last().map_or("value", |frame| frame.type_name());
        let describe = |at: &str| {
            format!(
                "the line ends inside a JSON {inside} {at}; the line may be truncated (this \
                 input is read as one JSON value per line because its first value ends on the \
                 line where it starts)"
            )
        };
        self.fail(i, InputErrorKind::Truncated, describe, out)
    }

    pub(super) fn fail_too_deep(&mut self, i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let depth = self.max_depth();
        let describe = |at: &str| {
            format!(
                "the JSON value is nested more than {depth} levels deep {at}, so it is larger \
                 than the maximum event size"
            )
        };
        self.fail(i, InputErrorKind::TooLarge, describe, out)
    }

    /// Reports a top-level key that appears twice, or keys too long to compare, once the
    /// object is known to be a container document. Nothing is reported for an object that
    /// is one event: the component rejects a repeated key in it.
    ///
    /// The elements read before the repeated key have become events already, and they
    /// stay so. Each element after it is counted as skipped, because a SIEM that keeps the
    /// other occurrence of the key could read different events from the same file.
    pub(super) fn report_key_check(&mut self, check: Check, out: &mut VecDeque<InputItem>) {
        if self.document.repeated_key {
            return;
        }
        let item = match check {
            Check::Unique => return,
            Check::Repeated(repeated) => self.repeated_key_error(&repeated),
            Check::TooLong => {
                let limit = self.options.max_event_bytes;
                let message = format!(
                    "the top-level keys of this document take more than {limit} bytes, so they \
                     cannot be checked for a key that appears twice; the elements after this \
                     point are not read, and each is counted as skipped"
                );
                error_item(self.open_origin(), InputErrorKind::TooLarge, message)
            }
        };
        out.push_back(item);
        self.document.repeated_key = true;
    }

    fn repeated_key_error(&self, repeated: &Repeated) -> InputItem {
        let key = serde_json::Value::String(repeated.key.clone());
        let message = format!(
            "the top-level key {key} appears again (first at line {}, byte offset {}), so \
             tools may read different events from this document. The elements after this key \
             are not read, and each is counted as skipped; those before it were read. Remove \
             one of the keys, or fix the tool that wrote the file",
            repeated.first.line, repeated.first.offset
        );
        let origin = Origin {
            path: std::sync::Arc::clone(&self.path),
            line: repeated.second.line,
            byte_offset: Some(repeated.second.offset),
            label: None,
        };
        error_item(origin, InputErrorKind::RepeatedKey, message)
    }
}
