//! The scan loop. Input items go to the component in batches, in input order. Alerts go to
//! stdout and problems to stderr, and every event is counted exactly once.

mod counts;
mod messages;
mod read;
mod read_ahead;

use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::input::{InputItem, Origin, Payload, Step};
use crate::runtime::{NoMatchReason, Outcome, Session, Verdict};

pub use counts::Counts;
pub use messages::event_error;
pub use read::{read_input_steps, read_inputs};
pub use read_ahead::{ReadAhead, read_ahead};

/// Most items (events, skips and errors) held in one batch, and so the most events sent to
/// the component in one call.
pub const DEFAULT_BATCH_EVENTS: usize = 256;

/// Most bytes of event text sent in one call, so that a batch of large events stays well
/// inside the per-call time limit.
pub const DEFAULT_BATCH_BYTES: usize = 1 << 20;

/// Returns whether a batch of `items` items with `event_bytes` bytes of event text is full.
/// The scan's batches and the reader thread's parcels both end there.
fn batch_is_full(items: usize, event_bytes: usize) -> bool {
    items >= DEFAULT_BATCH_EVENTS || event_bytes >= DEFAULT_BATCH_BYTES
}

/// Writing the alerts failed, for example because stdout is a closed pipe.
#[derive(Debug)]
pub struct OutputError(pub io::Error);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write the alerts to stdout: {}", self.0)
    }
}

impl std::error::Error for OutputError {}

/// The writers a scan reports to.
pub struct ScanOutput<'o> {
    /// Receives one alert document per line.
    pub alerts: &'o mut dyn Write,
    /// Receives `PATH:LINE: error: MESSAGE` lines and warnings.
    pub diagnostics: &'o mut dyn Write,
    /// Whether warnings, such as a window's alert cap being reached, are written.
    pub warnings: bool,
}

/// An item waiting for its batch to be evaluated, kept so reports come out in input order.
enum Pending {
    Event(Origin),
    Done(Origin, Payload),
}

/// Runs `items` through `session` and returns the counts.
pub fn run(
    session: &mut Session<'_>,
    items: impl IntoIterator<Item = InputItem>,
    output: ScanOutput<'_>,
) -> Result<Counts, OutputError> {
    run_steps(session, items.into_iter().map(Step::Item), output)
}

/// Runs the items among `steps` through `session` and returns the counts. At each
/// [`Step::Idle`], the events read so far are evaluated and the alerts flushed, so that an
/// alert is out as soon as its event was read even when more input is slow to come.
pub fn run_steps(
    session: &mut Session<'_>,
    steps: impl IntoIterator<Item = Step>,
    output: ScanOutput<'_>,
) -> Result<Counts, OutputError> {
    let mut scan = Scan {
        session,
        output,
        counts: Counts::default(),
        pending: Vec::new(),
        events: Vec::new(),
        event_bytes: 0,
        warned_windows: BTreeSet::new(),
    };

    for step in steps {
        match step {
            Step::Item(item) => scan.push(item)?,
            Step::Idle => scan.flush()?,
        }
    }
    scan.flush()?;

    scan.counts.restarts = scan.session.restarts();
    Ok(scan.counts)
}

struct Scan<'s, 'r, 'o> {
    session: &'s mut Session<'r>,
    output: ScanOutput<'o>,
    counts: Counts,
    pending: Vec<Pending>,
    events: Vec<String>,
    event_bytes: usize,
    /// Windows whose alert cap was already reported.
    warned_windows: BTreeSet<String>,
}

impl Scan<'_, '_, '_> {
    /// Adds an item to the batch, and evaluates the batch when it is full or the item is an
    /// input error. An error is reported as soon as it is read, so that input that never
    /// ends (a device, a pipe) shows its errors while it goes on.
    fn push(&mut self, item: InputItem) -> Result<(), OutputError> {
        let is_error = matches!(item.payload, Payload::Error(_));
        match item.payload {
            Payload::Event(text) => {
                self.event_bytes += text.len();
                self.events.push(text);
                self.pending.push(Pending::Event(item.origin));
            }
            payload => self.pending.push(Pending::Done(item.origin, payload)),
        }

        if batch_is_full(self.pending.len(), self.event_bytes) || is_error {
            self.flush()
        } else {
            Ok(())
        }
    }

    /// Evaluates the batch, reports every pending item in input order, and flushes the
    /// alerts. Flushing after each batch also keeps the alerts of events already evaluated
    /// when the process is stopped by a signal.
    fn flush(&mut self) -> Result<(), OutputError> {
        if !self.pending.is_empty() {
            self.report_batch()?;
        }
        self.output.alerts.flush().map_err(OutputError)
    }

    fn report_batch(&mut self) -> Result<(), OutputError> {
        let events = std::mem::take(&mut self.events);
        self.event_bytes = 0;
        let mut outcomes = self.session.evaluate_batch(&events).into_iter();

        for pending in std::mem::take(&mut self.pending) {
            self.counts.events += 1;
            match pending {
                Pending::Event(origin) => {
                    let outcome = outcomes.next().expect("one outcome per event");
                    self.report_outcome(&origin, outcome)?;
                }
                Pending::Done(_, Payload::Skipped(_)) => self.counts.skipped += 1,
                Pending::Done(origin, Payload::Error(error)) => self.report_error(&origin, &error),
                Pending::Done(_, Payload::Event(_)) => unreachable!("events are batched"),
            }
        }
        Ok(())
    }

    fn report_outcome(&mut self, origin: &Origin, outcome: Outcome) -> Result<(), OutputError> {
        let verdict = match outcome {
            Outcome::Verdict(verdict) => verdict,
            Outcome::Rejected(error) => {
                self.report_error(origin, &messages::event_error(&error));
                return Ok(());
            }
            Outcome::Trapped(trapped) => {
                self.report_error(origin, &format_args!("component trapped: {trapped}"));
                return Ok(());
            }
        };

        match verdict {
            Verdict::Alert(alert) => {
                self.counts.alerts += 1;
                writeln!(self.output.alerts, "{}", alert.document).map_err(OutputError)?;
            }
            Verdict::NoMatch(reason) => {
                self.counts.no_match += 1;
                match reason {
                    NoMatchReason::Insight => self.counts.no_match_insight += 1,
                    NoMatchReason::NotCloudtrail => self.counts.no_match_not_cloudtrail += 1,
                    NoMatchReason::Query | NoMatchReason::OwnAlert => {}
                }
            }
            Verdict::Excepted(_) => self.counts.excepted += 1,
            Verdict::Suppressed(suppression) => {
                self.counts.suppressed += 1;
                if self.warned_windows.insert(suppression.window_start.clone()) {
                    self.warn(&messages::cap_reached(&suppression.window_start));
                }
            }
            Verdict::Duplicate(_) => self.counts.duplicates += 1,
            Verdict::Skipped(kind) => {
                self.counts.skipped += 1;
                tracing::debug!(%origin, %kind, "skipped");
            }
        }
        Ok(())
    }

    /// Counts and reports an error. A failing stderr cannot be reported anywhere, so its
    /// write errors are ignored; the counts still reach `--stats`.
    fn report_error(&mut self, origin: &Origin, message: &dyn std::fmt::Display) {
        self.counts.errors += 1;
        let _ = writeln!(self.output.diagnostics, "{}", origin.format_error(message));
    }

    fn warn(&mut self, message: &str) {
        if !self.output.warnings {
            return;
        }
        let _ = writeln!(self.output.diagnostics, "warning: {message}");
    }
}
