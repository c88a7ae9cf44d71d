import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import type { Dim, TensorShape } from "../graph/tensor_shape.js";
import { shape as shapeOp } from "../ops/array/shape.js";
import { stack } from "../ops/array/stack.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { pythonOperator } from "../ops/math/operators.js";
import { conv2dTranspose as nnConv2dTranspose } from "../ops/nn/conv_transpose.js";
import {
  declare,
  defineParams,
  keywordOnlyAfter,
  opt,
  req,
  tensorKind,
  type CallArgs,
  type OptionsOf,
  type Param,
  type ParamList,
} from "../graph/call_args.js";
import type { Variable } from "../variables/variable.js";
import {
  applyFunctional,
  KERNEL_LAYER_ARGS,
  LAYER_KWARGS,
  reuseKind,
  type ApplyOptions,
} from "./base.js";
import { Conv2D } from "./conv2d.js";
import { CONV_SHAPE_ARGS, type ConvBase } from "./conv_base.js";

/**
 * What `tf.layers.Conv2DTranspose` and `tf.layers.conv2dTranspose` share, in TF 1.15's
 * order (no `dilation_rate`, which TF's v1 layer does not take).
 */
const CONV2D_T_ARGS = [...CONV_SHAPE_ARGS, ...KERNEL_LAYER_ARGS] as const;

/** TF 1.15's `Conv2DTranspose(filters, kernel_size, strides, …, trainable, name, **kwargs)`. */
const CONV2D_T_PARAMS = [...CONV2D_T_ARGS, ...LAYER_KWARGS] as const;

/** TF 1.15's `conv2d_transpose(inputs, filters, kernel_size, …, trainable, name, reuse)`. */
const CONV2D_T_FN_PARAMS = [
  req("inputs", tensorKind),
  ...CONV2D_T_ARGS,
  opt("reuse", reuseKind),
] as const;

/**
 * TF 1.15's parameter lists of the transposed convolution class `layers.<className>`
 * (keyword-only after its own arguments) and of its functional form `layers.<fnName>`.
 */
export function convTransposeParamLists(
  className: string,
  fnName: string,
): {
  layer: ParamList<typeof CONV2D_T_PARAMS>;
  fn: ParamList<typeof CONV2D_T_FN_PARAMS>;
} {
  return {
    layer: keywordOnlyAfter(
      defineParams(`layers.${className}`, CONV2D_T_PARAMS),
      CONV2D_T_ARGS.length,
    ),
    fn: defineParams(`layers.${fnName}`, CONV2D_T_FN_PARAMS),
  };
}

const CONV2D_T = convTransposeParamLists("Conv2DTranspose", "conv2d_transpose");
const CONV2D_T_P = CONV2D_T.layer;
const CONV2D_T_FN_P = CONV2D_T.fn;

/** The arguments `new Conv2DTranspose(…)` and `new Conv3DTranspose(…)` take. */
export type ConvTransposeArgs = CallArgs<typeof CONV2D_T_PARAMS>;

/** The arguments `layers.conv2dTranspose(…)` and `layers.conv3dTranspose(…)` take. */
export type ConvTransposeFnArgs = CallArgs<typeof CONV2D_T_FN_PARAMS>;

/** The options object of {@link Conv2DTranspose}. */
export type Conv2DTransposeLayerOptions = OptionsOf<typeof CONV2D_T_PARAMS>;

/** `conv_utils.deconv_output_length` (no output padding) on a static size. */
export function deconvOutputLength(
  input: Dim,
  filter: number,
  padding: "valid" | "same",
  stride: number,
): Dim {
  if (input === null) return null;
  return padding === "valid" ? input * stride + Math.max(filter - stride, 0) : input * stride;
}

/**
 * The output shape of a transposed convolution layer, from the input's dynamic shape as
 * Keras computes it (so any batch size works): `[batch, ...lengths, filters]` (or
 * channels first), each length `in * stride` (`"same"`) or `in * stride + max(kernel -
 * stride, 0)` (`"valid"`).
 */
