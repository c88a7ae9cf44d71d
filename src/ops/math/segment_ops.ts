import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor, type Packable } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts, readInts } from "../tensor_util.js";
import { checkOpInputs } from "../input_types.js";
import { unsortedSegmentSum as unsortedSegmentSumOp } from "./segment.js";
import { ones as onesOp } from "../array/fill.js";
import { reshape } from "../array/reshape.js";
import { shape as shapeOp } from "../array/shape.js";
import { binaryOp } from "./binary.js";
import { pythonOperator } from "./operators.js";
import { unaryOp } from "./unary.js";

/*
 * TF 1.15's segment reductions: the sorted `Segment{Sum,Mean,Max,Min,Prod}` (output rows =
 * last id + 1, empty segments 0 — 1 for Prod) and the `UnsortedSegment{Max,Min,Prod}` (empty
 * segments the reduction's identity, negative ids dropped), each a JS pass over the rows.
 */

const NUMBER_TYPES =
  "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}";
const REAL_TYPES =
  "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}";

type Reducer = { init: number; step: (acc: number, v: number) => number; empty: number };

const FLOAT_MAX = 3.4028234663852886e38;
const REDUCERS: Record<string, (int: boolean) => Reducer> = {
  Sum: () => ({ init: 0, step: (a, v) => a + v, empty: 0 }),
  Mean: () => ({ init: 0, step: (a, v) => a + v, empty: 0 }),
  Prod: () => ({ init: 1, step: (a, v) => a * v, empty: 1 }),
  Max: (int) => {
    const lowest = int ? -(2 ** 31) : -FLOAT_MAX;
    return { init: lowest, step: (a, v) => (v > a || Number.isNaN(v) ? v : a), empty: lowest };
  },
  Min: (int) => {
    const highest = int ? 2 ** 31 - 1 : FLOAT_MAX;
    return { init: highest, step: (a, v) => (v < a || Number.isNaN(v) ? v : a), empty: highest };
  },
};

/** Reduces the rows of `data` (flattened past the ids' rank) into `rows` output rows. */
function reduceRows(
  data: tfc.Tensor,
  ids: number[],
  rows: number,
  innerShape: number[],
  reducer: Reducer,
  mean: boolean,
  emptyValue: number,
): tfc.Tensor {
  const src = data.dataSync();
  const inner = innerShape.reduce((p, d) => p * d, 1);
  const int = data.dtype === "int32";
  const acc = new Float64Array(rows * inner).fill(reducer.init);
  const counts = new Int32Array(rows);
  ids.forEach((id, i) => {
    if (id < 0) return;
    counts[id] = (counts[id] as number) + 1;
    for (let k = 0; k < inner; k++) {
      const at = id * inner + k;
      acc[at] = reducer.step(acc[at] as number, src[i * inner + k] as number);
    }
  });
  const out = int ? new Int32Array(rows * inner) : new Float32Array(rows * inner);
  for (let r = 0; r < rows; r++) {
    const n = counts[r] as number;
    for (let k = 0; k < inner; k++) {
      const at = r * inner + k;
      let v = n === 0 ? emptyValue : (acc[at] as number);
      if (mean && n > 0) v = int ? Math.trunc(v / n) : v / n;
      out[at] = int ? Number(BigInt.asIntN(32, BigInt(Math.trunc(v)))) : v;
    }
  }
  return tfc.tensor(out, [rows, ...innerShape], data.dtype);
}

