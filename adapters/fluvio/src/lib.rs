//! The rule as a Fluvio `filter_map` SmartModule.
//!
//! Each record's value is one event as JSON text (or a `{"log": "..."}` / `{"message": "..."}`
//! wrapper around one). With the default settings an alerting record becomes its alert
//! document, keyed by the alert's uuid, and every other record is dropped.
//!
//! The function never returns `Err`, because Fluvio stops the rest of a batch at the first
//! error: a record the rule cannot evaluate becomes a `rule_error` record keyed
//! `rule-error`, or is dropped when the parameter `on_error` is `drop`.
//!
//! Parameters (`fluvio consume ... -e KEY=VALUE`, or `params` in a transforms file):
//! `output` (`alerts` or `annotate`), `on_error` (`record` or `drop`) and `rule_config` (the
//! detector's configuration as JSON text).

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use fluvio_smartmodule::dataplane::smartmodule::SmartModuleExtraParams;
use fluvio_smartmodule::{RecordData, Result, SmartModuleRecord, smartmodule};
use record_filter::{Filtered, RecordFilter, Settings};
use rule_core::Timestamp;

/// The key of error records, so that consumers can route them apart from alerts.
pub const ERROR_RECORD_KEY: &str = "rule-error";

/// The filter, created by `init` from the SmartModule's parameters.
static FILTER: OnceLock<Mutex<RecordFilter>> = OnceLock::new();

/// Reads the parameters. An invalid parameter fails the SmartModule's start with a message
/// that names it.
#[smartmodule(init)]
fn init(params: SmartModuleExtraParams) -> Result<()> {
    let settings = Settings::from_params(|key| params.get(key).map(String::as_str))?;
    if FILTER.set(Mutex::new(RecordFilter::new(settings))).is_err() {
        return Err(fluvio_smartmodule::eyre!(
            "the rule filter was already initialized"
        ));
    }
    Ok(())
}

/// Evaluates one record; see the crate documentation for what it becomes.
#[smartmodule(filter_map)]
pub fn filter_map(record: &SmartModuleRecord) -> Result<Option<(Option<RecordData>, RecordData)>> {
    let filter = FILTER.get_or_init(|| Mutex::new(RecordFilter::new(Settings::default())));
    // Panics abort on wasm32 targets, so the lock is never poisoned there.
    let mut filter = filter.lock().unwrap_or_else(PoisonError::into_inner);

    let filtered = filter.filter(record.value().as_ref(), processing_time());

    let output = match filtered {
        Filtered::Drop => None,
        Filtered::Alert { uuid, document } => Some((Some(uuid.into()), document.into())),
        Filtered::Record(text) => Some((record.key().cloned(), text.into())),
        Filtered::Error(text) => Some((Some(ERROR_RECORD_KEY.into()), text.into())),
    };
    Ok(output)
}

/// Reads the wall clock, which Fluvio's engine gives a `wasm32-wasip1` module through WASI.
/// `rule_config`'s `processing_time` pins it instead.
fn processing_time() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX);
    Timestamp::from_unix(seconds, since_epoch.subsec_nanos())
        .or_else(|| Timestamp::from_unix(0, 0))
        .expect("the Unix epoch is a valid timestamp")
}
