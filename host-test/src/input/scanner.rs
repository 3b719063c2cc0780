//! The incremental JSON scanner: splits a byte stream into top-level values and container
//! elements, checks their structure and turns each into an [`InputItem`].
//!
//! The scanner sees the stream one chunk at a time and keeps no more of it than the event it is
//! collecting. It checks the JSON grammar of brackets, strings, commas and colons, which is
//! what finding the end of a value and recovering from damage needs; scalar tokens (numbers,
//! literals) and escapes are left to the JSON parser that reads each event.

use std::collections::VecDeque;
use std::sync::Arc;

use memchr::{memchr, memchr3};

use super::capture::{Capture, ShortString};
use super::document::{self, ContainerKind, Key};
use super::frame::{self, Frame, SCALAR_BYTE};
use super::item::{
    CLOUDWATCH_CONTROL_MESSAGE, InputError, InputErrorKind, InputItem, Label, Origin, Payload,
};
use super::options::ReaderOptions;

/// How line breaks relate to values; see the module documentation of `input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineMode {
    /// No top-level value has ended yet.
    Undecided,
    /// The first value ended on the line where it started: every value must.
    Ndjson,
    /// The first value spanned lines: values may span lines.
    MultiLine,
}

/// Where the scanner is relative to top-level values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    /// Between values: blank space and line breaks.
    Between,
    /// Inside a top-level value.
    Value,
    /// After a top-level value, before the end of its line.
    After,
    /// Skipping damaged input after an error.
    Resync,
    /// Finished: the input ended or cannot be read further.
    Done,
}

/// What the string being scanned is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StringRole {
    /// A value.
    Value,
    /// A key below the top-level object.
    Key,
    /// A key of the top-level object, collected to recognise containers.
    TopKey,
    /// The value of the top-level `messageType` key.
    MessageType,
}

/// The start of a top-level value or container element.
#[derive(Debug, Clone, Copy, Default)]
struct Position {
    line: u64,
    offset: u64,
}

/// What the scanner has learned about the current top-level object.
#[derive(Debug, Default)]
struct Document {
    /// The last key read at depth 1.
    key: Option<Key>,
    /// The container array being split, while inside it.
    container: Option<ContainerKind>,
    /// Whether any container was split, so the document itself is no event.
    split: bool,
    /// Whether `messageType` is `CONTROL_MESSAGE`.
    control: bool,
    /// Whether the elements of the open container are dropped (a control message's).
    skip_elements: bool,
    /// The index of the next element of the open container.
    next_index: u64,
}

/// An element of a container array being read.
#[derive(Debug, Clone, Copy)]
struct Element {
    kind: ContainerKind,
    index: u64,
    start: Position,
    first_byte: u8,
}

pub(crate) struct Scanner {
    path: Arc<str>,
    options: ReaderOptions,
    /// The stream offset of the current chunk's first byte.
    base: u64,
    /// The current 1-based line.
    line: u64,
    /// Whether the current chunk starts at the beginning of a line.
    chunk_starts_line: bool,
    mode: LineMode,
    top: Top,
    stack: Vec<Frame>,
    in_string: bool,
    string_role: StringRole,
    /// Whether the previous chunk ended with a backslash inside a string.
    escape: bool,
    in_scalar: bool,
    value: Position,
    /// The stream offset just past the top-level value, once it has ended.
    value_end: u64,
    /// Whether the ended top-level value waits to be emitted at the end of its line.
    pending: bool,
    document: Document,
    element: Option<Element>,
    capture: Capture,
    short: ShortString,
}

