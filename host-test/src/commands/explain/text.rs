//! The readable form of an explanation document.

use std::fmt::Write as _;

use serde_json::Value;

/// Width of the labels in the left column.
const LABEL: usize = 11;

/// Renders the component's explanation `document` under `heading` as a block of lines:
/// shape, the fields the query reads, each clause's value, the exception and the verdict.
/// A document that is not the expected JSON is shown as it came, so that nothing a foreign
/// component says is lost.
pub fn explanation_text(heading: &str, document: &str) -> String {
    let mut text = format!("{heading}\n");
    let Ok(Value::Object(report)) = serde_json::from_str::<Value>(document) else {
        line(&mut text, "document", document);
        text.push('\n');
        return text;
    };

    let shape = report
        .get("shape")
        .and_then(Value::as_str)
        .unwrap_or("none");
    line(&mut text, "shape", shape);

    let fields = report.get("fields").and_then(Value::as_object);
    for (index, (field, values)) in fields.into_iter().flatten().enumerate() {
        let label = if index == 0 { "fields" } else { "" };
        line(
            &mut text,
            label,
            &format!("{field} = {}", values_text(values)),
        );
    }

    let clauses = report.get("clauses").and_then(Value::as_array);
    for (index, clause) in clauses.into_iter().flatten().enumerate() {
        let label = if index == 0 { "clauses" } else { "" };
        let value = clause.get("value").and_then(Value::as_str).unwrap_or("?");
        let source = clause.get("clause").and_then(Value::as_str).unwrap_or("?");
        line(&mut text, label, &format!("{value:<8} {source}"));
    }

    let exception = report.get("exception").and_then(Value::as_str);
    line(&mut text, "exception", exception.unwrap_or("none"));
    line(&mut text, "verdict", &verdict_text(report.get("verdict")));
    text.push('\n');
    text
}

fn line(text: &mut String, label: &str, value: &str) {
    let _ = writeln!(text, "  {label:<LABEL$}{value}");
}

/// A field's values as JSON, joined by `, `; `(missing)` for a field the event lacks.
fn values_text(values: &Value) -> String {
    match values {
        Value::Array(items) if items.is_empty() => "(missing)".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The verdict's kind followed by its details, such as `alert (uuid 3f2a...)`.
fn verdict_text(verdict: Option<&Value>) -> String {
    let Some(Value::Object(verdict)) = verdict else {
        return verdict.map_or_else(|| "none".to_owned(), Value::to_string);
    };
    let kind = verdict.get("kind").and_then(Value::as_str).unwrap_or("?");
    let details: Vec<String> = verdict
        .iter()
        .filter(|(key, _)| key.as_str() != "kind")
        .map(|(key, value)| detail_text(key, value))
        .collect();
    if details.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} ({})", details.join(", "))
    }
}

/// One detail of a verdict as `KEY VALUE`. A value that already starts with its key, such
/// as the label `item 2` that an unnamed exception item gets, is written alone instead of
/// as `item item 2`.
fn detail_text(key: &str, value: &Value) -> String {
    let Value::String(text) = value else {
        return format!("{key} {value}");
    };
    let labelled = text
        .strip_prefix(key)
        .is_some_and(|rest| rest.starts_with(' '));
    if labelled {
        text.clone()
    } else {
        format!("{key} {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_names_excepted_item_once() {
        let cases = [
            (
                r#"{"kind":"excepted","item":"item 1"}"#,
                "excepted (item 1)",
            ),
            (
                r#"{"kind":"excepted","item":"deploy role"}"#,
                "excepted (item deploy role)",
            ),
            (
                r#"{"kind":"excepted","item":"items list"}"#,
                "excepted (item items list)",
            ),
            (
                r#"{"kind":"no_match","reason":"query"}"#,
                "no_match (reason query)",
            ),
        ];
        for (verdict, expected) in cases {
            let verdict: Value = serde_json::from_str(verdict).expect("verdict JSON");
            assert_eq!(verdict_text(Some(&verdict)), expected, "{verdict}");
        }
    }
}
