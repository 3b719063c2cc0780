use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::ast::{self, Matcher, Node, Test, ValueTree};
use super::*;
use crate::rule::Rule;

const BUNDLED: &str = "data_stream.dataset: \"aws.cloudtrail\" and event.provider: \
                       \"lambda.amazonaws.com\" and\n    event.action: (DeleteFunction or \
                       DeleteFunction20*) and event.outcome: \"success\"";

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("test document is not an object: {other}"),
    }
}

/// The query's tree with every group in parentheses, each clause in brackets.
fn shape(query: &Query) -> String {
    fn walk(node: &Node, query: &Query) -> String {
        let join = |items: &[Node], separator: &str| {
            let parts: Vec<String> = items.iter().map(|item| walk(item, query)).collect();
            format!("({})", parts.join(separator))
        };
        match node {
            Node::Or(items) => join(items, " | "),
            Node::And(items) => join(items, " & "),
            Node::Not(item) => format!("!{}", walk(item, query)),
            Node::Clause(index) => format!("[{}]", query.clauses[*index]),
        }
    }
    walk(&query.root, query)
}

fn parse(text: &str) -> Query {
    Query::parse(text).unwrap_or_else(|error| panic!("{text:?} does not parse: {error}"))
}

#[test]
#[rustfmt::skip]
fn parse_valid_cases() {
    let cases = [
        ("a:b", "[a: b]"),
        ("a : b", "[a: b]"),
        ("  a:   b  ", "[a: b]"),
        ("a:b and c:d", "([a: b] & [c: d])"),
        ("a:b AND c:d Or e:f", "(([a: b] & [c: d]) | [e: f])"),
        ("a:b or c:d and e:f", "([a: b] | ([c: d] & [e: f]))"),
        ("a:b and not c:d or e:f", "(([a: b] & ![c: d]) | [e: f])"),
        ("NOT a:b", "![a: b]"),
        ("nOt a:b", "![a: b]"),
        ("not (a:b or c:d)", "!([a: b] | [c: d])"),
        ("(a:b or c:d) and e:f", "(([a: b] | [c: d]) & [e: f])"),
        ("((a:b))", "[a: b]"),
        ("a:b and\n  c:d", "([a: b] & [c: d])"),
        ("a:b\tor\tc:d", "([a: b] | [c: d])"),
        ("a: (b)", "[a: b]"),
        ("a:(b or c)", "[a: (b or c)]"),
        ("a:( b OR c )", "[a: (b or c)]"),
        ("a:(b or c and not d)", "[a: (b or c and not d)]"),
        ("a:(b and (c or d))", "[a: (b and (c or d))]"),
        ("a:(not (b or c))", "[a: (not (b or c))]"),
        ("a: \"quoted value\"", "[a: \"quoted value\"]"),
        ("a: \"DeleteFunction20*\"", "[a: \"DeleteFunction20*\"]"),
        ("a: DeleteFunction20*", "[a: DeleteFunction20*]"),
        ("a: *Function*", "[a: *Function*]"),
        ("a: \\*", "[a: \\*]"),
        ("a: DeleteFunction20\\*", "[a: DeleteFunction20\\*]"),
        ("a: \\(x\\)", "[a: \\(x\\)]"),
        ("a: \\\\", "[a: \\\\]"),
        ("a: \"say \\\"hi\\\"\"", "[a: \"say \\\"hi\\\"\"]"),
        ("a: \"back\\slash\"", "[a: \"back\\\\slash\"]"),
        ("a: foo bar", "[a: foo bar]"),
        ("a: foo \\or bar", "[a: foo \\or bar]"),
        ("a: \\NOT b", "[a: \\NOT b]"),
        ("a: b or", "[a: b \\or]"),
        ("a: b and", "[a: b \\and]"),
        ("a: cannot", "[a: can\\u006eot]"),
        ("a: caf\\u00e9", "[a: café]"),
        ("a: \"caf\\u00E9\"", "[a: \"café\"]"),
        ("a: \\ud83d\\ude00", "[a: 😀]"),
        ("a: x\\ty", "[a: x\\ty]"),
        ("a: a?c", "[a: a?c]"),
        ("a: *", "[a: *]"),
        ("a: true", "[a: true]"),
        ("a: \"true\"", "[a: \"true\"]"),
        ("a: false", "[a: false]"),
        ("a: 1.5", "[a: 1.5]"),
        ("a: \"\"", "[a: \"\"]"),
        ("a:b and or c:d", "([a: b] & [or c: d])"),
        ("\"event.action\": x", "[event.action: x]"),
        ("\"my field\": x", "[my field: x]"),
        ("a < 5", "[a < 5]"),
        ("a<=5", "[a <= 5]"),
        ("a > \"x y\"", "[a > \"x y\"]"),
        ("a >= 5", "[a >= 5]"),
        ("source.port>1000 and source.port<2000", "([source.port > 1000] & [source.port < 2000])"),
        ("source.ip: 192.0.2.0/24", "[source.ip: 192.0.2.0/24]"),
        ("source.ip: \"2001:db8::1\"", "[source.ip: \"2001:db8::1\"]"),
        ("@timestamp >= \"2024-01-01T00:00:00Z\"", "[@timestamp >= \"2024-01-01T00:00:00Z\"]"),
        ("@timestamp < 1704067200000", "[@timestamp < 1704067200000]"),
        ("aws.cloudtrail.read_only: false", "[aws.cloudtrail.read_only: false]"),
        ("source.port: *", "[source.port: *]"),
    ];
    for (text, expected) in cases {
        assert_eq!(shape(&parse(text)), expected, "{text:?}");
    }
}

