/**
 * TF's file ops (core/ops/io_ops.cc, kernels as core/kernels/{whole_file_read_ops,
 * matching_files_op}.cc) and TF 1.15's `tf.io.read_file`, `tf.io.write_file`,
 * `tf.io.matching_files` (also `tf.read_file`, `tf.write_file`, `tf.matching_files`). Their
 * kernels read and write through ./files.ts, as `TFRecordDataset` reads: Node only.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, OpError } from "../errors.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../graph/call_args.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { convertToTensor } from "../ops/convert.js";
import { checkOpInputs } from "../ops/input_types.js";
import { inOpScope, makeOp, opNameOf } from "../ops/op_scope.js";
import { noGradient, registerOp } from "../ops/registry.js";
import { ShapeInference } from "../ops/shape_utils.js";
import { stringTensorBytes } from "../ops/tfjs_internals.js";
import { matchingPaths, readFileBytes, writeFileBytes } from "./files.js";

const utf8 = new TextDecoder();
const nodeSuffix = (opName: string): string => `\n\t [[{{node ${opName}}}]]`;
const debugShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;

/** A file system error raised by `op`, named as TF names the failing node. */
function kernelError(e: unknown, op: Operation): unknown {
  if (!(e instanceof OpError) || e.opName !== null) return e;
  const make = e.constructor as new (message: string, opName: string) => OpError;
  return new make(`${e.message}${nodeSuffix(op.name)}`, op.name);
}

function withFileErrors<T>(op: Operation, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw kernelError(e, op);
  }
}

function scalarShapes(opName: string, type: string, inputs: readonly TensorShape[]): void {
  const c = new ShapeInference(opName, type, inputs);
  for (const s of inputs) c.withRank(s, 0);
}

function matchingFilesShape(opName: string, pattern: TensorShape): TensorShape {
  new ShapeInference(opName, "MatchingFiles", [pattern]).withRankAtMost(pattern, 1);
  return new TensorShape([null]);
}

