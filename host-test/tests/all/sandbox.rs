//! The sandbox's limits and restarts, against the faulty component.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rule_host::input::{InputItem, Origin, Payload};
use rule_host::runtime::{BatchCall, ConfigError, Limits, Outcome, Runtime, Session, Verdict};
use rule_host::scan::{self, Counts, ScanOutput};

use crate::support::faulty_runtime;

fn session(runtime: &Runtime) -> Session<'_> {
    runtime
        .create_session("{}")
        .expect("no trap")
        .expect("config accepted")
}

fn events(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| text.to_string()).collect()
}

fn trap_message(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Trapped(trapped) => trapped.message().to_owned(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

fn is_alert(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Verdict(Verdict::Alert(_)))
}

/// Runs a scan over events named `stream:1`, `stream:2`, ... and returns the counts with
/// what was written to stdout and stderr.
fn scan_texts(runtime: &Runtime, texts: &[&str]) -> (Counts, String, String) {
    let path: Arc<str> = Arc::from("stream");
    let items = texts.iter().enumerate().map(|(index, text)| InputItem {
        origin: Origin {
            path: path.clone(),
            line: index as u64 + 1,
            byte_offset: None,
            label: None,
        },
        payload: Payload::Event(text.to_string()),
    });

    let (mut alerts, mut diagnostics) = (Vec::new(), Vec::new());
    let output = ScanOutput {
        alerts: &mut alerts,
        diagnostics: &mut diagnostics,
        warnings: true,
    };
    let counts = scan::run(&mut session(runtime), items, output).expect("output written");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8 output");
    (counts, text(alerts), text(diagnostics))
}

#[test]
fn panic_is_reported_with_message() {
    let runtime = faulty_runtime(Limits::default());
    let outcomes = session(&runtime).evaluate_batch(&events(&["panic"]));
    let message = trap_message(&outcomes[0]);
    assert!(message.contains("unreachable"), "{message}");
    assert!(
        message.contains("faulty component panics on request"),
        "{message}"
    );
}

#[test]
fn panic_restarts_and_continues() {
    let runtime = faulty_runtime(Limits::default());
    let mut session = session(&runtime);
    let outcomes = session.evaluate_batch(&events(&["alert 1", "panic", "alert 2"]));
    assert!(is_alert(&outcomes[0]), "{:?}", outcomes[0]);
    assert!(
        matches!(outcomes[1], Outcome::Trapped(_)),
        "{:?}",
        outcomes[1]
    );
    assert!(is_alert(&outcomes[2]), "{:?}", outcomes[2]);
}

#[test]
fn restarts_count_each_trap_once() {
    // The batch call traps, and so does the trapping event when it is sent again alone:
    // both are the same trap.
    let cases: [(&str, &[&str], u64); 4] = [
        ("one event alone", &["panic"], 1),
        ("one trap in a batch", &["alert 1", "panic", "alert 2"], 1),
        ("last event traps", &["alert 1", "panic"], 1),
        ("two traps in a batch", &["panic", "alert", "panic"], 2),
    ];
    let runtime = faulty_runtime(Limits::default());
    for (name, texts, expected) in cases {
        let mut session = session(&runtime);
        session.evaluate_batch(&events(texts));
        assert_eq!(session.restarts(), expected, "{name}");
    }
}

/// Returns a long event, and limits with fuel for one call of it but not for two. The
/// faulty component scans each event's text, so an event costs fuel in proportion to its
/// length.
fn fuel_for_one_long_event() -> (String, Limits) {
    let event = format!("quiet {}", "x".repeat(100_000));
    let one_event_fuel = least_fuel_for(&event);
    let limits = Limits {
        fuel: Some(one_event_fuel * 3 / 2),
        ..Limits::default()
    };
    (event, limits)
}

#[test]
fn batch_trap_alone_is_one_restart() {
    // Sent in one call, the batch runs out of fuel, but each event sent alone does not trap.
    let (event, limits) = fuel_for_one_long_event();
    let runtime = faulty_runtime(limits);
    let mut session = session(&runtime);
    session.set_batch_call(BatchCall::Packed);

    let outcomes = session.evaluate_batch(&[event.clone(), event]);
    for outcome in &outcomes {
        assert!(!matches!(outcome, Outcome::Trapped(_)), "{outcome:?}");
    }
    assert_eq!(session.restarts(), 1);
}

#[test]
fn fuel_limit_applies_per_event() {
    // Under a fuel limit a session sends each event in its own call, so the batch that
    // would run out of fuel in one call passes without a restart.
    let (event, limits) = fuel_for_one_long_event();
    let runtime = faulty_runtime(limits);
    let mut session = session(&runtime);

    let outcomes = session.evaluate_batch(&[event.clone(), event]);
    for outcome in &outcomes {
        assert!(!matches!(outcome, Outcome::Trapped(_)), "{outcome:?}");
    }
    assert_eq!(session.restarts(), 0);
}

/// Finds, by bisection, the least fuel with which one call evaluates `event` without a trap.
fn least_fuel_for(event: &str) -> u64 {
    let traps_with = |fuel: u64| {
        let limits = Limits {
            fuel: Some(fuel),
            ..Limits::default()
        };
        let runtime = faulty_runtime(limits);
        let created = runtime.create_session("{}");
        let Ok(Ok(mut session)) = created else {
            return true;
        };
        matches!(session.evaluate(event), Outcome::Trapped(_))
    };

    let (mut low, mut high) = (1u64, 1u64 << 32);
    assert!(!traps_with(high), "one event needs more than {high} fuel");
    while low < high {
        let middle = low + (high - low) / 2;
        if traps_with(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

#[test]
fn endless_loop_hits_time_limit() {
    let limits = Limits {
        timeout: Duration::from_millis(100),
        ..Limits::default()
    };
    let runtime = faulty_runtime(limits);
    let started = Instant::now();
    let outcomes = session(&runtime).evaluate_batch(&events(&["loop"]));
    let message = trap_message(&outcomes[0]);
    assert!(message.contains("time limit of 100 ms"), "{message}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn endless_loop_exhausts_fuel() {
    let limits = Limits {
        fuel: Some(5_000_000),
        timeout: Duration::from_secs(60),
        ..Limits::default()
    };
    let runtime = faulty_runtime(limits);
    let outcomes = session(&runtime).evaluate_batch(&events(&["loop"]));
    let message = trap_message(&outcomes[0]);
    assert!(message.contains("fuel limit of 5000000"), "{message}");
}

#[test]
fn fuel_suffices_for_normal_events() {
    let limits = Limits {
        fuel: Some(5_000_000),
        ..Limits::default()
    };
    let runtime = faulty_runtime(limits);
    let outcomes = session(&runtime).evaluate_batch(&events(&["alert", "quiet"]));
    assert!(is_alert(&outcomes[0]), "{:?}", outcomes[0]);
    assert!(
        matches!(outcomes[1], Outcome::Verdict(Verdict::NoMatch(_))),
        "{:?}",
        outcomes[1]
    );
}

#[test]
fn runaway_allocation_hits_memory_limit() {
    let limits = Limits {
        max_memory: 16 << 20,
        ..Limits::default()
    };
    let runtime = faulty_runtime(limits);
    let outcomes = session(&runtime).evaluate_batch(&events(&["allocate"]));
    let message = trap_message(&outcomes[0]);
    assert!(
        message.contains("memory limit of 16777216 bytes exceeded"),
        "{message}"
    );
}

#[test]
fn trapping_on_every_event_finishes() {
    let runtime = faulty_runtime(Limits::default());
    let texts = vec!["panic"; 300];
    let started = Instant::now();
    let (counts, alerts, diagnostics) = scan_texts(&runtime, &texts);

    assert_eq!(counts.events, 300);
    assert_eq!(counts.errors, 300);
    assert_eq!(counts.outcomes(), counts.events);
    assert!(alerts.is_empty(), "{alerts}");
    assert_eq!(diagnostics.lines().count(), 300);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn trap_report_names_event_line() {
    let runtime = faulty_runtime(Limits::default());
    let (counts, alerts, diagnostics) = scan_texts(&runtime, &["alert one", "panic", "alert two"]);

    assert_eq!(counts.alerts, 2);
    assert_eq!(counts.errors, 1);
    assert_eq!(counts.restarts, 1);
    assert_eq!(counts.outcomes(), counts.events);
    assert_eq!(alerts, "alert one\nalert two\n");
    assert!(
        diagnostics.starts_with("stream:2: error: component trapped: "),
        "{diagnostics}"
    );
}

#[test]
fn rejected_config_is_returned() {
    let runtime = faulty_runtime(Limits::default());
    let created = runtime
        .create_session(r#"{"reject": true}"#)
        .expect("no trap");
    assert!(matches!(created, Err(ConfigError::Invalid(_))));
}

#[test]
fn large_stream_keeps_order() {
    let runtime = faulty_runtime(Limits::default());
    let texts: Vec<String> = (0..700).map(|index| format!("alert {index}")).collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (counts, alerts, _) = scan_texts(&runtime, &texts);

    assert_eq!(counts.alerts, 700);
    let expected: String = texts.iter().map(|text| format!("{text}\n")).collect();
    assert_eq!(alerts, expected);
}
