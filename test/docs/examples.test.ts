/*
 * Runs every ```ts block of every `@example` in src/ as a test named file:line.
 *
 * Conventions for example code:
 * - `tf` is the package namespace; the exports of the documented module are in scope by
 *   their own names; `import` lines at the top may name "scopeflow", `node:` modules, or
 *   sources relative to the documented file ("./file_io.js").
 * - Each block runs alone, as the body of an async function (`await`, `using` work), in a
 *   fresh default graph and a fresh temporary working directory, and must not leak tensors.
 * - `expr; // ==> shown` evaluates the one-line expression statement and asserts that
 *   `String(value)` equals `shown` exactly (strings without quotes; NDArray prints as NumPy).
 *   The marker may also stand on the line after the statement; a multi-line value goes on
 *   following lines with `//` in the same column and the text under the first line's value
 *   (a bare `//` there is an empty line). Checks work inside synchronous callbacks too.
 * - `stmt; // throws Name: prefix` asserts that the statement throws an error whose `name`
 *   is `Name` and whose message starts with `prefix` (the `: prefix` part is optional).
 * - Any other `//` comment is prose. An example that throws unexpectedly, shows a wrong
 *   value, or does not compile fails; an `@example` without a ```ts block fails too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tfc from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { compile, findExamples, relativeImports, type Example } from "./doctest.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const nodeRequire = createRequire(import.meta.url);

const examples = findExamples(join(root, "src"), root);

/** Imports an `src/` module by its path relative to the repository root. */
async function importSource(file: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ `../../${file.replace(/\.ts$/, ".js")}`)) as Record<
    string,
    unknown
  >;
}

function exampleRequire(siblings: Map<string, unknown>): (specifier: string) => unknown {
  return (specifier) => {
    if (specifier === "scopeflow") return tf;
    if (specifier.startsWith("node:")) return nodeRequire(specifier);
    if (siblings.has(specifier)) return siblings.get(specifier);
    throw new Error(`examples may import "scopeflow", node: and src/ modules, not "${specifier}"`);
  };
}

function check(value: () => unknown, shown: string, line: number): void | Promise<void> {
  const compare = (v: unknown): void => {
    expect(String(v), `example line ${line}`).toBe(shown);
  };
  const v = value();
  // Only awaited statements produce a promise here (see instrument()).
  return v instanceof Promise ? v.then(compare) : compare(v);
}

function throws(stmt: () => unknown, expected: string, line: number): void | Promise<void> {
  const colon = expected.indexOf(":");
  const name = colon < 0 ? expected : expected.slice(0, colon);
  const prefix = colon < 0 ? "" : expected.slice(colon + 1).trim();
  const compare = (error: unknown): void => {
    expect(error, `example line ${line}: expected ${name} to be thrown`).toBeInstanceOf(Error);
    const { name: actualName, message } = error as Error;
    expect(actualName, `example line ${line}`).toBe(name);
    expect(
      message.startsWith(prefix),
      `example line ${line}: "${message}" starts with "${prefix}"`,
    ).toBe(true);
  };
  let result: unknown;
  try {
    result = stmt();
  } catch (e) {
    return compare(e);
  }
  if (result instanceof Promise) return result.then(() => compare(null), compare);
  compare(null);
}

type Body = (
  tfNamespace: typeof tf,
  checkFn: typeof check,
  throwsFn: typeof throws,
  moduleExports: Record<string, unknown>,
) => Promise<void>;

async function run(example: Example): Promise<void> {
  if (example.problem !== undefined) throw new Error(example.problem);
  const documented = await importSource(example.file);
  // Imports relative to the documented file resolve among the sources, loaded up front
  // because the compiled example requires them synchronously.
  const siblings = new Map<string, unknown>();
  for (const specifier of relativeImports(example.code)) {
    const file = posix.join(posix.dirname(example.file), specifier).replace(/\.js$/, ".ts");
    siblings.set(specifier, await importSource(file));
  }
  const js = compile(example.code, Object.keys(documented));
  const module = { exports: {} as unknown };
  new Function("require", "module", "exports", js)(
    exampleRequire(siblings),
    module,
    module.exports,
  );
  const body = module.exports as Body;

  tf.resetDefaultGraph();
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), "scopeflow-doctest-"));
  const before = tfc.memory().numTensors;
  process.chdir(dir);
  try {
    await body(tf, check, throws, documented);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
  expect(tfc.memory().numTensors, "tensors leaked (close every Session)").toBe(before);
}

let backend = "";
beforeAll(async () => {
  backend = tf.getBackend();
  // These graphs are tiny: the cpu backend runs them without wasm's per-call overhead.
  await tf.setBackend("cpu");
});
afterAll(async () => {
  await tf.setBackend(backend);
});

describe("documentation examples", () => {
  test("are found", () => {
    expect(examples.length).toBeGreaterThan(300);
  });
  for (const example of examples) {
    test(`${example.file}:${example.line}`, () => run(example));
  }
});
