//! Every class of bad input through the `rule-host` binary: the defined answer (an error
//! with its place, or acceptance), the exit status, and the accounting identity.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_rule-host");

/// A successful deletion, the line every case surrounds its bad input with.
const DELETION: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ops-user","accountId":"111122223333","userName":"ops-user"},"eventTime":"2024-05-14T09:21:37Z","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","requestParameters":{"functionName":"invoice-renderer"},"eventID":"EVENT_ID","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#;

fn deletion(event_id: &str) -> String {
    DELETION.replace("EVENT_ID", event_id)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip finished")
}

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    /// Expected counts: (events, alerts, errors).
    counts: (u64, u64, u64),
    /// Text the error report must contain, when there is one.
    message: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let good = |id: &str| format!("{}\n", deletion(id));
    let mut deep = String::new();
    for _ in 0..100 {
        deep.push_str("{\"a\":");
    }
    deep.push('1');
    deep.push_str(&"}".repeat(100));
    let corrupt_gzip = {
        let mut bytes = gzip(format!("{}{}", good("g1"), good("g2")).as_bytes());
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        bytes[middle + 1] ^= 0xff;
        bytes
    };
    let truncated_gzip = {
        let bytes = gzip(good("t1").repeat(50).as_bytes());
        bytes[..bytes.len() - 12].to_vec()
    };
    vec![
        Case {
            name: "invalid JSON",
            bytes: format!("{}{{\"eventName\": nope}}\n", good("a")).into_bytes(),
            counts: (2, 1, 1),
            message: Some(":2: error:"),
        },
        Case {
            name: "truncated last line",
            bytes: format!("{}{{\"eventName\": \"Delete", good("b")).into_bytes(),
            counts: (2, 1, 1),
            message: Some(":2: error:"),
        },
        Case {
            name: "invalid UTF-8",
            bytes: [good("c").as_bytes(), b"{\"a\": \"\xff\xfe\"}\n"].concat(),
            counts: (2, 1, 1),
            message: Some(":2: error:"),
        },
        Case {
            name: "NUL byte",
            bytes: [good("d").as_bytes(), b"{\"a\": 1}\0\n"].concat(),
            counts: (2, 1, 1),
            message: Some(":2: error:"),
        },
        Case {
            name: "byte-order mark and CRLF",
            bytes: [
                b"\xef\xbb\xbf".as_slice(),
                good("e").trim_end().as_bytes(),
                b"\r\n",
            ]
            .concat(),
            counts: (1, 1, 0),
            message: None,
        },
        Case {
            name: "blank lines",
            bytes: format!("\n\n{}\n  \n", good("f").trim_end()).into_bytes(),
            counts: (1, 1, 0),
            message: None,
        },
        Case {
            name: "event over the size limit",
            bytes: format!("{}{{\"pad\": \"{}\"}}\n", good("g"), "x".repeat(1_100_000))
                .into_bytes(),
            counts: (2, 1, 1),
            message: Some(":2: error:"),
        },
        Case {
            name: "nesting over the depth limit",
            bytes: format!("{}{deep}\n", good("h")).into_bytes(),
            counts: (2, 1, 1),
            message: Some(":2: error:"),
        },
        Case {
            name: "duplicate key in a nested object",
            bytes: format!(
                "{}{}\n",
                good("i"),
                deletion("j").replace(
                    "\"userName\":\"ops-user\"",
                    "\"userName\":\"ops-user\",\"userName\":\"x\""
                )
            )
            .into_bytes(),
            counts: (2, 1, 1),
            message: Some("duplicate key"),
        },
        Case {
            name: "top-level value not an object",
            bytes: format!("{}[1, 2, 3]\n", good("k")).into_bytes(),
            counts: (2, 1, 1),
            message: Some(":2: error:"),
        },
        Case {
            name: "Records element not an object",
            bytes: format!("{{\"Records\": [{}, 42]}}\n", deletion("l")).into_bytes(),
            counts: (2, 1, 1),
            message: Some("Records[1]"),
        },
        Case {
            name: "Records key repeated",
            bytes: format!(
                "{{\"Records\": [{}], \"Records\": [{}, {}]}}\n",
                deletion("m1"),
                deletion("m2"),
                deletion("m3")
            )
            .into_bytes(),
            // The first array's record alerts, the key is one error, and the second array's
            // two records are counted as skipped.
            counts: (4, 1, 1),
            message: Some("the top-level key \"Records\" appears again"),
        },
        Case {
            name: "top-level key repeated before Records",
            bytes: format!(
                "{{\"x\": 1, \"x\": 2, \"Records\": [{}]}}\n{}",
                deletion("n1"),
                good("n2")
            )
            .into_bytes(),
            counts: (3, 1, 1),
            message: Some(":1: error: the top-level key \"x\" appears again"),
        },
        Case {
            name: "record fields beside Records",
            bytes: format!(
                "{{\"eventSource\": \"lambda.amazonaws.com\", \"Records\": [{}]}}\n{}",
                deletion("r1"),
                good("r2")
            )
            .into_bytes(),
            counts: (3, 2, 1),
            message: Some(
                ":1: error: the top-level key \"eventSource\" is not part of a CloudTrail log file",
            ),
        },
        Case {
            name: "line over the size limit without a line break",
            bytes: format!("\0{}\n{}", "x".repeat(1_100_000), good("o")).into_bytes(),
            counts: (3, 1, 2),
            message: Some(":1: error: no line break within 1048576 bytes"),
        },
        Case {
            name: "corrupt gzip",
            bytes: corrupt_gzip,
            counts: (0, 0, 1),
            message: Some("error:"),
        },
        Case {
            name: "truncated gzip",
            bytes: truncated_gzip,
            counts: (0, 0, 1),
            message: Some("error:"),
        },
    ]
}

