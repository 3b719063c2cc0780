//! The run's accounting, written by `--stats` and summed up on stderr.

use serde::Serialize;

/// How many events ended in each way. Every event lands in exactly one of `alerts`,
/// `no_match`, `excepted`, `suppressed`, `duplicates`, `skipped` and `errors`;
/// `no_match_insight` and `no_match_not_cloudtrail` are parts of `no_match`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub events: u64,
    pub alerts: u64,
    pub no_match: u64,
    pub no_match_insight: u64,
    pub no_match_not_cloudtrail: u64,
    pub excepted: u64,
    pub suppressed: u64,
    pub duplicates: u64,
    pub skipped: u64,
    pub errors: u64,
    /// How often the component trapped and was replaced by a fresh instance, which starts
    /// its window and replay state over.
    pub restarts: u64,
}

impl Counts {
    /// The sum of the outcome counts, which equals `events` when nothing was lost.
    pub fn outcomes(&self) -> u64 {
        self.alerts
            + self.no_match
            + self.excepted
            + self.suppressed
            + self.duplicates
            + self.skipped
            + self.errors
    }

    /// Writes the one-paragraph human summary.
    pub fn summary(&self) -> String {
        let mut summary = format!(
            "{}: {}, {} no match ({} insight, {} not CloudTrail), {} excepted, \
             {} suppressed, {}, {} skipped, {}",
            counted(self.events, "event"),
            counted(self.alerts, "alert"),
            self.no_match,
            self.no_match_insight,
            self.no_match_not_cloudtrail,
            self.excepted,
            self.suppressed,
            counted(self.duplicates, "duplicate"),
            self.skipped,
            counted(self.errors, "error"),
        );
        if self.restarts > 0 {
            let times = if self.restarts == 1 { "time" } else { "times" };
            summary.push_str(&format!(
                "\nthe component trapped and was restarted {} {times}; its alert cap and replay \
                 state started over each time",
                self.restarts
            ));
        }
        summary
    }
}

/// Writes `count` and `noun`, with the plural `s` unless the count is 1.
fn counted(count: u64, noun: &str) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {noun}{plural}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_uses_singular_for_one() {
        let counts = Counts {
            events: 1,
            alerts: 1,
            duplicates: 1,
            errors: 1,
            ..Counts::default()
        };
        let summary = counts.summary();
        for expected in ["1 event:", "1 alert,", "1 duplicate,"] {
            assert!(summary.contains(expected), "lacks {expected:?}: {summary}");
        }
        assert!(summary.ends_with("1 error"), "{summary}");
    }

    #[test]
    fn summary_uses_plural_otherwise() {
        let counts = Counts {
            events: 2,
            alerts: 0,
            duplicates: 2,
            errors: 0,
            ..Counts::default()
        };
        let summary = counts.summary();
        for expected in ["2 events:", "0 alerts,", "2 duplicates,"] {
            assert!(summary.contains(expected), "lacks {expected:?}: {summary}");
        }
        assert!(summary.ends_with("0 errors"), "{summary}");
    }
}
