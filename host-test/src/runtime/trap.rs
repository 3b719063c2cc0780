//! Turning a guest trap into a message for the user.

use std::fmt;

use wasmtime::{Store, Trap};

use super::Limits;
use super::limits::MemoryLimitExceeded;
use super::state::HostState;

/// A call into the component failed: it trapped, ran out of a limit, or could not be
/// instantiated. The instance it ran in must be discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trapped {
    message: String,
}

impl Trapped {
    pub(crate) fn new(message: String) -> Trapped {
        Trapped { message }
    }

    /// Describes `error`, naming the limit when one was exhausted and adding what the guest
    /// wrote to stdout or stderr during the call (a panic message, for example).
    pub(crate) fn describe(
        error: &wasmtime::Error,
        store: &mut Store<HostState>,
        limits: &Limits,
    ) -> Trapped {
        let mut message =
            limit_message(error, limits).unwrap_or_else(|| condense(&format!("{error:#}")));

        let output = condense(&store.data_mut().take_captured());
        if !output.is_empty() {
            message.push_str(&format!(" (guest output: {output})"));
        }
        Trapped { message }
    }

    /// Returns the message, without the `component trapped:` prefix the caller adds.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Trapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Trapped {}

fn limit_message(error: &wasmtime::Error, limits: &Limits) -> Option<String> {
    if let Some(exceeded) = error.downcast_ref::<MemoryLimitExceeded>() {
        return Some(exceeded.to_string());
    }
    match error.downcast_ref::<Trap>()? {
        Trap::Interrupt => Some(format!(
            "time limit of {} ms per call exceeded; raise it with --timeout",
            limits.timeout.as_millis()
        )),
        Trap::OutOfFuel => Some(format!(
            "fuel limit of {} per call exhausted; raise it with --fuel",
            limits.fuel.unwrap_or_default()
        )),
        _ => None,
    }
}

/// Joins the guest's output into one line, leaving out the standard library's hint about
/// `RUST_BACKTRACE`, which the user cannot act on.
fn condense(output: &str) -> String {
    let lines = output
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty());
    let lines = lines.filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE"));
    lines.collect::<Vec<_>>().join(" ")
}
