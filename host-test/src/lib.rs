//! rule-host: runs a detection-rule component over streams of CloudTrail events inside a
//! wasmtime sandbox.
//!
//! [`runtime`] holds the sandbox, [`cache`] the compiled-component cache, [`input`] the
//! readers that turn files and standard input into events, and [`scan`] the loop that sends
//! events to the component and accounts for each of them.

pub mod cache;
pub mod cli;
pub mod commands;
pub mod component;
pub mod input;
pub mod output;
pub mod progress;
pub mod runtime;
pub mod scan;
