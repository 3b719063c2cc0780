//! The rule component in wasmtime, through the host library's sandbox (`rule_host`).

use std::path::Path;

use anyhow::Context;
use rule_host::cache::ComponentCache;
use rule_host::component::ComponentSource;
use rule_host::runtime::{
    BatchCall, EngineOptions, Limits, Outcome, Runtime, Verdict, WallClock, new_engine,
};
use rule_host::scan::DEFAULT_BATCH_EVENTS;

use super::Tally;
use crate::lines;

/// How events reach the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calls {
    /// One `detector.evaluate` call per event.
    Each,
    /// `detector.evaluate-packed` with as many events per call as `rule-host scan` sends.
    Packed,
    /// `detector.evaluate-batch`, one string per event, with as many events per call.
    List,
}

pub fn run(input: &Path, calls: Calls, start: &mut dyn FnMut()) -> anyhow::Result<Tally> {
    let runtime = load_runtime()?;
    let mut session = runtime
        .create_session("{}")
        .map_err(|trapped| anyhow::anyhow!("the component trapped: {trapped}"))?
        .map_err(|rejected| anyhow::anyhow!("the component rejected `{{}}`: {rejected:?}"))?;
    let mut tally = Tally::default();
    let mut batch: Vec<String> = Vec::with_capacity(DEFAULT_BATCH_EVENTS);
    let batch_size = match calls {
        Calls::Each => 1,
        Calls::Packed | Calls::List => DEFAULT_BATCH_EVENTS,
    };
    if calls == Calls::List {
        session.set_batch_call(BatchCall::List);
    }

    start();
    tally.events = lines::for_each_line(input, |line| {
        batch.push(line.to_owned());
        if batch.len() == batch_size {
            count(&mut tally, session.evaluate_batch(&batch));
            batch.clear();
        }
    })?;
    count(&mut tally, session.evaluate_batch(&batch));
    anyhow::ensure!(
        session.restarts() == 0,
        "the component trapped during the run"
    );
    Ok(tally)
}

fn count(tally: &mut Tally, outcomes: Vec<Outcome>) {
    for outcome in outcomes {
        match outcome {
            Outcome::Verdict(Verdict::Alert(_)) => tally.alerts += 1,
            Outcome::Verdict(_) => {}
            Outcome::Rejected(_) | Outcome::Trapped(_) => tally.errors += 1,
        }
    }
}

/// Loads the component `rule-host` embeds, from the compiled-component cache when it is
/// warm, with the host's default limits.
fn load_runtime() -> anyhow::Result<Runtime> {
    let source = ComponentSource::built_in();
    let engine = new_engine(EngineOptions::default())?;
    let cache_dir = ComponentCache::default_dir()
        .context("neither XDG_CACHE_HOME nor HOME is set, so there is no component cache")?;
    let (component, _) = ComponentCache::new(cache_dir).load(&engine, &source.bytes)?;
    Runtime::new(&engine, &component, Limits::default(), WallClock::System)
}
