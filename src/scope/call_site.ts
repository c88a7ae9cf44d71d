/**
 * Where user code called into scopeflow, for TensorFlow's "Originally defined at:" trace.
 * TensorFlow drops its own frames (`tensorflow/python`); we drop scopeflow's.
 */

interface Frame {
  file: string;
  line: number;
  column: number;
  fn: string;
}

/** A V8 frame (Node, Chromium): `    at fn (file:line:col)`, or `    at file:line:col`. */
const V8_FRAME = /^\s*at (?:(.*?) \()?(?:async )?(.+?):(\d+):(\d+)\)?$/;

/**
 * A SpiderMonkey or JavaScriptCore frame (Firefox, Safari): `fn@file:line:col`, with no
 * name before the `@` (or no `@` at all) for anonymous code, and `async*` before a frame
 * reached through `await`.
 */
const AT_SIGN_FRAME = /^(?:async\*)?(?:([^@]*)@)?(.+?):(\d+):(\d+)$/;

function parseFrames(stack: string | undefined): Frame[] {
  const frames: Frame[] = [];
  for (const line of (stack ?? "").split("\n")) {
    const m = V8_FRAME.exec(line) ?? AT_SIGN_FRAME.exec(line);
    if (m === null) continue;
    frames.push({
      fn: m[1] || "<module>",
      file: displayPath(m[2] as string),
      line: Number(m[3]),
      column: Number(m[4]),
    });
  }
  return frames;
}

/** ESM stack frames name files by `file://` URL; Python prints paths. */
function displayPath(file: string): string {
  if (!file.startsWith("file://")) return file;
  try {
    return decodeURIComponent(new URL(file).pathname);
  } catch {
    return file;
  }
}

interface ReadFileSync {
  readFileSync(path: string, encoding: "utf8"): string;
}

const sourceCache = new Map<string, string[] | null>();

/**
 * The text of a source line, stripped, as Python's `linecache` gives it to
 * `traceback.format_list`; `""` where files cannot be read (browsers) or are gone.
 */
function sourceLine(file: string, line: number): string {
  let lines = sourceCache.get(file);
  if (lines === undefined) {
    lines = null;
    try {
      const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
        .process;
      const fs = proc?.getBuiltinModule?.("node:fs") as ReadFileSync | undefined;
      if (fs !== undefined) lines = fs.readFileSync(file, "utf8").split("\n");
    } catch {
      lines = null;
    }
    sourceCache.set(file, lines);
  }
  return lines?.[line - 1]?.trim() ?? "";
}

/** One frame as `traceback.format_list` writes it. */
function formatFrame(f: Frame): string {
  const text = sourceLine(f.file, f.line);
  return `  File "${f.file}", line ${f.line}, in ${f.fn}\n${text ? `    ${text}\n` : ""}`;
}

function packageRootOf(file: string): string {
  const marks = ["/src/", "/dist/"];
  for (const mark of marks) {
    const i = file.lastIndexOf(mark);
    if (i >= 0) return file.slice(0, i + mark.length);
  }
  return file;
}

// This file's own location tells which frames are scopeflow's, in source and built form.
const PACKAGE_ROOT = packageRootOf(parseFrames(new Error().stack)[0]?.file ?? "\u0000");

/** Whether a frame's file is scopeflow's own code (not a test or example beside it). */
function isInternal(file: string): boolean {
  return (
    file.startsWith(PACKAGE_ROOT) || file.startsWith("node:") || file.includes("/node_modules/")
  );
}

/**
 * Formats a captured `Error`'s stack as Python's `traceback.format_list` does, innermost
 * caller first and at most `limit` frames, keeping only frames outside scopeflow.
 *
 * A capture whose `cause` is another holds only the frames above a `variableScope` call
 * (`getVariable` keeps that many for the variables after the first of a scope's body);
 * the frames below are those of the first variable's capture, `cause`, from the same call.
 */
export function formatUserFrames(captured: Error | null, limit = 5): string {
  if (captured === null) return "";
  let frames = parseFrames(captured.stack);
  if (captured.cause instanceof Error) frames = joined(frames, parseFrames(captured.cause.stack));
  return frames
    .filter((f) => !isInternal(f.file))
    .slice(0, limit)
    .map(formatFrame)
    .join("");
}

/**
 * `inner`'s frames down to the innermost `variableScope` frame, then `outer`'s from that
 * frame on; `inner` alone when either lacks it (the capture ended above it) or the frames
 * below it differ (a scope of another graph opened inside the one `outer` was made in).
 */
function joined(inner: Frame[], outer: Frame[]): Frame[] {
  const scopeFrame = scopeBodyFrame();
  if (scopeFrame === null) return inner;
  const i = inner.findIndex((f) => sameFrame(f, scopeFrame));
  const j = outer.findIndex((f) => sameFrame(f, scopeFrame));
  if (i < 0 || j < 0) return inner;
  const below = inner[i + 1];
  const outerBelow = outer[j + 1];
  if (below !== undefined && outerBelow !== undefined && !sameFrame(below, outerBelow)) {
    return inner;
  }
  return [...inner.slice(0, i), ...outer.slice(j)];
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.line === b.line && a.column === b.column && a.file === b.file;
}

/**
 * Where `variableScope` calls its body, found once by calling it: `variable_scope.ts` gives
 * the call (a layer above this file). A constant of the code, not of any graph.
 */
const scopeBody: { probe: (() => Error | null) | null; frame: Frame | null | undefined } = {
  probe: null,
  frame: undefined,
};

/** Sets how to find {@link scopeBodyFrame}: a call of `variableScope` that captures its body's stack. */
export function setScopeBodyProbe(probe: () => Error | null): void {
  scopeBody.probe = probe;
  scopeBody.frame = undefined;
}

function scopeBodyFrame(): Frame | null {
  if (scopeBody.frame === undefined) {
    const site = scopeBody.probe?.() ?? null;
    scopeBody.frame = site === null ? null : (parseFrames(site.stack)[1] ?? null);
  }
  return scopeBody.frame;
}

/** Captures the current stack, deep enough to reach the user's frames. */
export function captureCallSite(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const e = new Error("defined at");
  Error.stackTraceLimit = limit;
  return e;
}

/**
 * Where something was defined, as `Template` appends it to errors (`_skip_common_stack_elements`
 * over `traceback.format_stack()`): the user frames of `defined`, outermost first, minus
 * those it shares with `current`; the innermost one when all are shared.
 */
export function formatDefinitionSite(defined: Error, current: Error): string {
  const outermostFirst = (e: Error): Frame[] =>
    parseFrames(e.stack)
      .filter((f) => !isInternal(f.file))
      .reverse();
  const def = outermostFirst(defined);
  const now = outermostFirst(current);
  let i = 0;
  while (i < def.length && i < now.length) {
    const a = def[i] as Frame;
    const b = now[i] as Frame;
    if (a.file !== b.file || a.line !== b.line || a.fn !== b.fn) break;
    i += 1;
  }
  const kept = i < def.length ? def.slice(i) : def.slice(-1);
  return kept.map(formatFrame).join("");
}
