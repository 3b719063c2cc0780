//! The scan's progress bar on stderr, drawn only when stderr is a terminal.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::input::{InputItem, Payload};

/// The bar's line: events read (the bar's position), bytes read, events per second and
/// alerts so far.
const TEMPLATE: &str =
    "{spinner} {human_pos} events, {bytes_read} read, {rate} events/s, {alerts} alerts, {elapsed}";

/// Counts the scan's progress and draws it on stderr.
///
/// It is hidden when stderr is not a terminal (piped or redirected, where the bar's
/// redraws would only clutter a log) or with `--quiet`; the counting then costs a few
/// atomic additions per event.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    bytes: Arc<AtomicU64>,
    alerts: Arc<AtomicU64>,
}

impl Progress {
    /// A bar on stderr when stderr is a terminal and `quiet` is false, else a hidden one.
    pub fn for_scan(quiet: bool) -> Progress {
        let target = if !quiet && io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Progress::new(target)
    }

    /// A bar drawn to `target`.
    pub fn new(target: ProgressDrawTarget) -> Progress {
        let bytes = Arc::new(AtomicU64::new(0));
        let alerts = Arc::new(AtomicU64::new(0));
        let style = ProgressStyle::with_template(TEMPLATE)
            .expect("the template is valid")
            .with_key(
                "bytes_read",
                counter_key(&bytes, |n| HumanBytes(n).to_string()),
            )
            .with_key("alerts", counter_key(&alerts, |n| n.to_string()))
            .with_key(
                "rate",
                |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{:.0}", state.per_sec());
                },
            );

        // NOTE: no steady tick. The scan holds stderr's lock while it runs, and a ticking
        // thread would wait on it; the bar redraws as events arrive instead.
        let bar = ProgressBar::with_draw_target(None, target).with_style(style);
        Progress { bar, bytes, alerts }
    }

    /// Counts one item the reader produced, with the bytes of its event text.
    pub fn item(&self, item: &InputItem) {
        if let Payload::Event(text) = &item.payload {
            self.bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        }
        self.bar.inc(1);
    }

    /// Removes the bar, so that the summary line that follows starts on a clean line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Wraps the alert output, counting one alert per line written to it.
    pub fn count_alerts<W: Write>(&self, inner: W) -> AlertCounter<W> {
        AlertCounter {
            inner,
            progress: self.clone(),
        }
    }

    /// Wraps the diagnostics writer, so that each report line is printed above the bar
    /// instead of through it.
    pub fn above<W: Write>(&self, inner: W) -> AboveBar<W> {
        AboveBar {
            inner,
            bar: self.bar.clone(),
            line: Vec::new(),
        }
    }
}

fn counter_key(
    counter: &Arc<AtomicU64>,
    show: fn(u64) -> String,
) -> impl Fn(&ProgressState, &mut dyn std::fmt::Write) + Send + Sync + Clone + 'static {
    let counter = Arc::clone(counter);
    move |_, out| {
        let _ = out.write_str(&show(counter.load(Ordering::Relaxed)));
    }
}

/// A writer that counts the lines written through it as alerts. See
/// [`Progress::count_alerts`].
pub struct AlertCounter<W> {
    inner: W,
    progress: Progress,
}

impl<W> AlertCounter<W> {
    /// The wrapped writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }
}

impl<W: Write> Write for AlertCounter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        let lines = memchr::memchr_iter(b'\n', &buf[..written]).count();
        self.progress
            .alerts
            .fetch_add(lines as u64, Ordering::Relaxed);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A writer that prints whole lines with the bar hidden. See [`Progress::above`].
pub struct AboveBar<W: Write> {
    inner: W,
    bar: ProgressBar,
    line: Vec<u8>,
}

impl<W: Write> Write for AboveBar<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        if let Some(end) = memchr::memrchr(b'\n', &self.line) {
            let rest = self.line.split_off(end + 1);
            let lines = std::mem::replace(&mut self.line, rest);
            let inner = &mut self.inner;
            self.bar.suspend(|| inner.write_all(&lines))?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.line);
        let inner = &mut self.inner;
        self.bar
            .suspend(|| inner.write_all(&rest).and_then(|()| inner.flush()))
    }
}

impl<W: Write> Drop for AboveBar<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
