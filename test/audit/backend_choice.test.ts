/**
 * README "Backends": the ESM entry loads wasm on import; SCOPEFLOW_BACKEND chooses another
 * backend; the run results agree. Each case runs in a child process (the backend is global).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "../checkpoint/helpers.js";

const tsxCli = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
const script = `
import * as tf from ${JSON.stringify(path.join(repoRoot, "src", "index.esm.ts"))};
const a = tf.constant([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
const w = tf.constant([[1, 0], [0, 1], [1, 1], [2, -1]]);
using sess = new tf.Session();
console.log(tf.getBackend() + " " + JSON.stringify(sess.run(tf.matmul(a, w)).toArray()));
`;

function runWith(backend: string | null) {
  const file = path.join(tempDir(), "probe.mts");
  writeFileSync(file, script);
  const env = { ...process.env };
  delete env.SCOPEFLOW_BACKEND;
  if (backend !== null) env.SCOPEFLOW_BACKEND = backend;
  const r = spawnSync(process.execPath, [tsxCli, file], { cwd: repoRoot, encoding: "utf8", env });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

describe("backend choice", () => {
  it("wasm by default on import; SCOPEFLOW_BACKEND=cpu selects cpu; same values", () => {
    const expected = JSON.stringify([
      [12, 1],
      [28, 5],
      [44, 9],
    ]);
    const wasm = runWith(null);
    expect(wasm.err).toBe("");
    expect(wasm.status).toBe(0);
    expect(wasm.out).toBe(`wasm ${expected}`);
    const cpu = runWith("cpu");
    expect(cpu.status).toBe(0);
    expect(cpu.out).toBe(`cpu ${expected}`);
  });
});
