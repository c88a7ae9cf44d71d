import { ValueError } from "../errors.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import type { ShapeLike } from "../graph/tensor_shape.js";
import { identity } from "../ops/math/unary.js";
import { dropout as nnDropout } from "../ops/nn/dropout.js";
import {
  booleanKind,
  declare,
  defineParams,
  intKind,
  keywordOnlyAfter,
  numberKind,
  opt,
  req,
  shapeOrTensorKind,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import {
  applyFunctional,
  Layer,
  LAYER_KWARGS,
  layerNameKind,
  reuseKind,
  trainingKind,
  type ApplyOptions,
} from "./base.js";
import { smartCond } from "./smart_cond.js";

/**
 * TF 1.15's `Dropout(rate, noise_shape, seed, name, **kwargs)`: `rate` is the fraction of
 * inputs dropped when training (0.5); `noiseShape` the shape of the keep/drop mask,
 * broadcast against the input (`[batch, 1, features]`); `seed` the op seed of the mask.
 */
const DROPOUT_PARAMS = [
  opt("rate", numberKind),
  opt("noiseShape", shapeOrTensorKind),
  opt("seed", intKind),
  opt("name", layerNameKind),
  opt("trainable", booleanKind),
  ...LAYER_KWARGS,
] as const;
const DROPOUT_P = keywordOnlyAfter(defineParams("layers.Dropout", DROPOUT_PARAMS), 4);

/**
 * TF 1.15's `dropout(inputs, rate, noise_shape, seed, training, name)`: `training` is
 * `false` by default (the input passes through); a bool scalar tensor decides at run time.
 */
const DROPOUT_FN_PARAMS = [
  req("inputs", tensorKind),
  opt("rate", numberKind),
  opt("noiseShape", shapeOrTensorKind),
  opt("seed", intKind),
  opt("training", trainingKind),
  opt("name", layerNameKind),
  // Not in TF's signature: API.md gives every tf.layers function `reuse` (the layer's `_reuse`).
  opt("reuse", reuseKind),
] as const;
const DROPOUT_FN_P = keywordOnlyAfter(defineParams("layers.dropout", DROPOUT_FN_PARAMS), 6);

/** The options object of {@link Dropout}. */
export type DropoutLayerOptions = OptionsOf<typeof DROPOUT_PARAMS>;

/** The options object of {@link dropout}. */
export type DropoutFunctionalOptions = OptionsOf<typeof DROPOUT_FN_PARAMS>;

/**
 * Dropout (`tf.layers.Dropout`): when training, `tf.nn.dropout` with `rate` (ops under
 * `dropout/dropout/`); otherwise `Identity` (`dropout/Identity`).
 *
 * @example
 * ```ts
 * const isTraining = tf.placeholderWithDefault(false, []);
 * const layer = new tf.layers.Dropout({ rate: 0.3 });
 * const y = layer.apply(tf.ones([2, 2]), { training: isTraining });
 * using sess = new tf.Session();
 * sess.run(y); // ==> [[1. 1.]
 *              //      [1. 1.]]
 * ```
 */
export class Dropout extends Layer {
  static override readonly className: string | undefined = "Dropout";
  readonly rate: number;
  readonly noiseShape: ShapeLike | TensorLike | null;
  readonly seed: number | null;

  constructor(...args: CallArgs<typeof DROPOUT_PARAMS>) {
    const options = DROPOUT_P.parse(args);
    super({
      trainable: options.trainable,
      name: options.name,
      dtype: options.dtype,
      scope: options.scope,
      reuse: options.reuse,
    });
    const rate = options.rate ?? 0.5;
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new ValueError(
        `Invalid value received for \`rate\`, expected a value between 0 and 1, got: ${String(rate)}`,
      );
    }
    this.rate = rate;
    this.noiseShape = options.noiseShape ?? null;
    this.seed = options.seed ?? null;
  }

  protected call(inputs: Tensor, options: ApplyOptions): Tensor {
    return smartCond(
      options.training ?? false,
      () => nnDropout(inputs, { rate: this.rate, noiseShape: this.noiseShape, seed: this.seed }),
      () => identity(inputs),
    );
  }
}

declare(Dropout, DROPOUT_P);

/**
 * Dropout (`tf.layers.dropout`): `training` is `false` by default, which returns the input
 * (through an `Identity` op); `training: true` drops a fraction `rate` of the inputs and
 * scales the rest by `1 / (1 - rate)`. Layers are named `dropout`, `dropout_1`, … (or
 * `name`, made unique the same way).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 3]);
 * const training = tf.placeholderWithDefault(false, []);
 * const h = tf.layers.dropout(x, { rate: 0.5, training });
 * h.shape.toString(); // ==> (?, 3)
 * ```
 */
export const dropout = declare((...args: CallArgs<typeof DROPOUT_FN_PARAMS>): Tensor => {
  const { inputs, training, ...layerOptions } = DROPOUT_FN_P.parse(args);
  return applyFunctional(inputs, () => new Dropout(layerOptions), {
    training: training ?? false,
  });
}, DROPOUT_FN_P);
