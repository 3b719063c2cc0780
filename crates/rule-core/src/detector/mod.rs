//! A configured detector: exceptions, the per-window alert cap, replay detection and burst
//! counts over a stream of events.
//!
//! For an event that matches the query, the detector decides in this order:
//!
//! 1. an exception item that matches removes it ([`Verdict::Excepted`]);
//! 2. a copy of a record already seen within the look-back is a [`Verdict::Duplicate`];
//! 3. a window that already raised its maximum of alerts suppresses it
//!    ([`Verdict::Suppressed`]);
//! 4. anything else raises an alert.
//!
//! # Event time
//!
//! The windows, the replay look-back and the burst look-back all use the event's
//! `event.ingested`, else its `@timestamp`, as Kibana does. An event with neither (or with
//! one that does not parse) is filed at the watermark, the newest event time seen, and does
//! not move it. Moving it to the wall clock would make the detector drop every window and
//! replay record of an archive of older logs. Only while no event time has been seen does
//! such an event take the processing time, in place of the `event.ingested` that Elastic's
//! ingest would have set.
//!
//! # Burst
//!
//! Each alert records, in `detection.burst`, how many deletions its principal (the user
//! identity ARN, else the access key id) made with an event time in the look-back that
//! ends at the alert's event time, the alert's own deletion included. Every distinct
//! matching record counts once: suppressed and excepted deletions count, because they
//! happened, and replayed copies do not. An alert without a principal carries no burst.
//!
//! # Bounded state
//!
//! State is kept only for a look-back behind the largest event time seen so far (the
//! watermark). Once the watermark has moved a look-back past a window's end or a record's
//! time, it is forgotten, so memory stays bounded on endless streams.

mod alert_cap;
mod event_time;
mod recent;

use serde_json::{Map, Value};

use crate::alert::{self, Alert, AlertOptions, Burst};
use crate::config::Config;
use crate::document;
use crate::error::EventError;
use crate::evaluate::{self, EvalOptions, Evaluation};
use crate::prefilter;
use crate::rule::Rule;
use crate::shapes::EcsEvent;
use crate::timestamp::Timestamp;
use alert_cap::AlertCap;
use recent::RecentDeletions;

/// Why an event raised no alert although it was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMatchReason {
    /// The query evaluated to false.
    Query,
    /// A CloudTrail Insight event.
    Insight,
    /// An ECS document whose dataset is missing or is not `aws.cloudtrail`.
    NotCloudTrail,
    /// An alert document of this very rule.
    OwnAlert,
}

/// An alert held back by the window's cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The uuid the alert would have had.
    pub uuid: String,
    /// Start of the window, as RFC 3339 UTC.
    pub window_start: String,
}

/// What the detector decided for one event. Mirrors `verdict` in the WIT contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The event matched and an alert was raised.
    Alert(Alert),
    /// The event was evaluated and did not match.
    NoMatch(NoMatchReason),
    /// Carries the label of the exception item that matched.
    Excepted(String),
    /// The event matched, but its window had already raised the maximum of alerts.
    Suppressed(Suppression),
    /// Carries the uuid of the record already seen.
    Duplicate(String),
    /// Carries the kind of input skipped.
    Skipped(String),
}

/// Counters since the detector was created. Mirrors `stats` in the WIT contract.
///
/// Every call of [`Detector::evaluate`] counts once in `events` and once in exactly one of
/// `alerts`, `no_match`, `excepted`, `suppressed`, `duplicates`, `skipped` and `errors`.
/// `no_match_insight` and `no_match_not_cloudtrail` are parts of `no_match`.
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

impl Stats {
    fn count(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Alert(_) => self.alerts += 1,
            Verdict::NoMatch(reason) => {
                self.no_match += 1;
                match reason {
                    NoMatchReason::Insight => self.no_match_insight += 1,
                    NoMatchReason::NotCloudTrail => self.no_match_not_cloudtrail += 1,
                    NoMatchReason::Query | NoMatchReason::OwnAlert => {}
                }
            }
            Verdict::Excepted(_) => self.excepted += 1,
            Verdict::Suppressed(_) => self.suppressed += 1,
            Verdict::Duplicate(_) => self.duplicates += 1,
            Verdict::Skipped(_) => self.skipped += 1,
        }
    }
}