impl Scanner {
    /// Creates a scanner for the source `path`, whose first byte is at `initial_offset` of the
    /// stream (past a byte-order mark).
    pub(crate) fn new(path: Arc<str>, options: ReaderOptions, initial_offset: u64) -> Self {
        Self {
            path,
            options,
            base: initial_offset,
            line: 1,
            chunk_starts_line: true,
            mode: LineMode::Undecided,
            top: Top::Between,
            stack: Vec::new(),
            in_string: false,
            string_role: StringRole::Value,
            escape: false,
            in_scalar: false,
            value: Position::default(),
            value_end: 0,
            pending: false,
            document: Document::default(),
            element: None,
            capture: Capture::new(options.max_event_bytes),
            short: ShortString::default(),
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.top == Top::Done
    }

    /// Scans the next chunk of the stream, appending the items it completes to `out`.
    pub(crate) fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<InputItem>) {
        let mut i = 0;
        while i < chunk.len() {
            i = match self.top {
                Top::Done => break,
                Top::Resync => self.resync(chunk, i),
                _ if self.in_string => self.scan_string(chunk, i, out),
                _ if self.in_scalar => self.scan_scalar(chunk, i, out),
                _ => self.scan_structure(chunk, i, out),
            };
        }

        self.capture.save(chunk);
        self.short.save(chunk);
        self.base += chunk.len() as u64;
        if let Some(&last) = chunk.last() {
            self.chunk_starts_line = last == b'\n';
        }
    }

    /// Ends the stream: emits a value that waits for its line to end, or reports the value
    /// the input stops inside of.
    pub(crate) fn finish(&mut self, out: &mut VecDeque<InputItem>) {
        if self.top == Top::Value && self.in_scalar && self.stack.is_empty() {
            self.in_scalar = false;
            self.end_top_value(0);
        }

        match self.top {
            Top::After => self.emit_pending(&[], out),
            Top::Value => out.push_back(self.truncated_error()),
            Top::Between | Top::Resync | Top::Done => {}
        }
        self.top = Top::Done;
    }

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

        let (kind, what) = if gzip {
            (InputErrorKind::Gzip, "invalid gzip data")
        } else {
            (InputErrorKind::Unreadable, "reading failed")
        };
        let message = format!(
            "{what} after {} bytes of input: {error}; the rest of the input was skipped",
            self.base
        );
        let origin = match self.top {
            Top::Value => self.open_origin(),
            _ => self.position_origin(self.base),
        };
        out.push_back(error_item(origin, kind, message));

