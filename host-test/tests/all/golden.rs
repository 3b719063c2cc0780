//! Every fixture stream, run through the real rule component, against its golden alerts.
//!
//! The golden file of `fixtures/streams/NAME.EXT` is `fixtures/expected/NAME.ndjson`. A stream
//! without one fails the test; `UPDATE_EXPECT=1` writes the alerts as the new golden files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rule_host::input::Step;
use rule_host::runtime::Limits;
use rule_host::scan::{self, Counts, ScanOutput, read_ahead, read_input_steps};
use serde_json::Value;

use crate::support::rule_runtime;

/// Pins the alerts' `@timestamp`, so the golden files do not depend on when the test runs.
const PINNED_CONFIG: &str = r#"{"processing_time": "2024-05-01T12:00:00Z"}"#;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// Returns the golden file's name: the stream's file name up to its first dot. So
/// `log.json.gz` and `log.ndjson` would collide, which the test reports.
fn stream_name(stream: &Path) -> String {
    let file_name = stream.file_name().expect("a file name").to_string_lossy();
    file_name.split('.').next().unwrap_or_default().to_owned()
}

struct Scanned {
    counts: Counts,
    alerts: String,
    diagnostics: String,
}

/// Where the scan reads its input: on the scan's own thread, or ahead on a second one.
#[derive(Debug, Clone, Copy)]
enum Reading {
    InLine,
    Ahead,
}

fn scan_stream(stream: &Path) -> Scanned {
    scan_paths(&[stream.to_path_buf()], Reading::InLine)
}

fn scan_paths(paths: &[PathBuf], reading: Reading) -> Scanned {
    let runtime = rule_runtime(Limits::default());
    let mut session = runtime
        .create_session(PINNED_CONFIG)
        .expect("no trap")
        .expect("config accepted");
    let steps = read_input_steps(paths, 1 << 20);
    let steps: Box<dyn Iterator<Item = Step>> = match reading {
        Reading::InLine => Box::new(steps),
        Reading::Ahead => Box::new(read_ahead(steps).expect("reader thread started")),
    };

    let (mut alerts, mut diagnostics) = (Vec::new(), Vec::new());
    let output = ScanOutput {
        alerts: &mut alerts,
        diagnostics: &mut diagnostics,
        warnings: true,
    };
    let counts = scan::run_steps(&mut session, steps, output).expect("output written");
    Scanned {
        counts,
        alerts: String::from_utf8(alerts).expect("UTF-8 alerts"),
        diagnostics: String::from_utf8(diagnostics).expect("UTF-8 diagnostics"),
    }
}

#[test]
fn reading_ahead_changes_no_report() {
    let streams = [fixtures().join("streams")];
    let in_line = scan_paths(&streams, Reading::InLine);
    let ahead = scan_paths(&streams, Reading::Ahead);

    assert!(in_line.counts.alerts > 0, "{:?}", in_line.counts);
    assert!(in_line.counts.errors > 0, "{:?}", in_line.counts);
    assert_eq!(ahead.counts, in_line.counts);
    assert_eq!(ahead.diagnostics, in_line.diagnostics);
    assert_eq!(ahead.alerts, in_line.alerts);
}

