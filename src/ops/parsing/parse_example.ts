/**
 * `ParseExample` (TF's core/ops/parsing_ops.cc, kernel as example_proto_fast_parsing.cc)
 * and `tf.io.parseExample` with `FixedLenFeature`/`VarLenFeature`: serialized
 * `tf.train.Example`s → dense tensors (a default filling a missing feature) and sparse
 * tensors. TF Serving's classify/regress signatures feed through it.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import {
  anyKind,
  booleanKind,
  dtypeKind,
  kind,
  opt,
  req,
  shapeKind,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { asDType, runtimeDTypeName, type DType } from "../../graph/dtypes.js";
import { narrowInt64 } from "../../graph/int64.js";
import type { Operation } from "../../graph/operation.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../../graph/tensor_shape.js";
import { Example } from "../../proto/index.js";
import { constantOp } from "../array/constant.js";
import { reshapeIn } from "../array/reshape.js";
import { toConstValue } from "../const_value.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { SparseTensor } from "../sparse_tensor.js";
import { sparseReorder } from "../sparse_reorder.js";
import { cast } from "../array/cast.js";
import { concat } from "../array/concat.js";
import { expandDims } from "../array/expand_dims.js";
import { stack } from "../array/stack.js";
import { stringTensorBytes } from "../tfjs_internals.js";
import { withNameScope } from "../../scope/name_scope.js";

/** The dtypes a feature may have (TF's `{float, int64, string}`). */
type FeatureDType = "float32" | "int64" | "string";

/** A dense feature of fixed shape (TF's `tf.io.FixedLenFeature`). */
export interface FixedLenFeatureSpec {
  readonly kind: "FixedLenFeature";
  readonly shape: TensorShape;
  readonly dtype: FeatureDType;
  /** Fills the feature where an Example lacks it; without one, the feature is required. */
  readonly defaultValue: TensorLike | null;
}

/** A feature of any length, parsed as a `SparseTensor` (TF's `tf.io.VarLenFeature`). */
export interface VarLenFeatureSpec {
  readonly kind: "VarLenFeature";
  readonly dtype: FeatureDType;
}

/**
 * A dense feature whose first dimension varies (TF's `tf.io.FixedLenSequenceFeature`):
 * parsed into `[batch, longest, ...shape]`, shorter Examples padded with `defaultValue`.
 */
export interface FixedLenSequenceFeatureSpec {
  readonly kind: "FixedLenSequenceFeature";
  /** The shape of one step (without the varying first dimension). */
  readonly shape: TensorShape;
  readonly dtype: FeatureDType;
  /** Only `parseSingleSequenceExample` reads it (TF); `parseExample` always pads. */
  readonly allowMissing: boolean;
  /** The padding value (a scalar); `0` or `""` when not given. */
  readonly defaultValue: TensorLike | null;
}

/**
 * A sparse feature from an index feature and a value feature of each Example (TF's
 * `tf.io.SparseFeature`): a `SparseTensor` of dense shape `[batch, size]` (one index key)
 * or `[batch, ...size]` (several), built by `sparse_merge` from the two parsed features.
 */
export interface SparseFeatureSpec {
  readonly kind: "SparseFeature";
  readonly indexKey: string | readonly string[];
  readonly valueKey: string;
  readonly dtype: FeatureDType;
  readonly size: number | readonly number[];
  readonly alreadySorted: boolean;
}

export type FeatureSpec =
  FixedLenFeatureSpec | VarLenFeatureSpec | FixedLenSequenceFeatureSpec | SparseFeatureSpec;

function featureDType(dtype: DType | string, what: string): FeatureDType {
  const d = asDType(dtype as DType);
  if (d !== "float32" && d !== "int64" && d !== "string") {
    throw new ValueError(
      `${what}: dtype must be one of float32, int64 or string, got ${runtimeDTypeName(d)}`,
    );
  }
  return d;
}

/**
 * TF 1.15's `FixedLenFeature(shape, dtype, default_value=None)`: a feature of fixed shape,
 * parsed into a dense tensor `[batch, ...shape]`.
 *
 * @example
 * ```ts
 * const f = tf.io.FixedLenFeature([2], tf.float32, [0, 0]);
 * f.shape.toString(); // ==> (2,)
 * ```
 */
