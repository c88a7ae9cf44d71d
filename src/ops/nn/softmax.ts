import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { transposeIn } from "../array/transpose.js";
import { constantOp } from "../array/constant.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { checkOpInputs } from "../input_types.js";
import type { Graph } from "../../graph/graph.js";

registerOp({
  type: "Softmax",
  opDef: {
    inputs: ["logits: T"],
    outputs: ["softmax: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  kernel: ([x]) => [tfc.softmax(x as tfc.Tensor)],
});
registerOp({
  type: "LogSoftmax",
  opDef: {
    inputs: ["logits: T"],
    outputs: ["logsoftmax: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  kernel: ([x]) => [tfc.logSoftmax(x as tfc.Tensor)],
});

/** Builds `Softmax` or `LogSoftmax` (over the last dim) named exactly by `scope`. */
function softmaxIn(graph: Graph, scope: string, type: string, logits: Tensor): Tensor {
  checkOpInputs(type, [logits], {});
  const si = new ShapeInference(opNameOf(scope), type, [logits.shape]);
  si.withRankAtLeast(logits.shape, 1);
  return makeOp(graph, type, scope, [logits], [{ dtype: logits.dtype, shape: logits.shape }], {
    T: logits.dtype,
  }).outputs[0] as Tensor;
}

/** TF 1.15's `softmax(logits, axis, name, dim)` (and `log_softmax`'s); `axis` is -1 by default. */
const SOFTMAX_PARAMS = [
  req("logits", tensorKind),
  opt("axis", intKind),
  opt("name", stringKind),
  alias("dim", "axis", intKind),
] as const;

/** The options object of {@link softmax} and {@link logSoftmax}. */
export type SoftmaxOptions = OptionsOf<typeof SOFTMAX_PARAMS>;

function softmaxLike(
  type: string,
  logits: TensorLike,
  axisArg: number | undefined,
  name: string | undefined,
): Tensor {
  const axis = axisArg ?? -1;
  const x = convertToTensor(logits);
  const rank = x.shape.rank;
  if (axis === -1 || (rank !== null && axis === rank - 1)) {
    return inOpScope(name, type, [x], (scope, graph) => softmaxIn(graph, scope, type, x));
  }
  if (rank === null) {
    throw new ValueError(
      `${type} over axis ${axis} needs a tensor of known rank, got ${x.shape.toString()}.`,
    );
  }
  if (axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(
      `Dimension (${axis}) must be in the range [${-rank}, ${rank}) where ${rank} is the number of dimensions in the input.`,
    );
  }
  // Swap `axis` with the last dimension, normalize, and swap back.
  const a = axis < 0 ? axis + rank : axis;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[a] = rank - 1;
  perm[rank - 1] = a;
  const graph = x.graph;
  const permConst = () =>
    constantOp(graph, `${graph.uniqueName("perm")}/`, {
      dtype: "int32",
      shape: [rank],
      values: Int32Array.from(perm),
    });
  const swapped = inOpScope(null, "transpose", [x], (scope, g) =>
    transposeIn(g, scope, x, permConst()),
  );
  const y = inOpScope(null, type, [swapped], (scope, g) => softmaxIn(g, scope, type, swapped));
  return inOpScope(name, "transpose", [y], (scope, g) => transposeIn(g, scope, y, permConst()));
}

/**
 * `exp(x) / sum(exp(x))` along `axis` (`tf.nn.softmax`, op `Softmax`); the last dimension
 * by default. Another axis is transposed to the end and back.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.softmax(tf.constant([1, 1]))); // ==> [0.5 0.5]
 * ```
 */
export const softmax = tfFunction("nn.softmax", SOFTMAX_PARAMS, (a) =>
  softmaxLike("Softmax", a.logits, a.axis, a.name),
);

/**
 * `x - log(sum(exp(x)))` along `axis` (`tf.nn.log_softmax`, op `LogSoftmax`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.logSoftmax(tf.constant([0, 0]))); // ==> [-0.6931472 -0.6931472]
 * ```
 */
export const logSoftmax = tfFunction("nn.logSoftmax", SOFTMAX_PARAMS, (a) =>
  softmaxLike("LogSoftmax", a.logits, a.axis, a.name),
);
