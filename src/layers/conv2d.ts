import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type Dim, type ShapeLike } from "../graph/tensor_shape.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import { conv2d as nnConv2d } from "../ops/nn/conv.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import {
  declare,
  defineParams,
  keywordOnlyAfter,
  numberKind,
  opt,
  req,
  stringKind,
  tensorKind,
  type ArgsOf,
  type CallArgs,
  type OptionsOf,
  type Param,
  type ParamList,
} from "../graph/call_args.js";
import type { Variable } from "../variables/variable.js";
import {
  applyFunctional,
  dimAt,
  InputSpec,
  intOrIntsKind,
  Layer,
  KERNEL_LAYER_ARGS,
  LAYER_KWARGS,
  normalizeDataFormat,
  normalizePadding,
  normalizeTuple,
  reuseKind,
  type ApplyOptions,
} from "./base.js";
import { getActivation } from "./activations.js";

/**
 * What `tf.layers.Conv2D` and `tf.layers.conv2d` share, in TF 1.15's order: `filters`,
 * `kernelSize` (an int or `[height, width]`), `strides` (1), `padding` (`"valid"` or
 * `"same"`, any case), `dataFormat` (`"channels_last"` or `"channels_first"`),
 * `dilationRate` (1), `activation`, `useBias`, and the kernel's and bias's initializers,
 * regularizers and constraints.
 */
const CONV2D_ARGS = [
  req("filters", numberKind),
  req("kernelSize", intOrIntsKind),
  opt("strides", intOrIntsKind),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("dilationRate", intOrIntsKind),
  ...KERNEL_LAYER_ARGS,
] as const;

/** TF 1.15's `Conv2D(filters, kernel_size, strides, …, trainable, name, **kwargs)`. */
const CONV2D_PARAMS = [...CONV2D_ARGS, ...LAYER_KWARGS] as const;
const CONV2D_P = keywordOnlyAfter(defineParams("layers.Conv2D", CONV2D_PARAMS), CONV2D_ARGS.length);

/** TF 1.15's `conv2d(inputs, filters, kernel_size, strides, …, trainable, name, reuse)`. */
const CONV2D_FN_PARAMS = [
  req("inputs", tensorKind),
  ...CONV2D_ARGS,
  opt("reuse", reuseKind),
] as const;
const CONV2D_FN_P = defineParams("layers.conv2d", CONV2D_FN_PARAMS);

/** The options object of {@link Conv2D}. */
export type Conv2DLayerOptions = OptionsOf<typeof CONV2D_PARAMS>;

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
export class Conv2D extends Layer {
  static override readonly className: string | undefined = "Conv2D";
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: "valid" | "same";
  readonly dataFormat: "channels_last" | "channels_first";
  readonly dilationRate: [number, number];
  readonly activation: ((x: Tensor) => Tensor) | null;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer | InitializerFunction | null;
  readonly biasInitializer: Initializer | InitializerFunction | null;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  /** The filter, once built. */
  kernel: Variable | null = null;
  /** The bias, once built (`null` without `useBias`). */
  bias: Variable | null = null;

  /**
   * The parameter list `new` parses: each subclass's own, as TF's `Conv2DTranspose` (which
   * extends `Conv2D`) takes no `dilation_rate`.
   */
  protected static readonly params: ParamList<readonly Param[]> = CONV2D_P;

