//! The component against the native core, event by event. The screen that settles most
//! records classifies bytes with SSE2 in the native x86-64 build and with WebAssembly SIMD
//! in the component. These texts put escapes, control bytes, bytes between tokens and
//! truncations at every offset around the 64-byte blocks it reads, and both builds must give
//! the same verdict or error for each.

use rule_core::{Config, Detector, Rule, Timestamp};
use rule_host::runtime::{BatchCall, EventError, Limits, NoMatchReason, Outcome, Verdict};

use crate::support::rule_runtime;

/// Pins the alerts' `@timestamp` in both builds.
const PINNED_CONFIG: &str = r#"{"processing_time": "2024-05-01T12:00:00Z"}"#;

/// A record the screen settles, a Lambda call it settles, and a deletion it leaves to the
/// full evaluation. `AGENT` marks the string that the texts vary.
const RECORDS: [&str; 3] = [
    r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},"eventTime":"2024-05-01T11:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"AGENT","requestParameters":{"bucketName":"logs","key":"a/b"},"responseElements":null,"eventID":"e-1","readOnly":true}"#,
    r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},"eventTime":"2024-05-01T11:00:01Z","eventSource":"lambda.amazonaws.com","eventName":"GetFunction20150331v2","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"AGENT","requestParameters":{"functionName":"orders"},"responseElements":null,"eventID":"e-2","readOnly":true}"#,
    r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},"eventTime":"2024-05-01T11:00:02Z","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"AGENT","requestParameters":{"functionName":"orders"},"responseElements":null,"eventID":"e-3","readOnly":false}"#,
];

/// Texts put into the varied string: valid and invalid escapes, control bytes (invalid in
/// a string), DEL (valid there) and non-ASCII text.
const INSERTS: [&str; 12] = [
    "\t",
    "\u{1}",
    r#"\""#,
    r#"\\"#,
    r#"\/"#,
    r#"\u00e9"#,
    r#"\ud83d\ude00"#,
    r#"\x"#,
    r#"\u12"#,
    "\u{7f}",
    "é",
    " ",
];

/// Texts put right after the varied string's closing quote, outside any string. They are
/// the four whitespace bytes, other control bytes (invalid there, and 0x0c and 0x1a turn
/// into `,` and `:` when bit 5 is set), structural bytes out of place, and other bytes.
const OUTSIDE_INSERTS: [&str; 16] = [
    " ", "\t", "\n", "\r", "\u{c}", "\u{1a}", "\u{0}", "\u{1f}", ":", ",", "[", "]", "{", "}", "x",
    "\u{7f}",
];

/// Builds every varied text. Each insert comes after 0 to 80 bytes of padding, so that it
/// falls on every offset around a block edge, and so does a backslash that escapes the
/// closing quote. Every prefix of each record is a text too.
fn texts() -> Vec<String> {
    let mut texts = Vec::new();
    for record in RECORDS {
        for padding in 0..80 {
            let padding = "a".repeat(padding);
            for insert in INSERTS {
                texts.push(record.replace("AGENT", &format!("{padding}{insert}b")));
            }
            for insert in OUTSIDE_INSERTS {
                texts.push(record.replace("\"AGENT\"", &format!("\"{padding}\"{insert}")));
            }
            texts.push(record.replace("AGENT", &format!("{padding}\\")));
        }
        let plain = record.replace("AGENT", "aws-cli/2.15.0");
        for end in (0..plain.len()).filter(|&end| plain.is_char_boundary(end)) {
            texts.push(plain[..end].to_owned());
        }
    }
    texts
}

fn describe_native(result: Result<rule_core::Verdict, rule_core::EventError>) -> String {
    use rule_core::EventError as E;
    use rule_core::Verdict as V;
    match result {
        Ok(V::Alert(alert)) => format!("alert {}", alert.document),
        Ok(V::NoMatch(reason)) => {
            let reason = match reason {
                rule_core::NoMatchReason::Query => "query",
                rule_core::NoMatchReason::Insight => "insight",
                rule_core::NoMatchReason::NotCloudTrail => "not CloudTrail",
                rule_core::NoMatchReason::OwnAlert => "own alert",
            };
            format!("no match {reason}")
        }
        Ok(V::Excepted(label)) => format!("excepted {label}"),
        Ok(V::Suppressed(suppression)) => format!("suppressed {}", suppression.uuid),
        Ok(V::Duplicate(uuid)) => format!("duplicate {uuid}"),
        Ok(V::Skipped(kind)) => format!("skipped {kind}"),
        Err(E::InvalidJson(message)) => format!("invalid JSON {message}"),
        Err(E::NotAnObject(found)) => format!("not an object {found}"),
        Err(E::UnsupportedShape(message)) => format!("unsupported shape {message}"),
        Err(E::DuplicateKey(path)) => format!("duplicate key {path}"),
        Err(E::TooDeep(limit)) => format!("too deep {limit}"),
        Err(E::TooLarge(limit)) => format!("too large {limit}"),
    }
}

