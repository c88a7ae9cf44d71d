import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  intOrTensorKind,
  oneOfKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { neg } from "../math/operators.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantScalar, constantValue, readScalar } from "../tensor_util.js";
import { constantOp } from "./constant.js";
import { sliceHelper } from "./strided_slice.js";
import { shape as shapeOf } from "./shape.js";
import { transposeIn } from "./transpose.js";

/** `TopKV2`'s shape function: `input.shape[:-1] + [k]`, with TF's checks. */
function topKShape(si: ShapeInference, input: TensorShape, k: TensorShape, kValue: number | null) {
  si.withRank(k, 0);
  const dims = si.withRankAtLeast(input, 1);
  if (kValue !== null && kValue < 0) si.fail(`Need k >= 0, got ${kValue}`);
  if (dims === null) return TensorShape.unknown();
  const last = dims[dims.length - 1] ?? null;
  if (kValue !== null && last !== null && last < kValue) {
    si.fail(`input must have last dimension >= k = ${kValue} but is ${last}`);
  }
  return new TensorShape([...dims.slice(0, -1), kValue]);
}

registerOp({
  type: "TopKV2",
  opDef: {
    inputs: ["input: T", "k: int32"],
    outputs: ["values: T", "indices: int32"],
    attrs: [
      "sorted: bool = true",
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  // tfjs's topk orders equal values by index only on some backends; TF's kernel puts the
  // lower index first, so the order is computed here.
  kernel: ([x, kTensor], op) => {
    const input = x as tfc.Tensor;
    const k = readScalar(kTensor as tfc.Tensor);
    const at = `\n\t [[{{node ${op.name}}}]]`;
    if (k < 0) throw new InvalidArgumentError(`Need k >= 0, got ${k}${at}`, op.name);
    if (input.rank < 1) {
      throw new InvalidArgumentError(
        `input must be >= 1-D, got shape ${input.shape}${at}`,
        op.name,
      );
    }
    const n = input.shape[input.rank - 1] as number;
    if (n < k) {
      throw new InvalidArgumentError(
        `input must have at least k columns. Had ${n}, needed ${k}${at}`,
        op.name,
      );
    }
    const data = input.dataSync() as ArrayLike<number>;
    const rows = n === 0 ? 0 : data.length / n;
    const values =
      input.dtype === "float32" ? new Float32Array(rows * k) : new Int32Array(rows * k);
    const indices = new Int32Array(rows * k);
    const order = new Int32Array(n);
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => {
        const va = data[base + a] as number;
        const vb = data[base + b] as number;
        return va > vb ? -1 : va < vb ? 1 : a - b;
      });
      for (let j = 0; j < k; j++) {
        const i = order[j] as number;
        indices[r * k + j] = i;
        values[r * k + j] = data[base + i] as number;
      }
    }
    const shape = [...input.shape.slice(0, -1), k];
    return [tfc.tensor(values, shape, input.dtype), tfc.tensor(indices, shape, "int32")];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [x, k] = op.inputs as [Tensor, Tensor];
    const kValue = constantScalar(k);
    const out = topKShape(
      new ShapeInference(op.name, op.type, [x.shape, k.shape]),
      x.shape,
      k.shape,
      kValue,
    );
    return [out, out];
  },
});

/** Builds `TopKV2` named exactly by `scope` on converted inputs. */
function topKIn(
  graph: Graph,
  scope: string,
  x: Tensor,
  k: Tensor,
  sorted: boolean,
): [Tensor, Tensor] {
  checkOpInputs("TopKV2", [x, k], {});
  const kConst = constantValue(k);
  const kValue = constantScalar(k);
  const si = new ShapeInference(
    opNameOf(scope),
    "TopKV2",
    [x.shape, k.shape],
    kConst === null ? {} : { tensors: [[1, kConst]] },
  );
  const out = topKShape(si, x.shape, k.shape, kValue);
  const op = makeOp(
    graph,
    "TopKV2",
    scope,
    [x, k],
    [
      { dtype: x.dtype, shape: out },
      { dtype: "int32", shape: out },
    ],
    { sorted, T: x.dtype },
  );
  return op.outputs as [Tensor, Tensor];
}

/** TF 1.15's `nn.top_k(input, k=1, sorted=True, name=None)`. */
const TOP_K_PARAMS = [
  req("input", tensorKind),
  opt("k", intOrTensorKind),
  opt("sorted", booleanKind),
  opt("name", stringKind),
] as const;

/**
 * The `k` largest entries of each row (last axis) of `input` and their indices
 * (`tf.nn.top_k`, op `TopKV2`), largest first; equal values keep the lower index first.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const [values, indices] = tf.nn.topK(tf.constant([1, 3, 2, 3]), 2);
 * sess.run(values); // ==> [3. 3.]
 * sess.run(indices); // ==> [1 3]
 * ```
 */
