import { ValueError } from "../errors.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import type { ShapeLike } from "../graph/tensor_shape.js";
import { identity } from "../ops/math/unary.js";
import { dropout as nnDropout } from "../ops/nn/dropout.js";
import { applyFunctional, Layer, type ApplyOptions, type LayerOptions } from "./base.js";
import { smartCond } from "./smart_cond.js";

/** Options of {@link Dropout}. */
export interface DropoutLayerOptions extends Omit<LayerOptions, "scope"> {
  /** The fraction of inputs dropped when training (default 0.5). */
  rate?: number;
  /** The shape of the keep/drop mask, broadcast against the input (`[batch, 1, features]`). */
  noiseShape?: ShapeLike | null;
  /** The op seed of the random mask. */
  seed?: number | null;
}

/** Options of {@link dropout}. */
export interface DropoutFunctionalOptions extends DropoutLayerOptions {
  /**
   * Drop (`true`) or pass the input through (`false`, the default); a bool scalar tensor
   * (a placeholder) decides when the graph runs.
   */
  training?: boolean | TensorLike;
}

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
  static override readonly layerName: string | undefined = "dropout";
  readonly rate: number;
  readonly noiseShape: ShapeLike | null;
  readonly seed: number | null;

  constructor(options: DropoutLayerOptions = {}) {
    super(options);
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
export function dropout(inputs: TensorLike, options: DropoutFunctionalOptions = {}): Tensor {
  const { training, ...layerOptions } = options;
  return applyFunctional(inputs, () => new Dropout(layerOptions), {
    training: training ?? false,
  });
}
