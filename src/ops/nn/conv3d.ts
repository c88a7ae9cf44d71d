import * as tfc from "@tensorflow/tfjs-core";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  alias,
  anyKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, registerShapeFunction } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts, staticShapeOf } from "../tensor_util.js";
import { intsKind } from "./conv_utils.js";
import {
  checkConv3dAttrs,
  checkStringAttr,
  conv3dShape,
  dataFormat3dOf,
  getSequence3d,
  indices3d,
  kernelError,
  listAttr5,
  spatial3,
  type DataFormat3D,
} from "./conv3d_utils.js";

/*
 * The 3-D convolutions (`Conv3D` and its gradient ops `Conv3DBackpropInputV2`,
 * `Conv3DBackpropFilterV2`) on tfjs's conv3d kernels, with the checks and messages of
 * TF 1.15's CPU kernels: like them, they run NDHWC only and without dilations (graphs
 * with NCDHW or dilations build, with TF's static shapes, and fail when run).
 */

/** The attrs `Conv3D` and its gradient ops share, as TF 1.15 registers them. */
const CONV3D_ATTRS = [
  "T: {half, bfloat16, float, double}",
  "strides: list(int) >= 5",
  "padding: {'SAME', 'VALID'}",
  "data_format: {'NDHWC', 'NCDHW'} = 'NDHWC'",
  "dilations: list(int) = [1, 1, 1, 1, 1]",
];

/** The launch checks of TF 1.15's CPU kernels (after the attr and shape checks). */
function checkCpuLaunch(op: Operation, label: string, format: string): void {
  const dilations = (op.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1, 1];
  if (format !== "NDHWC") {
    throw kernelError(
      op,
      label === "Conv3D"
        ? "CPU implementation of Conv3D currently only supports the NHWC tensor format."
        : `${label} only supports NDHWC on the CPU.`,
    );
  }
  if (spatial3(dilations, format).some((d) => d !== 1)) {
    throw kernelError(
      op,
      label === "Conv3D"
        ? "CPU implementation of Conv3D currently only supports dilated rates of 1."
        : "Current CPU implementation does not yet support dilation rates larger than 1.",
    );
  }
}

function padOf(op: Operation): "same" | "valid" {
  return (op.attrs.padding as string) === "SAME" ? "same" : "valid";
}

registerOp({
  type: "Conv3D",
  opDef: { inputs: ["input: T", "filter: T"], outputs: ["output: T"], attrs: CONV3D_ATTRS },
  kernel: ([input, filter], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NDHWC";
    checkConv3dAttrs(op, format, true);
    const strides = op.attrs.strides as number[];
    if (spatial3(strides, format).some((s) => s <= 0)) {
      throw kernelError(op, "Spatial strides should be larger than 0.");
    }
    const x = input as tfc.Tensor;
    const w = filter as tfc.Tensor;
    if (x.rank !== 5) throw kernelError(op, "input must be 5-dimensional");
    if (w.rank !== 5) throw kernelError(op, "filter must be 5-dimensional");
    if (x.shape[indices3d(format).c] !== w.shape[3]) {
      throw kernelError(op, "input and filter must have the same depth");
    }
    checkCpuLaunch(op, "Conv3D", format);
    return [
      tfc.conv3d(
        x as tfc.Tensor5D,
        w as tfc.Tensor5D,
        spatial3(strides, format),
        padOf(op),
        "NDHWC",
      ),
    ];
  },
});

/**
 * TF's `ConvBackpropComputeDimensionsV2` checks (with the CPU kernel's `label`): sizes that
 * no `conv3d` maps to `dy` are an error, not a wrong result (user-given `conv3d_transpose`
 * output shapes reach the kernel unchecked).
 */
