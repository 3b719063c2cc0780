//! The Fluent Bit filter, called the way Fluent Bit's `filter_wasm` calls it.

use adapter_tests::fluent_bit_host::{
    DEFAULT_HEAP_SIZE, DropCause, FilterResult, FluentBitHost, NOT_COMMAND_OR_REACTOR,
};
use adapter_tests::{
    FLUENT_BIT_ANNOTATE_WASM, FLUENT_BIT_FILTER_WASM, FLUENT_BIT_FUNCTION, FLUENT_BIT_WASIP1_WASM,
    compiled, field, fixture_line,
};
use serde_json::{Value, json};

const RULE_ID: &str = "bb3ac0e3-2c9c-4069-a26d-75ca6a6e547b";
const TAG: &str = "aws.cloudtrail";

/// 2024-05-01T12:05:00.250Z, five minutes after the fixtures' deletion.
const RECORD_TIME: (u32, u32) = (1_714_565_100, 250_000_000);
const RECORD_TIME_TEXT: &str = "2024-05-01T12:05:00.250Z";

/// The `wasm_heap_size` the README recommends.
const RECOMMENDED_HEAP_SIZE: u32 = 4 * 1024 * 1024;

fn load(path: &'static str, heap_size: u32) -> FluentBitHost {
    FluentBitHost::load(&compiled(path), FLUENT_BIT_FUNCTION, heap_size).expect("filter loads")
}

fn replaced(result: FilterResult) -> Value {
    match result {
        FilterResult::Replaced(text) => serde_json::from_str(&text).expect("host checked JSON"),
        FilterResult::Dropped(cause) => panic!("expected a replaced record, got {cause:?}"),
    }
}

fn stats(host: &mut FluentBitHost) -> Value {
    let text = host
        .call_string_export("rule_filter_stats")
        .expect("stats export");
    serde_json::from_str(&text).expect("stats are JSON")
}

/// Builds a deletion event with a request parameter of `size` bytes, so the record is larger.
fn large_deletion(size: usize) -> String {
    let mut event: Value = serde_json::from_str(&fixture_line("delete-function.json")).unwrap();
    event["requestParameters"]["padding"] = json!("x".repeat(size));
    event.to_string()
}

#[test]
fn deletion_becomes_alert_document() {
    let mut host = load(FLUENT_BIT_FILTER_WASM, DEFAULT_HEAP_SIZE);

    let alert = replaced(host.filter(TAG, RECORD_TIME, &fixture_line("delete-function.json")));

    assert_eq!(
        field(&alert, "kibana.alert.rule.rule_id"),
        Some(&json!(RULE_ID))
    );
    assert_eq!(field(&alert, "@timestamp"), Some(&json!(RECORD_TIME_TEXT)));
    assert_eq!(
        field(&alert, "event.action"),
        Some(&json!("DeleteFunction20150331"))
    );
    assert_eq!(host.log(), [] as [String; 0]);
}

#[test]
fn other_event_is_dropped() {
    let mut host = load(FLUENT_BIT_FILTER_WASM, DEFAULT_HEAP_SIZE);

    let result = host.filter(TAG, RECORD_TIME, &fixture_line("list-functions.json"));

    assert_eq!(result, FilterResult::Dropped(DropCause::EmptyString));
    assert_eq!(stats(&mut host)["dropped"], json!(1));
}

#[test]
fn wrapped_line_alerts_like_plain_record() {
    let line = fixture_line("delete-function.json");
    let plain =
        replaced(load(FLUENT_BIT_FILTER_WASM, DEFAULT_HEAP_SIZE).filter(TAG, RECORD_TIME, &line));

    for key in ["log", "message"] {
        let record = json!({ key: line, "stream": "stdout" }).to_string();
        let mut host = load(FLUENT_BIT_FILTER_WASM, DEFAULT_HEAP_SIZE);

        let wrapped = replaced(host.filter(TAG, RECORD_TIME, &record));

        assert_eq!(wrapped, plain, "record wrapped in `{key}`");
    }
}

#[test]
fn unreadable_record_becomes_error_record() {
    let mut host = load(FLUENT_BIT_FILTER_WASM, DEFAULT_HEAP_SIZE);
    let record = json!({ "log": "{\"eventName\": \"DeleteFunction\"," }).to_string();

    let error = replaced(host.filter(TAG, RECORD_TIME, &record));

    assert_eq!(
        field(&error, "rule_error.kind"),
        Some(&json!("invalid-json"))
    );
    assert_eq!(field(&error, "rule_error.rule_id"), Some(&json!(RULE_ID)));
    assert_eq!(stats(&mut host)["errors"], json!(1));
}

