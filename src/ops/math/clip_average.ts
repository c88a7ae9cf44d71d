import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { cast } from "../array/cast.js";
import { constant } from "../array/constant.js";
import { rank, size } from "../array/shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope } from "../op_scope.js";
import { minimum } from "./binary.js";
import { pythonOperator } from "./operators.js";
import { range } from "./range.js";
import { reduceSum } from "./reduce.js";
import { identity, rsqrt } from "./unary.js";

/**
 * Scales `t` so that its L2 norm divided by its number of elements is at most `clip_norm`
 * (`tf.clip_by_average_norm(t, clip_norm, name)`, deprecated in TF 1.15): `t * clip_norm *
 * min(n / ‖t‖, 1 / clip_norm)`, built as TF's Python builds it, the `Identity` named
 * `clip_by_average_norm`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * // ‖t‖ = 5 over 2 elements: an average norm of 2.5, clipped to 1.
 * sess.run(tf.clipByAverageNorm(tf.constant([3, 4]), 1)); // ==> [1.2 1.6]
 * ```
 */
export const clipByAverageNorm = tfFunction(
  "clipByAverageNorm",
  [req("t", tensorKind), req("clipNorm", tensorKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "clip_by_average_norm", [a.t, a.clipNorm], (scope) => {
      const t = convertToTensor(a.t, { name: "t" });
      const nElement = cast(size(t), "float32");
      const l2normInv = rsqrt(reduceSum(pythonOperator("mul", t, t), range(rank(t))));
      const scaled = pythonOperator("mul", t, a.clipNorm);
      const bound = minimum(
        pythonOperator("mul", l2normInv, nElement),
        pythonOperator("truediv", constant(1.0), a.clipNorm),
      );
      return identity(pythonOperator("mul", scaled, bound), scope);
    }),
);
