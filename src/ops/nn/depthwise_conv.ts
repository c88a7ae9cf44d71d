import type * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, UnimplementedError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { buildOp, inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts, staticShapeOf } from "../tensor_util.js";
import {
  checkPaddingString,
  dataFormatOf,
  intsKind,
  spatialIndices,
  windowedOutputSize,
} from "./conv_utils.js";
import * as K from "./depthwise_kernels.js";

/*
 * TensorFlow's depthwise convolution ops (`DepthwiseConv2dNative` and its two backprop
 * ops, as TF 1.15 registers them) and their builders. The filter is `[kh, kw, in,
 * multiplier]`; output channel `c * multiplier + m` is input channel `c` convolved with
 * `filter[:, :, c, m]`.
 */

/** The attrs the three ops share (TF 1.15: no explicit padding yet). */
const DEPTHWISE_ATTRS = [
  "T: {half, bfloat16, float, double}",
  "strides: list(int)",
  "padding: {'SAME', 'VALID'}",
  "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
  "dilations: list(int) = [1, 1, 1, 1]",
];

/** The attrs a builder gives the ops, as `gen_nn_ops` passes them. */
export interface DepthwiseAttrs {
  strides: readonly number[];
  padding: string;
  data_format: string;
  dilations: readonly number[];
}

/**
 * `DepthwiseConv2DNativeShape` (common_shape_fns.cc): the output shape, with TF's errors for
 * attrs or inputs that cannot go together.
 */
function depthwiseShape(
  si: ShapeInference,
  input: TensorShape,
  filter: TensorShape,
  attrs: DepthwiseAttrs,
): TensorShape {
  const inDims = si.withRank(input, 4);
  const fDims = si.withRank(filter, 4);
  if (attrs.strides.length !== 4) {
    si.fail(
      `DepthwiseConv2D requires the stride attribute to contain 4 values, but got: ${attrs.strides.length}`,
    );
  }
  if (attrs.dilations.length !== 4) {
    si.fail(
      `DepthwiseConv2D requires the dilations attribute to contain 4 values, but got: ${attrs.dilations.length}`,
    );
  }
  const format = attrs.data_format === "NCHW" ? "NCHW" : "NHWC";
  const { h, w, c } = spatialIndices(format);
  const depth = si.mergeDim(inDims[c] as Dim, fDims[2] as Dim);
  const multiplier = fDims[3] as Dim;
  const outDepth = depth === null || multiplier === null ? null : depth * multiplier;
  const size = (axis: number, k: number): Dim =>
    windowedOutputSize(
      si,
      inDims[axis] as Dim,
      fDims[k] as Dim,
      attrs.dilations[axis] as number,
      attrs.strides[axis] as number,
      attrs.padding,
      0,
      0,
    );
  const rows = size(h, 0);
  const cols = size(w, 1);
  return new TensorShape(
    format === "NHWC"
      ? [inDims[0] as Dim, rows, cols, outDepth]
      : [inDims[0] as Dim, outDepth, rows, cols],
  );
}

function attrsOf(op: { attrs: Readonly<Record<string, unknown>> }): DepthwiseAttrs {
  return {
    strides: op.attrs.strides as number[],
    padding: op.attrs.padding as string,
    data_format: (op.attrs.data_format as string | undefined) ?? "NHWC",
    dilations: (op.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1],
  };
}

/**
 * The checks of TF's CPU kernels (depthwise_conv_op.cc): equal row and column strides,
 * none in batch or depth, NHWC only; the window geometry in NHWC terms.
 */
function kernelGeometry(op: Operation): K.DepthwiseGeometry {
  const a = attrsOf(op);
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(msg, op.name);
  };
  if (a.strides.length !== 4) fail("Sliding window strides field must specify 4 dimensions");
  const { h, w, c } = spatialIndices(a.data_format === "NCHW" ? "NCHW" : "NHWC");
  const sh = a.strides[h] as number;
  const sw = a.strides[w] as number;
  if (sh !== sw) {
    fail(
      "Current implementation only supports equal length strides in the row and column dimensions.",
    );
  }
  if (a.strides[0] !== 1 || a.strides[c] !== 1) {
    fail("Current implementation does not yet support strides in the batch and depth dimensions.");
  }
  if (a.data_format !== "NHWC") {
    throw new UnimplementedError(
      "Depthwise convolution on CPU is only supported for NHWC format",
      op.name,
    );
  }
  const dh = a.dilations[h] ?? 1;
  const dw = a.dilations[w] ?? 1;
  if (sh > 1 && (dh > 1 || dw > 1)) {
    fail(
      "Current libxsmm and customized CPU implementations do not yet support dilation rates larger than 1.",
    );
  }
  return {
    strides: [sh, sw],
    dilations: [dh, dw],
    padding: a.padding === "SAME" ? "SAME" : "VALID",
  };
}

