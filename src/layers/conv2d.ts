import type { Tensor } from "../graph/tensor.js";
import { declare, type CallArgs } from "../graph/call_args.js";
import type { ApplyOptions } from "./base.js";
import {
  Conv,
  convParamLists,
  functionalConv,
  CONV_PARAMS,
  type ConvArgs,
  type ConvParamList,
  type ConvLayerOptions,
} from "./conv_base.js";

/** TF 1.15's `Conv2D(filters, kernel_size, …, **kwargs)` and `conv2d(inputs, filters, …, reuse)`. */
const CONV2D = convParamLists("Conv2D", "conv2d");

/** The options object of {@link Conv2D}. */
export type Conv2DLayerOptions = ConvLayerOptions;

/**
 * A 2-D convolution layer (`tf.layers.Conv2D`): variables `kernel`
 * (`[kh, kw, inChannels, filters]`) and `bias` (`[filters]`), ops `Conv2D`, `BiasAdd` and the
 * activation's in the layer's name scope.
 *
 * @example
 * ```ts
 * const images = tf.placeholder(tf.float32, [null, 28, 28, 1]);
 * const conv = new tf.layers.Conv2D(32, 3, { padding: "same", activation: tf.nn.relu });
 * const y = conv.apply(images);
 * y.name; // ==> conv2d/Relu:0
 * conv.kernel.shape.toString(); // ==> (3, 3, 1, 32)
 * ```
 */
export class Conv2D extends Conv {
  static override readonly className: string | undefined = "Conv2D";
  declare readonly kernelSize: [number, number];
  declare readonly strides: [number, number];
  declare readonly padding: "valid" | "same";
  declare readonly dilationRate: [number, number];

  /**
   * The parameter list `new` parses: each subclass's own, as TF's `Conv2DTranspose` (which
   * extends `Conv2D`) takes no `dilation_rate`.
   */
  protected static readonly params: ConvParamList = CONV2D.layer;

  constructor(...args: CallArgs<typeof CONV_PARAMS>) {
    const P = (new.target as typeof Conv2D).params;
    super(2, P.parse(args) as ConvArgs);
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    return this.biasAndActivation(this.convolution(inputs)(inputs));
  }
}

declare(Conv2D, CONV2D.layer);

/**
 * The functional form of {@link Conv2D} (`tf.layers.conv2d`): `name` also names the
 * variable scope (`conv2d`, `conv2d_1`, … without one), and `reuse: true` shares the
 * variables of an earlier layer of the same name.
 *
 * @example
 * ```ts
 * const images = tf.placeholder(tf.float32, [null, 32, 32, 3]);
 * const h = tf.layers.conv2d(images, 16, 3, { padding: "same", activation: tf.nn.relu });
 * h.name; // ==> conv2d/Relu:0
 * h.shape.toString(); // ==> (?, 32, 32, 16)
 * ```
 */
export const conv2d = functionalConv(CONV2D.fn, (options) => new Conv2D(options));
