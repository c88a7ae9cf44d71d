import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { gather } from "../ops/array/gather.js";
import { reshape } from "../ops/array/reshape.js";
import { shape as shapeOf } from "../ops/array/shape.js";
import { transpose } from "../ops/array/transpose.js";
import {
  booleanKind,
  declare,
  defineParams,
  keywordOnlyAfter,
  opt,
  req,
  stringKind,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import {
  applyFunctional,
  InputSpec,
  Layer,
  LAYER_KWARGS,
  layerNameKind,
  reuseKind,
  normalizeDataFormat,
  type ApplyOptions,
} from "./base.js";

/**
 * TF 1.15's `Flatten(data_format, **kwargs)`: `dataFormat` is `"channels_last"` (default)
 * or `"channels_first"` (then the channels are moved last first); `name` and the other
 * layer arguments by name.
 */
const FLATTEN_PARAMS = [
  opt("dataFormat", stringKind),
  opt("name", layerNameKind),
  opt("trainable", booleanKind),
  ...LAYER_KWARGS,
] as const;
const FLATTEN_P = keywordOnlyAfter(defineParams("layers.Flatten", FLATTEN_PARAMS), 1);

/** TF 1.15's `flatten(inputs, name, data_format)`. */
const FLATTEN_FN_PARAMS = [
  req("inputs", tensorKind),
  opt("name", layerNameKind),
  opt("dataFormat", stringKind),
  // Not in TF's signature: API.md gives every tf.layers function `reuse` (the layer's `_reuse`).
  opt("reuse", reuseKind),
] as const;
const FLATTEN_FN_P = keywordOnlyAfter(defineParams("layers.flatten", FLATTEN_FN_PARAMS), 3);

/** The options object of {@link Flatten}. */
export type FlattenOptions = OptionsOf<typeof FLATTEN_PARAMS>;

/**
 * Flattens each example to a vector (`tf.layers.Flatten`): `[batch, d1, d2, …]` →
 * `[batch, d1·d2·…]` by one `Reshape` in the layer's name scope (`flatten/Reshape`), to
 * `[batch, -1]` (a constant when the batch size is known, else `Shape`, `GatherV2`, and the
 * packed `Reshape/shape`).
 *
 * @example
 * ```ts
 * tf.layers.flatten(tf.placeholder(tf.float32, [null, 7, 7, 64])).shape.toString(); // ==> (?, 3136)
 * ```
 */
export class Flatten extends Layer {
  static override readonly className: string | undefined = "Flatten";
  readonly dataFormat: "channels_last" | "channels_first";

  constructor(...args: CallArgs<typeof FLATTEN_PARAMS>) {
    const options = FLATTEN_P.parse(args);
    super({
      trainable: options.trainable,
      name: options.name,
      dtype: options.dtype,
      scope: options.scope,
      reuse: options.reuse,
    });
    this.dataFormat = normalizeDataFormat(options.dataFormat);
    this.inputSpec = new InputSpec({ minNdim: 1 });
  }

  protected call(input: Tensor, _options: ApplyOptions): Tensor {
    let inputs = input;
    const rank = inputs.shape.rank;
    if (this.dataFormat === "channels_first" && rank !== null && rank > 1) {
      const perm = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
      inputs = transpose(inputs, { perm });
    }
    const batch = inputs.shape.dims?.[0] ?? null;
    const outputs =
      batch !== null && batch !== 0
        ? reshape(inputs, [batch, -1])
        : reshape(inputs, [gather(shapeOf(inputs), 0), -1]);
    outputs.setShape(this.computeOutputShape(inputs.shape));
    return outputs;
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const dims = TensorShape.from(inputShape).dims;
    if (dims === null || dims.length === 0) return new TensorShape([null, null]);
    const rest = dims.slice(1);
    const known = rest.every((d) => d !== null && d !== 0);
    const size = known ? rest.reduce<number>((a, d) => a * (d as number), 1) : null;
    return new TensorShape([dims[0] ?? null, size]);
  }
}

declare(Flatten, FLATTEN_P);

/**
 * Flattens all but the first dimension (`tf.layers.flatten`).
 *
 * @example
 * ```ts
 * const pool = tf.placeholder(tf.float32, [null, 7, 7, 64]);
 * const flat = new tf.layers.Flatten().apply(pool);
 * flat.name; // ==> flatten/Reshape:0
 * flat.shape.toString(); // ==> (?, 3136)
 * ```
 */
export const flatten = declare((...args: CallArgs<typeof FLATTEN_FN_PARAMS>): Tensor => {
  const { inputs, ...options } = FLATTEN_FN_P.parse(args);
  return applyFunctional(inputs, () => new Flatten(options));
}, FLATTEN_FN_P);
