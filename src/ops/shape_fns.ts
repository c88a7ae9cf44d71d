/**
 * TensorFlow's shape functions (`SetShapeFn`) of the common op types, for ops created
 * without their builder (graph import): the same rules and error texts the builders
 * apply, through the shared helpers (`broadcastShapes`, `ShapeInference`,
 * `windowedOutputSize`, `constantValueAsShape`). An op type without one gets unknown
 * shapes (or the GraphDef's `_output_shapes`).
 */
import type { DType } from "../graph/dtypes.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import type { ConstValue } from "./const_value.js";
import { spatialIndices, windowedOutputSize, type DataFormat } from "./nn/conv_utils.js";
import { registerShapeFunction, type ShapeInferenceOp } from "./registry.js";
import { concatShape } from "./array/concat.js";
import { padShape } from "./array/pad.js";
import { reshapeShape } from "./array/reshape.js";
import { masksOf, stridedSliceShape } from "./array/strided_slice.js";
import { reductionShape } from "./math/reduce.js";
import { broadcastShapes, ShapeInference } from "./shape_utils.js";
import { constantInts, constantScalar, constantValueAsShape } from "./tensor_util.js";

function shapeOf(op: ShapeInferenceOp, i: number): TensorShape {
  return (op.inputs[i] as Tensor).shape;
}

function inference(op: ShapeInferenceOp): ShapeInference {
  return new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
}

const unknown = (): TensorShape => TensorShape.unknown();
const scalar = (): TensorShape => TensorShape.scalar();

// Sources: the shape is an attr.
registerShapeFunction((op) => [new TensorShape((op.attrs.value as ConstValue).shape)], "Const");
registerShapeFunction((op) => [op.attrs.shape as TensorShape], "VariableV2");
registerShapeFunction(
  (op) => {
    const shape = op.attrs.shape as TensorShape;
    // GraphDefs before version 22 wrote an unknown placeholder shape as `shape {}`.
    if (op.graphDefVersion <= 21 && (shape.rank ?? 0) === 0) return [unknown()];
    return [shape];
  },
  "Placeholder",
  "PlaceholderV2",
);
registerShapeFunction(
  (op) => [inference(op).mergeShape(shapeOf(op, 0), op.attrs.shape as TensorShape)],
  "PlaceholderWithDefault",
);

// Element-wise ops and ops whose output is shaped as their first input.
registerShapeFunction(
  (op) => op.outputDTypes.map(() => shapeOf(op, 0)),
  "Identity",
  "StopGradient",
  "Snapshot",
  "PreventGradient",
  "CheckNumerics",
  "Neg",
  "Square",
  "Sqrt",
  "Rsqrt",
  "Exp",
  "Log",
  "Log1p",
  "Abs",
  "Sign",
  "Floor",
  "Ceil",
  "Round",
  "Reciprocal",
  "Sin",
  "Cos",
  "Tanh",
  "Sigmoid",
  "Relu",
  "Relu6",
  "Elu",
  "Selu",
  "Softplus",
  "LogicalNot",
  "IsFinite",
  "Cast",
  "ZerosLike",
  "OnesLike",
  "Softmax",
  "LogSoftmax",
  "Enter",
  "Exit",
  "NextIteration",
  "RefEnter",
  "RefExit",
  "RefIdentity",
  "RefNextIteration",
  "LoopCond",
  "Assign",
  "AssignAdd",
  "AssignSub",
  "ReluGrad",
  "Relu6Grad",
  "EluGrad",
  "SeluGrad",
  "SoftplusGrad",
  "SigmoidGrad",
  "TanhGrad",
  "RsqrtGrad",
  "SqrtGrad",
  "ReciprocalGrad",
  "BiasAdd",
);

// Element-wise binary ops with NumPy broadcasting.
registerShapeFunction(
  (op) => [broadcastShapes(shapeOf(op, 0), shapeOf(op, 1), op.name, op.type)],
  "Add",
  "AddV2",
  "Sub",
  "Mul",
  "RealDiv",
  "Div",
  "DivNoNan",
  "FloorDiv",
  "FloorMod",
  "TruncateDiv",
  "Pow",
  "Maximum",
  "Minimum",
  "SquaredDifference",
  "Equal",
  "NotEqual",
  "Less",
  "LessEqual",
  "Greater",
  "GreaterEqual",
  "LogicalAnd",
  "LogicalOr",
);

