//! The fast path for plain object lines and one-line container elements, against the
//! scanner proper.
//!
//! `read_with` reads each input in one chunk, where whole lines take the fast path, and one
//! byte at a time, where no line does, and fails when the two readings differ. These tests
//! feed it the fixture streams and thousands of damaged lines.

use std::fs;
use std::path::Path;

use super::*;

/// Bytes that change how a line is read, with letters and digits as plain content.
const EDIT_BYTES: &[u8] = b"{}[],:\"\\\n\r\t \0x1";

/// Keys the reader looks for at the top level, spliced in whole.
const EDIT_KEYS: [&str; 5] = [
    "\"Records\":[",
    "\"Events\":",
    "\"logEvents\":[",
    "\"messageType\":\"CONTROL_MESSAGE\",",
    "\"Rec\\u006frds\":[",
];

/// A small deterministic generator (xorshift64), so that a failure can be replayed.
struct Edits(u64);

impl Edits {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Returns a position in `text`, half of the time next to a structural byte, where
    /// damage changes the grammar most.
    fn position(&mut self, text: &[u8]) -> usize {
        let any = self.below(text.len() + 1);
        if self.below(2) == 0 {
            return any;
        }
        let structural: Vec<usize> = (0..text.len())
            .filter(|&at| b"{}[],:\"".contains(&text[at]))
            .collect();
        if structural.is_empty() {
            return any;
        }
        structural[self.below(structural.len())] + self.below(2)
    }

    /// Replaces, inserts or deletes one byte of `text`, or splices in a key.
    fn apply(&mut self, text: &mut Vec<u8>) {
        let at = self.position(text);
        match self.below(4) {
            0 if at < text.len() => text[at] = EDIT_BYTES[self.below(EDIT_BYTES.len())],
            1 if at < text.len() => {
                text.remove(at);
            }
            2 => {
                let key = EDIT_KEYS[self.below(EDIT_KEYS.len())];
                text.splice(at..at, key.bytes());
            }
            _ => text.insert(at, EDIT_BYTES[self.below(EDIT_BYTES.len())]),
        }
    }
}

/// Returns a one-line container document whose elements are up to three of `lines`.
fn container_line(lines: &[&[u8]], edits: &mut Edits) -> Vec<u8> {
    let key = ["Records", "Events", "logEvents"][edits.below(3)];
    let mut text = format!("{{\"{key}\":[").into_bytes();
    for index in 0..=edits.below(3) {
        if index > 0 {
            text.push(b',');
        }
        let line = lines[edits.below(lines.len())];
        text.extend_from_slice(line.strip_suffix(b"\n").unwrap_or(line));
    }
    text.extend_from_slice(b"]}\n");
    text
}

fn fixture_streams() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/streams");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .expect("fixtures/streams exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| fs::read(path).expect("fixture read"))
        .collect()
}

#[test]
fn fixture_streams_read_alike() {
    let streams = fixture_streams();
    assert!(streams.len() > 10, "only {} fixture streams", streams.len());
    let small = ReaderOptions {
        max_event_bytes: 600,
        ..ReaderOptions::default()
    };
    for stream in &streams {
        read(stream);
        read_with(stream, &small);
    }
}

#[test]
fn damaged_lines_read_alike() {
    let streams = fixture_streams();
    let lines: Vec<&[u8]> = streams
        .iter()
        .flat_map(|stream| stream.split_inclusive(|&byte| byte == b'\n'))
        .filter(|line| line.first() == Some(&b'{') && line.ends_with(b"}\n"))
        .collect();
    assert!(lines.len() > 20, "only {} object lines", lines.len());

    let options = [
        ReaderOptions::default(),
        ReaderOptions {
            max_event_bytes: 900,
            ..ReaderOptions::default()
        },
    ];
    let mut edits = Edits(0x9E37_79B9_7F4A_7C15);
    for round in 0..10_000 {
        // Every other round damages a container document of up to three lines.
        let mut damaged = match round % 2 {
            0 => lines[edits.below(lines.len())].to_vec(),
            _ => container_line(&lines, &mut edits),
        };
        // A plain line before and after shows whether the damage spills over.
        let mut text = b"{\"before\":1}\n".to_vec();
        for _ in 0..=edits.below(3) {
            edits.apply(&mut damaged);
        }
        text.extend_from_slice(&damaged);
        text.extend_from_slice(b"{\"after\":2}\n");
        read_with(&text, &options[round / 2 % options.len()]);
    }
}