export const FixedLenFeature = tfFunction(
  "io.FixedLenFeature",
  [
    req("shape", shapeKind),
    req("dtype", dtypeKind),
    opt("defaultValue", anyKind<TensorLike>()),
  ] as const,
  (a): FixedLenFeatureSpec => {
    const shape = TensorShape.from(a.shape as ShapeLike);
    return Object.freeze({
      kind: "FixedLenFeature",
      shape,
      dtype: featureDType(a.dtype, "FixedLenFeature"),
      defaultValue: a.defaultValue ?? null,
    });
  },
);

/**
 * TF 1.15's `VarLenFeature(dtype)`: a feature of any length, parsed into a `SparseTensor`
 * of dense shape `[batch, longest]`.
 *
 * @example
 * ```ts
 * tf.io.VarLenFeature(tf.int64).dtype; // ==> int64
 * ```
 */
export const VarLenFeature = tfFunction(
  "io.VarLenFeature",
  [req("dtype", dtypeKind)] as const,
  (a): VarLenFeatureSpec =>
    Object.freeze({ kind: "VarLenFeature", dtype: featureDType(a.dtype, "VarLenFeature") }),
);

/**
 * TF 1.15's `FixedLenSequenceFeature(shape, dtype, allow_missing=False, default_value=None)`:
 * a feature of `n` steps of `shape` each, `n` varying between Examples; `parseExample`
 * gives `[batch, longest n, ...shape]`, padding shorter Examples with `defaultValue`.
 *
 * @example
 * ```ts
 * const f = tf.io.FixedLenSequenceFeature([2], tf.float32, true);
 * [f.shape.toString(), f.allowMissing].join(" "); // ==> (2,) true
 * ```
 */
export const FixedLenSequenceFeature = tfFunction(
  "io.FixedLenSequenceFeature",
  [
    req("shape", shapeKind),
    req("dtype", dtypeKind),
    opt("allowMissing", booleanKind),
    opt("defaultValue", anyKind<TensorLike>()),
  ] as const,
  (a): FixedLenSequenceFeatureSpec =>
    Object.freeze({
      kind: "FixedLenSequenceFeature",
      shape: TensorShape.from(a.shape as ShapeLike),
      dtype: featureDType(a.dtype, "FixedLenSequenceFeature"),
      allowMissing: a.allowMissing === true,
      defaultValue: a.defaultValue ?? null,
    }),
);

/**
 * TF 1.15's `SparseFeature(index_key, value_key, dtype, size, already_sorted=False)`: each
 * Example's `valueKey` values placed at the positions its `indexKey` feature(s) give, in a
 * `SparseTensor` of dense shape `[batch, size]`.
 *
 * @example
 * ```ts
 * const f = tf.io.SparseFeature("ix", "val", tf.float32, 10);
 * [f.indexKey, f.valueKey, f.size, f.alreadySorted].join(" "); // ==> ix val 10 false
 * ```
 */
export const SparseFeature = tfFunction(
  "io.SparseFeature",
  [
    req(
      "indexKey",
      kind<string | readonly string[]>(
        "a feature key or a list of them",
        (v) => typeof v === "string" || (Array.isArray(v) && v.every((k) => typeof k === "string")),
      ),
    ),
    req("valueKey", stringKind),
    req("dtype", dtypeKind),
    req(
      "size",
      kind<number | readonly number[]>(
        "an int or a list of ints",
        (v) => Number.isInteger(v) || (Array.isArray(v) && v.every((n) => Number.isInteger(n))),
      ),
    ),
    opt("alreadySorted", booleanKind),
  ] as const,
  (a): SparseFeatureSpec =>
    Object.freeze({
      kind: "SparseFeature",
      indexKey: a.indexKey,
      valueKey: a.valueKey,
      dtype: featureDType(a.dtype, "SparseFeature"),
      size: a.size,
      alreadySorted: a.alreadySorted === true,
    }),
);

const nodeSuffix = (opName: string): string => `\n\t [[{{node ${opName}}}]]`;
const debugShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;
const TF_TYPE_NAME: Record<FeatureDType, string> = {
  float32: "float",
  int64: "int64",
  string: "string",
};

