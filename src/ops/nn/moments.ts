import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { squeeze } from "../array/squeeze.js";
import { convertToTensor } from "../convert.js";
import { squaredDifference } from "../math/binary.js";
import { reduceMean } from "../math/reduce.js";
import { stopGradient } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import {
  alias,
  anyKind,
  booleanKind,
  eitherKind,
  intKind,
  listKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";

/**
 * TF 1.15's `moments(x, axes, shift, name, keep_dims, keepdims)`: `axes` is an int or a
 * list of ints; `shift` is not used (as in TensorFlow 1.15); `keepdims` is `false` by
 * default (`keepDims` is its deprecated spelling).
 */
const MOMENTS_PARAMS = [
  req("x", tensorKind),
  req("axes", eitherKind(intKind, listKind(intKind))),
  opt("shift", anyKind<unknown>("a value", false)),
  opt("name", stringKind),
  alias("keepDims", "keepdims", booleanKind),
  opt("keepdims", booleanKind),
] as const;

/** The options object of {@link moments}. */
export type MomentsOptions = OptionsOf<typeof MOMENTS_PARAMS>;

/**
 * The mean and (population) variance of `x` over `axes` (`tf.nn.moments`): under
 * `moments/`, `Mean` ops named `mean` and `variance`, with `StopGradient` and
 * `SquaredDifference` between them, then `Squeeze` unless `keepdims`. Returns
 * `[mean, variance]`.
 *
 * @example
 * ```ts
 * const x = tf.constant([[1, 2], [3, 6]]);
 * const [mean, variance] = tf.nn.moments(x, [0]);
 * using sess = new tf.Session();
 * sess.run(mean); // ==> [2. 4.]
 * sess.run(variance); // ==> [1. 4.]
 * ```
 */
export const moments = tfFunction("nn.moments", MOMENTS_PARAMS, (a) =>
  momentsOp(a.x, a.axes, a.keepdims ?? false, a.name),
);

function momentsOp(
  x: TensorLike,
  axes: number | readonly number[],
  keepdims: boolean,
  name: string | undefined,
): [Tensor, Tensor] {
  const list = typeof axes === "number" ? [axes] : axes.slice();
  return inOpScope(name, "moments", [x], () => {
    const y = convertToTensor(x, { name: "x" });
    let mean = reduceMean(y, { axis: list, keepdims: true, name: "mean" });
    let variance = reduceMean(squaredDifference(y, stopGradient(mean)), {
      axis: list,
      keepdims: true,
      name: "variance",
    });
    if (!keepdims) {
      mean = squeeze(mean, list);
      variance = squeeze(variance, list);
    }
    return [mean, variance];
  });
}