registerShapeFunction((op) => {
  const si = inference(op);
  let shape = shapeOf(op, 0);
  for (let i = 1; i < op.inputs.length; i++) shape = si.mergeShape(shape, shapeOf(op, i));
  return [shape];
}, "AddN");

registerShapeFunction((op) => {
  const si = inference(op);
  const a = si.withRank(shapeOf(op, 0), 2);
  const b = si.withRank(shapeOf(op, 1), 2);
  const ta = op.attrs.transpose_a === true;
  const tb = op.attrs.transpose_b === true;
  si.mergeDim((ta ? a[0] : a[1]) as Dim, (tb ? b[1] : b[0]) as Dim);
  return [new TensorShape([(ta ? a[1] : a[0]) as Dim, (tb ? b[0] : b[1]) as Dim])];
}, "MatMul");

// math_ops.cc's BatchMatMulV2Shape: broadcast batch dims, inner dims merged.
registerShapeFunction((op) => {
  const si = inference(op);
  const a = si.withRankAtLeast(shapeOf(op, 0), 2);
  const b = si.withRankAtLeast(shapeOf(op, 1), 2);
  if (a === null || b === null) return [TensorShape.unknown()];
  const adjX = op.attrs.adj_x === true;
  const adjY = op.attrs.adj_y === true;
  const at = (d: Dim[], i: number): Dim => d[d.length + i] as Dim;
  si.mergeDim(at(a, adjX ? -2 : -1), at(b, adjY ? -1 : -2));
  const batch = broadcastShapes(
    new TensorShape(a.slice(0, -2)),
    new TensorShape(b.slice(0, -2)),
    op.name,
    op.type,
  );
  const rows = at(a, adjX ? -1 : -2);
  const cols = at(b, adjY ? -2 : -1);
  return [new TensorShape([...(batch.dims as Dim[]), rows, cols])];
}, "BatchMatMulV2");

registerShapeFunction((op) => {
  const dims = shapeOf(op, 0).dims;
  return [dims === null ? TensorShape.unknownOfRank(1) : new TensorShape([dims.length])];
}, "Shape");
registerShapeFunction(() => [scalar()], "Size", "Rank", "L2Loss");

registerShapeFunction(
  (op) => {
    const s = shapeOf(op, 0);
    return [s, s];
  },
  "Switch",
  "RefSwitch",
);
registerShapeFunction(
  (op) => {
    // Shapes that differ in a dim leave it unknown; differing ranks, the whole shape.
    let out: TensorShape | null = null;
    for (const t of op.inputs) {
      const s = t.shape;
      if (out === null) out = s;
      else if (out.dims === null || s.dims === null || out.dims.length !== s.dims.length)
        out = TensorShape.unknown();
      else out = new TensorShape(out.dims.map((d, i) => (d === (s.dims as Dim[])[i] ? d : null)));
    }
    return [out ?? unknown(), scalar()];
  },
  "Merge",
  "RefMerge",
);

registerShapeFunction(
  (op) => [
    reshapeShape(inference(op), shapeOf(op, 0), constantValueAsShape(op.inputs[1] as Tensor)),
  ],
  "Reshape",
);

registerShapeFunction(
  (op) => [constantValueAsShape(op.inputs[0] as Tensor)],
  "Fill",
  "RandomUniform",
  "RandomStandardNormal",
  "TruncatedNormal",
  "RandomUniformInt",
);

/** Reductions: the constant axes removed, or kept as 1 with `keep_dims`. */
registerShapeFunction(
  (op) => [
    reductionShape(
      inference(op),
      shapeOf(op, 0),
      constantInts(op.inputs[1] as Tensor),
      op.attrs.keep_dims === true,
    )[0],
  ],
  "Sum",
  "Mean",
  "Max",
  "Min",
  "Prod",
  "All",
  "Any",
);

registerShapeFunction(
  (op) => {
    const input = shapeOf(op, 0);
    const axis = constantScalar(op.inputs[1] as Tensor);
    if (input.dims === null || axis === null) return [unknown()];
    const rank = input.dims.length;
    const a = axis < 0 ? axis + rank : axis;
    return [new TensorShape(input.dims.filter((_, i) => i !== a))];
  },
  "ArgMax",
  "ArgMin",
);

registerShapeFunction((op) => {
  const n = op.inputs.length - 1;
  const shapes = op.inputs.slice(0, n).map((t) => t.shape);
  return [concatShape(inference(op), shapes, constantScalar(op.inputs[n] as Tensor))];
}, "ConcatV2");

