//! The operator's view of `rule-host`: output formats, `explain` and the progress bar.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_rule-host");

/// Pins the alerts' `@timestamp`, so that two runs write the same documents.
const PINNED_CONFIG: &str = r#"{"processing_time": "2024-05-01T12:00:00Z"}"#;

/// The line of `siblings.ndjson` that deletes a function; its neighbours delete a
/// function's settings and do not alert.
const MATCHING_LINE: usize = 13;

/// A config whose exception removes every deletion made by the deploy-pipeline role.
const EXCEPTION_CONFIG: &str = r#"{"exceptions": [{
    "name": "deploy pipeline role",
    "type": "simple",
    "entries": [{
        "field": "aws.cloudtrail.user_identity.arn",
        "operator": "included",
        "type": "wildcard",
        "value": "arn:aws:sts::*:assumed-role/deploy-pipeline/*"
    }]
}]}"#;

fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/streams")
        .join(name)
}

fn streams_dir() -> String {
    fixture("").display().to_string()
}

/// Writes `text` to a config file that lives as long as the returned directory.
fn config_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.json");
    std::fs::write(&path, text).expect("config written");
    let path = path.display().to_string();
    (dir, path)
}

/// Runs the binary with `args`, `stdin` as standard input and stdout and stderr piped.
fn run(args: &[&str], stdin: &str) -> Output {
    let child = Command::new(BINARY)
        .args(args)
        .arg("--cache-dir")
        .arg(cache_dir())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rule-host starts");
    crate::support::finish_with_stdin(child, stdin)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// Scans every fixture stream with the pinned config in `format`.
fn scan_fixtures(format: &str) -> Output {
    let (_dir, config) = config_file(PINNED_CONFIG);
    let streams = streams_dir();
    let args = ["scan", "--config", &config, "--format", format, &streams];
    run(&args, "")
}

#[test]
fn ndjson_is_the_default_format() {
    let (_dir, config) = config_file(PINNED_CONFIG);
    let streams = streams_dir();
    let default = run(&["scan", "--config", &config, &streams], "");
    let ndjson = scan_fixtures("ndjson");

    assert!(!ndjson.stdout.is_empty(), "{}", stderr(&ndjson));
    assert_eq!(stdout(&default), stdout(&ndjson));
    for alert in json_lines(&stdout(&ndjson)) {
        assert!(alert["kibana"]["alert"]["uuid"].is_string(), "{alert}");
    }
}

#[test]
fn es_bulk_pairs_create_actions_with_the_alerts() {
    let alerts = json_lines(&stdout(&scan_fixtures("ndjson")));
    let bulk = json_lines(&stdout(&scan_fixtures("es-bulk")));

    assert!(!alerts.is_empty());
    assert_eq!(bulk.len(), 2 * alerts.len());
    for (pair, alert) in bulk.chunks(2).zip(&alerts) {
        let action = pair[0].as_object().expect("action object");
        assert_eq!(action.keys().collect::<Vec<_>>(), ["create"], "{}", pair[0]);
        assert_eq!(pair[0]["create"]["_id"], alert["kibana"]["alert"]["uuid"]);
        assert!(pair[0]["create"].get("_index").is_none(), "{}", pair[0]);
        assert_eq!(&pair[1], alert);
    }
}

#[test]
fn es_bulk_index_flag_names_the_index() {
    let path = fixture("siblings.ndjson").display().to_string();
    let args = [
        "scan",
        "--format",
        "es-bulk",
        "--index",
        "alerts-lambda",
        &path,
    ];
    let bulk = json_lines(&stdout(&run(&args, "")));

    assert_eq!(bulk.len(), 2);
    assert_eq!(bulk[0]["create"]["_index"], "alerts-lambda");
    assert_eq!(bulk[0]["create"]["_id"], bulk[1]["kibana"]["alert"]["uuid"]);
}

#[test]
fn index_without_es_bulk_is_a_usage_error() {
    let output = run(&["scan", "--index", "alerts-lambda", "-"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--format es-bulk"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn pretty_has_one_row_per_alert() {
    let alerts = json_lines(&stdout(&scan_fixtures("ndjson")));
    let table = stdout(&scan_fixtures("pretty"));
    let lines: Vec<&str> = table.lines().collect();

    assert_eq!(lines.len(), alerts.len() + 1, "{table}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    let columns = [
        "TIME", "ACTOR", "FUNCTION", "SOURCE", "ACCOUNT", "REGION", "REASON",
    ];
    assert_eq!(header, columns);
}

#[test]
fn pretty_shows_the_known_alert() {
    let path = fixture("siblings.ndjson").display().to_string();
    let table = stdout(&run(&["scan", "--format", "pretty", &path], ""));
    let lines: Vec<&str> = table.lines().collect();

    assert_eq!(lines.len(), 2, "{table}");
    let row = lines[1];
    let expected = [
        "2024-05-14T10:05:12.000Z",
        "deploy-pipeline",
        "invoice-renderer",
        "198.51.100.23",
        "111122223333",
        "us-east-1",
        "event with source 198.51.100.23 by deploy-pipeline created low alert",
    ];
    for cell in expected {
        assert!(row.contains(cell), "row lacks {cell}: {row}");
    }
}

#[test]
fn pretty_escapes_bidi_override_and_ndjson_keeps_it() {
    let text = std::fs::read_to_string(fixture("siblings.ndjson")).expect("fixture");
    let line = text.lines().nth(MATCHING_LINE - 1).expect("line exists");
    assert!(line.contains("invoice-renderer"), "{line}");
    let event = format!(
        "{}\n",
        line.replace("invoice-renderer", "invoice\u{202e}fdp.exe")
    );

    let table = stdout(&run(&["scan", "--format", "pretty", "-"], &event));
    assert!(!table.contains('\u{202e}'), "{table:?}");
    assert!(table.contains(r"invoice\u{202e}fdp.exe"), "{table}");

    let ndjson = stdout(&run(&["scan", "--format", "ndjson", "-"], &event));
    let alerts = json_lines(&ndjson);
    assert_eq!(alerts.len(), 1, "{ndjson}");
    assert!(ndjson.contains("invoice\u{202e}fdp.exe"), "{ndjson:?}");
}

/// The matching line of `siblings.ndjson` with its `eventTime` replaced by `event_time`, or
/// removed when it is `None`.
fn matching_event_with_time(event_time: Option<&str>) -> String {
    let text = std::fs::read_to_string(fixture("siblings.ndjson")).expect("fixture");
    let line = text.lines().nth(MATCHING_LINE - 1).expect("line exists");
    let mut event: Value = serde_json::from_str(line).expect("JSON event");
    let record = event.as_object_mut().expect("event object");
    match event_time {
        Some(time) => record.insert("eventTime".to_owned(), Value::from(time)),
        None => record.remove("eventTime"),
    };
    format!("{event}\n")
}

#[test]
fn pretty_time_is_the_event_time_or_placeholder() {
    let cases = [
        (Some("2024-05-14T10:05:12Z"), "2024-05-14T10:05:12.000Z"),
        (None, "-"),
        (Some("yesterday"), "-"),
    ];
    for (event_time, expected) in cases {
        let event = matching_event_with_time(event_time);
        let output = run(&["scan", "--format", "pretty", "-"], &event);
        let table = stdout(&output);
        let lines: Vec<&str> = table.lines().collect();

        assert_eq!(lines.len(), 2, "{event_time:?}: {table}{}", stderr(&output));
        let time = lines[1].split_whitespace().next();
        assert_eq!(time, Some(expected), "{event_time:?}: {table}");
    }
}

#[test]
fn summary_uses_singular_for_one() {
    let event = matching_event_with_time(Some("2024-05-14T10:05:12Z"));
    let input = format!("{event}{event}{{\"eventName\": nope}}\n");
    let output = run(&["scan", "-"], &input);
    let summary = stderr(&output);

    for expected in ["3 events: ", "1 alert, ", "1 duplicate, ", ", 1 error"] {
        assert!(summary.contains(expected), "lacks {expected:?}: {summary}");
    }
}

#[test]
fn invalid_index_is_a_usage_error() {
    let cases = [
        ("", "must not be empty"),
        ("Alerts", "must be lowercase"),
        ("alerts*", "must not contain '*'"),
        ("alerts lambda", "must not contain ' '"),
        ("alerts:lambda", "must not contain ':'"),
        ("_alerts", "must not start with -, _ or +"),
        ("..", "must not be . or .."),
    ];
    for (index, rule) in cases {
        let args = ["scan", "--format", "es-bulk", "--index", index, "-"];
        let output = run(&args, "");
        let message = stderr(&output);

        assert_eq!(output.status.code(), Some(2), "{index:?}: {message}");
        assert!(message.contains(rule), "{index:?}: {message}");
        assert!(
            message.contains(&format!("invalid index name {index:?}")),
            "{index:?}: {message}"
        );
    }

    let too_long = "a".repeat(256);
    let output = run(
        &["scan", "--format", "es-bulk", "--index", &too_long, "-"],
        "",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("at most 255 bytes"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn repeated_stdin_path_is_a_usage_error() {
    for subcommand in ["scan", "explain"] {
        let output = run(&[subcommand, "-", "-"], "{}\n");
        let message = stderr(&output);

        assert_eq!(output.status.code(), Some(2), "{subcommand}: {message}");
        assert!(message.contains("given 2 times"), "{subcommand}: {message}");
        assert!(
            output.stdout.is_empty(),
            "{subcommand}: {}",
            stdout(&output)
        );
    }
}

/// Explains one line of `siblings.ndjson` under `config`, as text and as JSON.
fn explain_line(line: usize, config: Option<&str>) -> (String, Value) {
    let text = std::fs::read_to_string(fixture("siblings.ndjson")).expect("fixture");
    let event = format!("{}\n", text.lines().nth(line - 1).expect("line exists"));
    let (_dir, path) = config_file(config.unwrap_or("{}"));

    let readable = run(&["explain", "--config", &path, "-"], &event);
    let json = run(&["explain", "--json", "--config", &path, "-"], &event);
    assert_eq!(readable.status.code(), Some(0), "{}", stderr(&readable));
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let document = serde_json::from_slice(&json.stdout).expect("one JSON document");
    (stdout(&readable), document)
}

#[test]
fn explain_matching_event() {
    let (text, document) = explain_line(MATCHING_LINE, None);

    assert_eq!(document["verdict"]["kind"], "alert");
    assert_eq!(document["shape"], "cloudtrail");
    assert_eq!(
        document["fields"]["event.action"][0],
        "DeleteFunction20150331"
    );
    let values: Vec<&Value> = document["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .map(|clause| &clause["value"])
        .collect();
    assert_eq!(values, ["true", "true", "true", "true"]);

    assert!(text.starts_with("-:1\n"), "{text}");
    assert!(
        text.contains("event.action = \"DeleteFunction20150331\""),
        "{text}"
    );
    assert!(text.contains("verdict    alert (uuid "), "{text}");
    assert!(text.contains("exception  none"), "{text}");
}

#[test]
fn explain_non_matching_event() {
    let (text, document) = explain_line(1, None);

    assert_eq!(
        document["verdict"],
        serde_json::json!({"kind": "no_match", "reason": "query"})
    );
    let action_clause = document["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|clause| clause["field"] == "event.action")
        .expect("event.action clause");
    assert_eq!(action_clause["value"], "false");

    assert!(
        text.contains("false    event.action: (DeleteFunction or DeleteFunction20*)"),
        "{text}"
    );
    assert!(
        text.contains("verdict    no_match (reason query)"),
        "{text}"
    );
}

#[test]
fn explain_excepted_event() {
    let (text, document) = explain_line(MATCHING_LINE, Some(EXCEPTION_CONFIG));

    assert_eq!(document["exception"], "deploy pipeline role");
    assert_eq!(document["verdict"]["kind"], "excepted");
    assert!(text.contains("exception  deploy pipeline role"), "{text}");
    assert!(
        text.contains("verdict    excepted (item deploy pipeline role)"),
        "{text}"
    );
}

#[test]
fn explain_names_unnamed_item_once() {
    let unnamed = EXCEPTION_CONFIG.replace(r#""name": "deploy pipeline role","#, "");
    let (text, document) = explain_line(MATCHING_LINE, Some(&unnamed));

    assert_eq!(document["verdict"]["item"], "item 1");
    assert!(text.contains("verdict    excepted (item 1)\n"), "{text}");
    assert!(!text.contains("item item"), "{text}");
}

#[test]
fn explain_reports_malformed_event_in_place() {
    let text = std::fs::read_to_string(fixture("siblings.ndjson")).expect("fixture");
    let matching = text.lines().nth(MATCHING_LINE - 1).expect("line exists");
    let input = format!("{{\"eventName\": nope}}\n{matching}\n");

    let readable = run(&["explain", "-"], &input);
    let blocks = stdout(&readable);
    assert_eq!(readable.status.code(), Some(1), "{}", stderr(&readable));
    let error_at = blocks.find("-:1\n  error      ").expect("error block");
    let alert_at = blocks.find("verdict    alert").expect("alert block");
    assert!(error_at < alert_at, "{blocks}");

    let json = run(&["explain", "--json", "-"], &input);
    let lines = json_lines(&stdout(&json));
    assert_eq!(lines.len(), 2, "{}", stdout(&json));
    assert_eq!(lines[0]["origin"], "-:1");
    assert!(lines[0]["error"].is_string(), "{}", lines[0]);
    assert_eq!(lines[1]["origin"], "-:2");
    assert_eq!(lines[1]["verdict"]["kind"], "alert");
}

#[test]
fn explain_json_gives_every_entry_an_origin() {
    let path = fixture("siblings.ndjson").display().to_string();
    let output = run(&["explain", "--json", &path], "");
    let lines = json_lines(&stdout(&output));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(lines.len(), MATCHING_LINE, "{}", stdout(&output));
    for (index, line) in lines.iter().enumerate() {
        let expected = format!("{path}:{}", index + 1);
        assert_eq!(line["origin"], expected.as_str(), "{line}");
        assert!(line["verdict"].is_object(), "{line}");
    }
    assert_eq!(lines[MATCHING_LINE - 1]["verdict"]["kind"], "alert");
}

#[test]
fn scan_explain_matches_explain() {
    let path = fixture("siblings.ndjson").display().to_string();
    let scan = run(&["scan", "--explain", &path], "");
    let explain = run(&["explain", &path], "");

    assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));
    assert!(!scan.stdout.is_empty());
    assert_eq!(stdout(&scan), stdout(&explain));
}

/// Text the progress bar's line holds and no other output does: the events-per-second rate.
const BAR_MARK: &str = " events/s, ";

/// Writes a stream of `copies` copies of the siblings fixture, big enough that the bar is
/// drawn while the scan runs.
fn large_stream(dir: &Path, copies: usize) -> PathBuf {
    let text = std::fs::read_to_string(fixture("siblings.ndjson")).expect("fixture");
    let path = dir.join("large.ndjson");
    std::fs::write(&path, text.repeat(copies)).expect("stream written");
    path
}

#[test]
fn progress_bar_is_drawn_on_a_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stream = large_stream(dir.path(), 2000);
    // `script` runs the command on a new pseudo-terminal and copies what the terminal
    // shows to its stdout; the alerts are sent elsewhere so that only stderr reaches it.
    let command = format!(
        "'{BINARY}' scan --cache-dir '{}' '{}' >/dev/null",
        cache_dir().display(),
        stream.display()
    );
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("script from util-linux runs");

    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{terminal}");
    assert!(
        terminal.contains(BAR_MARK),
        "no bar on the terminal: {terminal:?}"
    );
    assert!(terminal.contains(" alerts, "), "{terminal:?}");
}

#[test]
fn progress_bar_is_absent_when_piped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stream = large_stream(dir.path(), 2000);
    let output = run(&["scan", &stream.display().to_string()], "");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports = stderr(&output);
    assert!(!reports.contains(BAR_MARK), "{reports}");
    assert!(reports.contains(" events: "), "no summary: {reports}");
}

/// Splits a help text's option list into one entry per option, its description included.
fn option_entries(help: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    let mut in_options = false;
    for line in help.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_options = line.starts_with("Options:");
            continue;
        }
        if !in_options {
            continue;
        }
        // Options are indented by at most six spaces; their lists of values, further.
        let indent = line.len() - line.trim_start().len();
        if indent <= 6 && line.trim_start().starts_with('-') {
            entries.push(line.to_owned());
        } else if let Some(entry) = entries.last_mut() {
            entry.push(' ');
            entry.push_str(line.trim());
        }
    }
    entries
}

#[test]
fn every_option_states_its_default() {
    for subcommand in ["scan", "explain", "info"] {
        let output = run(&[subcommand, "--help"], "");
        let help = stdout(&output);
        let entries = option_entries(&help);

        assert!(
            entries.len() > 3,
            "{subcommand}: no options found in\n{help}"
        );
        for entry in entries {
            let built_in = entry.contains("--help") || entry.contains("--version");
            if !built_in {
                let lower = entry.to_lowercase();
                assert!(lower.contains("default"), "{subcommand}: {entry}");
            }
        }
    }
}

#[test]
fn info_text_shows_schedule_severity_mapping_query() {
    let output = run(&["info"], "");
    let text = stdout(&output);

    let expected = [
        "severity      low (risk score 21)",
        "schedule      every 5m, looking back 6m",
        "tactic        TA0040 Impact",
        "technique     T1485 Data Destruction",
        "query         data_stream.dataset: \"aws.cloudtrail\"",
        "rule sha256   ",
    ];
    for line in expected {
        assert!(text.contains(line), "info lacks {line:?}:\n{text}");
    }
}

#[test]
fn info_json_has_the_same_facts() {
    let output = run(&["info", "--json"], "");
    let info: Value = serde_json::from_slice(&output.stdout).expect("info JSON");

    assert_eq!(info["severity"], "low");
    assert_eq!(info["interval_seconds"], 300);
    assert_eq!(info["tactics"][0]["id"], "TA0040");
    assert!(
        info["query"]
            .as_str()
            .is_some_and(|q| q.contains("DeleteFunction20*"))
    );
    assert_eq!(info["rule_digest"].as_str().map(str::len), Some(64));
}
