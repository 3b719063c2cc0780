//! Usage errors of `rule-host`: numeric flags out of range, config files it rejects, and
//! component files that are not components. Each exits with status 2 before any input is
//! read, with a message that names the value and what to do.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

const BINARY: &str = env!("CARGO_BIN_EXE_rule-host");
const FAULTY_COMPONENT_PATH: &str = env!("FAULTY_COMPONENT_PATH");

fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// Runs the binary with `args` and empty standard input.
fn run(args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(args)
        .arg("--cache-dir")
        .arg(cache_dir())
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("rule-host runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks that `args` fail with status 2 and a message that contains each of `parts`.
fn assert_usage_error(args: &[&str], parts: &[&str]) -> Vec<String> {
    let output = run(args);
    let message = stderr(&output);
    let mut failures = Vec::new();
    if output.status.code() != Some(2) {
        failures.push(format!("{args:?}: status {:?}: {message}", output.status));
    }
    for part in parts {
        if !message.contains(part) {
            failures.push(format!("{args:?}: {part:?} missing from: {message}"));
        }
    }
    failures
}

#[test]
fn numeric_flags_state_their_range() {
    let cases: [(&[&str], &[&str]); 9] = [
        (
            &["scan", "--timeout", "99999999999999s"],
            &["'99999999999999s' for '--timeout", "1ms to 86400s"],
        ),
        (
            &["scan", "--timeout", "18446744073709551616s"],
            &["--timeout", "1ms to 86400s"],
        ),
        (&["scan", "--timeout", "0ms"], &["'0ms'", "1ms to 86400s"]),
        (
            &["scan", "--max-event-bytes", "0"],
            &["'0' for '--max-event-bytes", "1 byte to 4GiB"],
        ),
        (
            &["explain", "--max-event-bytes", "5GiB"],
            &["'5GiB' for '--max-event-bytes", "1 byte to 4GiB"],
        ),
        (
            &["scan", "--max-memory", "0"],
            &["'0' for '--max-memory", "64KiB to 4GiB"],
        ),
        (
            &["scan", "--fuel", "0"],
            &["'0' for '--fuel", "1 to 18446744073709551615"],
        ),
        (
            &["scan", "--max-depth", "0"],
            &["'0' for '--max-depth", "1 to 127"],
        ),
        (
            &["explain", "--max-depth", "128"],
            &["'128' for '--max-depth", "1 to 127"],
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .flat_map(|(args, parts)| assert_usage_error(args, parts))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn config_depth_beyond_parser_is_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("deep.json");
    std::fs::write(&config, r#"{"max_depth": 500}"#).expect("config written");
    let config = config.display().to_string();

    let expected = [
        config.as_str(),
        "max_depth: expected an integer from 1 to 127",
        "found 500",
    ];
    let failures = assert_usage_error(&["scan", "--config", &config], &expected);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn config_duplicate_key_names_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("twice.json");
    let text = "{\n  \"max_depth\": 3,\n  \"max_depth\": 4\n}\n";
    std::fs::write(&config, text).expect("config written");
    let config = config.display().to_string();
    let expected_start = format!(
        "rule-host: error: invalid config {config}: the key \"max_depth\" appears twice (again \
         at line 3); a setting may be given only once, so remove one of them"
    );

    // With an override the host re-encodes the config, which would keep only one of the keys.
    let with_override = ["scan", "--config", &config, "--max-event-bytes", "1MiB"];
    for args in [&["scan", "--config", &config][..], &with_override[..]] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).starts_with(&expected_start),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("record"), "{}", stderr(&output));
    }
}

#[test]
fn files_that_are_not_components_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("file written");
        path.display().to_string()
    };
    let empty = write("empty.wasm", b"");
    let random = write(
        "random.wasm",
        b"\x8c\x11\xf0\x9b random bytes, not WebAssembly",
    );
    let module = write("module.wasm", b"\0asm\x01\x00\x00\x00");
    let broken = write("broken.wasm", b"\0asm\x0d\x00\x01\x00\xff\xff\xff");
    let directory = dir.path().display().to_string();

    let cases = [
        (&empty, "is empty"),
        (&random, "is not WebAssembly"),
        (&module, "is a core WebAssembly module, not a component"),
        (&broken, "is not a valid WebAssembly component"),
        (&directory, "is a directory, not a WebAssembly component"),
    ];
    let mut failures = Vec::new();
    for (path, problem) in cases {
        for subcommand in ["scan", "info"] {
            let args = [subcommand, "--component", path.as_str()];
            let parts = [
                path.as_str(),
                problem,
                "component of the detection:rule world",
            ];
            failures.extend(assert_usage_error(&args, &parts));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn component_of_the_right_kind_still_runs() {
    let output = run(&["info", "--component", FAULTY_COMPONENT_PATH]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