#[test]
#[rustfmt::skip]
fn parse_invalid_cases() {
    let cases = [
        ("", 1, "the query is empty"),
        ("  \n ", 1, "the query is empty"),
        ("a:", 3, "expected `(`, `{`, value, whitespace but found end of input"),
        ("a:b c:d", 6, "expected AND, OR, end of input, whitespace but found `:`"),
        ("a:b)", 4, "expected AND, OR, end of input, whitespace but found `)`"),
        ("(a:b", 5, "expected AND, OR, `)`, whitespace but found end of input"),
        ("a: \"abc", 4, "unterminated quoted string starting at column 4"),
        ("a: (b or c", 11, "expected AND, OR, `)`, whitespace but found end of input"),
        ("a: \\x", 4, "found `\\`"),
        ("a: knot x", 5, "found `n`"),
        ("not not a:b", 5, "expected `(`, field name, value but found `n`"),
        ("not(a:b)", 4, "found `(`"),
        ("a <", 4, "expected literal, whitespace but found end of input"),
        ("a: <", 4, "found `<`"),
        ("a:{b:c}", 1, "the nested query `a:{ ... }` is not supported"),
        ("x:y and a: { b: c }", 9, "the nested query `a:{ ... }` is not supported"),
        ("event.*: x", 1, "the wildcard field name `event.*` is not supported"),
        ("*: *", 1, "the wildcard field name `*` is not supported"),
        ("foo", 1, "the free-text query `foo` has no field name"),
        ("a:b and \"quoted words\"", 9, "the free-text query `\"quoted words\"` has no field name"),
        ("null: x", 1, "the free-text query `x` has no field name"),
        ("a: null", 4, "an unquoted `null` value for `a` is not supported"),
        ("a: (b or null)", 10, "an unquoted `null` value for `a` is not supported"),
        ("a > null", 5, "an unquoted `null` range bound for `a` is not supported"),
        ("a > x*", 5, "the range bound `x*` contains a wildcard"),
        ("@timestamp > now-1d", 14, "`now-1d` is not a valid date value for `@timestamp`"),
        ("@timestamp: 2024-01-01", 13, "`2024-01-01` is not a valid date value for `@timestamp`"),
        ("source.port > abc", 15, "`abc` is not a valid long value for `source.port`"),
        ("source.port: 8O", 14, "`8O` is not a valid long value for `source.port`"),
        ("source.ip: abc", 12, "`abc` is not a valid ip value for `source.ip`: write an IPv4"),
        ("source.ip: 10.*", 12, "the wildcard value `10.*` on the ip field `source.ip`"),
        ("aws.cloudtrail.read_only: yes", 27, "`yes` is not a valid boolean value"),
        ("a: \\ud800", 4, "`\\ud800` is half of a UTF-16 surrogate pair"),
    ];
    for (text, column, message) in cases {
        match Query::parse(text) {
            Ok(query) => panic!("{text:?} parsed as {}", shape(&query)),
            Err(error) => {
                assert!(
                    error.message.contains(message),
                    "{text:?}: {}",
                    error.message
                );
                assert_eq!(error.column, column, "{text:?}: {}", error.message);
                assert_eq!(error.query, text);
            }
        }
    }
}

