import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type Dim, type ShapeLike } from "../graph/tensor_shape.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { pad } from "../ops/array/pad.js";
import { reshape } from "../ops/array/reshape.js";
import { add } from "../ops/math/binary.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import { conv1d as nnConv1d } from "../ops/nn/conv1d.js";
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
  type CallArgs,
  type OptionsOf,
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
  normalizeTuple,
  reuseKind,
  type ApplyOptions,
} from "./base.js";
import { getActivation } from "./activations.js";

/**
 * `conv_utils.normalize_padding` of a 1-D convolution: `"valid"`, `"same"`, or `"causal"`
 * (left-padded so that no output sees a later input).
 */
export function normalizePadding1D(value: string | null | undefined): "valid" | "same" | "causal" {
  const p = (value ?? "valid").toLowerCase();
  if (p !== "valid" && p !== "same" && p !== "causal") {
    throw new ValueError(
      `The \`padding\` argument must be one of "valid", "same" (or "causal", only for \`Conv1D). Received: ${String(value)}`,
    );
  }
  return p;
}

/** `conv_utils.conv_output_length` (with `"causal"`, which keeps the length as `"same"`). */
export function convOutputLength1D(
  input: Dim,
  filter: number,
  padding: "valid" | "same" | "causal",
  stride: number,
  dilation: number,
): Dim {
  if (input === null) return null;
  const dilated = filter + (filter - 1) * (dilation - 1);
  const length = padding === "valid" ? input - dilated + 1 : input;
  return Math.floor((length + stride - 1) / stride);
}

/**
 * What `tf.layers.Conv1D` and `tf.layers.conv1d` share, in TF 1.15's order: `filters`,
 * `kernelSize`, `strides` (1), `padding` (`"valid"`, `"same"` or `"causal"`), `dataFormat`
 * (`"channels_last"` or `"channels_first"`), `dilationRate` (1), then the kernel layers'
 * activation, bias, initializers, regularizers and constraints.
 */
const CONV1D_ARGS = [
  req("filters", numberKind),
  req("kernelSize", intOrIntsKind),
  opt("strides", intOrIntsKind),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("dilationRate", intOrIntsKind),
  ...KERNEL_LAYER_ARGS,
] as const;

/** TF 1.15's `Conv1D(filters, kernel_size, strides, …, trainable, name, **kwargs)`. */
const CONV1D_PARAMS = [...CONV1D_ARGS, ...LAYER_KWARGS] as const;
const CONV1D_P = keywordOnlyAfter(defineParams("layers.Conv1D", CONV1D_PARAMS), CONV1D_ARGS.length);

/** TF 1.15's `conv1d(inputs, filters, kernel_size, strides, …, trainable, name, reuse)`. */
const CONV1D_FN_PARAMS = [
  req("inputs", tensorKind),
  ...CONV1D_ARGS,
  opt("reuse", reuseKind),
] as const;
const CONV1D_FN_P = defineParams("layers.conv1d", CONV1D_FN_PARAMS);

/** The options object of {@link Conv1D}. */
export type Conv1DLayerOptions = OptionsOf<typeof CONV1D_PARAMS>;

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
export class Conv1D extends Layer {
  static override readonly className: string | undefined = "Conv1D";
  readonly filters: number;
  readonly kernelSize: [number];
  readonly strides: [number];
  readonly padding: "valid" | "same" | "causal";
  readonly dataFormat: "channels_last" | "channels_first";
  readonly dilationRate: [number];
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

