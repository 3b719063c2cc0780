//! The wasmtime engine and the thread that drives its epoch.

use std::thread;
use std::time::Duration;

use anyhow::Context;
use wasmtime::{Config, Engine};

/// How often the epoch advances. Per-call time limits are rounded up to whole ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Engine settings that change the compiled code, and so the compiled-component cache key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineOptions {
    /// Counts fuel in compiled code, so that a call can be given a fuel budget.
    pub fuel: bool,
}

/// Creates an engine with epoch interruption enabled and starts its epoch ticker.
pub fn new_engine(options: EngineOptions) -> anyhow::Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.consume_fuel(options.fuel);
    // Frame numbers of a stripped component are of no use, and a trap message must fit on
    // the one line of its `PATH:LINE: error:` report.
    config.wasm_backtrace_max_frames(None);

    let engine = Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("failed to create the wasmtime engine")?;
    start_epoch_ticker(&engine)?;
    Ok(engine)
}

/// Starts a thread that advances the engine's epoch every [`EPOCH_TICK`]. It holds only a
/// weak reference, so it ends once the engine is dropped.
fn start_epoch_ticker(engine: &Engine) -> anyhow::Result<()> {
    let weak = engine.weak();
    thread::Builder::new()
        .name("epoch-ticker".to_owned())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                thread::sleep(EPOCH_TICK);
            }
        })
        .context("failed to start the epoch ticker thread")?;
    Ok(())
}

/// Converts a time limit into epoch ticks, rounding up, plus one tick because the current
/// tick may be about to end.
pub fn deadline_ticks(limit: Duration) -> u64 {
    let ticks = limit.as_nanos().div_ceil(EPOCH_TICK.as_nanos());
    u64::try_from(ticks).unwrap_or(u64::MAX).saturating_add(1)
}
