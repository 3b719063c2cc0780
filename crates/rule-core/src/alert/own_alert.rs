//! Recognition of this rule's own alerts, on which Kibana never alerts again.

use serde_json::Value;

use super::lookup::values_at;
use crate::rule::Rule;
use crate::shapes::EcsEvent;

/// Fields that name the rule an alert came from: the current alert layout and the legacy
/// `.siem-signals` one.
const RULE_ID_FIELDS: [&str; 3] = [
    "kibana.alert.rule.rule_id",
    "kibana.alert.rule.parameters.rule_id",
    "signal.rule.rule_id",
];

/// Fields that name the rule behind each ancestor of an alert.
const ANCESTOR_RULE_FIELDS: [&str; 2] = ["kibana.alert.ancestors.rule", "signal.ancestors.rule"];

/// Tells whether `event` is an alert document of `rule` itself, on which Kibana never
/// alerts again: it names the rule's `rule_id` in `kibana.alert.rule.rule_id` (nested or
/// dotted, or the legacy `signal.rule.rule_id`), or one of its ancestors was raised by it.
///
/// Kibana records an ancestor's rule by saved-object id, which this crate does not know.
/// Alerts built here record the `rule_id` there when the source names no rule uuid, so the
/// check compares ancestors with the `rule_id`.
pub fn is_own_alert(rule: &Rule, event: &EcsEvent) -> bool {
    let rule_id = Value::from(rule.info.rule_id.as_str());
    let names_rule = |path: &&str| values_at(&event.doc, path).contains(&&rule_id);
    RULE_ID_FIELDS.iter().any(names_rule) || ANCESTOR_RULE_FIELDS.iter().any(names_rule)
}
