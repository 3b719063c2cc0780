//! Embeds the filter's settings into the module.
//!
//! Fluent Bit passes a wasm filter nothing but the records, so the settings (output mode,
//! error handling, the detector's exceptions and cap) are fixed at build time: the JSON file
//! named by `RULE_FILTER_SETTINGS` is checked here with the module's own parser and copied to
//! `OUT_DIR/settings.json`, which `src/lib.rs` includes. Without the variable the settings
//! are `{}`, the defaults.

use std::env;
use std::fs;
use std::path::PathBuf;

use record_filter::Settings;

const SETTINGS_VARIABLE: &str = "RULE_FILTER_SETTINGS";

fn main() {
    println!("cargo:rerun-if-env-changed={SETTINGS_VARIABLE}");

    let text = match env::var_os(SETTINGS_VARIABLE) {
        None => "{}".to_owned(),
        Some(path) => {
            let path = PathBuf::from(path);
            println!("cargo:rerun-if-changed={}", path.display());
            fs::read_to_string(&path).unwrap_or_else(|error| {
                panic!(
                    "cannot read {SETTINGS_VARIABLE} file {}: {error}",
                    path.display()
                )
            })
        }
    };

    if let Err(error) = Settings::from_json(&text) {
        panic!("{SETTINGS_VARIABLE}: {error}");
    }

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let destination = out_dir.join("settings.json");
    fs::write(&destination, text)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", destination.display()));
}
