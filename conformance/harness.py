"""Plan and check the cross-host conformance run.

`plan` pairs every extracted event file with every detector configuration and names the
output file each host writes for each pair. `compare` reads those outputs and checks that
every host returned the same rule info, verdicts, alert documents (byte for byte) and
stats as the reference host, and prints `N passed, N failed` counted in streams.

Only the standard library is used, so any Python 3.9 or newer runs it.
"""

import argparse
import difflib
import json
import sys
from pathlib import Path

REFERENCE_HOST = "rust"
HOSTS = [REFERENCE_HOST, "jco", "wasmtime-py"]

# The sections of a host's output that must be identical across hosts. `host` names the
# runtime and its versions, so it differs by design.
COMPARED_SECTIONS = ["info", "batch", "each", "explain"]

MAX_DIFF_LINES = 40


def plan(events_dir: Path, configs_dir: Path, results_dir: Path) -> dict:
    """List one case per (stream, configuration) pair, with each host's output path."""
    streams = sorted(events_dir.glob("*.json"))
    configs = sorted(configs_dir.glob("*.json"))
    if not streams:
        raise SystemExit(f"harness: no event files in {events_dir}; did the extraction run?")
    if not configs:
        raise SystemExit(f"harness: no configuration files in {configs_dir}")

    cases = []
    for events in streams:
        for config in configs:
            name = f"{events.stem}--{config.stem}"
            outputs = {host: str(results_dir / host / f"{name}.json") for host in HOSTS}
            cases.append(
                {
                    "stream": events.stem,
                    "config_name": config.stem,
                    "events": str(events),
                    "config": str(config),
                    "outputs": outputs,
                }
            )
    return {"hosts": HOSTS, "cases": cases}


def compare_case(case: dict) -> list[str]:
    """Compare every host's output for one case with the reference host's output.

    Returns the problems found; an empty list means the case passed.
    """
    events = json.loads(Path(case["events"]).read_text(encoding="utf-8"))
    outputs = {}
    problems = []
    for host, path in case["outputs"].items():
        output, problem = load_output(host, Path(path), len(events))
        if problem:
            problems.append(problem)
        else:
            outputs[host] = output
    if problems:
        return problems

    for host, output in outputs.items():
        problems += check_batch_equals_each(host, output)

    reference = outputs[REFERENCE_HOST]
    for host, output in outputs.items():
        if host == REFERENCE_HOST:
            continue
        for section in COMPARED_SECTIONS:
            problems += compare_values(
                f"{host} {section}", reference[section], output[section], REFERENCE_HOST, host
            )
    return problems


def load_output(host: str, path: Path, event_count: int):
    """Read one host's output and check its shape. Returns (output, problem)."""
    if not path.is_file():
        return None, f"{host}: wrote no output to {path}; see its error above"
    output = json.loads(path.read_text(encoding="utf-8"))
    if "error" in output:
        return None, f"{host}: failed: {first_lines(output['error'])}"

    missing = [section for section in COMPARED_SECTIONS if section not in output]
    if missing:
        return None, f"{host}: output {path} lacks {', '.join(missing)}"
    counts = {
        "batch": len(output["batch"]["results"]),
        "each": len(output["each"]["results"]),
        "explain": len(output["explain"]),
    }
    for section, count in counts.items():
        if count != event_count:
            return None, f"{host} {section}: {count} results for {event_count} events"
    return output, None


def check_batch_equals_each(host: str, output: dict) -> list[str]:
    """Check the WIT promise that `evaluate-batch` equals calling `evaluate` on each event."""
    return compare_values(
        f"{host} batch against each", output["batch"], output["each"], "evaluate-batch", "evaluate"
    )


def compare_values(label: str, expected, found, expected_name: str, found_name: str) -> list[str]:
    """Describe the first difference between two JSON values, with a diff; [] when equal."""
    if same_json(expected, found):
        return []

    path, left, right = first_difference(expected, found, "")
    lines = [f"{label}: differs at {path or '(top)'}"]
    if isinstance(left, str) and isinstance(right, str):
        # An alert document is one long line, so the bytes around the first difference
        # locate the change better than a diff of that line would.
        lines.append(describe_string_difference(left, right, expected_name, found_name))
    else:
        lines.append(f"  {expected_name}: {short(left)}")
        lines.append(f"  {found_name}: {short(right)}")
        lines += unified_diff(expected, found, expected_name, found_name)
    return ["\n".join(lines)]


def same_json(expected, found) -> bool:
    """Compare two JSON values exactly: strings by their UTF-8 bytes, and `1` unequal to
    `true` or `1.0`, unlike Python's `==`."""
    if type(expected) is not type(found):
        return False
    if isinstance(expected, dict):
        return expected.keys() == found.keys() and all(
            same_json(expected[key], found[key]) for key in expected
        )
    if isinstance(expected, list):
        return len(expected) == len(found) and all(map(same_json, expected, found))
    if isinstance(expected, str):
        return expected.encode("utf-8") == found.encode("utf-8")
    return expected == found


