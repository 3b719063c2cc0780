//! Integration tests: the real rule component and a deliberately faulty one, run inside
//! wasmtime through the host's library and through the `rule-host` binary.

mod bad_input;
mod cache;
mod cli;
mod golden;
mod parity;
mod sandbox;
mod support;
mod usage;
mod ux;
