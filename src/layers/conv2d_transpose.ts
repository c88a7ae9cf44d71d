import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type Dim, type ShapeLike } from "../graph/tensor_shape.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { shape as shapeOp } from "../ops/array/shape.js";
import { stack } from "../ops/array/stack.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { pythonOperator } from "../ops/math/operators.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import { conv2dTranspose as nnConv2dTranspose } from "../ops/nn/conv_transpose.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import {
  declare,
  defineParams,
  givenAsNull,
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
  normalizePadding,
  normalizeTuple,
  reuseKind,
  type ApplyOptions,
} from "./base.js";
import { getActivation } from "./activations.js";
import { fourDims } from "./conv2d.js";

/**
 * What `tf.layers.Conv2DTranspose` and `tf.layers.conv2dTranspose` share, in TF 1.15's
 * order (no `dilation_rate`, which TF's v1 layer does not take).
 */
const CONV2D_T_ARGS = [
  req("filters", numberKind),
  req("kernelSize", intOrIntsKind),
  opt("strides", intOrIntsKind),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
  ...KERNEL_LAYER_ARGS,
] as const;

/** TF 1.15's `Conv2DTranspose(filters, kernel_size, strides, …, trainable, name, **kwargs)`. */
const CONV2D_T_PARAMS = [...CONV2D_T_ARGS, ...LAYER_KWARGS] as const;
const CONV2D_T_P = keywordOnlyAfter(
  defineParams("layers.Conv2DTranspose", CONV2D_T_PARAMS),
  CONV2D_T_ARGS.length,
);

/** TF 1.15's `conv2d_transpose(inputs, filters, kernel_size, …, trainable, name, reuse)`. */
const CONV2D_T_FN_PARAMS = [
  req("inputs", tensorKind),
  ...CONV2D_T_ARGS,
  opt("reuse", reuseKind),
] as const;
const CONV2D_T_FN_P = defineParams("layers.conv2d_transpose", CONV2D_T_FN_PARAMS);

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
export class Conv2DTranspose extends Layer {
  static override readonly className: string | undefined = "Conv2DTranspose";
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: "valid" | "same";
  readonly dataFormat: "channels_last" | "channels_first";
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

  constructor(...args: CallArgs<typeof CONV2D_T_PARAMS>) {
    const a = CONV2D_T_P.parse(args);
    // Before the layer takes its name, so that a bad activation leaves the graph as it was.
    const activation = getActivation(a.activation);
    const filters = a.filters;
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new ValueError(`filters must be a positive integer, got ${String(filters)}`);
    }
    const kernelSize = normalizeTuple(a.kernelSize, 2, "kernel_size") as [number, number];
    const strides = normalizeTuple(a.strides ?? 1, 2, "strides") as [number, number];
    const padding = normalizePadding(a.padding);
    const dataFormat = normalizeDataFormat(a.dataFormat);
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
    this.activation = activation;
    this.useBias = a.useBias ?? true;
    this.kernelInitializer = a.kernelInitializer ?? null;
    // `biasInitializer: null` (Python's None) is the variable scope's initializer.
    this.biasInitializer =
      a.biasInitializer ??
      (givenAsNull(CONV2D_T_P, args, "biasInitializer") ? null : zerosInitializer());
    this.kernelRegularizer = a.kernelRegularizer ?? null;
    this.biasRegularizer = a.biasRegularizer ?? null;
    this.kernelConstraint = a.kernelConstraint ?? null;
    this.biasConstraint = a.biasConstraint ?? null;
    this.inputSpec = new InputSpec({ ndim: 4 });
  }

  private get channelAxis(): number {
    return this.dataFormat === "channels_first" ? 1 : -1;
  }

  protected override build(inputShape: TensorShape): void {
    if (inputShape.rank !== null && inputShape.rank !== 4) {
      throw new ValueError(
        `Inputs should have rank 4. Received input shape: ${inputShape.toString()}`,
      );
    }
    const channels = dimAt(inputShape, this.channelAxis);
    if (channels === null) {
      throw new ValueError("The channel dimension of the inputs should be defined. Found `None`.");
    }
    const dtype = this.dtype ?? "float32";
    this.kernel = this.addWeight("kernel", [...this.kernelSize, this.filters, channels], {
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
    // As TF: the output size follows the input's dynamic shape, so any batch size works.
    const inputsShape = shapeOp(inputs);
    const batchSize = sliceHelper(inputsShape, [0]);
    const [hAxis, wAxis] = nchw ? [2, 3] : [1, 2];
    const length = (axis: number, i: number): Tensor => {
      const size = sliceHelper(inputsShape, [axis]);
      const stride = this.strides[i] as number;
      const grown = pythonOperator("mul", size, stride);
      if (this.padding === "same") return grown;
      return pythonOperator("add", grown, Math.max((this.kernelSize[i] as number) - stride, 0));
    };
    const outHeight = length(hAxis, 0);
    const outWidth = length(wAxis, 1);
    const outputShape = stack(
      nchw
        ? [batchSize, this.filters, outHeight, outWidth]
        : [batchSize, outHeight, outWidth, this.filters],
    );
    const [sh, sw] = this.strides;
    let outputs = nnConv2dTranspose(inputs, this.kernel as Variable, outputShape, {
      strides: nchw ? [1, 1, sh, sw] : [1, sh, sw, 1],
      padding: this.padding === "same" ? "SAME" : "VALID",
      dataFormat: nchw ? "NCHW" : "NHWC",
    });
    outputs.setShape(this.computeOutputShape(inputs.shape));
    if (this.bias !== null) {
      outputs = biasAdd(outputs, this.bias, { dataFormat: nchw ? "NCHW" : "NHWC" });
    }
    return this.activation === null ? outputs : this.activation(outputs);
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const dims = fourDims(inputShape);
    const nchw = this.dataFormat === "channels_first";
    const spatial = (nchw ? [dims[2], dims[3]] : [dims[1], dims[2]]).map((d, i) =>
      deconvOutputLength(
        d ?? null,
        this.kernelSize[i] as number,
        this.padding,
        this.strides[i] as number,
      ),
    );
    return new TensorShape(
      nchw
        ? [dims[0] ?? null, this.filters, ...spatial]
        : [dims[0] ?? null, ...spatial, this.filters],
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
  const biasInitializer = givenAsNull(CONV2D_T_FN_P, args, "biasInitializer")
    ? null
    : a.biasInitializer;
  return applyFunctional(
    inputs,
    () => new Conv2DTranspose({ ...a, biasInitializer, scope: a.name ?? null, reuse }),
  );
}, CONV2D_T_FN_P);
