//! `rule-core` natively: one detector, `Detector::evaluate` per event.

use std::path::Path;

use rule_core::{Config, Detector, Rule, Timestamp, Verdict};

use super::Tally;
use crate::lines;

pub fn run(input: &Path, start: &mut dyn FnMut()) -> anyhow::Result<Tally> {
    let mut detector = Detector::new(Rule::bundled(), Config::default());
    let now = processing_time();
    let mut tally = Tally::default();

    start();
    tally.events = lines::for_each_line(input, |line| match detector.evaluate(line, now) {
        Ok(Verdict::Alert(_)) => tally.alerts += 1,
        Ok(_) => {}
        Err(_) => tally.errors += 1,
    })?;
    Ok(tally)
}

/// The processing time of the run: the clock when it starts, as the component reads it.
fn processing_time() -> Timestamp {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = i64::try_from(since_epoch.as_secs()).unwrap_or(0);
    Timestamp::from_unix(seconds, since_epoch.subsec_nanos())
        .expect("the system clock reads a time between the years -9999 and 9999")
}