/**
 * TF's ParseExample shape function: `serialized` a vector; sparse outputs
 * `[?, 2]`/`[?]`/`[2]`; each dense output `[batch, ...dense_shape]`.
 */
export function parseExampleShapes(
  opName: string,
  inputShapes: readonly TensorShape[],
  numSparse: number,
  denseShapes: readonly TensorShape[],
): TensorShape[] {
  const c = new ShapeInference(opName, "ParseExample", inputShapes);
  const [batch = null] = c.withRank(inputShapes[0] as TensorShape, 1);
  c.withRank(inputShapes[1] as TensorShape, 1);
  const out: TensorShape[] = [];
  for (let i = 0; i < numSparse; i++) out.push(new TensorShape([null, 2]));
  for (let i = 0; i < numSparse; i++) out.push(new TensorShape([null]));
  for (let i = 0; i < numSparse; i++) out.push(new TensorShape([2]));
  for (const s of denseShapes) {
    out.push(s.dims === null ? TensorShape.unknown() : new TensorShape([batch, ...s.dims]));
  }
  return out;
}

function int64Of(v: unknown): bigint {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "bigint") return v;
  const { low, high } = v as { low: number; high: number };
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

/** One feature's values as the kernel reads them, with its TF data type. */
type FeatureValues =
  | { dtype: "float32"; values: number[] }
  | { dtype: "int64"; values: bigint[] }
  | { dtype: "string"; values: Uint8Array[] };

function featureValues(feature: unknown): FeatureValues | null {
  const f = feature as {
    floatList?: { value?: number[] } | null;
    int64List?: { value?: unknown[] } | null;
    bytesList?: { value?: Uint8Array[] } | null;
  };
  if (f.floatList) return { dtype: "float32", values: f.floatList.value ?? [] };
  if (f.int64List) return { dtype: "int64", values: (f.int64List.value ?? []).map(int64Of) };
  if (f.bytesList) return { dtype: "string", values: f.bytesList.value ?? [] };
  return null;
}

/** The values of a default tensor as the kernel copies them. */
function tensorValues(t: tfc.Tensor, dtype: FeatureDType): FeatureValues {
  if (dtype === "string") return { dtype, values: stringTensorBytes(t) };
  if (dtype === "int64")
    return { dtype, values: Array.from(t.dataSync() as Int32Array, (v) => BigInt(v)) };
  return { dtype, values: Array.from(t.dataSync() as Float32Array) };
}

function outputTensor(
  values: FeatureValues["values"],
  dtype: FeatureDType,
  shape: number[],
  what: string,
  opName: string,
): tfc.Tensor {
  if (dtype === "string") return tfc.tensor(values as unknown as string[], shape, "string");
  if (dtype === "int64") {
    const narrowed = narrowInt64(BigInt64Array.from(values as bigint[]), what, opName);
    return tfc.tensor(narrowed, shape, "int32");
  }
  return tfc.tensor(Float32Array.from(values as number[]), shape, "float32");
}

