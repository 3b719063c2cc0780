//! The per-window alert cap, Kibana's `max_signals` for a stream.
//!
//! Kibana raises at most `max_signals` alerts per rule execution. A stream has no
//! executions, so the detector cuts event time into windows as long as the rule's
//! interval, tumbling and aligned to the Unix epoch, and allows that many alerts in each.
//! Kibana keeps the earliest events of an execution because it sorts them; a stream
//! cannot sort, so the first alerts to arrive are kept.

use std::collections::BTreeMap;

use crate::timestamp::Timestamp;

/// Alert counts per window.
#[derive(Debug, Clone)]
pub(super) struct AlertCap {
    max_alerts: u32,
    interval_seconds: i64,
    /// Alerts raised so far, by the window's start in seconds since the Unix epoch.
    windows: BTreeMap<i64, u32>,
}

impl AlertCap {
    /// Creates a cap of `max_alerts` per window of `interval_seconds`. An interval of 0
    /// counts as 1 second.
    pub(super) fn new(max_alerts: u32, interval_seconds: u32) -> AlertCap {
        let interval_seconds = i64::from(interval_seconds.max(1));
        AlertCap {
            max_alerts,
            interval_seconds,
            windows: BTreeMap::new(),
        }
    }

    /// Returns the start of the window `time` falls in, in seconds since the Unix epoch.
    pub(super) fn window_start(&self, time: Timestamp) -> i64 {
        time.unix_seconds().div_euclid(self.interval_seconds) * self.interval_seconds
    }

    /// Counts an alert in the window of `time` and returns true, unless the window has
    /// already reached the cap, when it returns false.
    pub(super) fn admit(&mut self, time: Timestamp) -> bool {
        let count = self.windows.entry(self.window_start(time)).or_insert(0);
        if *count >= self.max_alerts {
            return false;
        }
        *count += 1;
        true
    }

    /// Drops the windows that ended before `cutoff`.
    pub(super) fn forget_before(&mut self, cutoff: Timestamp) {
        // A window starting at `start` ends at `start + interval`, so the windows to keep
        // are those starting later than `cutoff - interval`.
        let first_kept = cutoff.unix_seconds() - self.interval_seconds + 1;
        self.windows = self.windows.split_off(&first_kept);
    }

    /// Returns the number of windows held.
    pub(super) fn len(&self) -> usize {
        self.windows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::AlertCap;
    use crate::timestamp::Timestamp;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(seconds, 0).expect("test times are in range")
    }

    #[test]
    fn windows_align_to_epoch() {
        let cap = AlertCap::new(1, 300);
        assert_eq!(cap.window_start(at(1_714_564_800)), 1_714_564_800);
        assert_eq!(cap.window_start(at(1_714_565_099)), 1_714_564_800);
        assert_eq!(cap.window_start(at(1_714_565_100)), 1_714_565_100);
        assert_eq!(cap.window_start(at(-1)), -300);
    }

    #[test]
    fn cap_admits_up_to_max() {
        let mut cap = AlertCap::new(2, 300);
        assert!(cap.admit(at(600)));
        assert!(cap.admit(at(899)));
        assert!(!cap.admit(at(700)));
        assert!(cap.admit(at(900)));
    }

    #[test]
    fn forget_keeps_window_holding_cutoff() {
        let mut cap = AlertCap::new(1, 300);
        assert!(cap.admit(at(0)));
        assert!(cap.admit(at(300)));
        cap.forget_before(at(300));
        assert_eq!(cap.len(), 1);
        cap.forget_before(at(599));
        assert_eq!(cap.len(), 1);
        cap.forget_before(at(600));
        assert_eq!(cap.len(), 0);
    }
}
