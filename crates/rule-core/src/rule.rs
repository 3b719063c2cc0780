//! The rule definition, read from a TOML file in the layout of Elastic's detection-rules
//! repository.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::RuleError;
use crate::kql::Query;

/// The rule file this crate ships, embedded so that every build evaluates the same query.
pub const BUNDLED_RULE_TOML: &str =
    include_str!("../../../rules/impact_lambda_function_deleted.toml");

/// Alert severity, as Elastic Security names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The lowercase name Kibana writes into `kibana.alert.severity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A MITRE ATT&CK tactic or technique.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Technique {
    pub id: String,
    pub name: String,
    pub reference: String,
}

/// The rule's metadata, as the rule file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub rule_id: String,
    pub name: String,
    pub version: u32,
    pub rule_type: String,
    pub description: String,
    pub author: Vec<String>,
    pub license: String,
    pub false_positives: Vec<String>,
    pub note: String,
    pub severity: Severity,
    pub risk_score: u8,
    pub language: String,
    /// The query text exactly as written in the file.
    pub query: String,
    pub index_patterns: Vec<String>,
    /// The schedule as written (`5m`) and in seconds.
    pub interval: String,
    pub interval_seconds: u32,
    /// The start of the search range as written (`now-6m`) and its look-back in seconds.
    pub from: String,
    pub lookback_seconds: u32,
    pub max_alerts_per_execution: u32,
    pub timestamp_override: Option<String>,
    pub tactics: Vec<Technique>,
    pub techniques: Vec<Technique>,
    pub tags: Vec<String>,
    pub references: Vec<String>,
    pub investigation_fields: Vec<String>,
    /// Lowercase hex SHA-256 of the rule file's bytes.
    pub digest: String,
}

/// A loaded rule: its metadata and its parsed query.
#[derive(Debug, Clone)]
pub struct Rule {
    pub info: RuleInfo,
    pub query: Query,
}

/// Kibana's default for `max_signals` when a rule file sets none.
const DEFAULT_MAX_SIGNALS: u32 = 100;

impl Rule {
    /// Loads the rule this crate ships.
    pub fn bundled() -> Rule {
        Rule::from_toml(BUNDLED_RULE_TOML)
            .expect("the bundled rule file is valid; its tests say so")
    }

    /// Loads a rule file. Fails when the file lacks a required key, when the rule is not a
    /// KQL query rule, or when the query uses syntax the evaluator cannot run.
    pub fn from_toml(text: &str) -> Result<Rule, RuleError> {
        let file: RuleFile =
            toml::from_str(text).map_err(|error| RuleError::InvalidFile(error.to_string()))?;
        let rule = file.rule;
        if rule.rule_type != "query" || rule.language != "kuery" {
            return Err(RuleError::InvalidFile(format!(
                "rule type `{}` in language `{}` is not supported; only `query` rules in `kuery` are",
                rule.rule_type, rule.language
            )));
        }
        let query = Query::parse(&rule.query)
            .map_err(|error| RuleError::InvalidQuery(error.to_string()))?;
        let interval_seconds = parse_duration(&rule.interval, "interval")?;
        let lookback_seconds = parse_duration(
            rule.from.strip_prefix("now-").ok_or_else(|| {
                RuleError::InvalidFile(format!(
                    "`from` is `{}`; expected the form `now-6m`",
                    rule.from
                ))
            })?,
            "from",
        )?;
        let (tactics, techniques) = split_threat(rule.threat);
        let info = RuleInfo {
            rule_id: rule.rule_id,
            name: rule.name,
            version: rule.version,
            rule_type: rule.rule_type,
            description: rule.description.trim().to_string(),
            author: rule.author,
            license: rule.license,
            false_positives: rule
                .false_positives
                .iter()
                .map(|text| dedent(text))
                .collect(),
            note: rule.note,
            severity: rule.severity,
            risk_score: rule.risk_score,
            language: rule.language,
            query: rule.query,
            index_patterns: rule.index,
            interval: rule.interval,
            interval_seconds,
            from: rule.from,
            lookback_seconds,
            max_alerts_per_execution: rule.max_signals.unwrap_or(DEFAULT_MAX_SIGNALS),
            timestamp_override: rule.timestamp_override,
            tactics,
            techniques,
            tags: rule.tags,
            references: rule.references,
            investigation_fields: rule
                .investigation_fields
                .map(|f| f.field_names)
                .unwrap_or_default(),
            digest: hex_sha256(text.as_bytes()),
        };
        Ok(Rule { info, query })
    }
}

/// Removes the indentation that a multi-line TOML string inside an array carries from its
/// file layout, and the surrounding blank lines, as detection-rules does when it builds a
/// rule.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.get(indent..).unwrap_or("").trim_end())
        .collect();
    lines.join("\n").trim().to_string()
}