function parseExampleKernel(inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(msg + nodeSuffix(op.name), op.name);
  };
  const numSparse = op.attrs.Nsparse as number;
  const numDense = op.attrs.Ndense as number;
  const sparseTypes = op.attrs.sparse_types as FeatureDType[];
  const denseTypes = op.attrs.Tdense as FeatureDType[];
  // A dense shape whose first dimension is unknown is a sequence (FixedLenSequenceFeature):
  // each Example holds a multiple of the rest's size, padded to the longest.
  const variableLength = (op.attrs.dense_shapes as TensorShape[]).map(
    (s) => s.dims !== null && s.dims.length > 0 && s.dims[0] === null,
  );
  const denseShapes = (op.attrs.dense_shapes as TensorShape[]).map((s, d) => {
    const inner = s.dims === null ? null : variableLength[d] ? s.dims.slice(1) : s.dims;
    if (inner === null || inner.some((dim) => dim === null)) {
      fail(
        `dense_shapes[${d}] has unknown rank or unknown inner dimensions: ${s.toRuntimeString()}`,
      );
    }
    return inner as number[];
  });
  const [serializedT, namesT] = inputs as [tfc.Tensor, tfc.Tensor];
  if (serializedT.rank !== 1) {
    fail(`Expected serialized to be a vector, got shape: ${debugShape(serializedT.shape)}`);
  }
  if (namesT.rank !== 1) {
    fail(`Expected names to be a vector, got shape: ${debugShape(namesT.shape)}`);
  }
  const serialized = stringTensorBytes(serializedT);
  const names = stringTensorBytes(namesT).map((b) => new TextDecoder().decode(b));
  if (names.length !== 0 && names.length !== serialized.length) {
    fail(
      `Expected len(names) == len(serialized), but got: ${names.length} vs. ${serialized.length}`,
    );
  }
  const keyAt = (i: number, what: string): string => {
    const t = inputs[i] as tfc.Tensor;
    if (t.rank !== 0) fail(`Expected ${what} to be a scalar, got shape: ${debugShape(t.shape)}`);
    return new TextDecoder().decode(stringTensorBytes(t)[0]);
  };
  const sparseKeys = Array.from({ length: numSparse }, (_, i) => keyAt(2 + i, `sparse_keys[${i}]`));
  const denseKeys = Array.from({ length: numDense }, (_, i) =>
    keyAt(2 + numSparse + i, `dense_keys[${i}]`),
  );
  const defaults = denseKeys.map((_, d) => {
    const t = inputs[2 + numSparse + numDense + d] as tfc.Tensor;
    const want = denseShapes[d] as number[];
    const size = want.reduce((a, b) => a * b, 1);
    if (variableLength[d] === true) {
      if (t.size !== 1) {
        fail(
          `dense_shape[${d}] is a variable length shape: ${(op.attrs.dense_shapes as TensorShape[])[d]?.toRuntimeString() ?? ""}, therefore def_value[${d}] must contain a single element (the padding element).  But its shape is: ${debugShape(t.shape)}`,
        );
      }
      return tensorValues(t, denseTypes[d] as FeatureDType);
    }
    if (t.size !== 0 && t.size !== size) {
      fail(
        `def_value[${d}].shape() == ${debugShape(t.shape)} != dense_shapes_[${d}] == ${debugShape(want)}`,
      );
    }
    return t.size === 0 ? null : tensorValues(t, denseTypes[d] as FeatureDType);
  });

  const batch = serialized.length;
  const dense = denseKeys.map(() => [] as FeatureValues["values"][number][]);
  // A sequence feature's values per Example, padded once the longest is known.
  const sequences = denseKeys.map(() => [] as FeatureValues["values"][number][][]);
  const sparse = sparseKeys.map(() => ({ values: [] as unknown[], ends: [] as number[] }));
  for (let e = 0; e < batch; e++) {
    const name = names.length > 0 ? (names[e] as string) : "<unknown>";
    let features: Record<string, unknown>;
    try {
      features = Example.fromBinary(serialized[e] as Uint8Array).features?.feature ?? {};
    } catch {
      const raw = String.fromCharCode(...(serialized[e] as Uint8Array));
      return fail(`Could not parse example input, value: '${raw}'`);
    }
    denseKeys.forEach((key, d) => {
      const dtype = denseTypes[d] as FeatureDType;
      const shape = denseShapes[d] as number[];
      const found = Object.hasOwn(features, key) ? featureValues(features[key]) : null;
      const out = dense[d] as unknown[];
      if (variableLength[d] === true) {
        if (found === null) {
          (sequences[d] as unknown[][]).push([]);
          return;
        }
        if (found.dtype !== dtype) {
          fail(
            `Name: ${name}, Key: ${key}, Index: ${e}.  Data types don't match. Expected type: ${TF_TYPE_NAME[dtype]}`,
          );
        }
        const stride = shape.reduce((a, b) => a * b, 1);
        if (stride === 0 ? found.values.length !== 0 : found.values.length % stride !== 0) {
          const typeName = dtype === "string" ? "bytes" : TF_TYPE_NAME[dtype];
          const full = (op.attrs.dense_shapes as TensorShape[])[d]?.toRuntimeString() ?? "";
          fail(
            `Name: ${name}, Key: ${key}, Index: ${e}.  Number of ${typeName} values is not a multiple of stride length. Saw ${found.values.length} values but output shape is: ${full}`,
          );
        }
        (sequences[d] as unknown[][]).push(found.values as unknown[]);
        return;
      }
      if (found === null) {
        const def = defaults[d];
        if (def === null || def === undefined) {
          fail(`Name: ${name}, Feature: ${key} is required but could not be found.`);
        } else {
          out.push(...def.values);
        }
        return;
      }
      if (found.dtype !== dtype) {
        fail(
          `Name: ${name}, Feature: ${key}.  Data types don't match. Data type: ${TF_TYPE_NAME[found.dtype]} but expected type: ${TF_TYPE_NAME[dtype]}`,
        );
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (found.values.length !== size) {
        const typeName = dtype === "string" ? "bytes" : TF_TYPE_NAME[dtype];
        fail(
          `Name: ${name}, Key: ${key}, Index: ${e}.  Number of ${typeName} values != expected.  Values size: ${found.values.length} but output shape: ${debugShape(shape)}`,
        );
      }
      out.push(...found.values);
    });
    sparseKeys.forEach((key, d) => {
      const dtype = sparseTypes[d] as FeatureDType;
      const found = Object.hasOwn(features, key) ? featureValues(features[key]) : null;
      const buf = sparse[d] as { values: unknown[]; ends: number[] };
      if (found !== null && found.dtype !== dtype) {
        fail(
          `Name: ${name}, Feature: ${key}.  Data types don't match. Expected type: ${TF_TYPE_NAME[dtype]}, Actual type: ${TF_TYPE_NAME[found.dtype]}`,
        );
      }
      if (found !== null) buf.values.push(...found.values);
      buf.ends.push(buf.values.length);
    });
  }

  const indices: tfc.Tensor[] = [];
  const values: tfc.Tensor[] = [];
  const shapes: tfc.Tensor[] = [];
  sparseKeys.forEach((key, d) => {
    const buf = sparse[d] as { values: unknown[]; ends: number[] };
    const ix = new Int32Array(buf.values.length * 2);
    let longest = 0;
    let at = 0;
    buf.ends.forEach((end, e) => {
      const start = e === 0 ? 0 : (buf.ends[e - 1] as number);
      longest = Math.max(longest, end - start);
      for (let j = 0; j < end - start; j++) {
        ix[at++] = e;
        ix[at++] = j;
      }
    });
    indices.push(tfc.tensor2d(ix, [buf.values.length, 2], "int32"));
    values.push(
      outputTensor(
        buf.values as FeatureValues["values"],
        sparseTypes[d] as FeatureDType,
        [buf.values.length],
        `Feature '${key}'`,
        op.name,
      ),
    );
    shapes.push(tfc.tensor1d([batch, longest], "int32"));
  });
  const denseOut = denseKeys.map((key, d) => {
    const shape = denseShapes[d] as number[];
    if (variableLength[d] !== true) {
      return outputTensor(
        dense[d] as FeatureValues["values"],
        denseTypes[d] as FeatureDType,
        [batch, ...shape],
        `Feature '${key}'`,
        op.name,
      );
    }
    const stride = shape.reduce((a, b) => a * b, 1);
    const rows = sequences[d] as unknown[][];
    const steps = stride === 0 ? 0 : Math.max(0, ...rows.map((r) => r.length / stride));
    const pad = (defaults[d] as FeatureValues).values[0];
    const out: unknown[] = [];
    for (const r of rows) {
      out.push(...r);
      for (let k = r.length; k < steps * stride; k++) out.push(pad);
    }
    return outputTensor(
      out as FeatureValues["values"],
      denseTypes[d] as FeatureDType,
      [batch, steps, ...shape],
      `Feature '${key}'`,
      op.name,
    );
  });
  return [...indices, ...values, ...shapes, ...denseOut];
}

