//! Turning the command line's paths into input items.

use std::path::PathBuf;

use crate::input::{self, InputItem, ReaderOptions, Step};

/// Reads `paths` in order (directories recursively, sorted; `-` or no path is standard
/// input) as one stream of items. Events larger than `max_event_bytes` become errors.
pub fn read_inputs(
    paths: &[PathBuf],
    max_event_bytes: u64,
) -> impl Iterator<Item = InputItem> + use<> {
    let options = reader_options(max_event_bytes);
    input::walk(paths.to_vec()).flat_map(move |source| source.items(&options))
}

/// Reads `paths` as [`read_inputs`] does, with a [`Step::Idle`] wherever reading would wait
/// for more data.
pub fn read_input_steps(
    paths: &[PathBuf],
    max_event_bytes: u64,
) -> impl Iterator<Item = Step> + use<> {
    let options = reader_options(max_event_bytes);
    input::walk(paths.to_vec()).flat_map(move |source| source.items(&options).steps())
}

fn reader_options(max_event_bytes: u64) -> ReaderOptions {
    ReaderOptions {
        max_event_bytes: usize::try_from(max_event_bytes).unwrap_or(usize::MAX),
        ..ReaderOptions::default()
    }
}
