#!/usr/bin/env bash
# Runs each libFuzzer target in fuzz/ against rule-core for SECONDS seconds (default 60) and
# fails if any target finds a crash, a timeout or an out-of-memory input.
#
# Usage: scripts/fuzz.sh [SECONDS]
#
# It needs the nightly toolchain and installs it (minimal profile) and cargo-fuzz (from
# crates.io) when they are missing. Each target keeps its corpus in fuzz/corpus/<target>,
# seeded from fuzz/seeds/<target>; libFuzzer's output goes to fuzz/target/logs/<target>.log
# and a failing input to fuzz/artifacts/<target>/. Run it from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-60}"
if ! [[ "$duration" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: SECONDS must be a positive whole number, found '$duration'" >&2
    echo "usage: scripts/fuzz.sh [SECONDS]" >&2
    exit 2
fi

# Target name, then its libFuzzer dictionary.
targets=(
    "parse_event json"
    "kql_parse kql"
    "evaluate json"
    "config json"
)

# rule-core's only unsafe code is the screen's SIMD loads of fixed 16-byte arrays, so the
# runs go without AddressSanitizer and spend its overhead on more inputs. Debug assertions
# keep overflow checks on.
build_flags=(--sanitizer none --debug-assertions)

step() { printf '\n==> %s\n' "$*" >&2; }

step "Toolchain and cargo-fuzz"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo +nightly fuzz --version >&2

step "Build the fuzz targets"
cargo +nightly fuzz build "${build_flags[@]}"

mkdir -p fuzz/target/logs
stamp="fuzz/target/logs/started"
touch "$stamp"
failed=()

for entry in "${targets[@]}"; do
    read -r target dictionary <<<"$entry"
    step "Fuzz $target for $duration s"
    corpus="fuzz/corpus/$target"
    log="fuzz/target/logs/$target.log"
    mkdir -p "$corpus" "fuzz/artifacts/$target"

    # New inputs go to the first corpus directory; the seeds are only read.
    if cargo +nightly fuzz run "${build_flags[@]}" "$target" "$corpus" "fuzz/seeds/$target" -- \
        -max_total_time="$duration" \
        -dict="fuzz/dictionaries/$dictionary.dict" \
        -timeout=10 \
        >"$log" 2>&1; then
        grep -a '^Done' "$log" >&2 || tail -n 1 "$log" >&2
        continue
    fi

    failed+=("$target")
    tail -n 40 "$log" >&2
    echo "error: fuzz target $target failed; the full output is in $log" >&2
    found=$(find "fuzz/artifacts/$target" -type f -newer "$stamp")
    for artifact in $found; do
        echo "reproduce with: cargo +nightly fuzz run ${build_flags[*]} $target $artifact" >&2
    done
done

if ((${#failed[@]} > 0)); then
    echo "error: fuzzing failed for: ${failed[*]}" >&2
    exit 1
fi
step "No target found a failing input"
