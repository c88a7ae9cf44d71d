import type { Tensor, TensorLike } from "../../graph/tensor.js";
import {
  optNullable,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { cast } from "../array/cast.js";
import { convertToTensor } from "../convert.js";
import { neg, pythonOperator } from "../math/operators.js";
import { rsqrt } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";

/**
 * TF 1.15's `batch_normalization(x, mean, variance, offset, scale, variance_epsilon,
 * name=None)`: `offset` and `scale` are positional but may be `None` (left out of the
 * formula).
 */
const BATCH_NORMALIZATION_PARAMS = [
  req("x", tensorKind),
  req("mean", tensorKind),
  req("variance", tensorKind),
  optNullable("offset", tensorKind),
  optNullable("scale", tensorKind),
  req("varianceEpsilon", tensorKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link batchNormalization}. */
export type BatchNormalizationOptions = OptionsOf<typeof BATCH_NORMALIZATION_PARAMS>;

/**
 * Normalizes `x` by `mean` and `variance`, then scales by `scale` and shifts by `offset`
 * when given (`tf.nn.batch_normalization`): `x * inv + (offset - mean * inv)` with
 * `inv = rsqrt(variance + varianceEpsilon) * scale`, built from the same ops TF 1.15
 * builds, in the same order, under `batchnorm/` (`add`, `Rsqrt`, `mul`, `mul_1`, `mul_2`,
 * `sub`, `add_1`), which is what graph rewrites such as batch-norm folding look for.
 * `offset` and `scale` are required positions that may be `null`.
 *
 * @example
 * ```ts
 * const y = tf.nn.batchNormalization([[3, 6]], [2, 4], [1, 4], [0, 1], [1, 2], 0);
 * y.op.name; // ==> batchnorm/add_1
 * using sess = new tf.Session();
 * sess.run(y); // ==> [[1. 3.]]
 * ```
 */
export const batchNormalization = tfFunction(
  "nn.batchNormalization",
  BATCH_NORMALIZATION_PARAMS,
  (a): Tensor => {
    // TF takes these positionally without defaults: leaving one out is a TypeError there.
    for (const name of ["offset", "scale"] as const) {
      if (a[name] === undefined) {
        throw new TypeError(
          `nn.batchNormalization() missing 1 required positional argument: '${name}'`,
        );
      }
    }
    return batchNormalizationOp(
      a.x,
      a.mean,
      a.variance,
      a.offset ?? null,
      a.scale ?? null,
      a.varianceEpsilon,
      a.name,
    );
  },
);

function batchNormalizationOp(
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  offset: TensorLike | null,
  scale: TensorLike | null,
  varianceEpsilon: TensorLike,
  name: string | undefined,
): Tensor {
  const values = [x, mean, variance, scale, offset].filter((v) => v !== null);
  return inOpScope(name, "batchnorm", values, () => {
    const xt = convertToTensor(x);
    let inv = rsqrt(pythonOperator("add", variance, varianceEpsilon));
    if (scale !== null) inv = pythonOperator("mul", inv, scale);
    const scaled = pythonOperator("mul", xt, cast(inv, xt.dtype));
    const shift =
      offset !== null
        ? pythonOperator("sub", offset, pythonOperator("mul", mean, inv))
        : pythonOperator("mul", neg(mean), inv);
    return pythonOperator("add", scaled, cast(shift, xt.dtype));
  });
}
