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
 * try { openBundleSync(prefix); } catch (e) { throw checkpointOpError(e, "save/RestoreV2"); }
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
 * The graph dtype a stored tensor is read as: int64 → int32, float64 → float32; `null`
 * for stored types scopeflow cannot read.
 *
 * @example
 * ```ts
 * graphDTypeOf("int64"); // "int32"
 * ```
 */
export function graphDTypeOf(stored: BundleDType | null): DType | null {
  switch (stored) {
    case "float32":
    case "float64":
      return "float32";
    case "int32":
    case "int64":
      return "int32";
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
 * A stored tensor as an `NDArray` (float64 narrowed to float32 with a warning, int64 to
 * int32); its CRC32C is verified.
 *
 * @example
 * ```ts
 * String(readAsNDArray(openBundleSync("model.ckpt"), "nn/output/biases"));
 * ```
 */
export function readAsNDArray(reader: BundleReader, key: string): NDArray {
  const t = reader.getTensor(key);
  switch (t.dtype) {
    case "float32":
    case "float64":
      return new NDArray(t.values, t.shape, "float32");
    case "int32":
    case "int64":
      return new NDArray(t.values, t.shape, "int32");
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
 * checkpointFilename("ckpt"); // "ckpt/model.ckpt-300"
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
 * const reader = tf.train.loadCheckpoint("ckpt");
 * reader.getVariableToShapeMap(); // Map { "dense/bias" => [10], ... }
 * reader.getTensor("dense/bias"); // NDArray
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
   * reader.hasTensor("global_step");
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
   * reader.getTensor("w").shape; // [2, 3]
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
   * reader.getVariableToShapeMap().get("w"); // [2, 3]
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
   * reader.getVariableToDtypeMap().get("global_step"); // "DT_INT64"
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
   * reader.debugString(); // "global_step (DT_INT64) []\nw (DT_FLOAT) [2,3]\n"
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
 * const reader = tf.train.loadCheckpoint("/tmp/run");
 * reader.getTensor("global_step").item(); // 300
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