/**
 * The dimension checks of TF's backprop kernels (`EXTRACT_AND_VERIFY_DIMENSIONS`), so that
 * sizes no forward convolution maps to `dy` are an error, not a wrong result.
 */
function checkBackpropDims(
  op: Operation,
  label: string,
  inputShape: readonly number[],
  filterShape: readonly number[],
  dy: tfc.Tensor,
  g: K.DepthwiseGeometry,
): void {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(`${label}: ${msg}`, op.name);
  };
  if (inputShape.length !== 4) fail("input must be 4-dimensional");
  if (filterShape.length !== 4) fail("filter must be 4-dimensional");
  if (dy.rank !== 4) fail("out_backprop must be 4-dimensional");
  const [n, h, w, c] = inputShape as [number, number, number, number];
  const [kh, kw, fc, m] = filterShape as [number, number, number, number];
  const [dn, dh, dw, dc] = dy.shape as [number, number, number, number];
  if (n !== dn) fail("input and out_backprop must have the same batch size");
  if (c !== fc) fail("input and filter must have the same in_depth");
  if (c * m !== dc) fail("depth_multiplier * in_depth not equal to out_depth");
  const expect = (input: number, k: number, s: number, d: number): number => {
    const eff = (k - 1) * d + 1;
    return g.padding === "SAME" ? Math.ceil(input / s) : Math.ceil((input - eff + 1) / s);
  };
  const rows = expect(h, kh, g.strides[0], g.dilations[0]);
  const cols = expect(w, kw, g.strides[1], g.dilations[1]);
  if (dh !== rows) {
    fail(
      `Number of rows of out_backprop doesn't match computed: actual = ${dh}, computed = ${rows}`,
    );
  }
  if (dw !== cols) {
    fail(
      `Number of cols of out_backprop doesn't match computed: actual = ${dw}, computed = ${cols}`,
    );
  }
}

function inference(op: ShapeInferenceOp): ShapeInference {
  return new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
}

registerOp({
  type: "DepthwiseConv2dNative",
  opDef: { inputs: ["input: T", "filter: T"], outputs: ["output: T"], attrs: DEPTHWISE_ATTRS },
  kernel: ([x, f], op) => {
    const g = kernelGeometry(op);
    const input = x as tfc.Tensor;
    const filter = f as tfc.Tensor;
    if (input.rank !== 4) {
      throw new InvalidArgumentError(
        `input must be 4-dimensional[${input.shape.join(",")}]`,
        op.name,
      );
    }
    if (filter.rank !== 4) {
      throw new InvalidArgumentError(
        `filter must be 4-dimensional: [${filter.shape.join(",")}]`,
        op.name,
      );
    }
    if (input.shape[3] !== filter.shape[2]) {
      throw new InvalidArgumentError(
        `input and filter must have the same depth: ${input.shape[3]} vs ${filter.shape[2]}`,
        op.name,
      );
    }
    return [K.depthwiseConv2d(input as tfc.Tensor4D, filter as tfc.Tensor4D, g)];
  },
  inferShapes: (op) => [
    depthwiseShape(inference(op), op.inputs[0]!.shape, op.inputs[1]!.shape, attrsOf(op)),
  ],
});

function sizesOf(op: Operation, t: tfc.Tensor, key: string): number[] {
  return (op.buildData[key] as number[] | null | undefined) ?? readInts(t);
}

