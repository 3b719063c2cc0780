//! Checks shared by the fuzz targets in `fuzz_targets/`.

pub mod query_tree;

use rule_core::Stats;

/// Asserts the detector's accounting after `calls` calls of `evaluate`: `events` counts
/// the calls, and every event is in exactly one of `alerts`, `no_match`, `excepted`,
/// `suppressed`, `duplicates`, `skipped` and `errors`.
pub fn check_stats(stats: Stats, calls: u64) {
    let outcomes = stats.alerts
        + stats.no_match
        + stats.excepted
        + stats.suppressed
        + stats.duplicates
        + stats.skipped
        + stats.errors;
    assert_eq!(
        stats.events, calls,
        "events does not count the calls: {stats:?}"
    );
    assert_eq!(
        stats.events, outcomes,
        "an event is lost or counted twice: {stats:?}"
    );
    assert!(
        stats.no_match_insight + stats.no_match_not_cloudtrail <= stats.no_match,
        "no_match is smaller than its parts: {stats:?}"
    );
}
