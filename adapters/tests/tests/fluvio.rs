//! The Fluvio SmartModule, run by Fluvio's own engine crate over batches of records.

use adapter_tests::{FLUVIO_FILTER_WASM, field, fixture_line, module_bytes};
use fluvio_smartengine::{
    DEFAULT_SMARTENGINE_VERSION, SmartEngine, SmartModuleChainBuilder, SmartModuleConfig,
};
use fluvio_smartmodule::Record;
use fluvio_smartmodule::dataplane::smartmodule::{SmartModuleInput, SmartModuleOutput};
use rule_core::Timestamp;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

const RULE_ID: &str = "bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b";
const PINNED_TIME: &str = "2024-05-01T12:05:00.000Z";

/// Initializes the SmartModule with `params`, as `fluvio consume -e KEY=VALUE` passes them.
fn chain(params: &[(&str, &str)]) -> anyhow::Result<fluvio_smartengine::SmartModuleChainInstance> {
    let mut config = SmartModuleConfig::builder();
    config.smartmodule_names(vec!["rule-filter".to_owned()]);
    for (key, value) in params {
        config.param(*key, *value);
    }

    let mut builder = SmartModuleChainBuilder::default();
    builder.add_smart_module(config.build()?, module_bytes(FLUVIO_FILTER_WASM));
    builder.initialize(&SmartEngine::new())
}

/// Runs one batch with the processing time pinned.
fn run(params: &[(&str, &str)], values: &[String]) -> SmartModuleOutput {
    let pinned = format!(r#"{{"processing_time": "{PINNED_TIME}"}}"#);
    let mut all_params = vec![("rule_config", pinned.as_str())];
    all_params.extend_from_slice(params);

    let mut chain = chain(&all_params).expect("SmartModule initializes");
    let records = values
        .iter()
        .map(|value| Record::new(value.as_str()))
        .collect();
    let input = SmartModuleInput::try_from_records(records, DEFAULT_SMARTENGINE_VERSION)
        .expect("records encode");
    chain.process(input).expect("engine runs the batch")
}

fn value(record: &Record) -> Value {
    serde_json::from_slice(record.value.as_ref()).expect("output record is JSON")
}

fn key(record: &Record) -> Option<String> {
    record
        .key
        .as_ref()
        .map(|key| String::from_utf8_lossy(key.as_ref()).into_owned())
}

#[test]
fn deletion_becomes_alert_keyed_by_uuid() {
    let output = run(&[], &[fixture_line("delete-function.json")]);

    assert!(output.error.is_none(), "{:?}", output.error);
    assert_eq!(output.successes.len(), 1);
    let alert = value(&output.successes[0]);
    assert_eq!(
        field(&alert, "kibana.alert.rule.rule_id"),
        Some(&json!(RULE_ID))
    );
    assert_eq!(field(&alert, "@timestamp"), Some(&json!(PINNED_TIME)));
    let uuid = field(&alert, "kibana.alert.uuid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    assert_eq!(key(&output.successes[0]), uuid);
}

#[test]
fn other_event_is_dropped() {
    let output = run(&[], &[fixture_line("list-functions.json")]);

    assert!(output.error.is_none(), "{:?}", output.error);
    assert_eq!(output.successes.len(), 0);
}

#[test]
fn malformed_record_does_not_stop_batch() {
    let batch = [
        fixture_line("delete-function.json"),
        "{\"eventName\": ".to_owned(),
        fixture_line("list-functions.json"),
        fixture_line("delete-function-deploy-bot.json"),
    ];

    let output = run(&[], &batch);

    assert!(output.error.is_none(), "{:?}", output.error);
    let keys: Vec<Option<String>> = output.successes.iter().map(key).collect();
    assert_eq!(keys.len(), 3, "alert, error record, alert: {keys:?}");
    assert_eq!(keys[1].as_deref(), Some("rule-error"));
    assert_eq!(
        field(&value(&output.successes[1]), "rule_error.kind"),
        Some(&json!("invalid-json"))
    );
    for index in [0, 2] {
        let alert = value(&output.successes[index]);
        assert_eq!(
            field(&alert, "kibana.alert.rule.rule_id"),
            Some(&json!(RULE_ID))
        );
    }
}

#[test]
fn malformed_record_dropped_on_request() {
    let batch = [
        "not json at all".to_owned(),
        fixture_line("delete-function.json"),
    ];

    let output = run(&[("on_error", "drop")], &batch);

    assert!(output.error.is_none(), "{:?}", output.error);
    assert_eq!(output.successes.len(), 1);
    assert_eq!(
        field(&value(&output.successes[0]), "kibana.alert.rule.rule_id"),
        Some(&json!(RULE_ID))
    );
}

#[test]
fn annotate_output_keeps_every_record() {
    let batch = [
        fixture_line("list-functions.json"),
        fixture_line("delete-function.json"),
    ];

    let output = run(&[("output", "annotate")], &batch);

    assert!(output.error.is_none(), "{:?}", output.error);
    assert_eq!(output.successes.len(), 2);
    assert_eq!(
        value(&output.successes[0]),
        serde_json::from_str::<Value>(&batch[0]).unwrap()
    );
    let annotated = value(&output.successes[1]);
    let rule_id =
        field(&annotated, "rule_alert").and_then(|alert| field(alert, "kibana.alert.rule.rule_id"));
    assert_eq!(rule_id, Some(&json!(RULE_ID)));
}

#[test]
fn wrapped_line_alerts() {
    let record = json!({ "log": fixture_line("delete-function.json") }).to_string();

    let output = run(&[], &[record]);

    assert_eq!(output.successes.len(), 1);
    assert_eq!(
        field(&value(&output.successes[0]), "kibana.alert.rule.rule_id"),
        Some(&json!(RULE_ID))
    );
}

#[test]
fn wall_clock_is_processing_time_by_default() {
    let mut chain = chain(&[]).expect("SmartModule initializes");
    let records = vec![Record::new(fixture_line("delete-function.json"))];
    let input = SmartModuleInput::try_from_records(records, DEFAULT_SMARTENGINE_VERSION).unwrap();

    let before = unix_millis(SystemTime::now());
    let output = chain.process(input).expect("engine runs the batch");
    let after = unix_millis(SystemTime::now());

    let alert = value(&output.successes[0]);
    let stamp = field(&alert, "@timestamp")
        .and_then(Value::as_str)
        .expect("@timestamp");
    let stamped = Timestamp::parse(stamp)
        .expect("an RFC 3339 @timestamp")
        .unix_nanos()
        / 1_000_000;
    assert!(
        (before..=after).contains(&stamped),
        "@timestamp {stamp} outside the call"
    );
}

fn unix_millis(time: SystemTime) -> i128 {
    time.duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i128
}

#[test]
fn invalid_parameter_fails_initialization() {
    let Err(error) = chain(&[("output", "everything")]) else {
        panic!("initialization succeeded with output=everything");
    };

    let message = format!("{error:#}");
    assert!(message.contains("everything"), "{message}");
}