registerShapeFunction(
  (op) => [padShape(inference(op), op.inputs[0] as Tensor, op.inputs[1] as Tensor, null)],
  "Pad",
  "PadV2",
);
registerShapeFunction(
  (op) => [
    padShape(
      inference(op),
      op.inputs[0] as Tensor,
      op.inputs[1] as Tensor,
      op.attrs.mode as string,
    ),
  ],
  "MirrorPad",
);

registerShapeFunction((op) => {
  const si = inference(op);
  let shape = shapeOf(op, 0);
  for (const t of op.inputs) shape = si.mergeShape(shape, t.shape);
  if (shape.dims === null) return [unknown()];
  const axisAttr = op.attrs.axis as number;
  const rank = shape.dims.length + 1;
  const a = axisAttr < 0 ? axisAttr + rank : axisAttr;
  const dims = shape.dims.slice();
  dims.splice(a, 0, op.inputs.length);
  return [new TensorShape(dims)];
}, "Pack");

registerShapeFunction((op) => {
  const input = shapeOf(op, 0);
  const axis = constantScalar(op.inputs[1] as Tensor);
  if (input.dims === null || axis === null) return [unknown()];
  const rank = input.dims.length + 1;
  const dims = input.dims.slice();
  dims.splice(axis < 0 ? axis + rank : axis, 0, 1);
  return [new TensorShape(dims)];
}, "ExpandDims");

registerShapeFunction((op) => {
  const input = shapeOf(op, 0);
  if (input.dims === null) return [unknown()];
  const rank = input.dims.length;
  const axes = ((op.attrs.squeeze_dims as number[] | undefined) ?? []).map((a) =>
    a < 0 ? a + rank : a,
  );
  if (axes.length === 0) {
    if (input.dims.some((d) => d === null)) return [unknown()];
    return [new TensorShape(input.dims.filter((d) => d !== 1))];
  }
  return [new TensorShape(input.dims.filter((_, i) => !axes.includes(i)))];
}, "Squeeze");

registerShapeFunction((op) => {
  const input = shapeOf(op, 0);
  const perm = constantInts(op.inputs[1] as Tensor);
  if (input.dims === null) return [unknown()];
  if (perm === null) return [TensorShape.unknownOfRank(input.dims.length)];
  return [new TensorShape(perm.map((p) => (input.dims as Dim[])[p] as Dim))];
}, "Transpose");

registerShapeFunction((op) => {
  const input = shapeOf(op, 0);
  const multiples = constantInts(op.inputs[1] as Tensor);
  if (input.dims === null) return [unknown()];
  if (multiples === null) return [TensorShape.unknownOfRank(input.dims.length)];
  return [new TensorShape(input.dims.map((d, i) => (d === null ? null : d * (multiples[i] ?? 1))))];
}, "Tile");

/** The attrs of a 2-D convolution or pooling op, in NHWC order. */
function windowed(
  op: ShapeInferenceOp,
  input: readonly Dim[],
  window: [Dim, Dim],
  outChannels: Dim,
): TensorShape {
  const si = inference(op);
  const format = ((op.attrs.data_format as string | undefined) ?? "NHWC") as DataFormat;
  const { h, w } = spatialIndices(format);
  const strides = op.attrs.strides as number[];
  const dilations = (op.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1];
  const padding = op.attrs.padding as string;
  const explicit = (op.attrs.explicit_paddings as number[] | undefined) ?? [];
  const size = (axis: number, k: number): Dim =>
    windowedOutputSize(
      si,
      input[axis] as Dim,
      window[k] as Dim,
      dilations[axis] ?? 1,
      strides[axis] ?? 1,
      padding,
      explicit[2 * axis] ?? 0,
      explicit[2 * axis + 1] ?? 0,
    );
  const out: Dim[] = new Array<Dim>(4);
  out[0] = input[0] as Dim;
  out[h] = size(h, 0);
  out[w] = size(w, 1);
  out[format === "NHWC" ? 3 : 1] = outChannels;
  return new TensorShape(out);
}

registerShapeFunction((op) => {
  const si = inference(op);
  const input = si.withRank(shapeOf(op, 0), 4);
  const filter = si.withRank(shapeOf(op, 1), 4);
  const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
  const channels = input[spatialIndices(format as DataFormat).c] as Dim;
  si.mergeDim(channels, filter[2] as Dim);
  return [windowed(op, input, [filter[0] as Dim, filter[1] as Dim], filter[3] as Dim)];
}, "Conv2D");

