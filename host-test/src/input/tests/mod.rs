//! Tests of the input reader, run over whole streams.

mod containers;
mod endless;
mod fast_path;
mod gzip;
#[cfg(unix)]
mod idle;
mod large;
mod multiline;
mod ndjson;
mod repeated;
mod walk;

use std::io::{self, Read};

use super::{InputErrorKind, InputItem, Items, Payload, ReaderOptions};

/// What a test compares about an item: line, label, and the payload in short.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    line: u64,
    label: Option<String>,
    what: What,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum What {
    Event(String),
    Skipped(&'static str),
    Error(InputErrorKind),
}

fn seen(item: &InputItem) -> Seen {
    let what = match &item.payload {
        Payload::Event(text) => What::Event(text.clone()),
        Payload::Skipped(kind) => What::Skipped(kind),
        Payload::Error(error) => What::Error(error.kind),
    };
    let label = item.origin.label.map(|label| label.to_string());
    Seen {
        line: item.origin.line,
        label,
        what,
    }
}

fn event(line: u64, text: &str) -> Seen {
    Seen {
        line,
        label: None,
        what: What::Event(text.to_string()),
    }
}

fn element(line: u64, label: &str, text: &str) -> Seen {
    Seen {
        line,
        label: Some(label.to_string()),
        what: What::Event(text.to_string()),
    }
}

fn error(line: u64, kind: InputErrorKind) -> Seen {
    Seen {
        line,
        label: None,
        what: What::Error(kind),
    }
}

fn element_error(line: u64, label: &str, kind: InputErrorKind) -> Seen {
    Seen {
        line,
        label: Some(label.to_string()),
        what: What::Error(kind),
    }
}

/// Reads `bytes` with the default options.
fn read(bytes: &[u8]) -> Vec<InputItem> {
    read_with(bytes, &ReaderOptions::default())
}

/// Reads `bytes` twice, in one chunk and one byte at a time, and checks that both readings
/// yield the same items, so that every case also tests every chunk boundary.
fn read_with(bytes: &[u8], options: &ReaderOptions) -> Vec<InputItem> {
    let whole: Vec<InputItem> =
        Items::from_reader("t.json", io::Cursor::new(bytes.to_vec()), options).collect();
    let trickled: Vec<InputItem> = Items::from_reader(
        "t.json",
        OneByteReader {
            bytes: bytes.to_vec(),
            at: 0,
        },
        options,
    )
    .collect();
    assert_eq!(
        whole, trickled,
        "reading in one chunk and byte by byte differ"
    );
    whole
}

fn read_seen(bytes: &[u8]) -> Vec<Seen> {
    read(bytes).iter().map(seen).collect()
}

fn read_seen_with(bytes: &[u8], options: &ReaderOptions) -> Vec<Seen> {
    read_with(bytes, options).iter().map(seen).collect()
}

/// Returns the message of the only error among `items`.
fn only_error_message(items: &[InputItem]) -> String {
    let messages: Vec<&str> = items
        .iter()
        .filter_map(|item| match &item.payload {
            Payload::Error(error) => Some(error.message.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(messages.len(), 1, "expected one error in {items:#?}");
    messages[0].to_string()
}

/// A reader that returns one byte per call, as a slow pipe may.
struct OneByteReader {
    bytes: Vec<u8>,
    at: usize,
}

impl Read for OneByteReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.bytes.len() || buf.is_empty() {
            return Ok(0);
        }
        buf[0] = self.bytes[self.at];
        self.at += 1;
        Ok(1)
    }
}

#[test]
fn items_and_sources_are_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Items>();
    assert_send::<super::Source>();
    assert_send::<InputItem>();
}
