//! The rule in VRL, run with the `vrl` crate the way Vector's `remap` transform runs it: the
//! program is compiled once, and each line is decoded by a JSON codec into an event that the
//! program then resolves against.

use std::collections::BTreeMap;
use std::path::Path;

use vrl::compiler::runtime::Runtime;
use vrl::compiler::state::RuntimeState;
use vrl::compiler::{TargetValue, TimeZone};
use vrl::value::{Secrets, Value};

use super::Tally;
use crate::lines;

/// The VRL program.
pub const PROGRAM: &str = include_str!("../../peers/lambda_function_deleted.vrl");

pub fn run(input: &Path, start: &mut dyn FnMut()) -> anyhow::Result<Tally> {
    let functions = vrl::stdlib::all();
    let compiled = vrl::compiler::compile(PROGRAM, &functions).map_err(|diagnostics| {
        anyhow::anyhow!("the VRL program does not compile: {diagnostics:?}")
    })?;
    let program = compiled.program;
    let mut runtime = Runtime::new(RuntimeState::default());
    let timezone = TimeZone::default();
    let mut tally = Tally::default();

    start();
    tally.events = lines::for_each_line(input, |line| {
        // Vector's JSON codec parses with serde_json and converts the result to an event.
        let Ok(json) = serde_json::from_str::<serde_json::Value>(line) else {
            tally.errors += 1;
            return;
        };
        let mut target = TargetValue {
            value: Value::from(json),
            metadata: Value::Object(BTreeMap::new()),
            secrets: Secrets::default(),
        };
        match runtime.resolve(&mut target, &program, &timezone) {
            Ok(Value::Boolean(true)) => tally.alerts += 1,
            Ok(_) => {}
            Err(_) => tally.errors += 1,
        }
        runtime.clear();
    })?;
    Ok(tally)
}
