/**
 * TensorFlow's checkpoint ops, `SaveV2` and `RestoreV2` (tensorflow/core/ops/io_ops.cc),
 * with kernels that read and write V2 checkpoint files synchronously through
 * ./file_io.ts, so that a Saver's graph is TensorFlow's graph (`save/SaveV2`,
 * `save/RestoreV2`, `save/Assign_N`) and `Session.run` executes it; and the ops of a
 * sharded save (`ShardedFilename`, `MergeV2Checkpoints`), which the savers of TF-written
 * SavedModels and meta graphs hold.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, NotFoundError, OpError, UnimplementedError } from "../errors.js";
import { runtimeDTypeName, type DType } from "../graph/dtypes.js";
import { narrowInt64 } from "../graph/int64.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { convertToTensor } from "../ops/convert.js";
import { inOpScope, makeOp } from "../ops/op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../ops/registry.js";
import { ShapeInference } from "../ops/shape_utils.js";
import { heapView, stringTensorBytes } from "../ops/tfjs_internals.js";
import type { BundleEntryInfo, BundleReader, BundleTensorInput } from "./format/bundle.js";
import { checkpointOpError, graphDTypeOf, storedDTypeName } from "./checkpoint_reader.js";
import {
  mergeBundlesSync,
  openBundleSync,
  readTensorsDirectSync,
  writeBundleSync,
} from "./file_io.js";

const utf8Decoder = new TextDecoder();
const utf8 = new TextEncoder();

/** TensorFlow's runtime suffix naming the node that failed. */
function nodeSuffix(opName: string): string {
  return `\n\t [[{{node ${opName}}}]]`;
}