registerOp({
  type: "ParseExample",
  opDef: {
    inputs: [
      "serialized: string",
      "names: string",
      "sparse_keys: Nsparse * string",
      "dense_keys: Ndense * string",
      "dense_defaults: Tdense",
    ],
    outputs: [
      "sparse_indices: Nsparse * int64",
      "sparse_values: sparse_types",
      "sparse_shapes: Nsparse * int64",
      "dense_values: Tdense",
    ],
    attrs: [
      "Nsparse: int >= 0",
      "Ndense: int >= 0",
      "sparse_types: list({float, int64, string}) >= 0",
      "Tdense: list({float, int64, string}) >= 0",
      "dense_shapes: list(shape) >= 0",
    ],
  },
  inferShapes: (op) =>
    parseExampleShapes(
      op.name,
      op.inputs.map((t) => t.shape),
      op.attrs.Nsparse as number,
      op.attrs.dense_shapes as TensorShape[],
    ),
  kernel: parseExampleKernel,
});

const isFeatureSpec = (f: unknown): boolean =>
  typeof f === "object" &&
  f !== null &&
  ((f as FeatureSpec).kind === "FixedLenFeature" ||
    (f as FeatureSpec).kind === "VarLenFeature" ||
    (f as FeatureSpec).kind === "FixedLenSequenceFeature" ||
    (f as FeatureSpec).kind === "SparseFeature");
