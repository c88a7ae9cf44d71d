import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import type { Dim, TensorShape } from "../graph/tensor_shape.js";
import { conv3dTranspose as nnConv3dTranspose } from "../ops/nn/conv3d.js";
import { declare, type CallArgs, type Param, type ParamList } from "../graph/call_args.js";
import type { Variable } from "../variables/variable.js";
import { applyFunctional, type ApplyOptions } from "./base.js";
import {
  Conv,
  convParamLists,
  functionalConv,
  CONV_PARAMS,
  type ConvArgs,
  type ConvParamList,
  type ConvLayerOptions,
} from "./conv_base.js";
import {
  convTransposeParamLists,
  deconvOutputLength,
  deconvOutputShape,
  type Conv2DTransposeLayerOptions,
  type ConvTransposeArgs,
  type ConvTransposeFnArgs,
} from "./conv2d_transpose.js";

/** TF 1.15's `Conv3D(filters, kernel_size, …, **kwargs)` and `conv3d(inputs, filters, …, reuse)`. */
const CONV3D = convParamLists("Conv3D", "conv3d");

/** The options object of {@link Conv3D}. */
export type Conv3DLayerOptions = ConvLayerOptions;

/** A 5-value attr of the 3 spatial values `v`, for `channels_first` or last. */
function attr5(v: readonly number[], first: boolean): number[] {
  return first ? [1, 1, ...v] : [1, ...v, 1];
}

/**
 * A 3-D convolution layer (`tf.layers.Conv3D`), for volumes and videos: variables `kernel`
 * (`[kd, kh, kw, inChannels, filters]`) and `bias` (`[filters]`), ops `Conv3D`, `BiasAdd`
 * and the activation's in the layer's name scope.
 *
 * @example
 * ```ts
 * const clips = tf.placeholder(tf.float32, [null, 8, 32, 32, 3]);
 * const conv = new tf.layers.Conv3D(16, 3, { padding: "same", activation: tf.nn.relu });
 * const y = conv.apply(clips);
 * y.name; // ==> conv3d/Relu:0
 * conv.kernel.shape.toString(); // ==> (3, 3, 3, 3, 16)
 * ```
 */
export class Conv3D extends Conv {
  static override readonly className: string | undefined = "Conv3D";
  declare readonly kernelSize: [number, number, number];
  declare readonly strides: [number, number, number];
  declare readonly padding: "valid" | "same";
  declare readonly dilationRate: [number, number, number];

  /** The parameter list `new` parses (`Conv3DTranspose` takes no `dilation_rate`). */
  protected static readonly params: ConvParamList = CONV3D.layer;

  constructor(...args: CallArgs<typeof CONV_PARAMS>) {
    const P = (new.target as typeof Conv3D).params;
    super(3, P.parse(args) as ConvArgs);
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    return this.biasAndActivation(this.convolution(inputs)(inputs));
  }
}

declare(Conv3D, CONV3D.layer);

/**
 * The functional form of {@link Conv3D} (`tf.layers.conv3d`): `name` also names the
 * variable scope (`conv3d`, `conv3d_1`, … without one), and `reuse: true` shares the
 * variables of an earlier layer of the same name.
 *
 * @example
 * ```ts
 * const clips = tf.placeholder(tf.float32, [null, 8, 32, 32, 3]);
 * const h = tf.layers.conv3d(clips, 16, [3, 5, 5], { strides: 2, padding: "same" });
 * h.name; // ==> conv3d/BiasAdd:0
 * h.shape.toString(); // ==> (?, 4, 16, 16, 16)
 * ```
 */
export const conv3d = functionalConv(CONV3D.fn, (options) => new Conv3D(options));

/** TF 1.15's `Conv3DTranspose(filters, kernel_size, strides, …)` and `conv3d_transpose`. */
const CONV3D_T = convTransposeParamLists("Conv3DTranspose", "conv3d_transpose");

/** The options object of {@link Conv3DTranspose}. */
export type Conv3DTransposeLayerOptions = Conv2DTransposeLayerOptions;

/**
 * A transposed 3-D convolution layer (`tf.layers.Conv3DTranspose`): variables `kernel`
 * (`[kd, kh, kw, filters, inChannels]`) and `bias` (`[filters]`); each output size is
 * `in * stride` (`"same"`) or `in * stride + max(kernel - stride, 0)` (`"valid"`), from the
 * input's dynamic shape as in TensorFlow.
 *
 * @example
 * ```ts
 * const z = tf.placeholder(tf.float32, [null, 2, 4, 4, 16]);
 * const up = new tf.layers.Conv3DTranspose(8, 3, { strides: 2, padding: "same" });
 * up.apply(z).shape.toString(); // ==> (?, 4, 8, 8, 8)
 * up.kernel.shape.toString(); // ==> (3, 3, 3, 8, 16)
 * ```
 */
export class Conv3DTranspose extends Conv3D {
  static override readonly className: string | undefined = "Conv3DTranspose";
  protected static override readonly params: ParamList<readonly Param[]> = CONV3D_T.layer;

  constructor(...args: ConvTransposeArgs) {
    // Conv3D's constructor parses `args` with this class's own `params`.
    super(...(args as unknown as ConstructorParameters<typeof Conv3D>));
  }

  /** `[kd, kh, kw, filters, inChannels]`: the filter of the convolution this one transposes. */
  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, this.filters, channels];
  }

  protected override build(inputShape: TensorShape): void {
    if (inputShape.rank !== null && inputShape.rank !== 5) {
      // TF raises ValueError with two arguments, printed as their tuple.
      throw new ValueError(
        `('Inputs should have rank 5, received input shape:', '${inputShape.toString()}')`,
      );
    }
    super.build(inputShape);
  }

  protected override call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const first = this.dataFormat === "channels_first";
    const outputs = nnConv3dTranspose(
      inputs,
      this.kernel as Variable,
      deconvOutputShape(inputs, this),
      attr5(this.strides, first),
      {
        dataFormat: first ? "NCDHW" : "NDHWC",
        padding: this.padding === "same" ? "SAME" : "VALID",
      },
    );
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

declare(Conv3DTranspose, CONV3D_T.layer);

/**
 * The functional form of {@link Conv3DTranspose} (`tf.layers.conv3d_transpose`).
 *
 * @example
 * ```ts
 * const z = tf.placeholder(tf.float32, [null, 2, 4, 4, 16]);
 * const y = tf.layers.conv3dTranspose(z, 4, 2, { strides: 2 });
 * y.name; // ==> conv3d_transpose/BiasAdd:0
 * y.shape.toString(); // ==> (?, 4, 8, 8, 4)
 * ```
 */
export const conv3dTranspose = declare((...args: ConvTransposeFnArgs): Tensor => {
  const { inputs, reuse, ...a } = CONV3D_T.fn.parse(args);
  return applyFunctional(inputs, () => new Conv3DTranspose({ ...a, scope: a.name ?? null, reuse }));
}, CONV3D_T.fn);
