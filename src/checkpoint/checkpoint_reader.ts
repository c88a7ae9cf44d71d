/**
 * Reading checkpoints outside a graph: TensorFlow's `CheckpointReader`
 * (`tf.train.load_checkpoint`), values as `NDArray`s, and the mapping from format errors
 * to TensorFlow's error classes. No TensorFlow.js here, so the CLI stays light.
 */
import {
  DataLossError,
  InvalidArgumentError,
  NotFoundError,
  UnimplementedError,
  ValueError,
} from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import { NDArray } from "../ndarray/index.js";
import { latestCheckpoint } from "./checkpoint_management.js";
import type { BundleDType, BundleEntryInfo, BundleReader } from "./format/bundle.js";
import { CheckpointFormatError } from "./format/errors.js";
import { isDirectorySync, openBundleSync } from "./file_io.js";
import {
  declare,
  defineParams,
  kind,
  req,
  stringKind,
  tfFunction,
  type CallArgs,
} from "../graph/call_args.js";

/**
 * TF's `CheckpointReader(filename)`: a checkpoint prefix to open, or a bundle already
 * open.
 */
const READER_P = defineParams("train.CheckpointReader", [
  req(
    "filename",
    kind<string | BundleReader>(
      "a checkpoint prefix (a str)",
      (v) => typeof v === "string" || (typeof v === "object" && v !== null && "listEntries" in v),
    ),
  ),
] as const);
const TENSOR_NAME_PARAMS = [req("tensorStr", stringKind)] as const;
const HAS_TENSOR_P = defineParams("CheckpointReader.hasTensor", TENSOR_NAME_PARAMS);
const GET_TENSOR_P = defineParams("CheckpointReader.getTensor", TENSOR_NAME_PARAMS);
const SHAPE_MAP_P = defineParams("CheckpointReader.getVariableToShapeMap", [] as const);
const DTYPE_MAP_P = defineParams("CheckpointReader.getVariableToDtypeMap", [] as const);
const DEBUG_STRING_P = defineParams("CheckpointReader.debugString", [] as const);

/**
 * Maps a checkpoint format error to TensorFlow's runtime error class: a damaged file is
 * a `DataLossError`, a missing file or key a `NotFoundError`, what scopeflow cannot read
 * an `UnimplementedError`. With `opName`, the message ends with TensorFlow's node line.
 * Anything else is returned unchanged.
 *
 * @example
 * ```ts
 * import { openBundleSync } from "./file_io.js";
 * let error: unknown;
 * try { openBundleSync("missing"); } catch (e) { error = checkpointOpError(e, "save/RestoreV2"); }
 * String(error).split("\n")[0]; // ==> NotFoundError: Unsuccessful TensorSliceReader constructor: Failed to find any matching files for missing
 * ```
 */
export function checkpointOpError(e: unknown, opName: string | null = null): unknown {
  if (!(e instanceof CheckpointFormatError)) return e;
  const message = opName === null ? e.message : `${e.message}\n\t [[{{node ${opName}}}]]`;
  switch (e.code) {
    case "corrupt":
      return new DataLossError(message, opName);
    case "not-found":
      return new NotFoundError(message, opName);
    case "invalid-argument":
      return new InvalidArgumentError(message, opName);
    default:
      return new UnimplementedError(message, opName);
  }
}

/**
 * The graph dtype a stored tensor is read as: float64 → float32 (scopeflow has no
 * float64), every other type as itself; `null` for stored types scopeflow cannot read.
 *
 * @example
 * ```ts
 * graphDTypeOf("int64"); // ==> int64
 * graphDTypeOf("float64"); // ==> float32
 * ```
 */
export function graphDTypeOf(stored: BundleDType | null): DType | null {
  switch (stored) {
    case "float32":
    case "float64":
      return "float32";
    case "int32":
    case "int64":
    case "bool":
    case "string":
      return stored;
    default:
      return null;
  }
}

/** TensorFlow's `DataTypeString` of a stored dtype (`DT_DOUBLE` → `double`). */
export function storedDTypeName(info: BundleEntryInfo): string {
  return info.tfDtype.replace(/^DT_/, "").toLowerCase();
}