for (const kind of ["Sum", "Mean", "Max", "Min", "Prod"]) {
  const type = `Segment${kind}`;
  registerOp({
    type,
    opDef: {
      inputs: ["data: T", "segment_ids: Tindices"],
      outputs: ["output: T"],
      attrs: [
        kind === "Max" || kind === "Min" ? REAL_TYPES : NUMBER_TYPES,
        "Tindices: {int32, int64}",
      ],
    },
    kernel: ([d, s], op) => {
      const data = d as tfc.Tensor;
      const ids = readInts(s as tfc.Tensor);
      if (ids.length !== (data.shape[0] ?? 0) || (s as tfc.Tensor).rank !== 1) {
        throw new InvalidArgumentError(
          "segment_ids should be the same size as dimension 0 of input.",
          op.name,
        );
      }
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (id < 0) {
          throw new InvalidArgumentError(`segment ids must be >= 0`, op.name);
        }
        if (i > 0 && id < (ids[i - 1] as number)) {
          throw new InvalidArgumentError(
            `segment ids are not increasing: ${ids[i - 1] as number} > ${id}`,
            op.name,
          );
        }
      }
      const rows = ids.length === 0 ? 0 : (ids[ids.length - 1] as number) + 1;
      const reducer = (REDUCERS[kind] as (int: boolean) => Reducer)(data.dtype === "int32");
      // Sorted segment ops leave the rows of absent ids 0 (1 for a product).
      const empty = kind === "Prod" ? 1 : 0;
      return [reduceRows(data, ids, rows, data.shape.slice(1), reducer, kind === "Mean", empty)];
    },
    inferShapes: (op) => [segmentShape(op.inputs[0] as Tensor, op.inputs[1] as Tensor, null)],
  });
}

for (const kind of ["Max", "Min", "Prod"]) {
  const type = `UnsortedSegment${kind}`;
  registerOp({
    type,
    opDef: {
      inputs: ["data: T", "segment_ids: Tindices", "num_segments: Tnumsegments"],
      outputs: ["output: T"],
      attrs: [
        kind === "Prod" ? NUMBER_TYPES : REAL_TYPES,
        "Tindices: {int32, int64}",
        "Tnumsegments: {int32, int64} = int32",
      ],
    },
    kernel: ([d, s, n], op) => {
      const data = d as tfc.Tensor;
      const idsT = s as tfc.Tensor;
      const ids = readInts(idsT);
      const rows = readInts(n as tfc.Tensor)[0] as number;
      ids.forEach((id, i) => {
        if (id >= rows) {
          throw new InvalidArgumentError(
            `segment_ids[${i}] = ${id} is out of range [0, ${rows})`,
            op.name,
          );
        }
      });
      const reducer = (REDUCERS[kind] as (int: boolean) => Reducer)(data.dtype === "int32");
      const inner = data.shape.slice(idsT.rank);
      return [reduceRows(data, ids, rows, inner, reducer, false, reducer.empty)];
    },
    inferShapes: (op) => [
      segmentShape(op.inputs[0] as Tensor, op.inputs[1] as Tensor, op.inputs[2] as Tensor),
    ],
  });
}

/** The output shape: `[num_segments or ?] + data.shape[ids.rank:]`. */
function segmentShape(data: Tensor, ids: Tensor, numSegments: Tensor | null): TensorShape {
  const dims = data.shape.dims;
  const idsRank = numSegments === null ? 1 : ids.shape.rank;
  if (dims === null || idsRank === null) return TensorShape.unknown();
  const n = numSegments === null ? null : (constantInts(numSegments)?.[0] ?? null);
  return new TensorShape([n, ...dims.slice(idsRank)]);
}

/** Builds a sorted segment op (`gen_math_ops.segment_*`), with TF's shape function. */
function sortedSegment(type: string, data: TensorLike, ids: TensorLike, name?: string): Tensor {
  return inOpScope(name, type, [data, ids], (scope, graph) => {
    const d = convertToTensor(data, { name: "data" });
    const s = convertToTensor(ids, { name: "segment_ids", preferredDtype: "int32" });
    // op_def_library's dtype checks come before the shape function's.
    checkOpInputs(type, [d, s], {});
    if (s.shape.rank !== null && s.shape.rank !== 1) {
      throw new ValueError(
        `Shape must be rank 1 but is rank ${s.shape.rank} for '${scope.slice(0, -1)}' (op: '${type}') with input shapes: ${d.shape.toString()}, ${s.shape.toString()}.`,
      );
    }
    if (d.shape.rank === 0) {
      throw new ValueError(
        `Shape must be at least rank 1 but is rank 0 for '${scope.slice(0, -1)}' (op: '${type}') with input shapes: [], ${s.shape.toString()}.`,
      );
    }
    return makeOp(
      graph,
      type,
      scope,
      [d, s],
      [{ dtype: d.dtype, shape: segmentShape(d, s, null) }],
      {
        T: d.dtype,
        Tindices: s.dtype,
      },
    ).outputs[0] as Tensor;
  });
}