#[test]
fn error_display_names_column_and_query() {
    let error = Query::parse("a:{b:c}").unwrap_err();
    let text = error.to_string();
    assert!(text.ends_with("at column 1 of `a:{b:c}`"), "{text}");
}

#[test]
fn rendered_query_parses_back() {
    let texts = [
        BUNDLED,
        "a:b or c:d and not (e:f or g < 5)",
        "a: (b or c and not d) and not x: *",
        "a: foo \\or bar \\NOT baz and b: \"q \\\" \\\\ *\"",
        "\"my field\": \"\" or \"true\": x",
    ];
    for text in texts {
        let query = parse(text);
        let again = parse(&query.to_string());
        assert_eq!(again.root, query.root, "{text:?} rendered as {query}");
        assert_eq!(again.clauses, query.clauses, "{text:?} rendered as {query}");
    }
}

#[test]
fn bundled_query_normal_form() {
    let expected = "data_stream.dataset: \"aws.cloudtrail\" and event.provider: \
                    \"lambda.amazonaws.com\" and event.action: (DeleteFunction or \
                    DeleteFunction20*) and event.outcome: \"success\"";
    assert_eq!(parse(BUNDLED).to_string(), expected);
}

#[test]
fn bundled_rule_reads_four_fields() {
    let rule = Rule::bundled();
    let fields = rule.query.fields();
    assert_eq!(
        fields,
        [
            "data_stream.dataset",
            "event.provider",
            "event.action",
            "event.outcome"
        ]
    );
}

#[test]
fn bundled_rule_compiles_wildcard_once() {
    let query = Rule::bundled().query;
    let Test::Values(ValueTree::Or(values)) = &query.clauses[2].test else {
        panic!("event.action is not a value list: {}", query.clauses[2]);
    };
    let matchers: Vec<&Matcher> = values
        .iter()
        .map(|value| match value {
            ValueTree::Term(term) => &term.matcher,
            other => panic!("unexpected value {other:?}"),
        })
        .collect();
    assert!(matches!(matchers[0], Matcher::Exact(text) if text == "DeleteFunction"));
    assert!(matches!(matchers[1], Matcher::Wildcard(_)));
}

fn lambda_event(action: &str) -> Value {
    json!({
        "data_stream": {"dataset": "aws.cloudtrail"},
        "event": {"provider": "lambda.amazonaws.com", "action": action, "outcome": "success"}
    })
}

#[test]
fn bundled_query_cases() {
    let query = parse(BUNDLED);
    let mut dotted = object(lambda_event("x"));
    dotted.clear();
    dotted.insert("data_stream.dataset".into(), json!("aws.cloudtrail"));
    dotted.insert("event.provider".into(), json!("lambda.amazonaws.com"));
    dotted.insert("event.action".into(), json!("DeleteFunction20150331"));
    dotted.insert("event.outcome".into(), json!("success"));
    let cases = [
        (lambda_event("DeleteFunction"), true),
        (lambda_event("DeleteFunction20150331"), true),
        (lambda_event("DeleteFunction20150331v2"), true),
        (lambda_event("DeleteFunction2"), false),
        (lambda_event("deletefunction20150331"), false),
        (lambda_event("DeleteFunctionConcurrency20171031"), false),
        (lambda_event("DeleteFunctionUrlConfig"), false),
        (lambda_event("DeleteFunctionUrlConfig20211031"), false),
        (lambda_event("DeleteFunctionEventInvokeConfig"), false),
        (lambda_event("DeleteFunctionCodeSigningConfig"), false),
        (lambda_event("DeleteAlias20150331"), false),
        (lambda_event("DeleteEventSourceMapping20150331"), false),
        (lambda_event("CreateFunction20150331"), false),
        (Value::Object(dotted), true),
    ];
    for (doc, expected) in cases {
        assert_eq!(query.matches(&object(doc.clone())), expected, "{doc}");
    }
}

