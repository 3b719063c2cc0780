//! Conversions from `rule-core` types to the WIT types.

use rule_core::detector::{NoMatchReason as CoreNoMatchReason, Suppression as CoreSuppression};
use rule_core::{
    Alert as CoreAlert, ConfigError as CoreConfigError, EventError as CoreEventError,
    RuleInfo as CoreRuleInfo, Severity as CoreSeverity, Stats as CoreStats,
    Technique as CoreTechnique, Verdict as CoreVerdict,
};

use crate::bindings::detection::rule::types::{
    Alert, ConfigError, EventError, NoMatchReason, RuleInfo, Severity, Stats, Suppression,
    Technique, Verdict,
};

pub fn rule_info(info: &CoreRuleInfo) -> RuleInfo {
    RuleInfo {
        rule_id: info.rule_id.clone(),
        name: info.name.clone(),
        version: info.version,
        severity: severity(info.severity),
        risk_score: info.risk_score,
        language: info.language.clone(),
        query: info.query.clone(),
        index_patterns: info.index_patterns.clone(),
        interval_seconds: info.interval_seconds,
        lookback_seconds: info.lookback_seconds,
        max_alerts_per_execution: info.max_alerts_per_execution,
        tactics: info.tactics.iter().map(technique).collect(),
        techniques: info.techniques.iter().map(technique).collect(),
        tags: info.tags.clone(),
        references: info.references.clone(),
        rule_digest: info.digest.clone(),
    }
}

fn technique(technique: &CoreTechnique) -> Technique {
    Technique {
        id: technique.id.clone(),
        name: technique.name.clone(),
        reference: technique.reference.clone(),
    }
}

fn severity(severity: CoreSeverity) -> Severity {
    match severity {
        CoreSeverity::Low => Severity::Low,
        CoreSeverity::Medium => Severity::Medium,
        CoreSeverity::High => Severity::High,
        CoreSeverity::Critical => Severity::Critical,
    }
}

pub fn alert(alert: CoreAlert) -> Alert {
    Alert {
        uuid: alert.uuid,
        rule_id: alert.rule_id,
        severity: severity(alert.severity),
        risk_score: alert.risk_score,
        original_time: alert.original_time,
        reason: alert.reason,
        document: alert.document,
    }
}

pub fn verdict(verdict: CoreVerdict) -> Verdict {
    match verdict {
        CoreVerdict::Alert(found) => Verdict::Alert(alert(found)),
        CoreVerdict::NoMatch(reason) => Verdict::NoMatch(no_match_reason(reason)),
        CoreVerdict::Excepted(label) => Verdict::Excepted(label),
        CoreVerdict::Suppressed(suppression) => Verdict::Suppressed(suppressed(suppression)),
        CoreVerdict::Duplicate(uuid) => Verdict::Duplicate(uuid),
        CoreVerdict::Skipped(kind) => Verdict::Skipped(kind),
    }
}

fn no_match_reason(reason: CoreNoMatchReason) -> NoMatchReason {
    match reason {
        CoreNoMatchReason::Query => NoMatchReason::Query,
        CoreNoMatchReason::Insight => NoMatchReason::Insight,
        CoreNoMatchReason::NotCloudTrail => NoMatchReason::NotCloudtrail,
        CoreNoMatchReason::OwnAlert => NoMatchReason::OwnAlert,
    }
}

fn suppressed(suppression: CoreSuppression) -> Suppression {
    Suppression {
        uuid: suppression.uuid,
        window_start: suppression.window_start,
    }
}

pub fn event_error(error: CoreEventError) -> EventError {
    match error {
        CoreEventError::InvalidJson(message) => EventError::InvalidJson(message),
        CoreEventError::NotAnObject(found) => EventError::NotAnObject(found),
        CoreEventError::UnsupportedShape(message) => EventError::UnsupportedShape(message),
        CoreEventError::DuplicateKey(path) => EventError::DuplicateKey(path),
        CoreEventError::TooDeep(limit) => EventError::TooDeep(limit),
        CoreEventError::TooLarge(limit) => EventError::TooLarge(limit),
    }
}

pub fn config_error(error: CoreConfigError) -> ConfigError {
    match error {
        CoreConfigError::Invalid(message) => ConfigError::Invalid(message),
    }
}

pub fn stats(stats: CoreStats) -> Stats {
    Stats {
        events: stats.events,
        alerts: stats.alerts,
        no_match: stats.no_match,
        no_match_insight: stats.no_match_insight,
        no_match_not_cloudtrail: stats.no_match_not_cloudtrail,
        excepted: stats.excepted,
        suppressed: stats.suppressed,
        duplicates: stats.duplicates,
        skipped: stats.skipped,
        errors: stats.errors,
    }
}
