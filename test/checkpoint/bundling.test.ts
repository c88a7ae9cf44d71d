/**
 * The Saver layer is part of the main entry, which must stay bundleable for browsers:
 * Node built-ins are reached through process.getBuiltinModule at run time, never
 * imported statically (the CLI, a separate entry, may import them).
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

it("src/checkpoint (outside format/ and the CLI) imports no Node built-ins", () => {
  const dir = path.join(repoRoot, "src", "checkpoint");
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "cli.ts");
  expect(files).toContain("saver.ts");
  for (const f of files) {
    const src = readFileSync(path.join(dir, f), "utf8");
    expect(src, f).not.toMatch(/^import (?!type )[^;]*from "node:/m);
    expect(src, f).not.toMatch(/import\("node:|fs_node/);
  }
});
