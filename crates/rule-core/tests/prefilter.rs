//! The screen that skips the full parse must give exactly the full evaluation's result: the
//! same errors, skips and no-match reasons, for every fixture event, for hand-picked
//! spellings that a byte-level test could misread, and for random edits of records.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rule_core::document::field_values;
use rule_core::evaluate::{EvalOptions, Evaluation, evaluate, evaluate_verdict};
use rule_core::json::Limits;
use rule_core::prefilter::screen;
use rule_core::shapes::InputFormat;
use rule_core::{EventError, Rule};
use serde_json::Value;

/// The fields a detector reads from a non-matching event.
const DATING_FIELDS: [&str; 2] = ["event.ingested", "@timestamp"];

/// Asserts that `evaluate_verdict` returns what `evaluate` returns, except that a screened
/// `NoMatch` carries only the fields that date the event.
fn assert_same(rule: &Rule, text: &str, options: &EvalOptions) {
    let full = evaluate(rule, text, options);
    let fast = evaluate_verdict(rule, text, options);
    match (&full, &fast) {
        (
            Ok(Evaluation::NoMatch(reason, event)),
            Ok(Evaluation::NoMatch(fast_reason, fast_event)),
        ) => {
            assert_eq!(reason, fast_reason, "reason of {text}");
            assert_eq!(event.shape, fast_event.shape, "shape of {text}");
            assert_eq!(event.class, fast_event.class, "class of {text}");
            assert_eq!(
                event.record_event_id, fast_event.record_event_id,
                "record id of {text}"
            );
            for field in DATING_FIELDS {
                assert_eq!(
                    field_values(&event.doc, field),
                    field_values(&fast_event.doc, field),
                    "{field} of {text}"
                );
            }
        }
        _ => assert_eq!(full, fast, "{text}"),
    }
}

/// Asserts [`assert_same`], after checking that both paths give the same kind of result, so
/// that a failure names the case.
fn assert_same_named(rule: &Rule, name: &str, text: &str, options: &EvalOptions) {
    let full = evaluate(rule, text, options);
    let fast = evaluate_verdict(rule, text, options);
    assert_eq!(
        std::mem::discriminant(&full),
        std::mem::discriminant(&fast),
        "{name}"
    );
    assert_same(rule, text, options);
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/streams")
}

/// Every event a fixture file holds: each line, the whole file, and each element of a
/// container document (`Records`, `Events`, `logEvents` and the log events' messages).
fn fixture_events(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let mut events: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();
    events.push(text.clone());

    let Ok(Value::Object(document)) = serde_json::from_str::<Value>(&text) else {
        return events;
    };
    for key in ["Records", "Events", "logEvents"] {
        let Some(Value::Array(elements)) = document.get(key) else {
            continue;
        };
        for element in elements {
            events.push(element.to_string());
            if let Some(message) = element.get("message").and_then(Value::as_str) {
                events.push(message.to_owned());
            }
        }
    }
    events
}

fn all_fixture_events() -> Vec<(PathBuf, String)> {
    let mut paths: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 10,
        "fixture streams missing from {:?}",
        fixtures_dir()
    );
    paths
        .into_iter()
        .flat_map(|path| {
            fixture_events(&path)
                .into_iter()
                .map(move |event| (path.clone(), event))
        })
        .collect()
}

#[test]
fn fixtures_same_under_every_format() {
    let rule = Rule::bundled();
    for format in InputFormat::ALL {
        let options = EvalOptions {
            input_format: format,
            ..EvalOptions::default()
        };
        for (_, event) in all_fixture_events() {
            assert_same(&rule, &event, &options);
        }
    }
}

#[test]
fn fixtures_same_under_tight_limits() {
    let rule = Rule::bundled();
    let tight = [
        Limits {
            max_bytes: 1500,
            max_depth: 64,
        },
        Limits {
            max_bytes: 1024 * 1024,
            max_depth: 3,
        },
        Limits {
            max_bytes: 1024 * 1024,
            max_depth: 1,
        },
    ];
    for limits in tight {
        let options = EvalOptions {
            limits,
            ..EvalOptions::default()
        };
        for (_, event) in all_fixture_events() {
            assert_same(&rule, &event, &options);
        }
    }
}

