//! Arbitrary event text through the whole evaluation with the bundled rule: each line of the
//! input is one event for `Detector::evaluate` and for `explain`.
//!
//! Two detectors run side by side: one with the default configuration, and one with an
//! exception item and an alert cap of one, so that exceptions, replays and suppression
//! all get reached. After every call these properties must hold:
//!
//! - `events` counts the calls, and equals `alerts + no_match + excepted + suppressed +
//!   duplicates + skipped + errors`;
//! - `explain` fails with the same error as the detector, or returns a JSON object;
//! - an alert document is a JSON object without duplicate keys;
//! - the screen that settles most records without a full parse gives the full
//!   evaluation's result: the same error, skip or match, and for a no-match the same
//!   reason, record id and `@timestamp`.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rule_core::evaluate::{EvalOptions, Evaluation, evaluate, evaluate_verdict};
use rule_core::explain::explain;
use rule_core::json::{Limits, parse_event};
use rule_core::{Config, Detector, EventError, Rule, Timestamp, Verdict};
use rule_core_fuzz::check_stats;
use serde_json::Value;

static RULE: LazyLock<Rule> = LazyLock::new(Rule::bundled);

/// An exception on the function name and an alert cap of one per window.
const STRICT_CONFIG: &str = r#"{
    "exceptions": [{
        "name": "scratch functions",
        "type": "simple",
        "entries": [{
            "field": "aws.cloudtrail.flattened.request_parameters.functionName",
            "operator": "included",
            "type": "wildcard",
            "value": "scratch-*"
        }]
    }],
    "max_alerts_per_execution": 1
}"#;

static STRICT: LazyLock<Config> = LazyLock::new(|| {
    Config::from_json(STRICT_CONFIG).expect("the fuzz target's configuration is valid")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    // A few minutes after the seeds' deletions at 2024-05-14T09:21:37Z, as a live run would be.
    let now = Timestamp::parse("2024-05-14T09:30:00Z").expect("a valid timestamp");
    let mut detectors = [
        Detector::new(RULE.clone(), Config::default()),
        Detector::new(RULE.clone(), STRICT.clone()),
    ];

    for (calls, line) in (1..).zip(text.split('\n')) {
        check_screen(line);
        for detector in &mut detectors {
            let verdict = detector.evaluate(line, now);
            check_stats(detector.stats(), calls);
            check_explain(detector.config(), line, &verdict);
            if let Ok(Verdict::Alert(alert)) = &verdict {
                check_alert_document(&alert.document);
            }
        }
    }
});

fn check_screen(line: &str) {
    let options = EvalOptions::default();
    let full = evaluate(&RULE, line, &options);
    let fast = evaluate_verdict(&RULE, line, &options);
    match (&full, &fast) {
        (
            Ok(Evaluation::NoMatch(reason, event)),
            Ok(Evaluation::NoMatch(fast_reason, fast_event)),
        ) => {
            assert_eq!(reason, fast_reason, "no-match reasons differ");
            assert_eq!(
                event.record_event_id, fast_event.record_event_id,
                "record ids differ"
            );
            assert_eq!(
                event.doc.get("@timestamp"),
                fast_event.doc.get("@timestamp"),
                "@timestamp differs"
            );
        }
        _ => assert_eq!(full, fast, "the screen and the full evaluation differ"),
    }
}

fn check_explain(config: &Config, line: &str, verdict: &Result<Verdict, EventError>) {
    match (explain(&RULE, config, line), verdict) {
        (Err(explained), Err(evaluated)) => {
            assert_eq!(
                &explained, evaluated,
                "explain and the detector fail differently"
            )
        }
        (Err(explained), Ok(verdict)) => {
            panic!("explain fails with {explained:?} where the detector returns {verdict:?}")
        }
        (Ok(report), Err(evaluated)) => {
            panic!("explain returns {report} where the detector fails with {evaluated:?}")
        }
        (Ok(report), Ok(_)) => {
            let parsed: Value = serde_json::from_str(&report).expect("explain returns JSON");
            assert!(
                parsed.is_object(),
                "explain returns {report}, not an object"
            );
        }
    }
}

/// Parses the alert document strictly, with no size or depth limit of this rule.
fn check_alert_document(document: &str) {
    let unbounded = Limits {
        max_bytes: u64::MAX,
        max_depth: u32::MAX,
    };
    match parse_event(document, &unbounded) {
        Ok(Value::Object(_)) => {}
        Ok(other) => panic!("the alert document is not an object: {other}"),
        Err(error) => panic!("the alert document is invalid: {error}: {document}"),
    }
}