/// A rule with its configuration and execution state.
#[derive(Debug)]
pub struct Detector {
    rule: Rule,
    config: Config,
    stats: Stats,
    cap: AlertCap,
    recent: RecentDeletions,
    /// The largest event time seen so far.
    watermark: Option<Timestamp>,
    /// The largest processing time that stood in for a missing event time, used only while
    /// no event time has been seen.
    processing_watermark: Option<Timestamp>,
    /// The screen handles the rule's query, so events may skip the full evaluation.
    screened: bool,
    /// A matching event added state after the state was last trimmed to the look-back, so
    /// the state may hold entries that the next trim removes even if the watermark stays.
    untrimmed_state: bool,
}

impl Detector {
    /// Creates a detector with empty state.
    pub fn new(rule: Rule, config: Config) -> Detector {
        let max_alerts = config
            .max_alerts_per_execution
            .unwrap_or(rule.info.max_alerts_per_execution);
        let cap = AlertCap::new(max_alerts, rule.info.interval_seconds);
        let screened = prefilter::handles(&rule);
        Detector {
            rule,
            config,
            stats: Stats::default(),
            cap,
            recent: RecentDeletions::default(),
            watermark: None,
            processing_watermark: None,
            untrimmed_state: false,
            screened,
        }
    }

    /// Returns the rule this detector runs.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// Returns the configuration this detector runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Evaluates one event. `now` is the processing time, used unless the configuration
    /// pins one.
    ///
    /// # Errors
    ///
    /// Returns the [`EventError`] of an event that cannot be parsed or normalised; the
    /// detector counts it and stays usable.
    pub fn evaluate(&mut self, text: &str, now: Timestamp) -> Result<Verdict, EventError> {
        self.stats.events += 1;
        let options = EvalOptions {
            limits: self.config.limits,
            input_format: self.config.input_format,
        };
        if self.screened
            && let Some(time) = prefilter::screen_dating_time(text, &options)
        {
            let verdict = self.no_match(NoMatchReason::Query, time);
            self.stats.count(&verdict);
            return Ok(verdict);
        }
        let evaluation = match evaluate::evaluate(&self.rule, text, &options) {
            Ok(evaluation) => evaluation,
            Err(error) => {
                self.stats.errors += 1;
                return Err(error);
            }
        };

        let verdict = self.decide(evaluation, now);
        self.stats.count(&verdict);
        Ok(verdict)
    }

    /// Returns the counters since creation.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Returns the number of entries held in the window, replay and burst state. It stays
    /// bounded on an endless stream whose event times move forward.
    pub fn state_len(&self) -> usize {
        self.cap.len() + self.recent.len()
    }

    /// Decides the verdict for an evaluated event and updates the state; stats are left
    /// to the caller.
    pub(crate) fn decide(&mut self, evaluation: Evaluation, now: Timestamp) -> Verdict {
        let event = match evaluation {
            Evaluation::Match(event) => event,
            Evaluation::NoMatch(reason, event) => {
                return self.no_match(reason, event_time::event_time(&event.doc));
            }
            Evaluation::Skipped(kind) => return Verdict::Skipped(kind),
        };
        let processing_time = self.config.processing_time.unwrap_or(now);
        let time = match event_time::event_time(&event.doc) {
            Some(time) => {
                self.advance_watermark(time);
                time
            }
            None => self.time_for_timeless_event(processing_time),
        };
        self.untrimmed_state = true;

        // Every distinct matching record is remembered, the excepted ones included, so
        // that a burst counts all of a principal's deletions once each.
        let uuid = alert::alert_uuid(&self.rule.info.rule_id, &event);
        let principal = principal(&event.doc);
        let is_new = self.recent.record(&uuid, time, principal.as_deref());

        if let Some(label) = self
            .config
            .exceptions
            .first_match(&event.doc, processing_time)
        {
            return Verdict::Excepted(label.to_string());
        }
        if !is_new && self.config.replay_detection {
            return Verdict::Duplicate(uuid);
        }
        if !self.cap.admit(time) {
            let window_start = Timestamp::from_unix(self.cap.window_start(time), 0).unwrap_or(time);
            return Verdict::Suppressed(Suppression {
                uuid,
                window_start: window_start.to_string(),
            });
        }

        let burst = principal.map(|principal| self.burst(principal, time));
        Verdict::Alert(self.build_alert(&event, processing_time, burst))
    }

