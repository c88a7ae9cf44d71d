import type { Tensor, TensorConvertible, TensorLike } from "../../graph/tensor.js";
import { onesLike } from "../array/like.js";
import { where } from "../array/where.js";
import { convertToTensor } from "../convert.js";
import { inOpScope } from "../op_scope.js";
import { greater, maximum } from "./binary.js";
import { pythonOperator } from "./operators.js";
import { reduceSum } from "./reduce.js";
import { identity, sqrt } from "./unary.js";

/**
 * The graph of TF 1.15's `clip_by_norm(t, clip_norm, axes, name)`, here so that ops below
 * `train/` (`embedding_lookup`'s `max_norm`) can build it: `t * clip_norm /
 * max(l2norm(t), clip_norm)` with the two `Select`s that keep the gradient finite at a
 * zero norm, the result an `Identity` named `clip_by_norm`.
 */
export function clipByNormOps(
  t: TensorLike,
  clipNorm: TensorLike,
  axes: number | readonly number[] | Tensor | TensorConvertible | null | undefined,
  name: string | undefined,
): Tensor {
  return inOpScope(name, "clip_by_norm", [t, clipNorm], (scope) => {
    const values = convertToTensor(t, { name: "t" });
    const l2sum = reduceSum(pythonOperator("mul", values, values), {
      axis: axes ?? null,
      keepdims: true,
    });
    const pred = greater(l2sum, 0);
    // Two-tap `where` so that no NaN gradient comes out of `sqrt` at zero.
    const l2sumSafe = where(pred, l2sum, onesLike(l2sum));
    const l2norm = where(pred, sqrt(l2sumSafe), l2sum);
    const intermediate = pythonOperator("mul", values, clipNorm);
    values.shape.mergeWith(intermediate.shape);
    return identity(pythonOperator("truediv", intermediate, maximum(l2norm, clipNorm)), {
      name: scope,
    });
  });
}
