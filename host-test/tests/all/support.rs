//! Engines and compiled components shared by the tests of this binary.

use std::io::Write;
use std::process::{Child, Output};
use std::sync::OnceLock;
use std::time::Duration;

use rule_host::cache;
use rule_host::runtime::{EngineOptions, Limits, Runtime, WallClock, new_engine};
use wasmtime::Engine;
use wasmtime::component::Component;

/// The rule component the binary embeds.
pub const RULE_COMPONENT: &[u8] = include_bytes!(env!("RULE_COMPONENT_PATH"));

/// The component that panics, loops or allocates on request.
pub const FAULTY_COMPONENT: &[u8] = include_bytes!(env!("FAULTY_COMPONENT_PATH"));

/// The wall clock the tests pin, 2024-05-01T12:00:00Z.
pub const PINNED_CLOCK: WallClock = WallClock::Fixed(Duration::from_secs(1_714_564_800));

/// Writes `stdin` to the child's standard input, closes it and waits for the child. A usage
/// error ends the binary before it reads its input, so a broken pipe is not a failure.
pub fn finish_with_stdin(mut child: Child, stdin: &str) -> Output {
    let mut input = child.stdin.take().expect("stdin is piped");
    match input.write_all(stdin.as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            panic!("cannot write stdin: {error}")
        }
        _ => {}
    }
    drop(input);
    child.wait_with_output().expect("rule-host finishes")
}

struct Compiled {
    engine: Engine,
    rule: Component,
    faulty: Component,
}

fn compiled(fuel: bool) -> &'static Compiled {
    static PLAIN: OnceLock<Compiled> = OnceLock::new();
    static FUELED: OnceLock<Compiled> = OnceLock::new();
    let cell = if fuel { &FUELED } else { &PLAIN };
    cell.get_or_init(|| {
        let engine = new_engine(EngineOptions { fuel }).expect("engine");
        let rule = cache::compile(&engine, RULE_COMPONENT).expect("rule component compiles");
        let faulty = cache::compile(&engine, FAULTY_COMPONENT).expect("faulty component compiles");
        Compiled {
            engine,
            rule,
            faulty,
        }
    })
}

/// Returns the engine without fuel that the tests share.
pub fn engine() -> &'static Engine {
    &compiled(false).engine
}

/// Creates a runtime of the rule component with `limits` and the pinned clock.
pub fn rule_runtime(limits: Limits) -> Runtime {
    let compiled = compiled(limits.fuel.is_some());
    Runtime::new(&compiled.engine, &compiled.rule, limits, PINNED_CLOCK).expect("rule runtime")
}

/// Creates a runtime of the faulty component with `limits` and the pinned clock.
pub fn faulty_runtime(limits: Limits) -> Runtime {
    let compiled = compiled(limits.fuel.is_some());
    Runtime::new(&compiled.engine, &compiled.faulty, limits, PINNED_CLOCK).expect("faulty runtime")
}
