import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import { isTensorConvertible, Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { constantOp } from "../array/constant.js";
import { rankIn } from "../array/shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  axisKind,
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { float32Pass, shareTensor } from "../tfjs_internals.js";
import { ShapeInference } from "../shape_utils.js";
import { checkOpInputs } from "../input_types.js";
import { constantValue, constNumbers, readInts } from "../tensor_util.js";
import { graphFromValues, withNameScope } from "../../scope/name_scope.js";
import { withDefaultGraph } from "../../graph/graph.js";
import { inferShape } from "../const_value.js";
import { rangeIn } from "./range.js";

type Reducer = (x: tfc.Tensor, axes: number[], keepDims: boolean) => tfc.Tensor;

/**
 * Reducing an empty tensor gives the reduction's identity (0 for Sum, 1 for Prod, NaN for
 * a float Mean). tfjs-wasm returns garbage here, which the `Mean` gradient's `Prod` of an
 * empty shape slice hits.
 */
function emptyReduction(
  type: string,
  input: tfc.Tensor,
  dims: number[],
  keepDims: boolean,
): tfc.Tensor {
  const shape = input.shape.flatMap((d, i) => (dims.includes(i) ? (keepDims ? [1] : []) : [d]));
  const identity: Record<string, number> = {
    Sum: 0,
    Prod: 1,
    Mean: NaN,
    Max: -Infinity,
    Min: Infinity,
    All: 1,
    Any: 0,
  };
  let value = identity[type] ?? 0;
  if (input.dtype === "int32" || input.dtype === "bool") {
    if (Number.isNaN(value)) value = 0;
    else if (value === Infinity) value = 2147483647;
    else if (value === -Infinity) value = -2147483648;
  }
  return tfc.fill(shape, value, input.dtype);
}

/** Integer mean truncates toward zero, as TensorFlow's integer division does. */
function mean(x: tfc.Tensor, axes: number[], keepDims: boolean): tfc.Tensor {
  if (x.dtype !== "int32") {
    const leading = axes.length > 0 && axes.length < x.rank && axes.every((a, i) => a === i);
    if (!leading || tfc.getBackend() !== "wasm") return tfc.mean(x, axes, keepDims);
    return tfc.tidy(() => tfc.div(sumKernel(x, axes, keepDims), sizeOver(x, axes)));
  }
  return tfc.tidy(() => {
    const m = tfc.div(tfc.sum(x, axes, keepDims), sizeOver(x, axes));
    return tfc.cast(tfc.mul(tfc.sign(m), tfc.floor(tfc.abs(m))), "int32");
  });
}

function sizeOver(x: tfc.Tensor, axes: number[]): number {
  let n = 1;
  for (const a of axes) n *= x.shape[a] as number;
  return n;
}

/**
 * A float sum over the leading axes `0..k-1` (a bias gradient, a batch sum) as a product
 * with a row of ones: tfjs-wasm's `Sum` over leading axes transposes first and runs
 * ~20x slower than its matmul on the same data. Other cases go to `tfc.sum`.
 */
export function sumKernel(x: tfc.Tensor, axes: number[], keepDims: boolean): tfc.Tensor {
  const k = axes.length;
  const leading = k > 0 && k < x.rank && axes.every((a, i) => a === i);
  if (!leading || x.dtype !== "float32" || tfc.getBackend() !== "wasm") {
    return tfc.sum(x, axes, keepDims);
  }
  const kept = x.shape.slice(k);
  const rows = sizeOver(x, axes);
  const cols = x.size / rows;
  const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
  if (x.size <= SMALL_SUM_ELEMENTS) {
    const out = float32Pass([x], 1, outShape, ([src], [dst]) => sumRows(src, dst, cols));
    if (out !== null) return out[0] as tfc.Tensor;
  }
  return tfc.tidy(() => {
    const total = tfc.matMul(tfc.ones([1, rows]), tfc.reshape(x, [rows, cols]));
    return tfc.reshape(total, outShape);
  });
}

/**
 * Below this many elements the sum over leading axes is one JS pass: the product with
 * ones is four tfjs calls (ones, two reshapes, the product), most of a small step's bias
 * gradient.
 */
const SMALL_SUM_ELEMENTS = 1024;
const fround = Math.fround;

/**
 * Column sums of a float32 matrix of `cols` columns into `dst`, each column added row by row
 * from zero and rounded to float32 at every addition: the order of XNNPACK's product with
 * a row of ones, so the values are bit-identical to it.
 */
export function sumRows(
  src: Float32Array | undefined,
  dst: Float32Array | undefined,
  cols: number,
): void {
  const from = src as Float32Array;
  const to = dst as Float32Array;
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let i = c; i < from.length; i += cols) sum = fround(sum + (from[i] as number));
    to[c] = sum;
  }
}

