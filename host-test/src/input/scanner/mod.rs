//! The incremental JSON scanner: splits a byte stream into top-level values and container
//! elements, checks their structure and turns each into an [`InputItem`].
//!
//! The scanner reads the stream one chunk at a time and keeps no more of it than the event it is
//! collecting. It checks the JSON grammar of brackets, strings, commas and colons, which is
//! what finding the end of a value and recovering from damage needs; scalar tokens (numbers,
//! literals) and escapes are left to the JSON parser that reads each event.

mod emit;
mod keys;
mod limit;
mod line;
mod recovery;
mod unexpected;

use std::collections::VecDeque;
use std::sync::Arc;

use memchr::memchr3;

use super::capture::{Capture, ShortString};
use super::document::{self, ContainerKind, Key};
use super::frame::{Frame, SCALAR_BYTE};
use super::item::{CLOUDWATCH_CONTROL_MESSAGE, InputItem, Label, Origin, Payload};
use super::options::ReaderOptions;
use keys::{KeyPosition, TopKeys};

/// The minimum memory kept for the top-level keys of a document, whatever the maximum event
/// size, so that a small maximum still leaves room for a container's few keys.
const MIN_KEYS_BYTES: usize = 64 << 10;

/// The relation of line breaks to values, described in the module documentation of `input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineMode {
    /// No top-level value has ended yet.
    Undecided,
    /// The first value ended on the line where it started: every value must.
    Ndjson,
    /// The first value spanned lines: values may span lines.
    MultiLine,
}

/// The scanner's position relative to top-level values.
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

/// The role of the string being scanned.
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

/// The facts the scanner has collected about the current top-level object.
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
    /// Whether the object passed the maximum event size before any container array
    /// opened. It was reported then, and none of its arrays is split.
    too_large: bool,
    /// Whether a top-level key appeared twice. It was reported then, and each element of a
    /// container from there on is a skipped item.
    repeated_key: bool,
    /// The first container split, whose format decides which other top-level keys the
    /// document may have.
    format: Option<ContainerKind>,
    /// Whether a top-level key outside that format was reported.
    unexpected_key: bool,
}

/// An element of a container array being read.
#[derive(Debug, Clone, Copy)]
struct Element {
    kind: ContainerKind,
    index: u64,
    start: Position,
    first_byte: u8,
    /// Whether it passed the maximum event size and was reported then.
    too_large: bool,
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
    keys: TopKeys,
    /// The stream offset where the skipped stretch of the current line starts: the error
    /// on the line where skipping began, else the line's start.
    skip_start: u64,
    /// Whether the skipped stretch of the current line was reported as too long.
    skip_reported: bool,
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
            keys: TopKeys::new(options.max_event_bytes.max(MIN_KEYS_BYTES)),
            skip_start: 0,
            skip_reported: false,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.top == Top::Done
    }

    /// Scans the next chunk of the stream, appending the items it completes to `out`.
    ///
    /// The chunk is scanned up to the byte where an event or a skipped line would pass the
    /// maximum event size, which is handled there, so that the items do not depend on
    /// where chunks end.
    pub(crate) fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<InputItem>) {
        let mut i = 0;
        while i < chunk.len() && self.top != Top::Done {
            let end = match self.limit_index(i, chunk.len()) {
                Some(at) if at == i => {
                    i = self.reach_limit(chunk, i, out);
                    continue;
                }
                Some(at) => at,
                None => chunk.len(),
            };
            i = self.step(&chunk[..end], i, out);
        }

        self.capture.save(chunk);
        self.short.save(chunk);
        self.keys.save(chunk);
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
            Top::Value if self.top_value_reported() => {}
            Top::Value => out.push_back(self.truncated_error()),
            Top::Between | Top::Resync | Top::Done => {}
        }
        self.top = Top::Done;
    }

    /// Scans from `i` up to the end of one token or of `chunk`; returns where to go on.
    fn step(&mut self, chunk: &[u8], i: usize, out: &mut VecDeque<InputItem>) -> usize {
        match self.top {
            Top::Done => chunk.len(),
            Top::Resync => self.resync(chunk, i),
            _ if self.in_string => self.scan_string(chunk, i, out),
            _ if self.in_scalar => self.scan_scalar(chunk, i, out),
            _ => self.scan_structure(chunk, i, out),
        }
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
                b'{' if self.top == Top::Between => return self.open_line(chunk, i, out),
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
                    let position = KeyPosition {
                        line: self.line,
                        offset: self.base + i as u64,
                    };
                    self.keys.begin(i + 1, position);
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
                let check = self.keys.finish(chunk, quote);
                self.report_key_check(check, out);
                let containers = self.options.containers;
                let raw = self.short.finish(chunk, quote);
                self.document.key = raw.map(|raw| document::classify_key(raw, containers));
                self.check_key_after_container(out);
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
                if depth == 1
                    && bracket == b'['
                    && !self.document.too_large
                    && let Some(Key::Container(kind)) = self.document.key
                {
                    return self.open_container(kind, i, out);
                }
                if depth == 2 && self.document.container.is_some() {
                    self.begin_element(i, bracket);
                    // Elements that are not read are dropped or skipped by `end_element`.
                    if bracket == b'{'
                        && let Some(end) = self.plain_element_end(chunk, i)
                    {
                        self.end_element(chunk, end, out);
                        return end;
                    }
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
        self.keys.reset();
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
        let check = self.keys.compare();
        self.report_key_check(check, out);
        self.check_keys_before_container(kind, out);
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
            too_large: false,
        });
        if first_byte == b'{' && self.elements_are_read() {
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
        self.pending = !self.document.split && !self.document.too_large;
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

    /// Returns the deepest nesting the scanner follows. A deeper value is larger than the
    /// maximum event size, so following it would only grow the stack.
    fn max_depth(&self) -> usize {
        self.options.max_event_bytes.max(64)
    }

    /// Returns whether the elements of the open container become events or errors, not
    /// dropped (a control message's) or skipped (after a repeated key).
    fn elements_are_read(&self) -> bool {
        !self.document.skip_elements && !self.document.repeated_key
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
        self.keys.reset();
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

    /// Returns the origin of the open element, else of the open top-level value.
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
}
