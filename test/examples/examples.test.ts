/**
 * Runs every example in `examples/` (except `demo.ts`) in its own Node process, as
 * `npx tsx examples/<name>.ts` would, and compares its stdout with
 * `examples/expected/<name>.txt` exactly. At most two examples run at a time.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLES = join(ROOT, "examples");
const EXPECTED = join(EXAMPLES, "expected");
const TSX_CLI = join(ROOT, "node_modules/tsx/dist/cli.mjs");

/** How many examples run at once (the machine has two cores). */
const MAX_PARALLEL = 2;
/** How long one example may run before it is killed. */
const RUN_TIMEOUT_MS = 120_000;

interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `fn` once fewer than MAX_PARALLEL others are running. */
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((wake) => waiting.push(wake));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runExample(file: string): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [TSX_CLI, file], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: RUN_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code, signal) => done({ stdout, stderr, code, signal }));
  });
}

/** The end of stderr, enough to see an error without wasm's minified source lines. */
function stderrTail(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => line.length < 1000)
    .slice(-30)
    .join("\n");
}

const names = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".ts") && f !== "demo.ts")
  .map((f) => f.slice(0, -".ts".length))
  .sort();

describe.concurrent("examples", () => {
  it("every example has an expected output", () => {
    const missing = names.filter((name) => !existsSync(join(EXPECTED, `${name}.txt`)));
    expect(missing).toEqual([]);
  });

  for (const name of names) {
    it(
      name,
      async () => {
        const expectedFile = join(EXPECTED, `${name}.txt`);
        const expected = existsSync(expectedFile) ? readFileSync(expectedFile, "utf8") : null;
        const result = await limited(() => runExample(join(EXAMPLES, `${name}.ts`)));
        const context = `examples/${name}.ts exited with code ${result.code} (signal ${result.signal}); stderr:\n${stderrTail(result.stderr)}`;
        expect(result.stdout, context).toBe(expected);
        expect(result.code, context).toBe(0);
      },
      // Waiting for a free slot counts against the timeout.
      RUN_TIMEOUT_MS * Math.ceil(names.length / MAX_PARALLEL),
    );
  }
});
