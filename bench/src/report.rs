//! The benchmark's table, the ratios the targets name, and the machine it ran on.

use std::fmt::Write;

use crate::contenders::Contender;
use crate::suite::{Results, events_per_second};

/// The targets, as ratios of events per second on the same run.
struct Target {
    what: &'static str,
    product: Contender,
    other: Contender,
    /// The product must reach at least this many times the other's events per second; a
    /// value below one means a fraction of it.
    at_least: f64,
}

const TARGETS: [Target; 6] = [
    Target {
        what: "component in batches (evaluate-packed) vs native rule-core",
        product: Contender::ComponentBatch,
        other: Contender::Native,
        at_least: 0.5,
    },
    Target {
        what: "component via evaluate-batch (a string per event) vs native rule-core",
        product: Contender::ComponentList,
        other: Contender::Native,
        at_least: 0.5,
    },
    Target {
        what: "component in batches vs VRL",
        product: Contender::ComponentBatch,
        other: Contender::Vrl,
        at_least: 10.0,
    },
    Target {
        what: "component in batches vs jq",
        product: Contender::ComponentBatch,
        other: Contender::Jq,
        at_least: 30.0,
    },
    Target {
        what: "component in batches vs CPython",
        product: Contender::ComponentBatch,
        other: Contender::Python,
        at_least: 20.0,
    },
    Target {
        what: "component in batches vs the floor",
        product: Contender::ComponentBatch,
        other: Contender::Floor,
        at_least: 0.3,
    },
];

/// Peak resident memory `rule-host scan` must stay under, in bytes.
const SCAN_MEMORY_LIMIT: u64 = 64 * 1000 * 1000;
/// Wall time `rule-host scan` on a one-line file must stay under, in seconds.
const ONE_LINE_LIMIT: f64 = 0.050;

/// Renders the results as Markdown.
pub fn render(results: &Results) -> String {
    let mut out = String::new();
    render_input(&mut out, results);
    render_table(&mut out, results);
    render_targets(&mut out, results);
    render_threads(&mut out, results);
    out
}

fn render_input(out: &mut String, results: &Results) {
    let input = &results.input;
    let _ = writeln!(
        out,
        "Input: {} records, {:.1} MB, {} must alert; record size median {} B, 99th percentile {} B, \
         largest {} B. Each contender ran {} times; the table shows the median run.\n",
        input.records,
        input.bytes as f64 / 1e6,
        input.must_alert,
        input.size_median,
        input.size_p99,
        input.size_max,
        results.runs
    );
}

fn render_table(out: &mut String, results: &Results) {
    let floor = rate(results, Contender::Floor);
    let batch = rate(results, Contender::ComponentBatch);
    let _ = writeln!(
        out,
        "| contender | events/s | MB/s | µs/event | peak RSS (MiB) | alerts | × floor | batch component ÷ this |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for contender in Contender::ALL {
        let Some(measurements) = results.measurements.get(contender.name()) else {
            continue;
        };
        let events_per_s = events_per_second(measurements);
        let bytes_per_event = results.input.bytes as f64 / results.input.records as f64;
        let peak_mib = median_u64(measurements.iter().map(|m| m.peak_rss_kib)) as f64 / 1024.0;
        let alerts = measurements.first().map_or(0, |m| m.tally.alerts);
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.2} | {:.1} | {} | {} | {} |",
            contender.name(),
            thousands(events_per_s),
            events_per_s * bytes_per_event / 1e6,
            1e6 / events_per_s,
            peak_mib,
            alerts,
            ratio(events_per_s, floor),
            ratio(batch.unwrap_or(f64::NAN), Some(events_per_s)),
        );
    }
    if let Some(host) = &results.host {
        let _ = writeln!(
            out,
            "| rule-host scan (CLI, {} events) | {} | | {:.2} | {:.1} | {} | {} | |",
            host.scan_events,
            thousands(host.scan_events as f64 / host.scan_seconds),
            1e6 * host.scan_seconds / host.scan_events as f64,
            host.scan_peak_rss_kib as f64 / 1024.0,
            host.scan_alerts,
            ratio(host.scan_events as f64 / host.scan_seconds, floor),
        );
    }
    out.push('\n');
}

fn render_targets(out: &mut String, results: &Results) {
    let _ = writeln!(out, "| target | needed | measured | met |");
    let _ = writeln!(out, "|---|---:|---:|---|");
    for target in &TARGETS {
        let (Some(product), Some(other)) =
            (rate(results, target.product), rate(results, target.other))
        else {
            continue;
        };
        let measured = product / other;
        let _ = writeln!(
            out,
            "| {} | ≥ {}× | {:.2}× | {} |",
            target.what,
            target.at_least,
            measured,
            verdict(measured >= target.at_least)
        );
    }
    if let Some(host) = &results.host {
        let peak_bytes = host.scan_peak_rss_kib * 1024;
        let _ = writeln!(
            out,
            "| peak RSS of rule-host scan, {} events | < 64 MB | {:.1} MB | {} |",
            host.scan_events,
            peak_bytes as f64 / 1e6,
            verdict(peak_bytes < SCAN_MEMORY_LIMIT)
        );
        let _ = writeln!(
            out,
            "| rule-host scan of a one-line file, cache warm ({}) | < 50 ms | {:.1} ms | {} |",
            host.one_line_method,
            host.one_line_seconds * 1e3,
            verdict(host.one_line_seconds < ONE_LINE_LIMIT)
        );
    }
}

/// Renders `rule-host scan` with its reader thread and without, over the same records.
fn render_threads(out: &mut String, results: &Results) {
    let Some(host) = results
        .host
        .as_ref()
        .filter(|host| !host.thread_runs.is_empty())
    else {
        return;
    };
    let _ = writeln!(
        out,
        "\n| rule-host scan input | threads | events/s | µs/event | peak RSS (MiB) | × one thread |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for run in &host.thread_runs {
        let one_thread = host
            .thread_runs
            .iter()
            .find(|other| other.input == run.input && other.threads == 1)
            .map(|other| other.events as f64 / other.seconds);
        let events_per_s = run.events as f64 / run.seconds;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} | {:.1} | {} |",
            run.input,
            run.threads,
            thousands(events_per_s),
            1e6 / events_per_s,
            run.peak_rss_kib as f64 / 1024.0,
            ratio(events_per_s, one_thread),
        );
    }
}

fn rate(results: &Results, contender: Contender) -> Option<f64> {
    results
        .measurements
        .get(contender.name())
        .map(|m| events_per_second(m))
}

fn ratio(value: f64, base: Option<f64>) -> String {
    match base {
        Some(base) if base > 0.0 && value.is_finite() => format!("{:.2}", value / base),
        _ => "–".to_owned(),
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "yes" } else { "**no**" }
}

fn median_u64(values: impl Iterator<Item = u64>) -> u64 {
    let mut values: Vec<u64> = values.collect();
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// Writes a rate with thousands separators, as `1 234 567`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value);
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_grouped() {
        assert_eq!(thousands(1_234_567.4), "1\u{202f}234\u{202f}567");
        assert_eq!(thousands(999.0), "999");
    }
}
