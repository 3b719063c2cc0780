//! Collection of a value's bytes across the chunks of a buffered reader.
//!
//! A value that starts and ends in one chunk is never copied: its bytes are sliced from the
//! chunk. Only a value that crosses a chunk boundary is copied into the capture's buffer, and
//! only up to the limit. Past the limit, the capture records that it overflowed and drops the
//! bytes.

/// The bytes of the current event, up to a limit.
#[derive(Debug)]
pub(crate) struct Capture {
    state: State,
    /// The index in the current chunk where the bytes not yet copied start.
    from: usize,
    /// The index in the current chunk just past the value, once it has ended there.
    end: Option<usize>,
    /// Whether the value has ended, in this chunk or an earlier one.
    closed: bool,
    buf: Vec<u8>,
    limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Open,
    Overflowed,
}

impl Capture {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            state: State::Idle,
            from: 0,
            end: None,
            closed: false,
            buf: Vec::new(),
            limit,
        }
    }

    /// Starts capturing at index `start` of the current chunk.
    pub(crate) fn begin(&mut self, start: usize) {
        self.state = State::Open;
        self.from = start;
        self.end = None;
        self.closed = false;
        self.buf.clear();
    }

    /// Marks the value as ended just before index `end` of the current chunk.
    pub(crate) fn close(&mut self, end: usize) {
        if self.state == State::Open && self.buf.len() + (end - self.from) > self.limit {
            self.overflow();
        }
        self.end = Some(end);
        self.closed = true;
    }

    /// Returns the captured bytes of the closed value, or `None` when it exceeded the limit.
    pub(crate) fn bytes<'a>(&'a mut self, chunk: &'a [u8]) -> Option<&'a [u8]> {
        if self.state != State::Open {
            return None;
        }
        match self.end {
            Some(end) if self.buf.is_empty() => Some(&chunk[self.from..end]),
            Some(end) => {
                self.buf.extend_from_slice(&chunk[self.from..end]);
                self.from = end;
                Some(&self.buf)
            }
            None => Some(&self.buf),
        }
    }

    /// Stops capturing.
    pub(crate) fn reset(&mut self) {
        self.state = State::Idle;
        self.end = None;
        self.closed = false;
        self.buf.clear();
    }

    /// Copies the value's bytes in the current chunk before the reader discards the chunk.
    pub(crate) fn save(&mut self, chunk: &[u8]) {
        let end = match self.end {
            Some(end) => Some(end),
            None if self.closed => None,
            None => Some(chunk.len()),
        };
        if let (State::Open, Some(end)) = (self.state, end) {
            if self.buf.len() + (end - self.from) > self.limit {
                self.overflow();
            } else {
                self.buf.extend_from_slice(&chunk[self.from..end]);
            }
        }
        self.from = 0;
        self.end = None;
    }

    fn overflow(&mut self) {
        self.state = State::Overflowed;
        self.buf.clear();
    }
}

/// The raw bytes of a short string (an object key or a `messageType` value), kept only
/// while they fit in a few dozen bytes: a longer string cannot be one the reader looks for.
#[derive(Debug, Default)]
pub(crate) struct ShortString {
    active: bool,
    from: usize,
    buf: Vec<u8>,
    too_long: bool,
}

/// Room for the longest name the reader compares, even with every character escaped.
const SHORT_STRING_LIMIT: usize = 96;

impl ShortString {
    /// Starts collecting at index `start` of the current chunk (just past the quote).
    pub(crate) fn begin(&mut self, start: usize) {
        self.active = true;
        self.from = start;
        self.buf.clear();
        self.too_long = false;
    }

    /// Ends the string at the closing quote's index and returns its raw bytes, or `None`
    /// when it was too long to keep or nothing was being collected.
    pub(crate) fn finish(&mut self, chunk: &[u8], quote: usize) -> Option<&[u8]> {
        if !self.active {
            return None;
        }
        self.active = false;
        self.append(&chunk[self.from..quote]);
        if self.too_long { None } else { Some(&self.buf) }
    }

    pub(crate) fn reset(&mut self) {
        self.active = false;
    }

    /// Copies the string's bytes in the current chunk before the reader discards it.
    pub(crate) fn save(&mut self, chunk: &[u8]) {
        if self.active {
            let from = self.from;
            self.append(&chunk[from..]);
        }
        self.from = 0;
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.too_long || self.buf.len() + bytes.len() > SHORT_STRING_LIMIT {
            self.too_long = true;
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }
}
