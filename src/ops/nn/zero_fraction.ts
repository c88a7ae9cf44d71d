import type { Tensor } from "../../graph/tensor.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { cast } from "../array/cast.js";
import { zeros } from "../array/fill.js";
import { size } from "../array/shape.js";
import { cond } from "../control/cond.js";
import { convertToTensor } from "../convert.js";
import { lessEqual, notEqual } from "../math/binary.js";
import { pythonOperator } from "../math/operators.js";
import { reduceSum } from "../math/reduce.js";
import { identity } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import { withNameScope } from "../../scope/name_scope.js";

/** TF 1.15's `zero_fraction(value, name=None)`. */
const ZERO_FRACTION_PARAMS = [req("value", tensorKind), opt("name", stringKind)] as const;

const INT32_MAX = 2147483647;

/** `nn_impl._count_nonzero`: the nonzero entries of `value` as a `dtype` scalar. */
function countNonzero(value: Tensor, dtype: "int32" | "int64"): Tensor {
  return withNameScope(value.graph, "count_nonzero", () => {
    const zero = zeros([], { dtype: value.dtype });
    return reduceSum(cast(notEqual(value, zero), dtype), { name: "nonzero_count" });
  });
}

/**
 * The fraction of zeros in `value`, a float32 scalar (`tf.nn.zero_fraction`,
 * `tf.math.zero_fraction`); `NaN` when `value` is empty. Built as TensorFlow 1.15 builds it:
 * the size as int64 (`zero_fraction/Size`), a `tf.cond` on `size <= int32.max` that counts
 * the nonzeros in int32 (then casts to int64) or in int64, and the division under
 * `zero_fraction/counts_to_fraction/`, returned through `zero_fraction/fraction`.
 *
 * @example
 * ```ts
 * const f = tf.nn.zeroFraction([[0, 1], [0, 3]]);
 * f.name; // ==> zero_fraction/fraction:0
 * using sess = new tf.Session();
 * sess.run(f); // ==> 0.5
 * ```
 */
export const zeroFraction = tfFunction("nn.zeroFraction", ZERO_FRACTION_PARAMS, (a): Tensor =>
  inOpScope(a.name, "zero_fraction", [a.value], () => {
    const value = convertToTensor(a.value, { name: "value" });
    const n = size(value, { outType: "int64" });
    const numNonzero = cond(
      lessEqual(n, INT32_MAX),
      () => cast(countNonzero(value, "int32"), "int64"),
      () => countNonzero(value, "int64"),
    ) as Tensor;
    const fraction = withNameScope(value.graph, "counts_to_fraction", () => {
      const numZero = pythonOperator("sub", n, numNonzero);
      const numZeroF = cast(numZero, "float32");
      const sizeF = cast(n, "float32");
      return pythonOperator("truediv", numZeroF, sizeF);
    });
    return identity(fraction, { name: "fraction" });
  }),
);
