import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { formatUserFrames } from "../../src/scope/call_site.js";

const THIS_URL = import.meta.url;
const THIS_FILE = fileURLToPath(THIS_URL);
const SRC_URL = new URL("../../src/variables/get_variable.ts", THIS_URL).href;

/** An error whose stack is `stack`, as another engine would have written it. */
function withStack(stack: string): Error {
  const e = new Error("defined at");
  Object.defineProperty(e, "stack", { value: stack });
  return e;
}

describe("formatUserFrames reads every engine's stack format", () => {
  const lines = readFileSync(THIS_FILE, "utf8").split("\n");
  const lineOf = (mark: string): number => lines.findIndex((l) => l.includes(mark)) + 1;
  const a = lineOf("frame-" + "one"); // frame-one
  const b = lineOf("frame-" + "two"); // frame-two
  const textOf = (line: number): string => (lines[line - 1] as string).trim();
  const expected =
    `  File "${THIS_FILE}", line ${a}, in makeModel\n    ${textOf(a)}\n` +
    `  File "${THIS_FILE}", line ${b}, in <module>\n    ${textOf(b)}\n`;

  test("V8 (Node, Chromium)", () => {
    const stack = [
      "Error: defined at",
      `    at getVariable (${SRC_URL}:120:11)`,
      `    at makeModel (${THIS_URL}:${a}:3)`,
      `    at ${THIS_URL}:${b}:1`,
    ].join("\n");
    expect(formatUserFrames(withStack(stack))).toBe(expected);
  });

  test("SpiderMonkey (Firefox): fn@url:line:col, async* frames, anonymous as @url", () => {
    const stack = [
      `getVariable@${SRC_URL}:120:11`,
      `makeModel@${THIS_URL}:${a}:3`,
      `async*@${THIS_URL}:${b}:1`,
      "",
    ].join("\n");
    expect(formatUserFrames(withStack(stack))).toBe(expected);
  });

  test("JavaScriptCore (Safari): anonymous frames without '@', native frames skipped", () => {
    const stack = [
      `getVariable@${SRC_URL}:120:11`,
      `makeModel@${THIS_URL}:${a}:3`,
      "forEach@[native code]",
      `${THIS_URL}:${b}:1`,
    ].join("\n");
    expect(formatUserFrames(withStack(stack))).toBe(expected);
  });

  test("at most `limit` frames, innermost first", () => {
    const stack = [a, b, a, b].map((l) => `makeModel@${THIS_URL}:${l}:3`).join("\n");
    const frames = formatUserFrames(withStack(stack), 3)
      .split("\n")
      .filter((l) => l.startsWith("  File"));
    expect(frames).toEqual([
      `  File "${THIS_FILE}", line ${a}, in makeModel`,
      `  File "${THIS_FILE}", line ${b}, in makeModel`,
      `  File "${THIS_FILE}", line ${a}, in makeModel`,
    ]);
  });
});
