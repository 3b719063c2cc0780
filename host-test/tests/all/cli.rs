//! The `rule-host` binary: exit statuses, standard input, reports and the stats file.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_rule-host");
const FAULTY_COMPONENT_PATH: &str = env!("FAULTY_COMPONENT_PATH");

/// Returns a compiled-component cache that the binary's runs in this test process share, so
/// the component is compiled once and the user's cache stays untouched.
fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

fn rule_host(args: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command.args(args).arg("--cache-dir").arg(cache_dir());
    command.env_remove("RUST_LOG");
    command
}

fn run(args: &[&str], stdin: &str) -> Output {
    let child = rule_host(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rule-host starts");
    crate::support::finish_with_stdin(child, stdin)
}

/// Returns an NDJSON line the faulty component acts on: it alerts on `alert`, panics on
/// `panic` and loops on `loop`, and echoes the line as the alert document.
fn faulty_event(action: &str) -> String {
    format!("{{\"action\": \"{action}\"}}\n")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn read_stats(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("stats written"))
        .expect("stats JSON")
}

fn assert_identity(stats: &Value) {
    let count = |key: &str| {
        stats[key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} in {stats}"))
    };
    let outcomes = [
        "alerts",
        "no_match",
        "excepted",
        "suppressed",
        "duplicates",
        "skipped",
        "errors",
    ];
    let sum: u64 = outcomes.iter().map(|key| count(key)).sum();
    assert_eq!(count("events"), sum, "{stats}");
}

/// Waits at most `limit` for the child, killing it when it takes longer.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("child status") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("child killed");
    child.wait().expect("child reaped");
    None
}

#[test]
fn info_prints_rule_and_digest() {
    let output = run(&["info"], "");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        text.contains("bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b"),
        "{text}"
    );
    assert!(text.contains("wasm sha256"), "{text}");
}