registerOp({
  type: "DepthwiseConv2dNativeBackpropInput",
  opDef: {
    inputs: ["input_sizes: int32", "filter: T", "out_backprop: T"],
    outputs: ["output: T"],
    attrs: DEPTHWISE_ATTRS,
  },
  kernel: ([sizes, f, dy], op) => {
    const g = kernelGeometry(op);
    const inputShape = sizesOf(op, sizes as tfc.Tensor, "_input_sizes");
    const filter = f as tfc.Tensor4D;
    checkBackpropDims(
      op,
      "DepthwiseConv2DBackpropInput",
      inputShape,
      filter.shape,
      dy as tfc.Tensor,
      g,
    );
    return [K.depthwiseBackpropInput(inputShape, filter, dy as tfc.Tensor4D, g)];
  },
  inferShapes: (op) => [backpropShape(op.inputs[0]!)],
});

registerOp({
  type: "DepthwiseConv2dNativeBackpropFilter",
  opDef: {
    inputs: ["input: T", "filter_sizes: int32", "out_backprop: T"],
    outputs: ["output: T"],
    attrs: DEPTHWISE_ATTRS,
  },
  kernel: ([x, sizes, dy], op) => {
    const g = kernelGeometry(op);
    const filterShape = sizesOf(op, sizes as tfc.Tensor, "_filter_sizes");
    const input = x as tfc.Tensor4D;
    checkBackpropDims(
      op,
      "DepthwiseConv2DBackpropFilter",
      input.shape,
      filterShape,
      dy as tfc.Tensor,
      g,
    );
    return [K.depthwiseBackpropFilter(input, filterShape, dy as tfc.Tensor4D, g)];
  },
  inferShapes: (op) => [backpropShape(op.inputs[1]!)],
});

/** The shape a backprop op's `*_sizes` input holds (`MakeShapeFromShapeTensor`). */
function backpropShape(sizes: Tensor): TensorShape {
  const shape = staticShapeOf(sizes);
  return shape.dims === null ? TensorShape.unknownOfRank(4) : shape;
}

function checkedAttrs(
  strides: unknown,
  padding: unknown,
  dataFormat: string | null | undefined,
  dilations: unknown,
  opType: string,
): DepthwiseAttrs {
  // gen_nn_ops names the Python wrapper (`depthwise_conv2d_native`) in its own checks.
  const wrapper = opType
    .replace(/^DepthwiseConv2dNative/, "depthwise_conv2d_native")
    .replace(/Backprop(Input|Filter)$/, (_, w: string) => `_backprop_${w.toLowerCase()}`);
  const list = (v: unknown, what: string): number[] => {
    if (!Array.isArray(v)) {
      throw new TypeError(
        `Expected list for '${what}' argument to '${wrapper}' Op, not ${String(v)}.`,
      );
    }
    return (v as number[]).slice();
  };
  const stridesList = list(strides, "strides");
  const dilationsList =
    dilations === undefined || dilations === null ? [1, 1, 1, 1] : list(dilations, "dilations");
  checkPaddingString(padding, opType, false);
  return {
    strides: stridesList,
    padding: padding as string,
    data_format: dataFormatOf(dataFormat),
    dilations: dilationsList,
  };
}

/** Builds a `DepthwiseConv2dNative` named exactly `scope` (an entered name scope). */
function depthwiseNativeIn(scope: string, x: Tensor, f: Tensor, attrs: DepthwiseAttrs): Tensor {
  checkOpInputs("DepthwiseConv2dNative", [x, f], {});
  const si = new ShapeInference(opNameOf(scope), "DepthwiseConv2dNative", [x.shape, f.shape]);
  const out = depthwiseShape(si, x.shape, f.shape, attrs);
  return makeOp(x.graph, "DepthwiseConv2dNative", scope, [x, f], [{ dtype: x.dtype, shape: out }], {
    T: x.dtype,
    strides: attrs.strides.slice(),
    padding: attrs.padding,
    data_format: attrs.data_format,
    dilations: attrs.dilations.slice(),
  }).outputs[0] as Tensor;
}

/**
 * `gen_nn_ops.depthwise_conv2d_native`: `name` as TF's `name=` (a scope string ending in
 * "/" names the op exactly, as `depthwise_conv2d` passes its own scope).
 */
