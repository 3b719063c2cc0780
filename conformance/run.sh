#!/usr/bin/env bash
# Cross-host conformance test. It runs the same rule component in the Rust host (wasmtime),
# in Node.js through jco and in Python through wasmtime-py, over the events of every
# fixture stream. All three must return identical verdicts and stats and byte-identical
# alert documents. The script installs what it needs (npm ci, a Python venv), prints a diff
# for every mismatch and closes with "N passed, N failed", counted in streams. A host that
# cannot run fails the test, because no host is ever skipped.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="$here/build"
streams="$root/fixtures/streams"
built_component="$root/target/component/rule_component.wasm"
# Every host runs this copy, so a rebuild during the run cannot change what they compare.
component="$build/component/rule_component.wasm"

start=$SECONDS

# Prints a step's name with the seconds elapsed since the start of the script.
step() { printf '\n==> [%3d s] %s\n' "$((SECONDS - start))" "$*" >&2; }

fail() {
    printf 'conformance: %s\n' "$*" >&2
    exit 1
}

require() {
    command -v "$1" >/dev/null || fail "$1 not found; install $2 and run again"
}

# Installs the npm packages from the lockfile, unless this lockfile is already installed.
install_npm() {
    if [[ -d "$here/node_modules" ]] && cmp -s "$here/package-lock.json" "$build/npm-ci.lock"; then
        return
    fi
    (cd "$here" && npm ci --no-audit --no-fund)
    cp "$here/package-lock.json" "$build/npm-ci.lock"
}

# Creates the Python venv and installs the pinned packages, unless they are already there.
install_python() {
    local venv="$build/venv"
    if [[ -x "$venv/bin/python" ]] && cmp -s "$here/python/requirements.txt" "$build/pip.txt"; then
        return
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/python/requirements.txt"
    cp "$here/python/requirements.txt" "$build/pip.txt"
}

require cargo "the Rust toolchain (rustup)"
require node "Node.js 20 or newer"
require npm "npm"
require python3 "Python 3.9 or newer with the venv module"
require sha256sum "GNU coreutils"
[[ -d "$streams" ]] || fail "no fixture streams directory at $streams"
mkdir -p "$build"

step "Rust host and component (its build script builds the component)"
# Cargo reports the example's executable in its JSON messages. Running that file, rather
# than `cargo run`, keeps one build for the whole test.
rust_host="$(
    cd "$root" &&
        cargo build --release -p host-test --example conformance \
            --message-format=json-render-diagnostics |
        python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("target", {}).get("name") == "conformance" and message.get("executable"):
        print(message["executable"])
'
)"
[[ -x "$rust_host" ]] || fail "cargo reported no executable for the conformance example"

step "Component digest"
[[ -f "$built_component" ]] || fail "the build wrote no component at $built_component"
rm -rf "$build/component"
mkdir -p "$build/component"
cp "$built_component" "$built_component.sha256" "$build/component/"
(cd "$build/component" && sha256sum -c rule_component.wasm.sha256)

step "npm packages (npm ci)"
install_npm

step "Python venv (pip install -r python/requirements.txt)"
install_python

step "Transpile the component with jco"
rm -rf "$build/jco"
"$here/node_modules/.bin/jco" transpile "$component" --out-dir "$build/jco" --name rule --quiet

step "Extract each stream's events with the Rust host's reader"
rm -rf "$build/events" "$build/results"
"$rust_host" events --out-dir "$build/events" "$streams"
python3 "$here/harness.py" plan --events "$build/events" --configs "$here/configs" \
    --results "$build/results" --out "$build/plan.json"

# Each host writes one output per case. A host that crashes leaves outputs missing, which
# the comparison reports as failures, so the loop goes on to the other hosts.
failed_hosts=()
step "Run the Rust host"
"$rust_host" run --component "$component" --plan "$build/plan.json" || failed_hosts+=(rust)
step "Run jco"
node "$here/node/run.mjs" --module "$build/jco/rule.js" --plan "$build/plan.json" \
    || failed_hosts+=(jco)
step "Run wasmtime-py"
"$build/venv/bin/python" "$here/python/run.py" --component "$component" --plan "$build/plan.json" \
    || failed_hosts+=(wasmtime-py)

if ((${#failed_hosts[@]} > 0)); then
    printf 'conformance: these hosts exited with an error: %s\n' "${failed_hosts[*]}" >&2
fi
printf 'conformance: hosts finished in %d s\n' "$((SECONDS - start))" >&2

# The comparison prints the closing "N passed, N failed" line, so it runs last.
step "Compare"
status=0
python3 "$here/harness.py" compare "$build/plan.json" || status=1
if ((${#failed_hosts[@]} > 0)); then
    status=1
fi
exit "$status"
