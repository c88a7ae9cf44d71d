/**
 * The output sink a session starts with: what TensorFlow's printing kernels write, sent
 * where a JavaScript program's output goes.
 */
import type * as NodeFs from "node:fs";
import { UnimplementedError } from "../errors.js";
import type { OutputSink, OutputStream } from "../ops/registry.js";

interface NodeProcess {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  getBuiltinModule?: (id: string) => unknown;
}

const nodeProcess = (): NodeProcess | undefined =>
  (globalThis as { process?: NodeProcess }).process;

/** Node's `fs`, reached at run time so that a browser bundle never pulls it in. */
function nodeFs(): typeof NodeFs {
  const fs = nodeProcess()?.getBuiltinModule?.("node:fs");
  if (fs === undefined || fs === null) {
    throw new UnimplementedError(
      "Printing to a file (output_stream 'file://…') needs Node.js's node:fs module (Node.js 20.16 or later); it is not available here.",
    );
  }
  return fs as typeof NodeFs;
}

/** `text` without the one line end a `console` call adds itself. */
const oneLine = (text: string): string => (text.endsWith("\n") ? text.slice(0, -1) : text);

/**
 * The default sink: on Node.js, `stdout` and `stderr` get the exact text on the process's
 * streams; elsewhere (a browser) `console.log` and `console.error` get it. The logging
 * levels go to `console.info`, `console.warn` and `console.error` (TF's `LOG(INFO)` and
 * the rest); `file://path` appends to the file, on Node.js only.
 */
export const defaultOutput: OutputSink = {
  write(stream: OutputStream, text: string): void {
    const proc = nodeProcess();
    switch (stream) {
      case "stdout":
        if (proc?.stdout) proc.stdout.write(text);
        else console.log(oneLine(text));
        return;
      case "stderr":
        if (proc?.stderr) proc.stderr.write(text);
        else console.error(oneLine(text));
        return;
      case "log(info)":
        console.info(oneLine(text));
        return;
      case "log(warning)":
        console.warn(oneLine(text));
        return;
      case "log(error)":
        console.error(oneLine(text));
        return;
      default:
        nodeFs().appendFileSync(stream.slice("file://".length), text);
    }
  },
};

/** Whether `value` can serve as an output sink (an object with a `write` method). */
export function isOutputSink(value: unknown): value is OutputSink {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { write?: unknown }).write === "function"
  );
}
