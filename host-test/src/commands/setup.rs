//! Loading the component into a runtime, shared by the subcommands.

use anyhow::Context;

use crate::cache::{self, CacheOutcome, ComponentCache};
use crate::cli::ComponentArgs;
use crate::component::{self, ComponentSource};
use crate::runtime::{EngineOptions, Limits, Runtime, WallClock, new_engine};

/// Reads the component the arguments name, compiles it or loads it from the cache, and
/// links it.
pub fn load_runtime(
    args: &ComponentArgs,
    limits: Limits,
) -> anyhow::Result<(Runtime, ComponentSource)> {
    let source = match &args.component {
        Some(path) => ComponentSource::read(path)?,
        None => ComponentSource::built_in(),
    };
    let engine = new_engine(EngineOptions {
        fuel: limits.fuel.is_some(),
    })?;

    let cache_dir = if args.no_cache {
        None
    } else {
        args.cache_dir.clone().or_else(ComponentCache::default_dir)
    };
    let compiled = match cache_dir {
        Some(dir) => ComponentCache::new(dir).load(&engine, &source.bytes),
        None => cache::compile(&engine, &source.bytes).map(|built| (built, CacheOutcome::Disabled)),
    };
    let (component, outcome) = compiled.with_context(|| {
        format!(
            "the component {} is not a valid WebAssembly component; {}",
            source.origin,
            component::FIX
        )
    })?;
    tracing::info!(component = %source.origin, cache = ?outcome, "component loaded");

    let runtime = Runtime::new(&engine, &component, limits, WallClock::System)
        .with_context(|| format!("cannot run the component {}", source.origin))?;
    Ok((runtime, source))
}