/// A record of another service, which the screen decides.
const S3_RECORD: &str = r#"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::111122223333:user/ops-user","accountId":"111122223333","userName":"ops-user"},"eventTime":"2024-05-14T15:10:00Z","eventSource":"s3.amazonaws.com","eventName":"GetBucketAcl","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.15.40","requestParameters":{"bucketName":"reports","Host":"reports.s3.amazonaws.com","acl":""},"responseElements":null,"requestID":"R1","eventID":"e1b2c3d4-0000-4000-8000-000000000001","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;

#[test]
fn screen_decides_other_services() {
    let rule = Rule::bundled();
    let options = EvalOptions::default();

    let screened = screen(&rule, S3_RECORD, &options);

    assert!(
        matches!(screened, Some(Evaluation::NoMatch(..))),
        "{screened:?}"
    );
    assert_same(&rule, S3_RECORD, &options);
}

#[test]
fn screen_leaves_other_rules_to_the_parser() {
    let mut rule = Rule::bundled();
    rule.query = rule_core::kql::Query::parse("event.provider: \"s3.amazonaws.com\"").unwrap();

    assert_eq!(screen(&rule, S3_RECORD, &EvalOptions::default()), None);
}

/// Spellings a byte-level shortcut could misread, each applied to the S3 record.
fn tricky_variants() -> Vec<(&'static str, String)> {
    let swap = |from: &str, to: &str| S3_RECORD.replacen(from, to, 1);
    vec![
        (
            "lambda source",
            swap("s3.amazonaws.com\"", "lambda.amazonaws.com\""),
        ),
        (
            "lambda source in escapes",
            swap("\"s3.amazonaws.com\"", r#""\u006cambda.amazonaws.com""#),
        ),
        (
            "lambda source with an escaped slash",
            swap("\"s3.amazonaws.com\"", r#""lambda.amazonaws.com\/""#),
        ),
        (
            "escaped key",
            swap("\"eventSource\"", r#""\u0065ventSource""#),
        ),
        (
            "second eventSource",
            swap(
                "\"awsRegion\"",
                "\"eventSource\":\"lambda.amazonaws.com\",\"awsRegion\"",
            ),
        ),
        (
            "duplicate nested key",
            swap("\"acl\":\"\"", "\"acl\":\"\",\"acl\":\"x\""),
        ),
        (
            "array source",
            swap("\"s3.amazonaws.com\"", "[\"lambda.amazonaws.com\"]"),
        ),
        ("number source", swap("\"s3.amazonaws.com\"", "42")),
        ("empty source", swap("\"s3.amazonaws.com\"", "\"\"")),
        (
            "insight type",
            swap("\"AwsApiCall\"", "\"AwsCloudTrailInsight\""),
        ),
        ("numeric type", swap("\"AwsApiCall\"", "7")),
        (
            "insight details",
            swap(
                "\"eventCategory\"",
                "\"insightDetails\":{},\"eventCategory\"",
            ),
        ),
        (
            "records key",
            swap("\"eventCategory\"", "\"Records\":[],\"eventCategory\""),
        ),
        (
            "ecs key",
            swap(
                "\"eventCategory\"",
                "\"@timestamp\":\"2024-01-01T00:00:00Z\",\"eventCategory\"",
            ),
        ),
        (
            "digest keys",
            swap(
                "\"eventCategory\"",
                "\"digestS3Object\":\"a\",\"digestEndTime\":\"b\",\"eventCategory\"",
            ),
        ),
        ("time without zone", swap("15:10:00Z", "15:10:00")),
        (
            "time with offset",
            swap("15:10:00Z", "17:10:00.123456+02:00"),
        ),
        ("time not a date", swap("2024-05-14T15:10:00Z", "yesterday")),
        (
            "leap second",
            swap("2024-05-14T15:10:00Z", "2016-12-31T23:59:60Z"),
        ),
        (
            "impossible date",
            swap("2024-05-14T15:10:00Z", "2024-02-30T00:00:00Z"),
        ),
        ("lowercase zone", swap("15:10:00Z", "15:10:00z")),
        (
            "year zero",
            swap("2024-05-14T15:10:00Z", "0000-01-01T00:00:00Z"),
        ),
        ("fractional seconds", swap("15:10:00Z", "15:10:00.5Z")),
        ("empty time", swap("2024-05-14T15:10:00Z", "")),
        (
            "numeric time",
            swap("\"2024-05-14T15:10:00Z\"", "1715699400000"),
        ),
        ("escaped time", swap("15:10:00Z", "15:10:00\\/Z")),
        (
            "empty event id",
            swap("e1b2c3d4-0000-4000-8000-000000000001", ""),
        ),
        (
            "numeric event id",
            swap("\"e1b2c3d4-0000-4000-8000-000000000001\"", "5"),
        ),
        ("escaped event id", swap("e1b2c3d4", "e1b2\\\"c3d4")),
        (
            "unicode escape in a value",
            swap("aws-cli/2.15.40", "aws-cli\\u002f2.15.40"),
        ),
        ("lone surrogate escape", swap("aws-cli/2.15.40", "\\ud800")),
        ("invalid escape", swap("aws-cli/2.15.40", "\\x")),
        ("raw tab in a string", swap("aws-cli/2.15.40", "aws-cli\t2")),
        ("exponent", swap("\"readOnly\":true", "\"readOnly\":1e999")),
        (
            "literal before whitespace",
            swap("\"readOnly\":true", "\"readOnly\":true \t\r\n"),
        ),
        (
            "split literal",
            swap("\"readOnly\":true", "\"readOnly\":tr ue"),
        ),
        (
            "literal with a tail",
            swap("\"readOnly\":true", "\"readOnly\":trueish"),
        ),
        (
            "short literal",
            swap("\"readOnly\":true", "\"readOnly\":nul"),
        ),
        (
            "number before whitespace",
            swap("\"readOnly\":true", "\"readOnly\":-0.5\n"),
        ),
        (
            "huge integer",
            swap(
                "\"readOnly\":true",
                &format!("\"readOnly\":{}", "9".repeat(400)),
            ),
        ),
        (
            "leading zero",
            swap("\"readOnly\":true", "\"readOnly\":012"),
        ),
        (
            "trailing comma",
            swap(
                ",\"eventCategory\":\"Management\"}",
                ",\"eventCategory\":\"Management\",}",
            ),
        ),
        ("trailing text", format!("{S3_RECORD} x")),
        ("two objects", format!("{S3_RECORD}{S3_RECORD}")),
        ("byte order mark", format!("\u{feff}{S3_RECORD}")),
        ("surrounding whitespace", format!(" \r\n\t{S3_RECORD} \n")),
        ("truncated", S3_RECORD[..S3_RECORD.len() - 1].to_owned()),
        ("array", format!("[{S3_RECORD}]")),
        ("non-ASCII text", swap("ops-user\"}", "opérateur-東京\"}")),
        (
            "unicode escapes in a value",
            swap("aws-cli/2.15.40", "caf\\u00e9 \\u2603 \\u0000"),
        ),
        (
            "surrogate pair escape",
            swap("aws-cli/2.15.40", "\\ud83d\\ude00"),
        ),
        ("lone low surrogate", swap("aws-cli/2.15.40", "\\udc00")),
        ("short unicode escape", swap("aws-cli/2.15.40", "\\u00e")),
        (
            "escapes across a block edge",
            swap("aws-cli/2.15.40", &"\\\\\\\"".repeat(40)),
        ),
        (
            "backslash before the closing quote",
            swap("aws-cli/2.15.40\"", "aws-cli\\\""),
        ),
    ]
}

/// Rewrites the S3 record as a call to Lambda named `name`.
fn lambda_call(name: &str) -> String {
    S3_RECORD
        .replacen("s3.amazonaws.com\"", "lambda.amazonaws.com\"", 1)
        .replacen("\"GetBucketAcl\"", name, 1)
}

/// Lambda calls, which the screen settles by their `eventName` unless it may be a deletion.
fn lambda_variants() -> Vec<(&'static str, String)> {
    vec![
        ("read call", lambda_call("\"GetFunction20150331v2\"")),
        ("invoke", lambda_call("\"Invoke\"")),
        ("deletion", lambda_call("\"DeleteFunction\"")),
        (
            "suffixed deletion",
            lambda_call("\"DeleteFunction20150331\""),
        ),
        (
            "concurrency deletion",
            lambda_call("\"DeleteFunctionConcurrency20171031\""),
        ),
        ("lowercase deletion", lambda_call("\"deletefunction\"")),
        ("escaped deletion", lambda_call(r#""Delete\u0046unction""#)),
        ("escaped slash in name", lambda_call(r#""GetFunction\/""#)),
        ("numeric name", lambda_call("7")),
        ("null name", lambda_call("null")),
        ("empty name", lambda_call("\"\"")),
        (
            "no name",
            lambda_call("\"x\"").replacen("\"eventName\":\"x\",", "", 1),
        ),
        (
            "failed deletion",
            lambda_call("\"DeleteFunction\"").replacen(
                "\"requestID\"",
                "\"errorCode\":\"AccessDenied\",\"requestID\"",
                1,
            ),
        ),
    ]
}

#[test]
fn lambda_calls_same_as_full_parse() {
    let rule = Rule::bundled();
    let options = EvalOptions::default();
    for (name, text) in lambda_variants() {
        assert_same_named(&rule, name, &text, &options);
    }

    let screened = screen(&rule, &lambda_call("\"Invoke\""), &options);
    assert!(
        matches!(screened, Some(Evaluation::NoMatch(..))),
        "{screened:?}"
    );
    let deletion = evaluate_verdict(&rule, &lambda_call("\"DeleteFunction\""), &options);
    assert!(matches!(deletion, Ok(Evaluation::Match(_))), "{deletion:?}");
}

#[test]
fn tricky_spellings_same_as_full_parse() {
    let rule = Rule::bundled();
    let options = EvalOptions::default();
    for (name, text) in tricky_variants() {
        assert_same_named(&rule, name, &text, &options);
    }
}

#[test]
fn deep_nesting_same_as_full_parse() {
    let rule = Rule::bundled();
    let options = EvalOptions::default();
    for depth in [62, 63, 64, 65, 100, 126, 127, 128, 200] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let text = S3_RECORD.replacen("null", &nested, 1);
        let fast = evaluate_verdict(&rule, &text, &options);

        assert_same(&rule, &text, &options);
        assert_eq!(
            matches!(fast, Err(EventError::TooDeep(_))),
            depth + 1 > 64,
            "depth {depth}"
        );
    }
}

/// Characters that matter to JSON's grammar, inserted at random places.
const EDIT_CHARS: &[char] = &[
    '"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\t', '\n', '\u{1}', 'u', '0', '1', 'e', '-',
    '.', 't', 'n', 'é',
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_edits_same_as_full_parse(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..3u8, any::<prop::sample::Index>()), 1..4)
    ) {
        let rule = Rule::bundled();
        let mut text: Vec<char> = S3_RECORD.chars().collect();
        for (at, kind, pick) in edits {
            let at = at.index(text.len());
            let c = *pick.get(EDIT_CHARS);
            match kind {
                0 => { text.remove(at); }
                1 => text.insert(at, c),
                _ => text[at] = c,
            }
        }
        let text: String = text.into_iter().collect();
        assert_same(&rule, &text, &EvalOptions::default());
    }

    #[test]
    fn lambda_edits_match_full_parse(
        name in prop::sample::select(vec!["Invoke", "DeleteFunction", "GetFunction20150331v2"]),
        at in any::<prop::sample::Index>(),
        pick in any::<prop::sample::Index>(),
    ) {
        let rule = Rule::bundled();
        let mut text: Vec<char> = lambda_call(&format!("\"{name}\"")).chars().collect();
        let at = at.index(text.len());
        text.insert(at, *pick.get(EDIT_CHARS));
        let text: String = text.into_iter().collect();
        assert_same(&rule, &text, &EvalOptions::default());
    }
}
