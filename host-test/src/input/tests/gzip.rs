//! Compressed input.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::*;
use crate::input::InputErrorKind::*;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// NDJSON lines `{"n":0}` to `{"n":count-1}`.
fn numbered_lines(count: usize) -> String {
    (0..count).map(|n| format!("{{\"n\":{n}}}\n")).collect()
}

fn numbered_events(count: usize) -> Vec<Seen> {
    (0..count)
        .map(|n| event(n as u64 + 1, &format!("{{\"n\":{n}}}")))
        .collect()
}

#[test]
fn gzip_is_recognised_by_magic_bytes() {
    let items = read_seen(&gzip(numbered_lines(3).as_bytes()));
    assert_eq!(items, numbered_events(3));
}

#[test]
fn gzip_with_byte_order_mark() {
    let items = read_seen(&gzip(b"\xEF\xBB\xBF{\"n\":0}\n"));
    assert_eq!(items, numbered_events(1));
}

#[test]
fn members_are_concatenated() {
    let mut input = gzip(b"{\"n\":0}\n{\"n\"");
    input.extend(gzip(b":1}\n"));
    input.extend(gzip(b"{\"n\":2}\n"));
    assert_eq!(read_seen(&input), numbered_events(3));
}

#[test]
fn gzip_records_file() {
    let input = gzip(br#"{"Records":[{"eventName":"DeleteFunction20150331"}]}"#);
    let items = read_seen(&input);
    assert_eq!(
        items,
        [element(
            1,
            "Records[0]",
            r#"{"eventName":"DeleteFunction20150331"}"#
        )]
    );
}

#[test]
fn corrupt_member_keeps_earlier_items() {
    let mut input = gzip(numbered_lines(2).as_bytes());
    // A valid member header followed by deflate data that uses a reserved block type.
    input.extend([
        0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xFF, 0xFF, 0xFF, 0xFF,
    ]);
    let items = read(&input);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    let mut expected = numbered_events(2);
    expected.push(error(3, Gzip));
    assert_eq!(seen, expected);
    let message = only_error_message(&items);
    assert!(
        message.contains("after 16 bytes of decompressed text"),
        "{message}"
    );
}

#[test]
fn garbage_after_member_is_one_error() {
    let mut input = gzip(numbered_lines(2).as_bytes());
    input.extend(b"not gzip at all");
    let mut expected = numbered_events(2);
    expected.push(error(3, Gzip));
    assert_eq!(read_seen(&input), expected);
}

#[test]
fn checksum_mismatch_is_one_error() {
    let mut input = gzip(numbered_lines(2).as_bytes());
    let crc_start = input.len() - 8;
    input[crc_start] ^= 0xFF;
    let items = read_seen(&input);
    assert_eq!(items.last(), Some(&error(3, Gzip)));
    assert_eq!(items.len(), 3, "{items:#?}");
}

#[test]
fn truncated_gzip_keeps_earlier_items() {
    let lines = numbered_lines(20_000);
    let compressed = gzip(lines.as_bytes());
    let items = read(&compressed[..compressed.len() / 2]);
    let (last, events) = items.split_last().expect("items");

    assert!(!events.is_empty(), "half the file holds events");
    let expected = numbered_events(events.len());
    assert_eq!(events.iter().map(seen).collect::<Vec<_>>(), expected);
    let Payload::Error(error) = &last.payload else {
        panic!("last item is {last:?}")
    };
    assert_eq!(error.kind, Gzip);
}

#[test]
fn unsupported_compression_is_rejected() {
    let cases: [&[u8]; 4] = [
        b"\x28\xB5\x2F\xFDdata",
        b"\xFD7zXZ\x00data",
        b"BZh91AY",
        b"PK\x03\x04data",
    ];
    for input in cases {
        assert_eq!(
            read_seen(input),
            [error(0, UnsupportedEncoding)],
            "input {input:?}"
        );
    }
}
