use super::{
    MAX_NUMBER_LEN, RecordFields, Scalar, is_whole_seconds_utc, read_record, screen,
    screen_dating_time,
};
use crate::evaluate::{EvalOptions, Evaluation};
use crate::rule::Rule;
use crate::timestamp::Timestamp;

fn fields(text: &str) -> Option<RecordFields<'_>> {
    read_record(text, 64)
}

#[test]
fn accepts_the_record_subset() {
    let cases = [
        r#"{"eventSource":"s3.amazonaws.com"}"#,
        " {\"eventSource\" : \"s3\" , \"readOnly\":true}\r\n",
        r#"{"eventSource":"s3","requestParameters":{"a":[1,-2.5,0,null,false,{}],"b":[]}}"#,
        r#"{"eventSource":"s3","userAgent":"a\"b\\c\/d\n"}"#,
        r#"{"eventSource":"s3","userAgent":"caf\u00e9 \u2603"}"#,
        r#"{"eventSource":"s3","requestParameters":{"a":1,"b":{"a":2}}}"#,
    ];
    for text in cases {
        assert!(fields(text).is_some(), "{text}");
    }
}

#[test]
fn rejects_what_it_cannot_prove() {
    let long_number = format!(
        r#"{{"eventSource":"s3","readOnly":{}}}"#,
        "9".repeat(MAX_NUMBER_LEN + 1)
    );
    let cases = [
        r#"{"eventSource":"s3","eventSource":"ec2"}"#,
        r#"{"eventSource":"s3","requestParameters":{"a":1,"a":2}}"#,
        r#"{"eventSource":"s3","userAgent":"\ud800"}"#,
        r#"{"eventSource":"s3","userAgent":"\x"}"#,
        "{\"eventSource\":\"s3\",\"userAgent\":\"a\tb\"}",
        r#"{"eventSource":"s3","readOnly":1e5}"#,
        r#"{"eventSource":"s3","readOnly":01}"#,
        r#"{"eventSource":"s3","readOnly":1.}"#,
        r#"{"eventSource":"s3","readOnly":-}"#,
        r#"{"eventSource":"s3","readOnly":tru}"#,
        r#"{"eventSource":"s3","readOnly":true false}"#,
        r#"{"eventSource":"s3","readOnly":"a" "b"}"#,
        r#"{"eventSource":"s3",}"#,
        r#"{"eventSource":"s3","resources":[1,]}"#,
        r#"{"eventSource":"s3","resources":[1}"#,
        r#"{"eventSource":"s3","resources":{"a"}}"#,
        r#"{"eventSource":"s3","resources":{"a":}}"#,
        r#"{"eventSource":"s3","requestParameters":{"k\"":1,"k\"":2}}"#,
        r#"{"eventSource":"s3"} x"#,
        r#"{"eventSource":"s3"}}"#,
        r#"{"eventSource":"s3""#,
        r#"{"eventSource":"s3"]"#,
        r#"{"Records":[]}"#,
        r#"{"eventSource":"s3","insightDetails":{}}"#,
        r#"{"event\/Source":"s3"}"#,
        "{\"eventSource\":\"s3\",\"readOnly\":\u{a0}true}",
        r#"{}"#,
        r#"[]"#,
        "",
        &long_number,
    ];
    for text in cases {
        assert!(fields(text).is_none(), "{text}");
    }
}

#[test]
fn reads_the_values_it_needs() {
    let text = r#"{"eventTime":"2024-05-01T12:00:00Z","eventSource":"lambda.amazonaws.com","eventName":"GetFunction","eventID":"e1","eventType":"AwsApiCall"}"#;
    let fields = fields(text).unwrap();
    fn plain(scalar: Option<Scalar<'_>>) -> Option<&str> {
        scalar.and_then(Scalar::as_plain_str)
    }
    assert_eq!(plain(fields.event_source), Some("lambda.amazonaws.com"));
    assert_eq!(plain(fields.event_name), Some("GetFunction"));
    assert_eq!(plain(fields.event_time), Some("2024-05-01T12:00:00Z"));
    assert_eq!(plain(fields.event_id), Some("e1"));
    assert_eq!(plain(fields.event_type), Some("AwsApiCall"));
}

#[test]
fn finds_repeats_among_many_keys() {
    // More keys than the 32 bits that rule most keys new, so that bits are shared.
    let keys: Vec<String> = (0..40).map(|n| format!(r#""key{n}":{n}"#)).collect();
    let record = |members: &[String]| {
        format!(
            r#"{{"eventSource":"s3","requestParameters":{{{}}}}}"#,
            members.join(",")
        )
    };
    assert!(fields(&record(&keys)).is_some());

    for repeated in [0, 17, 39] {
        let mut members = keys.clone();
        members.push(keys[repeated].clone());
        assert!(fields(&record(&members)).is_none(), "key{repeated}");
    }
}

#[test]
fn bounds_depth() {
    let nested = |depth: usize| {
        format!(
            r#"{{"eventSource":"s3","requestParameters":{}1{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };

    assert!(read_record(&nested(63), 64).is_some());
    assert!(read_record(&nested(64), 64).is_none());
}

#[test]
fn dating_time_is_the_documents_timestamp_read_back() {
    let rule = Rule::bundled();
    let options = EvalOptions::default();
    let times = [
        "\"2024-05-14T15:10:00Z\"",
        "\"2024-05-14T15:10:00\"",
        "\"2024-05-14T17:10:00.123456+02:00\"",
        "\"2016-12-31T23:59:60Z\"",
        "\"2024-02-30T00:00:00Z\"",
        "\"2024-05-14t15:10:00z\"",
        "\"0000-01-01T00:00:00Z\"",
        "\"-0001-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59-01:00\"",
        "\"yesterday\"",
        "\"\"",
        "1715699400000",
        "null",
    ];
    for time in times {
        let text = format!(r#"{{"eventTime":{time},"eventSource":"s3.amazonaws.com"}}"#);

        let Some(Evaluation::NoMatch(_, event)) = screen(&rule, &text, &options) else {
            panic!("the screen settles {text}");
        };
        let read_back = event
            .doc
            .get("@timestamp")
            .and_then(|value| value.as_str())
            .and_then(Timestamp::parse);

        assert_eq!(
            screen_dating_time(&text, &options),
            Some(read_back),
            "{text}"
        );
    }
}

#[test]
fn whole_seconds_utc_form() {
    let plain = "2024-05-14T15:10:59Z";
    assert!(is_whole_seconds_utc(plain));
    assert!(is_whole_seconds_utc("0000-01-01T00:00:00Z"));

    // Every digit, in turn, replaced by the bytes just outside the digits.
    let digit_positions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    for at in digit_positions {
        for byte in ['/', ':', 'a'] {
            let mut time = plain.to_owned();
            time.replace_range(at..=at, &byte.to_string());
            assert!(!is_whole_seconds_utc(&time), "{time}");
        }
    }
    for time in [
        "2016-12-31T23:59:60Z",
        "2024-05-14T15:10:00",
        "2024-05-14T15:10:00.000Z",
        "2024-05-14t15:10:00Z",
        "2024-05-14T15:10:00z",
        "2024/05-14T15:10:00Z",
        "2024-05-14T15-10:00Z",
        "2024-05-14T15:10-00Z",
        "",
    ] {
        assert!(!is_whole_seconds_utc(time), "{time}");
    }
}
