//! `kibana.alert.reason`: the one-line summary Kibana writes with its shared reason template.

use serde_json::{Map, Value};

use super::lookup::get_dotted_or_nested;

/// Builds the reason the way Kibana's template does for every detection rule type:
///
/// `[CATEGORY ]event[ with][ process P,][ parent process Q,][ file F,][ source IP][:PORT,]`
/// `[ destination IP][:PORT,][ by USER][ on HOST] created SEVERITY alert NAME.`
///
/// "with" appears only when a process, parent process, file, source or destination field
/// is present. Each field is read from the event as lodash `get` reads it; arrays are
/// joined with ", ".
pub(crate) fn build_reason(doc: &Map<String, Value>, severity: &str, rule_name: &str) -> String {
    let field = |path: &str| template_value(get_dotted_or_nested(doc, path));

    let process = field("process.name");
    let parent = field("process.parent.name");
    let file = field("file.name");
    let source = field("source.ip");
    let source_port = field("source.port");
    let destination = field("destination.ip");
    let destination_port = field("destination.port");
    let of_interest = [
        &process,
        &parent,
        &file,
        &source,
        &source_port,
        &destination,
        &destination_port,
    ];
    let has_field_of_interest = of_interest.iter().any(|value| value.is_some());

    let mut reason = String::new();
    if let Some(category) = field("event.category") {
        reason.push_str(&format!("{category} "));
    }
    reason.push_str("event");
    if has_field_of_interest {
        reason.push_str(" with");
    }
    push_some(&mut reason, " process ", &process, ",");
    push_some(&mut reason, " parent process ", &parent, ",");
    push_some(&mut reason, " file ", &file, ",");
    push_some(&mut reason, " source ", &source, "");
    push_some(&mut reason, ":", &source_port, ",");
    push_some(&mut reason, " destination ", &destination, "");
    push_some(&mut reason, ":", &destination_port, ",");
    push_some(&mut reason, " by ", &field("user.name"), "");
    push_some(&mut reason, " on ", &field("host.name"), "");
    reason.push_str(&format!(" created {severity} alert {rule_name}."));
    reason
}

fn push_some(reason: &mut String, before: &str, value: &Option<String>, after: &str) {
    if let Some(value) = value {
        reason.push_str(before);
        reason.push_str(value);
        reason.push_str(after);
    }
}

/// Turns a field into its text in the template, or `None` where Kibana treats it as
/// missing.
///
/// Kibana keeps only values with a non-zero JavaScript `length`: non-empty strings and
/// arrays. So numbers, booleans and objects count as missing, as do `"-"` and `["-"]`. The
/// template then selects on the text, so the text `null` is missing as well.
fn template_value(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(text) if !text.is_empty() && text != "-" => text.clone(),
        Value::Array(items) if !items.is_empty() && items != &[Value::from("-")] => items
            .iter()
            .map(javascript_text)
            .collect::<Vec<_>>()
            .join(", "),
        _ => return None,
    };
    (text != "null").then_some(text)
}

/// Returns the text JavaScript's `Array.prototype.join` writes for one element.
// NOTE: numbers are written as serde_json writes them, which differs from JavaScript for
// large and tiny doubles. The template fields contain names, addresses and ports.
fn javascript_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(javascript_text)
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SUFFIX: &str = "created low alert AWS Lambda Function Deletion.";

    fn reason(doc: Value) -> String {
        build_reason(
            doc.as_object().expect("an object"),
            "low",
            "AWS Lambda Function Deletion",
        )
    }

    #[test]
    fn source_and_user() {
        let doc = json!({ "source": { "ip": "192.0.2.10" }, "user": { "name": "ops-user" } });
        assert_eq!(
            reason(doc),
            format!("event with source 192.0.2.10 by ops-user {SUFFIX}")
        );
    }

    #[test]
    fn user_only() {
        let doc = json!({ "source": { "address": "cloudformation.amazonaws.com" }, "user": { "name": "ops-user" } });
        assert_eq!(reason(doc), format!("event by ops-user {SUFFIX}"));
    }

    #[test]
    fn neither_source_nor_user() {
        assert_eq!(
            reason(json!({ "event": { "action": "DeleteFunction" } })),
            format!("event {SUFFIX}")
        );
    }

    #[test]
    fn every_template_field() {
        let doc = json!({
            "event": { "category": ["iam", "configuration"] },
            "process": { "name": "terraform", "parent": { "name": "bash" } },
            "file": { "name": "main.tf" },
            "source": { "ip": "192.0.2.10", "port": ["443"] },
            "destination": { "ip": "198.51.100.7", "port": ["8443"] },
            "user": { "name": "ops-user" },
            "host": { "name": "runner-1" }
        });
        let expected = "iam, configuration event with process terraform, parent process bash, file main.tf, \
                        source 192.0.2.10:443, destination 198.51.100.7:8443, by ops-user on runner-1 \
                        created medium alert r.";
        let text = build_reason(doc.as_object().expect("an object"), "medium", "r");
        assert_eq!(text, expected);
    }

    #[test]
    fn dotted_keys_and_arrays() {
        let doc = json!({ "source.ip": ["192.0.2.10", "2001:db8::1"], "user.name": "ops-user" });
        assert_eq!(
            reason(doc),
            format!("event with source 192.0.2.10, 2001:db8::1 by ops-user {SUFFIX}")
        );
    }

    #[test]
    fn missing_value_forms() {
        let missing = [
            json!(""),
            json!([]),
            json!("-"),
            json!(["-"]),
            json!(null),
            json!(7),
            json!("null"),
        ];
        for value in missing {
            let doc = json!({ "user": { "name": value.clone() } });
            assert_eq!(reason(doc), format!("event {SUFFIX}"), "{value}");
        }
    }

    #[test]
    fn numeric_port_counts_as_missing() {
        let doc = json!({ "source": { "ip": "192.0.2.10", "port": 443 } });
        assert_eq!(
            reason(doc),
            format!("event with source 192.0.2.10 {SUFFIX}")
        );
    }
}
