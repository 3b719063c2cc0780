use serde_json::Value;

use super::{Generator, Record, Summary};

fn records(seed: u64, count: usize) -> Vec<Record> {
    let mut generator = Generator::new(seed);
    (0..count).map(|_| generator.record()).collect()
}

/// The rule's meaning, read from the decoded record: used only to check the generator.
fn is_successful_deletion(record: &Value) -> bool {
    let name = record["eventName"].as_str().unwrap_or_default();
    record["eventSource"] == "lambda.amazonaws.com"
        && (name == "DeleteFunction" || name.starts_with("DeleteFunction20"))
        && record.get("errorCode").is_none()
        && record.get("errorMessage").is_none()
}

#[test]
fn same_seed_same_stream() {
    assert_eq!(records(7, 2_000), records(7, 2_000));
}

#[test]
fn other_seed_other_stream() {
    assert_ne!(records(7, 100), records(8, 100));
}

#[test]
fn every_record_is_one_json_object() {
    for record in records(11, 20_000) {
        let value: Value = serde_json::from_str(&record.line).unwrap();
        assert!(value.is_object(), "{}", record.line);
        assert!(!record.line.contains('\n'), "{}", record.line);
    }
}

#[test]
fn must_alert_matches_decoded_record() {
    // The deletion rate is 1 in 2000, so 200k records hold about 100 of them.
    for record in records(3, 200_000) {
        let value: Value = serde_json::from_str(&record.line).unwrap();
        assert_eq!(
            is_successful_deletion(&value),
            record.must_alert,
            "{}",
            record.line
        );
    }
}

#[test]
fn mix_has_expected_rates() {
    let stream = records(5, 200_000);
    let lambda = stream
        .iter()
        .filter(|r| r.line.contains("\"lambda.amazonaws.com\",\"eventName\""))
        .count();
    let alerts = stream.iter().filter(|r| r.must_alert).count();

    // Lambda is 1%, less the records whose eventSource is spelled in escapes.
    assert!(
        (1_700..=2_300).contains(&lambda),
        "lambda records: {lambda}"
    );
    // 0.05% of 200k is 100.
    assert!(
        (60..=140).contains(&alerts),
        "successful deletions: {alerts}"
    );
}

#[test]
fn sizes_have_median_and_tail() {
    let mut summary = Summary::default();
    for record in records(9, 50_000) {
        summary.add(&record);
    }

    let sizes = summary.size_percentiles();

    assert!((1_150..=1_450).contains(&sizes.median), "{sizes:?}");
    assert!((8_000..=21_000).contains(&sizes.max), "{sizes:?}");
}

#[test]
fn some_records_use_unicode_escapes() {
    let escaped = records(13, 20_000)
        .iter()
        .filter(|r| r.line.contains("\\u"))
        .count();

    assert!(escaped >= 20, "records with \\u escapes: {escaped}");
}
