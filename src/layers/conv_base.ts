import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type Dim, type ShapeLike } from "../graph/tensor_shape.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { pad } from "../ops/array/pad.js";
import { reshape } from "../ops/array/reshape.js";
import { add } from "../ops/math/binary.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import { convolutionBuilder } from "../ops/nn/convolution.js";
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
} from "./base.js";
import { getActivation } from "./activations.js";

/**
 * The arguments every TF 1.15 convolution layer starts with: `filters`, `kernelSize` (an int
 * or one per spatial axis), `strides` (1), `padding` (`"valid"` or `"same"`, any case; also
 * `"causal"` in 1-D) and `dataFormat` (`"channels_last"` or `"channels_first"`).
 */
export const CONV_SHAPE_ARGS = [
  req("filters", numberKind),
  req("kernelSize", intOrIntsKind),
  opt("strides", intOrIntsKind),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
] as const;

/**
 * What TF 1.15's `Conv1D` and `Conv2D` (and their functional forms) share, in its order:
 * {@link CONV_SHAPE_ARGS}, `dilationRate` (1), then the kernel layers' activation, bias,
 * initializers, regularizers and constraints.
 */
export const CONV_ARGS = [
  ...CONV_SHAPE_ARGS,
  opt("dilationRate", intOrIntsKind),
  ...KERNEL_LAYER_ARGS,
] as const;

/** {@link CONV_ARGS} then the keyword arguments every layer class takes. */
export const CONV_PARAMS = [...CONV_ARGS, ...LAYER_KWARGS] as const;

/** `conv1d(inputs, filters, kernel_size, …, trainable, name, reuse)`, and `conv2d`'s. */
export const CONV_FN_PARAMS = [
  req("inputs", tensorKind),
  ...CONV_ARGS,
  opt("reuse", reuseKind),
] as const;

/** The options object of a convolution layer with a single `kernel`. */
export type ConvLayerOptions = OptionsOf<typeof CONV_PARAMS>;

/**
 * TF 1.15's parameter lists of the convolution class `layers.<className>` (keyword-only
 * after its own arguments) and of its functional form `layers.<fnName>`.
 */
export function convParamLists(
  className: string,
  fnName: string,
): { layer: ParamList<typeof CONV_PARAMS>; fn: ParamList<typeof CONV_FN_PARAMS> } {
  return {
    layer: keywordOnlyAfter(defineParams(`layers.${className}`, CONV_PARAMS), CONV_ARGS.length),
    fn: defineParams(`layers.${fnName}`, CONV_FN_PARAMS),
  };
}

/**
 * The functional form of a convolution class, declared with `P`: `name` also names the
 * variable scope, and `reuse: true` shares the variables of an earlier layer of that name.
 */
export function functionalConv(
  P: ParamList<typeof CONV_FN_PARAMS>,
  make: (options: ConvLayerOptions) => Layer,
): (...args: CallArgs<typeof CONV_FN_PARAMS>) => Tensor {
  return declare((...args: CallArgs<typeof CONV_FN_PARAMS>): Tensor => {
    const { inputs, reuse, ...a } = P.parse(args);
    return applyFunctional(inputs, () => make({ ...a, scope: a.name ?? null, reuse }));
  }, P);
}

/** The parsed arguments of a convolution layer with a single `kernel`. */
export type ConvArgs = ArgsOf<typeof CONV_PARAMS>;

/**
 * What every convolution layer's constructor reads: the separable layers have their own
 * kernels' initializers, and `Conv2DTranspose` no `dilationRate`.
 */
export type ConvBaseArgs = Omit<
  ConvArgs,
  "kernelInitializer" | "kernelRegularizer" | "kernelConstraint" | "dilationRate"
> & { dilationRate?: ConvArgs["dilationRate"] };

/** The parameter list a convolution layer class parses. */
export type ConvParamList = ParamList<readonly Param[]>;

/**
 * `conv_utils.normalize_padding` of a `rank`-D convolution: `"valid"`, `"same"`, or (1-D
 * only) `"causal"`, left-padded so that no output sees a later input.
 */
export function normalizeConvPadding(
  value: string | null | undefined,
  rank: number,
): "valid" | "same" | "causal" {
  if (rank === 1 && (value ?? "").toLowerCase() === "causal") return "causal";
  return normalizePadding(value);
}

