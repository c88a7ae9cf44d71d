/**
 * What TensorFlow's `inspect_checkpoint` tool prints
 * (tensorflow/python/tools/inspect_checkpoint.py, `print_tensors_in_checkpoint_file`),
 * as a string, for the `scopeflow ckpt` command.
 */
import { describeError } from "./format/errors.js";
import { loadCheckpoint, type CheckpointReader } from "./checkpoint_reader.js";

/** Options of {@link inspectCheckpoint}. */
export interface InspectOptions {
  /** Print this tensor's value. */
  tensorName?: string;
  /** Print every tensor's name and value. */
  allTensors?: boolean;
  /** Print every tensor's name. */
  allTensorNames?: boolean;
}

/** The result: what goes to standard output, and whether it failed. */
export interface InspectResult {
  output: string;
  ok: boolean;
}

/** `_count_total_params`: elements over all tensors. */
function totalParams(reader: CheckpointReader): number {
  let total = 0;
  for (const shape of reader.getVariableToShapeMap().values()) {
    total += shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

/**
 * TensorFlow's `print_tensors_in_checkpoint_file`: with no tensor name, one
 * `name (DT_FLOAT) [2,3]` line per tensor; with a name, `tensor_name:  name` and the value
 * as NumPy prints it; then `# Total number of params: N`. Errors are printed, not thrown,
 * as the tool does.
 *
 * @example
 * ```ts
 * import { writeBundleSync } from "./file_io.js";
 * writeBundleSync("model.ckpt", [{ name: "nn/output/biases", dtype: "float32", shape: [3], values: [0.5, 1, -2] }]);
 * inspectCheckpoint("model.ckpt", { tensorName: "nn/output/biases" }).output;
 * // ==> tensor_name:  nn/output/biases
 * //     [ 0.5  1.  -2. ]
 * //     # Total number of params: 3
 * //
 * ```
 */
export function inspectCheckpoint(fileName: string, options: InspectOptions = {}): InspectResult {
  const lines: string[] = [];
  const print = (...parts: string[]) => lines.push(parts.join(" "));
  try {
    const reader = loadCheckpoint(fileName);
    if (options.allTensors === true || options.allTensorNames === true) {
      const names = [...reader.getVariableToShapeMap().keys()].sort();
      for (const key of names) {
        print("tensor_name: ", key);
        if (options.allTensors === true) print(String(reader.getTensor(key)));
      }
    } else if (options.tensorName === undefined || options.tensorName === "") {
      print(reader.debugString());
    } else {
      print("tensor_name: ", options.tensorName);
      print(String(reader.getTensor(options.tensorName)));
    }
    print(`# Total number of params: ${totalParams(reader)}`);
    return { output: lines.map((l) => `${l}\n`).join(""), ok: true };
  } catch (e) {
    const message = describeError(e);
    print(message);
    if (message.includes("corrupted compressed block contents")) {
      print("It's likely that your checkpoint file has been compressed with SNAPPY.");
    }
    if (
      message.includes("Data loss") &&
      [".index", ".meta", ".data"].some((ext) => fileName.includes(ext))
    ) {
      const proposed = fileName.split(".").slice(0, -1).join(".");
      print(
        `\nIt's likely that this is a V2 checkpoint and you need to provide the filename\n*prefix*.  Try removing the '.' and extension.  Try:\ninspect checkpoint --file_name = ${proposed}`,
      );
    }
    return { output: lines.map((l) => `${l}\n`).join(""), ok: false };
  }
}
