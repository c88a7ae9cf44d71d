import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { kernelDataOf } from "../kernel_data.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import {
  convertPadding,
  dataFormatOf,
  getSequence,
  inChannelsLast,
  intsKind,
  paddingKind,
  spatialIndices,
  windowedOutputSize,
  type DataFormat,
  type Padding,
} from "./conv_utils.js";

type TfjsPad =
  "valid" | "same" | [[number, number], [number, number], [number, number], [number, number]];

/** What the `Conv2D` kernel needs of the op's attrs, in tfjs's terms. */
interface Conv2DData {
  /** Why tfjs cannot run it (TF's message), or `null`. */
  readonly unsupported: string | null;
  readonly strides: [number, number];
  readonly dilations: [number, number];
  readonly pad: TfjsPad;
}

/** The kernel's view of a `Conv2D`'s attrs (computed once by the builder, or from the attrs). */
function conv2dData(
  format: DataFormat,
  strides: readonly number[],
  dilations: readonly number[],
  padding: string,
  explicit: readonly number[],
): Conv2DData {
  const { h, w, c } = spatialIndices(format);
  const padAt = (i: number): [number, number] => [explicit[2 * i] ?? 0, explicit[2 * i + 1] ?? 0];
  const sh = strides[h] as number;
  const sw = strides[w] as number;
  const dh = dilations[h] as number;
  const dw = dilations[w] as number;
  let unsupported: string | null = null;
  if (strides[0] !== 1 || strides[c] !== 1) {
    unsupported =
      "Current implementation does not yet support strides in the batch and depth dimensions.";
  } else if (dilations[0] !== 1 || dilations[c] !== 1) {
    unsupported =
      "Current implementation does not yet support dilations in the batch and depth dimensions.";
  } else if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    unsupported =
      "Current libxsmm and customized CPU implementations do not yet support dilation rates larger than 1.";
  }
  const pad: TfjsPad =
    padding === "EXPLICIT"
      ? [[0, 0], padAt(h), padAt(w), [0, 0]]
      : padding === "SAME"
        ? "same"
        : "valid";
  return { unsupported, strides: [sh, sw], dilations: [dh, dw], pad };
}

function conv2dDataOf(op: Operation): Conv2DData {
  return kernelDataOf(op, "_conv2d", (o) =>
    conv2dData(
      o.attrs.data_format as DataFormat,
      o.attrs.strides as number[],
      o.attrs.dilations as number[],
      o.attrs.padding as string,
      o.attrs.explicit_paddings as number[],
    ),
  );
}

/** The attrs of `Conv2D` and of its two gradient ops, as TF 1.15 registers them. */
export const CONV2D_ATTRS = [
  "T: {half, bfloat16, float, double}",
  "strides: list(int)",
  "use_cudnn_on_gpu: bool = true",
  "padding: {'SAME', 'VALID', 'EXPLICIT'}",
  "explicit_paddings: list(int) = []",
  "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
  "dilations: list(int) = [1, 1, 1, 1]",
];

registerOp({
  type: "Conv2D",
  opDef: {
    inputs: ["input: T", "filter: T"],
    outputs: ["output: T"],
    attrs: CONV2D_ATTRS,
  },
  kernel: ([input, filter], op) => {
    const { unsupported, strides, dilations, pad } = conv2dDataOf(op);
    if (unsupported !== null) throw new InvalidArgumentError(unsupported, op.name);
    const format = op.attrs.data_format as DataFormat;
    return [
      inChannelsLast(tfc, input as tfc.Tensor, format, (x) =>
        tfc.conv2d(x, filter as tfc.Tensor4D, strides, pad, "NHWC", dilations),
      ),
    ];
  },
});

/**
 * TF 1.15's `conv2d(input, filter, strides, padding, use_cudnn_on_gpu, data_format,
 * dilations, name, filters)`: `strides` and `dilations` are an int or 1, 2 or 4 ints
 * (batch and depth must be 1); `padding` is `"SAME"`, `"VALID"` or explicit `[[0, 0],
 * [top, bottom], [left, right], [0, 0]]`; `filters` is the newer name of `filter`;
 * `useCudnnOnGpu` is recorded as the op's attr, and changes nothing else.
 */
const CONV2D_PARAMS = [
  req("input", tensorKind),
  opt("filter", tensorKind),
  opt("strides", intsKind),
  req("padding", paddingKind),
  opt("useCudnnOnGpu", booleanKind),
  opt("dataFormat", stringKind),
  opt("dilations", intsKind),
  opt("name", stringKind),
  alias("filters", "filter", tensorKind, true),
] as const;