  constructor(...args: CallArgs<typeof CONV1D_PARAMS>) {
    const a = CONV1D_P.parse(args);
    // Checked before the layer takes its name, so that bad arguments leave the graph as it was.
    const activation = getActivation(a.activation);
    if (!Number.isInteger(a.filters) || a.filters <= 0) {
      throw new ValueError(`filters must be a positive integer, got ${String(a.filters)}`);
    }
    const kernelSize = normalizeTuple(a.kernelSize, 1, "kernel_size") as [number];
    const strides = normalizeTuple(a.strides ?? 1, 1, "strides") as [number];
    const padding = normalizePadding1D(a.padding);
    const dataFormat = normalizeDataFormat(a.dataFormat);
    const dilationRate = normalizeTuple(a.dilationRate ?? 1, 1, "dilation_rate") as [number];
    super({
      trainable: a.trainable,
      name: a.name,
      dtype: a.dtype,
      activityRegularizer: a.activityRegularizer,
      scope: a.scope,
      reuse: a.reuse,
    });
    this.filters = a.filters;
    this.kernelSize = kernelSize;
    this.strides = strides;
    this.padding = padding;
    this.dataFormat = dataFormat;
    this.dilationRate = dilationRate;
    this.activation = activation;
    this.useBias = a.useBias ?? true;
    this.kernelInitializer = a.kernelInitializer ?? null;
    this.biasInitializer = a.biasInitializer === undefined ? zerosInitializer() : a.biasInitializer;
    this.kernelRegularizer = a.kernelRegularizer ?? null;
    this.biasRegularizer = a.biasRegularizer ?? null;
    this.kernelConstraint = a.kernelConstraint ?? null;
    this.biasConstraint = a.biasConstraint ?? null;
    this.inputSpec = new InputSpec({ ndim: 3 });
  }

  private get channelAxis(): number {
    return this.dataFormat === "channels_first" ? 1 : -1;
  }

  protected override build(inputShape: TensorShape): void {
    const channels = dimAt(inputShape, this.channelAxis);
    if (channels === null) {
      throw new ValueError("The channel dimension of the inputs should be defined. Found `None`.");
    }
    if (this.strides[0] > 1 && this.dilationRate[0] > 1) {
      throw new ValueError("strides > 1 not supported in conjunction with dilation_rate > 1");
    }
    const dtype = this.dtype ?? "float32";
    this.kernel = this.addWeight("kernel", [this.kernelSize[0], channels, this.filters], {
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
    this.inputSpec = new InputSpec({ ndim: 3, axes: { [this.channelAxis]: channels } });
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const ncw = this.dataFormat === "channels_first";
    let padding = this.padding;
    if (padding === "causal") {
      const left = this.dilationRate[0] * (this.kernelSize[0] - 1);
      inputs = pad(
        inputs,
        ncw
          ? [
              [0, 0],
              [0, 0],
              [left, 0],
            ]
          : [
              [0, 0],
              [left, 0],
              [0, 0],
            ],
      );
      padding = "valid";
    }
    let outputs = nnConv1d(inputs, this.kernel as Variable, {
      stride: this.strides,
      padding: padding === "same" ? "SAME" : "VALID",
      dataFormat: ncw ? "NCW" : "NWC",
      dilations: this.dilationRate,
    });
    if (this.bias !== null) {
      // bias_add takes no 3-D NCHW input: Keras adds a [1, filters, 1] reshape instead.
      outputs = ncw
        ? add(outputs, reshape(this.bias, [1, this.filters, 1]))
        : biasAdd(outputs, this.bias, { dataFormat: "NHWC" });
    }
    return this.activation === null ? outputs : this.activation(outputs);
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const shape = TensorShape.from(inputShape);
    const dims = shape.dims ?? [null, null, null];
    if (dims.length !== 3) throw new ValueError(`Shape ${shape.toString()} must have rank 3`);
    const ncw = this.dataFormat === "channels_first";
    const steps = convOutputLength1D(
      (ncw ? dims[2] : dims[1]) ?? null,
      this.kernelSize[0],
      this.padding,
      this.strides[0],
      this.dilationRate[0],
    );
    return new TensorShape(
      ncw ? [dims[0] ?? null, this.filters, steps] : [dims[0] ?? null, steps, this.filters],
    );
  }
}

declare(Conv1D, CONV1D_P);

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
export const conv1d = declare((...args: CallArgs<typeof CONV1D_FN_PARAMS>): Tensor => {
  const { inputs, reuse, ...a } = CONV1D_FN_P.parse(args);
  return applyFunctional(inputs, () => new Conv1D({ ...a, scope: a.name ?? null, reuse }));
}, CONV1D_FN_P);
