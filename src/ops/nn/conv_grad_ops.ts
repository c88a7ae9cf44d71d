import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp, makeOp } from "../op_scope.js";
import { registerOp, registerShapeFunction } from "../registry.js";
import { readInts, staticShapeOf } from "../tensor_util.js";
import * as K from "./conv_grad_kernels.js";
import { CONV2D_ATTRS } from "./conv.js";

/*
 * The gradient ops of the convolution and pooling ops (`Conv2DBackpropInput`,
 * `Conv2DBackpropFilter`, `MaxPoolGrad`, `AvgPoolGrad`): kernels that convert data formats
 * and read attributes around the tfjs computations of `conv_grad_kernels.ts`, and
 * builders named as `gen_nn_ops` names them.
 */

/** The attributes TensorFlow's conv and pool ops share. */
export interface ConvAttrs {
  strides: number[];
  padding: string;
  data_format: string;
  dilations?: number[];
  explicit_paddings?: number[];
  ksize?: number[];
  use_cudnn_on_gpu?: boolean;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/** The (height, width) entries of a 4-element attr in the op's data format. */
function spatial(
  values: readonly number[] | undefined,
  format: string,
  fallback: number,
): [number, number] {
  if (values === undefined || values.length !== 4) return [fallback, fallback];
  return format === "NCHW"
    ? [values[2] as number, values[3] as number]
    : [values[1] as number, values[2] as number];
}

function geometry(attrs: Readonly<Record<string, unknown>>): K.Conv2DGeometry {
  const format = (attrs.data_format as string | undefined) ?? "NHWC";
  const g: K.Conv2DGeometry = {
    strides: spatial(attrs.strides as number[] | undefined, format, 1),
    dilations: spatial(attrs.dilations as number[] | undefined, format, 1),
    padding: (attrs.padding as string | undefined) ?? "VALID",
  };
  const explicit = attrs.explicit_paddings as number[] | undefined;
  if (g.padding === "EXPLICIT" && explicit !== undefined && explicit.length === 8) {
    const [h, w] = format === "NCHW" ? [4, 6] : [2, 4];
    g.explicitPads = [explicit[h], explicit[h + 1], explicit[w], explicit[w + 1]] as [
      number,
      number,
      number,
      number,
    ];
  }
  return g;
}

function toNHWC<T extends tfc.Tensor>(x: T, format: string): tfc.Tensor4D {
  return (format === "NCHW" ? tfc.transpose(x, NCHW_TO_NHWC) : x) as unknown as tfc.Tensor4D;
}

function fromNHWC(x: tfc.Tensor, format: string): tfc.Tensor {
  return format === "NCHW" ? tfc.transpose(x, NHWC_TO_NCHW) : x;
}

function nhwcShape(shape: readonly number[], format: string): number[] {
  return format === "NCHW" ? NCHW_TO_NHWC.map((i) => shape[i] as number) : shape.slice();
}

function sizesOf(op: Operation, t: tfc.Tensor, key: string): number[] {
  return (op.buildData[key] as number[] | null) ?? readInts(t);
}

/**
 * TF's `ConvBackpropComputeDimensionsV2` checks (label `Conv2DCustomBackpropInput`, the CPU
 * kernel's): sizes no `conv2d` maps to `dy` are an error, not a silently wrong result
 * (user-given `conv2d_transpose` output shapes reach this kernel unchecked).
 */
function checkBackpropInputDims(
  op: Operation,
  inputShape: readonly number[],
  filter: tfc.Tensor,
  dy: tfc.Tensor,
  format: string,
): void {
  const label = "Conv2DCustomBackpropInput";
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(`${label}: ${msg}`, op.name);
  };
  if (inputShape.length !== 4) fail("input_sizes input must be 1-dimensional with 4 elements");
  if (filter.rank !== 4) fail("filter must be 4-dimensional");
  if (dy.rank !== 4) fail("out_backprop must be 4-dimensional");
  const out = nhwcShape(dy.shape, format);
  if (inputShape[0] !== out[0]) {
    fail(
      `input and out_backprop must have the same batch sizeinput batch: ${inputShape[0]}outbackprop batch: ${out[0]} batch_dim: 0`,
    );
  }
  const [fh, fw, fin, fout] = filter.shape as [number, number, number, number];
  if (inputShape[3] !== fin) fail("input depth must be evenly divisible by filter depth");
  if (fout !== out[3]) fail("filter and out_backprop must have the same out_depth");
  const g = geometry(op.attrs);
  const fsizes = [fh, fw];
  for (let i = 0; i < 2; i++) {
    const input = inputShape[i + 1] as number;
    const stride = g.strides[i] as number;
    const dilation = g.dilations[i] as number;
    const effective = ((fsizes[i] as number) - 1) * dilation + 1;
    const computed =
      g.padding === "SAME"
        ? Math.ceil(input / stride)
        : g.padding === "VALID"
          ? Math.ceil((input - effective + 1) / stride)
          : null;
    const actual = out[i + 1] as number;
    if (computed !== null && actual !== computed) {
      const spatialDim = format === "NCHW" ? i + 2 : i + 1;
      fail(
        `Size of out_backprop doesn't match computed: actual = ${actual}, computed = ${computed} spatial_dim: ${spatialDim} input: ${input} filter: ${fsizes[i]} output: ${actual} stride: ${stride} dilation: ${dilation}`,
      );
    }
  }
}