const isFeatures = (v: unknown): boolean =>
  typeof v === "object" && v !== null && Object.values(v).every(isFeatureSpec);
// In the last position, an object of feature specs is `features`, not the options.
const featuresKind = kind<Readonly<Record<string, FeatureSpec>>>(
  "an object of FixedLenFeature/VarLenFeature/FixedLenSequenceFeature/SparseFeature by key",
  isFeatures,
  isFeatures,
);

/** TF 1.15's `io.parse_example(serialized, features, name=None, example_names=None)`. */
const PARSE_EXAMPLE_PARAMS = [
  req("serialized", tensorKind),
  req("features", featuresKind),
  opt("name", stringKind),
  opt("exampleNames", tensorKind),
] as const;

/** What {@link parseExample} returns: each key's dense `Tensor` or `SparseTensor`. */
export type ParsedFeatures = Record<string, Tensor | SparseTensor>;

/**
 * Parses a batch of serialized `tf.train.Example`s (TF 1.15's `tf.io.parse_example`, also
 * `tf.parse_example`; op `ParseExample` under the `ParseExample` scope): a
 * `FixedLenFeature` becomes a dense tensor `[batch, ...shape]` (its default fills an
 * Example that lacks it; without a default it is required), a `VarLenFeature` a
 * `SparseTensor`.
 *
 * @example
 * ```ts
 * const ex = (x: number[]) => tf.train.Example.toBinary(tf.train.Example.fromFeatures({ x: { floatList: x } }));
 * const serialized = tf.placeholder(tf.string, [null]);
 * const parsed = tf.io.parseExample(serialized, { x: tf.io.FixedLenFeature([2], tf.float32), y: tf.io.FixedLenFeature([1], tf.float32, [7]) });
 * using sess = new tf.Session();
 * // Serialized protos are bytes, not UTF-8 text: feed them as a string NDArray of bytes.
 * const batch = tf.NDArray.fromTypedArray([ex([1, 2]), ex([3, 4])], [2], "string");
 * sess.run(parsed.x as tf.Tensor, new Map([[serialized, batch]])).toArray(); // ==> 1,2,3,4
 * sess.run(parsed.y as tf.Tensor, new Map([[serialized, batch]])).toArray(); // ==> 7,7
 * ```
 */
