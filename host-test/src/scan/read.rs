//! Turning the command line's paths into input items.

use std::path::PathBuf;

use crate::input::{self, InputItem, ReaderOptions};

/// Reads `paths` in order (directories recursively, sorted; `-` or no path is standard
/// input) as one stream of items. Events larger than `max_event_bytes` become errors.
pub fn read_inputs(
    paths: &[PathBuf],
    max_event_bytes: u64,
) -> impl Iterator<Item = InputItem> + use<> {
    let options = ReaderOptions {
        max_event_bytes: usize::try_from(max_event_bytes).unwrap_or(usize::MAX),
        ..ReaderOptions::default()
    };
    input::walk(paths.to_vec()).flat_map(move |source| source.items(&options))
}
