//! The exports of the `detection-rule` world.

use std::cell::Cell;

use bindings::detection::rule::types::{NoMatchReason, Severity};
use bindings::exports::detection::rule::rule::{
    Alert, ConfigError, Detector as DetectorHandle, EventError, Guest, GuestDetector, RuleInfo,
    Stats, Verdict,
};

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit",
        world: "detection-rule",
    });
}

struct Component;

impl Guest for Component {
    type Detector = FaultyDetector;

    fn info() -> RuleInfo {
        RuleInfo {
            rule_id: "00000000-0000-4000-8000-000000000000".to_owned(),
            name: "Faulty test component".to_owned(),
            version: 1,
            severity: Severity::Low,
            risk_score: 1,
            language: "kuery".to_owned(),
            query: "event.action: *".to_owned(),
            index_patterns: Vec::new(),
            interval_seconds: 300,
            lookback_seconds: 360,
            max_alerts_per_execution: 100,
            tactics: Vec::new(),
            techniques: Vec::new(),
            tags: vec!["test".to_owned()],
            references: Vec::new(),
            rule_digest: String::new(),
        }
    }

    fn evaluate(event: String) -> Result<Option<Alert>, EventError> {
        match misbehave(&event) {
            Verdict::Alert(alert) => Ok(Some(alert)),
            _ => Ok(None),
        }
    }

    fn explain(event: String) -> Result<String, EventError> {
        misbehave(&event);
        Ok("{}".to_owned())
    }
}

/// Counts events, so a test can tell a fresh instance from a used one.
struct FaultyDetector {
    events: Cell<u64>,
}

impl GuestDetector for FaultyDetector {
    fn create(config: String) -> Result<DetectorHandle, ConfigError> {
        if config.contains("reject") {
            return Err(ConfigError::Invalid(format!("rejected config {config}")));
        }
        Ok(DetectorHandle::new(FaultyDetector {
            events: Cell::new(0),
        }))
    }

    fn evaluate(&self, event: String) -> Result<Verdict, EventError> {
        self.events.set(self.events.get() + 1);
        Ok(misbehave(&event))
    }

    fn evaluate_packed(&self, events: String, ends: Vec<u32>) -> Vec<Result<Verdict, EventError>> {
        let mut start = 0;
        ends.into_iter()
            .map(|end| {
                let event = events[start..end as usize].to_owned();
                start = end as usize;
                self.evaluate(event)
            })
            .collect()
    }

    fn evaluate_batch(&self, events: Vec<String>) -> Vec<Result<Verdict, EventError>> {
        events
            .into_iter()
            .map(|event| self.evaluate(event))
            .collect()
    }

    fn explain(&self, event: String) -> Result<String, EventError> {
        Component::explain(event)
    }

    fn stats(&self) -> Stats {
        let events = self.events.get();
        Stats {
            events,
            alerts: 0,
            no_match: events,
            no_match_insight: 0,
            no_match_not_cloudtrail: 0,
            excepted: 0,
            suppressed: 0,
            duplicates: 0,
            skipped: 0,
            errors: 0,
        }
    }
}

fn misbehave(event: &str) -> Verdict {
    if event.contains("panic") {
        panic!("faulty component panics on request");
    }
    if event.contains("loop") {
        spin_forever();
    }
    if event.contains("allocate") {
        allocate_forever();
    }
    if event.contains("alert") {
        return Verdict::Alert(alert_for(event));
    }
    Verdict::NoMatch(NoMatchReason::Query)
}

fn spin_forever() -> ! {
    let mut counter = 0u64;
    loop {
        counter = std::hint::black_box(counter.wrapping_add(1));
    }
}

fn allocate_forever() -> ! {
    let mut blocks = Vec::new();
    loop {
        blocks.push(std::hint::black_box(vec![1u8; 1 << 20]));
    }
}

fn alert_for(event: &str) -> Alert {
    Alert {
        uuid: "0".repeat(64),
        rule_id: "00000000-0000-4000-8000-000000000000".to_owned(),
        severity: Severity::Low,
        risk_score: 1,
        original_time: None,
        reason: "faulty component alerts on request".to_owned(),
        document: event.to_owned(),
    }
}

bindings::export!(Component with_types_in bindings);
