//! Container documents: Records, lookup-events output and CloudWatch Logs payloads.

use super::*;
use crate::input::{CLOUDWATCH_CONTROL_MESSAGE, Containers, InputErrorKind::*};

const DELETE: &str = r#"{"eventName":"DeleteFunction20150331","errorCode":null}"#;
const GET: &str = r#"{"eventName":"GetFunction","x":"}]{[\"\\"}"#;

#[test]
fn one_line_records_are_split() {
    let input = format!("{{\"Records\":[{DELETE},{GET}]}}");
    let items = read(input.as_bytes());
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            element(1, "Records[0]", DELETE),
            element(1, "Records[1]", GET)
        ]
    );
    assert_eq!(items[0].origin.byte_offset, Some(12));
    assert_eq!(items[1].origin.byte_offset, Some(13 + DELETE.len() as u64));
}

#[test]
fn pretty_records_with_other_keys_first() {
    let input = format!(
        "{{\n  \"meta\": {{\"Records\": [1, 2]}},\n  \"Records\": [\n    {DELETE},\n    \
         {{\n      \"eventName\": \"GetFunction\"\n    }}\n  ],\n  \"after\": true\n}}\n"
    );
    let items = read_seen(input.as_bytes());
    let second = "{\n      \"eventName\": \"GetFunction\"\n    }";
    assert_eq!(
        items,
        [
            error(2, UnexpectedKey),
            element(4, "Records[0]", DELETE),
            element(5, "Records[1]", second)
        ]
    );
}

#[test]
fn record_fields_beside_records_are_an_error() {
    let input = format!(
        "{{\"eventSource\":\"lambda.amazonaws.com\",\"eventName\":\"DeleteFunction\",\
         \"Records\":[{DELETE}]}}\n"
    );
    let items = read(input.as_bytes());
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [error(1, UnexpectedKey), element(1, "Records[0]", DELETE)]
    );
    assert_eq!(items[0].origin.byte_offset, Some(1));

    let message = only_error_message(&items);
    for expected in [
        "\"eventSource\"",
        "a CloudTrail log file",
        "remove \"Records\"",
    ] {
        assert!(message.contains(expected), "lacks {expected:?}: {message}");
    }
}

#[test]
fn key_after_records_is_an_error() {
    let input = format!("{{\"Records\":[{DELETE}],\n\"eventName\":\"X\",\"more\":1}}\n");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [element(1, "Records[0]", DELETE), error(2, UnexpectedKey)]
    );
}

#[test]
fn format_keys_are_no_error() {
    let cases = [
        format!("{{\"NextToken\":\"abc\",\"Events\":[{DELETE}]}}\n"),
        format!("{{\"Next\\u0054oken\":\"abc\",\"Events\":[{DELETE}]}}\n"),
        "{\"owner\":\"111122223333\",\"policyLevel\":\"ACCOUNT_LEVEL_POLICY\",\"logEvents\":[]}\n"
            .to_owned(),
    ];
    for input in cases {
        let errors: Vec<Seen> = read_seen(input.as_bytes())
            .into_iter()
            .filter(|item| matches!(item.what, What::Error(_)))
            .collect();
        assert!(errors.is_empty(), "{input}: {errors:?}");
    }
}

#[test]
fn key_outside_cloudwatch_format_is_an_error() {
    let input = r#"{"messageType":"DATA_MESSAGE","eventName":"X","logEvents":[]}"#;
    let items = read(input.as_bytes());
    let message = only_error_message(&items);
    assert!(message.contains("\"eventName\""), "{message}");
    assert!(
        message.contains("a CloudWatch Logs subscription payload"),
        "{message}"
    );
}

#[test]
fn lookup_events_key_beside_records_is_an_error() {
    let input = format!("{{\"NextToken\":\"abc\",\"Records\":[{DELETE}]}}\n");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [error(1, UnexpectedKey), element(1, "Records[0]", DELETE)]
    );
}

#[test]
fn escaped_records_key_is_recognised() {
    let input = format!("{{\"Rec\\u006frds\":[{DELETE}]}}\n");
    let items = read_seen(input.as_bytes());
    assert_eq!(items, [element(1, "Records[0]", DELETE)]);
}

#[test]
fn non_object_elements_are_errors() {
    let input = format!("{{\"Records\":[\"x\",{DELETE},3,null,[{GET}],true]}}\n");
    let items = read(input.as_bytes());
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            element_error(1, "Records[0]", NotAnObject),
            element(1, "Records[1]", DELETE),
            element_error(1, "Records[2]", NotAnObject),
            element_error(1, "Records[3]", NotAnObject),
            element_error(1, "Records[4]", NotAnObject),
            element_error(1, "Records[5]", NotAnObject),
        ]
    );
    let messages: Vec<String> = items
        .iter()
        .filter_map(|item| match &item.payload {
            Payload::Error(error) => Some(error.message.clone()),
            _ => None,
        })
        .collect();
    let expected = ["string", "number", "null", "array", "boolean"]
        .map(|found| format!("expected a JSON object, found {found}"));
    assert_eq!(messages, expected);
}

#[test]
fn empty_records_has_no_items() {
    assert_eq!(read_seen(b"{\"Records\":[]}\n{\"Records\": [ ]}"), []);
}

#[test]
fn records_not_an_array_passes_through() {
    let input = r#"{"Records":{"a":[1]}}"#;
    assert_eq!(read_seen(input.as_bytes()), [event(1, input)]);
}