export const parseExample = tfFunction("io.parseExample", PARSE_EXAMPLE_PARAMS, (a) => {
  const keys = Object.keys(a.features);
  if (keys.length === 0) throw new ValueError(`Missing: features was {}.`);
  // _features_to_raw_params walks the keys sorted.
  const sorted = [...keys].sort();
  // `_features_to_raw_params`: over the sorted keys, a VarLenFeature is a sparse key, a
  // SparseFeature adds its (sorted) index keys as int64 and its value key, each once.
  const sparseKeys: string[] = [];
  const sparseTypes: FeatureDType[] = [];
  const addSparse = (key: string, dtype: FeatureDType): void => {
    const at = sparseKeys.indexOf(key);
    if (at < 0) {
      sparseKeys.push(key);
      sparseTypes.push(dtype);
    } else if (sparseTypes[at] !== dtype) {
      throw new ValueError(
        `Conflicting type ${asTfDTypeRepr(sparseTypes[at] as FeatureDType)} vs ${asTfDTypeRepr(dtype)} for feature ${key}.`,
      );
    }
  };
  for (const k of sorted) {
    const f = a.features[k] as FeatureSpec;
    if (f.kind === "VarLenFeature") {
      sparseKeys.push(k);
      sparseTypes.push(f.dtype);
    } else if (f.kind === "SparseFeature") {
      const indexKeys = typeof f.indexKey === "string" ? [f.indexKey] : [...f.indexKey].sort();
      for (const ik of indexKeys) addSparse(ik, "int64");
      addSparse(f.valueKey, f.dtype);
    }
  }
  const denseKeys = sorted.filter((k) => {
    const kindOf = a.features[k]?.kind;
    return kindOf === "FixedLenFeature" || kindOf === "FixedLenSequenceFeature";
  });
  const overlap = denseKeys.filter((k) => sparseKeys.includes(k));
  if (overlap.length > 0) {
    throw new ValueError(
      `Dense and sparse keys must not intersect; intersection: {${overlap.map((k) => `'${k}'`).join(", ")}}`,
    );
  }
  for (const k of denseKeys) {
    const f = a.features[k] as FixedLenFeatureSpec | FixedLenSequenceFeatureSpec;
    if (f.kind === "FixedLenSequenceFeature") continue;
    const dims = f.shape.dims;
    if (dims !== null && dims.length > 0 && dims[0] === null) {
      throw new ValueError(
        `First dimension of shape for feature ${k} unknown. Consider using FixedLenSequenceFeature.`,
      );
    }
    if (!f.shape.isFullyDefined()) {
      throw new ValueError(
        `All dimensions of shape for feature ${k} need to be known but received ${f.shape.toString()}.`,
      );
    }
  }
  const result = inOpScope(
    a.name,
    "ParseExample",
    [a.serialized, a.exampleNames],
    (_scope, graph) => {
      // A given default, converted under its key's name and reshaped to the feature's shape.
      const reshapedDefault = (name: string, value: unknown, dtype: DType, dims: number[]) => {
        const t = convertToTensor(value as TensorLike, {
          name: name.replace(/[^A-Za-z0-9_.\-/]/g, "_"),
          dtype,
        });
        return withNameScope(graph, "Reshape", (s) =>
          reshapeIn(
            graph,
            s,
            t,
            withNameScope(graph, "shape", (ss) =>
              constantOp(graph, ss, toConstValue(dims, "int32")),
            ),
          ),
        );
      };
      const defaults = denseKeys.map((k) => {
        const f = a.features[k] as FixedLenFeatureSpec | FixedLenSequenceFeatureSpec;
        if (f.kind === "FixedLenSequenceFeature") {
          // A sequence's default is its padding: a scalar (TF reshapes a given one to []).
          if (f.defaultValue === null) {
            return convertToTensor(f.dtype === "string" ? "" : 0, { dtype: f.dtype });
          }
          return reshapedDefault(`padding_${k}`, f.defaultValue, f.dtype, []);
        }
        if (f.defaultValue === null) {
          return withNameScope(graph, "Const", (s) =>
            constantOp(graph, s, toConstValue([], f.dtype)),
          );
        }
        if (f.defaultValue instanceof Tensor) return f.defaultValue;
        return reshapedDefault(`key_${k}`, f.defaultValue, f.dtype, f.shape.asList() as number[]);
      });
      // A sequence feature's shape gets the unknown first dimension (`_prepend_none_dimension`).
      const denseShapes = denseKeys.map((k) => {
        const f = a.features[k] as FixedLenFeatureSpec | FixedLenSequenceFeatureSpec;
        return f.kind === "FixedLenSequenceFeature"
          ? new TensorShape([null, ...(f.shape.dims ?? [])])
          : f.shape;
      });
      const denseTypes = denseKeys.map(
        (k) => (a.features[k] as FixedLenFeatureSpec | FixedLenSequenceFeatureSpec).dtype,
      );
      const outputs = inOpScope(a.name, "ParseExample", [], (opScope) => {
        const serialized = convertToTensor(a.serialized, { name: "serialized", dtype: "string" });
        const names = convertToTensor(a.exampleNames ?? [], { name: "names", dtype: "string" });
        const sparseKeyTensors = sparseKeys.map((k, i) =>
          convertToTensor(k, { name: `sparse_keys_${i}`, dtype: "string" }),
        );
        const denseKeyTensors = denseKeys.map((k, i) =>
          convertToTensor(k, { name: `dense_keys_${i}`, dtype: "string" }),
        );
        defaults.forEach((t, i) => {
          if (t.dtype !== denseTypes[i]) {
            throw new TypeError(
              `Value passed to parameter 'dense_defaults' has DataType ${t.dtype} not matching the feature '${denseKeys[i]}' (${denseTypes[i]})`,
            );
          }
        });
        const shapes = parseExampleShapes(
          opNameOf(opScope),
          [serialized.shape, names.shape],
          sparseKeys.length,
          denseShapes,
        );
        const dtypes: DType[] = [
          ...sparseKeys.map(() => "int64" as const),
          ...sparseTypes,
          ...sparseKeys.map(() => "int64" as const),
          ...denseTypes,
        ];
        const op = makeOp(
          graph,
          "ParseExample",
          opScope,
          [serialized, names, ...sparseKeyTensors, ...denseKeyTensors, ...defaults],
          dtypes.map((dtype, i) => ({ dtype, shape: shapes[i] as TensorShape })),
          {
            Nsparse: sparseKeys.length,
            Ndense: denseKeys.length,
            sparse_types: sparseTypes,
            Tdense: denseTypes,
            dense_shapes: denseShapes,
          },
        );
        return op.outputs;
      });
      const n = sparseKeys.length;
      const parsed: ParsedFeatures = {};
      sparseKeys.forEach((k, i) => {
        parsed[k] = new SparseTensor(
          outputs[i] as Tensor,
          outputs[n + i] as Tensor,
          outputs[2 * n + i] as Tensor,
        );
      });
      denseKeys.forEach((k, i) => {
        parsed[k] = outputs[3 * n + i] as Tensor;
      });
      return parsed;
    },
  );
  return sparseFeaturesOf(a.features, result);
});

