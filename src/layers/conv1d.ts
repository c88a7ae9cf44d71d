import type { Tensor } from "../graph/tensor.js";
import { declare, type CallArgs } from "../graph/call_args.js";
import type { ApplyOptions } from "./base.js";
import {
  Conv,
  convParamLists,
  functionalConv,
  CONV_PARAMS,
  type ConvLayerOptions,
} from "./conv_base.js";

/** TF 1.15's `Conv1D(filters, kernel_size, …, **kwargs)` and `conv1d(inputs, filters, …, reuse)`. */
const CONV1D = convParamLists("Conv1D", "conv1d");

/** The options object of {@link Conv1D}. */
export type Conv1DLayerOptions = ConvLayerOptions;

/**
 * A 1-D convolution layer (`tf.layers.Conv1D`, for sequences `[batch, steps, channels]`):
 * variables `kernel` (`[kernelSize, inChannels, filters]`) and `bias` (`[filters]`);
 * `tf.nn.conv1d`'s ops (`conv1d/conv1d/Squeeze`), `BiasAdd` and the activation in the
 * layer's name scope. `padding: "causal"` pads the start of the sequence (WaveNet).
 *
 * @example
 * ```ts
 * const seq = tf.placeholder(tf.float32, [null, 50, 8]);
 * const conv = new tf.layers.Conv1D(16, 3, { padding: "causal", dilationRate: 2 });
 * const y = conv.apply(seq);
 * y.shape.toString(); // ==> (?, 50, 16)
 * conv.kernel.name; // ==> conv1d/kernel:0
 * ```
 */
export class Conv1D extends Conv {
  static override readonly className: string | undefined = "Conv1D";
  declare readonly kernelSize: [number];
  declare readonly strides: [number];
  declare readonly dilationRate: [number];

  constructor(...args: CallArgs<typeof CONV_PARAMS>) {
    super(1, CONV1D.layer.parse(args));
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    // Keras makes the conv op for the unpadded shape; "causal" is "valid" on the padded inputs.
    const convolve = this.convolution(inputs);
    return this.biasAndActivation(convolve(this.causalPad(inputs)));
  }
}

declare(Conv1D, CONV1D.layer);

/**
 * The functional form of {@link Conv1D} (`tf.layers.conv1d`): `name` also names the
 * variable scope (`conv1d`, `conv1d_1`, … without one), and `reuse: true` shares the
 * variables of an earlier layer of the same name.
 *
 * @example
 * ```ts
 * const text = tf.placeholder(tf.float32, [null, 40, 32]);
 * const h = tf.layers.conv1d(text, 64, 5, { activation: tf.nn.relu });
 * h.name; // ==> conv1d/Relu:0
 * h.shape.toString(); // ==> (?, 36, 64)
 * ```
 */
export const conv1d = functionalConv(CONV1D.fn, (options) => new Conv1D(options));