registerOp({
  type: "ReadFile",
  opDef: { inputs: ["filename: string"], outputs: ["contents: string"] },
  // Not stateful in TF's OpDef, but a file changes between runs: never folded into a constant.
  stateful: true,
  inferShapes: (op) => {
    scalarShapes(op.name, "ReadFile", [(op.inputs[0] as Tensor).shape]);
    return [TensorShape.scalar()];
  },
  kernel: (inputs, op) => {
    const input = inputs[0] as tfc.Tensor;
    if (input.rank !== 0) {
      throw new InvalidArgumentError(
        `Input filename tensor must be scalar, but had shape: ${debugShape(input.shape)}${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    const path = utf8.decode(stringTensorBytes(input)[0]);
    const contents = withFileErrors(op, () => readFileBytes(path));
    return [tfc.tensor([contents] as unknown as string[], [], "string")];
  },
});

registerOp({
  type: "WriteFile",
  opDef: { inputs: ["filename: string", "contents: string"], outputs: [] },
  stateful: true,
  inferShapes: (op) => {
    scalarShapes(
      op.name,
      "WriteFile",
      op.inputs.map((t) => t.shape),
    );
    return [];
  },
  kernel: (inputs, op) => {
    const [filename, contents] = inputs as [tfc.Tensor, tfc.Tensor];
    if (filename.rank !== 0) {
      throw new InvalidArgumentError(
        `Input filename tensor must be scalar, but had shape: ${debugShape(filename.shape)}${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    if (contents.rank !== 0) {
      throw new InvalidArgumentError(
        `Contents tensor must be scalar, but had shape: ${debugShape(contents.shape)}${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    const path = utf8.decode(stringTensorBytes(filename)[0]);
    const bytes = stringTensorBytes(contents)[0] as Uint8Array;
    withFileErrors(op, () => writeFileBytes(path, bytes));
    return [];
  },
});

registerOp({
  type: "MatchingFiles",
  opDef: { inputs: ["pattern: string"], outputs: ["filenames: string"] },
  stateful: true,
  inferShapes: (op) => [matchingFilesShape(op.name, (op.inputs[0] as Tensor).shape)],
  kernel: (inputs, op) => {
    const input = inputs[0] as tfc.Tensor;
    if (input.rank > 1) {
      throw new InvalidArgumentError(
        `Input pattern tensor must be scalar or vector, but had shape: ${debugShape(input.shape)}${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    const patterns = stringTensorBytes(input).map((b) => utf8.decode(b));
    const found = withFileErrors(op, () => patterns.flatMap((p) => matchingPaths(p)));
    // TF sorts the names of all patterns together, as byte strings.
    const encoded = found.map((f) => new TextEncoder().encode(f));
    encoded.sort(compareBytes);
    return [tfc.tensor(encoded as unknown as string[], [encoded.length], "string")];
  },
});

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

// TensorFlow registers no gradient for these.
noGradient(false, "ReadFile", "WriteFile", "MatchingFiles");

/**
 * Reads a whole file into a scalar string (`tf.io.readFile`, also `tf.readFile`; op
 * `ReadFile`), when the session runs it: a missing file is TF's `NotFoundError`
 * (`path; No such file or directory`). Files are read through Node's `fs`, as
 * `TFRecordDataset` reads them.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * writeFileSync("hello.txt", "hi there");
 * using sess = new tf.Session();
 * String(sess.run(tf.io.readFile("hello.txt"))); // ==> b'hi there'
 * ```
 */
export const readFile = tfFunction(
  "io.readFile",
  [req("filename", tensorKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "ReadFile", [a.filename], (scope, graph) => {
      const filename = convertToTensor(a.filename, { name: "filename", dtype: "string" });
      checkOpInputs("ReadFile", [filename], {});
      scalarShapes(opNameOf(scope), "ReadFile", [filename.shape]);
      return makeOp(
        graph,
        "ReadFile",
        scope,
        [filename],
        [{ dtype: "string", shape: TensorShape.scalar() }],
      ).outputs[0] as Tensor;
    }),
);

/**
 * Writes a scalar string to a file, creating the file's directory (`tf.io.writeFile`, also
 * `tf.writeFile`; op `WriteFile`, which the session runs as an operation).
 *
 * @example
 * ```ts
 * const write = tf.io.writeFile("out/greeting.txt", "hello");
 * using sess = new tf.Session();
 * sess.run(write); // ==> null
 * String(sess.run(tf.io.readFile("out/greeting.txt"))); // ==> b'hello'
 * ```
 */
export const writeFile = tfFunction(
  "io.writeFile",
  [req("filename", tensorKind), req("contents", tensorKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "WriteFile", [a.filename, a.contents], (scope, graph) => {
      const filename = convertToTensor(a.filename, { name: "filename", dtype: "string" });
      const contents = convertToTensor(a.contents, { name: "contents", dtype: "string" });
      checkOpInputs("WriteFile", [filename, contents], {});
      scalarShapes(opNameOf(scope), "WriteFile", [filename.shape, contents.shape]);
      return makeOp(graph, "WriteFile", scope, [filename, contents], []);
    }),
);

/**
 * The files matching a glob pattern, or a vector of patterns, sorted (`tf.io.matchingFiles`,
 * also `tf.matchingFiles`; op `MatchingFiles`): TF's `fnmatch` rules, `*` and `?` within one
 * path component, `[...]` classes; a pattern without a directory matches under `./`
 * (`./a.txt`), as TF's file system does. No match is an empty vector.
 *
 * @example
 * ```ts
 * import { mkdirSync, writeFileSync } from "node:fs";
 * mkdirSync("shards", { recursive: true });
 * for (const n of ["b", "a", "c"]) writeFileSync(`shards/part-${n}.csv`, "");
 * writeFileSync("shards/notes.txt", "");
 * using sess = new tf.Session();
 * sess.run(tf.io.matchingFiles("shards/part-*.csv")).toArray(); // ==> shards/part-a.csv,shards/part-b.csv,shards/part-c.csv
 * ```
 */
export const matchingFiles = tfFunction(
  "io.matchingFiles",
  [req("pattern", tensorKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "MatchingFiles", [a.pattern], (scope, graph) => {
      const pattern = convertToTensor(a.pattern, { name: "pattern", dtype: "string" });
      checkOpInputs("MatchingFiles", [pattern], {});
      const shape = matchingFilesShape(opNameOf(scope), pattern.shape);
      return makeOp(graph, "MatchingFiles", scope, [pattern], [{ dtype: "string", shape }])
        .outputs[0] as Tensor;
    }),
);
