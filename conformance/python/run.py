"""Run the rule component in wasmtime-py over the cases of a conformance plan.

Writes each case's results in the conformance format that ../README.md describes.

Usage: python run.py --component rule_component.wasm --plan build/plan.json

wasmtime-py's component API lifts WIT values without their types. A record becomes an
object with attributes and an enum a string. A variant becomes a `Variant(tag, payload)`
when the Python classes of two of its cases overlap, and the bare payload of the case
otherwise. The single-case `config-error`, for example, arrives as a plain `str`, and
`result<detector, config-error>` as either a resource or that `str`. This script therefore
converts each value guided by the function's type, which the API does expose.
"""

import argparse
import json
import sys
import traceback
from importlib.metadata import version
from pathlib import Path

import wasmtime
from wasmtime import component

INTERFACE = "detection:rule/rule@0.1.0"
HOST_NAME = "wasmtime-py"


class Rule:
    """One instance of the rule component and typed access to its exports."""

    def __init__(self, engine: wasmtime.Engine, linker: component.Linker, loaded):
        # Only stderr is inherited, so that a guest panic prints its message before the trap.
        wasi = wasmtime.WasiConfig()
        wasi.inherit_stderr()
        self.store = wasmtime.Store(engine)
        self.store.set_wasi(wasi)

        self.instance = linker.instantiate(self.store, loaded)
        self.interface = self.instance.get_export_index(self.store, INTERFACE)
        if self.interface is None:
            raise LookupError(f"the component does not export {INTERFACE}")

    def call(self, name: str, *args):
        """Call an export of the rule interface and convert its result to plain JSON values."""
        func = self._func(name)
        result_type = func.type(self.store).result
        value = func(self.store, *args)
        func.post_return(self.store)
        return to_json(result_type, value)

    def create_detector(self, config: str) -> component.ResourceAny:
        """Call `detector.create` and return the resource, or raise on a rejected config."""
        func = self._func("[static]detector.create")
        result_type = func.type(self.store).result
        value = func(self.store, config)
        func.post_return(self.store)

        if isinstance(value, component.ResourceAny):
            return value
        error = to_json(result_type.err, value)
        raise ValueError(f"the component rejected the configuration: {json.dumps(error)}")

    def _func(self, name: str) -> component.Func:
        index = self.instance.get_export_index(self.store, name, self.interface)
        func = None if index is None else self.instance.get_func(self.store, index)
        if func is None:
            raise LookupError(f"the component exports no function {name} in {INTERFACE}")
        return func


def to_json(ty: component.ValType, value):
    """Convert a value lifted by wasmtime-py to the conformance format, guided by its type.

    Records become objects with the WIT field names, variants and results one-key objects
    `{case: payload}`, options the payload or `None`.
    """
    if isinstance(ty, component.RecordType):
        return {name: to_json(field, getattr(value, name)) for name, field in ty.fields}
    if isinstance(ty, component.ListType):
        return [to_json(ty.element, item) for item in value]
    if isinstance(ty, component.OptionType):
        option = case_to_json([("none", None), ("some", ty.payload)], value)
        return option.get("some")
    if isinstance(ty, component.ResultType):
        return case_to_json([("ok", ty.ok), ("err", ty.err)], value)
    if isinstance(ty, component.VariantType):
        return case_to_json(ty.cases, value)
    if isinstance(ty, (component.OwnType, component.BorrowType)):
        raise TypeError("a resource handle has no JSON form")
    return value


def case_to_json(cases, value):
    """Convert a variant or result value to `{case: payload}`.

    wasmtime-py returns a `Variant` when the Python classes of two cases overlap, and the
    bare payload otherwise, so this function applies the same test to read the value back.
    """
    if is_tagged(cases):
        payload_type = dict(cases)[value.tag]
        payload = None if payload_type is None else to_json(payload_type, value.payload)
        return {value.tag: payload}

    for name, payload_type in cases:
        if payload_type is None and value is None:
            return {name: None}
        if payload_type is not None and isinstance(value, classes_of(payload_type)):
            return {name: to_json(payload_type, value)}
    raise TypeError(f"the value {value!r} matches no case of {[name for name, _ in cases]}")


def is_tagged(cases) -> bool:
    """Tell whether wasmtime-py lifts these cases as `Variant` objects."""
    seen = set()
    for _, payload_type in cases:
        found = set(classes_of(payload_type))
        if found & seen:
            return True
        seen |= found
    return False


def classes_of(payload_type) -> tuple:
    """Return the Python classes a lifted payload can have, or `object` for no payload."""
    if payload_type is None:
        return (object,)
    found = set()
    payload_type.add_classes(found)
    return tuple(found)


def run_batch(rule: Rule, config: str, events: list[str]) -> dict:
    """Feed every event to one detector through `evaluate-batch`."""
    detector = rule.create_detector(config)
    results = rule.call("[method]detector.evaluate-batch", detector, events)
    stats = rule.call("[method]detector.stats", detector)
    detector.drop(rule.store)
    return {"results": results, "stats": stats}


def run_each(rule: Rule, config: str, events: list[str]) -> tuple[dict, list]:
    """Feed every event to a second detector through one `evaluate` call each.

    Then have the detector explain every event, and read the stats last, because `explain`
    must not change them. Returns the results with the stats, and the explanations.
    """
    detector = rule.create_detector(config)
    results = [rule.call("[method]detector.evaluate", detector, event) for event in events]
    explanations = [rule.call("[method]detector.explain", detector, event) for event in events]
    stats = rule.call("[method]detector.stats", detector)
    detector.drop(rule.store)
    return {"results": results, "stats": stats}, explanations


def read_events(path: Path) -> list[str]:
    """Read the events file: a JSON array of strings, one per event."""
    events = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(events, list) or not all(isinstance(event, str) for event in events):
        raise ValueError(f"{path}: expected a JSON array of event strings")
    return events


def run_case(engine, linker, loaded, case: dict) -> dict:
    """Run one case in a fresh instance, so that a trap cannot leave a broken instance."""
    config = Path(case["config"]).read_text(encoding="utf-8")
    events = read_events(Path(case["events"]))

    rule = Rule(engine, linker, loaded)
    batch = run_batch(rule, config, events)
    each, explain = run_each(rule, config, events)
    return {"info": rule.call("info"), "batch": batch, "each": each, "explain": explain}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--component", type=Path, required=True, help="the rule .wasm file")
    parser.add_argument("--plan", type=Path, required=True, help="plan written by harness.py")
    args = parser.parse_args()

    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    host = f"{HOST_NAME} {version('wasmtime')}, python {sys.version.split()[0]}"

    engine = wasmtime.Engine()
    loaded = component.Component.from_file(engine, str(args.component))
    linker = component.Linker(engine)
    linker.add_wasip2()

    for case in plan["cases"]:
        try:
            output = run_case(engine, linker, loaded, case)
        except Exception as error:  # noqa: BLE001 - a trap or bad input fails this case only
            message = traceback.format_exception_only(type(error), error)
            output = {"error": "".join(message).strip()}

        path = Path(case["outputs"][HOST_NAME])
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"host": host, **output}, indent=1, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