        self.reset_value();
        self.top = Top::Done;
    }

    /// Scans blank space and structural bytes from `i`; returns where to go on.
    fn scan_structure(
        &mut self,
        chunk: &[u8],
        mut i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        while i < chunk.len() {
            match chunk[i] {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\n' => return self.line_break(chunk, i, out),
                b'"' => return self.start_string(chunk, i, out),
                b'{' | b'[' => return self.open(chunk, i, out),
                b'}' | b']' => return self.close(chunk, i, out),
                b',' => return self.comma(chunk, i, out),
                b':' => return self.colon(chunk, i, out),
                _ => return self.start_scalar(chunk, i, out),
            }
        }
        i
    }

    /// Scans string content from `i` up to the closing quote.
    fn scan_string(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        if self.escape {
            self.escape = false;
            return self.skip_escaped(chunk, i, out);
        }

        let Some(found) = memchr3(b'"', b'\\', b'\n', &chunk[i..]) else {
            return chunk.len();
        };
        let j = i + found;
        match chunk[j] {
            b'"' => {
                self.end_string(chunk, j, out);
                j + 1
            }
            b'\\' if j + 1 < chunk.len() => self.skip_escaped(chunk, j + 1, out),
            b'\\' => {
                self.escape = true;
                chunk.len()
            }
            _ => self.fail_line_break_in_string(j, out),
        }
    }

    /// Steps over the byte after a backslash, which cannot end the string.
    fn skip_escaped(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        if chunk[i] == b'\n' {
            return self.fail_line_break_in_string(i, out);
        }
        i + 1
    }

    /// Scans a scalar token from `i` up to the byte that ends it.
    fn scan_scalar(&mut self, chunk: &[u8], mut i: usize, out: &mut VecDeque<InputItem>) -> usize {
        while i < chunk.len() && SCALAR_BYTE[chunk[i] as usize] {
            i += 1;
        }
        if i < chunk.len() {
            self.in_scalar = false;
            self.end_value(chunk, i, out);
        }
        i
    }

    fn line_break(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        match self.top {
            Top::After => {
                self.emit_pending(chunk, out);
                self.top = Top::Between;
            }
            Top::Value => match self.mode {
                LineMode::Ndjson => return self.fail_line_ends_inside(i, out),
                LineMode::Undecided => self.mode = LineMode::MultiLine,
                LineMode::MultiLine => {}
            },
            Top::Between | Top::Resync | Top::Done => {}
        }
        self.line += 1;
        i + 1
    }

    fn start_string(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let depth = self.stack.len();
        let role = match self.stack.last_mut() {
            None if self.top == Top::After => return self.fail_after_value(chunk, i, out),
            None => {
                self.begin_top_value(i);
                StringRole::Value
            }
            Some(frame) if frame.accepts_key() => {
                *frame = Frame::ObjectColon;
                if depth == 1 {
                    self.short.begin(i + 1);
                    StringRole::TopKey
                } else {
                    StringRole::Key
                }
            }
            Some(frame) if frame.accepts_value() => {
                *frame = frame.after_value();
                if depth == 1 && self.document.key == Some(Key::MessageType) {
                    self.short.begin(i + 1);
                    StringRole::MessageType
                } else {
                    if depth == 2 && self.document.container.is_some() {
                        self.begin_element(i, b'"');
                    }
                    StringRole::Value
                }
            }
            Some(&mut frame) => return self.fail_expected(chunk, i, frame, out),
        };

        self.in_string = true;
        self.string_role = role;
        i + 1
    }

    fn end_string(&mut self, chunk: &[u8], quote: usize, out: &mut VecDeque<InputItem>) {
        self.in_string = false;
        match self.string_role {
            StringRole::Key => {}
            StringRole::TopKey => {
                let containers = self.options.containers;
                let raw = self.short.finish(chunk, quote);
                self.document.key = raw.map(|raw| document::classify_key(raw, containers));
            }
            StringRole::MessageType => {
                let raw = self.short.finish(chunk, quote);
                self.document.control = raw.is_some_and(document::is_control_message);
                self.end_value(chunk, quote + 1, out);
            }
            StringRole::Value => self.end_value(chunk, quote + 1, out),
        }
    }

    fn start_scalar(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let byte = chunk[i];
        let depth = self.stack.len();
        match self.stack.last_mut() {
            _ if byte == 0 => return self.fail_nul(i, out),
            None if self.top == Top::After => return self.fail_after_value(chunk, i, out),
            None => self.begin_top_value(i),
            Some(frame) if frame.accepts_value() => {
                *frame = frame.after_value();
                if depth == 2 && self.document.container.is_some() {
                    self.begin_element(i, byte);
                }
            }
            Some(&mut frame) => return self.fail_expected(chunk, i, frame, out),
        }

        self.in_scalar = true;
        i + 1
    }

    fn open(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let bracket = chunk[i];
        let depth = self.stack.len();
        match self.stack.last_mut() {
            None => {
                if self.top == Top::After {
                    self.emit_pending(chunk, out);
                }
                self.begin_top_value(i);
            }
            Some(frame) if frame.accepts_value() => {
                *frame = frame.after_value();
                if depth == 1 && bracket == b'[' {
                    if let Some(Key::Container(kind)) = self.document.key {
                        return self.open_container(kind, i, out);
                    }
                }
                if depth == 2 && self.document.container.is_some() {
                    self.begin_element(i, bracket);
                }
            }
            Some(&mut frame) => return self.fail_expected(chunk, i, frame, out),
        }

        if self.stack.len() >= self.max_depth() {
            return self.fail_too_deep(i, out);
        }
        self.stack.push(Frame::open(bracket));
        i + 1
    }

    fn close(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let closer = chunk[i];
        match self.stack.last() {
            None if self.top == Top::After => return self.fail_after_value(chunk, i, out),
            None => return self.fail_outside_value(chunk, i, out),
            Some(&frame) if !frame.accepts_close(closer) => {
                return self.fail_expected(chunk, i, frame, out);
            }
            Some(_) => {}
        }

        self.stack.pop();
        if self.stack.len() == 1 && self.document.container.is_some() {
            self.document.container = None;
            self.document.skip_elements = false;
        } else {
            self.end_value(chunk, i + 1, out);
        }
        i + 1
    }

    fn comma(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        match self.stack.last_mut() {
            None if self.top == Top::After => self.fail_after_value(chunk, i, out),
            None => self.fail_outside_value(chunk, i, out),
            Some(frame) => match frame.after_comma() {
                Some(next) => {
                    *frame = next;
                    i + 1
                }
                None => {
                    let frame = *frame;
                    self.fail_expected(chunk, i, frame, out)
                }
            },
        }
    }

    fn colon(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        match self.stack.last_mut() {
            None if self.top == Top::After => self.fail_after_value(chunk, i, out),
            None => self.fail_outside_value(chunk, i, out),
            Some(frame) if *frame == Frame::ObjectColon => {
                *frame = Frame::ObjectValue;
                i + 1
            }
            Some(&mut frame) => self.fail_expected(chunk, i, frame, out),
        }
    }

    fn begin_top_value(&mut self, i: usize) {
        self.top = Top::Value;
        self.value = Position {
            line: self.line,
            offset: self.base + i as u64,
        };
        self.document = Document::default();
        self.capture.begin(i);
    }

    /// Starts splitting the container array whose `[` is at index `i`.
    fn open_container(
        &mut self,
        kind: ContainerKind,
        i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        // The document is read element by element from here on, so its own bytes are dropped.
        self.capture.reset();
        self.document.container = Some(kind);
        self.document.split = true;
        self.document.next_index = 0;

        // NOTE: a control message is recognised only when `messageType` comes before
        // `logEvents`, the order CloudWatch Logs writes; otherwise its log events are read.
        if kind == ContainerKind::LogEvents && self.document.control {
            self.document.skip_elements = true;
            let origin = self.origin_at(self.value, None);
            out.push_back(InputItem {
                origin,
                payload: Payload::Skipped(CLOUDWATCH_CONTROL_MESSAGE),
            });
        }

        self.stack.push(Frame::ArrayValueOrClose);
        i + 1
    }

    fn begin_element(&mut self, i: usize, first_byte: u8) {
        let Some(kind) = self.document.container else {
            return;
        };
        let index = self.document.next_index;
        self.document.next_index += 1;

        let start = Position {
            line: self.line,
            offset: self.base + i as u64,
        };
        self.element = Some(Element {
            kind,
            index,
            start,
            first_byte,
        });
        if first_byte == b'{' && !self.document.skip_elements {
            self.capture.begin(i);
        }
    }

    /// Handles the end, just before index `end`, of the value at the top of the stack.
    fn end_value(&mut self, chunk: &[u8], end: usize, out: &mut VecDeque<InputItem>) {
        match self.stack.len() {
            0 => self.end_top_value(end),
            2 if self.document.container.is_some() => self.end_element(chunk, end, out),
            _ => {}
        }
    }

    fn end_top_value(&mut self, end: usize) {
        self.capture.close(end);
        self.value_end = self.base + end as u64;
        self.pending = !self.document.split;
        self.top = Top::After;
        if self.mode == LineMode::Undecided {
            let single_line = self.value.line == self.line;
            self.mode = if single_line {
                LineMode::Ndjson
            } else {
                LineMode::MultiLine
            };
        }
    }

    fn end_element(&mut self, chunk: &[u8], end: usize, out: &mut VecDeque<InputItem>) {
        let Some(element) = self.element.take() else {
            return;
        };
        if self.document.skip_elements {
            return;
        }

        let label = Label {
            container: element.kind.key(),
            index: element.index,
        };
        let origin = self.origin_at(element.start, Some(label));
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
            None => self.too_large_item(origin, element.kind.element_noun(), size),
        };
        out.push_back(item);
        self.capture.reset();
    }

    /// Emits the top-level value that has ended, once the rest of its line is known to be blank.
    fn emit_pending(&mut self, chunk: &[u8], out: &mut VecDeque<InputItem>) {
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

    /// Skips damaged input after an error; see the module documentation of `input`.
    fn resync(&mut self, chunk: &[u8], mut i: usize) -> usize {
        loop {
            let at_value_start = matches!(chunk.get(i), Some(b'{' | b'['));
            if self.mode != LineMode::Ndjson && at_value_start && self.at_line_start(chunk, i) {
                self.top = Top::Between;
                return i;
            }

            let Some(found) = memchr(b'\n', &chunk[i..]) else {
                return chunk.len();
            };
            self.line += 1;
            i += found + 1;
            if self.mode == LineMode::Ndjson {
                self.top = Top::Between;
                return i;
            }
        }
    }

    fn at_line_start(&self, chunk: &[u8], i: usize) -> bool {
        if i == 0 {
            self.chunk_starts_line
        } else {
            chunk[i - 1] == b'\n'
        }
    }

    /// The deepest nesting the scanner follows: a deeper value is larger than the maximum
    /// event size, so following it would only grow the stack.
    fn max_depth(&self) -> usize {
        self.options.max_event_bytes.max(64)
    }

    fn reset_value(&mut self) {
        self.stack.clear();
        self.in_string = false;
        self.escape = false;
        self.in_scalar = false;
        self.pending = false;
        self.document = Document::default();
        self.element = None;
        self.capture.reset();
        self.short.reset();
    }

    fn origin_at(&self, start: Position, label: Option<Label>) -> Origin {
        Origin {
            path: Arc::clone(&self.path),
            line: start.line,
            byte_offset: Some(start.offset),
            label,
        }
    }

    fn position_origin(&self, offset: u64) -> Origin {
        self.origin_at(
            Position {
                line: self.line,
                offset,
            },
            None,
        )
    }

    /// The origin of the open element, else of the open top-level value.
    fn open_origin(&self) -> Origin {
        match self.element {
            Some(element) => {
                let label = Label {
                    container: element.kind.key(),
                    index: element.index,
                };
                self.origin_at(element.start, Some(label))
            }
            None => self.origin_at(self.value, None),
        }
    }

    fn too_large_item(&self, origin: Origin, what: &str, size: u64) -> InputItem {
        let limit = self.options.max_event_bytes;
        let message = format!(
            "the {what} is {size} bytes, larger than the maximum event size of {limit} bytes; \
             raise the maximum event size to read it"
        );
        error_item(origin, InputErrorKind::TooLarge, message)
    }

    fn truncated_error(&self) -> InputItem {
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
}

/// Error reporting and recovery.
impl Scanner {
    /// Reports an error at index `i` and returns where reading resumes.
    ///
    /// `describe` receives the location (`at byte offset N`, with the line when it differs
    /// from the origin's) and returns the message. The error takes the origin of the element
    /// or top-level value it breaks, or of the byte itself outside any value. That value is
    /// abandoned and the scanner skips ahead as the module documentation of `input` describes.
    fn fail(
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
        out.push_back(error_item(origin, kind, message));

        self.reset_value();
        self.top = Top::Resync;
        i
    }

    fn fail_expected(
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

    fn fail_after_value(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let what = if self.document.split {
            "document"
        } else {
            "JSON value"
        };
        let found = frame::describe_byte(chunk[i]);
        let describe = |at: &str| {
            format!("unexpected {found} {at} after the end of the {what}; a line holds one value")
        };
        self.fail(i, InputErrorKind::Syntax, describe, out)
    }

    fn fail_outside_value(
        &mut self,
        chunk: &[u8],
        i: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        let found = frame::describe_byte(chunk[i]);
        let describe = |at: &str| format!("unexpected {found} {at} outside any JSON value");
        self.fail(i, InputErrorKind::Syntax, describe, out)
    }

    fn fail_nul(&mut self, i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let describe = |at: &str| {
            format!(
                "NUL byte {at}; JSON text cannot contain NUL bytes (is the input UTF-16 or binary?)"
            )
        };
        self.fail(i, InputErrorKind::NulByte, describe, out)
    }

    fn fail_line_break_in_string(&mut self, i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let describe = |at: &str| {
            format!("invalid JSON: line break inside a string {at}; the line may be truncated")
        };
        self.fail(i, InputErrorKind::Syntax, describe, out)
    }

    fn fail_line_ends_inside(&mut self, i: usize, out: &mut VecDeque<InputItem>) -> usize {
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

    fn fail_too_deep(&mut self, i: usize, out: &mut VecDeque<InputItem>) -> usize {
        let depth = self.max_depth();
        let describe = |at: &str| {
            format!(
                "the JSON value is nested more than {depth} levels deep {at}, so it is larger \
                 than the maximum event size"
            )
        };
        self.fail(i, InputErrorKind::TooLarge, describe, out)
    }
}

fn error_item(origin: Origin, kind: InputErrorKind, message: String) -> InputItem {
    InputItem {
        origin,
        payload: Payload::Error(InputError::new(kind, message)),
    }
}

/// Turns the bytes of one event into an event, or an error when they are not UTF-8 text
/// without NUL bytes.
fn event_item(origin: Origin, bytes: &[u8]) -> InputItem {
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
