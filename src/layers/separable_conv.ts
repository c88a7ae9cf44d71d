import type { DType } from "../graph/dtypes.js";
import type { Tensor } from "../graph/tensor.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { squeeze } from "../ops/array/squeeze.js";
import { separableConv2d as nnSeparableConv2d } from "../ops/nn/separable_conv.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import {
  booleanKind,
  declare,
  defineParams,
  intKind,
  keywordOnlyAfter,
  opt,
  optNullable,
  req,
  tensorKind,
  type ArgsOf,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import type { Variable } from "../variables/variable.js";
import {
  applyFunctional,
  constraintKind,
  initializerKind,
  intOrIntsKind,
  LAYER_KWARGS,
  layerNameKind,
  regularizerKind,
  reuseKind,
  type ApplyOptions,
} from "./base.js";
import { activationKind } from "./activations.js";
import { CONV_SHAPE_ARGS, ConvBase } from "./conv_base.js";

/**
 * What the separable convolution layers share, in TF 1.15's order: `filters`, `kernelSize`,
 * `strides`, `padding`, `dataFormat`, `dilationRate`, `depthMultiplier` (1), the
 * activation and bias, and the depthwise and pointwise kernels' and the bias's
 * initializers, regularizers and constraints.
 */
const SEPARABLE_ARGS = [
  ...CONV_SHAPE_ARGS,
  opt("dilationRate", intOrIntsKind),
  opt("depthMultiplier", intKind),
  opt("activation", activationKind),
  opt("useBias", booleanKind),
  opt("depthwiseInitializer", initializerKind),
  opt("pointwiseInitializer", initializerKind),
  optNullable("biasInitializer", initializerKind),
  opt("depthwiseRegularizer", regularizerKind),
  opt("pointwiseRegularizer", regularizerKind),
  opt("biasRegularizer", regularizerKind),
  opt("activityRegularizer", regularizerKind),
  opt("depthwiseConstraint", constraintKind),
  opt("pointwiseConstraint", constraintKind),
  opt("biasConstraint", constraintKind),
  opt("trainable", booleanKind),
  opt("name", layerNameKind),
] as const;

const SEPARABLE_PARAMS = [...SEPARABLE_ARGS, ...LAYER_KWARGS] as const;
const SEPARABLE_FN_PARAMS = [
  req("inputs", tensorKind),
  ...SEPARABLE_ARGS,
  opt("reuse", reuseKind),
] as const;

/** TF 1.15's `SeparableConv2D(filters, kernel_size, strides, …, trainable, name, **kwargs)`. */
const SEPARABLE2D_P = keywordOnlyAfter(
  defineParams("layers.SeparableConv2D", SEPARABLE_PARAMS),
  SEPARABLE_ARGS.length,
);
/** TF 1.15's `SeparableConv1D(filters, kernel_size, strides, …, trainable, name, **kwargs)`. */
const SEPARABLE1D_P = keywordOnlyAfter(
  defineParams("layers.SeparableConv1D", SEPARABLE_PARAMS),
  SEPARABLE_ARGS.length,
);
const SEPARABLE2D_FN_P = defineParams("layers.separable_conv2d", SEPARABLE_FN_PARAMS);
const SEPARABLE1D_FN_P = defineParams("layers.separable_conv1d", SEPARABLE_FN_PARAMS);

/** The options object of {@link SeparableConv2D} and {@link SeparableConv1D}. */
export type SeparableConvLayerOptions = OptionsOf<typeof SEPARABLE_PARAMS>;

/**
 * The separable convolutions of rank 1 and 2 (Keras's `SeparableConv`): variables
 * `depthwise_kernel` (`[...kernelSize, inChannels, depthMultiplier]`), `pointwise_kernel`
 * (`[1, ..., inChannels * depthMultiplier, filters]`) and `bias` (`[filters]`).
 */
abstract class SeparableConv extends ConvBase {
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: Initializer | InitializerFunction | null;
  readonly pointwiseInitializer: Initializer | InitializerFunction | null;
  readonly depthwiseRegularizer: Regularizer | null;
  readonly pointwiseRegularizer: Regularizer | null;
  readonly depthwiseConstraint: Constraint | null;
  readonly pointwiseConstraint: Constraint | null;
  /** The depthwise filter, once built. */
  depthwiseKernel: Variable | null = null;
  /** The 1×1 filter mixing channels, once built. */
  pointwiseKernel: Variable | null = null;

  protected constructor(rank: number, a: ArgsOf<typeof SEPARABLE_PARAMS>) {
    super(rank, a);
    this.depthMultiplier = a.depthMultiplier ?? 1;
    this.depthwiseInitializer = a.depthwiseInitializer ?? null;
    this.pointwiseInitializer = a.pointwiseInitializer ?? null;
    this.depthwiseRegularizer = a.depthwiseRegularizer ?? null;
    this.pointwiseRegularizer = a.pointwiseRegularizer ?? null;
    this.depthwiseConstraint = a.depthwiseConstraint ?? null;
    this.pointwiseConstraint = a.pointwiseConstraint ?? null;
  }

  protected buildKernels(channels: number, dtype: DType): void {
    this.depthwiseKernel = this.addWeight(
      "depthwise_kernel",
      [...this.kernelSize, channels, this.depthMultiplier],
      {
        initializer: this.depthwiseInitializer,
        regularizer: this.depthwiseRegularizer,
        constraint: this.depthwiseConstraint,
        dtype,
      },
    );
    this.pointwiseKernel = this.addWeight(
      "pointwise_kernel",
      [...new Array<number>(this.rank).fill(1), this.depthMultiplier * channels, this.filters],
      {
        initializer: this.pointwiseInitializer,
        regularizer: this.pointwiseRegularizer,
        constraint: this.pointwiseConstraint,
        dtype,
      },
    );
  }
}

