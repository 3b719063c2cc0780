//! A configured detector: exceptions, the per-window alert cap, replay detection and burst
//! counts over a stream of events.

use crate::alert::{self, Alert, AlertOptions};
use crate::config::Config;
use crate::error::EventError;
use crate::evaluate::{self, EvalOptions, Evaluation};
use crate::rule::Rule;
use crate::timestamp::Timestamp;

/// Why an event raised no alert although it was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMatchReason {
    Query,
    Insight,
    NotCloudTrail,
    OwnAlert,
}

/// An alert held back by the window's cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub uuid: String,
    /// Start of the 5-minute window, as RFC 3339 UTC.
    pub window_start: String,
}

/// What the detector decided for one event. Mirrors `verdict` in the WIT contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Alert(Alert),
    NoMatch(NoMatchReason),
    /// Carries the label of the exception item that matched.
    Excepted(String),
    Suppressed(Suppression),
    /// Carries the uuid of the alert already raised.
    Duplicate(String),
    /// Carries the kind of input skipped.
    Skipped(String),
}

/// Counters since the detector was created. Mirrors `stats` in the WIT contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub events: u64,
    pub alerts: u64,
    pub no_match: u64,
    pub no_match_insight: u64,
    pub no_match_not_cloudtrail: u64,
    pub excepted: u64,
    pub suppressed: u64,
    pub duplicates: u64,
    pub skipped: u64,
    pub errors: u64,
}

/// A rule with its configuration and execution state.
#[derive(Debug)]
pub struct Detector {
    rule: Rule,
    config: Config,
    stats: Stats,
}

impl Detector {
    /// Creates a detector with empty state.
    pub fn new(rule: Rule, config: Config) -> Detector {
        Detector { rule, config, stats: Stats::default() }
    }

    /// The rule this detector runs.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The configuration this detector runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Evaluates one event. `now` is the processing time, used unless the configuration
    /// pins one.
    pub fn evaluate(&mut self, text: &str, now: Timestamp) -> Result<Verdict, EventError> {
        todo!("evaluate {} bytes at {now}", text.len())
    }

    /// Counters since creation.
    pub fn stats(&self) -> Stats {
        self.stats
    }
}

/// Evaluates one event with the default configuration and no state.
pub fn evaluate_stateless(rule: &Rule, text: &str, now: Timestamp) -> Result<Option<Alert>, EventError> {
    match evaluate::evaluate(rule, text, &EvalOptions::default())? {
        Evaluation::Match(event) => {
            let options = AlertOptions { processing_time: Some(now), ..AlertOptions::default() };
            Ok(Some(alert::build_alert(rule, &event, &options)))
        }
        Evaluation::NoMatch(..) | Evaluation::Skipped(_) => Ok(None),
    }
}
