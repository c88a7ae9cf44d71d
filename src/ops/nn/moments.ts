import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { squeeze } from "../array/squeeze.js";
import { convertToTensor } from "../convert.js";
import { squaredDifference } from "../math/binary.js";
import { reduceMean } from "../math/reduce.js";
import { stopGradient } from "../math/unary.js";
import { inOpScope, type NameOption } from "../op_scope.js";

/** Options of {@link moments}. */
export interface MomentsOptions extends NameOption {
  /** Keep the reduced dimensions (length 1); `false` by default. */
  keepdims?: boolean | null;
  /** Not used (as in TensorFlow 1.15). */
  shift?: unknown;
}

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
export function moments(
  x: TensorLike,
  axes: number | readonly number[],
  options: MomentsOptions = {},
): [Tensor, Tensor] {
  const list = typeof axes === "number" ? [axes] : axes.slice();
  const keepdims = options.keepdims ?? false;
  return inOpScope(options.name, "moments", [x], () => {
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
