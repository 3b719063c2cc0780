#!/usr/bin/env bash
# Measures rule-host's peak memory and time on a generated CloudTrail log file.
#
# It generates a {"Records": [...]} file of SIZE bytes uncompressed (default 2G, that is
# 2 GiB) with scripts/gen-large-records.py, gzips a copy, scans each with
# `rule-host scan --stats` under /usr/bin/time -v, and prints the peak resident set size,
# the elapsed time and the counts. It fails when a scan's event or alert count differs from
# what the generator wrote, or when the peak RSS exceeds --max-rss-mib.
#
# Usage: scripts/measure-large.sh [--size SIZE] [--dir DIR] [--keep] [--max-rss-mib N]
#   --size SIZE       uncompressed size, with K, M or G (powers of 1024); default 2G
#   --dir DIR         where to write the files; default a new directory under $TMPDIR or /tmp
#   --keep            keep the generated files (deleted by default)
#   --max-rss-mib N   fail when a scan's peak RSS is above N MiB
# Environment: RULE_HOST (default target/release/rule-host, built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

size=2G
dir=""
keep=false
max_rss_mib=""
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size="$2"; shift 2 ;;
        --dir) dir="$2"; shift 2 ;;
        --keep) keep=true; shift ;;
        --max-rss-mib) max_rss_mib="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "measure-large.sh: unknown argument '$1'; see --help" >&2; exit 2 ;;
    esac
done

rule_host="${RULE_HOST:-target/release/rule-host}"
if [ ! -x "$rule_host" ]; then
    echo "building $rule_host" >&2
    cargo build --release -p host-test
fi
if [ ! -x /usr/bin/time ]; then
    echo "measure-large.sh: /usr/bin/time is missing; install it (apt-get install time)" >&2
    exit 2
fi

if [ -z "$dir" ]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/measure-large.XXXXXX")"
fi
mkdir -p "$dir"
if [ "$keep" = false ]; then
    trap 'rm -f "$dir"/records.json "$dir"/records.json.gz' EXIT
fi

echo "generating $size of records in $dir" >&2
python3 scripts/gen-large-records.py --size "$size" -o "$dir/records.json" > "$dir/expected.json"
gzip -6 -c "$dir/records.json" > "$dir/records.json.gz"

# Prints one field of a JSON object file.
json_field() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

expected_records="$(json_field "$dir/expected.json" records)"
expected_alerts="$(json_field "$dir/expected.json" alerts)"
status=0

for file in records.json records.json.gz; do
    name="${file//./-}"
    set +e
    /usr/bin/time -v "$rule_host" scan --stats "$dir/$name.stats.json" "$dir/$file" \
        > "$dir/$name.alerts.ndjson" 2> "$dir/$name.stderr"
    scan_status=$?
    set -e

    rss_kib="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$name.stderr")"
    elapsed="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/$name.stderr")"
    if [ "$scan_status" -ne 0 ] || [ ! -s "$dir/$name.stats.json" ]; then
        echo "$file: rule-host exited with $scan_status; see $dir/$name.stderr" >&2
        keep=true
        status=1
        continue
    fi
    events="$(json_field "$dir/$name.stats.json" events)"
    alerts="$(json_field "$dir/$name.stats.json" alerts)"
    errors="$(json_field "$dir/$name.stats.json" errors)"

    printf '%s: %s bytes on disk, peak RSS %d MiB, elapsed %s, events %s, alerts %s, errors %s\n' \
        "$file" "$(stat -c %s "$dir/$file")" "$((rss_kib / 1024))" "$elapsed" \
        "$events" "$alerts" "$errors"

    if [ "$events" != "$expected_records" ] || [ "$alerts" != "$expected_alerts" ] \
        || [ "$errors" != 0 ]; then
        echo "$file: expected $expected_records events, $expected_alerts alerts and 0 errors" >&2
        status=1
    fi
    if [ -n "$max_rss_mib" ] && [ "$((rss_kib / 1024))" -gt "$max_rss_mib" ]; then
        echo "$file: peak RSS above the bound of $max_rss_mib MiB" >&2
        status=1
    fi
done

echo "generator: $(cat "$dir/expected.json")"
exit "$status"