/// Returns the lowercase hex SHA-256 of `bytes`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Parses an Elastic rule duration such as `5m`, `30s` or `1h` into seconds.
fn parse_duration(text: &str, key: &str) -> Result<u32, RuleError> {
    let invalid = || {
        RuleError::InvalidFile(format!(
            "`{key}` duration `{text}` is invalid; expected a number and a unit s, m, h or d, such as `5m`"
        ))
    };
    let unit_at = text.len().checked_sub(1).ok_or_else(invalid)?;
    let (number, unit) = text.split_at(unit_at);
    let number: u32 = number.parse().map_err(|_| invalid())?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(invalid()),
    };
    number.checked_mul(scale).ok_or_else(invalid)
}

fn split_threat(threats: Vec<ThreatEntry>) -> (Vec<Technique>, Vec<Technique>) {
    let mut tactics = Vec::new();
    let mut techniques = Vec::new();
    for threat in threats {
        tactics.push(threat.tactic);
        techniques.extend(threat.technique);
    }
    (tactics, techniques)
}

#[derive(Deserialize)]
struct RuleFile {
    rule: RuleSection,
}

#[derive(Deserialize)]
struct RuleSection {
    rule_id: String,
    name: String,
    version: u32,
    #[serde(rename = "type")]
    rule_type: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    author: Vec<String>,
    #[serde(default)]
    license: String,
    #[serde(default)]
    false_positives: Vec<String>,
    #[serde(default)]
    note: String,
    severity: Severity,
    risk_score: u8,
    language: String,
    query: String,
    index: Vec<String>,
    interval: String,
    from: String,
    max_signals: Option<u32>,
    timestamp_override: Option<String>,
    #[serde(default)]
    threat: Vec<ThreatEntry>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
    investigation_fields: Option<InvestigationFields>,
}

#[derive(Deserialize)]
struct ThreatEntry {
    tactic: Technique,
    #[serde(default)]
    technique: Vec<Technique>,
}

#[derive(Deserialize)]
struct InvestigationFields {
    field_names: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rule_metadata() {
        let info = Rule::bundled().info;
        assert_eq!(info.rule_id, "bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b");
        assert_eq!(info.name, "AWS Lambda Function Deletion");
        assert_eq!(info.version, 1);
        assert_eq!(info.severity, Severity::Low);
        assert_eq!(info.risk_score, 21);
        assert_eq!(info.interval_seconds, 300);
        assert_eq!(info.lookback_seconds, 360);
        assert_eq!(info.max_alerts_per_execution, 100);
        assert_eq!(info.timestamp_override.as_deref(), Some("event.ingested"));
        assert_eq!(info.index_patterns, ["logs-aws.cloudtrail-*"]);
        assert_eq!(info.investigation_fields.len(), 14);
        assert_eq!(info.digest.len(), 64);
    }

    #[test]
    fn bundled_rule_threat() {
        let info = Rule::bundled().info;
        let tactic_ids: Vec<_> = info.tactics.iter().map(|t| t.id.as_str()).collect();
        let technique_ids: Vec<_> = info.techniques.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(tactic_ids, ["TA0040"]);
        assert_eq!(technique_ids, ["T1485", "T1489"]);
    }

    #[test]
    fn rejects_eql_rule() {
        let text = BUNDLED_RULE_TOML.replace("language = \"kuery\"", "language = \"eql\"");
        let error = Rule::from_toml(&text).unwrap_err();
        assert!(error.to_string().contains("`eql`"), "{error}");
    }

    #[test]
    fn rejects_bad_interval() {
        let text = BUNDLED_RULE_TOML.replace("interval = \"5m\"", "interval = \"5 minutes\"");
        let error = Rule::from_toml(&text).unwrap_err();
        assert!(error.to_string().contains("`5 minutes`"), "{error}");
    }

    #[test]
    fn false_positives_lose_file_indentation() {
        let info = Rule::bundled().info;
        let text = &info.false_positives[0];
        assert!(
            text.starts_with("Functions are deleted routinely"),
            "{text}"
        );
        assert!(!text.contains("\n "), "indentation kept: {text:?}");
    }

    #[test]
    fn dedent_keeps_relative_indentation() {
        assert_eq!(dedent("\n    a\n      b\n    c\n"), "a\n  b\nc");
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("5m", "interval"), Ok(300));
        assert_eq!(parse_duration("30s", "interval"), Ok(30));
        assert_eq!(parse_duration("2h", "interval"), Ok(7200));
        assert!(parse_duration("m", "interval").is_err());
        assert!(parse_duration("", "interval").is_err());
    }
}