registerOp({
  type: "Conv2DBackpropInput",
  opDef: {
    inputs: ["input_sizes: int32", "filter: T", "out_backprop: T"],
    outputs: ["output: T"],
    attrs: CONV2D_ATTRS,
  },
  kernel: ([sizes, filter, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    const inputShape = nhwcShape(sizesOf(op, sizes as tfc.Tensor, "_input_sizes"), format);
    checkBackpropInputDims(op, inputShape, filter as tfc.Tensor, dy as tfc.Tensor, format);
    return [
      tfc.tidy(() =>
        fromNHWC(
          K.conv2dBackpropInput(
            inputShape,
            filter as tfc.Tensor4D,
            toNHWC(dy as tfc.Tensor, format),
            geometry(op.attrs),
          ),
          format,
        ),
      ),
    ];
  },
});

registerOp({
  type: "Conv2DBackpropFilter",
  opDef: {
    inputs: ["input: T", "filter_sizes: int32", "out_backprop: T"],
    outputs: ["output: T"],
    attrs: CONV2D_ATTRS,
  },
  kernel: ([x, sizes, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    const filterShape = sizesOf(op, sizes as tfc.Tensor, "_filter_sizes");
    return [
      tfc.tidy(() =>
        K.conv2dBackpropFilter(
          toNHWC(x as tfc.Tensor, format),
          filterShape,
          toNHWC(dy as tfc.Tensor, format),
          geometry(op.attrs),
        ),
      ),
    ];
  },
});

function convAttrs(attrs: ConvAttrs, dtype: DType): Record<string, unknown> {
  const out: Record<string, unknown> = {
    T: dtype,
    strides: attrs.strides.slice(),
    use_cudnn_on_gpu: attrs.use_cudnn_on_gpu ?? true,
    padding: attrs.padding,
    explicit_paddings: (attrs.explicit_paddings ?? []).slice(),
    data_format: attrs.data_format,
    dilations: (attrs.dilations ?? [1, 1, 1, 1]).slice(),
  };
  return out;
}

/**
 * `gen_nn_ops.conv2d_backprop_input(input_sizes, filter, out_backprop, …)`; `scope` (an
 * entered name scope, as `conv2d_transpose/`) names the op exactly, as TF's `name=scope`.
 */
export function conv2dBackpropInput(
  sizes: Tensor,
  filter: Tensor,
  dy: Tensor,
  attrs: ConvAttrs,
  scope?: string,
): Tensor {
  const shape = staticShapeOf(sizes);
  const known = shape.isFullyDefined() ? (shape.asList() as number[]) : null;
  const outputs = [
    { dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape },
  ];
  const opAttrs = { ...convAttrs(attrs, dy.dtype), _input_sizes: known };
  const inputs = [sizes, filter, dy];
  const op =
    scope === undefined
      ? buildOp("Conv2DBackpropInput", inputs, outputs, opAttrs)
      : makeOp(dy.graph, "Conv2DBackpropInput", scope, inputs, outputs, opAttrs);
  return op.outputs[0] as Tensor;
}

/** `gen_nn_ops.conv2d_backprop_filter(input, filter_sizes, out_backprop, …)`. */
export function conv2dBackpropFilter(
  x: Tensor,
  sizes: Tensor,
  dy: Tensor,
  attrs: ConvAttrs,
): Tensor {
  const shape = staticShapeOf(sizes);
  const known = shape.isFullyDefined() ? (shape.asList() as number[]) : null;
  return buildOp(
    "Conv2DBackpropFilter",
    [x, sizes, dy],
    [{ dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape }],
    { ...convAttrs(attrs, dy.dtype), _filter_sizes: known },
  ).outputs[0] as Tensor;
}

registerOp({
  type: "MaxPoolGrad",
  opDef: {
    inputs: ["orig_input: T", "orig_output: T", "grad: T"],
    outputs: ["output: T"],
    attrs: [
      "ksize: list(int) >= 4",
      "strides: list(int) >= 4",
      "padding: {'SAME', 'VALID'}",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64} = float",
    ],
  },
  kernel: ([x, y, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    return [
      tfc.tidy(() =>
        fromNHWC(
          K.maxPoolGrad(
            toNHWC(x as tfc.Tensor, format),
            toNHWC(y as tfc.Tensor, format),
            toNHWC(dy as tfc.Tensor, format),
            spatial(op.attrs.ksize as number[], format, 1),
            spatial(op.attrs.strides as number[], format, 1),
            op.attrs.padding as string,
          ),
          format,
        ),
      ),
    ];
  },
});

/** `gen_nn_ops.max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding)`. */
export function maxPoolGrad(x: Tensor, y: Tensor, dy: Tensor, attrs: ConvAttrs): Tensor {
  return buildOp("MaxPoolGrad", [x, y, dy], [{ dtype: dy.dtype, shape: x.shape }], {
    T: dy.dtype,
    ksize: (attrs.ksize ?? []).slice(),
    strides: attrs.strides.slice(),
    padding: attrs.padding,
    data_format: attrs.data_format,
  }).outputs[0] as Tensor;
}

registerOp({
  type: "AvgPoolGrad",
  opDef: {
    inputs: ["orig_input_shape: int32", "grad: T"],
    outputs: ["output: T"],
    attrs: [
      "ksize: list(int) >= 4",
      "strides: list(int) >= 4",
      "padding: {'SAME', 'VALID'}",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
      "T: {half, bfloat16, float, double}",
    ],
  },
  kernel: ([sizes, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    const inputShape = nhwcShape(sizesOf(op, sizes as tfc.Tensor, "_input_sizes"), format);
    return [
      tfc.tidy(() =>
        fromNHWC(
          K.avgPoolGrad(
            inputShape,
            toNHWC(dy as tfc.Tensor, format),
            spatial(op.attrs.ksize as number[], format, 1),
            spatial(op.attrs.strides as number[], format, 1),
            op.attrs.padding as string,
          ),
          format,
        ),
      ),
    ];
  },
});

/** `gen_nn_ops.avg_pool_grad(orig_input_shape, grad, ksize, strides, padding)`. */
export function avgPoolGrad(sizes: Tensor, dy: Tensor, attrs: ConvAttrs): Tensor {
  const shape = staticShapeOf(sizes);
  return buildOp(
    "AvgPoolGrad",
    [sizes, dy],
    [{ dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape }],
    {
      T: dy.dtype,
      ksize: (attrs.ksize ?? []).slice(),
      strides: attrs.strides.slice(),
      padding: attrs.padding,
      data_format: attrs.data_format,
      _input_sizes: shape.isFullyDefined() ? shape.asList() : null,
    },
  ).outputs[0] as Tensor;
}

/**
 * The shape functions of the conv backprop ops (`MakeShapeFromShapeTensor` of their sizes
 * input), for ops created by graph import: an imported gradient keeps its static shape.
 */
registerShapeFunction(
  (op) => [backpropShapeOf(op.inputs[0] as Tensor)],
  "Conv2DBackpropInput",
  "AvgPoolGrad",
);
registerShapeFunction((op) => [backpropShapeOf(op.inputs[1] as Tensor)], "Conv2DBackpropFilter");
registerShapeFunction((op) => [(op.inputs[0] as Tensor).shape], "MaxPoolGrad");

function backpropShapeOf(sizes: Tensor): TensorShape {
  const shape = staticShapeOf(sizes);
  return shape.dims === null ? TensorShape.unknownOfRank(4) : shape;
}
