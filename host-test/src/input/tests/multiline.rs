//! Values that span lines: pretty-printed documents.

use super::*;
use crate::input::InputErrorKind::*;

#[test]
fn pretty_document_is_one_event() {
    let document = "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}";
    let items = read_seen(format!("{document}\n").as_bytes());
    assert_eq!(items, [event(1, document)]);
}

#[test]
fn several_pretty_documents() {
    let first = "{\n  \"a\": 1\n}";
    let second = "{\r\n  \"b\": 2\r\n}";
    let items = read_seen(format!("{first}\n\n{second}\n{{\"c\":3}}\n").as_bytes());
    assert_eq!(
        items,
        [event(1, first), event(5, second), event(8, r#"{"c":3}"#)]
    );
}

#[test]
fn broken_document_resumes_at_next_document() {
    let input = "{\n  \"a\": 1\n  \"b\": 2\n}\n{\n  \"c\": 3\n}\n";
    let items = read(input.as_bytes());
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [error(1, Syntax), event(5, "{\n  \"c\": 3\n}")]);
    let message = only_error_message(&items);
    assert!(
        message.contains("expected `,` or `}` after the member, found `\"`"),
        "{message}"
    );
    assert!(message.contains("at line 3, byte offset 13"), "{message}");
}

#[test]
fn indented_lines_are_skipped_after_error() {
    let input = "{\n  \"a\": [1 2],\n  \"b\": {\"c\": 3}\n}\n{\"d\":4}\n";
    let items = read_seen(input.as_bytes());
    assert_eq!(items, [error(1, Syntax), event(5, r#"{"d":4}"#)]);
}

#[test]
fn document_truncated_at_end() {
    let items = read(b"{\n  \"a\": 1,\n  \"b\": {\n");
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [error(1, Truncated)]);
    let message = only_error_message(&items);
    assert!(message.contains("the input ends at line 4"), "{message}");
}

#[test]
fn first_value_on_one_line_makes_ndjson() {
    let input = "{\"a\":1}\n{\n  \"b\": 2\n}\n";
    let items = read_seen(input.as_bytes());
    assert_eq!(items[0], event(1, r#"{"a":1}"#));
    assert_eq!(items[1], error(2, Truncated));
    assert!(
        items
            .iter()
            .all(|item| !matches!(&item.what, What::Event(text) if text.contains("\"b\""))),
        "a pretty document after a one-line value is not read as one value: {items:#?}"
    );
}
