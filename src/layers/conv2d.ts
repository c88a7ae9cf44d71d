import { ValueError } from "../errors.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { TensorShape, type Dim, type ShapeLike } from "../graph/tensor_shape.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import { conv2d as nnConv2d } from "../ops/nn/conv.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import type { Variable } from "../variables/variable.js";
import {
  applyFunctional,
  dimAt,
  InputSpec,
  Layer,
  normalizeDataFormat,
  normalizePadding,
  normalizeTuple,
  resolveActivation,
  type Activation,
  type ApplyOptions,
  type LayerOptions,
} from "./base.js";
import { ACTIVATIONS } from "./dense.js";

/** Options of {@link Conv2D} and {@link conv2d}. */
export interface Conv2DLayerOptions extends LayerOptions {
  /** The stride of the window: an int or `[height, width]` (default 1). */
  strides?: number | readonly number[];
  /** `"valid"` (default) or `"same"` (case-insensitive). */
  padding?: "valid" | "same" | "VALID" | "SAME";
  /** `"channels_last"` (default, NHWC) or `"channels_first"` (NCHW). */
  dataFormat?: "channels_last" | "channels_first";
  /** The dilation rate: an int or `[height, width]` (default 1). */
  dilationRate?: number | readonly number[];
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: Initializer | InitializerFunction | null;
  biasInitializer?: Initializer | InitializerFunction | null;
  kernelRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
  kernelConstraint?: Constraint | null;
  biasConstraint?: Constraint | null;
}

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
  static override readonly layerName: string | undefined = "conv2d";
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

  constructor(
    filters: number,
    kernelSize: number | readonly number[],
    options: Conv2DLayerOptions = {},
  ) {
    super(options);
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new ValueError(`filters must be a positive integer, got ${String(filters)}`);
    }
    this.filters = filters;
    this.kernelSize = normalizeTuple(kernelSize, 2, "kernel_size") as [number, number];
    this.strides = normalizeTuple(options.strides ?? 1, 2, "strides") as [number, number];
    this.padding = normalizePadding(options.padding);
    this.dataFormat = normalizeDataFormat(options.dataFormat);
    this.dilationRate = normalizeTuple(options.dilationRate ?? 1, 2, "dilation_rate") as [
      number,
      number,
    ];
    this.activation = resolveActivation(options.activation, ACTIVATIONS);
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = options.kernelInitializer ?? null;
    this.biasInitializer =
      options.biasInitializer === undefined ? zerosInitializer() : options.biasInitializer;
    this.kernelRegularizer = options.kernelRegularizer ?? null;
    this.biasRegularizer = options.biasRegularizer ?? null;
    this.kernelConstraint = options.kernelConstraint ?? null;
    this.biasConstraint = options.biasConstraint ?? null;
    this.inputSpec = new InputSpec({ ndim: 4 });
  }

  private get channelAxis(): number {
    return this.dataFormat === "channels_first" ? 1 : -1;
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
    this.kernel = this.addWeight("kernel", [...this.kernelSize, channels, this.filters], {
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
    let outputs = nnConv2d(inputs, this.kernel as Variable, {
      strides: nchw ? [1, 1, sh, sw] : [1, sh, sw, 1],
      padding: this.padding === "same" ? "SAME" : "VALID",
      dilations: nchw ? [1, 1, dh, dw] : [1, dh, dw, 1],
      dataFormat: nchw ? "NCHW" : "NHWC",
    });
    if (this.bias !== null) {
      outputs = biasAdd(outputs, this.bias, { dataFormat: nchw ? "NCHW" : "NHWC" });
    }
    return this.activation === null ? outputs : this.activation(outputs);
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const dims = fourDims(inputShape);
    const nchw = this.dataFormat === "channels_first";
    const spatial = (nchw ? [dims[2], dims[3]] : [dims[1], dims[2]]).map((d, i) =>
      convOutputLength(
        d ?? null,
        this.kernelSize[i] as number,
        this.padding,
        this.strides[i] as number,
        this.dilationRate[i] as number,
      ),
    );
    return new TensorShape(
      nchw
        ? [dims[0] ?? null, this.filters, ...spatial]
        : [dims[0] ?? null, ...spatial, this.filters],
    );
  }
}

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
export function conv2d(
  inputs: TensorLike,
  filters: number,
  kernelSize: number | readonly number[],
  options: Omit<Conv2DLayerOptions, "scope"> = {},
): Tensor {
  return applyFunctional(
    inputs,
    () => new Conv2D(filters, kernelSize, { ...options, scope: options.name ?? null }),
  );
}
