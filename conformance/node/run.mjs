// Runs the rule component, transpiled by jco, over the cases of a conformance plan and writes
// each case's results in the conformance format (see ../README.md).
//
// Usage: node run.mjs --module build/jco/rule.js --plan build/plan.json
//
// jco maps the WIT types to JavaScript as follows, and this script maps them back:
// - record fields are camelCase, so they are turned back into WIT's kebab-case;
// - a variant or a result nested in another value is `{ tag, val }`;
// - a function whose result is a `result` returns the `ok` value, or throws an error whose
//   `payload` property contains the `err` value;
// - an absent `option` is `undefined`, written here as `null`;
// - `u64` is a `BigInt`, written here as a JSON number.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HOST_NAME = 'jco';

async function main() {
  const { values } = parseArgs({
    options: { module: { type: 'string' }, plan: { type: 'string' } },
    strict: true,
  });
  for (const name of ['module', 'plan']) {
    if (values[name] === undefined) {
      throw new Error(`missing required option --${name}; see the usage at the top of run.mjs`);
    }
  }

  const plan = JSON.parse(await readFile(values.plan, 'utf8'));
  const host = await hostDescription();
  const moduleUrl = pathToFileURL(resolve(values.module));

  for (const [index, testCase] of plan.cases.entries()) {
    // A trap or bad input fails this case only; the error goes into its output.
    const output = await runCase(moduleUrl, index, testCase).catch((error) => ({
      error: `${error}`,
    }));
    const path = testCase.outputs[HOST_NAME];
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify({ host, ...output }, null, 1) + '\n');
  }
}

/**
 * Runs one case in a fresh instance of the component. Importing the transpiled module under
 * a new URL query makes Node evaluate it again, and jco instantiates the component when the
 * module is evaluated, so a trap in one case cannot leave a broken instance to the next.
 */
async function runCase(moduleUrl, index, testCase) {
  const url = new URL(moduleUrl);
  url.search = `?case=${index}`;
  const { rule } = await import(url.href);

  const config = await readFile(testCase.config, 'utf8');
  const events = parseEvents(await readFile(testCase.events, 'utf8'), testCase.events);
  const batch = runBatch(rule, config, events);
  const [each, explain] = runEach(rule, config, events);
  return { info: toWit(rule.info()), batch, each, explain };
}

/** Parses the events file: a JSON array of strings, one per event. */
function parseEvents(text, path) {
  const events = JSON.parse(text);
  const valid = Array.isArray(events) && events.every((event) => typeof event === 'string');
  if (!valid) {
    throw new Error(`${path}: expected a JSON array of event strings`);
  }
  return events;
}

/** Feeds every event to one detector through `evaluate-batch`. */
function runBatch(rule, config, events) {
  const detector = createDetector(rule, config);
  try {
    const results = detector.evaluateBatch(events).map(toWit);
    return { results, stats: toWit(detector.stats()) };
  } finally {
    detector[Symbol.dispose]();
  }
}

/**
 * Feeds every event to a second detector through one `evaluate` call each, then has it
 * explain every event. The stats are read last, because `explain` must not change them.
 */
function runEach(rule, config, events) {
  const detector = createDetector(rule, config);
  try {
    const results = events.map((event) => callResult(() => detector.evaluate(event)));
    const explanations = events.map((event) => callResult(() => detector.explain(event)));
    return [{ results, stats: toWit(detector.stats()) }, explanations];
  } finally {
    detector[Symbol.dispose]();
  }
}

function createDetector(rule, config) {
  const created = callLifted(() => rule.Detector.create(config));
  if ('err' in created) {
    const error = JSON.stringify(toWit(created.err));
    throw new Error(`the component rejected the configuration: ${error}`);
  }
  return created.ok;
}

/** Calls a function whose WIT result is a `result` and converts both cases. */
function callResult(call) {
  const result = callLifted(call);
  return 'ok' in result ? { ok: toWit(result.ok) } : { err: toWit(result.err) };
}

/**
 * Calls a function whose WIT result is a `result` and returns `{ ok }` or `{ err }` with the
 * values as jco lifts them. A trap or any other JavaScript error has no `payload` and is
 * thrown on, because it is no value of the WIT contract.
 */
function callLifted(call) {
  try {
    return { ok: call() };
  } catch (error) {
    if (error instanceof Error && Object.hasOwn(error, 'payload')) {
      return { err: error.payload };
    }
    throw error;
  }
}

/**
 * Converts a value as jco lifts it into the conformance format: variants and results as a
 * one-key object `{ case: payload }`, records with kebab-case keys, `undefined` as `null`.
 */
function toWit(value) {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === 'bigint') {
    return bigintToNumber(value);
  }
  if (Array.isArray(value)) {
    return value.map(toWit);
  }
  if (typeof value !== 'object') {
    return value;
  }
  if (isTagged(value)) {
    return { [value.tag]: toWit(value.val) };
  }
  const record = {};
  for (const [key, field] of Object.entries(value)) {
    record[kebabCase(key)] = toWit(field);
  }
  return record;
}

/**
 * Distinguishes a variant or result from a record. No record of the rule's WIT has exactly
 * the fields `tag` and `val`, so an object with exactly those keys is a variant or a result.
 */
function isTagged(value) {
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes('tag') && keys.includes('val');
}

function kebabCase(name) {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Converts a `u64` to a JSON number, which is exact only up to 2^53 - 1. */
function bigintToNumber(value) {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`the u64 value ${value} exceeds 2^53 - 1, the largest exact JSON number`);
  }
  return Number(value);
}

/** Names the host and the package versions npm installed, read from their manifests. */
async function hostDescription() {
  const jco = await installedVersion('@bytecodealliance/jco');
  const shim = await installedVersion('@bytecodealliance/preview2-shim');
  return `${HOST_NAME} ${jco}, preview2-shim ${shim}, node ${process.version}`;
}

async function installedVersion(name) {
  const manifest = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(await readFile(manifest, 'utf8')).version;
}

main().catch((error) => {
  console.error(`run.mjs: ${error.stack ?? error}`);
  process.exitCode = 1;
});
