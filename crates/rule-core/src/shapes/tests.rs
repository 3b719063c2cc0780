//! Normalisation of the fixture streams: every shape end to end, and the same deletion
//! giving the same ECS fields in every shape it can be written in.

use serde_json::{Value, json};

use super::{EcsEvent, InputFormat, Normalized, RecordClass, Shape, normalize};
use crate::document::field_values;
use crate::error::EventError;
use crate::json::{Limits, parse_event};

const SAME_DELETION: &str = include_str!("../../../../fixtures/streams/same-deletion.ndjson");
const LOG_FILE: &str = include_str!("../../../../fixtures/streams/cloudtrail-log-file.json");
const DIGEST: &str = include_str!("../../../../fixtures/streams/digest.json");
const INSIGHT: &str = include_str!("../../../../fixtures/streams/insight.ndjson");
const EVENTBRIDGE: &str = include_str!("../../../../fixtures/streams/eventbridge.ndjson");
const CLOUDWATCH_PAYLOAD: &str = include_str!("../../../../fixtures/streams/cloudwatch-logs.json");
const CLOUDWATCH_CONTROL: &str =
    include_str!("../../../../fixtures/streams/cloudwatch-control.json");
const LOOKUP_EVENTS: &str = include_str!("../../../../fixtures/streams/lookup-events.json");
const ECS: &str = include_str!("../../../../fixtures/streams/ecs.ndjson");

/// Every NDJSON stream, with the 1-based lines expected to fail normalisation.
const NDJSON_STREAMS: [(&str, &str, &[usize]); 11] = [
    ("same-deletion", SAME_DELETION, &[]),
    (
        "suffixed-names",
        include_str!("../../../../fixtures/streams/suffixed-names.ndjson"),
        &[],
    ),
    (
        "siblings",
        include_str!("../../../../fixtures/streams/siblings.ndjson"),
        &[],
    ),
    (
        "failed-deletions",
        include_str!("../../../../fixtures/streams/failed-deletions.ndjson"),
        &[],
    ),
    (
        "wrong-case",
        include_str!("../../../../fixtures/streams/wrong-case.ndjson"),
        &[],
    ),
    ("ecs", ECS, &[]),
    ("eventbridge", EVENTBRIDGE, &[3, 4]),
    (
        "cloudwatch-log-events",
        include_str!("../../../../fixtures/streams/cloudwatch-log-events.ndjson"),
        &[],
    ),
    (
        "lookup-events-item",
        include_str!("../../../../fixtures/streams/lookup-events-item.ndjson"),
        &[],
    ),
    (
        "ocsf",
        include_str!("../../../../fixtures/streams/ocsf.ndjson"),
        &[],
    ),
    ("insight", INSIGHT, &[]),
];

const CANONICAL_EVENT_ID: &str = "0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40";

/// The fields an alert is built from: actor, function, account, region, source, time and
/// the fields the query reads.
const CORE_FIELDS: [&str; 13] = [
    "@timestamp",
    "event.id",
    "event.action",
    "event.provider",
    "event.outcome",
    "data_stream.dataset",
    "user.name",
    "aws.cloudtrail.user_identity.arn",
    "cloud.account.id",
    "cloud.region",
    "source.address",
    "source.ip",
    "aws.cloudtrail.flattened.request_parameters.functionName",
];

fn normalize_text(text: &str, format: InputFormat) -> Result<Normalized, EventError> {
    let limits = Limits::default();
    normalize(parse_event(text, &limits)?, format, &limits)
}

fn event_of(text: &str, format: InputFormat) -> EcsEvent {
    match normalize_text(text, format) {
        Ok(Normalized::Event(event)) => event,
        other => panic!("expected an event under {format}, got {other:?}"),
    }
}

fn lines(stream: &str) -> impl Iterator<Item = (usize, &str)> {
    stream
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
}

fn core_fields(event: &EcsEvent) -> Vec<(&'static str, Vec<Value>)> {
    CORE_FIELDS
        .iter()
        .map(|field| {
            (
                *field,
                field_values(&event.doc, field)
                    .into_iter()
                    .cloned()
                    .collect(),
            )
        })
        .collect()
}

fn unsupported_message(result: Result<Normalized, EventError>) -> String {
    match result {
        Err(EventError::UnsupportedShape(message)) => message,
        other => panic!("expected an unsupported-shape error, got {other:?}"),
    }
}