fn describe_component(outcome: Outcome) -> String {
    match outcome {
        Outcome::Verdict(Verdict::Alert(alert)) => format!("alert {}", alert.document),
        Outcome::Verdict(Verdict::NoMatch(reason)) => {
            let reason = match reason {
                NoMatchReason::Query => "query",
                NoMatchReason::Insight => "insight",
                NoMatchReason::NotCloudtrail => "not CloudTrail",
                NoMatchReason::OwnAlert => "own alert",
            };
            format!("no match {reason}")
        }
        Outcome::Verdict(Verdict::Excepted(label)) => format!("excepted {label}"),
        Outcome::Verdict(Verdict::Suppressed(suppression)) => {
            format!("suppressed {}", suppression.uuid)
        }
        Outcome::Verdict(Verdict::Duplicate(uuid)) => format!("duplicate {uuid}"),
        Outcome::Verdict(Verdict::Skipped(kind)) => format!("skipped {kind}"),
        Outcome::Rejected(EventError::InvalidJson(message)) => format!("invalid JSON {message}"),
        Outcome::Rejected(EventError::NotAnObject(found)) => format!("not an object {found}"),
        Outcome::Rejected(EventError::UnsupportedShape(message)) => {
            format!("unsupported shape {message}")
        }
        Outcome::Rejected(EventError::DuplicateKey(path)) => format!("duplicate key {path}"),
        Outcome::Rejected(EventError::TooDeep(limit)) => format!("too deep {limit}"),
        Outcome::Rejected(EventError::TooLarge(limit)) => format!("too large {limit}"),
        Outcome::Trapped(trapped) => format!("trapped {trapped}"),
    }
}

/// Both batch calls, `evaluate-packed` and `evaluate-batch`, go through the comparison.
#[test]
fn component_matches_native_core() {
    let texts = texts();
    let config = Config::from_json(PINNED_CONFIG).expect("valid config");
    let mut detector = Detector::new(Rule::bundled(), config);
    // Unused: the config pins the processing time.
    let now = Timestamp::from_unix(0, 0).expect("the epoch");
    let native: Vec<String> = texts
        .iter()
        .map(|text| describe_native(detector.evaluate(text, now)))
        .collect();

    let runtime = rule_runtime(Limits::default());
    for call in [BatchCall::Packed, BatchCall::List] {
        let mut session = runtime
            .create_session(PINNED_CONFIG)
            .expect("no trap")
            .expect("config accepted");
        session.set_batch_call(call);
        let component: Vec<String> = texts
            .chunks(256)
            .flat_map(|batch| session.evaluate_batch(batch))
            .map(describe_component)
            .collect();

        assert_eq!(component.len(), texts.len(), "{call:?}");
        for ((text, native), component) in texts.iter().zip(&native).zip(&component) {
            assert_eq!(component, native, "{call:?}: {text:?}");
        }
    }
    // The texts produce each of these results, so the comparison covers each.
    for kind in ["alert", "no match", "duplicate", "invalid JSON"] {
        assert!(
            native.iter().any(|result| result.starts_with(kind)),
            "no text gave {kind}"
        );
    }
}

/// The calls that `evaluate-packed` must trap on: ends that go backwards, pass the text,
/// split a character, or stop before its end.
#[test]
fn packed_call_traps_on_bad_ends() {
    let runtime = rule_runtime(Limits::default());
    let mut session = runtime
        .create_session(PINNED_CONFIG)
        .expect("no trap")
        .expect("config accepted");
    let text = "{}é{}";
    let cases: [&[u32]; 5] = [&[4, 2, 7], &[2, 8], &[3, 7], &[2, 4], &[]];
    for ends in cases {
        let result = session.evaluate_packed(text, ends);
        assert!(result.is_err(), "{ends:?} gave {result:?}");
    }
    assert_eq!(session.restarts(), cases.len() as u64);

    let outcomes = session
        .evaluate_packed(text, &[2, 4, 6])
        .expect("valid ends");
    let results: Vec<String> = outcomes.into_iter().map(describe_component).collect();
    assert_eq!(results.len(), 3);
    assert!(results[0].starts_with("unsupported shape"), "{results:?}");
    assert!(results[1].starts_with("invalid JSON"), "{results:?}");
    assert_eq!(results[2], results[0]);
}