/** Reduction op types, their tfjs kernels, and the dtypes TensorFlow allows. */
const REDUCERS: Record<string, { kernel: Reducer }> = {
  Sum: { kernel: sumKernel },
  Mean: { kernel: mean },
  Max: { kernel: (x, a, k) => tfc.max(x, a, k) },
  Min: { kernel: (x, a, k) => tfc.min(x, a, k) },
  Prod: { kernel: (x, a, k) => tfc.prod(x, a, k) },
  All: { kernel: (x, a, k) => tfc.all(x, a, k) },
  Any: { kernel: (x, a, k) => tfc.any(x, a, k) },
};

/** TensorFlow's signatures of the op types the loop below registers. */
const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  All: {
    inputs: ["input: bool", "reduction_indices: Tidx"],
    outputs: ["output: bool"],
    attrs: ["keep_dims: bool = false", "Tidx: {int32, int64} = int32"],
  },
  Any: {
    inputs: ["input: bool", "reduction_indices: Tidx"],
    outputs: ["output: bool"],
    attrs: ["keep_dims: bool = false", "Tidx: {int32, int64} = int32"],
  },
  Max: {
    inputs: ["input: T", "reduction_indices: Tidx"],
    outputs: ["output: T"],
    attrs: [
      "keep_dims: bool = false",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
    ],
  },
  Mean: {
    inputs: ["input: T", "reduction_indices: Tidx"],
    outputs: ["output: T"],
    attrs: [
      "keep_dims: bool = false",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
    ],
  },
  Min: {
    inputs: ["input: T", "reduction_indices: Tidx"],
    outputs: ["output: T"],
    attrs: [
      "keep_dims: bool = false",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
    ],
  },
  Prod: {
    inputs: ["input: T", "reduction_indices: Tidx"],
    outputs: ["output: T"],
    attrs: [
      "keep_dims: bool = false",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
    ],
  },
  Sum: {
    inputs: ["input: T", "reduction_indices: Tidx"],
    outputs: ["output: T"],
    attrs: [
      "keep_dims: bool = false",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
    ],
  },
};

for (const [type, { kernel }] of Object.entries(REDUCERS)) {
  registerOp({
    type,
    opDef: OP_DEFS[type],
    kernel: ([x, axes], op) => {
      const input = x as tfc.Tensor;
      let dims = op.buildData._axes as number[] | null | undefined;
      // `undefined`: an imported op, whose builder did not look at its axes.
      if (dims === null || dims === undefined) {
        dims = readInts(axes as tfc.Tensor).map((a) => (a < 0 ? a + input.rank : a));
      }
      if (dims.length === 0) return [shareTensor(input)];
      if (input.size === 0)
        return [emptyReduction(type, input, dims, op.attrs.keep_dims as boolean)];
      return [kernel(input, dims, op.attrs.keep_dims as boolean)];
    },
  });
}

/** TensorFlow's `ReductionShape`, with its "Invalid reduction dimension" error. */
export function reductionShape(
  si: ShapeInference,
  input: TensorShape,
  axes: number[] | null,
  keepDims: boolean,
): [TensorShape, number[] | null] {
  if (axes === null || input.dims === null) {
    if (keepDims && input.dims !== null)
      return [TensorShape.unknownOfRank(input.dims.length), null];
    return [TensorShape.unknown(), null];
  }
  const rank = input.dims.length;
  const wanted = new Set<number>();
  for (const a of axes) {
    if (a < -rank || a >= rank) {
      si.fail(`Invalid reduction dimension ${a} for input with ${rank} dimensions.`);
    }
    wanted.add(a < 0 ? a + rank : a);
  }
  const dims: Dim[] = [];
  input.dims.forEach((d, i) => {
    if (!wanted.has(i)) dims.push(d);
    else if (keepDims) dims.push(1);
  });
  return [new TensorShape(dims), [...wanted].sort((a, b) => a - b)];
}

/** Builds a reduction op named exactly by `scope` (`gen_math_ops._sum` and kin). */
function reduceIn(
  graph: Graph,
  scope: string,
  type: string,
  x: Tensor,
  axes: Tensor,
  keepDims: boolean,
): Tensor {
  // op_def_library's dtype checks, before the shape function's.
  checkOpInputs(type, [x, axes], {});
  const axesValue = constantValue(axes);
  const si = new ShapeInference(
    opNameOf(scope),
    type,
    [x.shape, axes.shape],
    axesValue === null ? {} : { tensors: [[1, axesValue]] },
  );
  si.withRankAtMost(axes.shape, 1);
  const list = axesValue === null ? null : constNumbers(axesValue);
  const [out, normalized] = reductionShape(si, x.shape, list, keepDims);
  return makeOp(graph, type, scope, [x, axes], [{ dtype: x.dtype, shape: out }], {
    keep_dims: keepDims,
    T: x.dtype,
    Tidx: axes.dtype,
    _axes: normalized,
  }).outputs[0] as Tensor;
}

/**
 * `_ReductionDims` for `axis=None`: a `Const` of `range(rank)` in the current name scope,
 * or `Rank` and `range` ops when the rank is unknown.
 */
