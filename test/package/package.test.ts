/**
 * The built package as users load it: `import * as tf from "scopeflow"` (ESM, wasm ready on
 * import) and `require("scopeflow")` (CommonJS), from a folder whose
 * node_modules/scopeflow is this checkout. Needs `npm run build` first, as CI does.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const built =
  existsSync(join(ROOT, "dist/esm/index.js")) && existsSync(join(ROOT, "dist/cjs/index.cjs"));

function consumer(): string {
  const dir = mkdtempSync(join(tmpdir(), "scopeflow-consumer-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/scopeflow"), "dir");
  return dir;
}

function run(dir: string, file: string, source: string): string {
  writeFileSync(join(dir, file), source);
  return execFileSync(process.execPath, [join(dir, file)], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the built package (`npm test` builds it first)", () => {
  it("exists: dist/ has the ESM and CommonJS entries", () => {
    expect(built, "dist/ is missing: run `npm run build` (npm test does it)").toBe(true);
  });

  it("imports as ESM with the wasm backend ready, and runs the README example", () => {
    const out = run(
      consumer(),
      "main.mjs",
      `import * as tf from "scopeflow";
const price = (p, reuse) => tf.variableScope("other_charge", { reuse }, () => {
  const tax = tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) });
  const shipping = tf.getVariable("shipping", [], { initializer: tf.constantInitializer(10) });
  return tax.add(1).mul(p).add(shipping);
});
const book = price(10, false);
const pad = price(20, true);
const sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
console.log(String(sess.run(book)), String(sess.run(pad)), tf.getBackend());
try { price(30, false); } catch (e) { console.log(e instanceof tf.errors.ValueError, e.message.split(" Originally")[0]); }
`,
    );
    expect(out).toContain("20.5 31.0 wasm");
    expect(out).toContain(
      "true Variable other_charge/tax already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?",
    );
  });

  it("requires as CommonJS, after `await tf.ready()` on wasm and without it on cpu", () => {
    const dir = consumer();
    const ready = run(
      dir,
      "ready.cjs",
      `const tf = require("scopeflow");
tf.ready().then(() => {
  const s = new tf.Session();
  console.log(String(s.run(tf.constant([1, 2]).mul(2))), tf.getBackend());
});
`,
    );
    expect(ready).toContain("[2. 4.] wasm");
    const direct = run(
      dir,
      "direct.cjs",
      `const tf = require("scopeflow");
const s = new tf.Session();
console.log(String(s.run(tf.constant([1, 2]).mul(2))), tf.getBackend());
`,
    );
    expect(direct).toContain("[2. 4.] cpu");
  });
});
