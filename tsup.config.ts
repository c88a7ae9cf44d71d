import { defineConfig } from "tsup";

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
]);