function allDims(graph: Graph, x: Tensor | null, rank: number | null): Tensor {
  if (rank !== null || x === null) {
    const n = rank ?? 0;
    return constantOp(graph, `${graph.uniqueName("Const")}/`, {
      dtype: "int32",
      shape: [n],
      values: Int32Array.from({ length: n }, (_, i) => i),
    });
  }
  const r = rankIn(graph, `${graph.uniqueName("Rank")}/`, x, false);
  return withNameScope(graph, "range", (scope) => {
    const int = (name: string, v: number) =>
      constantOp(graph, `${graph.uniqueName(name)}/`, {
        dtype: "int32",
        shape: [],
        values: Int32Array.of(v),
      });
    return rangeIn(graph, scope, int("start", 0), r, int("delta", 1));
  });
}

/** TF 1.15's `reduce_*_v1(input_tensor, axis, keepdims, name, reduction_indices, keep_dims)`. */
const REDUCE_PARAMS = [
  req("inputTensor", tensorKind),
  opt("axis", axisKind),
  opt("keepdims", booleanKind),
  opt("name", stringKind),
  alias("reductionIndices", "axis", axisKind),
  alias("keepDims", "keepdims", booleanKind),
] as const;

/** The options object of the reductions (any parameter by name). */
export type ReduceOptions = OptionsOf<typeof REDUCE_PARAMS>;

function reduce(
  type: string,
  input: TensorLike,
  axis: TensorLike | null,
  keepDims: boolean,
  name: string | undefined,
): Tensor {
  if (axis === null) {
    const graph = graphFromValues([input]);
    return withDefaultGraph(graph, () =>
      graph.atomically(() => {
        const known = input instanceof Tensor || isTensorConvertible(input);
        const x = known ? convertToTensor(input) : null;
        const dims = allDims(graph, x, x === null ? inferShape(input).length : x.shape.rank);
        const out = inOpScope(name, type, [input, dims], (scope, g) =>
          reduceIn(g, scope, type, x ?? convertToTensor(input, { name: "input" }), dims, keepDims),
        );
        // `_may_reduce_to_scalar`.
        if (!keepDims && !out.shape.isFullyDefined()) out.setShape([]);
        return out;
      }),
    );
  }
  return inOpScope(name, type, [input, axis], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const axes = convertToTensor(axis as TensorLike, {
      name: "reduction_indices",
      preferredDtype: "int32",
    });
    return reduceIn(graph, scope, type, x, axes, keepDims);
  });
}

function defineReduction(fn: string, type: string) {
  return tfFunction(fn, REDUCE_PARAMS, (a) =>
    reduce(type, a.inputTensor, a.axis ?? null, a.keepdims ?? false, a.name),
  );
}

/**
 * The sum over `axis` (`tf.reduce_sum`, op `Sum`); all dimensions by default (then the
 * axes are a `Const` of `range(rank)`, as TensorFlow builds it).
 *
 * @example
 * ```ts
 * const x = tf.constant([[1, 1, 1], [1, 1, 1]]);
 * using sess = new tf.Session();
 * sess.run(tf.reduceSum(x)); // ==> 6.0
 * sess.run(tf.reduceSum(x, { axis: 1, keepdims: true })); // ==> [[3.]
 *                                                         //      [3.]]
 * ```
 */
export const reduceSum = defineReduction("reduceSum", "Sum");
/**
 * The mean over `axis` (`tf.reduce_mean`, op `Mean`); integer means truncate.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reduceMean(tf.constant([1, 2, 3, 4]), { axis: 0 })); // ==> 2.5
 * ```
 */
export const reduceMean = defineReduction("reduceMean", "Mean");
/**
 * The maximum over `axis` (`tf.reduce_max`, op `Max`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reduceMax(tf.constant([[1, 5], [3, 2]]), { axis: 1 })); // ==> [5. 3.]
 * ```
 */
export const reduceMax = defineReduction("reduceMax", "Max");
/**
 * The minimum over `axis` (`tf.reduce_min`, op `Min`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reduceMin(tf.constant([[1, 5], [3, 2]]), { axis: 1 })); // ==> [1. 2.]
 * ```
 */
export const reduceMin = defineReduction("reduceMin", "Min");
/**
 * The product over `axis` (`tf.reduce_prod`, op `Prod`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reduceProd(tf.constant([1, 2, 3]))); // ==> 6.0
 * ```
 */
export const reduceProd = defineReduction("reduceProd", "Prod");
/**
 * Logical and over `axis` (`tf.reduce_all`, op `All`), for bool tensors.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reduceAll(tf.constant([true, false]))); // ==> False
 * ```
 */
export const reduceAll = defineReduction("reduceAll", "All");
/**
 * Logical or over `axis` (`tf.reduce_any`, op `Any`), for bool tensors.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reduceAny(tf.constant([true, false]))); // ==> True
 * ```
 */
export const reduceAny = defineReduction("reduceAny", "Any");
