/**
 * The demo (`npm start`) runs end to end on the shipped data: the two towers share their
 * weights, training reaches a useful accuracy, and the loss curve is written.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("demo", () => {
  it("trains the siamese model with one shared tower", () => {
    const out = execFileSync(
      process.execPath,
      [
        join(ROOT, "node_modules/tsx/dist/cli.mjs"),
        join(ROOT, "examples/demo.ts"),
        "--epochs",
        "2",
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 180_000,
      },
    );
    expect(out).toMatch(/tower\/hidden\/w:0\s+\(2, 32\)\s+64\s+true\s+tower, tower_1/);
    expect(out).toContain("trainable parameters: 362");
    const accuracy = Number(/held-out accuracy: ([\d.]+)%/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThan(90);
    expect(out).toContain("global step: 100");
    const curve = readFileSync(join(ROOT, "out/demo-loss.csv"), "utf8").trim().split("\n");
    expect(curve[0]).toBe("step,loss");
    expect(curve.length).toBe(101);
    expect(existsSync(join(ROOT, "out/demo-loss.csv"))).toBe(true);
  });
});
