#!/usr/bin/env node
/**
 * The `scopeflow` command:
 *
 *   scopeflow ckpt list PATH            tensor names, dtypes and shapes
 *   scopeflow ckpt show PATH NAME       one tensor's value
 *   scopeflow ckpt show PATH --all      every tensor's name and value
 *
 * PATH is a checkpoint prefix (`ckpt/model.ckpt-100`) or a directory (its newest
 * checkpoint). The output is what TensorFlow's `inspect_checkpoint` prints.
 */
import { inspectCheckpoint, type InspectOptions } from "./inspect.js";

const USAGE = `Usage:
  scopeflow ckpt list PATH           print each tensor's name, dtype and shape
  scopeflow ckpt show PATH NAME      print one tensor's value
  scopeflow ckpt show PATH --all     print every tensor's name and value
  scopeflow graph PATH [--json] [--depth N]
                                     print a graph's ops by name scope (N levels,
                                     default 2), variables, placeholders, signatures
                                     and the ops scopeflow cannot run

For ckpt, PATH is a checkpoint prefix (e.g. ckpt/model.ckpt-100) or a directory
holding a 'checkpoint' state file; output matches TensorFlow's inspect_checkpoint.
For graph, PATH is a GraphDef (.pb, .pbtxt), a MetaGraphDef (.meta) or a
SavedModel directory (saved_model.pb or saved_model.pbtxt, every meta graph).
`;

/** `scopeflow graph PATH [--json] [--depth N]`. */
async function runGraph(args: readonly string[]): Promise<number> {
  let json = false;
  let depth = 2;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--json") json = true;
    else if (a === "--depth") {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 0) {
        process.stderr.write(`scopeflow graph: --depth takes a whole number\n${USAGE}`);
        return 2;
      }
      depth = n;
    } else if (file === undefined && !a.startsWith("--")) file = a;
    else {
      process.stderr.write(USAGE);
      return 2;
    }
  }
  if (file === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  // Loaded only for this command: it brings in every op's registration.
  const { summarizeGraphFile, formatSummary, GraphFileError } =
    await import("../cli/graph_summary.js");
  try {
    const summary = summarizeGraphFile(file, depth);
    process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return 0;
  } catch (e) {
    if (!(e instanceof GraphFileError)) throw e;
    process.stderr.write(`scopeflow graph: ${e.message}\n`);
    return 1;
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const [group, command, path, ...rest] = argv;
  if (group === "--help" || group === "-h" || group === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (group === "graph") return runGraph(argv.slice(1));
  if (group !== "ckpt" || path === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  let options: InspectOptions;
  if (command === "list" && rest.length === 0) {
    options = {};
  } else if (command === "show" && rest.length === 1 && rest[0] === "--all") {
    options = { allTensors: true };
  } else if (command === "show" && rest.length === 1) {
    options = { tensorName: rest[0] as string };
  } else {
    process.stderr.write(USAGE);
    return 2;
  }
  const result = inspectCheckpoint(path, options);
  (result.ok ? process.stdout : process.stderr).write(result.output);
  return result.ok ? 0 : 1;
}

process.exitCode = await run(process.argv.slice(2));