/** Builds an unsorted segment op (`gen_math_ops.unsorted_segment_*`). */
function unsortedSegment(
  type: string,
  data: TensorLike,
  ids: TensorLike,
  numSegments: TensorLike,
  name?: string,
): Tensor {
  return inOpScope(name, type, [data, ids, numSegments], (scope, graph) => {
    const d = convertToTensor(data, { name: "data" });
    const s = convertToTensor(ids, { name: "segment_ids", preferredDtype: "int32" });
    const n = convertToTensor(numSegments, { name: "num_segments", preferredDtype: "int32" });
    checkOpInputs(type, [d, s, n], {});
    if (type === "UnsortedSegmentSum") return unsortedSegmentSumOp(d, s, n, scope);
    return makeOp(
      graph,
      type,
      scope,
      [d, s, n],
      [{ dtype: d.dtype, shape: segmentShape(d, s, n) }],
      {
        T: d.dtype,
        Tindices: s.dtype,
        Tnumsegments: n.dtype,
      },
    ).outputs[0] as Tensor;
  });
}

const SORTED_PARAMS = [
  req("data", tensorKind),
  req("segmentIds", tensorKind),
  opt("name", stringKind),
] as const;
const UNSORTED_PARAMS = [
  req("data", tensorKind),
  req("segmentIds", tensorKind),
  req("numSegments", tensorKind),
  opt("name", stringKind),
] as const;

function defineSorted(fn: string, type: string) {
  return tfFunction(fn, SORTED_PARAMS, (a) => sortedSegment(type, a.data, a.segmentIds, a.name));
}
function defineUnsorted(fn: string, type: string) {
  return tfFunction(fn, UNSORTED_PARAMS, (a) =>
    unsortedSegment(type, a.data, a.segmentIds, a.numSegments, a.name),
  );
}

/**
 * Sums the rows of `data` with equal, sorted segment ids (`tf.segment_sum(data,
 * segment_ids, name)`, op `SegmentSum`); ids absent from the sequence give rows of 0.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([0, 0, 2], { dtype: "int32" });
 * sess.run(tf.segmentSum(tf.constant([1, 2, 3]), ids)); // ==> [3. 0. 3.]
 * ```
 */
export const segmentSum = defineSorted("segmentSum", "SegmentSum");
/**
 * The mean of each sorted segment (`tf.segment_mean`, op `SegmentMean`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([0, 0, 1], { dtype: "int32" });
 * sess.run(tf.segmentMean(tf.constant([1, 2, 3]), ids)); // ==> [1.5 3. ]
 * ```
 */
export const segmentMean = defineSorted("segmentMean", "SegmentMean");
/**
 * The max of each sorted segment (`tf.segment_max`, op `SegmentMax`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([0, 0, 1], { dtype: "int32" });
 * sess.run(tf.segmentMax(tf.constant([1, 2, 3]), ids)); // ==> [2. 3.]
 * ```
 */
export const segmentMax = defineSorted("segmentMax", "SegmentMax");
/**
 * The min of each sorted segment (`tf.segment_min`, op `SegmentMin`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([0, 0, 1], { dtype: "int32" });
 * sess.run(tf.segmentMin(tf.constant([1, 2, 3]), ids)); // ==> [1. 3.]
 * ```
 */
export const segmentMin = defineSorted("segmentMin", "SegmentMin");
/**
 * The product of each sorted segment (`tf.segment_prod`, op `SegmentProd`); absent ids
 * give rows of 1.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([0, 0, 2], { dtype: "int32" });
 * sess.run(tf.segmentProd(tf.constant([2, 3, 4]), ids)); // ==> [6. 1. 4.]
 * ```
 */
export const segmentProd = defineSorted("segmentProd", "SegmentProd");

/**
 * Sums the rows of `data` into `num_segments` rows by id, in any order
 * (`tf.unsorted_segment_sum(data, segment_ids, num_segments, name)`, op
 * `UnsortedSegmentSum`); negative ids are dropped.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([1, 0, 1], { dtype: "int32" });
 * sess.run(tf.unsortedSegmentSum(tf.constant([1, 2, 3]), ids, 3)); // ==> [2. 4. 0.]
 * ```
 */