#[test]
fn same_deletion_lines_have_each_shape() {
    let expected = [
        Shape::CloudTrail,
        Shape::EventBridge,
        Shape::CloudWatchLogEvent,
        Shape::LookupEventsItem,
        Shape::Ecs,
        Shape::Ecs,
        Shape::Ecs,
        Shape::EcsSearchHit,
        Shape::Ocsf11,
        Shape::Ocsf10Rc2,
    ];

    let shapes: Vec<Shape> = lines(SAME_DELETION)
        .map(|(_, line)| event_of(line, InputFormat::Auto).shape)
        .collect();

    assert_eq!(shapes, expected);
}

#[test]
fn same_deletion_is_event_with_record_id() {
    for (number, line) in lines(SAME_DELETION) {
        let event = event_of(line, InputFormat::Auto);
        assert_eq!(event.class, RecordClass::Event, "line {number}");
        assert_eq!(
            event.record_event_id.as_deref(),
            Some(CANONICAL_EVENT_ID),
            "line {number}"
        );
    }
}

#[test]
fn same_deletion_core_fields_equal() {
    let mut events =
        lines(SAME_DELETION).map(|(number, line)| (number, event_of(line, InputFormat::Auto)));
    let (_, raw) = events
        .next()
        .expect("the stream starts with the raw record");
    let expected = core_fields(&raw);

    for (field, values) in &expected {
        assert!(!values.is_empty(), "the raw record maps no {field}");
    }
    for (number, event) in events {
        for ((field, want), (_, got)) in expected.iter().zip(core_fields(&event)) {
            assert_eq!(
                &got, want,
                "line {number} ({:?}), field {field}",
                event.shape
            );
        }
    }
}

#[test]
fn raw_record_core_values() {
    let raw = event_of(
        lines(SAME_DELETION).next().expect("a first line").1,
        InputFormat::Auto,
    );
    let value = |field| {
        field_values(&raw.doc, field)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
    };

    assert_eq!(value("@timestamp"), [json!("2024-05-14T09:21:37.000Z")]);
    assert_eq!(value("user.name"), [json!("ops-user")]);
    assert_eq!(value("source.ip"), [json!("192.0.2.10")]);
    assert_eq!(value("cloud.account.id"), [json!("111122223333")]);
    assert_eq!(value("data_stream.dataset"), [json!("aws.cloudtrail")]);
}

#[test]
fn forced_format_matches_auto() {
    let formats = [
        InputFormat::CloudTrail,
        InputFormat::EventBridge,
        InputFormat::CloudWatchLogs,
        InputFormat::LookupEvents,
        InputFormat::Ecs,
        InputFormat::Ecs,
        InputFormat::Ecs,
        InputFormat::Ecs,
        InputFormat::Ocsf,
        InputFormat::Ocsf,
    ];
    for ((number, line), format) in lines(SAME_DELETION).zip(formats) {
        let forced = normalize_text(line, format);
        let detected = normalize_text(line, InputFormat::Auto);
        assert_eq!(forced, detected, "line {number} under {format}");
    }
}

#[test]
fn forced_format_rejects_other_lines() {
    let raw = lines(SAME_DELETION).next().expect("a first line").1;
    let wrong = [
        InputFormat::EventBridge,
        InputFormat::CloudWatchLogs,
        InputFormat::LookupEvents,
        InputFormat::Ecs,
        InputFormat::Ocsf,
    ];
    for format in wrong {
        let message = unsupported_message(normalize_text(raw, format));
        assert!(
            message.contains(&format!("`{format}`")),
            "{format}: {message}"
        );
    }
}

#[test]
fn not_an_object_names_type() {
    let cases = [
        (json!(null), "null"),
        (json!(true), "boolean"),
        (json!(3), "number"),
        (json!("text"), "string"),
        (json!([{"eventName": "DeleteFunction"}]), "array"),
    ];
    for format in InputFormat::ALL {
        for (value, expected) in &cases {
            let result = normalize(value.clone(), format, &Limits::default());
            assert_eq!(
                result,
                Err(EventError::NotAnObject((*expected).to_owned())),
                "{value} under {format}"
            );
        }
    }
}

#[test]
fn unknown_object_rejected() {
    let message = unsupported_message(normalize_text(
        r#"{"level": "info", "msg": "started"}"#,
        InputFormat::Auto,
    ));

    assert!(message.contains("keys level, msg"), "{message}");
    assert!(message.contains("expected one of"), "{message}");
}

