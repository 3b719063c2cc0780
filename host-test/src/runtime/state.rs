//! The per-store state the host functions see.

use wasmtime::component::ResourceTable;

use super::clock::WallClock;
use super::limits::MemoryCap;

/// Most bytes of guest stdout and stderr kept per call. A panic message comes first, so the
/// start of the output is what is worth keeping.
const MAX_CAPTURED_BYTES: usize = 4096;

/// State of one store: the guest's host resources, its limits and what it wrote.
pub struct HostState {
    pub(crate) table: ResourceTable,
    pub(crate) limiter: MemoryCap,
    pub(crate) clock: WallClock,
    captured: Vec<u8>,
}

impl HostState {
    /// Creates the state for a fresh store.
    pub fn new(limiter: MemoryCap, clock: WallClock) -> HostState {
        HostState {
            table: ResourceTable::new(),
            limiter,
            clock,
            captured: Vec::new(),
        }
    }

    /// Keeps what the guest wrote to stdout or stderr, up to a bound.
    pub(crate) fn capture(&mut self, bytes: &[u8]) {
        let room = MAX_CAPTURED_BYTES.saturating_sub(self.captured.len());
        self.captured
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// Returns and clears what the guest wrote since the last call.
    pub(crate) fn take_captured(&mut self) -> String {
        let text = String::from_utf8_lossy(&self.captured).into_owned();
        self.captured.clear();
        text
    }
}