/** The options object of {@link conv2d}. */
export type Conv2DOptions = OptionsOf<typeof CONV2D_PARAMS>;

/**
 * A 2-D convolution (`tf.nn.conv2d`, op `Conv2D`): `input` is `[batch, height, width,
 * in_channels]` (NHWC), `filter` is `[filter_height, filter_width, in_channels,
 * out_channels]`. The output's spatial size is inferred when the graph is built; a window
 * larger than a `VALID` input is TensorFlow's "Negative dimension size" error.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 28, 28, 1]);
 * const w = tf.getVariable("w", [5, 5, 1, 32]);
 * tf.nn.conv2d(x, w, { strides: [1, 1, 1, 1], padding: "SAME" }).shape.toString(); // ==> (?, 28, 28, 32)
 * ```
 */
export const conv2d = tfFunction("nn.conv2d", CONV2D_PARAMS, (a) => {
  // TF 1.15 declares `filter=None` so that `filters=` can stand for it; one is needed.
  if (a.filter === undefined) {
    throw new TypeError("nn.conv2d() missing 1 required argument: 'filter' (or 'filters')");
  }
  return conv2dOp(
    a.input,
    a.filter,
    a.strides,
    a.padding,
    a.useCudnnOnGpu,
    a.dataFormat,
    a.dilations,
    a.name,
  );
});

function conv2dOp(
  input: TensorLike,
  filter: TensorLike,
  stridesArg: number | readonly number[] | undefined,
  paddingArg: Padding,
  useCudnnOnGpu: boolean | undefined,
  dataFormat: string | undefined,
  dilationsArg: number | readonly number[] | undefined,
  name: string | undefined,
): Tensor {
  const format = dataFormatOf(dataFormat);
  const [padding, explicit] = convertPadding(paddingArg, "Conv2D");
  const strides = getSequence(stridesArg, format, "strides");
  const dilations = getSequence(dilationsArg, format, "dilations");
  return inOpScope(name, "Conv2D", [input, filter], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const f = convertToTensor(filter, { name: "filter", preferredDtype: x.dtype });
    checkOpInputs("Conv2D", [x, f], {});
    const si = new ShapeInference(opNameOf(scope), "Conv2D", [x.shape, f.shape]);
    const inDims = si.withRank(x.shape, 4);
    const fDims = si.withRank(f.shape, 4);
    if (dilations.length !== 4) {
      si.fail(
        `Conv2D requires the dilation attribute to contain 4 values, but got: ${dilations.length}`,
      );
    }
    if (strides.length !== 4) {
      si.fail(
        `Conv2D on data format ${format} requires the stride attribute to contain 4 values, but got: ${strides.length}`,
      );
    }
    const { h, w, c } = spatialIndices(format);
    si.mergeDim(inDims[c] as Dim, fDims[2] as Dim);
    const padAt = (i: number): [number, number] => [explicit[2 * i] ?? 0, explicit[2 * i + 1] ?? 0];
    const [top, bottom] = padAt(h);
    const [left, right] = padAt(w);
    const sh = strides[h] as number;
    const sw = strides[w] as number;
    const dh = dilations[h] as number;
    const dw = dilations[w] as number;
    const rows = windowedOutputSize(
      si,
      inDims[h] as Dim,
      fDims[0] as Dim,
      dh,
      sh,
      padding,
      top,
      bottom,
    );
    const cols = windowedOutputSize(
      si,
      inDims[w] as Dim,
      fDims[1] as Dim,
      dw,
      sw,
      padding,
      left,
      right,
    );
    const outDims: Dim[] =
      format === "NHWC"
        ? [inDims[0] as Dim, rows, cols, fDims[3] as Dim]
        : [inDims[0] as Dim, fDims[3] as Dim, rows, cols];
    return makeOp(
      graph,
      "Conv2D",
      scope,
      [x, f],
      [{ dtype: x.dtype, shape: new TensorShape(outDims) }],
      {
        T: x.dtype,
        strides,
        use_cudnn_on_gpu: useCudnnOnGpu ?? true,
        padding,
        explicit_paddings: explicit,
        data_format: format,
        dilations,
        _conv2d: conv2dData(format, strides, dilations, padding, explicit),
      },
    ).outputs[0] as Tensor;
  });
}
