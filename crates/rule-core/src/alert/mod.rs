//! The alert document Kibana's detection engine writes for a query rule.
//!
//! The document is the whole ECS event, without its `kibana`, `signal` and
//! `threshold_result` namespaces, with `event.kind: signal`, `@timestamp` set to the
//! processing time, and the `kibana.*` fields as nested objects (never dotted keys). It is
//! written on one line with sorted keys.
//!
//! Fields of Kibana's alerts that need context a pipeline lacks are left out:
//! `kibana.alert.url` (Kibana's public URL), `kibana.version`,
//! `kibana.alert.rule.execution.uuid`, `kibana.alert.rule.revision`, the rule's
//! `created_*`/`updated_*` fields, the ancestors' `index`, and the enrichment fields that
//! Kibana fills later (asset criticality, risk scores). Kibana also drops source values that
//! conflict with the ECS field types; this crate keeps them.

mod ancestry;
mod lookup;
mod own_alert;
mod reason;
mod rule_fields;
mod source;
mod uuid;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

use crate::rule::{Rule, Severity};
use crate::shapes::EcsEvent;
use crate::timestamp::Timestamp;

pub use own_alert::is_own_alert;
pub use uuid::alert_uuid;

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
    /// The alert's `@timestamp`: when the rule processed the event. Required by
    /// [`build_alert`].
    pub processing_time: Option<Timestamp>,
    /// Written to `kibana.space_ids` when set.
    pub space_id: Option<String>,
    /// Written to `kibana.alert.rule.uuid` when set.
    pub rule_uuid: Option<String>,
    /// Written to `detection.burst` when set.
    pub burst: Option<Burst>,
}

/// Builds the alert for a matching event.
///
/// `kibana.alert.original_time` is the event's `@timestamp`, and the alert's own
/// `@timestamp`, `kibana.alert.intended_timestamp`, `kibana.alert.start` and
/// `kibana.alert.last_detected` are the processing time, as in a scheduled Kibana run.
///
/// # Panics
///
/// Panics when `options.processing_time` is `None`. This crate reads no clock, and an
/// alert stamped with any other time (such as the event's) would pass for one raised then.
pub fn build_alert(rule: &Rule, event: &EcsEvent, options: &AlertOptions) -> Alert {
    let processing_time = options
        .processing_time
        .expect(
            "AlertOptions::processing_time is required: pass the time the rule processed the event",
        )
        .to_string();
    let info = &rule.info;

    let uuid = alert_uuid(&info.rule_id, event);
    let reason = reason::build_reason(&event.doc, info.severity.as_str(), &info.name);
    let original_time = source::original_time(&event.doc).map(|time| time.to_string());
    let source = source::prepare(&event.doc);
    let ancestry = ancestry::ancestry(event);

    let mut alert = json!({
        "ancestors": ancestry.ancestors,
        "depth": ancestry.depth,
        "intended_timestamp": processing_time,
        "last_detected": processing_time,
        "reason": reason,
        "risk_score": info.risk_score,
        "rule": rule_fields::rule_fields(info, options.rule_uuid.as_deref(), &processing_time),
        "severity": info.severity.as_str(),
        "start": processing_time,
        "status": "active",
        "uuid": uuid,
        "workflow_assignee_ids": [],
        "workflow_status": "open",
        "workflow_tags": [],
    });
    if let Some(time) = &original_time {
        alert["original_time"] = json!(time);
    }
    if !source.original_event.is_empty() {
        alert["original_event"] = Value::Object(source.original_event);
    }
    if !source.original_data_stream.is_empty() {
        alert["original_data_stream"] = Value::Object(source.original_data_stream);
    }

    let mut doc = source.doc;
    doc.insert("@timestamp".to_string(), json!(processing_time));
    set_event_kind_signal(&mut doc);
    doc.insert(
        "kibana".to_string(),
        kibana_namespace(alert, options.space_id.as_deref()),
    );
    if let Some(burst) = &options.burst {
        insert_burst(&mut doc, burst);
    }

    Alert {
        uuid,
        rule_id: info.rule_id.clone(),
        severity: info.severity,
        risk_score: info.risk_score,
        original_time,
        reason,
        document: Value::Object(doc).to_string(),
    }
}

fn kibana_namespace(alert: Value, space_id: Option<&str>) -> Value {
    let mut kibana = json!({ "alert": alert });
    if let Some(space) = space_id {
        kibana["space_ids"] = json!([space]);
    }
    kibana
}

/// Sets `event.kind: signal` and keeps the other `event.*` fields. An `event` value that is
/// not an object is replaced, since ECS defines `event` as an object.
fn set_event_kind_signal(doc: &mut Map<String, Value>) {
    let event = doc.entry("event").or_insert_with(|| json!({}));
    if !event.is_object() {
        *event = json!({});
    }
    event["kind"] = json!("signal");
}

fn insert_burst(doc: &mut Map<String, Value>, burst: &Burst) {
    let value = json!({
        "principal": burst.principal,
        "count": burst.count,
        "lookback_seconds": burst.lookback_seconds,
    });
    let detection = doc.entry("detection").or_insert_with(|| json!({}));
    if !detection.is_object() {
        *detection = json!({});
    }
    detection["burst"] = value;
}
