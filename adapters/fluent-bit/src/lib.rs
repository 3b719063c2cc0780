//! The rule as a Fluent Bit `filter_wasm` module.
//!
//! Fluent Bit (JSON `event_format`) calls the exported [`rule_filter`] once per record with
//! the tag, the record's time and the record body as JSON text, each copied into this
//! module's memory. The function returns a pointer to a NUL-terminated string that Fluent
//! Bit copies: an empty string drops the record and a JSON object replaces its body.
//!
//! The module keeps one detector for its lifetime, so replay detection and the alert cap
//! work across records, and one output buffer that each call overwrites. Settings are
//! embedded at build time (see `build.rs`).

mod guest_cell;

use record_filter::{RecordFilter, Settings};
use rule_core::Timestamp;
use serde_json::json;

use guest_cell::GuestCell;

/// The settings document embedded by the build script.
const SETTINGS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/settings.json"));

/// The filter and the buffers whose addresses the exports return.
struct FilterState {
    filter: RecordFilter,
    /// The last result of `rule_filter`, NUL-terminated. Reused, so that a call allocates
    /// only when a result is longer than any before it.
    output: Vec<u8>,
    /// The last result of `rule_filter_stats`, NUL-terminated.
    stats: Vec<u8>,
}

static STATE: GuestCell<FilterState> = GuestCell::new();

impl FilterState {
    fn new() -> FilterState {
        let settings = Settings::from_json(SETTINGS_JSON)
            .expect("the build script checked the embedded settings");
        FilterState {
            filter: RecordFilter::new(settings),
            output: Vec::new(),
            stats: Vec::new(),
        }
    }
}

/// Filters one record. Fluent Bit's `function_name` names this export.
///
/// `record` points to the record body as JSON text: `record_len` bytes, not counting the NUL
/// Fluent Bit appends. `time_sec` and `time_nsec` are the record's timestamp, which is used as
/// the processing time. The tag is not used. The returned string stays valid until the next call.
///
/// A null `record` means the host could not copy the record into this module's heap (Fluent
/// Bit logs `allocate N bytes memory failed` and calls anyway); the record is dropped.
///
/// # Safety
///
/// `record` must be null or point to `record_len` readable bytes, as Fluent Bit guarantees.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rule_filter(
    _tag: *const u8,
    _tag_len: u32,
    time_sec: u32,
    time_nsec: u32,
    record: *const u8,
    record_len: u32,
) -> *const u8 {
    let bytes = if record.is_null() {
        None
    } else {
        // SAFETY: the caller passes `record_len` readable bytes at `record`.
        Some(unsafe { std::slice::from_raw_parts(record, record_len as usize) })
    };
    let now = processing_time(time_sec, time_nsec);

    STATE.with(FilterState::new, |state| {
        let filtered = bytes.map(|bytes| state.filter.filter(bytes, now));
        let text = filtered
            .as_ref()
            .and_then(|filtered| filtered.text())
            .unwrap_or("");
        write_c_string(&mut state.output, text)
    })
}

/// Returns the filter's counters as a NUL-terminated JSON object, valid until the next call
/// of this function. Fluent Bit never calls it; other hosts and the tests do.
#[unsafe(no_mangle)]
pub extern "C" fn rule_filter_stats() -> *const u8 {
    STATE.with(FilterState::new, |state| {
        let counters = state.filter.counters();
        let stats = state.filter.detector().stats();
        let document = json!({
            "records": counters.records,
            "alerts": counters.alerts,
            "dropped": counters.dropped,
            "errors": counters.errors,
            "excepted": stats.excepted,
            "suppressed": stats.suppressed,
            "duplicates": stats.duplicates,
        });
        write_c_string(&mut state.stats, &document.to_string())
    })
}

/// Fluent Bit passes the seconds as a `u32`, so this is exact until the year 2106.
fn processing_time(time_sec: u32, time_nsec: u32) -> Timestamp {
    Timestamp::from_unix(i64::from(time_sec), time_nsec.min(999_999_999))
        .expect("a u32 count of seconds is a year between 1970 and 2106")
}

/// Overwrites `buffer` with `text` and a NUL, keeping its capacity, and returns its address.
fn write_c_string(buffer: &mut Vec<u8>, text: &str) -> *const u8 {
    buffer.clear();
    buffer.extend_from_slice(text.as_bytes());
    buffer.push(0);
    buffer.as_ptr()
}
