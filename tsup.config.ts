import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig, type Options } from "tsup";

const require = createRequire(import.meta.url);

/** tfjs-backend-wasm's binaries, copied beside the browser bundle, where it looks for them. */
function copyWasm(): void {
  const dist = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  mkdirSync("dist/browser", { recursive: true });
  for (const name of [
    "tfjs-backend-wasm.wasm",
    "tfjs-backend-wasm-simd.wasm",
    "tfjs-backend-wasm-threaded-simd.wasm",
  ]) {
    copyFileSync(join(dist, name), join("dist/browser", name));
  }
}

/**
 * The browser bundles: one self-contained ES module each (tfjs-core and its backends
 * inside), readable and minified. `platform: "browser"` resolves packages' "browser"
 * fields (tfjs-backend-wasm maps fs, path and worker_threads to nothing);
 * scripts/browser-bundle-report.ts proves no Node module got in.
 */
function browser(entry: Record<string, string>, minify: boolean): Options {
  return {
    entry,
    format: ["esm"],
    outDir: "dist/browser",
    platform: "browser",
    target: "es2022",
    noExternal: [/.*/],
    splitting: false,
    sourcemap: !minify,
    minify,
    outExtension: () => ({ js: ".js" }),
    onSuccess: async () => copyWasm(),
  };
}

export default defineConfig([
  {
    entry: { index: "src/index.esm.ts" },
    format: ["esm"],
    outDir: "dist/esm",
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
  },
  {
    entry: { index: "src/index.ts" },
    format: ["cjs"],
    outDir: "dist/cjs",
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    outExtension: () => ({ js: ".cjs", dts: ".d.cts" }),
  },
  {
    // The `scopeflow` command (package.json "bin"): `npx scopeflow ckpt list PATH`.
    entry: { cli: "src/checkpoint/cli.ts" },
    format: ["esm"],
    outDir: "dist/cli",
    platform: "node",
    sourcemap: true,
    clean: true,
    target: "es2022",
  },
  browser({ "scopeflow.esm": "src/index.browser.ts" }, false),
  browser({ "scopeflow.min": "src/index.browser.ts" }, true),
  browser({ "scopeflow.webgl.min": "src/index.browser.webgl.ts" }, true),
]);