/**
 * A depthwise separable 2-D convolution layer (`tf.layers.SeparableConv2D`, MobileNet's
 * and Xception's): `tf.nn.separable_conv2d` by `depthwise_kernel` and `pointwise_kernel`,
 * then `BiasAdd` and the activation, in the layer's name scope.
 *
 * @example
 * ```ts
 * const images = tf.placeholder(tf.float32, [null, 32, 32, 16]);
 * const conv = new tf.layers.SeparableConv2D(32, 3, { padding: "same", depthMultiplier: 2 });
 * conv.apply(images).shape.toString(); // ==> (?, 32, 32, 32)
 * conv.depthwiseKernel.name; // ==> separable_conv2d/depthwise_kernel:0
 * conv.pointwiseKernel.shape.toString(); // ==> (1, 1, 32, 32)
 * ```
 */
export class SeparableConv2D extends SeparableConv {
  static override readonly className: string | undefined = "SeparableConv2D";

  constructor(...args: CallArgs<typeof SEPARABLE_PARAMS>) {
    super(2, SEPARABLE2D_P.parse(args));
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const nchw = this.dataFormat === "channels_first";
    const [sh, sw] = this.strides as [number, number];
    const outputs = nnSeparableConv2d(
      inputs,
      this.depthwiseKernel as Variable,
      this.pointwiseKernel as Variable,
      nchw ? [1, 1, sh, sw] : [1, sh, sw, 1],
      this.padding === "same" ? "SAME" : "VALID",
      { rate: this.dilationRate, dataFormat: nchw ? "NCHW" : "NHWC" },
    );
    return this.biasAndActivation(outputs);
  }
}

declare(SeparableConv2D, SEPARABLE2D_P);

/**
 * A depthwise separable 1-D convolution layer (`tf.layers.SeparableConv1D`): the input and
 * kernels get a height of 1 (`ExpandDims`) for `tf.nn.separable_conv2d`, and the output
 * loses it (`Squeeze`) after `BiasAdd`; `padding: "causal"` pads the sequence's start.
 *
 * @example
 * ```ts
 * const seq = tf.placeholder(tf.float32, [null, 20, 4]);
 * const conv = new tf.layers.SeparableConv1D(8, 3, { padding: "same" });
 * conv.apply(seq).shape.toString(); // ==> (?, 20, 8)
 * conv.depthwiseKernel.shape.toString(); // ==> (3, 4, 1)
 * ```
 */
export class SeparableConv1D extends SeparableConv {
  static override readonly className: string | undefined = "SeparableConv1D";

  constructor(...args: CallArgs<typeof SEPARABLE_PARAMS>) {
    super(1, SEPARABLE1D_P.parse(args));
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const ncw = this.dataFormat === "channels_first";
    const s = this.strides[0] as number;
    const spatialStart = ncw ? 2 : 1;
    const x = expandDims(this.causalPad(inputs), spatialStart);
    const depthwise = expandDims(this.depthwiseKernel as Variable, 0);
    const pointwise = expandDims(this.pointwiseKernel as Variable, 0);
    const outputs = nnSeparableConv2d(
      x,
      depthwise,
      pointwise,
      ncw ? [1, 1, s, s] : [1, s, s, 1],
      // "causal" is "valid" on the padded inputs.
      this.padding === "same" ? "SAME" : "VALID",
      { rate: [1, this.dilationRate[0] as number], dataFormat: ncw ? "NCHW" : "NHWC" },
    );
    // The bias goes on before the height of 1 is squeezed out, as in TF.
    return this.activate(squeeze(this.addBias(outputs), [spatialStart]));
  }
}

declare(SeparableConv1D, SEPARABLE1D_P);

/**
 * The functional form of {@link SeparableConv2D} (`tf.layers.separable_conv2d`): `name`
 * also names the variable scope, and `reuse: true` shares an earlier layer's variables.
 *
 * @example
 * ```ts
 * const images = tf.placeholder(tf.float32, [null, 28, 28, 8]);
 * const h = tf.layers.separableConv2d(images, 16, 3, { strides: 2, activation: tf.nn.relu });
 * h.name; // ==> separable_conv2d/Relu:0
 * h.shape.toString(); // ==> (?, 13, 13, 16)
 * ```
 */
export const separableConv2d = declare((...args: CallArgs<typeof SEPARABLE_FN_PARAMS>): Tensor => {
  const { inputs, reuse, ...a } = SEPARABLE2D_FN_P.parse(args);
  return applyFunctional(inputs, () => new SeparableConv2D({ ...a, scope: a.name ?? null, reuse }));
}, SEPARABLE2D_FN_P);

/**
 * The functional form of {@link SeparableConv1D} (`tf.layers.separable_conv1d`).
 *
 * @example
 * ```ts
 * const seq = tf.placeholder(tf.float32, [null, 30, 6]);
 * tf.layers.separableConv1d(seq, 12, 5).shape.toString(); // ==> (?, 26, 12)
 * ```
 */
export const separableConv1d = declare((...args: CallArgs<typeof SEPARABLE_FN_PARAMS>): Tensor => {
  const { inputs, reuse, ...a } = SEPARABLE1D_FN_P.parse(args);
  return applyFunctional(inputs, () => new SeparableConv1D({ ...a, scope: a.name ?? null, reuse }));
}, SEPARABLE1D_FN_P);
