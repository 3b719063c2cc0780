//! The subcommands, each returning the process's exit status.

mod config;
mod explain;
mod info;
mod scan;
mod setup;

pub use explain::explain;
pub use info::info;
pub use scan::scan;

/// The process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every input was processed without an input error.
    Clean = 0,
    /// At least one input error was reported and counted.
    InputErrors = 1,
    /// A usage error, or the output could not be written.
    Failed = 2,
}