    /// Returns a no-match verdict after letting the event's time move the watermark. Only a
    /// real event time does: a non-matching event has no window to file, so it needs no
    /// stand-in time.
    fn no_match(&mut self, reason: NoMatchReason, time: Option<Timestamp>) -> Verdict {
        if let Some(time) = time {
            self.advance_watermark(time);
        }
        Verdict::NoMatch(reason)
    }

    fn burst(&self, principal: String, time: Timestamp) -> Burst {
        let lookback_seconds = self.rule.info.lookback_seconds;
        let count = self.recent.count(&principal, time, lookback_seconds);
        Burst {
            principal,
            count,
            lookback_seconds,
        }
    }

    fn build_alert(
        &self,
        event: &EcsEvent,
        processing_time: Timestamp,
        burst: Option<Burst>,
    ) -> Alert {
        let options = AlertOptions {
            processing_time: Some(processing_time),
            space_id: self.config.space_id.clone(),
            rule_uuid: self.config.rule_uuid.clone(),
            burst,
        };
        alert::build_alert(&self.rule, event, &options)
    }

    /// Returns the time to file a matching event without a usable event time under: the
    /// watermark once any event time has been seen, else the processing time, which then
    /// serves as the stream's clock for bounding state.
    fn time_for_timeless_event(&mut self, processing_time: Timestamp) -> Timestamp {
        if let Some(watermark) = self.watermark {
            return watermark;
        }
        let clock = match self.processing_watermark {
            Some(clock) if clock >= processing_time => clock,
            _ => processing_time,
        };
        self.processing_watermark = Some(clock);
        self.forget_lookback_before(clock);
        clock
    }

    /// Moves the watermark to `time` if it is later, and forgets the state that fell a
    /// look-back behind the watermark.
    fn advance_watermark(&mut self, time: Timestamp) {
        let watermark = match self.watermark {
            // The state was trimmed to this watermark's look-back and has gained nothing
            // since, so trimming again would change nothing. Most events take this path,
            // which skips the trim's 128-bit arithmetic and map splits.
            Some(watermark) if watermark >= time && !self.untrimmed_state => return,
            Some(watermark) if watermark >= time => watermark,
            _ => time,
        };
        self.watermark = Some(watermark);
        self.forget_lookback_before(watermark);
    }

    /// Forgets the window, replay and burst state more than a look-back older than `watermark`.
    fn forget_lookback_before(&mut self, watermark: Timestamp) {
        // NOTE: an event more than a look-back older than the watermark finds its window
        // and its earlier copies forgotten, so it may alert past the cap or alert again,
        // and its burst count misses forgotten deletions.
        self.untrimmed_state = false;
        let lookback_nanos = i128::from(self.rule.info.lookback_seconds) * 1_000_000_000;
        let Some(cutoff) = timestamp_from_nanos(watermark.unix_nanos() - lookback_nanos) else {
            return;
        };
        self.cap.forget_before(cutoff);
        self.recent.forget_before(cutoff);
    }
}

fn timestamp_from_nanos(nanos: i128) -> Option<Timestamp> {
    let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
    let subsecond = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
    Timestamp::from_unix(seconds, subsecond)
}

/// The fields naming who made a call, in order of preference.
const PRINCIPAL_FIELDS: [&str; 2] = [
    "aws.cloudtrail.user_identity.arn",
    "aws.cloudtrail.user_identity.access_key_id",
];

/// Returns the caller's user identity ARN, else its access key id.
fn principal(doc: &Map<String, Value>) -> Option<String> {
    PRINCIPAL_FIELDS.iter().find_map(|field| {
        let values = document::field_values(doc, field);
        let text = values
            .iter()
            .filter_map(|value| value.as_str())
            .find(|text| !text.is_empty())?;
        Some(text.to_string())
    })
}

/// Evaluates one event with the default configuration and no state.
pub fn evaluate_stateless(
    rule: &Rule,
    text: &str,
    now: Timestamp,
) -> Result<Option<Alert>, EventError> {
    match evaluate::evaluate_verdict(rule, text, &EvalOptions::default())? {
        Evaluation::Match(event) => {
            let options = AlertOptions {
                processing_time: Some(now),
                ..AlertOptions::default()
            };
            Ok(Some(alert::build_alert(rule, &event, &options)))
        }
        Evaluation::NoMatch(..) | Evaluation::Skipped(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests;
