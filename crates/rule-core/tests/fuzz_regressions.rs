//! Inputs that once broke a property the fuzz targets in `fuzz/` check, kept as data under
//! `tests/fuzz-regressions/<target>/`, one directory per fuzz target.

use std::fs;
use std::path::PathBuf;

use rule_core::explain::explain;
use rule_core::kql::Query;
use rule_core::{Config, ConfigError, Detector, Rule, Timestamp, Verdict};
use serde_json::{Map, Value, json};

/// Returns the name and text of every input kept for the fuzz target `target`.
fn inputs(target: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let entries =
        fs::read_dir(&dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));

    let mut inputs: Vec<(String, String)> = entries
        .map(|entry| {
            let path = entry.expect("a readable directory entry").path();
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, text)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    inputs
}

fn parse(text: &str) -> Query {
    Query::parse(text).unwrap_or_else(|error| panic!("{text:?} does not parse: {error}"))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("test document is not an object: {other}"),
    }
}

/// The printer used to write a keyword at the end of unquoted text bare. The space it
/// writes after a range field or between clauses then made the word a keyword, so the
/// printed text failed to parse or parsed to another query.
#[test]
fn kql_saved_inputs_print_parseable() {
    for (name, text) in inputs("kql_parse") {
        let query = parse(&text);
        let printed = query.to_string();

        let reparsed = Query::parse(&printed);
        assert!(
            reparsed.is_ok(),
            "{name}: {printed:?} does not parse: {reparsed:?}"
        );
        let reparsed = reparsed.unwrap();

        assert_eq!(
            reparsed.to_string(),
            printed,
            "{name}: printing is not stable"
        );
        assert_eq!(
            reparsed.fields(),
            query.fields(),
            "{name}: the fields changed"
        );
    }
}

#[test]
fn kql_trailing_keyword_prints_escaped() {
    let cases = [
        ("a OR>1", "a \\OR > 1", json!({"a OR": "2"})),
        ("aNOT<1", "a\\NOT < 1", json!({"aNOT": "0"})),
        (
            "a: b \\or and c: d",
            "a: b \\or and c: d",
            json!({"a": "b or", "c": "d"}),
        ),
        ("a: (b \\or or c)", "a: (b \\or or c)", json!({"a": "b or"})),
        (
            "a: b* \\and or c: d",
            "a: b* \\and or c: d",
            json!({"a": "bx and"}),
        ),
        (
            "(a: cannot) and b: c",
            "a: can\\u006eot and b: c",
            json!({"a": "cannot", "b": "c"}),
        ),
    ];
    for (text, expected, doc) in cases {
        let query = parse(text);
        let printed = query.to_string();
        assert_eq!(printed, expected, "{text:?}");

        let doc = object(doc);
        assert!(query.matches(&doc), "{text:?} does not match {doc:?}");
        assert!(
            parse(&printed).matches(&doc),
            "{printed:?} does not match {doc:?}"
        );
    }
}

/// Parenthesised queries, value lists and nested-field braces `depth` levels deep.
fn deep_queries(depth: usize) -> [(&'static str, String); 3] {
    let open = "(".repeat(depth);
    let close = ")".repeat(depth);
    [
        ("queries", format!("{open}a: b{close}")),
        ("values", format!("a: {open}b{close}")),
        (
            "braces",
            format!("{}c: d{}", "a: {".repeat(depth), "}".repeat(depth)),
        ),
    ]
}

/// Deep nesting once overflowed the parser's stack and aborted the process: about 10,000
/// levels did in a release build on an 8 MiB stack.
#[test]
fn kql_deep_nesting_is_an_error() {
    for depth in [101, 10_000, 200_000] {
        for (kind, text) in deep_queries(depth) {
            let error = Query::parse(&text).expect_err("a query nested too deeply parses");
            assert!(
                error.message.contains("deeper than 100 levels"),
                "{kind} {depth} levels deep: {}",
                error.message
            );
        }
    }
}

#[test]
fn kql_nesting_at_limit_runs() {
    let [(_, queries), (_, values), (_, braces)] = deep_queries(100);
    let doc = object(json!({"a": "b"}));

    let query = parse(&queries);
    assert!(query.matches(&doc), "{queries:?}");
    assert_eq!(query.to_string(), "a: b");

    let query = parse(&values);
    assert!(query.matches(&doc), "{values:?}");
    assert_eq!(query.to_string(), "a: b");

    // Nested-field queries parse but cannot run, so they fail after the grammar.
    let error = Query::parse(&braces).expect_err("a nested-field query compiles");
    assert!(
        !error.message.contains("deeper than"),
        "{braces:?}: {}",
        error.message
    );
}

/// A date-time whose offset moves it past the year 9999 in UTC once panicked in the
/// conversion to UTC, in the configuration and in any event's time fields.
#[test]
fn timestamp_past_range_is_none() {
    let cases = [
        ("9999-12-31T23:59:59-23:59", false),
        ("9999-12-31T23:59:59-00:01", false),
        ("9999-12-31T23:59:59+00:00", true),
        ("9999-12-31T23:59:59+01:00", true),
        ("0000-01-01T00:00:00+01:00", true),
    ];
    for (text, representable) in cases {
        let parsed = Timestamp::parse(text);
        assert_eq!(parsed.is_some(), representable, "{text}: {parsed:?}");
    }
}

#[test]
fn config_processing_time_past_range() {
    for (name, text) in inputs("config") {
        let error = Config::from_json(&text).expect_err("the configuration is accepted");
        let ConfigError::Invalid(message) = error;
        assert!(
            message.starts_with("processing_time: expected an RFC 3339 date-time"),
            "{name}: {message}"
        );
    }
}

/// An event time that cannot be represented reads as a missing one, so the deletion still
/// alerts, with no original time.
#[test]
fn event_time_past_range() {
    let rule = Rule::bundled();
    let now = Timestamp::parse("2024-05-14T09:30:00Z").unwrap();

    for (name, text) in inputs("evaluate") {
        let mut detector = Detector::new(rule.clone(), Config::default());
        let verdict = detector.evaluate(&text, now);
        match &verdict {
            Ok(Verdict::Alert(alert)) => {
                assert_eq!(alert.original_time, None, "{name}");
            }
            other => panic!("{name}: expected an alert, found {other:?}"),
        }
        assert_eq!(detector.stats().alerts, 1, "{name}");

        let report = explain(&rule, &Config::default(), &text);
        let report: Value = match report {
            Ok(report) => serde_json::from_str(&report).unwrap(),
            Err(error) => panic!("{name}: explain failed: {error}"),
        };
        assert_eq!(report["verdict"]["kind"], "alert", "{name}");
    }
}