export const unsortedSegmentSum = defineUnsorted("unsortedSegmentSum", "UnsortedSegmentSum");
/**
 * The max of each segment, in any order (`tf.unsorted_segment_max`); an empty segment is
 * the dtype's lowest value.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([1, 0, 1], { dtype: "int32" });
 * sess.run(tf.unsortedSegmentMax(tf.constant([1, 2, 3]), ids, 2)); // ==> [2. 3.]
 * ```
 */
export const unsortedSegmentMax = defineUnsorted("unsortedSegmentMax", "UnsortedSegmentMax");
/**
 * The min of each segment, in any order (`tf.unsorted_segment_min`); an empty segment is
 * the dtype's largest value.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([1, 0, 1], { dtype: "int32" });
 * sess.run(tf.unsortedSegmentMin(tf.constant([1, 2, 3]), ids, 2)); // ==> [2. 1.]
 * ```
 */
export const unsortedSegmentMin = defineUnsorted("unsortedSegmentMin", "UnsortedSegmentMin");
/**
 * The product of each segment, in any order (`tf.unsorted_segment_prod`); an empty segment
 * is 1.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([1, 0, 1], { dtype: "int32" });
 * sess.run(tf.unsortedSegmentProd(tf.constant([2, 5, 3]), ids, 2)); // ==> [5. 6.]
 * ```
 */
export const unsortedSegmentProd = defineUnsorted("unsortedSegmentProd", "UnsortedSegmentProd");

/**
 * `_unsorted_segment_N`: how many ids fall in each segment, at least 1, shaped to broadcast
 * against the summed rows.
 */
function segmentCounts(data: Tensor, ids: Tensor, numSegments: TensorLike): Tensor {
  const ones = onesOp(shapeOp(ids), data.dtype);
  const n = unsortedSegment("UnsortedSegmentSum", ones, ids, numSegments);
  const extra = (data.shape.rank ?? 0) - (ids.shape.rank ?? 0);
  const shape: Packable = [numSegments, ...new Array<number>(extra).fill(1)];
  return binaryOp("Maximum", "Maximum", reshape(n, shape), 1);
}

/** `unsorted_segment_mean` and `unsorted_segment_sqrt_n`: the sum over a function of N. */
function scaledSegmentSum(
  defaultName: string,
  scale: (n: Tensor) => Tensor,
  data: TensorLike,
  ids: TensorLike,
  numSegments: TensorLike,
  name?: string,
): Tensor {
  return inOpScope(name, defaultName, [data, ids, numSegments], () => {
    const d = convertToTensor(data);
    const s = convertToTensor(ids, { preferredDtype: "int32" });
    const n = segmentCounts(d, s, numSegments);
    const summed = unsortedSegment("UnsortedSegmentSum", d, s, numSegments);
    return pythonOperator("truediv", summed, scale(n));
  });
}

/**
 * The mean of each segment, in any order (`tf.unsorted_segment_mean(data, segment_ids,
 * num_segments, name)`): TF's composite under `UnsortedSegmentMean`, an `UnsortedSegmentSum`
 * divided by the (at least 1) count of each id; empty segments give 0.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([1, 0, 1], { dtype: "int32" });
 * sess.run(tf.unsortedSegmentMean(tf.constant([1, 2, 3]), ids, 3)); // ==> [2. 2. 0.]
 * ```
 */
export const unsortedSegmentMean = tfFunction("unsortedSegmentMean", UNSORTED_PARAMS, (a) =>
  scaledSegmentSum("UnsortedSegmentMean", (n) => n, a.data, a.segmentIds, a.numSegments, a.name),
);

/**
 * Each segment's sum divided by the square root of its count
 * (`tf.unsorted_segment_sqrt_n(data, segment_ids, num_segments, name)`), under
 * `UnsortedSegmentSqrtN`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ids = tf.constant([0, 0, 0, 0], { dtype: "int32" });
 * sess.run(tf.unsortedSegmentSqrtN(tf.constant([1, 2, 3, 4]), ids, 1)); // ==> [5.]
 * ```
 */
export const unsortedSegmentSqrtN = tfFunction("unsortedSegmentSqrtN", UNSORTED_PARAMS, (a) =>
  scaledSegmentSum(
    "UnsortedSegmentSqrtN",
    (n) => unaryOp("Sqrt", "Sqrt", n),
    a.data,
    a.segmentIds,
    a.numSegments,
    a.name,
  ),
);
