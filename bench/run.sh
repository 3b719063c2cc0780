#!/usr/bin/env bash
# Runs the throughput benchmark in one command: installs jq and hyperfine when missing,
# builds `rule-host` (main workspace) and `rule-bench` (this workspace), then runs every
# contender over the same generated input and prints the table as Markdown.
#
# Settings, from the environment:
#   EVENTS       records every contender reads (default 500000)
#   SCAN_EVENTS  records `rule-host scan` reads for its peak memory (default 1000000)
#   RUNS         runs of each contender; the table shows the median (default 3)
#   SEED         generator seed (default 1)
# Other arguments go to `rule-bench suite`, for example `--only native,component-batch`.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$bench_dir")"

missing=()
command -v jq >/dev/null || missing+=(jq)
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v python3 >/dev/null || missing+=(python3)
[ -x /usr/bin/time ] || missing+=(time)
if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "building rule-host" >&2
(cd "$repo_dir" && cargo build --release --quiet -p host-test --bin rule-host)
echo "building rule-bench" >&2
(cd "$bench_dir" && cargo build --release --quiet)

cd "$bench_dir"
exec ./target/release/rule-bench suite \
    --events "${EVENTS:-500000}" \
    --scan-events "${SCAN_EVENTS:-1000000}" \
    --runs "${RUNS:-3}" \
    --seed "${SEED:-1}" \
    --rule-host "$repo_dir/target/release/rule-host" \
    --workdir "$bench_dir/target/bench-data" \
    "$@"
