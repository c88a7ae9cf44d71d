import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import type { DType } from "../../graph/dtypes.js";
import { castIn } from "../array/cast.js";
import { oneHotTensor } from "../array/one_hot.js";
import { concatIn } from "../array/concat.js";
import { constantOp } from "../array/constant.js";
import { reshapeIn } from "../array/reshape.js";
import { shapeIn } from "../array/shape.js";
import { slice } from "../array/slice.js";
import { transposeIn } from "../array/transpose.js";
import { convertToTensor } from "../convert.js";
import { stopGradient } from "../math/unary.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  anyKind,
  declare,
  defineParams,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { broadcastShapes, ShapeInference } from "../shape_utils.js";

registerOp({
  type: "SoftmaxCrossEntropyWithLogits",
  opDef: {
    inputs: ["features: T", "labels: T"],
    outputs: ["loss: T", "backprop: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  kernel: ([features, labels]) =>
    tfc.tidy(() => {
      const y = labels as tfc.Tensor;
      const logp = tfc.logSoftmax(features as tfc.Tensor);
      const loss = tfc.neg(tfc.sum(tfc.mul(y, logp), -1));
      return [loss, tfc.sub(tfc.exp(logp), y)];
    }),
});

registerOp({
  type: "SparseSoftmaxCrossEntropyWithLogits",
  opDef: {
    inputs: ["features: T", "labels: Tlabels"],
    outputs: ["loss: T", "backprop: T"],
    attrs: ["T: {half, bfloat16, float, double}", "Tlabels: {int32, int64} = int64"],
  },
  kernel: ([features, labels]) =>
    tfc.tidy(() => {
      const x = features as tfc.Tensor;
      const ids = labels as tfc.Tensor;
      const depth = x.shape[1] as number;
      const logp = tfc.logSoftmax(x);
      const y = oneHotTensor(ids, depth, 1, 0, x.dtype as DType);
      // A label outside [0, depth) gives NaN, as TensorFlow's GPU kernel does.
      const valid = tfc.logicalAnd(tfc.greaterEqual(ids, 0), tfc.less(ids, depth));
      const loss = tfc.neg(tfc.sum(tfc.mul(y, logp), -1));
      return [tfc.where(valid, loss, tfc.fill(loss.shape, NaN)), tfc.sub(tfc.exp(logp), y)];
    }),
});

/** The int32 scalar or vector `Const` `values` named `name` in the current scope. */
function ints(graph: Graph, name: string, values: number[], scalar = false): Tensor {
  return constantOp(graph, `${graph.uniqueName(name)}/`, {
    dtype: "int32",
    shape: scalar ? [] : [values.length],
    values: Int32Array.from(values),
  });
}

/** Builds `SoftmaxCrossEntropyWithLogits` (rank-2 inputs) named exactly by `scope`. */
function softmaxXentIn(graph: Graph, scope: string, logits: Tensor, labels: Tensor): Tensor {
  const type = "SoftmaxCrossEntropyWithLogits";
  const si = new ShapeInference(opNameOf(scope), type, [logits.shape, labels.shape]);
  let input: TensorShape | null = null;
  if (logits.shape.rank === null || logits.shape.rank === 2) {
    const l = new TensorShape(logits.shape.dims === null ? [null, null] : logits.shape.dims);
    if (l.isCompatibleWith(labels.shape) && (labels.shape.rank ?? 2) === 2)
      input = l.mergeWith(labels.shape);
  }
  if (input === null) {
    input = broadcastShapes(logits.shape, labels.shape, opNameOf(scope), type);
    if (input.rank === null)
      si.fail("Shape must be broadcasted with rank 2, but is rank is unknown.");
    if (input.rank !== 2)
      si.fail(`Shape must be broadcasted with rank 2, but is rank ${input.rank}`);
  }
  const batch = (input.dims as Dim[])[0] as Dim;
  const op = makeOp(
    graph,
    type,
    scope,
    [logits, labels],
    [
      { dtype: logits.dtype, shape: new TensorShape([batch]) },
      { dtype: logits.dtype, shape: input },
    ],
    { T: logits.dtype },
  );
  return op.outputs[0] as Tensor;
}

/**
 * `_flatten_outer_dims` and the static rank-2 shape it sets: `x` as `[-1, last]`.
 */
function flattenOuterDims(graph: Graph, x: Tensor): Tensor {
  const dims = x.shape.dims as Dim[];
  const last = dims[dims.length - 1] as Dim;
  const shape =
    last !== null
      ? ints(graph, "Const", [-1, last])
      : inOpScope(null, "concat", [], (scope, g) =>
          concatIn(
            g,
            scope,
            [
              ints(g, "values_0", [-1]),
              slice(shapeIn(g, `${g.uniqueName("Shape")}/`, x), [dims.length - 1], [1]),
            ],
            ints(g, "axis", [0], true),
          ),
        );
  const out = inOpScope(null, "Reshape", [x, shape], (scope, g) => reshapeIn(g, scope, x, shape));
  const outer = dims.slice(0, -1);
  if (outer.every((d) => d !== null)) {
    out.setShape([(outer as number[]).reduce((a, b) => a * b, 1), last]);
  }
  return out;
}

/** Moves `axis` of `x` (of rank `rank`) to the end. */
function moveAxisToEnd(x: Tensor, axis: number, rank: number): Tensor {
  const perm = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis);
  perm.push(axis);
  return inOpScope(null, "transpose", [x], (scope, g) =>
    transposeIn(g, scope, x, ints(g, "perm", perm)),
  );
}

/** `_sentinel`: any value given for it means the call was positional, which TF refuses. */
const sentinelKind = anyKind<unknown>("nothing (call with named arguments)", false);

/**
 * TF 1.15's `sparse_softmax_cross_entropy_with_logits(_sentinel, labels, logits, name)` (and
 * `sigmoid_cross_entropy_with_logits`'s).
 */
export const XENT_PARAMS = [
  opt("_sentinel", sentinelKind),
  opt("labels", tensorKind),
  opt("logits", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * TF 1.15's `softmax_cross_entropy_with_logits(_sentinel, labels, logits, dim, name, axis)`:
 * the class dimension is `dim` or `axis`, the last by default.
 */
const SOFTMAX_XENT_PARAMS = [
  opt("_sentinel", sentinelKind),
  opt("labels", tensorKind),
  opt("logits", tensorKind),
  alias("dim", "axis", intKind),
  opt("name", stringKind),
  opt("axis", intKind),
] as const;

/** TF 1.15's `softmax_cross_entropy_with_logits_v2(labels, logits, axis, name, dim)`. */
const SOFTMAX_XENT_V2_PARAMS = [
  req("labels", tensorKind),
  req("logits", tensorKind),
  opt("axis", intKind),
  opt("name", stringKind),
  alias("dim", "axis", intKind),
] as const;

type Given = { labels: TensorLike; logits: TensorLike };

/** Arguments of the cross-entropy functions that TensorFlow requires by keyword. */
export type XentArgs = Omit<OptionsOf<typeof XENT_PARAMS>, "_sentinel" | keyof Given> & Given;

/** Arguments of {@link softmaxCrossEntropyWithLogits}. */
export type SoftmaxXentArgs = Omit<
  OptionsOf<typeof SOFTMAX_XENT_PARAMS>,
  "_sentinel" | keyof Given
> &
  Given;

/** The options object of {@link softmaxCrossEntropyWithLogitsV2}. */
export type SoftmaxXentV2Options = OptionsOf<typeof SOFTMAX_XENT_V2_PARAMS>;

/**
 * A function TF requires to be called with keywords (`_ensure_xent_args`): its only
 * argument is the options object; a positional value (TF's `_sentinel`) and a missing
 * `labels` or `logits` are TF's ValueErrors.
 */
export function keywordXent<P extends typeof XENT_PARAMS | typeof SOFTMAX_XENT_PARAMS, A>(
  fn: string,
  tfName: string,
  params: P,
  impl: (a: ArgsOf<P> & Given) => Tensor,
): (args: A) => Tensor {
  const list = defineParams(fn, params);
  const f = (...args: unknown[]): Tensor => {
    const a = list.parse(args) as ArgsOf<P> & {
      _sentinel?: unknown;
      labels?: TensorLike;
      logits?: TensorLike;
    };
    if (a._sentinel !== undefined) {
      throw new ValueError(
        `Only call \`${tfName}\` with named arguments (labels=..., logits=..., ...)`,
      );
    }
    if (a.labels === undefined || a.logits === undefined) {
      throw new ValueError("Both labels and logits must be provided.");
    }
    return impl(a as ArgsOf<P> & Given);
  };
  return declare(f, list);
}

/**
 * `softmax_cross_entropy_with_logits_v2`'s body in the open scope `scope`: the
 * `SoftmaxCrossEntropyWithLogits` op is named exactly `scope` (TF passes the scope as its
 * name), reshapes and transposes around it when the class axis is not the last of a matrix.
 */
function softmaxXentBody(
  graph: Graph,
  scope: string,
  labels: TensorLike,
  logits: TensorLike,
  axisArg: number,
): Tensor {
  // No dtype check here: TF casts `labels` to the logits' dtype, and the op builder refuses
  // non-float `features` when the op is made.
  const x = convertToTensor(logits, { name: "logits" });
  const l = convertToTensor(labels, { name: "labels", preferredDtype: x.dtype });
  const y = l.dtype === x.dtype ? l : castIn(graph, `${graph.uniqueName("Cast")}/`, l, x.dtype);
  const rank = x.shape.rank;
  if (rank === 2 && (axisArg === -1 || axisArg === 1)) return softmaxXentIn(graph, scope, x, y);
  if (rank === null) {
    throw new ValueError(
      "softmaxCrossEntropyWithLogits: logits of unknown rank are only supported as rank-2 matrices.",
    );
  }
  const axis = axisArg < 0 ? axisArg + rank : axisArg;
  const movedX = axis === rank - 1 ? x : moveAxisToEnd(x, axis, rank);
  const movedY = axis === rank - 1 ? y : moveAxisToEnd(y, axis, rank);
  const outer = (movedX.shape.dims as Dim[]).slice(0, -1);
  const outShape = outer.every((d) => d !== null)
    ? ints(graph, "Const", outer as number[])
    : slice(shapeIn(graph, `${graph.uniqueName("Shape")}/`, movedX), [0], [rank - 1]);
  const cost = softmaxXentIn(
    graph,
    scope,
    flattenOuterDims(graph, movedX),
    flattenOuterDims(graph, movedY),
  );
  const out = inOpScope(null, "Reshape", [cost, outShape], (s, g) =>
    reshapeIn(g, s, cost, outShape),
  );
  const dims = (x.shape.dims as Dim[]).slice();
  dims.splice(axis, 1);
  out.setShape(dims);
  return out;
}

/**
 * Softmax cross-entropy between `logits` and a distribution `labels`, one loss per row
 * (`tf.nn.softmax_cross_entropy_with_logits`, TensorFlow 1.x's: no gradient flows into
 * `labels`, which pass a `StopGradient`). Ops live under
 * `softmax_cross_entropy_with_logits_sg/`; the `SoftmaxCrossEntropyWithLogits` op itself
 * is named `softmax_cross_entropy_with_logits_sg` (or `name`). TensorFlow takes its
 * arguments by keyword only: `labels`, `logits`, `dim` (or `axis`), `name`.
 *
 * @example
 * ```ts
 * const logits = tf.constant([[0, 0], [0, 0]]);
 * const labels = tf.constant([[1, 0], [0, 1]]);
 * const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels, logits });
 * using sess = new tf.Session();
 * sess.run(loss); // ==> [0.6931472 0.6931472]
 * ```
 */
export const softmaxCrossEntropyWithLogits = keywordXent<
  typeof SOFTMAX_XENT_PARAMS,
  SoftmaxXentArgs
>(
  "nn.softmaxCrossEntropyWithLogits",
  "softmax_cross_entropy_with_logits",
  SOFTMAX_XENT_PARAMS,
  (a) =>
    inOpScope(
      a.name,
      "softmax_cross_entropy_with_logits_sg",
      [a.logits, a.labels],
      (scope, graph) => {
        const sg = stopGradient(a.labels, { name: "labels_stop_gradient" });
        return softmaxXentBody(graph, scope, sg, a.logits, a.axis ?? -1);
      },
    ),
);

/**
 * Softmax cross-entropy through which gradients flow into `labels` too
 * (`tf.nn.softmax_cross_entropy_with_logits_v2(labels, logits, axis, name, dim)`): ops under
 * `softmax_cross_entropy_with_logits/`, the `SoftmaxCrossEntropyWithLogits` op named
 * `softmax_cross_entropy_with_logits` (or `name`).
 *
 * @example
 * ```ts
 * const labels = tf.constant([[0, 1], [1, 0], [0.5, 0.5]]);
 * const loss = tf.nn.softmaxCrossEntropyWithLogitsV2(labels, tf.zeros([3, 2]));
 * loss.shape.toString(); // ==> (3,)
 * using sess = new tf.Session();
 * sess.run(loss); // ==> [0.6931472 0.6931472 0.6931472]
 * ```
 */
export const softmaxCrossEntropyWithLogitsV2 = tfFunction(
  "nn.softmaxCrossEntropyWithLogitsV2",
  SOFTMAX_XENT_V2_PARAMS,
  (a) =>
    inOpScope(a.name, "softmax_cross_entropy_with_logits", [a.logits, a.labels], (scope, graph) =>
      softmaxXentBody(graph, scope, a.labels, a.logits, a.axis ?? -1),
    ),
);

/**
 * Softmax cross-entropy against integer class `labels` (`[batch]` int32 for `[batch,
 * classes]` logits; any leading shape works), one loss per label
 * (`tf.nn.sparse_softmax_cross_entropy_with_logits`, op
 * `SparseSoftmaxCrossEntropyWithLogits` under the scope of the same name). A label outside
 * `[0, classes)` gives a NaN loss.
 *
 * @example
 * ```ts
 * const logits = tf.constant([[0, 0, 0], [0, 0, 0]]);
 * const loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [0, 2], logits });
 * loss.shape.toString(); // ==> (2,)
 * using sess = new tf.Session();
 * sess.run(loss); // ==> [1.0986123 1.0986123]
 * ```
 */
export const sparseSoftmaxCrossEntropyWithLogits = keywordXent<typeof XENT_PARAMS, XentArgs>(
  "nn.sparseSoftmaxCrossEntropyWithLogits",
  "sparse_softmax_cross_entropy_with_logits",
  XENT_PARAMS,
  ({ labels, logits, name }) =>
    inOpScope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits], (_scope, graph) => {
      const y = convertToTensor(labels, { preferredDtype: "int32" });
      const x = convertToTensor(logits);
      // The dtypes are the op builder's to check, after these shape checks, `features` first.
      const labelsShape = y.shape;
      const logitsShape = x.shape;
      const shapeOfLabels = shapeIn(graph, `${graph.uniqueName("Shape")}/`, y);
      if (logitsShape.rank === 0) {
        throw new ValueError(
          `Logits cannot be scalars - received shape ${logitsShape.toString()}.`,
        );
      }
      if (
        logitsShape.rank !== null &&
        labelsShape.rank !== null &&
        labelsShape.rank !== logitsShape.rank - 1
      ) {
        throw new ValueError(
          `Rank mismatch: Rank of labels (received ${labelsShape.rank}) should equal rank of logits minus 1 (received ${logitsShape.rank}).`,
        );
      }
      const outer =
        logitsShape.dims === null
          ? TensorShape.unknown()
          : new TensorShape(logitsShape.dims.slice(0, -1));
      if (labelsShape.isFullyDefined() && outer.isFullyDefined() && !labelsShape.equals(outer)) {
        throw new ValueError(
          `Shape mismatch: The shape of labels (received ${labelsShape.toString()}) should equal the shape of logits except for the last dimension (received ${logitsShape.toString()}).`,
        );
      }
      // TF passes the caller's `name` (not the scope) to the op: `name="xent"` gives `xent/xent`.
      const opName = name ?? "SparseSoftmaxCrossEntropyWithLogits";
      const xentScope = () => (opName.endsWith("/") ? opName : `${graph.uniqueName(opName)}/`);
      if (logitsShape.rank === 2) return sparseXentIn(graph, xentScope(), x, y);
      if (logitsShape.rank === null) {
        throw new ValueError(
          "sparseSoftmaxCrossEntropyWithLogits: logits of unknown rank are only supported as rank-2 matrices.",
        );
      }
      const flatX = flattenOuterDims(graph, x);
      const minusOne = ints(graph, "Const", [-1]);
      const flatY = inOpScope(null, "Reshape", [y], (s, g) => reshapeIn(g, s, y, minusOne));
      const cost = sparseXentIn(graph, xentScope(), flatX, flatY);
      const out = inOpScope(null, "Reshape", [cost], (s, g) =>
        reshapeIn(g, s, cost, shapeOfLabels),
      );
      out.setShape(labelsShape);
      return out;
    }),
);

/** Builds `SparseSoftmaxCrossEntropyWithLogits` named exactly by `scope`. */
function sparseXentIn(graph: Graph, scope: string, logits: Tensor, labels: Tensor): Tensor {
  const type = "SparseSoftmaxCrossEntropyWithLogits";
  const si = new ShapeInference(opNameOf(scope), type, [logits.shape, labels.shape]);
  const features = si.withRank(logits.shape, 2);
  const l = si.withRank(labels.shape, 1);
  const batch = si.mergeDim(features[0] as Dim, l[0] as Dim);
  return makeOp(
    graph,
    type,
    scope,
    [logits, labels],
    [
      { dtype: logits.dtype, shape: new TensorShape([batch]) },
      { dtype: logits.dtype, shape: new TensorShape([batch, features[1] as Dim]) },
    ],
    { T: logits.dtype, Tlabels: labels.dtype },
  ).outputs[0] as Tensor;
}
