//! Stateless evaluation of one event: parse, normalise, query.

use crate::error::EventError;
use crate::json::{self, Limits};
use crate::prefilter;
use crate::rule::Rule;
use crate::shapes::{self, EcsEvent, InputFormat, Normalized, RecordClass};
use crate::{NoMatchReason, alert};

/// Options of a stateless evaluation.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalOptions {
    pub limits: Limits,
    pub input_format: InputFormat,
}

/// What the query decided for one event, before exceptions and execution state.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluation {
    /// The query matched.
    Match(EcsEvent),
    /// The query did not match, or could not apply.
    NoMatch(NoMatchReason, EcsEvent),
    /// The input is not an event; carries the kind.
    Skipped(String),
}

/// Parses, normalises and queries one event's text.
pub fn evaluate(rule: &Rule, text: &str, options: &EvalOptions) -> Result<Evaluation, EventError> {
    let value = json::parse_event(text, &options.limits)?;
    let event = match shapes::normalize(value, options.input_format, &options.limits)? {
        Normalized::Event(event) => event,
        Normalized::Skipped(kind) => return Ok(Evaluation::Skipped(kind)),
    };
    Ok(classify(rule, event))
}

/// Evaluates one event as [`evaluate`] does, for callers that need only the verdict: a
/// record that [`prefilter::screen`] proves cannot match skips the full parse. Its
/// `NoMatch` document then holds only `@timestamp`, the field that dates the event; every
/// other result equals [`evaluate`]'s.
pub fn evaluate_verdict(
    rule: &Rule,
    text: &str,
    options: &EvalOptions,
) -> Result<Evaluation, EventError> {
    match prefilter::screen(rule, text, options) {
        Some(evaluation) => Ok(evaluation),
        None => evaluate(rule, text, options),
    }
}

/// Decides match or no-match for a normalised event.
pub fn classify(rule: &Rule, event: EcsEvent) -> Evaluation {
    match event.class {
        RecordClass::Insight => return Evaluation::NoMatch(NoMatchReason::Insight, event),
        RecordClass::NotCloudTrail => {
            return Evaluation::NoMatch(NoMatchReason::NotCloudTrail, event);
        }
        RecordClass::Event => {}
    }
    if alert::is_own_alert(rule, &event) {
        return Evaluation::NoMatch(NoMatchReason::OwnAlert, event);
    }
    if rule.query.matches(&event.doc) {
        Evaluation::Match(event)
    } else {
        Evaluation::NoMatch(NoMatchReason::Query, event)
    }
}
