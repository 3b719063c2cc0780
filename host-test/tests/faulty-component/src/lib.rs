//! A component of the `detection-rule` world that misbehaves on request, so the host's sandbox
//! can be tested against a real guest. An event that contains one of these words triggers:
//!
//! - `panic`: a Rust panic, which aborts the instance (the component profile uses
//!   `panic = "abort"`) after writing its message to stderr;
//! - `loop`: an endless loop, stopped only by the host's time or fuel limit;
//! - `allocate`: allocations that never stop, stopped only by the host's memory limit;
//! - `alert`: an alert whose document is the event text itself.
//!
//! Any other event is a no-match. A config that contains `reject` is rejected.
//!
//! The guest code builds only for WebAssembly: the workspace's native builds and lints see
//! an empty library, because the exports cannot link into a native shared library.

#[cfg(target_arch = "wasm32")]
mod guest;
