//! Resource limits for one guest instance.

use std::fmt;

use wasmtime::ResourceLimiter;

/// Most elements a guest table may grow to. Rust guests keep one small function table, so
/// this only stops a component that grows tables to exhaust host memory.
const MAX_TABLE_ELEMENTS: usize = 100_000;

/// A [`ResourceLimiter`] that caps linear memory and turns a refused growth into a trap
/// carrying [`MemoryLimitExceeded`], so the host can name the limit in its message.
#[derive(Debug)]
pub struct MemoryCap {
    max_bytes: usize,
}

impl MemoryCap {
    /// Creates a cap of `max_bytes` for each linear memory of the instance.
    pub fn new(max_bytes: usize) -> MemoryCap {
        MemoryCap { max_bytes }
    }
}

/// The error a guest trap carries when its memory would have grown past the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimitExceeded {
    /// The configured cap in bytes.
    pub limit: usize,
    /// The size in bytes the guest requested.
    pub requested: usize,
}

impl fmt::Display for MemoryLimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "memory limit of {} bytes exceeded (the guest requested {} bytes); \
             raise it with --max-memory",
            self.limit, self.requested
        )
    }
}

impl std::error::Error for MemoryLimitExceeded {}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            let exceeded = MemoryLimitExceeded {
                limit: self.max_bytes,
                requested: desired,
            };
            return Err(wasmtime::Error::new(exceeded));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}
