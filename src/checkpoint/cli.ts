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

PATH is a checkpoint prefix (e.g. ckpt/model.ckpt-100) or a directory holding a
'checkpoint' state file. Output matches TensorFlow's inspect_checkpoint.
`;

function run(argv: readonly string[]): number {
  const [group, command, path, ...rest] = argv;
  if (group === "--help" || group === "-h" || group === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
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

process.exitCode = run(process.argv.slice(2));