registerShapeFunction(
  (op) => {
    const si = inference(op);
    const input = si.withRank(shapeOf(op, 0), 4);
    const ksize = op.attrs.ksize as number[];
    const format = ((op.attrs.data_format as string | undefined) ?? "NHWC") as DataFormat;
    const { h, w, c } = spatialIndices(format);
    return [windowed(op, input, [ksize[h] ?? 1, ksize[w] ?? 1], input[c] as Dim)];
  },
  "MaxPool",
  "AvgPool",
);

registerShapeFunction(
  (op) => {
    const si = inference(op);
    const logits = si.withRank(shapeOf(op, 0), 2);
    return [new TensorShape([logits[0] as Dim]), new TensorShape(logits)];
  },
  "SoftmaxCrossEntropyWithLogits",
  "SparseSoftmaxCrossEntropyWithLogits",
);

registerShapeFunction(
  () => [TensorShape.unknownOfRank(1), TensorShape.unknownOfRank(1)],
  "BroadcastGradientArgs",
);
registerShapeFunction(() => [TensorShape.unknownOfRank(1)], "Range");

/** `RestoreV2`: one tensor per name, shapes known only when restored. */
registerShapeFunction((op) => (op.attrs.dtypes as DType[]).map(() => unknown()), "RestoreV2");

registerShapeFunction(
  (op) => [
    stridedSliceShape(
      op.name,
      op.inputs[0] as Tensor,
      op.inputs[1] as Tensor,
      op.inputs[2] as Tensor,
      op.inputs[3] as Tensor,
      masksOf(op),
    ),
  ],
  "StridedSlice",
);

registerShapeFunction((op) => {
  const input = shapeOf(op, 0);
  const begin = constantInts(op.inputs[1] as Tensor);
  const size = constantInts(op.inputs[2] as Tensor);
  if (size === null) return [TensorShape.unknownOfRank(shapeOf(op, 2).dims?.[0] ?? 0)];
  return [
    new TensorShape(
      size.map((s, i) => {
        if (s >= 0) return s;
        const d = input.dims?.[i] ?? null;
        const b = begin?.[i];
        return d === null || b === undefined ? null : d - b;
      }),
    ),
  ];
}, "Slice");

registerShapeFunction(
  (op) => {
    const params = shapeOf(op, 0);
    const indices = shapeOf(op, 1);
    const axis = op.type === "GatherV2" ? constantScalar(op.inputs[2] as Tensor) : 0;
    if (params.dims === null || indices.dims === null || axis === null) return [unknown()];
    const a = axis < 0 ? axis + params.dims.length : axis;
    return [
      new TensorShape([...params.dims.slice(0, a), ...indices.dims, ...params.dims.slice(a + 1)]),
    ];
  },
  "Gather",
  "GatherV2",
);

registerShapeFunction((op) => {
  const input = shapeOf(op, 0);
  const num = op.attrs.num as number;
  if (input.dims === null) return Array.from({ length: num }, unknown);
  const axis = op.attrs.axis as number;
  const a = axis < 0 ? axis + input.dims.length : axis;
  const one = new TensorShape(input.dims.filter((_, i) => i !== a));
  return Array.from({ length: num }, () => one);
}, "Unpack");

registerShapeFunction((op) => {
  const indices = shapeOf(op, 0);
  const depth = constantScalar(op.inputs[1] as Tensor);
  if (indices.dims === null) return [unknown()];
  const axis = op.attrs.axis as number;
  const dims = indices.dims.slice();
  dims.splice(axis < 0 ? dims.length : axis, 0, depth);
  return [new TensorShape(dims)];
}, "OneHot");

registerShapeFunction((op) => {
  const n = op.attrs.num_split as number;
  const axis = constantScalar(op.inputs[0] as Tensor);
  const value = shapeOf(op, 1);
  if (value.dims === null) return Array.from({ length: n }, unknown);
  if (axis === null)
    return Array.from({ length: n }, () => TensorShape.unknownOfRank(value.rank ?? 0));
  const a = axis < 0 ? axis + value.dims.length : axis;
  const dims = value.dims.slice();
  dims[a] = inference(op).divide(dims[a] as Dim, n, true);
  const one = new TensorShape(dims);
  return Array.from({ length: n }, () => one);
}, "Split");

registerShapeFunction((op) => {
  const si = inference(op);
  const t = si.mergeShape(shapeOf(op, 1), shapeOf(op, 2));
  return [t];
}, "Select");
