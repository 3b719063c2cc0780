//! Normalisation of the fixture streams: every shape end to end, the same deletion giving
//! the same ECS fields and alert in every shape it can be written in, and each stream
//! alerting on the records its README lists.

use serde_json::{Value, json};

use super::{EcsEvent, InputFormat, Normalized, RecordClass, Shape, normalize};
use crate::alert::{Alert, AlertOptions, build_alert};
use crate::document::field_values;
use crate::error::EventError;
use crate::evaluate::{EvalOptions, Evaluation, evaluate};
use crate::json::{Limits, parse_event};
use crate::rule::Rule;
use crate::timestamp::Timestamp;

/// The text of a fixture stream, read at compile time so that a missing file fails the build.
macro_rules! stream {
    ($file:literal) => {
        include_str!(concat!("../../../../fixtures/streams/", $file))
    };
}

const SAME_DELETION: &str = stream!("same-deletion.ndjson");
const LOG_FILE: &str = stream!("cloudtrail-log-file.json");
const DIGEST: &str = stream!("digest.json");
const INSIGHT: &str = stream!("insight.ndjson");
const EVENTBRIDGE: &str = stream!("eventbridge.ndjson");
const CLOUDWATCH_PAYLOAD: &str = stream!("cloudwatch-logs.json");
const CLOUDWATCH_CONTROL: &str = stream!("cloudwatch-control.json");
const LOOKUP_EVENTS: &str = stream!("lookup-events.json");
const ECS: &str = stream!("ecs.ndjson");

/// One NDJSON stream and what its lines must give, as fixtures/README.md lists them.
struct StreamCase {
    name: &'static str,
    text: &'static str,
    /// 1-based lines that must fail normalisation.
    failing: &'static [usize],
    /// 1-based lines the rule must alert on.
    alerting: &'static [usize],
}

const NDJSON_STREAMS: [StreamCase; 11] = [
    StreamCase {
        name: "same-deletion",
        text: SAME_DELETION,
        failing: &[],
        alerting: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    },
    StreamCase {
        name: "suffixed-names",
        text: stream!("suffixed-names.ndjson"),
        failing: &[],
        alerting: &[1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
    StreamCase {
        name: "siblings",
        text: stream!("siblings.ndjson"),
        failing: &[],
        alerting: &[13],
    },
    StreamCase {
        name: "failed-deletions",
        text: stream!("failed-deletions.ndjson"),
        failing: &[],
        alerting: &[8, 9, 10],
    },
    StreamCase {
        name: "wrong-case",
        text: stream!("wrong-case.ndjson"),
        failing: &[],
        alerting: &[9],
    },
    StreamCase {
        name: "ecs",
        text: ECS,
        failing: &[],
        alerting: &[1, 2, 3, 4, 6],
    },
    StreamCase {
        name: "eventbridge",
        text: EVENTBRIDGE,
        failing: &[3, 4],
        alerting: &[1, 7],
    },
    StreamCase {
        name: "cloudwatch-log-events",
        text: stream!("cloudwatch-log-events.ndjson"),
        failing: &[],
        alerting: &[1, 3],
    },
    StreamCase {
        name: "lookup-events-item",
        text: stream!("lookup-events-item.ndjson"),
        failing: &[],
        alerting: &[1, 3],
    },
    StreamCase {
        name: "ocsf",
        text: stream!("ocsf.ndjson"),
        failing: &[],
        alerting: &[1, 3],
    },
    StreamCase {
        name: "insight",
        text: INSIGHT,
        failing: &[],
        alerting: &[],
    },
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

fn matches_rule(rule: &Rule, text: &str) -> bool {
    matches!(
        evaluate(rule, text, &EvalOptions::default()),
        Ok(Evaluation::Match(_))
    )
}

/// Splits a container as a host would: each element of the array under `key`, as text.
fn split_container(text: &str, key: &str) -> Vec<String> {
    let container = parse_event(text, &Limits::default()).expect("the container parses");
    let items = container[key]
        .as_array()
        .expect("the container has an array there");
    items.iter().map(Value::to_string).collect()
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
    for case in &NDJSON_STREAMS {
        for (number, line) in lines(case.text) {
            let result = normalize_text(line, InputFormat::Auto);
            let expect_error = case.failing.contains(&number);
            assert_eq!(
                result.is_err(),
                expect_error,
                "{}:{number}: {result:?}",
                case.name
            );
        }
    }
}

#[test]
fn stream_alerts_match_readme() {
    let rule = Rule::bundled();

    for case in &NDJSON_STREAMS {
        let alerting: Vec<usize> = lines(case.text)
            .filter(|(_, line)| matches_rule(&rule, line))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(alerting, case.alerting, "{}", case.name);
    }
}

#[test]
fn container_alerts_match_readme() {
    let rule = Rule::bundled();
    let cases = [
        ("cloudtrail-log-file", LOG_FILE, "Records", vec![3]),
        (
            "cloudwatch-logs",
            CLOUDWATCH_PAYLOAD,
            "logEvents",
            vec![2, 4],
        ),
        ("lookup-events", LOOKUP_EVENTS, "Events", vec![2]),
    ];

    for (name, text, key, expected) in cases {
        let alerting: Vec<usize> = split_container(text, key)
            .iter()
            .enumerate()
            .filter(|(_, item)| matches_rule(&rule, item))
            .map(|(index, _)| index + 1)
            .collect();
        assert_eq!(alerting, expected, "{name}");
    }
}

#[test]
fn same_deletion_alerts_equal() {
    let rule = Rule::bundled();
    let options = AlertOptions {
        processing_time: Timestamp::parse("2024-05-14T09:30:00Z"),
        ..AlertOptions::default()
    };
    let alerts: Vec<(usize, Alert)> = lines(SAME_DELETION)
        .map(|(number, line)| {
            (
                number,
                build_alert(&rule, &event_of(line, InputFormat::Auto), &options),
            )
        })
        .collect();
    let (_, first) = &alerts[0];

    assert_eq!(
        first.reason,
        "event with source 192.0.2.10 by ops-user created low alert AWS Lambda Function Deletion."
    );
    for (number, alert) in &alerts[1..] {
        assert_eq!(alert.uuid, first.uuid, "line {number}");
        assert_eq!(alert.reason, first.reason, "line {number}");
        assert_eq!(alert.original_time, first.original_time, "line {number}");
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

#[test]
fn record_with_skip_markers_is_rejected() {
    let deletion = lines(SAME_DELETION).next().expect("a raw record").1;
    let with = |extra: &str| deletion.replacen('{', &format!("{{{extra},"), 1);
    let cases = [
        (
            "control message",
            with(r#""messageType":"CONTROL_MESSAGE""#),
        ),
        (
            "digest",
            with(r#""digestS3Object":"a","digestEndTime":"2024-05-14T10:00:00Z""#),
        ),
    ];
    for (name, text) in cases {
        for format in [InputFormat::Auto, InputFormat::CloudTrail] {
            let message = unsupported_message(normalize_text(&text, format));
            assert!(
                message.contains("keys of a CloudTrail record"),
                "{name}: {message}"
            );
        }
    }
}