#[test]
fn bundled_query_field_variants() {
    let query = parse(BUNDLED);
    let with = |pointer: &str, value: Value| {
        let mut doc = lambda_event("DeleteFunction20150331");
        *doc.pointer_mut(pointer).unwrap() = value;
        doc
    };
    let cases = [
        (with("/event/outcome", json!("failure")), false),
        (with("/event/outcome", json!("Success")), false),
        (with("/event/outcome", json!(["failure", "success"])), true),
        (with("/event/outcome", json!(null)), false),
        (
            with("/event/provider", json!("Lambda.amazonaws.com")),
            false,
        ),
        (
            with("/data_stream/dataset", json!("aws.cloudtrail_logs")),
            false,
        ),
        (with("/data_stream", json!({})), false),
        (
            with("/event/action", json!(["GetFunction", "DeleteFunction"])),
            true,
        ),
        (
            with("/event/action", json!([null, "DeleteFunction20150331"])),
            true,
        ),
        (with("/event/action", json!([])), false),
        (
            with("/event/action", json!({"name": "DeleteFunction"})),
            false,
        ),
    ];
    for (doc, expected) in cases {
        assert_eq!(query.matches(&object(doc.clone())), expected, "{doc}");
    }
}

#[test]
#[rustfmt::skip]
fn evaluation_cases() {
    let cases = [
        // Exact, case-sensitive terms.
        ("event.action: DeleteFunction", json!({"event": {"action": "DeleteFunction"}}), true),
        ("event.action: DeleteFunction", json!({"event": {"action": "deletefunction"}}), false),
        ("event.action: DeleteFunction", json!({"event": {"action": "DeleteFunction20150331"}}), false),
        ("event.action: DeleteFunction", json!({"event": {"action": " DeleteFunction"}}), false),
        ("Event.Action: DeleteFunction", json!({"event": {"action": "DeleteFunction"}}), false),
        ("a: \"hello world\"", json!({"a": "hello world"}), true),
        ("a: hello world", json!({"a": "hello world"}), true),
        ("a: hello world", json!({"a": "hello"}), false),
        ("a: \"\"", json!({"a": ""}), true),
        ("a: \"\"", json!({}), false),
        ("a: caf\\u00e9", json!({"a": "café"}), true),
        // Wildcards: unquoted only, anchored at both ends, `?` literal.
        ("a: \"DeleteFunction20*\"", json!({"a": "DeleteFunction20150331"}), false),
        ("a: \"DeleteFunction20*\"", json!({"a": "DeleteFunction20*"}), true),
        ("a: DeleteFunction20\\*", json!({"a": "DeleteFunction20*"}), true),
        ("a: DeleteFunction20\\*", json!({"a": "DeleteFunction20150331"}), false),
        ("a: *Function*", json!({"a": "DeleteFunction20150331"}), true),
        ("a: *Function", json!({"a": "DeleteFunction20150331"}), false),
        ("a: Delete*31", json!({"a": "DeleteFunction20150331"}), true),
        ("a: a?c*", json!({"a": "abcd"}), false),
        ("a: a?c*", json!({"a": "a?cd"}), true),
        ("a: Delete*", json!({"a": 12}), false),
        ("a: 1*", json!({"a": 12}), true),
        // Arrays, nulls, empty arrays.
        ("tags: b", json!({"tags": ["a", "b"]}), true),
        ("tags: b", json!({"tags": ["a", "c"]}), false),
        ("tags: b", json!({"tags": [null, "b"]}), true),
        ("tags: b", json!({"tags": [["a"], ["b"]]}), true),
        ("tags: b", json!({"tags": []}), false),
        ("not tags: b", json!({"tags": []}), true),
        ("tags: (a and b)", json!({"tags": ["a", "b"]}), true),
        ("tags: (a and b)", json!({"tags": ["a"]}), false),
        ("tags: (a and not b)", json!({"tags": ["a", "b"]}), false),
        ("tags: (a and not b)", json!({"tags": ["a", "c"]}), true),
        ("tags: (not b)", json!({}), true),
        ("r.n: 2", json!({"r": [{"n": 1}, {"n": [2]}]}), true),
        ("r.n: 3", json!({"r": [{"n": 1}, {"n": [2]}]}), false),
        // Dotted, nested and mixed keys name one field.
        ("event.action: A", json!({"event.action": "A"}), true),
        ("event.action: A", json!({"event": {"action": "A"}}), true),
        ("event.action: A", json!({"event": {"action": "B"}, "event.action": "A"}), true),
        ("event.action: (A and B)", json!({"event": {"action": "B"}, "event.action": "A"}), true),
        ("event.x.y: 1", json!({"event": {"x.y": 1}}), true),
        ("event.x.y: 1", json!({"event.x": {"y": 1}}), true),
        // Numbers and booleans by their keyword text.
        ("n: 42", json!({"n": 42}), true),
        ("n: 42", json!({"n": "42"}), true),
        ("n: \"42\"", json!({"n": 42}), true),
        ("n: 42", json!({"n": 42.0}), false),
        ("n: 42", json!({"n": "042"}), false),
        ("n: 1.5", json!({"n": 1.5}), true),
        ("n: -7", json!({"n": -7}), true),
        ("b: true", json!({"b": true}), true),
        ("b: true", json!({"b": "true"}), true),
        ("b: \"true\"", json!({"b": true}), true),
        ("b: true", json!({"b": "True"}), false),
        ("b: false", json!({"b": false}), true),
        ("b: false", json!({"b": true}), false),
        // An object never matches a term, but counts for existence.
        ("event: x", json!({"event": {"a": "x"}}), false),
        ("event: *", json!({"event": {"action": "x"}}), true),
        ("event: *", json!({"event": {"action": null}}), false),
        // Existence.
        ("a: *", json!({"a": "x"}), true),
        ("a: *", json!({"a": ""}), true),
        ("a: *", json!({"a": 0}), true),
        ("a: *", json!({"a": false}), true),
        ("a: *", json!({"a": null}), false),
        ("a: *", json!({"a": []}), false),
        ("a: *", json!({"a": [null]}), false),
        ("a: *", json!({}), false),
        ("a: **", json!({"a": ""}), true),
        ("not a: *", json!({}), true),
        // Ranges on long fields compare numbers.
        ("source.port > 1000", json!({"source": {"port": 8080}}), true),
        ("source.port > 1000", json!({"source": {"port": 80}}), false),
        ("source.port > 1000", json!({"source": {"port": "8080"}}), true),
        ("source.port >= 80", json!({"source": {"port": 80}}), true),
        ("source.port > 80", json!({"source": {"port": 80}}), false),
        ("source.port < 80", json!({"source": {"port": 80}}), false),
        ("source.port <= 80", json!({"source": {"port": 80}}), true),
        ("source.port < 80.5", json!({"source": {"port": 80}}), true),
        ("source.port > 79.5", json!({"source": {"port": 80}}), true),
        ("source.port > 1000", json!({"source": {"port": "many"}}), false),
        ("source.port > 1000", json!({}), false),
        ("source.port: 80", json!({"source": {"port": 80.0}}), true),
        ("source.port: 80", json!({"source": {"port": "80"}}), true),
        ("source.port: 80.5", json!({"source": {"port": 80}}), false),
        ("source.port: *", json!({"source": {"port": 80}}), true),
        // Ranges and terms on date fields compare instants.
        ("@timestamp >= \"2024-01-01T00:00:00Z\"", json!({"@timestamp": "2024-01-01T00:00:00.000Z"}), true),
        ("@timestamp > \"2024-01-01T00:00:00Z\"", json!({"@timestamp": "2024-01-01T00:00:00.000Z"}), false),
        ("@timestamp > \"2024-01-01T00:00:00Z\"", json!({"@timestamp": "2024-01-01T02:00:00+02:00"}), false),
        ("@timestamp > \"2024-01-01T00:00:00Z\"", json!({"@timestamp": "2024-01-01T00:00:00.001Z"}), true),
        ("@timestamp < \"2024-01-01T00:00:00\"", json!({"@timestamp": "2023-12-31T23:59:59Z"}), true),
        ("@timestamp < 1704067200001", json!({"@timestamp": "2024-01-01T00:00:00Z"}), true),
        ("@timestamp < 1704067200000", json!({"@timestamp": "2024-01-01T00:00:00Z"}), false),
        ("@timestamp: \"2024-01-01T01:00:00+01:00\"", json!({"@timestamp": "2024-01-01T00:00:00.000Z"}), true),
        ("event.ingested > \"2024-01-01T00:00:00Z\"", json!({"event": {"ingested": "not a date"}}), false),
        // Ranges on keyword fields, known or unknown, compare text.
        ("user.name > m", json!({"user": {"name": "zed"}}), true),
        ("user.name > m", json!({"user": {"name": "alice"}}), false),
        ("user.name > m", json!({"user": {"name": "Zed"}}), false),
        ("cloud.account.id >= 111122223333", json!({"cloud": {"account": {"id": "111122223333"}}}), true),
        ("x.unknown < 9", json!({"x": {"unknown": "10"}}), true),
        ("x.unknown < 9", json!({"x": {"unknown": 10}}), true),
        ("x.unknown < 9", json!({"x": {"unknown": {"n": 1}}}), false),
        // IP fields compare addresses.
        ("source.ip: 192.0.2.0/24", json!({"source": {"ip": "192.0.2.10"}}), true),
        ("source.ip: 192.0.2.0/24", json!({"source": {"ip": "198.51.100.1"}}), false),
        ("source.ip: \"2001:db8::/32\"", json!({"source": {"ip": "2001:db8::10"}}), true),
        ("source.ip: \"2001:db8::1\"", json!({"source": {"ip": "2001:0db8:0::1"}}), true),
        ("source.ip: 192.0.2.10", json!({"source": {"ip": "192.0.2.10"}}), true),
        ("source.ip: 192.0.2.10", json!({"source": {"ip": "lambda.amazonaws.com"}}), false),
        ("source.ip >= 192.0.2.100", json!({"source": {"ip": "192.0.2.99"}}), false),
        ("source.ip >= 192.0.2.100", json!({"source": {"ip": "192.0.2.200"}}), true),
        // Boolean fields.
        ("aws.cloudtrail.read_only: false", json!({"aws": {"cloudtrail": {"read_only": false}}}), true),
        ("aws.cloudtrail.read_only: false", json!({"aws": {"cloudtrail": {"read_only": "false"}}}), true),
        ("aws.cloudtrail.read_only: false", json!({"aws": {"cloudtrail": {"read_only": "False"}}}), false),
        ("aws.cloudtrail.read_only: \"true\"", json!({"aws": {"cloudtrail": {"read_only": true}}}), true),
        // Boolean structure and missing fields.
        ("not event.outcome: failure", json!({}), true),
        ("not event.outcome: failure", json!({"event": {"outcome": "failure"}}), false),
        ("a: x or b: y", json!({"b": "y"}), true),
        ("a: x and b: y", json!({"b": "y"}), false),
        ("a: x or b: y and c: z", json!({"a": "x"}), true),
        ("(a: x or b: y) and c: z", json!({"a": "x"}), false),
    ];
    for (text, doc, expected) in cases {
        let query = parse(text);
        assert_eq!(
            query.matches(&object(doc.clone())),
            expected,
            "{text} on {doc}"
        );
    }
}

