//! The few WASI 0.2 functions a Rust guest's standard library calls, implemented without
//! wasmtime-wasi (which brings an async runtime along).
//!
//! The guest gets a wall clock (real or pinned), a seed for its hash maps, an empty
//! environment, and a stdout and stderr whose bytes the host keeps to explain a trap, for
//! example the message of a panic.
//! Every other import the component has traps when called; [`super::Runtime`] defines those
//! after these.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use wasmtime::component::{ComponentType, Linker, LinkerInstance, Lower, Resource, ResourceType};
use wasmtime::{Result, StoreContextMut};

use super::state::HostState;

const WALL_CLOCK: &str = "wasi:clocks/wall-clock@0.2.6";
const INSECURE_SEED: &str = "wasi:random/insecure-seed@0.2.6";
const ENVIRONMENT: &str = "wasi:cli/environment@0.2.6";
const IO_ERROR: &str = "wasi:io/error@0.2.6";
const IO_POLL: &str = "wasi:io/poll@0.2.6";
const IO_STREAMS: &str = "wasi:io/streams@0.2.6";
const CLI_STDOUT: &str = "wasi:cli/stdout@0.2.6";
const CLI_STDERR: &str = "wasi:cli/stderr@0.2.6";

/// How many bytes an output stream accepts per write. Writes are buffered in memory, so any
/// size works; this is the size wasi-libc requests each time.
const WRITE_BUDGET: u64 = 4096;

/// `wasi:clocks/wall-clock.datetime`.
#[derive(ComponentType, Lower, Clone, Copy)]
#[component(record)]
struct Datetime {
    seconds: u64,
    nanoseconds: u32,
}

/// An output stream handed to the guest. Its bytes go to [`HostState::capture`].
struct OutputStream;

/// A pollable that is always ready, because the output streams never block.
struct Pollable;

/// `wasi:io/error.error`. The host never creates one, because its writes cannot fail.
struct IoError;

/// `wasi:io/streams.stream-error`.
#[derive(ComponentType, Lower)]
#[component(variant)]
#[allow(
    dead_code,
    reason = "the host's streams never fail, but the type must match"
)]
enum StreamError {
    #[component(name = "last-operation-failed")]
    LastOperationFailed(Resource<IoError>),
    #[component(name = "closed")]
    Closed,
}

/// Defines the WASI functions the host implements.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> Result<()> {
    add_wall_clock(&mut linker.instance(WALL_CLOCK)?)?;
    linker
        .instance(INSECURE_SEED)?
        .func_wrap("insecure-seed", |_, ()| Ok((insecure_seed(),)))?;

    // The standard library's panic handler reads RUST_BACKTRACE. The guest gets no host
    // variables, so its behaviour does not depend on the environment the host runs in.
    let mut environment = linker.instance(ENVIRONMENT)?;
    environment.func_wrap("get-environment", |_, ()| {
        Ok((Vec::<(String, String)>::new(),))
    })?;

    // A resource that an interface takes from another (`use error.{error}`) must be defined
    // with the same type in both, or the linker rejects the component.
    define_resource::<IoError>(&mut linker.instance(IO_ERROR)?, "error")?;
    let mut poll = linker.instance(IO_POLL)?;
    define_resource::<Pollable>(&mut poll, "pollable")?;
    poll.func_wrap(
        "[method]pollable.block",
        |_, (_,): (Resource<Pollable>,)| Ok(()),
    )?;

    add_streams(&mut linker.instance(IO_STREAMS)?)?;
    for interface in [CLI_STDOUT, CLI_STDERR] {
        add_standard_stream(&mut linker.instance(interface)?, interface)?;
    }
    Ok(())
}

fn add_wall_clock(clock: &mut LinkerInstance<'_, HostState>) -> Result<()> {
    clock.func_wrap("now", |store: StoreContextMut<'_, HostState>, ()| {
        let now = store.data().clock.now();
        Ok((Datetime {
            seconds: now.as_secs(),
            nanoseconds: now.subsec_nanos(),
        },))
    })?;
    clock.func_wrap("resolution", |_, ()| {
        Ok((Datetime {
            seconds: 0,
            nanoseconds: 1,
        },))
    })?;
    Ok(())
}

/// Returns a seed that differs between host processes. The guest's standard library seeds
/// its `HashMap`s with it, so a fixed seed would let crafted keys collide on purpose.
fn insecure_seed() -> (u64, u64) {
    let state = RandomState::new();
    (state.hash_one(1u8), state.hash_one(2u8))
}

fn add_streams(streams: &mut LinkerInstance<'_, HostState>) -> Result<()> {
    define_resource::<IoError>(streams, "error")?;
    define_resource::<Pollable>(streams, "pollable")?;
    define_resource::<OutputStream>(streams, "output-stream")?;

    streams.func_wrap(
        "[method]output-stream.check-write",
        |_, (_,): (Resource<OutputStream>,)| Ok((Ok::<u64, StreamError>(WRITE_BUDGET),)),
    )?;
    streams.func_wrap(
        "[method]output-stream.write",
        |mut store: StoreContextMut<'_, HostState>,
         (_, contents): (Resource<OutputStream>, Vec<u8>)| {
            store.data_mut().capture(&contents);
            Ok((Ok::<(), StreamError>(()),))
        },
    )?;
    streams.func_wrap(
        "[method]output-stream.blocking-write-and-flush",
        |mut store: StoreContextMut<'_, HostState>,
         (_, contents): (Resource<OutputStream>, Vec<u8>)| {
            store.data_mut().capture(&contents);
            Ok((Ok::<(), StreamError>(()),))
        },
    )?;
    for flush in [
        "[method]output-stream.flush",
        "[method]output-stream.blocking-flush",
    ] {
        streams.func_wrap(flush, |_, (_,): (Resource<OutputStream>,)| {
            Ok((Ok::<(), StreamError>(()),))
        })?;
    }
    streams.func_wrap(
        "[method]output-stream.subscribe",
        |mut store: StoreContextMut<'_, HostState>, (_,): (Resource<OutputStream>,)| {
            let pollable = store.data_mut().table.push(Pollable)?;
            Ok((pollable,))
        },
    )?;
    Ok(())
}

fn add_standard_stream(cli: &mut LinkerInstance<'_, HostState>, interface: &str) -> Result<()> {
    define_resource::<OutputStream>(cli, "output-stream")?;
    let getter = if interface == CLI_STDOUT {
        "get-stdout"
    } else {
        "get-stderr"
    };
    cli.func_wrap(getter, |mut store: StoreContextMut<'_, HostState>, ()| {
        let stream = store.data_mut().table.push(OutputStream)?;
        Ok((stream,))
    })
}

/// Defines a host resource whose handles live in the store's resource table.
fn define_resource<T: 'static>(
    instance: &mut LinkerInstance<'_, HostState>,
    name: &str,
) -> Result<()> {
    instance.resource(name, ResourceType::host::<T>(), |mut store, rep| {
        // A handle the table no longer has was already freed; nothing is left to drop.
        let _ = store.data_mut().table.delete(Resource::<T>::new_own(rep));
        Ok(())
    })
}
