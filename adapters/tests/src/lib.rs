//! Test support for the core-module adapters: the paths of the modules the build script
//! built, the fixtures, and a host that calls a filter the way Fluent Bit does.
//!
//! The Fluvio tests need no host of their own: they run Fluvio's engine crate.

pub mod app_heap;
pub mod fluent_bit_host;

use std::path::Path;
use std::sync::OnceLock;

use wasmtime::{Engine, Module};

/// The Fluent Bit filter with default settings, built for `wasm32-unknown-unknown`.
pub const FLUENT_BIT_FILTER_WASM: &str = env!("FLUENT_BIT_FILTER_WASM");

/// The Fluent Bit filter built with `fixtures/annotate-settings.json` embedded.
pub const FLUENT_BIT_ANNOTATE_WASM: &str = env!("FLUENT_BIT_ANNOTATE_WASM");

/// The Fluent Bit filter with default settings, built for `wasm32-wasip1`.
pub const FLUENT_BIT_WASIP1_WASM: &str = env!("FLUENT_BIT_WASIP1_WASM");

/// The Fluvio SmartModule, built for `wasm32-wasip1`.
pub const FLUVIO_FILTER_WASM: &str = env!("FLUVIO_FILTER_WASM");

/// The name the Fluent Bit filter exports its function under (`function_name`).
pub const FLUENT_BIT_FUNCTION: &str = "rule_filter";

/// Reads a module the build script wrote.
pub fn module_bytes(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("cannot read module {path}: {error}"))
}

/// Reads `adapters/tests/fixtures/NAME`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read fixture {}: {error}", path.display()))
}

/// Reads a fixture and writes it as one line of JSON, the way a log shipper passes a record.
pub fn fixture_line(name: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(&fixture(name))
        .unwrap_or_else(|error| panic!("fixture {name} is not JSON: {error}"));
    value.to_string()
}

/// Compiles a module once per test binary; compiling takes longer than the tests that use it.
pub fn compiled(path: &'static str) -> Module {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    static MODULES: OnceLock<std::sync::Mutex<Vec<(&'static str, Module)>>> = OnceLock::new();

    let engine = ENGINE.get_or_init(Engine::default);
    let mut modules = MODULES
        .get_or_init(Default::default)
        .lock()
        .expect("no test panics here");
    if let Some((_, module)) = modules.iter().find(|(known, _)| *known == path) {
        return module.clone();
    }

    let module = fluent_bit_host::compile(engine, &module_bytes(path)).expect("module compiles");
    modules.push((path, module.clone()));
    module
}

/// Looks up a field of a JSON document by its dotted name, whether the document nests it
/// (`{"kibana": {"alert": ...}}`) or writes the dots in its keys (`{"kibana.alert...": ...}`),
/// as Elasticsearch reads both.
pub fn field<'a>(document: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let object = document.as_object()?;
    if let Some(found) = object.get(path) {
        return Some(found);
    }
    path.match_indices('.').find_map(|(index, _)| {
        let inner = object.get(&path[..index])?;
        field(inner, &path[index + 1..])
    })
}