  constructor(...args: CallArgs<typeof CONV2D_PARAMS>) {
    const P = (new.target as typeof Conv2D).params;
    const a = P.parse(args) as ArgsOf<typeof CONV2D_PARAMS>;
    // Checked before the layer takes its name, so that bad arguments leave the graph as it was.
    const activation = getActivation(a.activation);
    const filters = a.filters;
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new ValueError(`filters must be a positive integer, got ${String(filters)}`);
    }
    const kernelSize = normalizeTuple(a.kernelSize, 2, "kernel_size") as [number, number];
    const strides = normalizeTuple(a.strides ?? 1, 2, "strides") as [number, number];
    const padding = normalizePadding(a.padding);
    const dataFormat = normalizeDataFormat(a.dataFormat);
    const dilationRate = normalizeTuple(a.dilationRate ?? 1, 2, "dilation_rate") as [
      number,
      number,
    ];
    super({
      trainable: a.trainable,
      name: a.name,
      dtype: a.dtype,
      activityRegularizer: a.activityRegularizer,
      scope: a.scope,
      reuse: a.reuse,
    });
    this.filters = filters;
    this.kernelSize = kernelSize;
    this.strides = strides;
    this.padding = padding;
    this.dataFormat = dataFormat;
    this.dilationRate = dilationRate;
    this.activation = activation;
    this.useBias = a.useBias ?? true;
    this.kernelInitializer = a.kernelInitializer ?? null;
    // `biasInitializer: null` (Python's None) is the variable scope's initializer.
    this.biasInitializer = a.biasInitializer === undefined ? zerosInitializer() : a.biasInitializer;
    this.kernelRegularizer = a.kernelRegularizer ?? null;
    this.biasRegularizer = a.biasRegularizer ?? null;
    this.kernelConstraint = a.kernelConstraint ?? null;
    this.biasConstraint = a.biasConstraint ?? null;
    this.inputSpec = new InputSpec({ ndim: 4 });
  }

  protected get channelAxis(): number {
    return this.dataFormat === "channels_first" ? 1 : -1;
  }

  /** The filter's shape for `channels` input channels: `[kh, kw, in, filters]`. */
  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, this.filters];
  }

  protected override build(inputShape: TensorShape): void {
    const channels = dimAt(inputShape, this.channelAxis);
    if (channels === null) {
      throw new ValueError("The channel dimension of the inputs should be defined. Found `None`.");
    }
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new ValueError("strides > 1 not supported in conjunction with dilation_rate > 1");
    }
    const dtype = this.dtype ?? "float32";
    this.kernel = this.addWeight("kernel", this.kernelShape(channels), {
      initializer: this.kernelInitializer,
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
      dtype,
    });
    if (this.useBias) {
      this.bias = this.addWeight("bias", [this.filters], {
        initializer: this.biasInitializer,
        regularizer: this.biasRegularizer,
        constraint: this.biasConstraint,
        dtype,
      });
    }
    this.inputSpec = new InputSpec({ ndim: 4, axes: { [this.channelAxis]: channels } });
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const nchw = this.dataFormat === "channels_first";
    const [sh, sw] = this.strides;
    const [dh, dw] = this.dilationRate;
    const outputs = nnConv2d(inputs, this.kernel as Variable, {
      strides: nchw ? [1, 1, sh, sw] : [1, sh, sw, 1],
      padding: this.padding === "same" ? "SAME" : "VALID",
      dilations: nchw ? [1, 1, dh, dw] : [1, dh, dw, 1],
      dataFormat: nchw ? "NCHW" : "NHWC",
    });
    return this.biasAndActivation(outputs);
  }

  /** The layer's `BiasAdd` (with `useBias`) and activation after its convolution. */
  protected biasAndActivation(outputs: Tensor): Tensor {
    const nchw = this.dataFormat === "channels_first";
    if (this.bias !== null) {
      outputs = biasAdd(outputs, this.bias, { dataFormat: nchw ? "NCHW" : "NHWC" });
    }
    return this.activation === null ? outputs : this.activation(outputs);
  }

  /** The static output size along spatial axis `i` (height 0, width 1). */
  protected spatialOutputLength(input: Dim, i: number): Dim {
    return convOutputLength(
      input,
      this.kernelSize[i] as number,
      this.padding,
      this.strides[i] as number,
      this.dilationRate[i] as number,
    );
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const dims = fourDims(inputShape);
    const nchw = this.dataFormat === "channels_first";
    const spatial = (nchw ? [dims[2], dims[3]] : [dims[1], dims[2]]).map((d, i) =>
      this.spatialOutputLength(d ?? null, i),
    );
    return new TensorShape(
      nchw
        ? [dims[0] ?? null, this.filters, ...spatial]
        : [dims[0] ?? null, ...spatial, this.filters],
    );
  }
}

declare(Conv2D, CONV2D_P);

/** The dims of a 4-D shape (unknown rank: four unknown dims). */
export function fourDims(inputShape: ShapeLike): Dim[] {
  const shape = TensorShape.from(inputShape);
  if (shape.dims === null) return [null, null, null, null];
  if (shape.dims.length !== 4) {
    throw new ValueError(`Shape ${shape.toString()} must have rank 4`);
  }
  return shape.dims.slice();
}

/** `conv_utils.conv_output_length`. */
export function convOutputLength(
  input: Dim,
  filter: number,
  padding: "valid" | "same",
  stride: number,
  dilation: number,
): Dim {
  if (input === null) return null;
  const dilated = filter + (filter - 1) * (dilation - 1);
  const length = padding === "same" ? input : input - dilated + 1;
  return Math.floor((length + stride - 1) / stride);
}

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
export const conv2d = declare((...args: CallArgs<typeof CONV2D_FN_PARAMS>): Tensor => {
  const { inputs, reuse, ...a } = CONV2D_FN_P.parse(args);
  return applyFunctional(inputs, () => new Conv2D({ ...a, scope: a.name ?? null, reuse }));
}, CONV2D_FN_P);