function checkBackpropDims(
  op: Operation,
  label: string,
  inputShape: readonly number[],
  filterShape: readonly number[],
  dy: tfc.Tensor,
): void {
  const fail = (msg: string): never => {
    throw kernelError(op, `${label}: ${msg}`);
  };
  if (inputShape.length !== 5) fail("input must be 5-dimensional");
  if (filterShape.length !== 5) fail("filter must be 5-dimensional");
  if (dy.rank !== 5) fail("out_backprop must be 5-dimensional");
  const out = dy.shape;
  if (inputShape[0] !== out[0]) {
    fail(
      `input and out_backprop must have the same batch sizeinput batch: ${inputShape[0]}outbackprop batch: ${out[0]} batch_dim: 0`,
    );
  }
  if ((inputShape[4] as number) % (filterShape[3] as number) !== 0) {
    fail("input depth must be evenly divisible by filter depth");
  }
  if (filterShape[4] !== out[4]) fail("filter and out_backprop must have the same out_depth");
  const strides = op.attrs.strides as number[];
  const padding = op.attrs.padding as string;
  for (let i = 0; i < 3; i++) {
    const input = inputShape[i + 1] as number;
    const filter = filterShape[i] as number;
    const stride = strides[i + 1] as number;
    const computed =
      padding === "SAME" ? Math.ceil(input / stride) : Math.ceil((input - filter + 1) / stride);
    const actual = out[i + 1] as number;
    if (actual !== computed) {
      fail(
        `Size of out_backprop doesn't match computed: actual = ${actual}, computed = ${computed} spatial_dim: ${i + 1} input: ${input} filter: ${filter} output: ${actual} stride: ${stride} dilation: 1`,
      );
    }
  }
}

function sizesOf(op: Operation, t: tfc.Tensor): number[] {
  return (op.buildData._sizes as number[] | null | undefined) ?? readInts(t);
}

