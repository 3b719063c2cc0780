//! A container document whose top-level object has the same key twice.

use super::*;
use crate::input::{AFTER_REPEATED_KEY, Containers, InputErrorKind::*};

const A: &str = r#"{"eventName":"A"}"#;
const B: &str = r#"{"eventName":"B"}"#;
const C: &str = r#"{"eventName":"C"}"#;

fn skipped(line: u64, label: &str) -> Seen {
    Seen {
        line,
        label: Some(label.to_string()),
        what: What::Skipped(AFTER_REPEATED_KEY),
    }
}

fn repeated(line: u64) -> Seen {
    error(line, RepeatedKey)
}

#[test]
fn repeated_records_keep_first_and_skip_second() {
    let input = format!("{{\"Records\":[{A},{B}],\"Records\":[{C},{A}]}}\n{{\"x\":1}}\n");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(1, "Records[0]", A),
            element(1, "Records[1]", B),
            repeated(1),
            skipped(1, "Records[0]"),
            skipped(1, "Records[1]"),
            event(2, r#"{"x":1}"#),
        ]
    );
}

#[test]
fn repeated_key_names_both_places_and_fix() {
    let input = format!("{{\n  \"Records\": [\n    {A}\n  ],\n  \"Records\": [{B}]\n}}\n");
    let items = read(input.as_bytes());
    let error = items
        .iter()
        .find(|item| matches!(item.payload, Payload::Error(_)))
        .expect("an error");

    assert_eq!(error.origin.line, 5);
    let second = input.rfind("\"Records\"").expect("second key") as u64;
    assert_eq!(error.origin.byte_offset, Some(second));
    let message = only_error_message(&items);
    let expected = [
        "the top-level key \"Records\" appears again (first at line 2, byte offset 4)",
        "tools may read different events from this document",
        "each is counted as skipped",
        "Remove one of the keys",
    ];
    for part in expected {
        assert!(message.contains(part), "{part:?} missing from {message}");
    }
}

#[test]
fn repeated_other_key_before_container() {
    let input = format!("{{\"region\":\"a\",\"region\":\"b\",\"Records\":[{A},{B}]}}");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            repeated(1),
            skipped(1, "Records[0]"),
            skipped(1, "Records[1]")
        ]
    );
}

#[test]
fn repeated_key_after_container() {
    let input = format!("{{\"Events\":[{A}],\"NextToken\":\"1\",\"NextToken\":\"2\"}}");
    let items = read_seen(input.as_bytes());
    assert_eq!(items, [element(1, "Events[0]", A), repeated(1)]);
}

#[test]
fn escaped_key_repeats_container() {
    let input = format!("{{\"Records\":[{A}],\"Rec\\u006frds\":[{B}]}}");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(1, "Records[0]", A),
            repeated(1),
            skipped(1, "Records[0]")
        ]
    );
}

#[test]
fn container_not_an_array_then_array() {
    let input = format!("{{\"Records\":{{}},\"Records\":[{A}]}}");
    let items = read_seen(input.as_bytes());
    assert_eq!(items, [repeated(1), skipped(1, "Records[0]")]);
}

#[test]
fn non_object_elements_after_repeat_are_skipped() {
    let input = format!("{{\"Records\":[],\"Records\":[1,\"x\",{A}]}}");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            repeated(1),
            skipped(1, "Records[0]"),
            skipped(1, "Records[1]"),
            skipped(1, "Records[2]")
        ]
    );
}

#[test]
fn repeated_key_is_reported_once() {
    let input = format!("{{\"Records\":[{A}],\"Records\":[],\"Records\":[{B}],\"x\":1,\"x\":2}}");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(1, "Records[0]", A),
            repeated(1),
            skipped(1, "Records[0]")
        ]
    );
}

#[test]
fn different_containers_in_one_document_are_read() {
    let input = format!("{{\"Records\":[{A}],\"Events\":[{B}]}}");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(1, "Records[0]", A),
            error(1, UnexpectedKey),
            element(1, "Events[0]", B)
        ]
    );
}

#[test]
fn plain_object_repeat_goes_to_component() {
    let input = r#"{"eventName":"A","eventName":"B"}"#;
    assert_eq!(read_seen(input.as_bytes()), [event(1, input)]);
}

#[test]
fn repeated_key_without_splitting_is_one_event() {
    let options = ReaderOptions {
        containers: Containers::NONE,
        ..ReaderOptions::default()
    };
    let input = format!("{{\"Records\":[{A}],\"Records\":[{B}]}}");
    assert_eq!(
        read_seen_with(input.as_bytes(), &options),
        [event(1, &input)]
    );
}

#[test]
fn keys_too_long_to_compare_are_an_error() {
    // The keys may take the maximum event size, and at least 64 KiB.
    let options = ReaderOptions {
        max_event_bytes: 1000,
        ..ReaderOptions::default()
    };
    let long_key = "k".repeat(70_000);
    let input = format!("{{\"Records\":[{A}],\"{long_key}\":1,\"Records\":[{B}]}}");
    let items = read_seen_with(input.as_bytes(), &options);
    assert_eq!(
        items,
        [
            element(1, "Records[0]", A),
            error(1, TooLarge),
            skipped(1, "Records[0]")
        ]
    );
}