/**
 * A stored tensor as an `NDArray` (float64 narrowed to float32 with a warning; int64 kept
 * exact, as a `BigInt64Array`); its CRC32C is verified.
 *
 * @example
 * ```ts
 * import { openBundleSync, writeBundleSync } from "./file_io.js";
 * writeBundleSync("model.ckpt", [{ name: "b", dtype: "int32", shape: [2], values: [1, 2] }]);
 * String(readAsNDArray(openBundleSync("model.ckpt"), "b")); // ==> [1 2]
 * ```
 */
export function readAsNDArray(reader: BundleReader, key: string): NDArray {
  const t = reader.getTensor(key);
  switch (t.dtype) {
    case "float32":
    case "float64":
      return new NDArray(t.values, t.shape, "float32");
    case "int32":
      return new NDArray(t.values, t.shape, "int32");
    case "int64":
      return new NDArray(t.values, t.shape, "int64");
    case "bool":
      return new NDArray(t.values, t.shape, "bool");
    case "string":
      return new NDArray(t.values, t.shape, "string");
  }
}

/**
 * The checkpoint prefix `ckptDirOrFile` stands for: the newest checkpoint of a directory,
 * else the path itself (`_get_checkpoint_filename`); `null` for a directory without one.
 *
 * @example
 * ```ts
 * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * saver.save(sess, "ckpt/model.ckpt", { globalStep: 300 });
 * checkpointFilename("ckpt"); // ==> ckpt/model.ckpt-300
 * ```
 */
export function checkpointFilename(ckptDirOrFile: string): string | null {
  if (isDirectorySync(ckptDirOrFile)) return latestCheckpoint(ckptDirOrFile);
  return ckptDirOrFile;
}

/**
 * Reads a checkpoint's tensors by name: TensorFlow's `CheckpointReader`
 * (`tf.train.load_checkpoint`, `tf.train.NewCheckpointReader`). Every read verifies the
 * tensor's CRC32C.
 *
 * @example
 * ```ts
 * tf.getVariable("bias", [2], { initializer: tf.onesInitializer() });
 * const saver = new tf.train.Saver();
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * const reader = tf.train.loadCheckpoint(saver.save(sess, "ckpt/model.ckpt") as string);
 * reader.getTensor("bias"); // ==> [1. 1.]
 * ```
 */
export class CheckpointReader {
  /** The underlying bundle reader (format level). */
  readonly bundle: BundleReader;

  constructor(...args: CallArgs<typeof READER_P.params>) {
    const { filename } = READER_P.parse(args);
    if (typeof filename !== "string") {
      this.bundle = filename;
      return;
    }
    try {
      this.bundle = openBundleSync(filename);
    } catch (e) {
      throw checkpointOpError(e);
    }
  }

  /** The checkpoint prefix. */
  get prefix(): string {
    return this.bundle.prefix;
  }

  /**
   * Whether the checkpoint holds `name` (`has_tensor`).
   *
   * @example
   * ```ts
   * tf.train.createGlobalStep();
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * const reader = tf.train.loadCheckpoint(saver.save(sess, "model.ckpt") as string);
   * reader.hasTensor("global_step"); // ==> true
   * ```
   */
  hasTensor(...args: CallArgs<typeof TENSOR_NAME_PARAMS>): boolean {
    return this.bundle.has(HAS_TENSOR_P.parse(args).tensorStr);
  }

  /**
   * The value of `name` (`get_tensor`); `NotFoundError` `Key foo not found in checkpoint`
   * when absent, `DataLossError` naming file and key when the bytes are damaged.
   *
   * @example
   * ```ts
   * tf.getVariable("w", [2, 3]);
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * const reader = tf.train.loadCheckpoint(saver.save(sess, "model.ckpt") as string);
   * reader.getTensor("w").shape.join(", "); // ==> 2, 3
   * ```
   */
  getTensor(...args: CallArgs<typeof TENSOR_NAME_PARAMS>): NDArray {
    const name = GET_TENSOR_P.parse(args).tensorStr;
    if (!this.bundle.has(name)) throw new NotFoundError(`Key ${name} not found in checkpoint`);
    try {
      return readAsNDArray(this.bundle, name);
    } catch (e) {
      throw checkpointOpError(e);
    }
  }