registerOp({
  type: "Conv3DBackpropInputV2",
  opDef: {
    inputs: ["input_sizes: Tshape", "filter: T", "out_backprop: T"],
    outputs: ["output: T"],
    attrs: [...CONV3D_ATTRS, "Tshape: {int32, int64} = DT_INT32"],
  },
  kernel: ([sizes, filter, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NDHWC";
    checkCpuLaunch(op, "Conv3DBackpropInputOpV2", format);
    checkConv3dAttrs(op, format, true);
    const inputShape = sizesOf(op, sizes as tfc.Tensor);
    const w = filter as tfc.Tensor5D;
    const g = dy as tfc.Tensor5D;
    checkBackpropDims(op, "Conv3DBackpropInputOp", inputShape, w.shape, g);
    const strides = spatial3(op.attrs.strides as number[], format);
    return [conv3dBackpropInput(inputShape, w, g, strides, padOf(op))];
  },
});

const at = (v: readonly number[], i: number): number => v[i] as number;

/**
 * `dy` with (stride − 1) zeros between its elements along the three spatial axes: its
 * sizes become (size − 1) · stride + 1. One axis at a time, in rank-4 pads
 * (tfjs-backend-wasm pads rank-8 tensors wrongly).
 */
function spreadByStrides(dy: tfc.Tensor5D, strides: readonly number[]): tfc.Tensor5D {
  let d: tfc.Tensor = dy;
  for (let i = 0; i < 3; i++) {
    const stride = at(strides, i);
    if (stride === 1) continue;
    const shape = d.shape;
    const size = at(shape, i + 1);
    const before = shape.slice(0, i + 1).reduce((a, b) => a * b, 1);
    const after = shape.slice(i + 2).reduce((a, b) => a * b, 1);
    const spread = tfc.pad(tfc.reshape(d, [before, size, 1, after]), [
      [0, 0],
      [0, 0],
      [0, stride - 1],
      [0, 0],
    ]);
    const merged = tfc.reshape(spread, [before, size * stride, after]);
    const kept = tfc.slice(merged, [0, 0, 0], [before, (size - 1) * stride + 1, after]);
    const next = shape.slice();
    next[i + 1] = (size - 1) * stride + 1;
    d = tfc.reshape(kept, next);
  }
  return d as tfc.Tensor5D;
}

/** TF's padding before each spatial axis of the input. */
function padsBefore(
  input: readonly number[],
  out: readonly number[],
  k: readonly number[],
  strides: readonly number[],
  pad: "same" | "valid",
): number[] {
  return [0, 1, 2].map((i) => {
    if (pad === "valid") return 0;
    const total = Math.max((at(out, i) - 1) * at(strides, i) + at(k, i) - at(input, i), 0);
    return Math.floor(total / 2);
  });
}

/*
 * tfjs-backend-wasm's `Conv3DBackpropInputV2` and `Conv3DBackpropFilterV2` compute wrong
 * values (with strides, and the input's even without), so both gradients are forward
 * stride-1 convolutions on rearranged operands, with dyD the spread `dy`:
 * - input: dx[i] = Σ_a dyD[i + before − a] · w[a], a VALID convolution of the padded dyD by
 *   the spatially flipped filter with its channels swapped;
 * - filter: dW[a] = Σ_j xpad[j + a] · dyD[j], a VALID convolution of x with batch and
 *   channels swapped ([Ci, D, H, W, N]) by dyD used as the filter ([D', H', W', N, Co]).
 */

function conv3dBackpropInput(
  inputShape: readonly number[],
  w: tfc.Tensor5D,
  dy: tfc.Tensor5D,
  strides: readonly number[],
  pad: "same" | "valid",
): tfc.Tensor5D {
  return tfc.tidy(() => {
    const out = dy.shape.slice(1, 4);
    const input = inputShape.slice(1, 4);
    const k = w.shape.slice(0, 3);
    const before = padsBefore(input, out, k, strides, pad);
    const d = spreadByStrides(dy, strides);
    const pads = [0, 1, 2].map((i): [number, number] => [
      at(k, i) - 1 - at(before, i),
      at(input, i) + at(before, i) - at(d.shape, i + 1),
    ]);
    const padded = tfc.pad(d, [[0, 0], ...pads, [0, 0]]);
    const flipped = tfc.transpose(tfc.reverse(w, [0, 1, 2]), [0, 1, 2, 4, 3]);
    return tfc.conv3d(padded, flipped, 1, "valid");
  });
}

function conv3dBackpropFilter(
  x: tfc.Tensor5D,
  filterShape: readonly number[],
  dy: tfc.Tensor5D,
  strides: readonly number[],
  pad: "same" | "valid",
): tfc.Tensor5D {
  return tfc.tidy(() => {
    const out = dy.shape.slice(1, 4);
    const input = x.shape.slice(1, 4);
    const k = filterShape.slice(0, 3);
    const before = padsBefore(input, out, k, strides, pad);
    const d = spreadByStrides(dy, strides);
    const pads = [0, 1, 2].map((i): [number, number] => [
      at(before, i),
      Math.max(at(d.shape, i + 1) + at(k, i) - 1 - at(input, i) - at(before, i), 0),
    ]);
    const xt = tfc.transpose(tfc.pad(x, [[0, 0], ...pads, [0, 0]]), [4, 1, 2, 3, 0]);
    const dyt = tfc.transpose(d, [1, 2, 3, 0, 4]);
    const full = tfc.conv3d(xt as tfc.Tensor5D, dyt as tfc.Tensor5D, 1, "valid");
    const [ci, , , , co] = full.shape;
    const kept = tfc.slice(full, [0, 0, 0, 0, 0], [ci, at(k, 0), at(k, 1), at(k, 2), co]);
    return tfc.transpose(kept, [1, 2, 3, 0, 4]);
  });
}

registerOp({
  type: "Conv3DBackpropFilterV2",
  opDef: {
    inputs: ["input: T", "filter_sizes: int32", "out_backprop: T"],
    outputs: ["output: T"],
    attrs: CONV3D_ATTRS,
  },
  kernel: ([input, sizes, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NDHWC";
    checkCpuLaunch(op, "Conv3DBackpropFilterOpV2", format);
    checkConv3dAttrs(op, format, true);
    const filterShape = sizesOf(op, sizes as tfc.Tensor);
    const x = input as tfc.Tensor5D;
    const g = dy as tfc.Tensor5D;
    checkBackpropDims(op, "Conv3DBackpropFilterOp", x.shape, filterShape, g);
    const strides = spatial3(op.attrs.strides as number[], format);
    return [conv3dBackpropFilter(x, filterShape, g, strides, padOf(op))];
  },
});

/** The attrs of a 3-D convolution op, as the gradient functions pass them on. */
export interface Conv3DAttrs {
  strides: number[];
  padding: string;
  data_format: string;
  dilations?: number[];
}

function opAttrs(a: Conv3DAttrs, dtype: string): Record<string, unknown> {
  return {
    T: dtype,
    strides: a.strides.slice(),
    padding: a.padding,
    data_format: a.data_format,
    dilations: (a.dilations ?? [1, 1, 1, 1, 1]).slice(),
  };
}

/** `MakeShapeFromShapeTensor` of a sizes input, of rank 5. */
function shapeFromSizes(
  name: string,
  type: string,
  sizes: Tensor,
  inputs: readonly Tensor[],
): TensorShape {
  const si = new ShapeInference(
    name,
    type,
    inputs.map((t) => t.shape),
  );
  si.withRank(sizes.shape, 1);
  const shape = staticShapeOf(sizes);
  if (shape.dims === null) return TensorShape.unknownOfRank(5);
  if (shape.dims.length !== 5) si.fail(`Shape must be rank 5 but is rank ${shape.dims.length}`);
  return shape;
}

/**
 * `gen_nn_ops.conv3d_backprop_input_v2(input_sizes, filter, out_backprop, …)`; `scope` (an
 * entered name scope, as `conv3d_transpose/`) names the op exactly.
 */
export function conv3dBackpropInputV2(
  sizes: Tensor,
  filter: Tensor,
  dy: Tensor,
  attrs: Conv3DAttrs,
  scope?: string,
): Tensor {
  const build = (name: string): Operation => {
    const type = "Conv3DBackpropInputV2";
    const shape = staticShapeOf(sizes);
    const outputs = [
      { dtype: dy.dtype, shape: shapeFromSizes(opNameOf(name), type, sizes, [sizes, filter, dy]) },
    ];
    const all = {
      ...opAttrs(attrs, dy.dtype),
      Tshape: sizes.dtype,
      _sizes: shape.isFullyDefined() ? shape.asList() : null,
    };
    return makeOp(dy.graph, "Conv3DBackpropInputV2", name, [sizes, filter, dy], outputs, all);
  };
  if (scope !== undefined) return build(scope).outputs[0] as Tensor;
  return inOpScope(undefined, "Conv3DBackpropInputV2", [sizes, filter, dy], (s) => build(s))
    .outputs[0] as Tensor;
}

/** `gen_nn_ops.conv3d_backprop_filter_v2(input, filter_sizes, out_backprop, …)`. */
export function conv3dBackpropFilterV2(
  x: Tensor,
  sizes: Tensor,
  dy: Tensor,
  attrs: Conv3DAttrs,
): Tensor {
  const type = "Conv3DBackpropFilterV2";
  const shape = staticShapeOf(sizes);
  return inOpScope(undefined, type, [x, sizes, dy], (scope) =>
    makeOp(
      dy.graph,
      type,
      scope,
      [x, sizes, dy],
      [{ dtype: dy.dtype, shape: shapeFromSizes(opNameOf(scope), type, sizes, [x, sizes, dy]) }],
      { ...opAttrs(attrs, dy.dtype), _sizes: shape.isFullyDefined() ? shape.asList() : null },
    ),
  ).outputs[0] as Tensor;
}

/** Builds a `Conv3D` op named by `scope` (an entered name scope). */
function conv3dOp(
  x: Tensor,
  f: Tensor,
  strides: number[],
  padding: string,
  format: DataFormat3D,
  dilations: number[],
  scope: string,
): Tensor {
  const si = new ShapeInference(opNameOf(scope), "Conv3D", [x.shape, f.shape]);
  const inDims = si.withRank(x.shape, 5);
  const fDims = si.withRank(f.shape, 5);
  const out = conv3dShape(si, inDims, fDims, strides, dilations, padding, format);
  return makeOp(
    x.graph,
    "Conv3D",
    scope,
    [x, f],
    [{ dtype: x.dtype, shape: new TensorShape(out) }],
    { T: x.dtype, strides, padding, data_format: format, dilations },
  ).outputs[0] as Tensor;
}

/** `gen_nn_ops.conv3d` with the attrs of another 3-D convolution op (for gradients). */
export function conv3dLike(x: Tensor, filter: Tensor, attrs: Conv3DAttrs): Tensor {
  return inOpScope(undefined, "Conv3D", [x, filter], (scope) =>
    conv3dOp(
      x,
      filter,
      attrs.strides.slice(),
      attrs.padding,
      attrs.data_format as DataFormat3D,
      (attrs.dilations ?? [1, 1, 1, 1, 1]).slice(),
      scope,
    ),
  );
}

/** Shape functions for imported `Conv3D` ops and the gradient ops. */
registerShapeFunction((op) => {
  const si = new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
  const input = si.withRank((op.inputs[0] as Tensor).shape, 5);
  const filter = si.withRank((op.inputs[1] as Tensor).shape, 5);
  return [
    new TensorShape(
      conv3dShape(
        si,
        input,
        filter,
        op.attrs.strides as number[],
        (op.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1, 1],
        op.attrs.padding as string,
        (op.attrs.data_format as string | undefined) ?? "NDHWC",
      ),
    ),
  ];
}, "Conv3D");
registerShapeFunction(
  (op) => [shapeFromSizes(op.name, op.type, op.inputs[0] as Tensor, op.inputs as Tensor[])],
  "Conv3DBackpropInputV2",
);
registerShapeFunction(
  (op) => [shapeFromSizes(op.name, op.type, op.inputs[1] as Tensor, op.inputs as Tensor[])],
  "Conv3DBackpropFilterV2",
);

/**
 * TF 1.15's `nn.conv3d(input, filter=None, strides=None, padding=None,
 * data_format="NDHWC", dilations=[1, 1, 1, 1, 1], name=None, filters=None)`: `strides` and
 * `dilations` are lists of 5 ints (batch and channels 1), passed to the op as they are.
 */
const CONV3D_PARAMS = [
  req("input", tensorKind),
  opt("filter", tensorKind),
  // As the op's wrapper takes them (checked there, with its messages).
  opt("strides", anyKind<readonly number[]>("a list of ints", false)),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("dilations", anyKind<readonly number[]>("a list of ints", false)),
  opt("name", stringKind),
  alias("filters", "filter", tensorKind, true),
] as const;

/** The options object of {@link conv3d}. */
export type Conv3DOptions = OptionsOf<typeof CONV3D_PARAMS>;

/**
 * A 3-D convolution (`tf.nn.conv3d`, op `Conv3D`): `input` is `[batch, depth, height, width,
 * in_channels]` (NDHWC), `filter` is `[filter_depth, filter_height, filter_width,
 * in_channels, out_channels]`, `strides` 5 ints (1 on batch and channels). The output's
 * size is inferred when the graph is built. Like TF 1.15's CPU kernels, it runs NDHWC only
 * and without dilations.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 8, 16, 16, 3]);
 * const w = tf.getVariable("w", [3, 3, 3, 3, 8]);
 * const y = tf.nn.conv3d(x, w, [1, 2, 2, 2, 1], "SAME");
 * y.name; // ==> Conv3D:0
 * y.shape.toString(); // ==> (?, 4, 8, 8, 8)
 * ```
 */
export const conv3d = tfFunction("nn.conv3d", CONV3D_PARAMS, (a) => {
  // TF 1.15 declares `filter=None` so that `filters=` can stand for it; one is needed.
  if (a.filter === undefined) {
    throw new TypeError("nn.conv3d() missing 1 required argument: 'filter' (or 'filters')");
  }
  const filterArg = a.filter;
  return inOpScope(a.name, "Conv3D", [a.input, filterArg], (scope) => {
    const strides = listAttr5(a.strides, "strides", "Conv3D", "conv3d");
    const padding = checkStringAttr(a.padding, "padding", "Conv3D", ["SAME", "VALID"]);
    const format = dataFormat3dOf(a.dataFormat, "Conv3D");
    const dilations =
      a.dilations === undefined
        ? [1, 1, 1, 1, 1]
        : listAttr5(a.dilations, "dilations", "Conv3D", "conv3d");
    const x = convertToTensor(a.input, { name: "input" });
    const f = convertToTensor(filterArg, { name: "filter", preferredDtype: x.dtype });
    return conv3dOp(x, f, strides, padding, format, dilations, scope);
  });
});

/**
 * TF 1.15's v1 `nn.conv3d_transpose(value, filter=None, output_shape=None, strides=None,
 * padding="SAME", data_format="NDHWC", name=None, input=None, filters=None,
 * dilations=None)`: `input` and `filters` are the newer names of `value` and `filter`;
 * `strides` and `dilations` are an int or 1, 3 or 5 ints.
 */
const CONV3D_TRANSPOSE_PARAMS = [
  opt("value", tensorKind),
  opt("filter", tensorKind),
  opt("outputShape", tensorKind),
  opt("strides", intsKind),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("name", stringKind),
  alias("input", "value", tensorKind, true),
  alias("filters", "filter", tensorKind, true),
  opt("dilations", intsKind),
] as const;

/** The options object of {@link conv3dTranspose}. */
export type Conv3DTransposeOptions = OptionsOf<typeof CONV3D_TRANSPOSE_PARAMS>;

/**
 * The transpose (gradient) of `conv3d` (`tf.nn.conv3d_transpose`, op
 * `Conv3DBackpropInputV2` named `conv3d_transpose`): `value` is `[batch, depth, height,
 * width, in_channels]`, `filter` is `[depth, height, width, output_channels,
 * in_channels]`, and `outputShape` (a list or a 1-D int tensor) is the result's shape.
 * Sizes that no `conv3d` with these strides and padding maps to `value` fail when run.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [2, 4, 4, 4, 8]);
 * const w = tf.getVariable("w", [3, 3, 3, 2, 8]);
 * const y = tf.nn.conv3dTranspose(x, w, [2, 8, 8, 8, 2], [1, 2, 2, 2, 1]);
 * y.name; // ==> conv3d_transpose:0
 * y.shape.toString(); // ==> (2, 8, 8, 8, 2)
 * ```
 */
export const conv3dTranspose = tfFunction("nn.conv3d_transpose", CONV3D_TRANSPOSE_PARAMS, (a) => {
  // TF 1.15 declares every parameter `=None` so that the new names can stand for the old.
  const missing = (arg: string): TypeError =>
    new TypeError(`nn.conv3d_transpose() missing 1 required argument: '${arg}'`);
  if (a.value === undefined) throw missing("value");
  if (a.filter === undefined) throw missing("filter");
  if (a.outputShape === undefined) throw missing("output_shape");
  const [value, filter, outputShape] = [a.value, a.filter, a.outputShape];
  return inOpScope(a.name, "conv3d_transpose", [value, filter, outputShape], (scope) => {
    const format = dataFormat3dOf(a.dataFormat, "Conv3DBackpropInputV2");
    const strides = getSequence3d(a.strides ?? null, format, "strides");
    const dilations = getSequence3d(a.dilations ?? null, format, "dilations");
    const padding = checkStringAttr(a.padding ?? "SAME", "padding", "Conv3DBackpropInputV2", [
      "SAME",
      "VALID",
    ]);
    const x = convertToTensor(value, { name: "out_backprop" });
    const f = convertToTensor(filter, { name: "filter", preferredDtype: x.dtype });
    const sizes = convertToTensor(outputShape, { name: "input_sizes", preferredDtype: "int32" });
    if (sizes.dtype !== "int32" && sizes.dtype !== "int64") {
      throw new TypeError(
        `Value passed to parameter 'input_sizes' has DataType ${sizes.dtype} not in list of allowed values: int32, int64`,
      );
    }
    if (f.dtype !== x.dtype) {
      throw new TypeError(
        `Input 'out_backprop' of 'Conv3DBackpropInputV2' Op has type ${x.dtype} that does not match type ${f.dtype} of argument 'filter'.`,
      );
    }
    return conv3dBackpropInputV2(
      sizes,
      f,
      x,
      { strides, padding, data_format: format, dilations },
      scope,
    );
  });
});
