/**
 * Where user code called into scopeflow, for TensorFlow's "Originally defined at:" trace.
 * TensorFlow drops its own frames (`tensorflow/python`); we drop scopeflow's.
 */

interface Frame {
  file: string;
  line: number;
  fn: string;
}

const FRAME_RE = /^\s*at (?:(.*?) \()?(?:async )?(.+?):(\d+):(\d+)\)?$/;

function parseFrames(stack: string | undefined): Frame[] {
  const frames: Frame[] = [];
  for (const line of (stack ?? "").split("\n")) {
    const m = FRAME_RE.exec(line);
    if (m === null) continue;
    frames.push({ fn: m[1] ?? "<module>", file: m[2] as string, line: Number(m[3]) });
  }
  return frames;
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
 */
export function formatUserFrames(captured: Error | null, limit = 5): string {
  if (captured === null) return "";
  const frames = parseFrames(captured.stack).filter((f) => !isInternal(f.file));
  return frames
    .slice(0, limit)
    .map((f) => `  File "${f.file}", line ${f.line}, in ${f.fn}\n`)
    .join("");
}
