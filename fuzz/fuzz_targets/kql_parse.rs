//! Arbitrary query text through the KQL parser, `rule_core::kql::Query::parse`.
//!
//! A query that parses must print (`Display`) to text that parses to an equal query: the
//! same tree once nested `or` and `and` lists are flattened (see `query_tree`). Printing it
//! again must give the same text, and both queries must agree on every clause and verdict
//! over a few fixed documents. None of this may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rule_core::kql::{KqlError, Query};
use rule_core_fuzz::query_tree::structure;
use serde_json::{Map, Value, json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    let query = match Query::parse(text) {
        Ok(query) => query,
        Err(error) => return check_error(&error, text),
    };

    let printed = query.to_string();
    let reparsed = reparse(&printed, text);
    assert_eq!(
        structure(&reparsed),
        structure(&query),
        "{text:?} prints as {printed:?}, which parses to another query"
    );
    assert_eq!(
        reparsed.to_string(),
        printed,
        "printing {text:?} is not stable"
    );

    for doc in documents(&query) {
        assert_eq!(
            reparsed.matches(&doc),
            query.matches(&doc),
            "verdicts differ on {doc:?}"
        );
        assert_eq!(
            reparsed.explain(&doc),
            query.explain(&doc),
            "clauses differ on {doc:?}"
        );
    }
});

fn reparse(printed: &str, text: &str) -> Query {
    match Query::parse(printed) {
        Ok(query) => query,
        Err(error) => panic!("{text:?} prints as {printed:?}, which does not parse: {error}"),
    }
}

fn check_error(error: &KqlError, text: &str) {
    assert!(
        !error.message.is_empty(),
        "the error for {text:?} has no message"
    );
    assert_eq!(error.query, text, "the error quotes another query");

    // A column may point one past the last character, at the end of the input.
    let length = text.chars().count();
    assert!(
        (1..=length + 1).contains(&error.column),
        "column {} lies outside {text:?}",
        error.column
    );
}

/// Documents that reach each kind of value: text, numbers, booleans, dates, addresses,
/// arrays, nested objects, dotted keys and nulls. The last one gives every field the query
/// reads the text `fuzz-filler`, so that every clause finds its field.
fn documents(query: &Query) -> Vec<Map<String, Value>> {
    let fixed = [
        json!({
            "@timestamp": "2024-05-14T09:21:37.000Z",
            "data_stream": {"dataset": "aws.cloudtrail"},
            "event": {
                "action": "DeleteFunction20150331",
                "provider": "lambda.amazonaws.com",
                "outcome": "success",
                "duration": 1500,
                "risk_score": 47.5
            },
            "source": {"ip": "192.0.2.10", "port": 443},
            "aws": {"cloudtrail": {"read_only": false}}
        }),
        json!({
            "event.action": ["DeleteFunction", "deletefunction", null, 7],
            "event": {"outcome": ["failure", true]},
            "source.ip": ["2001:db8::1", "not an address"],
            "related": {"ip": ["198.51.100.7", "192.0.2.0"]},
            "@timestamp": ["2024-05-14", 1715678497000_i64, "yesterday"],
            "a": {"b": {"c": "deep"}},
            "a.b": [{"c": "array"}, {"c": 1.5}]
        }),
        json!({"event": null, "source": {"port": "443"}, "": "empty key"}),
    ];

    let mut documents: Vec<Map<String, Value>> = fixed
        .into_iter()
        .filter_map(|value| match value {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .collect();

    let mut filled = Map::new();
    for field in query.fields() {
        filled.insert(field, json!("fuzz-filler"));
    }
    documents.push(filled);
    documents
}
