//! The sandbox: one wasmtime engine, a pre-instantiated rule component, and stores with
//! memory, time and fuel limits.
//!
//! Each store contains one instance. A trap (a guest panic, an exhausted limit, a call to an
//! import the host does not provide) makes the instance unusable, so a [`Session`] drops it
//! and instantiates a fresh one from the same [`DetectionRulePre`].

mod bindings;
mod clock;
mod engine;
mod limits;
mod session;
mod state;
mod trap;
mod wasi;

use std::time::Duration;

use anyhow::Context;
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Store};

pub use bindings::detection::rule::types::{
    Alert, ConfigError, EventError, NoMatchReason, RuleInfo, Severity, Stats, Suppression,
    Technique, Verdict,
};
pub use bindings::{DetectionRule, DetectionRulePre};
pub use clock::WallClock;
pub use engine::{EPOCH_TICK, EngineOptions, new_engine};
pub use limits::MemoryLimitExceeded;
pub use session::{BatchCall, Outcome, Session};
pub use state::HostState;
pub use trap::Trapped;

use limits::MemoryCap;

/// The type-only interface the rule's exports take their types from. The component imports
/// it, so the linker must hold an instance of that name, though it has no functions.
const TYPES_INTERFACE: &str = "detection:rule/types@0.1.0";

/// Limits applied to every call into the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of linear memory an instance may have.
    pub max_memory: usize,
    /// Wall-clock time one call may take, enforced through epoch interruption.
    pub timeout: Duration,
    /// Fuel one call may use; needs an engine created with [`EngineOptions::fuel`].
    pub fuel: Option<u64>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_memory: 64 << 20,
            timeout: Duration::from_secs(1),
            fuel: None,
        }
    }
}

/// A rule component ready to be instantiated many times.
pub struct Runtime {
    pre: DetectionRulePre<HostState>,
    limits: Limits,
    clock: WallClock,
}

impl Runtime {
    /// Links `component` against the host's imports and pre-instantiates it. Imports the
    /// host does not implement are defined as functions that trap.
    pub fn new(
        engine: &Engine,
        component: &Component,
        limits: Limits,
        clock: WallClock,
    ) -> anyhow::Result<Runtime> {
        let mut linker = Linker::new(engine);
        linker.instance(TYPES_INTERFACE)?;
        wasi::add_to_linker(&mut linker)?;
        linker.define_unknown_imports_as_traps(component)?;

        let instance_pre = linker
            .instantiate_pre(component)
            .map_err(anyhow::Error::from)
            .context("the component does not fit the detection-rule world")?;
        let pre = DetectionRulePre::new(instance_pre)
            .map_err(anyhow::Error::from)
            .context("the component does not export detection:rule/rule@0.1.0")?;

        let runtime = Runtime { pre, limits, clock };
        runtime.check_fuel_setting()?;
        Ok(runtime)
    }

    /// Returns the limits every call runs with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Reads the rule's metadata from a fresh instance.
    pub fn info(&self) -> Result<RuleInfo, Trapped> {
        let (mut store, rule) = self.instantiate()?;
        self.prepare_call(&mut store)?;
        let info = rule.detection_rule_rule().call_info(&mut store);
        info.map_err(|error| Trapped::describe(&error, &mut store, &self.limits))
    }

    /// Creates a detector with `config`, the JSON configuration document, in a fresh instance.
    pub fn create_session(
        &self,
        config: &str,
    ) -> Result<Result<Session<'_>, ConfigError>, Trapped> {
        Session::create(self, config)
    }

    /// Creates a store with the limits applied and instantiates the component in it.
    fn instantiate(&self) -> Result<(Store<HostState>, DetectionRule), Trapped> {
        let cap = MemoryCap::new(self.limits.max_memory);
        let mut store = Store::new(self.pre.engine(), HostState::new(cap, self.clock));
        store.limiter(|state| &mut state.limiter);
        store.epoch_deadline_trap();

        // Instantiation runs the guest's initialisers, so it is bounded like any call.
        self.prepare_call(&mut store)?;
        let rule = self.pre.instantiate(&mut store);
        let rule = rule.map_err(|error| Trapped::describe(&error, &mut store, &self.limits))?;
        Ok((store, rule))
    }

    /// Resets the time and fuel budget before a call.
    fn prepare_call(&self, store: &mut Store<HostState>) -> Result<(), Trapped> {
        store.set_epoch_deadline(engine::deadline_ticks(self.limits.timeout));
        if let Some(fuel) = self.limits.fuel {
            store
                .set_fuel(fuel)
                .map_err(|error| Trapped::new(format!("{error:#}")))?;
        }
        store.data_mut().take_captured();
        Ok(())
    }

    /// Fails early when fuel is requested from an engine that does not count it.
    fn check_fuel_setting(&self) -> anyhow::Result<()> {
        let Some(fuel) = self.limits.fuel else {
            return Ok(());
        };
        let cap = MemoryCap::new(self.limits.max_memory);
        let mut store = Store::new(self.pre.engine(), HostState::new(cap, self.clock));
        store
            .set_fuel(fuel)
            .map_err(anyhow::Error::from)
            .context("a fuel limit needs an engine created with EngineOptions { fuel: true }")
    }
}