/** `conv_utils.conv_output_length` (`"causal"` keeps the length as `"same"` does). */
export function convOutputLength(
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

/** The dims of a shape of rank `rank` (unknown rank: `rank` unknown dims). */
export function dimsOfRank(inputShape: ShapeLike, rank: number): Dim[] {
  const shape = TensorShape.from(inputShape);
  if (shape.dims === null) return new Array<Dim>(rank).fill(null);
  if (shape.dims.length !== rank) {
    throw new ValueError(`Shape ${shape.toString()} must have rank ${rank}`);
  }
  return shape.dims.slice();
}

/**
 * TF 1.15's `_Conv(rank, …)` as far as the separable convolutions share it: the options'
 * checks, the `bias` variable, the causal padding, `BiasAdd` and activation, and the static
 * output shape. Subclasses create their kernels and run their convolution.
 */
export abstract class ConvBase extends Layer {
  /** The number of spatial axes. */
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same" | "causal";
  readonly dataFormat: "channels_last" | "channels_first";
  readonly dilationRate: number[];
  readonly activation: ((x: Tensor) => Tensor) | null;
  readonly useBias: boolean;
  readonly biasInitializer: Initializer | InitializerFunction | null;
  readonly biasRegularizer: Regularizer | null;
  readonly biasConstraint: Constraint | null;
  /** The bias, once built (`null` without `useBias`). */
  bias: Variable | null = null;

  protected constructor(rank: number, a: ConvBaseArgs) {
    // Checked before the layer takes its name, so that bad arguments leave the graph as it was.
    const activation = getActivation(a.activation);
    if (!Number.isInteger(a.filters) || a.filters <= 0) {
      throw new ValueError(`filters must be a positive integer, got ${String(a.filters)}`);
    }
    const kernelSize = normalizeTuple(a.kernelSize, rank, "kernel_size");
    const strides = normalizeTuple(a.strides ?? 1, rank, "strides");
    const padding = normalizeConvPadding(a.padding, rank);
    const dataFormat = normalizeDataFormat(a.dataFormat);
    const dilationRate = normalizeTuple(a.dilationRate ?? 1, rank, "dilation_rate");
    super({
      trainable: a.trainable,
      name: a.name,
      dtype: a.dtype,
      activityRegularizer: a.activityRegularizer,
      scope: a.scope,
      reuse: a.reuse,
    });
    this.rank = rank;
    this.filters = a.filters;
    this.kernelSize = kernelSize;
    this.strides = strides;
    this.padding = padding;
    this.dataFormat = dataFormat;
    this.dilationRate = dilationRate;
    this.activation = activation;
    this.useBias = a.useBias ?? true;
    // `biasInitializer: null` (Python's None) is the variable scope's initializer.
    this.biasInitializer = a.biasInitializer === undefined ? zerosInitializer() : a.biasInitializer;
    this.biasRegularizer = a.biasRegularizer ?? null;
    this.biasConstraint = a.biasConstraint ?? null;
    this.inputSpec = new InputSpec({ ndim: rank + 2 });
  }

  protected get channelAxis(): number {
    return this.dataFormat === "channels_first" ? 1 : -1;
  }

  /** Creates the layer's filters (before its `bias`, as TF orders the variables). */
  protected abstract buildKernels(channels: number, dtype: DType): void;

  protected override build(inputShape: TensorShape): void {
    const channels = dimAt(inputShape, this.channelAxis);
    if (channels === null) {
      throw new ValueError("The channel dimension of the inputs should be defined. Found `None`.");
    }
    const dtype = this.dtype ?? "float32";
    this.buildKernels(channels, dtype);
    if (this.useBias) {
      this.bias = this.addWeight("bias", [this.filters], {
        initializer: this.biasInitializer,
        regularizer: this.biasRegularizer,
        constraint: this.biasConstraint,
        dtype,
      });
    }
    this.inputSpec = new InputSpec({ ndim: this.rank + 2, axes: { [this.channelAxis]: channels } });
  }

  /** With `padding: "causal"`, the 1-D inputs padded at the sequence's start; else as is. */
  protected causalPad(inputs: Tensor): Tensor {
    if (this.padding !== "causal") return inputs;
    const left = (this.dilationRate[0] as number) * ((this.kernelSize[0] as number) - 1);
    return pad(
      inputs,
      this.dataFormat === "channels_first"
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
  }

  /** `outputs` plus the bias (with `useBias`). */
  protected addBias(outputs: Tensor): Tensor {
    if (this.bias === null) return outputs;
    const first = this.dataFormat === "channels_first";
    // bias_add takes no 3-D NCHW input: Keras adds a [1, filters, 1] reshape instead.
    if (first && outputs.shape.rank === 3) {
      return add(outputs, reshape(this.bias, [1, this.filters, 1]));
    }
    return biasAdd(outputs, this.bias, { dataFormat: first ? "NCHW" : "NHWC" });
  }

  /** The activation (if any) of `outputs`. */
  protected activate(outputs: Tensor): Tensor {
    return this.activation === null ? outputs : this.activation(outputs);
  }

  /** The layer's `BiasAdd` (with `useBias`) and activation after its convolution. */
  protected biasAndActivation(outputs: Tensor): Tensor {
    return this.activate(this.addBias(outputs));
  }

  /** The static output size along spatial axis `i`. */
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
    const n = this.rank + 2;
    const dims = dimsOfRank(inputShape, n);
    const first = this.dataFormat === "channels_first";
    const spatial = (first ? dims.slice(2) : dims.slice(1, n - 1)).map((d, i) =>
      this.spatialOutputLength(d ?? null, i),
    );
    return new TensorShape(
      first
        ? [dims[0] ?? null, this.filters, ...spatial]
        : [dims[0] ?? null, ...spatial, this.filters],
    );
  }
}

/** `conv_utils.convert_data_format` per spatial rank: channels last, channels first. */
const CONV_FORMATS: Readonly<Record<number, readonly [string, string]>> = {
  1: ["NWC", "NCW"],
  2: ["NHWC", "NCHW"],
  3: ["NDHWC", "NCDHW"],
};

/**
 * TF 1.15's `_Conv` with a single filter variable, `kernel` (`[...kernelSize, inChannels,
 * filters]` unless a subclass says otherwise): the base of `Conv1D` and `Conv2D`.
 */
export abstract class Conv extends ConvBase {
  readonly kernelInitializer: Initializer | InitializerFunction | null;
  readonly kernelRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  /** The filter, once built. */
  kernel: Variable | null = null;

  protected constructor(rank: number, a: ConvArgs) {
    super(rank, a);
    this.kernelInitializer = a.kernelInitializer ?? null;
    this.kernelRegularizer = a.kernelRegularizer ?? null;
    this.kernelConstraint = a.kernelConstraint ?? null;
  }

  /** Keras's `_convolution_op` (`nn_ops.Convolution`) and the input shape it was made for. */
  private convolutionOp: ((input: Tensor, filter: Variable) => Tensor) | null = null;
  private convolutionShape: TensorShape | null = null;

  /**
   * Keras's `self._convolution_op(inputs, self.kernel)` (with `padding: "causal"` on the
   * inputs `causalPad` gives): TF makes the op in `build` from the built shape and makes it
   * anew when a call's shape differs in a dim both know (`_recreate_conv_op`). Made here at
   * the start of `call`, nothing built between, so the ops and names are TF's: a
   * `dilation_rate` const, and with a rate > 1 `SpaceToBatchND` → conv op → `BatchToSpaceND`.
   */
  protected convolution(inputs: Tensor): (x: Tensor) => Tensor {
    const shape = inputs.shape;
    const built = this.convolutionShape;
    const stale =
      built !== null &&
      shape.dims !== null &&
      built.dims !== null &&
      shape.dims.some(
        (d, i) => i > 0 && d !== null && built.dims?.[i] != null && d !== built.dims[i],
      );
    if (this.convolutionOp === null || stale) {
      const first = this.dataFormat === "channels_first";
      const format = CONV_FORMATS[this.rank]?.[first ? 1 : 0];
      if (format === undefined) throw new ValueError(`No data format for rank ${this.rank + 2}`);
      this.convolutionOp = convolutionBuilder(
        shape,
        (this.kernel as Variable).shape,
        this.padding === "same" ? "SAME" : "VALID",
        this.strides,
        this.dilationRate,
        format,
      );
      this.convolutionShape = shape;
    }
    const op = this.convolutionOp;
    return (x) => op(x, this.kernel as Variable);
  }

  /** The filter's shape for `channels` input channels. */
  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, this.filters];
  }

  protected buildKernels(channels: number, dtype: DType): void {
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new ValueError("strides > 1 not supported in conjunction with dilation_rate > 1");
    }
    this.kernel = this.addWeight("kernel", this.kernelShape(channels), {
      initializer: this.kernelInitializer,
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
      dtype,
    });
  }
}
