/**
 * SCOPEFLOW_WASM_THREADS: tfjs-wasm's threaded SIMD build in Node, with XNNPACK's pool
 * of worker threads. Run in child processes (the backend is global to a process): the
 * pool has the threads asked for, a product large enough to be split among them gives
 * the same values as one thread, and the process still ends by itself.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "../checkpoint/helpers.js";

const tsxCli = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
// The script lives in a temporary directory: packages are imported by path.
const wasmEntry = path.join(
  repoRoot,
  "node_modules",
  "@tensorflow",
  "tfjs-backend-wasm",
  "dist",
  "tf-backend-wasm.node.js",
);
const script = `
import { getThreadsCount } from ${JSON.stringify(wasmEntry)};
import * as tf from ${JSON.stringify(path.join(repoRoot, "src", "index.esm.ts"))};
const n = 300;
const a = tf.constant(Array.from({ length: n * n }, (_, i) => Math.sin(i)), { shape: [n, n] });
const b = tf.constant(Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.5)), { shape: [n, n] });
using sess = new tf.Session();
const y = sess.run(tf.matmul(a, b));
let sum = 0;
for (const v of y.data) sum += v;
console.log(JSON.stringify({ backend: tf.getBackend(), threads: getThreadsCount(), sum, first: Array.from(y.data.slice(0, 5)) }));
`;

function runWith(threads: string | null) {
  const file = path.join(tempDir(), "threads.mts");
  writeFileSync(file, script);
  const env = { ...process.env };
  delete env.SCOPEFLOW_BACKEND;
  delete env.SCOPEFLOW_WASM_THREADS;
  if (threads !== null) env.SCOPEFLOW_WASM_THREADS = threads;
  const r = spawnSync(process.execPath, [tsxCli, file], {
    cwd: repoRoot,
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

const tempFiles = () => readdirSync(tmpdir()).filter((f) => f.startsWith("scopeflow-wasm-"));

describe("SCOPEFLOW_WASM_THREADS", () => {
  it("runs XNNPACK on a pool of worker threads with the same values, and exits", () => {
    const before = tempFiles().length;
    const one = runWith(null);
    const two = runWith("2");
    expect(one.err).toBe("");
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.err).toBe("");
    const r1 = JSON.parse(one.out) as { backend: string; threads: number; sum: number };
    const r2 = JSON.parse(two.out) as { backend: string; threads: number; sum: number };
    expect(r1.backend).toBe("wasm");
    expect(r2.backend).toBe("wasm");
    expect(r1.threads).toBe(1);
    expect(r2.threads).toBe(2);
    expect(r2).toEqual({ ...r1, threads: 2 });
    // The worker scripts written for the load are gone.
    expect(tempFiles().length).toBeLessThanOrEqual(before);
  });
});
