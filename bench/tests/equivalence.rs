//! The fast path (`evaluate_verdict`, which screens records before parsing them) must give
//! exactly the full evaluation's result on the generated corpus and on every fixture stream,
//! split into events by the host's own input reader.

use std::path::{Path, PathBuf};

use rule_bench::generate::Generator;
use rule_core::Rule;
use rule_core::document::field_values;
use rule_core::evaluate::{EvalOptions, Evaluation, evaluate, evaluate_verdict};
use rule_core::prefilter::screen;
use rule_host::input::{Payload, ReaderOptions, Source};

/// The fields a detector reads from a non-matching event.
const DATING_FIELDS: [&str; 2] = ["event.ingested", "@timestamp"];

/// Asserts that the fast path returns the full evaluation's result, except that a screened
/// `NoMatch` carries only the fields that date the event.
fn assert_same(rule: &Rule, text: &str) {
    let options = EvalOptions::default();
    let full = evaluate(rule, text, &options);
    let fast = evaluate_verdict(rule, text, &options);
    match (&full, &fast) {
        (
            Ok(Evaluation::NoMatch(reason, event)),
            Ok(Evaluation::NoMatch(fast_reason, fast_event)),
        ) => {
            assert_eq!(reason, fast_reason, "reason of {text}");
            assert_eq!(event.shape, fast_event.shape, "shape of {text}");
            assert_eq!(event.class, fast_event.class, "class of {text}");
            assert_eq!(
                event.record_event_id, fast_event.record_event_id,
                "record id of {text}"
            );
            for field in DATING_FIELDS {
                assert_eq!(
                    field_values(&event.doc, field),
                    field_values(&fast_event.doc, field),
                    "{field} of {text}"
                );
            }
        }
        _ => assert_eq!(full, fast, "{text}"),
    }
}

#[test]
fn generated_corpus_same_on_both_paths() {
    const RECORDS: usize = 100_000;
    let rule = Rule::bundled();
    let mut generator = Generator::new(1);
    let mut screened = 0;
    let mut with_escapes = 0;

    for _ in 0..RECORDS {
        let record = generator.record();
        assert_same(&rule, &record.line);

        let evaluation = evaluate(&rule, &record.line, &EvalOptions::default()).unwrap();
        assert_eq!(
            matches!(evaluation, Evaluation::Match(_)),
            record.must_alert,
            "{}",
            record.line
        );
        screened += usize::from(screen(&rule, &record.line, &EvalOptions::default()).is_some());
        with_escapes += usize::from(record.line.contains("\\u"));
    }

    // The corpus must exercise both paths for the comparison to mean something.
    assert!(
        screened > RECORDS * 9 / 10,
        "screened {screened} of {RECORDS}"
    );
    assert!(
        with_escapes > 100,
        "{with_escapes} records with \\u escapes"
    );
}

fn fixture_paths() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/streams");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "fixture streams missing from {dir:?}");
    paths
}

#[test]
fn fixture_events_same_on_both_paths() {
    let rule = Rule::bundled();
    let mut events = 0;
    for path in fixture_paths() {
        for item in Source::file(&path).items(&ReaderOptions::default()) {
            if let Payload::Event(text) = item.payload {
                assert_same(&rule, &text);
                events += 1;
            }
        }
    }
    assert!(events >= 30, "only {events} fixture events read");
}
