#!/usr/bin/env bash
# Runs every test of the project, and installs what they need first: the Rust wasm targets,
# the npm packages of the jco host (npm ci), a Python virtual environment for wasmtime-py,
# and cargo-fuzz on the nightly toolchain.
#
# Usage: scripts/test.sh            everything (about 30 minutes on a cold 2-core machine)
#        FUZZ_SECONDS=N scripts/test.sh   run each fuzz target for N seconds (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
step() { printf '\n==> [%4d s] %s\n' "$((SECONDS - start))" "$*" >&2; }

step "Rust targets"
rustup target add wasm32-wasip2 wasm32-wasip1 wasm32-unknown-unknown

# One release build serves `rule-host scan` and the tests: the host's build script compiles
# the component, and the tests run it in the same wasmtime.
step "Rule core, component and rule-host (release profile)"
cargo test --release

step "Fluent Bit and Fluvio adapters"
cargo test --release -p adapter-tests -p record-filter

step "Conformance: Rust host, jco and wasmtime-py on the same events"
bash conformance/run.sh

step "Fuzzing rule-core"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

step "Formatting and lints"
cargo fmt --all --check
# The adapters' test crate is left out here: linting it would check a second wasmtime and
# Fluvio's engine, minutes of CI for a test harness.
cargo clippy --release --all-targets -p rule-core -p host-test -- -D warnings

step "All tests passed"
