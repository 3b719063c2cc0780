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

/// The maximum number of ticks a deadline may lie ahead. wasmtime 48 adds the ticks to the current epoch
/// without checking for overflow, so a deadline near `u64::MAX` would wrap into the past and
/// make every call trap at once. Half the range is still billions of years of ticks.
const MAX_DEADLINE_TICKS: u64 = u64::MAX / 2;

/// Converts a time limit into epoch ticks, rounding up, plus one tick because the current
/// tick may be about to end.
pub fn deadline_ticks(limit: Duration) -> u64 {
    let ticks = limit.as_nanos().div_ceil(EPOCH_TICK.as_nanos());
    let ticks = u64::try_from(ticks).unwrap_or(MAX_DEADLINE_TICKS);
    ticks.saturating_add(1).min(MAX_DEADLINE_TICKS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_rounds_up_and_adds_a_tick() {
        assert_eq!(deadline_ticks(Duration::from_millis(1)), 2);
        assert_eq!(deadline_ticks(Duration::from_millis(100)), 11);
    }

    #[test]
    fn huge_deadline_cannot_wrap() {
        let ticks = deadline_ticks(Duration::from_secs(u64::MAX));
        assert_eq!(ticks, MAX_DEADLINE_TICKS);
        assert!(ticks.checked_add(1 << 40).is_some());
    }
}
