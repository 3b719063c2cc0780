//! Deletions seen within the look-back: replay detection and burst counts.
//!
//! Each distinct record that matched the query (by its alert uuid) is remembered with its
//! event time and principal until the detector forgets times before the look-back. A copy
//! of a remembered record is a replay, and the records of one principal make its burst.

// Ordered maps, not HashMap: std's HashMap seeds its hasher from `wasi:random`, an import
// the component would otherwise need for nothing but this state.
use std::collections::{BTreeMap, BTreeSet};

use crate::timestamp::Timestamp;

/// One remembered record.
#[derive(Debug, Clone)]
struct Sighting {
    time: i128,
    principal: Option<String>,
}

/// Records seen within the look-back, indexed by uuid, by time and by principal.
#[derive(Debug, Clone, Default)]
pub(super) struct RecentDeletions {
    by_uuid: BTreeMap<String, Sighting>,
    /// Every remembered record as (event time in nanoseconds, uuid), for forgetting in
    /// time order.
    by_time: BTreeSet<(i128, String)>,
    /// Records per principal, as counts by event time in nanoseconds.
    by_principal: BTreeMap<String, BTreeMap<i128, u32>>,
}

impl RecentDeletions {
    /// Remembers the record `uuid`, unless it is already remembered. Returns true when
    /// the record is new.
    pub(super) fn record(&mut self, uuid: &str, time: Timestamp, principal: Option<&str>) -> bool {
        if self.by_uuid.contains_key(uuid) {
            return false;
        }

        let time = time.unix_nanos();
        if let Some(principal) = principal {
            let times = self.by_principal.entry(principal.to_string()).or_default();
            *times.entry(time).or_insert(0) += 1;
        }
        self.by_time.insert((time, uuid.to_string()));
        let sighting = Sighting {
            time,
            principal: principal.map(str::to_string),
        };
        self.by_uuid.insert(uuid.to_string(), sighting);
        true
    }

    /// Counts the remembered records of `principal` whose event time lies in
    /// `[time - lookback_seconds, time]`.
    pub(super) fn count(&self, principal: &str, time: Timestamp, lookback_seconds: u32) -> u64 {
        let Some(times) = self.by_principal.get(principal) else {
            return 0;
        };
        let end = time.unix_nanos();
        let start = end - i128::from(lookback_seconds) * 1_000_000_000;
        times
            .range(start..=end)
            .map(|(_, count)| u64::from(*count))
            .sum()
    }

    /// Forgets the records whose event time is before `cutoff`.
    pub(super) fn forget_before(&mut self, cutoff: Timestamp) {
        let cutoff = cutoff.unix_nanos();
        let kept = self.by_time.split_off(&(cutoff, String::new()));
        let forgotten = std::mem::replace(&mut self.by_time, kept);

        for (_, uuid) in forgotten {
            let Some(sighting) = self.by_uuid.remove(&uuid) else {
                continue;
            };
            if let Some(principal) = sighting.principal {
                self.forget_principal_time(&principal, sighting.time);
            }
        }
    }

    fn forget_principal_time(&mut self, principal: &str, time: i128) {
        let Some(times) = self.by_principal.get_mut(principal) else {
            return;
        };
        if let Some(count) = times.get_mut(&time) {
            *count -= 1;
            if *count == 0 {
                times.remove(&time);
            }
        }
        if times.is_empty() {
            self.by_principal.remove(principal);
        }
    }

    /// Returns the number of entries held across the indexes.
    pub(super) fn len(&self) -> usize {
        let principal_times: usize = self.by_principal.values().map(BTreeMap::len).sum();
        self.by_uuid.len() + self.by_time.len() + principal_times
    }
}

#[cfg(test)]
mod tests {
    use super::RecentDeletions;
    use crate::timestamp::Timestamp;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(seconds, 0).expect("test times are in range")
    }

    #[test]
    fn record_reports_new_once() {
        let mut recent = RecentDeletions::default();
        assert!(recent.record("a", at(10), Some("alice")));
        assert!(!recent.record("a", at(20), Some("alice")));
        assert!(recent.record("b", at(20), None));
    }

    #[test]
    fn count_covers_lookback_ending_at_time() {
        let mut recent = RecentDeletions::default();
        for (uuid, seconds) in [("a", 0), ("b", 100), ("c", 360), ("d", 400)] {
            recent.record(uuid, at(seconds), Some("alice"));
        }
        recent.record("e", at(360), Some("bob"));
        assert_eq!(recent.count("alice", at(360), 360), 3);
        assert_eq!(recent.count("alice", at(461), 360), 2);
        assert_eq!(recent.count("bob", at(360), 360), 1);
        assert_eq!(recent.count("carol", at(360), 360), 0);
    }

    #[test]
    fn forget_drops_every_index() {
        let mut recent = RecentDeletions::default();
        recent.record("a", at(0), Some("alice"));
        recent.record("b", at(0), Some("alice"));
        recent.record("c", at(50), Some("alice"));
        recent.forget_before(at(1));
        assert_eq!(recent.count("alice", at(50), 360), 1);
        assert!(recent.record("a", at(60), Some("alice")));
        recent.forget_before(at(100));
        assert_eq!(recent.len(), 0);
    }
}
