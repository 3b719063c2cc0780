//! One JSON value per line.

use super::*;
use crate::input::InputErrorKind::*;

#[test]
fn lines_become_events() {
    let items = read_seen(b"{\"a\":1}\n{\"b\":2}\n");
    assert_eq!(items, [event(1, r#"{"a":1}"#), event(2, r#"{"b":2}"#)]);
}

#[test]
fn last_line_without_line_break() {
    let items = read_seen(b"{\"a\":1}\n{\"b\":2}");
    assert_eq!(items, [event(1, r#"{"a":1}"#), event(2, r#"{"b":2}"#)]);
}

#[test]
fn byte_offsets_count_from_stream_start() {
    let items = read(b"{\"a\":1}\n  {\"b\":2}\n");
    let offsets: Vec<Option<u64>> = items.iter().map(|item| item.origin.byte_offset).collect();
    assert_eq!(offsets, [Some(0), Some(10)]);
}

#[test]
fn byte_order_mark_is_skipped() {
    let items = read(b"\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}\n");
    assert_eq!(
        items.iter().map(seen).collect::<Vec<_>>(),
        [event(1, r#"{"a":1}"#), event(2, r#"{"b":2}"#)]
    );
    assert_eq!(
        items[0].origin.byte_offset,
        Some(3),
        "the offset counts the mark"
    );
}

#[test]
fn crlf_line_endings_are_accepted() {
    let items = read_seen(b"{\"a\":1}\r\n{\"b\":2}\r\n");
    assert_eq!(items, [event(1, r#"{"a":1}"#), event(2, r#"{"b":2}"#)]);
}

#[test]
fn blank_lines_are_not_events() {
    let items = read_seen(b"\n\n{\"a\":1}\n   \n\t\r\n{\"b\":2}\n\n");
    assert_eq!(items, [event(3, r#"{"a":1}"#), event(6, r#"{"b":2}"#)]);
}

#[test]
fn empty_input_has_no_items() {
    assert_eq!(read_seen(b""), []);
    assert_eq!(read_seen(b"\n \n"), []);
}

#[test]
fn nul_byte_in_event_is_error() {
    let input = b"{\"a\":1}\n{\"b\":\"x\0y\"}\n{\"c\":3}\n";
    let items = read(input);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            event(1, r#"{"a":1}"#),
            error(2, NulByte),
            event(3, r#"{"c":3}"#)
        ]
    );
    assert!(
        only_error_message(&items).contains("byte offset 15"),
        "{items:#?}"
    );
}

#[test]
fn nul_padding_is_one_error() {
    let input = b"{\"a\":1}\n\0\0\0\0\0\0\n{\"b\":2}\n";
    let items = read(input);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            event(1, r#"{"a":1}"#),
            error(2, NulByte),
            event(3, r#"{"b":2}"#)
        ]
    );
    assert!(
        only_error_message(&items).contains("byte offset 8"),
        "{items:#?}"
    );
}

#[test]
fn invalid_utf8_names_byte_offset() {
    let input = b"{\"a\":1}\n{\"b\":\"caf\xC3\"}\n{\"c\":3}\n";
    let items = read(input);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            event(1, r#"{"a":1}"#),
            error(2, InvalidUtf8),
            event(3, r#"{"c":3}"#)
        ]
    );
    let message = only_error_message(&items);
    assert!(
        message.contains("invalid UTF-8 at byte offset 17"),
        "{message}"
    );
}

#[test]
fn truncated_last_line_is_error() {
    let items = read(b"{\"a\":1}\n{\"b\":{\"c\":");
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [event(1, r#"{"a":1}"#), error(2, Truncated)]);
    let message = only_error_message(&items);
    assert!(message.contains("the last line is incomplete"), "{message}");
}

#[test]
fn truncated_last_line_inside_string() {
    let items = read(b"{\"a\":1}\n{\"b\":\"abc");
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [event(1, r#"{"a":1}"#), error(2, Truncated)]);
    assert!(
        only_error_message(&items).contains("inside a string"),
        "{items:#?}"
    );
}

#[test]
fn truncated_middle_line_spares_next_line() {
    let input = b"{\"a\":1}\n{\"b\":{\"c\":1\n{\"d\":2}\n";
    let items = read(input);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            event(1, r#"{"a":1}"#),
            error(2, Truncated),
            event(3, r#"{"d":2}"#)
        ]
    );
    assert!(
        only_error_message(&items).contains("the line ends inside"),
        "{items:#?}"
    );
}

#[test]
fn truncated_first_line_spares_next_line() {
    let input = b"{\"b\":{\"c\":1\n{\"d\":2}\n{\"e\":3}\n";
    let items = read_seen(input);
    assert_eq!(
        items,
        [
            error(1, Syntax),
            event(2, r#"{"d":2}"#),
            event(3, r#"{"e":3}"#)
        ]
    );
}

#[test]
fn line_break_inside_string_is_error() {
    let input = b"{\"a\":\"ab\n{\"d\":2}\n";
    let items = read_seen(input);
    assert_eq!(items, [error(1, Syntax), event(2, r#"{"d":2}"#)]);
}

#[test]
fn oversize_line_is_skipped() {
    let options = ReaderOptions {
        max_event_bytes: 64,
        ..ReaderOptions::default()
    };
    let long = format!("{{\"a\":\"{}\"}}", "x".repeat(200));
    let input = format!("{{\"a\":1}}\n{long}\n{{\"b\":2}}\n");
    let items = read_with(input.as_bytes(), &options);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            event(1, r#"{"a":1}"#),
            error(2, TooLarge),
            event(3, r#"{"b":2}"#)
        ]
    );
    let message = only_error_message(&items);
    assert!(
        message.contains("the JSON value is larger than the maximum event size of 64 bytes"),
        "{message}"
    );
}

#[test]
fn line_at_size_limit_is_read() {
    let options = ReaderOptions {
        max_event_bytes: 16,
        ..ReaderOptions::default()
    };
    let line = r#"{"a":"12345678"}"#;
    assert_eq!(line.len(), 16);
    let items = read_seen_with(format!("{line}\n").as_bytes(), &options);
    assert_eq!(items, [event(1, line)]);
}

#[test]
fn oversize_deep_nesting_is_bounded() {
    let options = ReaderOptions {
        max_event_bytes: 100,
        ..ReaderOptions::default()
    };
    let deep = "[".repeat(10_000);
    let input = format!("{deep}\n{{\"b\":2}}\n");
    let items = read_seen_with(input.as_bytes(), &options);
    assert_eq!(items, [error(1, TooLarge), event(2, r#"{"b":2}"#)]);
}

#[test]
fn trailing_bytes_make_line_one_error() {
    let items = read(b"{\"a\":1}}\n{\"b\":2}\n");
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [error(1, Syntax), event(2, r#"{"b":2}"#)]);
    assert!(
        only_error_message(&items).contains("unexpected `}`"),
        "{items:#?}"
    );
}

#[test]
fn adjacent_objects_on_one_line() {
    let items = read_seen(b"{\"a\":1}{\"b\":2} {\"c\":3}\n");
    let expected = [
        event(1, r#"{"a":1}"#),
        event(1, r#"{"b":2}"#),
        event(1, r#"{"c":3}"#),
    ];
    assert_eq!(items, expected);
}

#[test]
fn non_object_values_pass_through() {
    let items = read_seen(b"42\n\"text\"\n[1,2]\ntrue\n");
    let expected = [
        event(1, "42"),
        event(2, r#""text""#),
        event(3, "[1,2]"),
        event(4, "true"),
    ];
    assert_eq!(items, expected);
}

#[test]
fn invalid_tokens_are_left_to_parser() {
    let items = read_seen(b"{\"a\": tru, \"b\": 01}\nhello\n");
    assert_eq!(
        items,
        [event(1, r#"{"a": tru, "b": 01}"#), event(2, "hello")]
    );
}

#[test]
fn two_words_on_a_line_are_one_error() {
    let items = read_seen(b"hello world\n{\"b\":2}\n");
    assert_eq!(items, [error(1, Syntax), event(2, r#"{"b":2}"#)]);
}

#[test]
fn braces_and_escaped_quotes_in_strings() {
    let line = r#"{"a":"}{\"][\\","b":"\\\"}"}"#;
    let items = read_seen(format!("{line}\n{{\"c\":3}}\n").as_bytes());
    assert_eq!(items, [event(1, line), event(2, r#"{"c":3}"#)]);
}

#[test]
fn stray_closer_is_error() {
    let items = read_seen(b"{\"a\":1}\n}\n{\"b\":2}\n");
    assert_eq!(
        items,
        [
            event(1, r#"{"a":1}"#),
            error(2, Syntax),
            event(3, r#"{"b":2}"#)
        ]
    );
}

#[test]
fn mismatched_bracket_is_error() {
    let items = read(b"{\"a\":[1}\n{\"b\":2}\n");
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [error(1, Syntax), event(2, r#"{"b":2}"#)]);
    let message = only_error_message(&items);
    assert!(
        message.contains("expected `,` or `]` after the element, found `}`"),
        "{message}"
    );
    assert!(message.contains("at byte offset 7"), "{message}");
}

#[test]
fn missing_colon_is_error() {
    let items = read_seen(b"{\"a\" 1}\n{\"b\":2}\n");
    assert_eq!(items, [error(1, Syntax), event(2, r#"{"b":2}"#)]);
}

#[test]
fn utf16_input_is_rejected() {
    let items = read_seen(b"\xFF\xFE{\x00\"\x00a\x00\"\x00:\x001\x00}\x00\n\x00");
    assert_eq!(items, [error(0, UnsupportedEncoding)]);
}

#[test]
fn read_error_keeps_earlier_items() {
    let reader = FailingReader {
        bytes: b"{\"a\":1}\n{\"b\":".to_vec(),
        at: 0,
    };
    let items: Vec<Seen> = Items::from_reader("t.json", reader, &ReaderOptions::default())
        .map(|item| seen(&item))
        .collect();
    assert_eq!(items, [event(1, r#"{"a":1}"#), error(2, Unreadable)]);
}

/// A reader that returns its bytes and then fails.
struct FailingReader {
    bytes: Vec<u8>,
    at: usize,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.bytes.len() {
            return Err(io::Error::other("device error"));
        }
        let length = buf.len().min(self.bytes.len() - self.at);
        buf[..length].copy_from_slice(&self.bytes[self.at..self.at + length]);
        self.at += length;
        Ok(length)
    }
}
