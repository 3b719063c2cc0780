//! Opening a byte stream: compression and encoding detection, then the iterator of items.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::Arc;

use flate2::bufread::MultiGzDecoder;

use super::item::{InputError, InputErrorKind, InputItem, Origin, Payload};
use super::options::ReaderOptions;
use super::scanner::Scanner;

/// The read buffer for decompressed text. Large reads keep system calls and decoder calls
/// rare; the value is a guess, not a measurement.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// The read buffer for compressed bytes handed to the gzip decoder.
const GZIP_INPUT_BUFFER_BYTES: usize = 64 * 1024;

/// The UTF-8 byte-order mark, accepted and skipped at the start of the text.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Compression formats recognised by their magic bytes only to name them in an error.
const UNSUPPORTED_COMPRESSION: [(&[u8], &str, &str); 4] = [
    (b"\x28\xB5\x2F\xFD", "zstd", "zstd -dc"),
    (b"\xFD7zXZ\x00", "xz", "xz -dc"),
    (b"BZh", "bzip2", "bzip2 -dc"),
    (b"PK\x03\x04", "zip", "unzip -p"),
];

/// The items of one source, read as a stream.
pub struct Items {
    reader: Option<Box<dyn BufRead + Send>>,
    scanner: Scanner,
    gzip: bool,
    queue: VecDeque<InputItem>,
}

impl Items {
    /// Reads items from any byte stream, named `path` in origins. Gzip is recognised by its
    /// magic bytes; a UTF-8 byte-order mark is skipped.
    pub fn from_reader(
        path: impl Into<Arc<str>>,
        reader: impl Read + Send + 'static,
        options: &ReaderOptions,
    ) -> Self {
        let path = path.into();
        match open_text(Box::new(reader)) {
            Ok(text) => {
                let scanner = Scanner::new(Arc::clone(&path), *options, text.initial_offset);
                Self {
                    reader: Some(text.reader),
                    scanner,
                    gzip: text.gzip,
                    queue: VecDeque::new(),
                }
            }
            Err(error) => Self::failed(path, options, 0, error),
        }
    }

    /// Creates an iterator that yields one error item and ends.
    pub(crate) fn failed(
        path: Arc<str>,
        options: &ReaderOptions,
        line: u64,
        error: InputError,
    ) -> Self {
        let origin = Origin {
            path: Arc::clone(&path),
            line,
            byte_offset: None,
            label: None,
        };
        let item = InputItem {
            origin,
            payload: Payload::Error(error),
        };
        Self {
            reader: None,
            scanner: Scanner::new(path, *options, 0),
            gzip: false,
            queue: VecDeque::from([item]),
        }
    }
}

/// One step of reading: an item, or notice that the input read so far is used up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Item(InputItem),
    /// Every byte read so far was scanned, and the next read waits for the source (a pipe,
    /// terminal or socket) to deliver more. A consumer reports the items it has before it
    /// asks for the next step, so that output keeps pace with input that arrives slowly.
    Idle,
}

impl Items {
    /// Returns the next item, or [`Step::Idle`] before a read that would wait for data.
    pub fn next_step(&mut self) -> Option<Step> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(Step::Item(item));
            }
            let reader = self.reader.as_mut()?;

            match reader.fill_buf() {
                Ok([]) => {
                    self.scanner.finish(&mut self.queue);
                    self.reader = None;
                }
                Ok(chunk) => {
                    let length = chunk.len();
                    self.scanner.feed(chunk, &mut self.queue);
                    reader.consume(length);
                    if self.scanner.is_done() {
                        self.reader = None;
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Some(Step::Idle),
                Err(error) => {
                    self.scanner.fail_read(&error, self.gzip, &mut self.queue);
                    self.reader = None;
                }
            }
        }
    }

    /// Turns the items into steps, [`Step::Idle`] included.
    pub fn steps(self) -> Steps {
        Steps(self)
    }
}

impl Iterator for Items {
    type Item = InputItem;

    /// Returns the next item, waiting for data where [`Items::next_step`] gives notice.
    fn next(&mut self) -> Option<InputItem> {
        loop {
            if let Step::Item(item) = self.next_step()? {
                return Some(item);
            }
        }
    }
}

/// The steps of one source, from [`Items::steps`].
pub struct Steps(Items);

impl Iterator for Steps {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        self.0.next_step()
    }
}

/// A stream of text ready for the scanner.
struct Text {
    reader: Box<dyn BufRead + Send>,
    gzip: bool,
    /// The stream offset of the reader's first byte: 3 after a byte-order mark.
    initial_offset: u64,
}

/// Detects compression and text encoding from the first bytes of `raw`.
fn open_text(raw: Box<dyn Read + Send>) -> Result<Text, InputError> {
    let mut raw = raw;
    let magic = read_prefix(&mut raw, 6).map_err(|error| unreadable(&error))?;
    let raw = Cursor::new(magic.clone()).chain(raw);

    if magic.starts_with(b"\x1F\x8B") {
        let compressed = BufReader::with_capacity(GZIP_INPUT_BUFFER_BYTES, raw);
        return open_decoded(Box::new(MultiGzDecoder::new(compressed)), true);
    }
    if let Some((_, name, command)) = UNSUPPORTED_COMPRESSION
        .iter()
        .find(|(magic_bytes, ..)| magic.starts_with(magic_bytes))
    {
        let message = format!(
            "the input is {name}-compressed, which is not supported; decompress it first, for \
             example `{command} FILE | rule-host scan`"
        );
        return Err(InputError::new(
            InputErrorKind::UnsupportedEncoding,
            message,
        ));
    }
    open_decoded(Box::new(raw), false)
}

/// Checks the decoded text's start for a byte-order mark.
fn open_decoded(mut decoded: Box<dyn Read + Send>, gzip: bool) -> Result<Text, InputError> {
    let start = read_prefix(&mut decoded, UTF8_BOM.len()).map_err(|error| {
        if gzip {
            invalid_gzip(&error)
        } else {
            unreadable(&error)
        }
    })?;

    if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
        let message = "the input is UTF-16 text, which is not supported; convert it to UTF-8, \
                       for example with `iconv -f UTF-16 -t UTF-8`";
        return Err(InputError::new(
            InputErrorKind::UnsupportedEncoding,
            message,
        ));
    }

    let (kept, initial_offset) = if start == UTF8_BOM {
        (Vec::new(), UTF8_BOM.len() as u64)
    } else {
        (start, 0)
    };
    let reader = BufReader::with_capacity(READ_BUFFER_BYTES, Cursor::new(kept).chain(decoded));
    Ok(Text {
        reader: Box::new(reader),
        gzip,
        initial_offset,
    })
}

/// Reads up to `length` bytes, fewer only at the end of the stream. A notice that the read
/// would block is passed over, as the next read waits for the data.
fn read_prefix(reader: &mut dyn Read, length: usize) -> io::Result<Vec<u8>> {
    let mut prefix = vec![0; length];
    let mut filled = 0;
    while filled < length {
        match reader.read(&mut prefix[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
                ) => {}
            Err(error) => return Err(error),
        }
    }
    prefix.truncate(filled);
    Ok(prefix)
}

fn unreadable(error: &io::Error) -> InputError {
    InputError::new(
        InputErrorKind::Unreadable,
        format!("reading failed: {error}"),
    )
}

fn invalid_gzip(error: &io::Error) -> InputError {
    let message = format!("invalid gzip data at the start of the input: {error}");
    InputError::new(InputErrorKind::Gzip, message)
}