export function deconvOutputShape(inputs: Tensor, layer: ConvBase): Tensor {
  const first = layer.dataFormat === "channels_first";
  const inputsShape = shapeOp(inputs);
  const batchSize = sliceHelper(inputsShape, [0]);
  const sizes = layer.kernelSize.map((_, i) => sliceHelper(inputsShape, [first ? i + 2 : i + 1]));
  const lengths = sizes.map((size, i) => {
    const stride = layer.strides[i] as number;
    const grown = pythonOperator("mul", size, stride);
    if (layer.padding === "same") return grown;
    return pythonOperator("add", grown, Math.max((layer.kernelSize[i] as number) - stride, 0));
  });
  return stack(
    first ? [batchSize, layer.filters, ...lengths] : [batchSize, ...lengths, layer.filters],
  );
}

/**
 * A transposed 2-D convolution layer (`tf.layers.Conv2DTranspose`, "deconvolution"):
 * variables `kernel` (`[kh, kw, filters, inChannels]`) and `bias` (`[filters]`); the output
 * size is `in * stride` (`"same"`) or `in * stride + max(kernel - stride, 0)` (`"valid"`),
 * computed from the input's dynamic shape as in TensorFlow.
 *
 * @example
 * ```ts
 * const z = tf.placeholder(tf.float32, [null, 4, 4, 16]);
 * const deconv = new tf.layers.Conv2DTranspose(8, 5, { strides: 2, padding: "same" });
 * const y = deconv.apply(z);
 * y.shape.toString(); // ==> (?, 8, 8, 8)
 * deconv.kernel.name; // ==> conv2d_transpose/kernel:0
 * deconv.kernel.shape.toString(); // ==> (5, 5, 8, 16)
 * ```
 */
export class Conv2DTranspose extends Conv2D {
  static override readonly className: string | undefined = "Conv2DTranspose";
  protected static override readonly params: ParamList<readonly Param[]> = CONV2D_T_P;

  constructor(...args: CallArgs<typeof CONV2D_T_PARAMS>) {
    // Conv2D's constructor parses `args` with this class's own `params`.
    super(...(args as unknown as ConstructorParameters<typeof Conv2D>));
  }

  /** `[kh, kw, filters, inChannels]`: the filter of the convolution this one transposes. */
  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, this.filters, channels];
  }

  protected override build(inputShape: TensorShape): void {
    if (inputShape.rank !== null && inputShape.rank !== 4) {
      throw new ValueError(
        `Inputs should have rank 4. Received input shape: ${inputShape.toString()}`,
      );
    }
    super.build(inputShape);
  }

  protected override call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const nchw = this.dataFormat === "channels_first";
    const outputShape = deconvOutputShape(inputs, this);
    const [sh, sw] = this.strides;
    const outputs = nnConv2dTranspose(inputs, this.kernel as Variable, outputShape, {
      strides: nchw ? [1, 1, sh, sw] : [1, sh, sw, 1],
      padding: this.padding === "same" ? "SAME" : "VALID",
      dataFormat: nchw ? "NCHW" : "NHWC",
    });
    outputs.setShape(this.computeOutputShape(inputs.shape));
    return this.biasAndActivation(outputs);
  }

  protected override spatialOutputLength(input: Dim, i: number): Dim {
    return deconvOutputLength(
      input,
      this.kernelSize[i] as number,
      this.padding,
      this.strides[i] as number,
    );
  }
}

declare(Conv2DTranspose, CONV2D_T_P);

/**
 * The functional form of {@link Conv2DTranspose} (`tf.layers.conv2d_transpose`): `name`
 * also names the variable scope (`conv2d_transpose`, `conv2d_transpose_1`, … without one),
 * and `reuse: true` shares the variables of an earlier layer of the same name.
 *
 * @example
 * ```ts
 * const z = tf.placeholder(tf.float32, [null, 7, 7, 32]);
 * const g = tf.layers.conv2dTranspose(z, 1, [5, 5], { strides: [2, 2], padding: "same", activation: tf.nn.tanh });
 * g.name; // ==> conv2d_transpose/Tanh:0
 * g.shape.toString(); // ==> (?, 14, 14, 1)
 * ```
 */
export const conv2dTranspose = declare((...args: CallArgs<typeof CONV2D_T_FN_PARAMS>): Tensor => {
  const { inputs, reuse, ...a } = CONV2D_T_FN_P.parse(args);
  return applyFunctional(inputs, () => new Conv2DTranspose({ ...a, scope: a.name ?? null, reuse }));
}, CONV2D_T_FN_P);
