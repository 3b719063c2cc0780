//! The maximum event size applied where an event or a skipped line passes it, so that
//! input without an end (a device, a pipe) is reported while it is read.

use super::*;
use crate::input::InputErrorKind::*;

/// A reader that returns `prefix` and then `filler` forever. It panics once it has given
/// out `max_bytes`, so a reader that never yields items fails the test instead of hanging.
struct Endless {
    prefix: Vec<u8>,
    filler: u8,
    bytes_given: usize,
    max_bytes: usize,
}

impl Endless {
    fn new(prefix: &[u8], filler: u8) -> Self {
        Self {
            prefix: prefix.to_vec(),
            filler,
            bytes_given: 0,
            max_bytes: 64 << 20,
        }
    }
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        assert!(
            self.bytes_given < self.max_bytes,
            "read {} bytes without yielding the expected items",
            self.bytes_given
        );
        let length = buf.len().min(64 << 10);
        for (index, byte) in buf[..length].iter_mut().enumerate() {
            *byte = self
                .prefix
                .get(self.bytes_given + index)
                .copied()
                .unwrap_or(self.filler);
        }
        self.bytes_given += length;
        Ok(length)
    }
}

fn options(max_event_bytes: usize) -> ReaderOptions {
    ReaderOptions {
        max_event_bytes,
        ..ReaderOptions::default()
    }
}

/// Takes the first `count` items of endless input.
fn first_items(reader: Endless, limit: usize, count: usize) -> Vec<InputItem> {
    Items::from_reader("endless", reader, &options(limit))
        .take(count)
        .collect()
}

fn messages(items: &[InputItem]) -> Vec<String> {
    items
        .iter()
        .map(|item| match &item.payload {
            Payload::Error(error) => error.message.clone(),
            other => format!("not an error: {other:?}"),
        })
        .collect()
}

#[test]
fn nul_bytes_without_line_break_are_reported() {
    let items = first_items(Endless::new(b"", 0), 1 << 20, 2);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [error(1, NulByte), error(1, TooLarge)]);

    let messages = messages(&items);
    assert!(
        messages[0].contains("NUL byte at byte offset 0"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("no line break within 1048576 bytes"),
        "{messages:?}"
    );
}

#[test]
fn long_skipped_line_is_one_error() {
    // Past the first 1000 bytes, the rest of the line is skipped without more reports.
    let input = format!("\0{}\n{{\"b\":2}}\n", "x".repeat(5000));
    let items = read_seen_with(input.as_bytes(), &options(1000));
    assert_eq!(
        items,
        [
            error(1, NulByte),
            error(1, TooLarge),
            event(2, r#"{"b":2}"#)
        ]
    );
}

#[test]
fn skipped_line_under_the_limit_is_quiet() {
    let input = format!("\0{}\n{{\"b\":2}}\n", "x".repeat(998));
    let items = read_seen_with(input.as_bytes(), &options(1000));
    assert_eq!(items, [error(1, NulByte), event(2, r#"{"b":2}"#)]);
}

#[test]
fn skipped_line_of_exactly_the_limit_is_quiet() {
    let input = format!("\0{}\n{{\"b\":2}}\n", "x".repeat(999));
    let items = read_seen_with(input.as_bytes(), &options(1000));
    assert_eq!(items, [error(1, NulByte), event(2, r#"{"b":2}"#)]);
}

#[test]
fn each_long_skipped_line_is_reported() {
    // A multi-line source skips line after line looking for an unindented bracket.
    let long = format!(" {}\n", "x".repeat(200));
    let input = format!("{{\n\"a\": ]\n{long}{long} short\n{{\"b\":2}}\n");
    let items = read_seen_with(input.as_bytes(), &options(100));
    assert_eq!(
        items,
        [
            error(1, Syntax),
            error(3, TooLarge),
            error(4, TooLarge),
            event(6, r#"{"b":2}"#)
        ]
    );
}

#[test]
fn endless_string_is_reported_at_the_limit() {
    let items = first_items(Endless::new(b"{\"a\":\"", b'x'), 4096, 1);
    assert_eq!(seen(&items[0]), error(1, TooLarge));
    let message = &messages(&items)[0];
    assert!(
        message.contains("the JSON value is larger than the maximum event size of 4096 bytes"),
        "{message}"
    );
}

#[test]
fn endless_scalar_is_reported_at_the_limit() {
    let items = first_items(Endless::new(b"", b'7'), 4096, 1);
    assert_eq!(seen(&items[0]), error(1, TooLarge));
}

#[test]
fn endless_record_is_reported_at_the_limit() {
    let prefix = b"{\"Records\":[{\"a\":1},{\"b\":\"";
    let items = first_items(Endless::new(prefix, b'x'), 4096, 2);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            element(1, "Records[0]", r#"{"a":1}"#),
            element_error(1, "Records[1]", TooLarge)
        ]
    );
}

#[test]
fn scalar_of_exactly_the_limit_is_an_event() {
    let items = read_seen_with(b"1234\n12345\n", &options(4));
    assert_eq!(items, [event(1, "1234"), error(2, TooLarge)]);
}

#[test]
fn record_of_exactly_the_limit_is_an_event() {
    let record = r#"{"a":"12345678"}"#;
    let input = format!("{{\"Records\":[{record},\"{}\"]}}", "y".repeat(15));
    let items = read_seen_with(input.as_bytes(), &options(record.len()));
    assert_eq!(
        items,
        [
            element(1, "Records[0]", record),
            element_error(1, "Records[1]", TooLarge)
        ]
    );
}

#[test]
fn oversize_truncated_line_is_one_error() {
    let input = format!("{{\"a\":\"{}\n{{\"b\":2}}\n", "x".repeat(200));
    let items = read_seen_with(input.as_bytes(), &options(64));
    assert_eq!(items, [error(1, TooLarge), event(2, r#"{"b":2}"#)]);
}

#[test]
fn oversize_value_at_input_end() {
    let input = format!("{{\"a\":\"{}", "x".repeat(200));
    let items = read_seen_with(input.as_bytes(), &options(64));
    assert_eq!(items, [error(1, TooLarge)]);
}

#[test]
fn damaged_oversize_record_reports_both() {
    // The damage abandons the rest of the document, which the size error does not cover.
    let big = format!("{{\"a\":\"{}\"]", "x".repeat(100));
    let input = format!("{{\"Records\":[{big},{{\"b\":2}}]}}\n{{\"c\":3}}\n");
    let items = read_seen_with(input.as_bytes(), &options(64));
    assert_eq!(
        items,
        [
            element_error(1, "Records[0]", TooLarge),
            element_error(1, "Records[0]", Syntax),
            event(2, r#"{"c":3}"#)
        ]
    );
}

#[test]
fn container_key_past_the_limit_is_not_split() {
    let input = format!(
        "{{\"meta\":\"{}\",\"Records\":[{{\"a\":1}}]}}\n{{\"Records\":[{{\"b\":2}}]}}\n",
        "x".repeat(100)
    );
    let items = read_seen_with(input.as_bytes(), &options(64));
    assert_eq!(
        items,
        [error(1, TooLarge), element(2, "Records[0]", r#"{"b":2}"#)]
    );
}