#[test]
fn containers_rejected_with_hint() {
    let cases = [
        ("log file", LOG_FILE, "3 records in `Records`"),
        (
            "cloudwatch payload",
            CLOUDWATCH_PAYLOAD,
            "4 log events in `logEvents`",
        ),
        ("lookup-events output", LOOKUP_EVENTS, "3 items in `Events`"),
    ];
    for (name, text, expected) in cases {
        let message = unsupported_message(normalize_text(text, InputFormat::Auto));
        assert!(message.contains(expected), "{name}: {message}");
        assert!(
            message.contains("rule-host scan splits"),
            "{name}: {message}"
        );
    }
}

#[test]
fn log_file_records_normalize() {
    let Value::Object(file) =
        parse_event(LOG_FILE, &Limits::default()).expect("the log file parses")
    else {
        panic!("the log file is an object");
    };
    let records = file["Records"].as_array().expect("Records is an array");

    let ids: Vec<Option<String>> = records
        .iter()
        .map(
            |record| match normalize(record.clone(), InputFormat::Auto, &Limits::default()) {
                Ok(Normalized::Event(event)) => event.record_event_id,
                other => panic!("expected an event, got {other:?}"),
            },
        )
        .collect();

    assert_eq!(ids.len(), 3);
    assert_eq!(ids[2].as_deref(), Some(CANONICAL_EVENT_ID));
}

#[test]
fn digest_skipped() {
    for format in [InputFormat::Auto, InputFormat::CloudTrail] {
        let result = normalize_text(DIGEST, format);
        assert_eq!(
            result,
            Ok(Normalized::Skipped("cloudtrail-digest".to_owned())),
            "{format}"
        );
    }
}

#[test]
fn control_message_skipped() {
    for format in [InputFormat::Auto, InputFormat::CloudWatchLogs] {
        let result = normalize_text(CLOUDWATCH_CONTROL, format);
        assert_eq!(
            result,
            Ok(Normalized::Skipped("cloudwatch-control-message".to_owned())),
            "{format}"
        );
    }
}

#[test]
fn insight_events_have_insight_class() {
    for (number, line) in lines(INSIGHT) {
        let event = event_of(line, InputFormat::Auto);
        assert_eq!(event.class, RecordClass::Insight, "line {number}");
        assert!(
            field_values(&event.doc, "event.action").is_empty(),
            "line {number}"
        );
    }
}

#[test]
fn spoofed_eventbridge_lines_rejected() {
    for number in [3, 4] {
        let line = lines(EVENTBRIDGE)
            .nth(number - 1)
            .expect("the line exists")
            .1;
        for format in [InputFormat::Auto, InputFormat::EventBridge] {
            let message = unsupported_message(normalize_text(line, format));
            assert!(
                message.contains("custom source"),
                "line {number} under {format}: {message}"
            );
        }
    }
}

#[test]
fn ecs_stream_classes() {
    use RecordClass::{Event, NotCloudTrail};
    let expected = [
        Event,
        Event,
        Event,
        Event,
        NotCloudTrail,
        Event,
        NotCloudTrail,
        Event,
        Event,
    ];

    let classes: Vec<RecordClass> = lines(ECS)
        .map(|(_, line)| event_of(line, InputFormat::Auto).class)
        .collect();

    assert_eq!(classes, expected);
}

#[test]
fn every_stream_line_normalizes() {
    for (name, stream, failing) in NDJSON_STREAMS {
        for (number, line) in lines(stream) {
            let result = normalize_text(line, InputFormat::Auto);
            let expect_error = failing.contains(&number);
            assert_eq!(result.is_err(), expect_error, "{name}:{number}: {result:?}");
        }
    }
}

#[test]
fn input_format_names_round_trip() {
    let names: Vec<&str> = InputFormat::ALL
        .iter()
        .map(|format| format.name())
        .collect();

    assert_eq!(
        names,
        [
            "auto",
            "cloudtrail",
            "eventbridge",
            "cloudwatch-logs",
            "lookup-events",
            "ecs",
            "ocsf"
        ]
    );
    for format in InputFormat::ALL {
        assert_eq!(InputFormat::from_name(format.name()), Some(format));
        assert_eq!(format.to_string(), format.name());
    }
}

#[test]
fn input_format_unknown_names() {
    for name in ["", "Auto", "CloudTrail", "cloudwatch", "json", "ocsf "] {
        assert_eq!(InputFormat::from_name(name), None, "{name:?}");
    }
}
