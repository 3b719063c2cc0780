//! `kibana.alert.rule.*`: the rule's definition as Kibana copies it into each alert.

use serde_json::{Value, json};

use crate::rule::{RuleInfo, Technique};

/// The framework every threat entry of Elastic's prebuilt rules names.
const FRAMEWORK: &str = "MITRE ATT&CK";

/// Builds the `kibana.alert.rule` object for a prebuilt query rule installed as-is, enabled
/// and on its schedule. `rule_uuid` is the installed rule's saved-object id when known.
///
/// Kibana's own layout is kept: the rule's query, language and index patterns are under
/// `parameters`, and the patterns searched are also in `indices`.
pub(crate) fn rule_fields(info: &RuleInfo, rule_uuid: Option<&str>, execution_time: &str) -> Value {
    let threat = threat(info);
    let mut fields = json!({
        "actions": [],
        "author": info.author,
        "category": "Custom Query Rule",
        "consumer": "siem",
        "description": info.description,
        "enabled": true,
        "exceptions_list": [],
        "execution": { "timestamp": execution_time, "type": "scheduled" },
        "false_positives": info.false_positives,
        "from": info.from,
        "immutable": true,
        "indices": info.index_patterns,
        "interval": info.interval,
        "license": info.license,
        "max_signals": info.max_alerts_per_execution,
        "name": info.name,
        "note": info.note,
        "parameters": parameters(info, &threat),
        "producer": "siem",
        "references": info.references,
        "risk_score": info.risk_score,
        "risk_score_mapping": [],
        "rule_id": info.rule_id,
        "rule_type_id": "siem.queryRule",
        "severity": info.severity.as_str(),
        "severity_mapping": [],
        "tags": info.tags,
        "threat": threat,
        "to": "now",
        "type": info.rule_type,
        "version": info.version,
    });
    if let Some(field) = &info.timestamp_override {
        fields["timestamp_override"] = json!(field);
    }
    if let Some(uuid) = rule_uuid {
        fields["uuid"] = json!(uuid);
    }
    fields
}

/// Builds `kibana.alert.rule.parameters`: the rule's parameters with snake-case names.
fn parameters(info: &RuleInfo, threat: &Value) -> Value {
    let mut parameters = json!({
        "author": info.author,
        "description": info.description,
        "exceptions_list": [],
        "false_positives": info.false_positives,
        "from": info.from,
        "immutable": true,
        "index": info.index_patterns,
        "language": info.language,
        "license": info.license,
        "max_signals": info.max_alerts_per_execution,
        "note": info.note,
        "query": info.query,
        "references": info.references,
        "risk_score": info.risk_score,
        "risk_score_mapping": [],
        "rule_id": info.rule_id,
        "severity": info.severity.as_str(),
        "severity_mapping": [],
        "threat": threat,
        "to": "now",
        "type": info.rule_type,
        "version": info.version,
    });
    if let Some(field) = &info.timestamp_override {
        parameters["timestamp_override"] = json!(field);
    }
    if !info.investigation_fields.is_empty() {
        parameters["investigation_fields"] = json!({ "field_names": info.investigation_fields });
    }
    parameters
}

/// Lays out the threat mapping as Kibana stores it: one entry per tactic, each with its
/// techniques and their (empty) subtechniques.
// NOTE: `RuleInfo` keeps tactics and techniques in two flat lists, so a rule with several
// tactics gets all its techniques under the first one. This rule has one tactic.
fn threat(info: &RuleInfo) -> Value {
    let techniques: Vec<Value> = info
        .techniques
        .iter()
        .map(|technique| technique_entry(technique, true))
        .collect();
    let entries: Vec<Value> = info
        .tactics
        .iter()
        .enumerate()
        .map(|(index, tactic)| {
            let listed = if index == 0 { techniques.clone() } else { Vec::new() };
            json!({ "framework": FRAMEWORK, "tactic": technique_entry(tactic, false), "technique": listed })
        })
        .collect();
    Value::Array(entries)
}

fn technique_entry(entry: &Technique, with_subtechniques: bool) -> Value {
    let mut value = json!({ "id": entry.id, "name": entry.name, "reference": entry.reference });
    if with_subtechniques {
        value["subtechnique"] = json!([]);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    #[test]
    fn threat_in_kibana_layout() {
        let fields = rule_fields(&Rule::bundled().info, None, "2026-01-02T03:04:05.678Z");
        let expected = json!([{
            "framework": "MITRE ATT&CK",
            "tactic": { "id": "TA0040", "name": "Impact", "reference": "https://attack.mitre.org/tactics/TA0040/" },
            "technique": [
                {
                    "id": "T1485",
                    "name": "Data Destruction",
                    "reference": "https://attack.mitre.org/techniques/T1485/",
                    "subtechnique": []
                },
                {
                    "id": "T1489",
                    "name": "Service Stop",
                    "reference": "https://attack.mitre.org/techniques/T1489/",
                    "subtechnique": []
                }
            ]
        }]);
        assert_eq!(fields["threat"], expected);
        assert_eq!(fields["parameters"]["threat"], expected);
    }

    #[test]
    fn uuid_only_when_known() {
        let info = Rule::bundled().info;
        assert_eq!(rule_fields(&info, None, "t").get("uuid"), None);
        assert_eq!(rule_fields(&info, Some("so-1"), "t")["uuid"], json!("so-1"));
    }

    #[test]
    fn query_and_schedule() {
        let info = Rule::bundled().info;
        let fields = rule_fields(&info, None, "t");
        assert_eq!(fields["parameters"]["query"], json!(info.query));
        assert_eq!(fields["parameters"]["language"], json!("kuery"));
        assert_eq!(
            fields["parameters"]["index"],
            json!(["logs-aws.cloudtrail-*"])
        );
        assert_eq!(fields["indices"], json!(["logs-aws.cloudtrail-*"]));
        assert_eq!(fields["from"], json!("now-6m"));
        assert_eq!(fields["to"], json!("now"));
        assert_eq!(fields["interval"], json!("5m"));
        assert_eq!(fields["max_signals"], json!(100));
        assert_eq!(fields["timestamp_override"], json!("event.ingested"));
        assert_eq!(
            fields["execution"],
            json!({ "timestamp": "t", "type": "scheduled" })
        );
    }
}