export const topK = tfFunction("topK", TOP_K_PARAMS, (a): [Tensor, Tensor] =>
  inOpScope(a.name, "TopKV2", [a.input, a.k], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    // Not `dtype: int32`: a tensor of another dtype is refused by the OpDef check, in
    // op_def_library's words, after `input`'s.
    const k = convertToTensor(a.k ?? 1, { name: "k", preferredDtype: "int32" });
    return topKIn(graph, scope, x, k, a.sorted ?? true);
  }),
);

/**
 * `sort_ops._descending_sort`: `top_k` over the whole axis, the axis swapped with the
 * last one first (a `transposition` constant) when it is not last.
 */
function descendingSort(values: Tensor, axis: number, returnArgsort: boolean): Tensor {
  const graph = values.graph;
  const k = sliceHelper(shapeOf(values), [axis]);
  const staticRank = values.shape.rank;
  let transposition: Tensor | null = null;
  let input = values;
  if (!(axis === -1 || axis + 1 === staticRank)) {
    if (staticRank === null) {
      throw new ValueError("sort over an axis other than the last needs a known rank.");
    }
    const ax = axis < 0 ? axis + staticRank : axis;
    const perm: number[] = [];
    for (let i = 0; i < ax; i++) perm.push(i);
    perm.push(staticRank - 1);
    for (let i = ax + 1; i < staticRank - 1; i++) perm.push(i);
    perm.push(ax);
    transposition = constantOp(graph, `${graph.uniqueName("transposition")}/`, {
      dtype: "int32",
      shape: [perm.length],
      values: Int32Array.from(perm),
    });
    const t = transposition;
    input = inOpScope(undefined, "transpose", [values], (scope) =>
      transposeIn(graph, scope, values, t),
    );
  }
  const [sorted, indices] = topK(input, k);
  let result = returnArgsort ? indices : sorted;
  if (transposition !== null) {
    const t = transposition;
    const r = result;
    // The transposition swaps two axes, so it is its own inverse.
    result = inOpScope(undefined, "transpose", [r], (scope) => transposeIn(graph, scope, r, t));
  }
  return result;
}

/** `sort_ops._sort_or_argsort`: checks the direction and the constant scalar axis. */
function sortOrArgsort(
  valuesLike: unknown,
  axisLike: unknown,
  direction: string,
  returnArgsort: boolean,
): Tensor {
  if (direction !== "ASCENDING" && direction !== "DESCENDING") {
    throw new ValueError(`${direction} should be one of ASCENDING, DESCENDING`);
  }
  const axisTensor = convertToTensor(axisLike, { name: "axis" });
  const axis = constantScalar(axisTensor);
  if (axisTensor.shape.rank !== 0 || axis === null) {
    throw new ValueError("axis must be a constant scalar");
  }
  const values = convertToTensor(valuesLike, { name: "values" });
  if (direction === "DESCENDING") return descendingSort(values, axis, returnArgsort);
  // Ascending: the descending order of the negated values, negated back for `sort`.
  const out = descendingSort(neg(values), axis, returnArgsort);
  return returnArgsort ? out : neg(out);
}

const DIRECTION = oneOfKind("ASCENDING", "DESCENDING");

/** TF 1.15's `sort(values, axis=-1, direction='ASCENDING', name=None)`. */
const SORT_PARAMS = [
  req("values", tensorKind),
  opt("axis", intOrTensorKind),
  opt("direction", DIRECTION),
  opt("name", stringKind),
] as const;

/**
 * `values` sorted along `axis` (`tf.sort`): built as TF 1.15 builds it, from `top_k` under
 * a `sort` name scope (on the negated values for `ASCENDING`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sort(tf.constant([3, 1, 2], tf.int32))); // ==> [1 2 3]
 * sess.run(tf.sort([3, 1, 2], { direction: "DESCENDING" })); // ==> [3. 2. 1.]
 * ```
 */
export const sort = tfFunction("sort", SORT_PARAMS, (a) =>
  inOpScope(a.name, "sort", [a.values], () =>
    sortOrArgsort(a.values, a.axis ?? -1, a.direction ?? "ASCENDING", false),
  ),
);

/** TF 1.15's `argsort(values, axis=-1, direction='ASCENDING', stable=False, name=None)`. */
const ARGSORT_PARAMS = [
  req("values", tensorKind),
  opt("axis", intOrTensorKind),
  opt("direction", DIRECTION),
  /** Ignored, as in TF: `top_k` already keeps equal values in index order. */
  opt("stable", booleanKind),
  opt("name", stringKind),
] as const;

/**
 * The indices that sort `values` along `axis` (`tf.argsort`), built from `top_k` under an
 * `argsort` name scope; equal values keep their order.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.argsort(tf.constant([3, 1, 2, 1]))); // ==> [1 3 2 0]
 * ```
 */
export const argsort = tfFunction("argsort", ARGSORT_PARAMS, (a) =>
  inOpScope(a.name, "argsort", [a.values], () =>
    sortOrArgsort(a.values, a.axis ?? -1, a.direction ?? "ASCENDING", true),
  ),
);
