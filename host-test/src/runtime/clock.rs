//! The wall clock a guest reads through `wasi:clocks/wall-clock`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The source of the guest's wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WallClock {
    /// The host's real clock.
    #[default]
    System,
    /// A fixed time since the Unix epoch, so that runs are reproducible.
    Fixed(Duration),
}

impl WallClock {
    /// Reads the clock as time since the Unix epoch. A system clock set before 1970 reads as
    /// the epoch.
    pub fn now(self) -> Duration {
        match self {
            WallClock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
            WallClock::Fixed(since_epoch) => since_epoch,
        }
    }
}
