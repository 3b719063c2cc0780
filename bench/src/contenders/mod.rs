//! The contenders: each reads the same NDJSON file and counts the events its rule alerts on.
//!
//! The in-process contenders run in a child process of the suite each, so that the peak
//! resident memory of one does not inflate another's. jq and CPython are external
//! programs, run the same way.

pub mod component;
pub mod external;
pub mod floor;
pub mod native;
pub mod validate;
pub mod vrl;

use std::fmt;
use std::path::Path;

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

/// Counts from one run of a contender.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub events: u64,
    pub alerts: u64,
    /// Events the contender rejected as invalid.
    pub errors: u64,
}

/// The contenders, in the order the table lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Contender {
    /// Reads the file and splits lines, nothing else.
    Floor,
    /// Checks that each line is one JSON value with serde_json, natively, and evaluates no
    /// rule: what validating the input costs alone.
    JsonValidate,
    /// `rule_core::Detector::evaluate` per event, natively.
    Native,
    /// The component's `detector.evaluate`, one call per event.
    ComponentEach,
    /// The component in batches of events, as `rule-host scan` sends them: through
    /// `detector.evaluate-packed`.
    ComponentBatch,
    /// The same batches through `detector.evaluate-batch`, one string per event.
    ComponentList,
    /// The rule in VRL, run with the `vrl` crate.
    Vrl,
    /// The rule as a jq filter.
    Jq,
    /// The rule as a CPython function in Panther's style.
    Python,
}

impl Contender {
    pub const ALL: [Contender; 9] = [
        Contender::Floor,
        Contender::JsonValidate,
        Contender::Native,
        Contender::ComponentEach,
        Contender::ComponentBatch,
        Contender::ComponentList,
        Contender::Vrl,
        Contender::Jq,
        Contender::Python,
    ];

    /// Returns the name the command line and the table use.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Floor => "floor",
            Contender::JsonValidate => "json-validate",
            Contender::Native => "native",
            Contender::ComponentEach => "component-each",
            Contender::ComponentBatch => "component-batch",
            Contender::ComponentList => "component-list",
            Contender::Vrl => "vrl",
            Contender::Jq => "jq",
            Contender::Python => "python",
        }
    }

    /// Tells whether the contender runs inside this program.
    pub fn in_process(self) -> bool {
        !matches!(self, Contender::Jq | Contender::Python)
    }

    /// Runs an in-process contender over `input`. Setup (compiling the component or the
    /// VRL program) happens before `start` is called, so it is not timed.
    pub fn run(self, input: &Path, start: &mut dyn FnMut()) -> anyhow::Result<Tally> {
        match self {
            Contender::Floor => floor::run(input, start),
            Contender::JsonValidate => validate::run(input, start),
            Contender::Native => native::run(input, start),
            Contender::ComponentEach => component::run(input, component::Calls::Each, start),
            Contender::ComponentBatch => component::run(input, component::Calls::Packed, start),
            Contender::ComponentList => component::run(input, component::Calls::List, start),
            Contender::Vrl => vrl::run(input, start),
            Contender::Jq | Contender::Python => {
                anyhow::bail!("{self} runs as an external program")
            }
        }
    }
}

impl fmt::Display for Contender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::Contender;

    #[test]
    fn names_parse_back_on_the_command_line() {
        for contender in Contender::ALL {
            assert_eq!(
                Contender::from_str(contender.name(), false),
                Ok(contender),
                "{contender}"
            );
        }
    }
}