#[test]
fn fixture_streams_match_golden_alerts() {
    let mut streams: Vec<PathBuf> = fs::read_dir(fixtures().join("streams"))
        .expect("fixtures/streams exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .collect();
    streams.sort();
    assert!(!streams.is_empty(), "fixtures/streams holds no stream");

    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|value| value == "1");
    let mut failures = Vec::new();
    let mut names = BTreeMap::new();

    for stream in &streams {
        let name = stream_name(stream);
        if let Some(earlier) = names.insert(name.clone(), stream.clone()) {
            failures.push(format!(
                "{} and {} share the golden name {name}",
                earlier.display(),
                stream.display()
            ));
            continue;
        }

        let scanned = scan_stream(stream);
        if let Err(failure) = check_identity(&scanned.counts) {
            failures.push(format!(
                "{}: {failure}\n{}",
                stream.display(),
                scanned.diagnostics
            ));
        }

        let golden = fixtures().join("expected").join(format!("{name}.ndjson"));
        if update {
            fs::write(&golden, &scanned.alerts).expect("golden file written");
            continue;
        }
        match fs::read_to_string(&golden) {
            Ok(expected) => {
                if let Err(difference) = compare_alerts(&expected, &scanned.alerts) {
                    failures.push(format!("{}: {difference}", stream.display()));
                }
            }
            Err(_) => failures.push(format!(
                "{}: no golden file {}; create it with UPDATE_EXPECT=1 and review it",
                stream.display(),
                golden.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} streams failed:\n{}",
        failures.len(),
        streams.len(),
        failures.join("\n")
    );
}

fn check_identity(counts: &Counts) -> Result<(), String> {
    if counts.events == counts.outcomes() {
        return Ok(());
    }
    Err(format!(
        "events {} != sum of outcomes {} in {counts:?}",
        counts.events,
        counts.outcomes()
    ))
}

/// Compares two NDJSON alert lists alert by alert and field by field, naming the first
/// difference.
fn compare_alerts(expected: &str, actual: &str) -> Result<(), String> {
    let expected: Vec<&str> = expected
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    let actual: Vec<&str> = actual.lines().collect();
    if expected.len() != actual.len() {
        return Err(format!(
            "expected {} alerts, got {}",
            expected.len(),
            actual.len()
        ));
    }

    for (index, (expected, actual)) in expected.iter().zip(&actual).enumerate() {
        let expected = flatten(
            &serde_json::from_str(expected)
                .map_err(|error| format!("golden alert {index}: {error}"))?,
        );
        let actual = flatten(
            &serde_json::from_str(actual).map_err(|error| format!("alert {index}: {error}"))?,
        );
        for (field, want) in &expected {
            match actual.get(field) {
                None => {
                    return Err(format!(
                        "alert {index}: field {field} is missing, expected {want}"
                    ));
                }
                Some(got) if got != want => {
                    return Err(format!(
                        "alert {index}: field {field} is {got}, expected {want}"
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(extra) = actual.keys().find(|field| !expected.contains_key(*field)) {
            return Err(format!(
                "alert {index}: unexpected field {extra} = {}",
                actual[extra]
            ));
        }
    }
    Ok(())
}

/// Maps each leaf of a JSON value to its path, such as `kibana.alert.rule.threat[0].tactic.id`.
fn flatten(value: &Value) -> BTreeMap<String, Value> {
    let mut leaves = BTreeMap::new();
    flatten_into(value, String::new(), &mut leaves);
    leaves
}

fn flatten_into(value: &Value, path: String, leaves: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(object) if !object.is_empty() => {
            for (key, child) in object {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                flatten_into(child, child_path, leaves);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, child) in items.iter().enumerate() {
                flatten_into(child, format!("{path}[{index}]"), leaves);
            }
        }
        leaf => {
            leaves.insert(path, leaf.clone());
        }
    }
}

#[test]
fn comparison_names_differing_field() {
    let expected = r#"{"a": {"b": 1, "c": [1, 2]}}"#;
    let actual = r#"{"a": {"b": 1, "c": [1, 3]}}"#;
    let difference = compare_alerts(expected, actual).unwrap_err();
    assert_eq!(difference, "alert 0: field a.c[1] is 3, expected 2");
}

#[test]
fn comparison_reports_count_mismatch() {
    let difference = compare_alerts("{}\n{}\n", "{}\n").unwrap_err();
    assert_eq!(difference, "expected 2 alerts, got 1");
}

#[test]
fn comparison_reports_extra_field() {
    let difference = compare_alerts(r#"{"a": 1}"#, r#"{"a": 1, "b": 2}"#).unwrap_err();
    assert_eq!(difference, "alert 0: unexpected field b = 2");
}
