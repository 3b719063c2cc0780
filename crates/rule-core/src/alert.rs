//! The alert document Kibana's detection engine writes for a query rule.

use crate::rule::{Rule, Severity};
use crate::shapes::EcsEvent;
use crate::timestamp::Timestamp;

/// One alert. Mirrors `alert` in the WIT contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// `kibana.alert.uuid`.
    pub uuid: String,
    pub rule_id: String,
    pub severity: Severity,
    pub risk_score: u8,
    /// `kibana.alert.original_time`.
    pub original_time: Option<String>,
    /// `kibana.alert.reason`.
    pub reason: String,
    /// The whole alert document as one line of JSON with sorted keys.
    pub document: String,
}

/// How many successful deletions one principal made within the look-back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    /// The user identity ARN, else the access key id.
    pub principal: String,
    /// Deletions by `principal` within the look-back, this one included.
    pub count: u64,
    pub lookback_seconds: u32,
}

/// Context an alert needs beyond the event and the rule.
#[derive(Debug, Clone, Default)]
pub struct AlertOptions {
    /// The alert's `@timestamp`: when the rule processed the event.
    pub processing_time: Option<Timestamp>,
    /// Written to `kibana.space_ids` when set.
    pub space_id: Option<String>,
    /// Written to `kibana.alert.rule.uuid` when set.
    pub rule_uuid: Option<String>,
    pub burst: Option<Burst>,
}

/// Computes `kibana.alert.uuid`: the lowercase hex SHA-256 of `RULE_ID:EVENT_ID` with the
/// record's own `eventID`, or of `RULE_ID:` and the RFC 8785 canonical JSON of the ECS
/// document when the record has none.
pub fn alert_uuid(rule_id: &str, event: &EcsEvent) -> String {
    todo!("uuid for {rule_id} and {:?}", event.record_event_id)
}

/// Builds the alert for a matching event.
pub fn build_alert(rule: &Rule, event: &EcsEvent, options: &AlertOptions) -> Alert {
    todo!("alert for {} {:?} {options:?}", rule.info.name, event.shape)
}

/// Tells whether `event` is an alert document of `rule` itself, on which Kibana never
/// alerts again.
pub fn is_own_alert(rule: &Rule, event: &EcsEvent) -> bool {
    todo!("own alert check for {} {:?}", rule.info.rule_id, event.shape)
}