/** TF's repr of a feature dtype, in its `Conflicting type` messages. */
function asTfDTypeRepr(dtype: FeatureDType): string {
  return `<dtype: '${TF_TYPE_NAME[dtype]}'>`;
}

/**
 * `_construct_sparse_tensors_for_sparse_features`: each SparseFeature's tensor merged from
 * its parsed index and value features (`sparse_merge`, in the caller's name scope, sorted
 * by `SparseReorder` unless `alreadySorted`), then only the requested keys kept.
 */
function sparseFeaturesOf(
  features: Readonly<Record<string, FeatureSpec>>,
  parsed: ParsedFeatures,
): ParsedFeatures {
  const out: ParsedFeatures = { ...parsed };
  for (const key of Object.keys(features).sort()) {
    const f = features[key] as FeatureSpec;
    if (f.kind !== "SparseFeature") continue;
    const indexKeys = typeof f.indexKey === "string" ? [f.indexKey] : [...f.indexKey];
    const sizes = typeof f.size === "number" ? [f.size] : [...f.size];
    out[key] = sparseMerge(
      indexKeys.map((k) => parsed[k] as SparseTensor),
      parsed[f.valueKey] as SparseTensor,
      sizes,
      f.alreadySorted,
    );
  }
  for (const key of Object.keys(out)) if (!(key in features)) delete out[key];
  return out;
}

/** TF 1.15's `sparse_merge_impl(sp_ids, sp_values, vocab_size, name, already_sorted)`. */
function sparseMerge(
  spIds: readonly SparseTensor[],
  spValues: SparseTensor,
  vocabSize: readonly number[],
  alreadySorted: boolean,
): SparseTensor {
  return inOpScope(undefined, "SparseMerge", [], () => {
    const ids = spIds.map((sp) => expandDims(sp.values, { axis: 1 }));
    const sizes = vocabSize.map((v) => cast(v, "int64"));
    const keep = spValues.indices.get(":", ":-1");
    const newIndices = concat([keep, ...ids], 1);
    // TF packs the list of sizes into one vector as concat converts it.
    const newShape = concat([spValues.denseShape.get(":-1"), stack(sizes)], 0);
    const merged = new SparseTensor(newIndices, spValues.values, newShape);
    if (alreadySorted) return merged;
    const sorted = sparseReorder(merged);
    return new SparseTensor(sorted.indices, sorted.values, newShape);
  });
}