  /**
   * Each tensor's shape, by name in sorted order (`get_variable_to_shape_map`).
   *
   * @example
   * ```ts
   * tf.getVariable("w", [2, 3]);
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * const reader = tf.train.loadCheckpoint(saver.save(sess, "model.ckpt") as string);
   * reader.getVariableToShapeMap().get("w")?.join(", "); // ==> 2, 3
   * ```
   */
  getVariableToShapeMap(...args: CallArgs<typeof SHAPE_MAP_P.params>): Map<string, number[]> {
    SHAPE_MAP_P.parse(args);
    return new Map(this.bundle.listEntries().map((e) => [e.name, e.shape]));
  }

  /**
   * Each tensor's stored dtype as TensorFlow names it (`DT_FLOAT`, `DT_INT64`), by name
   * (`get_variable_to_dtype_map`).
   *
   * @example
   * ```ts
   * tf.train.createGlobalStep();
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * const reader = tf.train.loadCheckpoint(saver.save(sess, "model.ckpt") as string);
   * reader.getVariableToDtypeMap().get("global_step"); // ==> DT_INT64
   * ```
   */
  getVariableToDtypeMap(...args: CallArgs<typeof DTYPE_MAP_P.params>): Map<string, string> {
    DTYPE_MAP_P.parse(args);
    return new Map(this.bundle.listEntries().map((e) => [e.name, e.tfDtype]));
  }

  /**
   * One line per tensor, `name (DT_FLOAT) [2,3]`, as TensorFlow's `BundleReader::DebugString`
   * (what `inspect_checkpoint` prints without a tensor name); partitioned tensors' slices
   * are left out, as there.
   *
   * @example
   * ```ts
   * tf.train.createGlobalStep();
   * tf.getVariable("w", [2, 3]);
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * tf.train.loadCheckpoint(saver.save(sess, "model.ckpt") as string).debugString(); // ==> global_step (DT_INT64) []
   *                                                                                  //     w (DT_FLOAT) [2,3]
   *                                                                                  //
   * ```
   */
  debugString(...args: CallArgs<typeof DEBUG_STRING_P.params>): string {
    DEBUG_STRING_P.parse(args);
    return this.bundle
      .listEntries()
      .filter((e) => !e.partitioned)
      .map((e) => `${e.name} (${e.tfDtype}) [${e.shape.join(",")}]\n`)
      .join("");
  }
}

declare(CheckpointReader, READER_P);
declare(CheckpointReader.prototype.hasTensor, HAS_TENSOR_P);
declare(CheckpointReader.prototype.getTensor, GET_TENSOR_P);
declare(CheckpointReader.prototype.getVariableToShapeMap, SHAPE_MAP_P);
declare(CheckpointReader.prototype.getVariableToDtypeMap, DTYPE_MAP_P);
declare(CheckpointReader.prototype.debugString, DEBUG_STRING_P);

/**
 * Opens the checkpoint `ckptDirOrFile` names (a prefix, or a directory whose newest
 * checkpoint is used) for reading (`tf.train.load_checkpoint`).
 *
 * @example
 * ```ts
 * const step = tf.train.createGlobalStep();
 * const saver = new tf.train.Saver();
 * using sess = new tf.Session();
 * sess.run(tf.assign(step, 300));
 * saver.save(sess, "run/model.ckpt", { globalStep: step });
 * tf.train.loadCheckpoint("run").getTensor("global_step").item(); // ==> 300
 * ```
 */
export const loadCheckpoint = tfFunction(
  "train.loadCheckpoint",
  [req("ckptDirOrFile", stringKind)] as const,
  (a): CheckpointReader => open(a.ckptDirOrFile),
);

function open(ckptDirOrFile: string): CheckpointReader {
  const filename = checkpointFilename(ckptDirOrFile);
  if (filename === null) {
    throw new ValueError(
      `Couldn't find 'checkpoint' file or checkpoints in given directory ${ckptDirOrFile}`,
    );
  }
  return new CheckpointReader(filename);
}