export function depthwiseConv2dNativeOp(
  input: TensorLike,
  filter: TensorLike,
  attrs: DepthwiseAttrs,
  name: string | null | undefined,
): Tensor {
  if (name !== undefined && name !== null && name.endsWith("/")) {
    const x = convertToTensor(input, { name: "input" });
    const f = convertToTensor(filter, { name: "filter", preferredDtype: x.dtype });
    return depthwiseNativeIn(name, x, f, attrs);
  }
  return inOpScope(name, "DepthwiseConv2dNative", [input, filter], (scope) => {
    const x = convertToTensor(input, { name: "input" });
    const f = convertToTensor(filter, { name: "filter", preferredDtype: x.dtype });
    return depthwiseNativeIn(scope, x, f, attrs);
  });
}

/** TF 1.15's `depthwise_conv2d_native(input, filter, strides, padding, data_format, dilations, name)`. */
const NATIVE_PARAMS = [
  req("input", tensorKind),
  req("filter", tensorKind),
  req("strides", intsKind),
  req("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("dilations", intsKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link depthwiseConv2dNative}. */
export type DepthwiseConv2dNativeOptions = OptionsOf<typeof NATIVE_PARAMS>;

/**
 * A depthwise 2-D convolution (`tf.nn.depthwise_conv2d_native`, op
 * `DepthwiseConv2dNative`): `input` `[batch, height, width, in_channels]`, `filter`
 * `[fh, fw, in_channels, channel_multiplier]`; output channel `c * channel_multiplier + m`
 * is input channel `c` convolved with `filter[:, :, c, m]`. `strides` and `dilations` are
 * lists of 4 ints; as in TensorFlow, only NHWC runs (on CPU).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 8, 8, 3]);
 * const w = tf.getVariable("w", [3, 3, 3, 2]);
 * tf.nn.depthwiseConv2dNative(x, w, [1, 2, 2, 1], "SAME").shape.toString(); // ==> (?, 4, 4, 6)
 * ```
 */
export const depthwiseConv2dNative = tfFunction("nn.depthwise_conv2d_native", NATIVE_PARAMS, (a) =>
  depthwiseConv2dNativeOp(
    a.input,
    a.filter,
    checkedAttrs(a.strides, a.padding, a.dataFormat, a.dilations, "DepthwiseConv2dNative"),
    a.name,
  ),
);

/**
 * `gen_nn_ops.depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, …)`.
 */
export function depthwiseBackpropInput(
  sizes: Tensor,
  filter: Tensor,
  dy: Tensor,
  attrs: DepthwiseAttrs,
  name?: string,
): Tensor {
  const shape = staticShapeOf(sizes);
  return buildOp(
    "DepthwiseConv2dNativeBackpropInput",
    [sizes, filter, dy],
    [{ dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape }],
    {
      T: dy.dtype,
      strides: attrs.strides.slice(),
      padding: attrs.padding,
      data_format: attrs.data_format,
      dilations: attrs.dilations.slice(),
      _input_sizes: shape.isFullyDefined() ? (shape.asList() as number[]) : null,
    },
    name,
  ).outputs[0] as Tensor;
}

/**
 * `gen_nn_ops.depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, …)`.
 */
export function depthwiseBackpropFilter(
  x: Tensor,
  sizes: Tensor,
  dy: Tensor,
  attrs: DepthwiseAttrs,
  name?: string,
): Tensor {
  const shape = staticShapeOf(sizes);
  return buildOp(
    "DepthwiseConv2dNativeBackpropFilter",
    [x, sizes, dy],
    [{ dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape }],
    {
      T: dy.dtype,
      strides: attrs.strides.slice(),
      padding: attrs.padding,
      data_format: attrs.data_format,
      dilations: attrs.dilations.slice(),
      _filter_sizes: shape.isFullyDefined() ? (shape.asList() as number[]) : null,
    },
    name,
  ).outputs[0] as Tensor;
}

/**
 * TF 1.15's `depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop,
 * strides, padding, data_format, dilations, name)`.
 */
const BACKPROP_INPUT_PARAMS = [
  req("inputSizes", tensorKind),
  req("filter", tensorKind),
  req("outBackprop", tensorKind),
  req("strides", intsKind),
  req("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("dilations", intsKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link depthwiseConv2dNativeBackpropInput}. */
export type DepthwiseBackpropInputOptions = OptionsOf<typeof BACKPROP_INPUT_PARAMS>;

/**
 * The gradient of {@link depthwiseConv2dNative} with respect to its input
 * (`tf.nn.depthwise_conv2d_native_backprop_input`, also `tf.nn.depthwise_conv2d_backprop_input`;
 * op `DepthwiseConv2dNativeBackpropInput`): `inputSizes` is the input's shape.
 *
 * @example
 * ```ts
 * const dy = tf.ones([1, 2, 2, 2]);
 * const dx = tf.nn.depthwiseConv2dNativeBackpropInput([1, 3, 3, 1], tf.ones([2, 2, 1, 2]), dy, [1, 1, 1, 1], "VALID");
 * using sess = new tf.Session();
 * sess.run(tf.reshape(dx, [3, 3])); // ==> [[2. 4. 2.]
 *                                   //      [4. 8. 4.]
 *                                   //      [2. 4. 2.]]
 * ```
 */
export const depthwiseConv2dNativeBackpropInput = tfFunction(
  "nn.depthwise_conv2d_native_backprop_input",
  BACKPROP_INPUT_PARAMS,
  (a) => {
    const attrs = checkedAttrs(
      a.strides,
      a.padding,
      a.dataFormat,
      a.dilations,
      "DepthwiseConv2dNativeBackpropInput",
    );
    return inOpScope(
      a.name,
      "DepthwiseConv2dNativeBackpropInput",
      [a.inputSizes, a.filter, a.outBackprop],
      (scope) => {
        const sizes = convertToTensor(a.inputSizes, {
          name: "input_sizes",
          preferredDtype: "int32",
        });
        const filter = convertToTensor(a.filter, { name: "filter" });
        const dy = convertToTensor(a.outBackprop, {
          name: "out_backprop",
          preferredDtype: filter.dtype,
        });
        checkOpInputs("DepthwiseConv2dNativeBackpropInput", [sizes, filter, dy], {});
        return depthwiseBackpropInput(sizes, filter, dy, attrs, scope);
      },
    );
  },
);

/**
 * TF 1.15's `depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop,
 * strides, padding, data_format, dilations, name)`.
 */
const BACKPROP_FILTER_PARAMS = [
  req("input", tensorKind),
  req("filterSizes", tensorKind),
  req("outBackprop", tensorKind),
  req("strides", intsKind),
  req("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("dilations", intsKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link depthwiseConv2dNativeBackpropFilter}. */
export type DepthwiseBackpropFilterOptions = OptionsOf<typeof BACKPROP_FILTER_PARAMS>;

/**
 * The gradient of {@link depthwiseConv2dNative} with respect to its filter
 * (`tf.nn.depthwise_conv2d_native_backprop_filter`, also
 * `tf.nn.depthwise_conv2d_backprop_filter`; op `DepthwiseConv2dNativeBackpropFilter`):
 * `filterSizes` is the filter's shape.
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.range(1, 10, 1, tf.float32), [1, 3, 3, 1]);
 * const df = tf.nn.depthwiseConv2dNativeBackpropFilter(x, [2, 2, 1, 1], tf.ones([1, 2, 2, 1]), [1, 1, 1, 1], "VALID");
 * using sess = new tf.Session();
 * sess.run(tf.reshape(df, [2, 2])); // ==> [[12. 16.]
 *                                   //      [24. 28.]]
 * ```
 */
export const depthwiseConv2dNativeBackpropFilter = tfFunction(
  "nn.depthwise_conv2d_native_backprop_filter",
  BACKPROP_FILTER_PARAMS,
  (a) => {
    const attrs = checkedAttrs(
      a.strides,
      a.padding,
      a.dataFormat,
      a.dilations,
      "DepthwiseConv2dNativeBackpropFilter",
    );
    return inOpScope(
      a.name,
      "DepthwiseConv2dNativeBackpropFilter",
      [a.input, a.filterSizes, a.outBackprop],
      (scope) => {
        const x = convertToTensor(a.input, { name: "input" });
        const sizes = convertToTensor(a.filterSizes, {
          name: "filter_sizes",
          preferredDtype: "int32",
        });
        const dy = convertToTensor(a.outBackprop, {
          name: "out_backprop",
          preferredDtype: x.dtype,
        });
        // OpDef order: `input`, `filter_sizes`, `out_backprop`.
        checkOpInputs("DepthwiseConv2dNativeBackpropFilter", [x, sizes, dy], {});
        return depthwiseBackpropFilter(x, sizes, dy, attrs, scope);
      },
    );
  },
);