#[test]
fn info_json_has_rule_id() {
    let output = run(&["info", "--json"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let info: Value = serde_json::from_slice(&output.stdout).expect("info JSON");
    assert_eq!(info["rule_id"], "bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b");
    assert_eq!(info["component"]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn scan_reads_stdin_dash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = dir.path().join("stats.json");
    let event = r#"{"eventSource": "s3.amazonaws.com", "eventName": "GetObject"}"#;
    let output = run(
        &["scan", "--stats", stats.to_str().unwrap(), "-"],
        &format!("{event}\n"),
    );

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let stats = read_stats(&stats);
    assert_eq!(stats["events"], 1);
    assert_identity(&stats);
}

#[test]
fn missing_path_is_input_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = dir.path().join("stats.json");
    let missing = dir.path().join("missing.ndjson");
    let output = run(
        &[
            "scan",
            "--stats",
            stats.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        "",
    );

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let expected_prefix = format!("{}: error: ", missing.display());
    assert!(
        stderr(&output).starts_with(&expected_prefix),
        "{}",
        stderr(&output)
    );
    let stats = read_stats(&stats);
    assert_eq!(stats["errors"], 1);
    assert_identity(&stats);
}

#[test]
fn bad_flag_exits_2() {
    let output = run(&["scan", "--no-such-flag"], "");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn invalid_config_exits_before_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.json");
    std::fs::write(&config, r#"{"no_such_key": 1}"#).expect("config written");

    // Standard input stays open: a host that read it before checking the config would hang.
    let mut child = rule_host(&["scan", "--config", config.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rule-host starts");
    let status = wait_for(&mut child, Duration::from_secs(60));
    assert_eq!(status.and_then(|status| status.code()), Some(2));
}

#[test]
fn faulty_component_traps_are_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = dir.path().join("stats.json");
    let args = [
        "scan",
        "--component",
        FAULTY_COMPONENT_PATH,
        "--timeout",
        "100ms",
        "--stats",
        stats.to_str().unwrap(),
    ];
    let events = ["alert 1", "panic", "loop", "alert 2"]
        .map(faulty_event)
        .concat();
    let output = run(&args, &events);

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let alerts = [faulty_event("alert 1"), faulty_event("alert 2")].concat();
    assert_eq!(String::from_utf8_lossy(&output.stdout), alerts);
    let reports = stderr(&output);
    assert!(
        reports.contains("-:2: error: component trapped: "),
        "{reports}"
    );
    assert!(
        reports.contains("-:3: error: component trapped: time limit of 100 ms"),
        "{reports}"
    );
    assert!(reports.contains("restarted 2 times"), "{reports}");

    let stats = read_stats(&stats);
    assert_eq!(stats["errors"], 2);
    assert_eq!(stats["alerts"], 2);
    assert_eq!(stats["restarts"], 2);
    assert_identity(&stats);
}

#[test]
fn one_trap_reports_one_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = dir.path().join("stats.json");
    let args = [
        "scan",
        "--component",
        FAULTY_COMPONENT_PATH,
        "--stats",
        stats.to_str().unwrap(),
    ];
    let events = ["alert 1", "panic", "alert 2"].map(faulty_event).concat();
    let output = run(&args, &events);

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let reports = stderr(&output);
    assert!(reports.contains("restarted 1 time;"), "{reports}");
    let stats = read_stats(&stats);
    assert_eq!(stats["errors"], 1);
    assert_eq!(stats["restarts"], 1);
    assert_identity(&stats);
}

#[test]
fn closed_stdout_exits_2() {
    let mut child = rule_host(&["scan", "--component", FAULTY_COMPONENT_PATH, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("rule-host starts");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin");
    // A write error on stdin means the host already exited, which the status shows.
    let _ = stdin.write_all(faulty_event("alert").repeat(1000).as_bytes());
    drop(stdin);

    let status = wait_for(&mut child, Duration::from_secs(60));
    assert_eq!(status.and_then(|status| status.code()), Some(2));
}

#[test]
fn unwritable_stats_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stats: PathBuf = dir.path().join("no-such-dir/stats.json");
    let output = run(
        &[
            "scan",
            "--component",
            FAULTY_COMPONENT_PATH,
            "--stats",
            stats.to_str().unwrap(),
        ],
        &faulty_event("quiet"),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot write the stats file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn scan_help_states_defaults() {
    let output = run(&["scan", "--help"], "");
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "--max-memory",
        "default: 64MiB",
        "--timeout",
        "default: 1s",
        "--fuel",
        "--single-thread",
        "--no-cache",
        "--cache-dir",
        "--stats",
        "--config",
        "--input",
    ] {
        assert!(help.contains(expected), "help lacks {expected}:\n{help}");
    }
}

/// Returns a raw CloudTrail `DeleteFunction20150331` record, which the rule alerts on.
fn deletion(event_id: &str, event_time: &str) -> String {
    let record = serde_json::json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "arn": "arn:aws:iam::111122223333:user/ops-user",
            "accountId": "111122223333",
            "userName": "ops-user"
        },
        "eventTime": event_time,
        "eventSource": "lambda.amazonaws.com",
        "eventName": "DeleteFunction20150331",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "requestParameters": {"functionName": "invoice-renderer"},
        "eventID": event_id,
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    });
    format!("{record}\n")
}

#[test]
fn alert_cap_warns_once_per_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.json");
    std::fs::write(&config, r#"{"max_alerts_per_execution": 1}"#).expect("config written");
    let stats = dir.path().join("stats.json");
    let events = [
        deletion(
            "00000000-0000-4000-8000-000000000001",
            "2024-05-14T09:21:37Z",
        ),
        deletion(
            "00000000-0000-4000-8000-000000000002",
            "2024-05-14T09:22:00Z",
        ),
        deletion(
            "00000000-0000-4000-8000-000000000003",
            "2024-05-14T09:23:00Z",
        ),
        deletion(
            "00000000-0000-4000-8000-000000000004",
            "2024-05-14T09:31:00Z",
        ),
    ]
    .concat();
    let args = [
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--stats",
        stats.to_str().unwrap(),
    ];
    let output = run(&args, &events);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stats = read_stats(&stats);
    assert_eq!(stats["alerts"], 2);
    assert_eq!(stats["suppressed"], 2);
    assert_identity(&stats);
    let warnings: Vec<String> = stderr(&output)
        .lines()
        .filter(|line| line.starts_with("warning: the alert cap was reached"))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("2024-05-14T09:20:00"),
        "{}",
        warnings[0]
    );
}

#[test]
fn quiet_scan_prints_no_summary() {
    let output = run(
        &["scan", "--quiet", "-"],
        &deletion(
            "00000000-0000-4000-8000-000000000009",
            "2024-05-14T09:21:37Z",
        ),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 1);
}

#[test]
fn quiet_scan_hides_cap_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.json");
    std::fs::write(&config, r#"{"max_alerts_per_execution": 1}"#).expect("config written");
    let events = [
        deletion(
            "00000000-0000-4000-8000-000000000011",
            "2024-05-14T09:21:37Z",
        ),
        deletion(
            "00000000-0000-4000-8000-000000000012",
            "2024-05-14T09:22:00Z",
        ),
    ]
    .concat();
    let output = run(
        &["scan", "--quiet", "--config", config.to_str().unwrap()],
        &events,
    );

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn info_reads_given_component() {
    let output = run(
        &["info", "--json", "--component", FAULTY_COMPONENT_PATH],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let info: Value = serde_json::from_slice(&output.stdout).expect("info JSON");
    assert_eq!(info["name"], "Faulty test component");
    assert_eq!(info["component"]["origin"], FAULTY_COMPONENT_PATH);
}

#[test]
fn missing_component_exits_2() {
    let output = run(&["scan", "--component", "/nonexistent/rule.wasm"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read the component file /nonexistent/rule.wasm"),
        "{}",
        stderr(&output)
    );
}

/// A fixture stream whose first line is a successful deletion.
const DELETION_STREAM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../fixtures/streams/same-deletion.ndjson"
);

#[test]
fn alert_arrives_while_stdin_stays_open() {
    let stream = std::fs::read_to_string(DELETION_STREAM).expect("fixture read");
    let deletion = stream.lines().next().expect("a first line");
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = dir.path().join("stats.json");
    // Compiles the component into the shared cache first, so that the time limit below
    // measures the scan alone.
    assert!(
        rule_host(&["info"])
            .output()
            .expect("info runs")
            .status
            .success()
    );

    let stats_flag = format!("--stats={}", stats.display());
    let mut child = rule_host(&["scan", "--quiet", &stats_flag])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("rule-host starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{deletion}\n").as_bytes())
        .expect("stdin write");
    stdin.flush().expect("stdin flush");

    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
        let _ = sender.send(read);
    });
    let first = receiver.recv_timeout(Duration::from_secs(10));
    let line = match first {
        Ok(read) => read.expect("stdout read"),
        Err(_) => {
            child.kill().expect("child killed");
            child.wait().expect("child reaped");
            panic!("no alert within 10 s while stdin stayed open");
        }
    };
    assert!(line.ends_with('\n'), "incomplete alert line: {line}");
    let alert: Value = serde_json::from_str(&line).expect("alert JSON");
    assert_eq!(alert["event"]["kind"], "signal", "{alert}");

    drop(stdin);
    let status = wait_for(&mut child, Duration::from_secs(30)).expect("rule-host exits");
    assert_eq!(status.code(), Some(0));
    let stats = read_stats(&stats);
    assert_eq!(stats["alerts"], 1, "{stats}");
    assert_identity(&stats);
}
