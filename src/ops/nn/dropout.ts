import { ValueError } from "../../errors.js";
import { isFloating } from "../../graph/dtypes.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../../graph/tensor_shape.js";
import { cast } from "../array/cast.js";
import { shapeIn } from "../array/shape.js";
import { convertToTensor } from "../convert.js";
import { greaterEqual } from "../math/binary.js";
import { pythonOperator } from "../math/operators.js";
import { inOpScope } from "../op_scope.js";
import { randomUniform } from "../random/random_ops.js";
import { constantScalar } from "../tensor_util.js";
import {
  intKind,
  opt,
  req,
  scalarKind,
  shapeKind,
  shapeOrTensorKind,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";

/**
 * TF 1.15's `dropout(x, keep_prob, noise_shape, seed, name, rate)`: give `keepProb` (the
 * probability that each element is kept; `tf.nn.dropout(x, 0.75)` keeps 3/4) or `rate`
 * (the probability that each is dropped), not both. `noiseShape` is the shape of the
 * keep/drop decisions, broadcast against `x` (`null` dims take `x`'s).
 */
const DROPOUT_PARAMS = [
  req("x", tensorKind),
  opt("keepProb", scalarKind),
  opt("noiseShape", shapeOrTensorKind),
  opt("seed", intKind),
  opt("name", stringKind),
  opt("rate", scalarKind),
] as const;

/** The options object of {@link dropout}. */
export type DropoutOptions = OptionsOf<typeof DROPOUT_PARAMS>;

/** `_get_noise_shape`: `tf.shape(x)`, or the given shape with unknown dims filled from `x`. */
function noiseShapeOf(
  graph: Tensor["graph"],
  x: Tensor,
  noiseShape: ShapeLike | TensorLike | null,
): ShapeLike | Tensor {
  if (noiseShape === null) return shapeIn(graph, `${graph.uniqueName("Shape")}/`, x);
  if (!shapeKind.check(noiseShape)) {
    return convertToTensor(noiseShape, { name: "noise_shape", preferredDtype: "int32" });
  }
  const given = TensorShape.from(noiseShape as ShapeLike);
  if (x.shape.dims !== null && given.dims !== null && x.shape.dims.length === given.dims.length) {
    const xd = x.shape.dims;
    return new TensorShape(given.dims.map((d, i) => (d === null ? (xd[i] ?? null) : d)));
  }
  return given;
}

/**
 * Dropout (`tf.nn.dropout`, TensorFlow 1.15's graph): under `dropout/`, a `random_uniform`
 * of `x`'s shape, the keep mask `random >= rate` (`GreaterEqual`, cast to `x`'s dtype), and
 * `x * (1 / (1 - rate)) * mask` (`truediv`, `mul`, `mul_1`). A constant rate of 0 returns
 * `x` itself.
 *
 * @example
 * ```ts
 * const x = tf.ones([1000]);
 * const keep = tf.placeholderWithDefault(1.0, []);
 * const h = tf.nn.dropout(x, { keepProb: keep });
 * using sess = new tf.Session();
 * sess.run(tf.reduceSum(h)); // ==> 1000.0
 * sess.run(tf.nn.dropout(x, { rate: 0.5 })).data.every((v) => v === 0 || v === 2); // ==> true
 * ```
 */
export const dropout = tfFunction("nn.dropout", DROPOUT_PARAMS, (a) =>
  dropoutOp(a.x, a.keepProb ?? null, a.noiseShape ?? null, a.seed ?? null, a.name, a.rate ?? null),
);

function dropoutOp(
  x: TensorLike,
  keepProb: TensorLike | null,
  noiseShapeArg: ShapeLike | TensorLike | null,
  seed: number | null,
  name: string | undefined,
  rateArg: TensorLike | null,
): Tensor {
  let rate = rateArg;
  if (keepProb !== null && rate !== null) {
    throw new ValueError("Cannot specify both 'keep_prob' and 'rate'.");
  }
  if (keepProb !== null) {
    if (typeof keepProb === "number") rate = 1 - keepProb;
    else if (keepProb instanceof Tensor || typeof keepProb === "object") {
      rate = pythonOperator("sub", 1, keepProb);
    } else {
      throw new ValueError(
        `keep_prob must be a floating point number or Tensor (got ${String(keepProb)})`,
      );
    }
  }
  if (rate === null) throw new ValueError("You must provide a rate to dropout.");
  const r = rate;
  return inOpScope(name, "dropout", [x], (_scope, graph) => {
    const input = convertToTensor(x, { name: "x" });
    if (!isFloating(input.dtype)) {
      throw new ValueError(
        `x has to be a floating point tensor since it's going to be scaled. Got a ${input.dtype} tensor instead.`,
      );
    }
    if (typeof r === "number") {
      if (!(r >= 0 && r < 1)) {
        throw new ValueError(
          `rate must be a scalar tensor or a float in the range [0, 1), got ${r}`,
        );
      }
      if (r === 0) return input;
    }
    const rateT = convertToTensor(r, { dtype: input.dtype, name: "rate" });
    if (!rateT.shape.isCompatibleWith([])) {
      throw new ValueError(`Shapes ${rateT.shape.toString()} and () are incompatible`);
    }
    if (constantScalar(rateT) === 0) return input;
    const noiseShape = noiseShapeOf(graph, input, noiseShapeArg);
    const random = randomUniform(noiseShape, { seed, dtype: input.dtype });
    const keep = pythonOperator("sub", 1, rateT);
    const scale = pythonOperator("truediv", 1, keep);
    const keepMask = greaterEqual(random, rateT);
    const ret = pythonOperator(
      "mul",
      pythonOperator("mul", input, scale),
      cast(keepMask, input.dtype),
    );
    ret.setShape(input.shape);
    return ret;
  });
}
