/**
 * The read/write core must run in browsers: no Node built-ins, no Buffer, no
 * eval. Bundle it the way a web app would and run it in a bare V8 context.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../../src/checkpoint/format/crc32c.js";
import { fixtureBytes, repoRoot } from "./helpers.js";

const formatDir = path.join(repoRoot, "src/checkpoint/format");

describe("browser safety of src/checkpoint/format", () => {
  it("imports no Node built-ins", () => {
    const files = readdirSync(formatDir, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    );
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) {
      const src = readFileSync(path.join(formatDir, f), "utf8");
      expect(src, f).not.toMatch(/from "node:|require\(|import\("node:/);
    }
  });

  it("bundles for the browser without eval and reads and writes checkpoints in a context without Node globals", async () => {
    const out = await build({
      entryPoints: [path.join(formatDir, "index.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "scopeflowFormat",
      write: false,
      logLevel: "silent",
    });
    const code = out.outputFiles[0].text;
    expect(code).not.toMatch(/\beval\(|new Function\(/);
    const sandbox = vm.createContext({ TextEncoder, TextDecoder, console });
    vm.runInContext(code, sandbox);
    const folder = "serving-half-plus-two-tf2.14-object-based";
    sandbox.indexBytes = fixtureBytes(folder, "variables/variables.index");
    sandbox.dataBytes = fixtureBytes(folder, "variables/variables.data-00000-of-00001");
    const result = vm.runInContext(
      `(() => {
        const f = scopeflowFormat;
        const r = f.readBundle(indexBytes, dataBytes);
        const w = f.writeBundle([{ name: "x", dtype: "float32", shape: [2], values: [1, 2] }]);
        return JSON.stringify({
          globals: [typeof process, typeof Buffer, typeof require],
          names: r.listEntries().map((e) => e.name),
          b: r.getTensor("b/.ATTRIBUTES/VARIABLE_VALUE").values[0],
          graphBytes: r.getStringBytes("_CHECKPOINTABLE_OBJECT_GRAPH")[0].length,
          x: Array.from(f.readBundle(w.index, w.data).getTensor("x").values),
          crc: f.crc32c(new Uint8Array(100000)).toString(16),
        });
      })()`,
      sandbox,
    ) as string;
    expect(JSON.parse(result)).toEqual({
      globals: ["undefined", "undefined", "undefined"],
      names: [
        "_CHECKPOINTABLE_OBJECT_GRAPH",
        "a/.ATTRIBUTES/VARIABLE_VALUE",
        "b/.ATTRIBUTES/VARIABLE_VALUE",
        "c/.ATTRIBUTES/VARIABLE_VALUE",
      ],
      b: 2,
      graphBytes: 613,
      x: [1, 2],
      crc: crc32c(new Uint8Array(100000)).toString(16),
    });
  });
});