fn scan(path: &Path, stats: &Path, cache: &Path) -> (Option<i32>, String, Value) {
    let output = Command::new(BINARY)
        .args(["scan", "--quiet", "--cache-dir"])
        .arg(cache)
        .arg("--stats")
        .arg(stats)
        .arg(path)
        .env_remove("RUST_LOG")
        .output()
        .expect("rule-host runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stats = std::fs::read_to_string(stats).expect("stats written");
    (
        output.status.code(),
        stderr,
        serde_json::from_str(&stats).expect("stats JSON"),
    )
}

fn count(stats: &Value, key: &str) -> u64 {
    stats[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no {key} in {stats}"))
}

#[test]
fn bad_input_classes_are_answered_and_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("cache");
    let mut failures = Vec::new();
    for (index, case) in cases().into_iter().enumerate() {
        let input = dir.path().join(format!("case-{index}.input"));
        let stats_path = dir.path().join(format!("case-{index}.stats.json"));
        std::fs::write(&input, &case.bytes).expect("input written");
        let (status, stderr, stats) = scan(&input, &stats_path, &cache);

        let outcomes = [
            "alerts",
            "no_match",
            "excepted",
            "suppressed",
            "duplicates",
            "skipped",
            "errors",
        ];
        let sum: u64 = outcomes.iter().map(|key| count(&stats, key)).sum();
        if count(&stats, "events") != sum {
            failures.push(format!("{}: identity broken in {stats}", case.name));
        }
        let (events, alerts, errors) = case.counts;
        let found = (
            count(&stats, "events"),
            count(&stats, "alerts"),
            count(&stats, "errors"),
        );
        // A damaged gzip member may inflate to garbage lines, each an error, or yield whole
        // records before its checksum fails, so only "at least one error" is certain there.
        let counts_match = if case.name.contains("gzip") {
            found.2 >= errors && found.0 >= found.2
        } else {
            found == (events, alerts, errors)
        };
        if !counts_match {
            failures.push(format!(
                "{}: expected (events, alerts, errors) {:?}, found {found:?}",
                case.name, case.counts
            ));
        }
        let expected_status = if errors > 0 { Some(1) } else { Some(0) };
        if status != expected_status {
            failures.push(format!(
                "{}: exit status {status:?}, expected {expected_status:?}",
                case.name
            ));
        }
        if let Some(message) = case.message
            && !stderr.contains(message)
        {
            failures.push(format!("{}: stderr lacks {message:?}: {stderr}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn repeated_records_key_counts_every_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("repeated.json");
    let stats_path = dir.path().join("stats.json");
    let text = format!(
        "{{\"Records\": [{}], \"Records\": [{}, {}]}}\n",
        deletion("p1"),
        deletion("p2"),
        deletion("p3")
    );
    std::fs::write(&input, text).expect("input written");
    let (status, stderr, stats) = scan(&input, &stats_path, &dir.path().join("cache"));

    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(count(&stats, "alerts"), 1, "{stats}");
    assert_eq!(count(&stats, "errors"), 1, "{stats}");
    assert_eq!(count(&stats, "skipped"), 2, "{stats}");
    assert_eq!(count(&stats, "events"), 4, "{stats}");
}

/// Reads the peak resident memory of a running process, in KiB, from /proc.
#[cfg(target_os = "linux")]
fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("process status");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .expect("VmHWM in /proc status");
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .expect("VmHWM in kB")
}

#[cfg(target_os = "linux")]
#[test]
fn endless_device_reports_errors_in_bounded_memory() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::time::Duration;

    let cache = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(BINARY)
        .args(["scan", "--quiet", "--cache-dir"])
        .arg(cache.path())
        .arg("/dev/zero")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rule-host starts");

    // The two errors must come while the input goes on, since it has no end.
    let reports = BufReader::new(child.stderr.take().expect("stderr"));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let lines: Vec<String> = reports.lines().take(2).map_while(Result::ok).collect();
        let _ = sender.send(lines);
    });
    let lines = receiver.recv_timeout(Duration::from_secs(60));

    // Let the reader skip a few hundred MiB more before looking at its memory.
    std::thread::sleep(Duration::from_secs(1));
    let peak_kib = peak_memory_kib(child.id());
    child.kill().expect("rule-host stopped");
    child.wait().expect("rule-host reaped");
    let lines = lines.expect("two error reports within 60 seconds");

    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("/dev/zero:1: error: NUL byte at byte offset 0"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("/dev/zero:1: error: no line break within 1048576 bytes"),
        "{lines:?}"
    );
    assert!(peak_kib < 64 * 1024, "peak memory {peak_kib} KiB");
}

#[test]
fn max_depth_flag_raises_the_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("deep.ndjson");
    let nested = format!("{}1{}", "[".repeat(69), "]".repeat(69));
    let event = deletion("q1").replacen('{', &format!("{{\"extra\":{nested},"), 1);
    std::fs::write(&input, format!("{event}\n")).expect("input written");
    let cache = dir.path().join("cache");

    let (status, stderr, stats) = scan(&input, &dir.path().join("default.json"), &cache);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(stderr.contains("deeper than 64 levels"), "{stderr}");
    assert_eq!(count(&stats, "errors"), 1, "{stats}");

    let output = Command::new(BINARY)
        .args(["scan", "--quiet", "--max-depth", "100", "--cache-dir"])
        .arg(&cache)
        .arg(&input)
        .env_remove("RUST_LOG")
        .output()
        .expect("rule-host runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 1);
}
