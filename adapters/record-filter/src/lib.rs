//! The record-level logic that the core-module adapters (Fluent Bit's `filter_wasm` and
//! Fluvio's SmartModules) share: find the event inside a pipeline record, evaluate it with
//! the bundled rule, and turn the verdict into the record to emit.
//!
//! Nothing here depends on WebAssembly. Each adapter crate adds its host's calling
//! convention.

pub mod filter;
pub mod settings;
pub mod unwrap;

pub use filter::{ALERT_KEY, Counters, ERROR_KEY, Filtered, RecordFilter};
pub use settings::{OnError, OutputMode, Settings, SettingsError};
