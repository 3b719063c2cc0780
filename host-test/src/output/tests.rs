use std::io::Write;

use serde_json::{Value, json};

use super::*;

fn alert(uuid: &str, reason: &str) -> Value {
    json!({
        "@timestamp": "2024-05-01T12:00:00.000Z",
        "kibana": {"alert": {
            "uuid": uuid,
            "original_time": "2024-05-14T10:05:12.000Z",
            "reason": reason,
        }},
        "user": {"name": "deploy-pipeline"},
        "aws.cloudtrail": {"flattened": {"request_parameters": {"functionName": "billing"}}},
        "source": {"address": "198.51.100.23"},
        "cloud": {"account": {"id": "111122223333"}, "region": "us-east-1"},
    })
}

fn write_all(format: OutputFormat, index: Option<&str>, text: &[u8]) -> String {
    let mut writer = AlertWriter::new(Vec::new(), format, index.map(str::to_owned));
    // Written in small pieces, as a buffered writer may split a line.
    for piece in text.chunks(7) {
        writer.write_all(piece).expect("written");
    }
    writer.finish().expect("finished");
    String::from_utf8(writer.inner).expect("UTF-8")
}

#[test]
fn field_text_reads_nested_and_dotted_keys() {
    let document = alert("u1", "r");
    let cases = [
        ("kibana.alert.uuid", Some("u1")),
        (
            "aws.cloudtrail.flattened.request_parameters.functionName",
            Some("billing"),
        ),
        ("cloud.account.id", Some("111122223333")),
        ("source.ip", None),
        ("cloud", None),
    ];
    for (path, expected) in cases {
        assert_eq!(field_text(&document, path).as_deref(), expected, "{path}");
    }
}

#[test]
fn ndjson_passes_lines_through() {
    let text = format!("{}\n{}\n", alert("u1", "a"), alert("u2", "b"));
    assert_eq!(write_all(OutputFormat::Ndjson, None, text.as_bytes()), text);
}

#[test]
fn es_bulk_pairs_create_actions_with_documents() {
    let documents = [alert("u1", "a"), alert("u2", "b")];
    let text: String = documents.iter().map(|d| format!("{d}\n")).collect();
    let output = write_all(OutputFormat::EsBulk, Some("alerts-x"), text.as_bytes());

    let lines: Vec<Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 4);
    for (pair, document) in lines.chunks(2).zip(&documents) {
        let uuid = &document["kibana"]["alert"]["uuid"];
        assert_eq!(
            pair[0],
            json!({"create": {"_id": uuid, "_index": "alerts-x"}})
        );
        assert_eq!(&pair[1], document);
    }
}

#[test]
fn es_bulk_without_index_leaves_it_to_the_url() {
    let action = bulk_action(&alert("u1", "a"), None).expect("action");
    assert_eq!(action, r#"{"create":{"_id":"u1"}}"#);
}

#[test]
fn es_bulk_rejects_alert_without_uuid() {
    let error = bulk_action(&json!({"event": {}}), None).expect_err("no uuid");
    assert!(error.to_string().contains("kibana.alert.uuid"), "{error}");
}

#[test]
fn pretty_aligns_columns() {
    let text = format!(
        "{}\n{}\n",
        alert("u1", "short"),
        alert("u2", "a longer reason")
    );
    let output = write_all(OutputFormat::Pretty, None, text.as_bytes());
    let lines: Vec<&str> = output.lines().collect();

    assert_eq!(lines.len(), 3, "{output}");
    assert!(lines[0].starts_with("TIME"), "{output}");
    let reason_column = lines[0].find("REASON").expect("reason header");
    assert_eq!(lines[1].find("short"), Some(reason_column), "{output}");
    assert_eq!(
        lines[2].find("a longer reason"),
        Some(reason_column),
        "{output}"
    );
}

#[test]
fn pretty_row_takes_event_time_and_actor_fallback() {
    let mut document = alert("u1", "r");
    let row = AlertRow::from_document(&document);
    assert_eq!(row.time, "2024-05-14T10:05:12.000Z");
    assert_eq!(row.actor, "deploy-pipeline");
    assert_eq!(row.source, "198.51.100.23");

    document["user"] = Value::Null;
    document["aws.cloudtrail"]["user_identity"] =
        json!({"arn": "arn:aws:iam::111122223333:user/x"});
    let row = AlertRow::from_document(&document);
    assert_eq!(row.actor, "arn:aws:iam::111122223333:user/x");
}

#[test]
fn pretty_row_without_event_time_shows_placeholder() {
    let mut document = alert("u1", "r");
    document["kibana"]["alert"]
        .as_object_mut()
        .expect("alert object")
        .remove("original_time");

    let row = AlertRow::from_document(&document);
    // The alert's `@timestamp` is the processing time, not the event's.
    assert_eq!(row.time, "-");
}

#[test]
fn pretty_escapes_control_and_format_characters() {
    let cases = [
        ("line\nbreak\u{1b}[2J", r"line\nbreak\u{1b}[2J"),
        ("invoice\u{202e}fdp.exe", r"invoice\u{202e}fdp.exe"),
        (
            "a\u{2066}b\u{2069}c\u{200f}",
            r"a\u{2066}b\u{2069}c\u{200f}",
        ),
        ("zero\u{200b}width\u{feff}", r"zero\u{200b}width\u{feff}"),
        ("tab\tcr\rnul\0", r"tab\tcr\rnul\0"),
        ("line\u{2028}separator", r"line\u{2028}separator"),
        ("no\u{a0}break", r"no\u{a0}break"),
    ];
    for (reason, expected) in cases {
        let row = AlertRow::from_document(&alert("u1", reason));
        assert_eq!(row.reason, expected, "{reason:?}");
    }
}

#[test]
fn pretty_keeps_ordinary_text() {
    let cases = [
        "O'Brien said \"ok\" C:\\tmp",
        "Ren\u{e9}e M\u{fc}ller",
        "e\u{301}t\u{e9}",
        "\u{939}\u{93f}\u{928}\u{94d}\u{926}\u{940}",
        "\u{6f22}\u{5b57} \u{1f600}",
    ];
    for reason in cases {
        let row = AlertRow::from_document(&alert("u1", reason));
        assert_eq!(row.reason, reason);
    }
}

#[test]
fn ndjson_keeps_bidi_characters_as_json() {
    let text = format!("{}\n", alert("u1", "invoice\u{202e}fdp.exe"));
    assert_eq!(write_all(OutputFormat::Ndjson, None, text.as_bytes()), text);
}

#[test]
fn pretty_table_shows_escaped_bidi_override() {
    let text = format!("{}\n", alert("u1", "invoice\u{202e}fdp.exe"));
    let output = write_all(OutputFormat::Pretty, None, text.as_bytes());
    assert!(!output.contains('\u{202e}'), "{output:?}");
    assert!(output.contains(r"invoice\u{202e}fdp.exe"), "{output}");
}