def first_difference(expected, found, path: str):
    """Return (path, expected part, found part) of the first difference in document order."""
    if type(expected) is not type(found):
        return path, expected, found
    if isinstance(expected, dict):
        for key in sorted(expected.keys() | found.keys()):
            if key not in expected or key not in found:
                return f"{path}.{key}", expected.get(key, "<absent>"), found.get(key, "<absent>")
            if not same_json(expected[key], found[key]):
                return first_difference(expected[key], found[key], f"{path}.{key}")
    if isinstance(expected, list):
        for index, (left, right) in enumerate(zip(expected, found)):
            if not same_json(left, right):
                return first_difference(left, right, f"{path}[{index}]")
        return f"{path}.length", len(expected), len(found)
    return path, expected, found


def describe_string_difference(left: str, right: str, left_name: str, right_name: str) -> str:
    """Point at the first differing byte of two strings, such as two alert documents."""
    left_bytes = left.encode("utf-8")
    right_bytes = right.encode("utf-8")
    offset = next(
        (i for i, (a, b) in enumerate(zip(left_bytes, right_bytes)) if a != b),
        min(len(left_bytes), len(right_bytes)),
    )
    start = max(0, offset - 40)
    return (
        f"  first differing byte at offset {offset} "
        f"({len(left_bytes)} and {len(right_bytes)} bytes long)\n"
        f"  {left_name}: ...{left_bytes[start:offset + 40]!r}\n"
        f"  {right_name}: ...{right_bytes[start:offset + 40]!r}"
    )


def first_lines(text: str, count: int = 12) -> str:
    lines = text.splitlines()
    if len(lines) <= count:
        return text
    return "\n".join(lines[:count] + [f"... {len(lines) - count} more lines"])


def short(value, limit: int = 300) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def short_line(line: str, limit: int = 200) -> str:
    return line if len(line) <= limit else line[:limit] + "..."


def unified_diff(expected, found, expected_name: str, found_name: str) -> list[str]:
    """Return a unified diff of the two values printed as indented JSON, cut to MAX_DIFF_LINES."""
    left = json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    right = json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    diff = list(difflib.unified_diff(left, right, expected_name, found_name, lineterm="", n=2))
    diff = [short_line(line) for line in diff]
    if len(diff) > MAX_DIFF_LINES:
        diff = diff[:MAX_DIFF_LINES] + [f"... {len(diff) - MAX_DIFF_LINES} more diff lines"]
    return ["  " + line for line in diff]


def summarize(case: dict) -> str:
    """Summarize in one line what the reference host returned for a case."""
    output = json.loads(Path(case["outputs"][REFERENCE_HOST]).read_text(encoding="utf-8"))
    results = output["batch"]["results"]
    alerts = sum(1 for result in results if "alert" in result.get("ok", {}))
    errors = sum(1 for result in results if "err" in result)
    return f"{len(results)} events, {alerts} alerts, {errors} event errors"


def compare(plan_path: Path) -> int:
    """Compare every case of the plan, print a line per stream, and return the exit code."""
    cases = json.loads(plan_path.read_text(encoding="utf-8"))["cases"]
    failed_streams = set()
    streams = []
    for case in cases:
        if case["stream"] not in streams:
            streams.append(case["stream"])
        name = f"{case['stream']} [{case['config_name']}]"
        problems = compare_case(case)
        if problems:
            failed_streams.add(case["stream"])
            print(f"FAIL {name}")
            for problem in problems:
                print("  " + problem.replace("\n", "\n  "))
        else:
            print(f"ok   {name}: {summarize(case)}, identical in {', '.join(HOSTS)}")

    failed = len(failed_streams)
    print(f"{len(streams) - failed} passed, {failed} failed")
    return 0 if failed == 0 and streams else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    plan_command = commands.add_parser("plan", help="write the list of cases as JSON")
    plan_command.add_argument("--events", type=Path, required=True, help="event files dir")
    plan_command.add_argument("--configs", type=Path, required=True, help="config files dir")
    plan_command.add_argument("--results", type=Path, required=True, help="host outputs dir")
    plan_command.add_argument("--out", type=Path, required=True, help="plan file to write")

    compare_command = commands.add_parser("compare", help="compare the hosts' outputs")
    compare_command.add_argument("plan", type=Path, help="plan file written by `plan`")

    args = parser.parse_args()
    if args.command == "plan":
        cases = plan(args.events, args.configs, args.results)
        args.out.write_text(json.dumps(cases, indent=1) + "\n", encoding="utf-8")
        return 0
    return compare(args.plan)


if __name__ == "__main__":
    sys.exit(main())