#[test]
fn large_record_with_default_heap_is_dropped() {
    let mut host = load(FLUENT_BIT_FILTER_WASM, DEFAULT_HEAP_SIZE);
    let record = large_deletion(200_000);

    let result = host.filter(TAG, RECORD_TIME, &record);

    assert_eq!(result, FilterResult::Dropped(DropCause::EmptyString));
    let warning = format!("warning: allocate {} bytes memory failed", record.len() + 1);
    assert_eq!(host.log(), [warning]);
}

#[test]
fn large_record_with_recommended_heap_alerts() {
    let mut host = load(FLUENT_BIT_FILTER_WASM, RECOMMENDED_HEAP_SIZE);

    let alert = replaced(host.filter(TAG, RECORD_TIME, &large_deletion(200_000)));

    assert_eq!(
        field(&alert, "kibana.alert.rule.rule_id"),
        Some(&json!(RULE_ID))
    );
    assert_eq!(host.log(), [] as [String; 0]);
}

#[test]
fn repeated_calls_keep_memory_bounded() {
    let mut host = load(FLUENT_BIT_FILTER_WASM, RECOMMENDED_HEAP_SIZE);
    let records = [
        fixture_line("delete-function.json"),
        fixture_line("list-functions.json"),
        json!({ "log": fixture_line("list-functions.json") }).to_string(),
        json!({ "log": "not an event" }).to_string(),
        large_deletion(20_000),
    ];

    // Warm up, so that each buffer has reached the size its largest result needs.
    for record in &records {
        host.filter(TAG, RECORD_TIME, record);
    }
    let warm_size = host.memory_size();

    for call in 0..10_000 {
        host.filter(TAG, RECORD_TIME, &records[call % records.len()]);
        assert_eq!(
            host.heap_blocks_in_use(),
            0,
            "copies left in the app heap after call {call}"
        );
    }

    let growth = host.memory_size() - warm_size;
    assert!(
        growth <= 2 * 65_536,
        "linear memory grew by {growth} bytes over 10,000 calls"
    );
}

#[test]
fn returned_string_outlives_the_call() {
    let mut host = load(FLUENT_BIT_FILTER_WASM, DEFAULT_HEAP_SIZE);
    let first = replaced(host.filter(TAG, RECORD_TIME, &fixture_line("delete-function.json")));
    let address = host.last_return().expect("the call returned");

    // The host copies the next record in before it calls again.
    let copies = host.copy_inputs(TAG, &fixture_line("list-functions.json"));
    let still_there = host
        .read_c_string(address)
        .expect("a C string at the returned address");

    assert_eq!(
        serde_json::from_slice::<Value>(&still_there).unwrap(),
        first
    );
    assert_eq!(
        host.call(copies, RECORD_TIME),
        FilterResult::Dropped(DropCause::EmptyString)
    );
}

#[test]
fn unknown_unknown_module_imports_nothing() {
    let module = compiled(FLUENT_BIT_FILTER_WASM);
    let imports: Vec<String> = module
        .imports()
        .map(|import| format!("{}::{}", import.module(), import.name()))
        .collect();

    assert_eq!(imports, [] as [String; 0]);
}

#[test]
fn wasip1_module_warns_and_alerts() {
    let mut host = load(FLUENT_BIT_WASIP1_WASM, DEFAULT_HEAP_SIZE);

    let alert = replaced(host.filter(TAG, RECORD_TIME, &fixture_line("delete-function.json")));

    assert_eq!(
        field(&alert, "kibana.alert.rule.rule_id"),
        Some(&json!(RULE_ID))
    );
    assert_eq!(host.log(), [NOT_COMMAND_OR_REACTOR]);
}

#[test]
fn annotate_build_passes_every_record() {
    let mut host = load(FLUENT_BIT_ANNOTATE_WASM, DEFAULT_HEAP_SIZE);
    let other = fixture_line("list-functions.json");

    let passed = replaced(host.filter(TAG, RECORD_TIME, &other));
    let alerted = replaced(host.filter(TAG, RECORD_TIME, &fixture_line("delete-function.json")));

    assert_eq!(passed, serde_json::from_str::<Value>(&other).unwrap());
    assert_eq!(
        field(&alerted, "eventName"),
        Some(&json!("DeleteFunction20150331"))
    );
    let rule_id =
        field(&alerted, "rule_alert").and_then(|alert| field(alert, "kibana.alert.rule.rule_id"));
    assert_eq!(rule_id, Some(&json!(RULE_ID)));
}

#[test]
fn annotate_build_applies_embedded_exception() {
    let mut host = load(FLUENT_BIT_ANNOTATE_WASM, DEFAULT_HEAP_SIZE);

    let passed = replaced(host.filter(
        TAG,
        RECORD_TIME,
        &fixture_line("delete-function-deploy-bot.json"),
    ));

    assert_eq!(field(&passed, "rule_alert"), None);
    assert_eq!(
        field(&passed, "eventName"),
        Some(&json!("DeleteFunction20150331"))
    );
    assert_eq!(stats(&mut host)["excepted"], json!(1));
}