#[test]
fn explain_bundled_query() {
    let query = parse(BUNDLED);
    let doc = json!({
        "data_stream": {"dataset": "aws.cloudtrail"},
        "event": {"provider": "lambda.amazonaws.com", "action": "DeleteFunctionUrlConfig"}
    });
    let outcomes = query.explain(&object(doc));
    let expected = [
        (
            "data_stream.dataset: \"aws.cloudtrail\"",
            "data_stream.dataset",
            ClauseValue::True,
        ),
        (
            "event.provider: \"lambda.amazonaws.com\"",
            "event.provider",
            ClauseValue::True,
        ),
        (
            "event.action: (DeleteFunction or DeleteFunction20*)",
            "event.action",
            ClauseValue::False,
        ),
        (
            "event.outcome: \"success\"",
            "event.outcome",
            ClauseValue::MissingField,
        ),
    ];
    assert_eq!(outcomes.len(), expected.len());
    for (outcome, (clause, field, value)) in outcomes.iter().zip(expected) {
        assert_eq!(outcome.clause, clause);
        assert_eq!(outcome.field, field);
        assert_eq!(outcome.value, value, "{clause}");
    }
}

#[test]
fn explain_negated_value_list_on_missing_field() {
    let query = parse("a: (not x) and not b: y");
    let outcomes = query.explain(&object(json!({})));
    let values: Vec<ClauseValue> = outcomes.iter().map(|outcome| outcome.value).collect();
    assert_eq!(values, [ClauseValue::True, ClauseValue::MissingField]);
    assert!(query.matches(&object(json!({}))));
}

