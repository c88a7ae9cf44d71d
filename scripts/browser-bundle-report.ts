/**
 * What the browser bundle holds (`npm run size:browser`): rebuilds src/index.browser.ts
 * as tsup does (esbuild, platform browser, minified) with a metafile, fails if any input
 * is a Node built-in or an import was left external, and prints the size minified and
 * gzipped with the largest packages.
 *
 * Usage: tsx scripts/browser-bundle-report.ts [src/index.browser.webgl.ts]
 */
import { gzipSync } from "node:zlib";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { ROOT } from "./browser-server.js";

export interface BundleReport {
  minified: number;
  gzipped: number;
  /** Bytes in the minified output, by package (or src/ folder). */
  byPackage: [string, number][];
  /** Inputs or external imports that are Node's own modules. */
  nodeModules: string[];
}

const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function packageOf(input: string): string {
  const i = input.lastIndexOf("node_modules/");
  if (i < 0) return input.split("/").slice(0, 2).join("/");
  const parts = input.slice(i + "node_modules/".length).split("/");
  return parts[0]?.startsWith("@") === true ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

/** Bundles `entry` for the browser, minified, and measures it. */
export async function bundleReport(entry = "src/index.browser.ts"): Promise<BundleReport> {
  const out = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    outfile: "bundle.js",
    logLevel: "error",
  });
  const file = out.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output");
  const nodeModules: string[] = [];
  for (const [input, info] of Object.entries(out.metafile.inputs)) {
    if (NODE.has(input)) nodeModules.push(input);
    for (const imp of info.imports) {
      if (NODE.has(imp.path)) nodeModules.push(`${input} -> ${imp.path}`);
    }
  }
  const sizes = new Map<string, number>();
  const output = Object.values(out.metafile.outputs)[0];
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const key = packageOf(input);
    sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
  }
  return {
    minified: file.contents.length,
    gzipped: gzipSync(file.contents, { level: 9 }).length,
    byPackage: [...sizes].sort((a, b) => b[1] - a[1]),
    nodeModules,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entry = process.argv[2] ?? "src/index.browser.ts";
  const r = await bundleReport(entry);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`${entry}: ${kb(r.minified)} minified, ${kb(r.gzipped)} gzipped`);
  for (const [name, bytes] of r.byPackage.slice(0, 12))
    console.log(`  ${kb(bytes).padStart(9)}  ${name}`);
  if (r.nodeModules.length > 0) {
    console.error(`Node modules in the browser bundle:\n  ${r.nodeModules.join("\n  ")}`);
    process.exitCode = 1;
  }
}
