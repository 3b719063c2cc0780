//! The rule as a WASI Preview 2 component. Every decision is made in `rule-core`; this
//! crate only converts between the WIT types and the core's types, keeps the detector
//! resource's state, and reads the wall clock.

mod convert;

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use rule_core::detector::evaluate_stateless;
use rule_core::{Config, Detector, Rule, Timestamp};

use bindings::exports::detection::rule::rule::{
    Alert, ConfigError, Detector as DetectorHandle, EventError, Guest, GuestDetector, RuleInfo,
    Stats, Verdict,
};

mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "detection-rule",
    });
}

/// The rule file embedded in the component, parsed once per instance.
fn rule() -> &'static Rule {
    static RULE: OnceLock<Rule> = OnceLock::new();
    RULE.get_or_init(Rule::bundled)
}

/// Reads the wall clock (`wasi:clocks/wall-clock`, through std), the processing time of an
/// event unless the config pins one. A clock before 1970 reads as the epoch.
fn now() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX);
    Timestamp::from_unix(seconds, since_epoch.subsec_nanos())
        .or_else(|| Timestamp::from_unix(0, 0))
        .expect("the Unix epoch is representable")
}

struct Component;

impl Guest for Component {
    type Detector = DetectorResource;

    fn info() -> RuleInfo {
        convert::rule_info(&rule().info)
    }

    fn evaluate(event: String) -> Result<Option<Alert>, EventError> {
        evaluate_stateless(rule(), &event, now())
            .map(|alert| alert.map(convert::alert))
            .map_err(convert::event_error)
    }

    fn explain(event: String) -> Result<String, EventError> {
        rule_core::explain::explain(rule(), &Config::default(), &event)
            .map_err(convert::event_error)
    }
}

/// The `detector` resource: a core detector behind a `RefCell`, because WIT methods take
/// `&self`.
struct DetectorResource {
    detector: RefCell<Detector>,
}

impl DetectorResource {
    fn evaluate_one(&self, event: &str, now: Timestamp) -> Result<Verdict, EventError> {
        let mut detector = self.detector.borrow_mut();
        detector
            .evaluate(event, now)
            .map(convert::verdict)
            .map_err(convert::event_error)
    }
}

impl GuestDetector for DetectorResource {
    fn create(config: String) -> Result<DetectorHandle, ConfigError> {
        let config = Config::from_json(&config).map_err(convert::config_error)?;
        let detector = Detector::new(rule().clone(), config);
        Ok(DetectorHandle::new(DetectorResource {
            detector: RefCell::new(detector),
        }))
    }

    fn evaluate(&self, event: String) -> Result<Verdict, EventError> {
        self.evaluate_one(&event, now())
    }

    fn evaluate_batch(&self, events: Vec<String>) -> Vec<Result<Verdict, EventError>> {
        // One reading of the clock serves the whole batch: a batch takes milliseconds, and
        // the call to the host's clock costs as much as screening an event.
        let now = now();
        events
            .iter()
            .map(|event| self.evaluate_one(event, now))
            .collect()
    }

    fn evaluate_packed(&self, events: String, ends: Vec<u32>) -> Vec<Result<Verdict, EventError>> {
        let now = now();
        let mut start = 0;
        let verdicts = ends
            .into_iter()
            .map(|end| {
                // Slicing panics, and so traps, on the ends the WIT documentation rules out.
                let end = end as usize;
                let event = &events[start..end];
                start = end;
                self.evaluate_one(event, now)
            })
            .collect();
        // Text after the last end belongs to no event, because the host packed the batch
        // wrongly. The call traps rather than drop that text.
        assert_eq!(
            start,
            events.len(),
            "the last end is not the end of the packed text"
        );
        verdicts
    }

    fn explain(&self, event: String) -> Result<String, EventError> {
        let detector = self.detector.borrow();
        rule_core::explain::explain(detector.rule(), detector.config(), &event)
            .map_err(convert::event_error)
    }

    fn stats(&self) -> Stats {
        convert::stats(self.detector.borrow().stats())
    }
}

bindings::export!(Component with_types_in bindings);