#[test]
fn disabled_containers_pass_through() {
    let options = ReaderOptions {
        containers: Containers::NONE,
        ..ReaderOptions::default()
    };
    let input = format!("{{\"Records\":[{DELETE}]}}");
    assert_eq!(
        read_seen_with(input.as_bytes(), &options),
        [event(1, &input)]
    );
}

#[test]
fn several_records_documents() {
    let input =
        format!("{{\"Records\":[{DELETE}]}}\n{{\"Records\":[{GET}]}}{{\"Records\":[{DELETE}]}}\n");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(1, "Records[0]", DELETE),
            element(2, "Records[0]", GET),
            element(2, "Records[0]", DELETE),
        ]
    );
}

#[test]
fn oversize_record_is_skipped() {
    let options = ReaderOptions {
        max_event_bytes: 80,
        ..ReaderOptions::default()
    };
    let big = format!("{{\"eventName\":\"{}\"}}", "x".repeat(100));
    let input = format!("{{\"Records\":[{DELETE},{big},{GET}]}}");
    let items = read_with(input.as_bytes(), &options);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            element(1, "Records[0]", DELETE),
            element_error(1, "Records[1]", TooLarge),
            element(1, "Records[2]", GET),
        ]
    );
    assert!(
        only_error_message(&items)
            .contains("the record is larger than the maximum event size of 80 bytes"),
        "{items:#?}"
    );
}

#[test]
fn truncated_records_keep_read_elements() {
    let input = format!("{{\"Records\":[{DELETE},{{\"eventName\":\"Get");
    let items = read(input.as_bytes());
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            element(1, "Records[0]", DELETE),
            element_error(1, "Records[1]", Truncated)
        ]
    );
    assert!(
        only_error_message(&items).contains("ends inside this record"),
        "{items:#?}"
    );
}

#[test]
fn truncated_after_last_record() {
    let input = format!("{{\"Records\":[{DELETE}");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [element(1, "Records[0]", DELETE), error(1, Truncated)]
    );
}

#[test]
fn broken_record_abandons_document() {
    let input = format!("{{\"Records\":[{DELETE},{{\"a\":]}},{GET}]}}\n{{\"b\":2}}\n");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(1, "Records[0]", DELETE),
            element_error(1, "Records[1]", Syntax),
            event(2, r#"{"b":2}"#),
        ]
    );
}

#[test]
fn missing_comma_between_records() {
    let input = format!("{{\"Records\":[{DELETE} {GET}]}}\n");
    let items = read(input.as_bytes());
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(seen, [element(1, "Records[0]", DELETE), error(1, Syntax)]);
    let message = only_error_message(&items);
    assert!(
        message.starts_with("in the Records array: invalid JSON"),
        "{message}"
    );
}

#[test]
fn records_one_per_unindented_line() {
    let input = format!("{{\"Records\":[\n{DELETE},\n{GET}\n]}}\n");
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(2, "Records[0]", DELETE),
            element(3, "Records[1]", GET)
        ]
    );
}

#[test]
fn lookup_events_output_is_split() {
    let first = r#"{"EventId":"1","EventName":"DeleteFunction20150331","CloudTrailEvent":"{\"eventName\":\"DeleteFunction20150331\"}"}"#;
    let second = r#"{"EventId":"2","EventName":"GetFunction","CloudTrailEvent":"{}"}"#;
    let input = format!(
        "{{\n    \"Events\": [\n        {first},\n        {second}\n    ],\n    \"NextToken\": \"abc\"\n}}\n"
    );
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(3, "Events[0]", first),
            element(4, "Events[1]", second)
        ]
    );
}

#[test]
fn cloudwatch_data_message_yields_messages() {
    let input = r#"{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"trail","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1700000000000,"message":"{\"eventName\":\"DeleteFunction20150331\"}"},{"id":"2","timestamp":1700000000001,"message":"{\"eventName\":\"GetFunction\"}"}]}"#;
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element(
                1,
                "logEvents[0]",
                r#"{"eventName":"DeleteFunction20150331"}"#
            ),
            element(1, "logEvents[1]", r#"{"eventName":"GetFunction"}"#),
        ]
    );
}

#[test]
fn cloudwatch_control_message_is_skipped() {
    let input = r#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1700000000000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#;
    let items = read_seen(format!("{input}\n{{\"a\":1}}\n").as_bytes());
    let skipped = Seen {
        line: 1,
        label: None,
        what: What::Skipped(CLOUDWATCH_CONTROL_MESSAGE),
    };
    assert_eq!(items, [skipped, event(2, r#"{"a":1}"#)]);
}

#[test]
fn log_event_without_message_is_error() {
    let input = r#"{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1"},{"message":"{}"}]}"#;
    let items = read_seen(input.as_bytes());
    assert_eq!(
        items,
        [
            element_error(1, "logEvents[0]", InvalidLogEvent),
            element(1, "logEvents[1]", "{}")
        ]
    );
}

#[test]
fn invalid_utf8_in_record_names_offset() {
    let input = b"{\"Records\":[{\"a\":1},{\"b\":\"\xFF\"}]}";
    let items = read(input);
    let seen: Vec<Seen> = items.iter().map(seen).collect();
    assert_eq!(
        seen,
        [
            element(1, "Records[0]", r#"{"a":1}"#),
            element_error(1, "Records[1]", InvalidUtf8)
        ]
    );
    let message = only_error_message(&items);
    assert!(message.contains("byte offset 26"), "{message}");
}