#[test]
fn fields_are_distinct_in_query_order() {
    let query = parse("b: 1 or a: 2 and b > 0 and not c: *");
    assert_eq!(query.fields(), ["b", "a", "c"]);
}

#[test]
fn source_is_kept_verbatim() {
    assert_eq!(parse(BUNDLED).source(), BUNDLED);
}

/// A plain recursive matcher to check the compiled wildcard patterns against.
fn naive_wildcard(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|skip| naive_wildcard(rest, &text[skip..])),
        Some((c, rest)) => text.first() == Some(c) && naive_wildcard(rest, &text[1..]),
    }
}

fn compiled_matcher(query: &Query) -> &Matcher {
    match &query.clauses[0].test {
        Test::Values(ValueTree::Term(term)) => &term.matcher,
        other => panic!("not a single term: {other:?}"),
    }
}

proptest! {
    #[test]
    fn unquoted_rendering_round_trips(text in "[ab or\\\\():<>\"*{}\t\n\u{a0}ntNOTuU]{0,14}") {
        let rendered = ast::Written::Unquoted(vec![text.clone()]);
        let query = parse(&format!("f: {}", render_for_test(&rendered)));
        prop_assert_eq!(compiled_matcher(&query), &Matcher::Exact(text));
    }

    #[test]
    fn quoted_rendering_round_trips(text in "[ab \\\\\"*\t\n\\\\ut]{0,14}") {
        let rendered = ast::Written::Quoted(text.clone());
        let query = parse(&format!("f: {}", render_for_test(&rendered)));
        prop_assert_eq!(compiled_matcher(&query), &Matcher::Exact(text));
    }

    #[test]
    fn wildcard_agrees_with_naive_matcher(pattern in "[ab*]{1,8}", text in "[ab]{0,8}") {
        prop_assume!(pattern.contains('*'));
        let query = parse(&format!("f: {pattern}"));
        let doc = object(json!({"f": text.clone()}));
        let pattern_chars: Vec<char> = pattern.chars().collect();
        let text_chars: Vec<char> = text.chars().collect();
        prop_assert_eq!(query.matches(&doc), naive_wildcard(&pattern_chars, &text_chars));
    }
}

fn render_for_test(written: &ast::Written) -> String {
    ast::render_written(written)
}