/** TensorShape::DebugString: `[2,3]`, `[]`. */
function shapeDebugString(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** One tensor a restore needs: its key, the dtype it restores into, and who assigns it. */
export interface RestoreSpec {
  key: string;
  dtype: DType;
  /** The shape the assigning op requires (fully defined), or null when any shape will do. */
  shape: readonly number[] | null;
  /** The op whose check `shape` is (`save/Assign_3`), named in errors. */
  assignName: string | null;
}

/**
 * Checks a restore against the checkpoint's index before any tensor is read, so that a
 * failing restore costs no data reads and leaves nothing half-done: every key must
 * exist (in TensorFlow's sorted order, so the same key is reported first), have a
 * compatible dtype, and have the shape its `Assign` requires.
 *
 * @example
 * ```ts
 * import { readBundle, writeBundle } from "./format/bundle.js";
 * const { index, data } = writeBundle([{ name: "w", dtype: "float32", shape: [3], values: new Float32Array(3) }]);
 * const spec = { key: "w", dtype: "float32", shape: [2], assignName: "save/Assign" } as const;
 * checkRestorable(readBundle(index, data), [spec], "save/RestoreV2"); // throws InvalidArgumentError
 * ```
 */
export function checkRestorable(
  reader: BundleReader,
  specs: readonly RestoreSpec[],
  opName: string,
): void {
  const infos = new Map(reader.listEntries().map((e) => [e.name, e]));
  const sorted = [...specs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of sorted) {
    const info = infos.get(s.key);
    if (info === undefined) {
      throw new NotFoundError(`Key ${s.key} not found in checkpoint${nodeSuffix(opName)}`, opName);
    }
    if (info.partitioned) {
      throw new UnimplementedError(
        `Key ${s.key} in ${reader.indexFile} is a partitioned tensor (saved in slices); scopeflow cannot restore partitioned tensors${nodeSuffix(opName)}`,
        opName,
      );
    }
    if (graphDTypeOf(info.dtype) !== s.dtype) {
      throw new InvalidArgumentError(
        `tensor_name = ${s.key}; expected dtype ${runtimeDTypeName(s.dtype)} does not equal restored dtype ${storedDTypeName(info)}${nodeSuffix(opName)}`,
        opName,
      );
    }
  }
  for (const s of specs) {
    const info = infos.get(s.key) as BundleEntryInfo;
    if (s.shape === null) continue;
    const same =
      s.shape.length === info.shape.length && s.shape.every((d, i) => d === info.shape[i]);
    if (!same) {
      const node = s.assignName ?? opName;
      // TensorFlow's Assign kernel wording, plus the key: the node name alone does not say
      // which checkpoint entry is at fault.
      throw new InvalidArgumentError(
        `Assign requires shapes of both tensors to match. lhs shape= ${shapeDebugString(s.shape)} rhs shape= ${shapeDebugString(info.shape)} (checkpoint key ${s.key})${nodeSuffix(node)}`,
        node,
      );
    }
  }
}

/**
 * A stored tensor as the tfjs tensor that carries its graph dtype (strings keep their exact
 * bytes; int64 is narrowed to int32, refusing values that do not fit, by key).
 */
function readAsTfjs(reader: BundleReader, key: string, opName: string): tfc.Tensor {
  const t = reader.getTensor(key);
  switch (t.dtype) {
    case "float32":
    case "float64":
      return tfc.tensor(t.values, t.shape, "float32");
    case "int32":
      return tfc.tensor(t.values, t.shape, "int32");
    case "int64":
      return tfc.tensor(narrowInt64(t.values, int64KeyWhat(reader, key), opName), t.shape, "int32");
    case "bool":
      return tfc.tensor(t.values, t.shape, "bool");
    case "string":
      return tfc.tensor(reader.getStringBytes(key), t.shape, "string");
  }
}

/** How an int64 checkpoint entry is named in the error for a value scopeflow cannot hold. */
export function int64KeyWhat(reader: BundleReader, key: string): string {
  return `Key '${key}' in ${reader.indexFile}`;
}

/** The raw bytes of a tfjs string tensor (`dataSync` would decode them as UTF-8, lossily). */
const stringBytes = stringTensorBytes;

function stringsOf(t: tfc.Tensor): string[] {
  return stringBytes(t).map((b) => utf8Decoder.decode(b));
}

/**
 * A numeric tensor's values without a copy where the backend allows it: the wasm
 * backend's `dataSync` copies out of its heap (100 MB of variables cost more to copy than
 * to checksum), while a view of the heap is safe here because nothing allocates on it
 * until the kernel has written the file. The cpu backend's `dataSync` is already a view.
 */
function numericValues(t: tfc.Tensor): Float32Array | Int32Array | Uint8Array {
  return heapView(t) ?? (t.dataSync() as Float32Array | Int32Array | Uint8Array);
}

/**
 * A tfjs tensor as a bundle entry of graph dtype `dtype` (an int64 tensor, carried in
 * int32, is written as DT_INT64). `view` allows values that alias backend memory (only
 * while nothing else runs).
 */
function toBundleInput(
  name: string,
  t: tfc.Tensor,
  dtype: DType | undefined,
  view: boolean,
): BundleTensorInput {
  const shape = t.shape;
  // dataSync's result is never written to by tfjs, so it stays valid after later runs.
  const read = () =>
    view ? numericValues(t) : (t.dataSync() as Float32Array | Int32Array | Uint8Array);
  switch (t.dtype) {
    case "float32":
      return { name, shape, dtype: "float32", values: read() as Float32Array };
    case "int32": {
      const values = read() as Int32Array;
      return dtype === "int64"
        ? { name, shape, dtype: "int64", values }
        : { name, shape, dtype: "int32", values };
    }
    case "bool":
      return { name, shape, dtype: "bool", values: read() as Uint8Array };
    case "string":
      return { name, shape, dtype: "string", values: stringBytes(t) };
    default:
      throw new UnimplementedError(`SaveV2: cannot save tensor '${name}' of dtype ${t.dtype}`);
  }
}

function scalarString(t: tfc.Tensor, what: string, opName: string): string {
  if (t.size !== 1) {
    throw new InvalidArgumentError(
      `Input ${what} should have a single element, got ${t.size} instead.${nodeSuffix(opName)}`,
      opName,
    );
  }
  return stringsOf(t)[0] as string;
}

function namesAndSlices(
  namesT: tfc.Tensor,
  slicesT: tfc.Tensor,
  opName: string,
): { names: string[]; slices: string[] } {
  if (namesT.rank !== 1 || slicesT.rank !== 1) {
    throw new InvalidArgumentError(
      `Input tensor_names and shape_and_slices should be an 1-D tensors, got ${shapeDebugString(namesT.shape)} and ${shapeDebugString(slicesT.shape)} instead.${nodeSuffix(opName)}`,
      opName,
    );
  }
  const names = stringsOf(namesT);
  const slices = stringsOf(slicesT);
  if (names.length !== slices.length) {
    throw new InvalidArgumentError(
      `tensor_names and shape_and_slices have different number of elements: ${names.length} vs. ${slices.length}${nodeSuffix(opName)}`,
      opName,
    );
  }
  if (slices.some((s) => s !== "")) {
    throw new UnimplementedError(
      `scopeflow saves and restores whole tensors only; shape_and_slices must be empty strings${nodeSuffix(opName)}`,
      opName,
    );
  }
  return { names, slices };
}

/** Receives what a `SaveV2` kernel would write, when its write is deferred. */
export type DeferredSave = (prefix: string, entries: BundleTensorInput[]) => void;

const DEFERRED_SAVES = Symbol("scopeflow.checkpoint.deferredSaves");

/** Per graph: the `SaveV2` ops that, for now, hand their tensors to a sink instead of writing. */
function deferredSaves(graph: Graph): Map<Operation, DeferredSave> {
  return graph.getExtension(DEFERRED_SAVES, () => new Map<Operation, DeferredSave>());
}

/**
 * Runs `fn` with the `SaveV2` op `saveOp` handing its prefix and tensors (copied, so
 * training may go on) to `sink` instead of writing: `Saver.saveAsync` runs the same save
 * graph and then writes the files asynchronously. Other `SaveV2` ops still write.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [1]);
 * const saveOp = saveV2("model.ckpt", ["w"], [""], [w.value()]);
 * const pending: string[] = [];
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * withDeferredSave(saveOp, (prefix, entries) => pending.push(`${prefix}: ${entries.map((e) => e.name)}`), () => sess.run(saveOp));
 * pending; // ==> model.ckpt: w
 * ```
 */
export function withDeferredSave<T>(saveOp: Operation, sink: DeferredSave, fn: () => T): T {
  if (saveOp.type !== "SaveV2") {
    throw new TypeError(`withDeferredSave needs a SaveV2 op, got ${saveOp.type} '${saveOp.name}'`);
  }
  const sinks = deferredSaves(saveOp.graph);
  const previous = sinks.get(saveOp);
  sinks.set(saveOp, sink);
  try {
    return fn();
  } finally {
    if (previous === undefined) sinks.delete(saveOp);
    else sinks.set(saveOp, previous);
  }
}

registerOp({
  type: "SaveV2",
  opDef: {
    inputs: [
      "prefix: string",
      "tensor_names: string",
      "shape_and_slices: string",
      "tensors: dtypes",
    ],
    attrs: ["dtypes: list(type) >= 1"],
    stateful: true,
  },
  stateful: true,
  kernel: (inputs, op) => {
    const [prefixT, namesT, slicesT, ...values] = inputs as tfc.Tensor[];
    const prefix = scalarString(prefixT as tfc.Tensor, "prefix", op.name);
    const { names } = namesAndSlices(namesT as tfc.Tensor, slicesT as tfc.Tensor, op.name);
    if (names.length !== values.length) {
      throw new InvalidArgumentError(
        `Got ${names.length} tensor names but ${values.length} tensors.${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    const dtypes = op.attrs.dtypes as readonly DType[];
    const sink = deferredSaves(op.graph).get(op) ?? null;
    try {
      const entries = values.map((t, i) =>
        toBundleInput(names[i] as string, t, dtypes[i], sink === null),
      );
      if (sink !== null) {
        sink(prefix, entries);
        return [];
      }
      writeBundleSync(prefix, entries);
    } catch (e) {
      if (e instanceof OpError) {
        throw e.message.includes("[[{{node")
          ? e
          : new (e.constructor as typeof OpError)(e.message + nodeSuffix(op.name), op.name);
      }
      throw checkpointOpError(e, op.name);
    }
    return [];
  },
});

/**
 * What each output of a `RestoreV2` op must satisfy: its dtype, and the shape required
 * by any `Assign` with `validate_shape` that consumes it (TensorFlow's Assign kernel
 * checks this at run time; checking it here, before reading data, keeps a failing
 * restore free of side effects).
 *
 * @example
 * ```ts
 * const saver = new tf.train.Saver([tf.getVariable("w", [2]), tf.getVariable("b", [3])]);
 * const restore = tf.getDefaultGraph().getOperationByName("save/RestoreV2");
 * restoreSpecsOf(restore, ["b"]).map((s) => `${s.key} ${s.dtype}`); // ==> b float32
 * ```
 */
export function restoreSpecsOf(op: Operation, keys: readonly string[]): RestoreSpec[] {
  const dtypes = op.attrs.dtypes as readonly DType[];
  return keys.map((key, i) => {
    const out = op.outputs[i] as Tensor;
    let shape: readonly number[] | null = null;
    let assignName: string | null = null;
    for (const c of out.consumers) {
      if (c.type !== "Assign" || c.inputs[1] !== out || c.attrs.validate_shape !== true) continue;
      const target = (c.inputs[0] as Tensor).shape;
      if (!target.isFullyDefined()) continue;
      shape = target.asList() as number[];
      assignName = c.name;
      break;
    }
    return { key, dtype: dtypes[i] as DType, shape, assignName };
  });
}

registerOp({
  type: "RestoreV2",
  opDef: {
    inputs: ["prefix: string", "tensor_names: string", "shape_and_slices: string"],
    outputs: ["tensors: dtypes"],
    attrs: ["dtypes: list(type) >= 1"],
    stateful: true,
  },
  stateful: true,
  kernel: (inputs, op) => {
    const [prefixT, namesT, slicesT] = inputs as tfc.Tensor[];
    const prefix = scalarString(prefixT as tfc.Tensor, "prefix", op.name);
    const { names } = namesAndSlices(namesT as tfc.Tensor, slicesT as tfc.Tensor, op.name);
    const dtypes = op.attrs.dtypes as readonly DType[];
    if (names.length !== dtypes.length) {
      throw new InvalidArgumentError(
        `Got ${names.length} tensor names but ${dtypes.length} dtypes.${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    const out: tfc.Tensor[] = [];
    try {
      const reader = openBundleSync(prefix);
      checkRestorable(reader, restoreSpecsOf(op, names), op.name);
      const direct = readTensorsDirectSync(reader, names);
      const infos = new Map(reader.listEntries().map((e) => [e.name, e]));
      for (const key of names) {
        const values = direct.get(key);
        const info = infos.get(key) as BundleEntryInfo;
        out.push(
          values === undefined
            ? readAsTfjs(reader, key, op.name)
            : tfc.tensor(values, info.shape, info.dtype as "float32" | "int32" | "bool"),
        );
      }
      return out;
    } catch (e) {
      for (const t of out) t.dispose();
      throw checkpointOpError(e, op.name);
    }
  },
});

/**
 * The part of a stored tensor a V1 `shape_and_slice` names (TF's `"<dims> <slice>"`, e.g.
 * `"4 5 0,2:-"`: rows 0–1 of a 4×5 tensor, every column); `""` is the whole tensor.
 */
function sliceOf(t: tfc.Tensor, spec: string, key: string, opName: string): tfc.Tensor {
  if (spec === "") return t;
  const parts = spec.trim().split(/\s+/);
  const extents = (parts.pop() ?? "").split(":");
  const dims = parts.map(Number);
  const bad = (): InvalidArgumentError =>
    new InvalidArgumentError(
      `Shape in shape_and_slice spec ${spec} does not match the shape stored in checkpoint: [${t.shape.join(",")}] (tensor ${key})${nodeSuffix(opName)}`,
      opName,
    );
  if (
    dims.length !== t.rank ||
    dims.some((d, i) => d !== t.shape[i]) ||
    extents.length !== t.rank
  ) {
    throw bad();
  }
  const begin: number[] = [];
  const size: number[] = [];
  extents.forEach((e, d) => {
    const dim = t.shape[d] as number;
    const [start, length] = e === "-" ? [0, dim] : e.split(",").map(Number);
    if (start === undefined || length === undefined || start < 0 || start + length > dim)
      throw bad();
    begin.push(start);
    size.push(length);
  });
  const part = tfc.slice(t, begin, size);
  t.dispose();
  return part;
}

/**
 * `Restore`/`RestoreSlice`: one tensor (or a slice of it) from a checkpoint, the ops of
 * the V1 savers that graphs written before TF 0.12 hold. The file is read as `RestoreV2`
 * reads it (V2 bundle, or the V1 file named by the prefix).
 */
for (const type of ["Restore", "RestoreSlice"] as const) {
  const sliced = type === "RestoreSlice";
  registerOp({
    type,
    opDef: {
      inputs: [
        "file_pattern: string",
        "tensor_name: string",
        ...(sliced ? ["shape_and_slice: string"] : []),
      ],
      outputs: ["tensor: dt"],
      attrs: ["dt: type", "preferred_shard: int = -1"],
      stateful: true,
    },
    stateful: true,
    kernel: (inputs, op) => {
      const [fileT, nameT, sliceT] = inputs as tfc.Tensor[];
      const file = scalarString(fileT as tfc.Tensor, "file_pattern", op.name);
      const key = scalarString(nameT as tfc.Tensor, "tensor_name", op.name);
      const spec = sliceT === undefined ? "" : scalarString(sliceT, "shape_and_slice", op.name);
      try {
        const reader = openBundleSync(file);
        if (!reader.listEntries().some((e) => e.name === key)) {
          throw new NotFoundError(
            `Key ${key} not found in checkpoint${nodeSuffix(op.name)}`,
            op.name,
          );
        }
        return [sliceOf(readAsTfjs(reader, key, op.name), spec, key, op.name)];
      } catch (e) {
        throw checkpointOpError(e, op.name);
      }
    },
  });
}

/*
 * The V1 savers' write ops, registered so that graphs holding them import and restore;
 * running one is refused: TF 1.15 writes V2 checkpoints (`SaverDef.V2`), as scopeflow does.
 */
for (const type of ["Save", "SaveSlices"] as const) {
  registerOp({
    type,
    opDef: {
      inputs: [
        "filename: string",
        "tensor_names: string",
        ...(type === "SaveSlices" ? ["shapes_and_slices: string"] : []),
        "data: T",
      ],
      attrs: ["T: list(type) >= 1"],
      stateful: true,
    },
    stateful: true,
    kernel: (_inputs, op) => {
      throw new UnimplementedError(
        `${type} writes a V1 (legacy) checkpoint, which scopeflow does not write: save with a V2 Saver (tf.train.Saver, as TF 1.15 does)${nodeSuffix(op.name)}`,
        op.name,
      );
    },
  });
}

/** Options of {@link saveV2}. */
export interface SaveV2Options {
  name?: string;
}

/**
 * Adds a `SaveV2` op (`tf.raw_ops.SaveV2`): when run, writes `tensors` under
 * `tensorNames` to the V2 checkpoint whose prefix `prefix` holds.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
 * const save = saveV2(tf.constant("model"), ["w"], [""], [w.value()]);
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(save); // ==> null
 * tf.train.checkpointExists("model"); // ==> true
 * ```
 */
export function saveV2(
  prefix: Tensor | string,
  tensorNames: readonly string[],
  shapeAndSlices: readonly string[],
  tensors: readonly Tensor[],
  options: SaveV2Options = {},
): Operation {
  return inOpScope(options.name, "SaveV2", [prefix, ...tensors], (scope, graph) => {
    const p = convertToTensor(prefix, { name: "prefix", dtype: "string" });
    const names = convertToTensor([...tensorNames], { name: "tensor_names", dtype: "string" });
    const slices = convertToTensor([...shapeAndSlices], {
      name: "shape_and_slices",
      dtype: "string",
    });
    const attrs: Record<string, unknown> = { dtypes: tensors.map((t) => t.dtype) };
    return makeOp(graph, "SaveV2", scope, [p, names, slices, ...tensors], [], attrs);
  });
}

/**
 * Adds a `RestoreV2` op (`tf.raw_ops.RestoreV2`): when run, reads `tensorNames` from the
 * V2 checkpoint whose prefix `prefix` holds, one output per name, of `dtypes`.
 *
 * @example
 * ```ts
 * import { writeBundleSync } from "./file_io.js";
 * writeBundleSync("model", [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }]);
 * const [w0] = restoreV2("model", ["w"], [""], [tf.float32]);
 * using sess = new tf.Session();
 * sess.run(w0); // ==> [1. 2.]
 * ```
 */
export function restoreV2(
  prefix: Tensor | string,
  tensorNames: readonly string[],
  shapeAndSlices: readonly string[],
  dtypes: readonly DType[],
  options: { name?: string } = {},
): Tensor[] {
  return inOpScope(options.name, "RestoreV2", [prefix], (scope, graph) => {
    const p = convertToTensor(prefix, { name: "prefix", dtype: "string" });
    const names = convertToTensor([...tensorNames], { name: "tensor_names", dtype: "string" });
    const slices = convertToTensor([...shapeAndSlices], {
      name: "shape_and_slices",
      dtype: "string",
    });
    const op = makeOp(
      graph,
      "RestoreV2",
      scope,
      [p, names, slices],
      dtypes.map((dtype) => ({ dtype, shape: TensorShape.unknown() })),
      { dtypes: [...dtypes] },
    );
    return op.outputs.slice();
  });
}

/** Re-raises an error of a checkpoint kernel as the op error naming `opName`. */
function kernelError(e: unknown, opName: string): unknown {
  if (e instanceof OpError) {
    return e.message.includes("[[{{node")
      ? e
      : new (e.constructor as typeof OpError)(e.message + nodeSuffix(opName), opName);
  }
  return checkpointOpError(e, opName);
}

/** TF's `IsLegacyScalar` check of the `ShardedFilename`/`ShardedFilespec` inputs. */
function legacyScalar(t: tfc.Tensor, what: string, opName: string): void {
  if (t.size !== 1 || t.rank > 1) {
    throw new InvalidArgumentError(
      `${what} must be a scalar, got shape ${shapeDebugString(t.shape)}${nodeSuffix(opName)}`,
      opName,
    );
  }
}

const pad5 = (n: number): string =>
  n < 0 ? `-${String(-n).padStart(4, "0")}` : String(n).padStart(5, "0");

/** TF's shape function of `ShardedFilename`/`ShardedFilespec`: scalar inputs, a scalar name. */
function shardedFilenameShape(op: ShapeInferenceOp): TensorShape[] {
  const c = new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
  for (const t of op.inputs) c.withRank(t.shape, 0);
  return [TensorShape.scalar()];
}

registerOp({
  type: "ShardedFilename",
  inferShapes: shardedFilenameShape,
  opDef: {
    inputs: ["basename: string", "shard: int32", "num_shards: int32"],
    outputs: ["filename: string"],
  },
  kernel: ([basename, shard, numShards], op) => {
    const names = ["basename", "shard", "num_shards"];
    [basename, shard, numShards].forEach((t, i) =>
      legacyScalar(t as tfc.Tensor, names[i] as string, op.name),
    );
    const base = stringBytes(basename as tfc.Tensor)[0] as Uint8Array;
    const suffix = utf8.encode(
      `-${pad5((shard as tfc.Tensor).dataSync()[0] as number)}-of-${pad5((numShards as tfc.Tensor).dataSync()[0] as number)}`,
    );
    const out = new Uint8Array(base.length + suffix.length);
    out.set(base);
    out.set(suffix, base.length);
    return [tfc.tensor([out] as unknown as string[], [], "string")];
  },
});

registerOp({
  type: "ShardedFilespec",
  inferShapes: shardedFilenameShape,
  opDef: {
    inputs: ["basename: string", "num_shards: int32"],
    outputs: ["filename: string"],
  },
  kernel: ([basename, numShards], op) => {
    legacyScalar(basename as tfc.Tensor, "basename", op.name);
    legacyScalar(numShards as tfc.Tensor, "num_shards", op.name);
    const base = stringBytes(basename as tfc.Tensor)[0] as Uint8Array;
    const suffix = utf8.encode(
      `-?????-of-${pad5((numShards as tfc.Tensor).dataSync()[0] as number)}`,
    );
    const out = new Uint8Array(base.length + suffix.length);
    out.set(base);
    out.set(suffix, base.length);
    return [tfc.tensor([out] as unknown as string[], [], "string")];
  },
});

registerOp({
  type: "MergeV2Checkpoints",
  inferShapes: (op) => {
    const c = new ShapeInference(
      op.name,
      op.type,
      op.inputs.map((t) => t.shape),
    );
    c.withRank((op.inputs[0] as Tensor).shape, 1);
    c.withRank((op.inputs[1] as Tensor).shape, 0);
    return [];
  },
  opDef: {
    inputs: ["checkpoint_prefixes: string", "destination_prefix: string"],
    attrs: ["delete_old_dirs: bool = true"],
    stateful: true,
  },
  stateful: true,
  kernel: ([prefixesT, destinationT], op) => {
    const prefixes = prefixesT as tfc.Tensor;
    const destination = destinationT as tfc.Tensor;
    if (prefixes.rank !== 1) {
      throw new InvalidArgumentError(
        `Input checkpoint_prefixes should be an 1-D tensor, got ${shapeDebugString(prefixes.shape)} instead.${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    if (destination.rank !== 0) {
      throw new InvalidArgumentError(
        `Input destination_prefix should be a scalar tensor, got ${shapeDebugString(destination.shape)} instead.${nodeSuffix(op.name)}`,
        op.name,
      );
    }
    try {
      mergeBundlesSync(
        stringsOf(prefixes),
        stringsOf(destination)[0] as string,
        op.attrs.delete_old_dirs !== false,
      );
    } catch (e) {
      throw kernelError(e, op.name);
    }
    return [];
  },
});

/**
 * Adds a `ShardedFilename` op (`gen_io_ops.sharded_filename`): `basename-00001-of-00004`,
 * the prefix of one shard of a sharded save.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const f = shardedFilename("model_temp/part", 1, 4);
 * sess.run(f).toArray(); // ==> model_temp/part-00001-of-00004
 * ```
 */
export function shardedFilename(
  basename: Tensor | string,
  shard: Tensor | number,
  numShards: Tensor | number,
  options: { name?: string } = {},
): Tensor {
  return inOpScope(
    options.name,
    "ShardedFilename",
    [basename, shard, numShards],
    (scope, graph) => {
      const b = convertToTensor(basename, { name: "basename", dtype: "string" });
      const s = convertToTensor(shard, { name: "shard", dtype: "int32" });
      const n = convertToTensor(numShards, { name: "num_shards", dtype: "int32" });
      return makeOp(
        graph,
        "ShardedFilename",
        scope,
        [b, s, n],
        [{ dtype: "string", shape: TensorShape.scalar() }],
      ).outputs[0] as Tensor;
    },
  );
}

/**
 * Adds a `MergeV2Checkpoints` op (`gen_io_ops.merge_v2_checkpoints`): when run, merges the
 * bundles at `checkpointPrefixes` into one at `destinationPrefix`.
 *
 * @example
 * ```ts
 * import { writeBundleSync, openBundleSync } from "./file_io.js";
 * writeBundleSync("tmp_part/part-00000-of-00001", [{ name: "w", dtype: "float32", shape: [], values: [2] }]);
 * const merge = mergeV2Checkpoints(tf.constant(["tmp_part/part-00000-of-00001"]), "model");
 * using sess = new tf.Session();
 * sess.run(merge); // ==> null
 * openBundleSync("model").getTensor("w").values; // ==> 2
 * ```
 */
export function mergeV2Checkpoints(
  checkpointPrefixes: Tensor | readonly Tensor[],
  destinationPrefix: Tensor | string,
  options: { deleteOldDirs?: boolean; name?: string } = {},
): Operation {
  return inOpScope(
    options.name,
    "MergeV2Checkpoints",
    [checkpointPrefixes, destinationPrefix],
    (scope, graph) => {
      // A list is packed into `MergeV2Checkpoints/checkpoint_prefixes`, as TF's op wrapper does.
      const p = convertToTensor(
        Array.isArray(checkpointPrefixes) ? [...checkpointPrefixes] : checkpointPrefixes,
        { name: "checkpoint_prefixes", dtype: "string" },
      );
      const d = convertToTensor(destinationPrefix, { name: "destination_prefix", dtype: "string" });
      return makeOp(graph, "MergeV2Checkpoints", scope, [p, d], [], {
        delete_old_dirs: options.deleteOldDirs ?? true,
      });
    },
  );
}
