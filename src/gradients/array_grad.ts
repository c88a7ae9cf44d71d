import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { concat } from "../ops/array/concat.js";
import { constant } from "../ops/array/constant.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { zerosLike } from "../ops/array/like.js";
import { pad } from "../ops/array/pad.js";
import { reshape } from "../ops/array/reshape.js";
import { reverse, reverseSequence } from "../ops/array/reverse.js";
import { rank, size } from "../ops/array/shape.js";
import { slice } from "../ops/array/slice.js";
import { split } from "../ops/array/split.js";
import { squeeze } from "../ops/array/squeeze.js";
import { stack, unstack } from "../ops/array/stack.js";
import { transpose } from "../ops/array/transpose.js";
import { where } from "../ops/array/where.js";
import { pythonOperator } from "../ops/math/operators.js";
import { range } from "../ops/math/range.js";
import { reduceSum } from "../ops/math/reduce.js";
import { noGradient, notDifferentiable, registerGradient } from "../ops/registry.js";
import { constantInts, constantScalar, recordKnownInts, staticInts } from "../ops/tensor_util.js";
import { concatOffset } from "../ops/array/concat_offset.js";
import { invertPermutation } from "../ops/array/invert_permutation.js";
import { mirrorPadGrad } from "../ops/array/mirror_pad_grad.js";
import { shapeN } from "../ops/array/shape.js";
import { unsortedSegmentSum } from "../ops/math/segment.js";
import { cast } from "../ops/array/cast.js";
import { IndexedSlices } from "../ops/indexed_slices.js";
import { g0, pyAdd, pyMul, pySub, shapeOf } from "./grad_util.js";
import { gatherNdOp, scatterNdOp } from "../ops/array/gather_nd.js";
import { gather } from "../ops/array/gather.js";
import { zeros } from "../ops/array/fill.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { reduceProd } from "../ops/math/reduce.js";
import "../ops/array/top_k.js";
import "../ops/array/broadcast_to.js";
import "../ops/array/lin_space.js";
import { checkNumerics } from "../ops/debug/logging_ops.js";
import "../ops/random/shuffle_multinomial.js";
import { roll } from "../ops/array/list_diff_roll.js";
import { neg } from "../ops/math/operators.js";
import { depthToSpace, spaceToDepth } from "../ops/array/depth_space.js";
import { batchToSpaceNd, spaceToBatchNd } from "../ops/array/space_batch.js";
import { matrixInverse } from "../ops/linalg/inverse_det.js";
import { matmul } from "../ops/math/matmul.js";
import { broadcastGradientArgs } from "../ops/array/broadcast_gradient_args.js";
import {
  diag,
  matrixBandPart,
  matrixDiagOp,
  matrixDiagPartOp,
  matrixSetDiagOp,
} from "../ops/linalg/matrix_diag.js";
import { diagPart } from "../ops/linalg/diag_part.js";
import { reduceMin } from "../ops/math/reduce.js";
import { TensorShape } from "../graph/tensor_shape.js";
import type { Packable } from "../ops/convert.js";
// StridedSlice's gradients (the block at the end of this file).
import { shape as shapeAs } from "../ops/array/shape.js";
import {
  stridedSlice,
  stridedSliceGrad,
  type StridedSliceMasks,
} from "../ops/array/strided_slice.js";

/*
 * Gradient functions of the array ops (TensorFlow 1.15's `array_grad.py`), building the
 * ops TensorFlow builds, with its default names. Where TensorFlow computes shapes or
 * offsets in the graph and they are known when building, they are recorded as known
 * values (`recordKnownInts`), so that the consuming op's builder sees them as constants.
 */

function in0(op: Operation): Tensor {
  return op.inputs[0] as Tensor;
}

/** `_ReshapeToInput`: the gradient reshaped to the op's first input. */
function reshapeToInput(op: Operation, grad: Tensor): Tensor {
  return reshape(grad, shapeOf(in0(op)));
}

registerGradient("Reshape", (op, grads) => [reshapeToInput(op, g0(grads)), null]);
registerGradient("ExpandDims", (op, grads) => [reshapeToInput(op, g0(grads)), null]);
registerGradient("Squeeze", (op, grads) => [reshapeToInput(op, g0(grads))]);

registerGradient("Transpose", (op, grads) => {
  const inverse = invertPermutation(op.inputs[1] as Tensor);
  return [transpose(g0(grads), { perm: inverse.tensor }), null];
});

registerGradient("Pack", (op, grads) => {
  const n = op.attrs.N as number;
  return unstack(g0(grads), { num: n, axis: op.attrs.axis as number });
});

registerGradient("Unpack", (op, grads) => [
  stack(grads as Tensor[], { axis: op.attrs.axis as number }),
]);

registerGradient("Split", (op, grads) => [null, concat(grads as Tensor[], op.inputs[0] as Tensor)]);

registerGradient("SplitV", (op, grads) => {
  const out: (Tensor | null)[] = [concat(grads as Tensor[], op.inputs[2] as Tensor)];
  for (let i = 1; i < op.inputs.length; i++) out.push(null);
  return out;
});

/** `_ExtractInputShapes`: `Shape` constants while all are known, else one `ShapeN`. */
function extractInputShapes(inputs: readonly Tensor[]): Tensor[] {
  const sizes: Tensor[] = [];
  for (const x of inputs) {
    const s = shapeOf(x);
    if (s.op.type !== "Const") return shapeN(inputs);
    sizes.push(s);
  }
  return sizes;
}

registerGradient("ConcatV2", (op, grads) => {
  const grad = g0(grads);
  const n = op.inputs.length - 1;
  // A degenerate concatenation: just the gradient.
  if (n === 1) return [grad, null];
  const concatDim = op.inputs[n] as Tensor;
  const values = op.inputs.slice(0, n);
  const nonNegDim = pythonOperator("mod", concatDim, rank(values[0] as Tensor));
  const sizes = extractInputShapes(values);
  const dimValue = constantScalar(nonNegDim) ?? staticNonNegDim(concatDim, values[0] as Tensor);
  let outGrads: Tensor[];
  if (sizes.length > 16) {
    // Many inputs: one SplitV on the sizes along the axis.
    const alongAxis = squeeze(slice(stack(sizes, { axis: 1 }), stack([nonNegDim, 0]), [1, -1]));
    const sizeValues = sizes.map(staticInts);
    if (dimValue !== null && sizeValues.every((v) => v !== null)) {
      recordKnownInts(
        alongAxis,
        (sizeValues as number[][]).map((v) => v[dimValue] as number),
      );
      recordKnownInts(nonNegDim, [dimValue]);
    }
    outGrads = split(grad, alongAxis, { axis: nonNegDim, num: sizes.length });
  } else {
    const offsets = concatOffset(nonNegDim, sizes, dimValue);
    outGrads = offsets.map((offset, i) => slice(grad, offset.tensor, sizes[i] as Tensor));
  }
  return [...outGrads, null];
});

function staticNonNegDim(dim: Tensor, value: Tensor): number | null {
  const d = constantScalar(dim);
  const r = value.shape.rank;
  if (d === null || r === null) return null;
  return ((d % r) + r) % r;
}

registerGradient("Slice", (op, grads) => {
  const grad = g0(grads);
  const input = in0(op);
  const begin = op.inputs[1] as Tensor;
  const inputRank = rank(input);
  const sliceSize = shapeOf(op.outputs[0] as Tensor);
  const shape2 = stack([inputRank, 1]);
  const beforePad = reshape(begin, shape2);
  const afterPad = reshape(pySub(pySub(shapeOf(input), sliceSize), begin), shape2);
  const paddings = concat([beforePad, afterPad], 1);
  const inDims = input.shape.isFullyDefined() ? (input.shape.asList() as number[]) : null;
  const outShape = (op.outputs[0] as Tensor).shape;
  const outDims = outShape.isFullyDefined() ? (outShape.asList() as number[]) : null;
  const b = constantInts(begin);
  const known = inDims !== null && outDims !== null && b !== null;
  if (known) {
    recordKnownInts(
      paddings,
      inDims.flatMap((d, i) => [b[i] as number, d - (outDims[i] as number) - (b[i] as number)]),
    );
  }
  const out = pad(grad, paddings);
  if (known) out.setShape(input.shape);
  return [out, null, null];
});

registerGradient("Tile", (op, grads) => {
  const grad = g0(grads);
  const input = in0(op);
  const multiples = op.inputs[1] as Tensor;
  const inputShape = shapeOf(input);
  // Interleave multiples and input dims ([m0, d0, m1, d1, …]), reshape the gradient to
  // it and sum the multiples' dims away.
  const splitShape = reshape(transpose(stack([multiples, inputShape])), [-1]);
  const axes = range(0, size(splitShape), 2);
  const m = constantInts(multiples);
  const d = staticInts(inputShape);
  if (m !== null && d !== null) {
    recordKnownInts(
      splitShape,
      m.flatMap((mi, i) => [mi, d[i] as number]),
    );
    recordKnownInts(
      axes,
      m.map((_, i) => 2 * i),
    );
  }
  const inputGrad = reduceSum(reshape(grad, splitShape), { axis: axes });
  inputGrad.setShape(input.shape);
  return [inputGrad, null];
});

function padGrad(op: Operation, grads: readonly (Tensor | null)[]): (Tensor | null)[] {
  const x = in0(op);
  const a = op.inputs[1] as Tensor;
  const padBefore = slice(a, [0, 0], stack([rank(x), 1]));
  const begin = reshape(padBefore, [-1]);
  const sizes = shapeOf(x);
  const p = constantInts(a);
  recordKnownInts(begin, p === null ? null : p.filter((_, i) => i % 2 === 0));
  const xGrad = slice(g0(grads), begin, sizes);
  return op.inputs.length === 3 ? [xGrad, null, null] : [xGrad, null];
}

registerGradient("Pad", padGrad);
registerGradient("PadV2", padGrad);

registerGradient("MirrorPad", (op, grads) => [
  mirrorPadGrad(g0(grads), op.inputs[1] as Tensor, op.attrs.mode as string, in0(op).shape),
  null,
]);

registerGradient("MirrorPadGrad", (op, grads) => [
  pad(g0(grads), op.inputs[1] as Tensor, { mode: op.attrs.mode as string }),
  null,
]);

registerGradient("Select", (op, grads) => {
  const grad = g0(grads);
  const c = in0(op);
  const x = op.inputs[1] as Tensor;
  const zeros = zerosLike(x);
  return [null, where(c, grad, zeros), where(c, zeros, grad)];
});

registerGradient("GatherV2", (op, grads) => {
  const grad = g0(grads);
  const params = in0(op);
  const indices = op.inputs[1] as Tensor;
  const axisT = op.inputs[2] as Tensor;
  if ((op.attrs.batch_dims as number | undefined) ?? 0) {
    throw new Error(`GatherV2 gradient: batch_dims != 0 is not supported (${op.name}).`);
  }
  const axis = (op.buildData._axis as number | null) ?? constantScalar(axisT);
  // `shape(params, out_type=int64)` cast to int32, as TF 1.15 builds it.
  const paramsShape = cast(shapeAs(params, { outType: "int64" }), "int32");
  const indicesSize = expandDims(size(indices), 0);
  const pDims = params.shape.dims;
  if (axis === 0) {
    // TF's `_GatherV2Grad` for axis 0: the rows, as an IndexedSlices of the params' shape.
    const tail = paramsShape.get("1:");
    const valuesShape = concat([indicesSize, tail], 0);
    const n = indices.shape.numElements();
    if (pDims !== null && params.shape.isFullyDefined() && n !== null) {
      recordKnownInts(valuesShape, [n, ...(pDims.slice(1) as number[])]);
    }
    if (n !== null) recordKnownInts(indicesSize, [n]);
    const values = reshape(grad, valuesShape);
    const flatIndices = reshape(indices, indicesSize);
    return [new IndexedSlices(values, flatIndices, paramsShape), null, null];
  }
  if (axis === null || pDims === null) {
    throw new Error(
      `GatherV2 gradient: the axis and the rank of params must be known (${op.name}).`,
    );
  }
  const r = pDims.length;
  const outerShape = slice(paramsShape, [0], [axis]);
  const innerShape = slice(paramsShape, [axis + 1], [-1]);
  const valuesShape = concat([outerShape, [-1], innerShape], 0);
  const n = indices.shape.numElements();
  if (params.shape.isFullyDefined()) {
    recordKnownInts(valuesShape, [
      ...(pDims.slice(0, axis) as number[]),
      -1,
      ...(pDims.slice(axis + 1) as number[]),
    ]);
  }
  if (n !== null) recordKnownInts(indicesSize, [n]);
  const values = reshape(grad, valuesShape);
  const flatIndices = reshape(indices, indicesSize);
  // Move the gathered axis to the front, sum the slices per index, move it back.
  const outer = Array.from({ length: axis }, (_, i) => i);
  const inner = Array.from({ length: r - axis - 1 }, (_, i) => axis + 1 + i);
  const transposeDims = [axis, ...outer, ...inner];
  const valuesT = transpose(values, { perm: transposeDims });
  const numSegments =
    pDims[axis] !== null
      ? constant(pDims[axis], { dtype: "int32" })
      : reshape(slice(paramsShape, [axis], [1]), []);
  const summed = unsortedSegmentSum(valuesT, flatIndices, numSegments);
  const invert = [...outer.map((i) => i + 1), 0, ...inner];
  const out = transpose(summed, { perm: invert });
  out.setShape(params.shape);
  return [out, null, null];
});

registerGradient("Fill", (_op, grads) => [null, reduceSum(g0(grads))]);

// `ops.NotDifferentiable` in TensorFlow's array_grad.py.
notDifferentiable(
  "Shape",
  "ShapeN",
  "Rank",
  "Size",
  "StopGradient",
  "InvertPermutation",
  "BroadcastGradientArgs",
  "ConcatOffset",
  "Const",
  "ZerosLike",
  "OnesLike",
  "OneHot",
);
// No gradient in TensorFlow: `Where`'s output is an index list.
noGradient(false, "Where", "Placeholder", "PlaceholderV2");
// TensorFlow's `_DiagPartGrad` (a `Diag` op); `DynamicStitch`'s is in data_flow_grad.ts.

registerGradient("ReverseV2", (op, grads) => [reverse(g0(grads), op.inputs[1] as Tensor), null]);

registerGradient("ReverseSequence", (op, grads) => [
  reverseSequence(g0(grads), op.inputs[1] as Tensor, {
    seqAxis: op.attrs.seq_dim as number,
    batchAxis: op.attrs.batch_dim as number,
  }),
  null,
]);

// ---- StridedSlice (TF 1.15's `_StridedSliceGrad`, `_StridedSliceGradGrad`) ----------------

function stridedSliceMasks(op: Operation): StridedSliceMasks {
  return {
    beginMask: op.attrs.begin_mask as number,
    endMask: op.attrs.end_mask as number,
    ellipsisMask: op.attrs.ellipsis_mask as number,
    newAxisMask: op.attrs.new_axis_mask as number,
    shrinkAxisMask: op.attrs.shrink_axis_mask as number,
  };
}

registerGradient("StridedSlice", (op, grads) => {
  const [x, begin, end, strides] = op.inputs as [Tensor, Tensor, Tensor, Tensor];
  // The shape in begin's dtype: StridedSliceGrad takes one index type.
  const inputShape = shapeAs(x, { outType: begin.dtype });
  const masks = stridedSliceMasks(op);
  return [stridedSliceGrad(inputShape, begin, end, strides, g0(grads), masks), null, null, null];
});

registerGradient("StridedSliceGrad", (op, grads) => {
  const [, begin, end, strides] = op.inputs as [Tensor, Tensor, Tensor, Tensor];
  const m = stridedSliceMasks(op);
  const out = stridedSlice(
    g0(grads),
    begin,
    end,
    strides,
    m.beginMask,
    m.endMask,
    m.ellipsisMask,
    m.newAxisMask,
    m.shrinkAxisMask,
  );
  return [null, null, null, null, out];
});

// ops-array: GatherNd, ScatterNd, TopKV2, BroadcastTo and the matrix diagonal ops.

registerGradient("GatherNd", (op, grads) => {
  const ref = op.inputs[0] as Tensor;
  const indices = op.inputs[1] as Tensor;
  const grad = g0(grads);
  const refShape = shapeAs(ref, { outType: indices.dtype });
  const dims = indices.shape.dims;
  if (dims !== null && dims.length === 2 && dims[1] === 1) {
    return [new IndexedSlices(grad, squeeze(indices, { axis: -1 }), refShape), null];
  }
  return [scatterNdOp(indices, grad, refShape), null];
});

registerGradient("ScatterNd", (op, grads) => [
  null,
  gatherNdOp(g0(grads), op.inputs[0] as Tensor),
  null,
]);

// nn_grad.py's `_TopKGrad`: the values' gradient scattered back to the positions chosen,
// index arithmetic in int64 as TF 1.15 does it.
registerGradient("TopKV2", (op, grads) => {
  const grad = g0(grads);
  const inShape = shapeAs(in0(op));
  const indices = op.outputs[1] as Tensor;
  const indShape = shapeAs(indices);
  const indLastdim = gather(cast(indShape, "int64"), pySub(size(indShape), 1));
  const ind2d = reshape(indices, stack([-1, indLastdim]));
  const inLastdim = gather(cast(inShape, "int64"), pySub(size(inShape), 1));
  const outerdim = sliceHelper(shapeAs(ind2d), [0]);
  const offsets = range(0, pyMul(cast(outerdim, "int64"), inLastdim), inLastdim);
  const ind = reshape(pyAdd(ind2d, cast(expandDims(offsets, -1), "int32")), [-1]);
  return [
    reshape(scatterNdOp(expandDims(ind, -1), reshape(grad, [-1]), [reduceProd(inShape)]), inShape),
    zeros([], { dtype: "int32" }),
  ];
});

registerGradient("MatrixDiag", (_op, grads) => [matrixDiagPartOp(g0(grads))]);

registerGradient("MatrixDiagPart", (op, grads) => {
  const dims = in0(op).shape.dims;
  const m = dims === null ? null : (dims[dims.length - 2] ?? null);
  const n = dims === null ? null : (dims[dims.length - 1] ?? null);
  if (m !== null && n !== null && m === n) return [matrixDiagOp(g0(grads))];
  return [matrixSetDiagOp(zerosLike(in0(op)), g0(grads))];
});

registerGradient("MatrixSetDiag", (op, grads) => {
  const grad = g0(grads);
  const inputShape = in0(op).shape.mergeWith(grad.shape);
  const diagShape = (op.inputs[1] as Tensor).shape;
  let batch: TensorShape | null = null;
  let matrix: TensorShape | null = null;
  if (inputShape.dims !== null && diagShape.dims !== null) {
    batch = new TensorShape(inputShape.dims.slice(0, -2)).mergeWith(
      new TensorShape(diagShape.dims.slice(0, -1)),
    );
    matrix = new TensorShape(inputShape.dims.slice(-2));
  }
  let shape: Packable;
  if (batch !== null && matrix !== null && batch.isFullyDefined() && matrix.isFullyDefined()) {
    shape = [...(batch.asList() as number[]), Math.min(...(matrix.asList() as number[]))];
  } else {
    shape = grad.graph.colocateWith(grad.op, () => {
      const gradShape = shapeAs(grad);
      const gradRank = rank(grad);
      // Lists holding tensors are packed by the op taking them, as Python converts them.
      const batchShape = slice(gradShape, [0], [pySub(gradRank, 2)] as never);
      const matrixShape = slice(gradShape, [pySub(gradRank, 2)] as never, [2]);
      const minDim = reduceMin(matrixShape);
      return concat([batchShape, [minDim]] as never, 0);
    });
  }
  const gradInput = matrixSetDiagOp(grad, zeros(shape as never, { dtype: grad.dtype }));
  return [gradInput, matrixDiagPartOp(grad)];
});

registerGradient("MatrixBandPart", (op, grads) => [
  matrixBandPart(g0(grads), op.inputs[1] as Tensor, op.inputs[2] as Tensor),
  null,
  null,
]);

registerGradient("Diag", (_op, grads) => [diagPart(g0(grads))]);
registerGradient("DiagPart", (_op, grads) => [diag(g0(grads))]);

// `_BroadcastToGrad`: the gradient summed over the broadcast axes, reshaped to the input.
registerGradient("BroadcastTo", (op, grads) => {
  const inputValueShape = shapeAs(in0(op));
  const [, reductionAxes] = broadcastGradientArgs(op.inputs[1] as Tensor, inputValueShape);
  const reshaped = reduceSum(g0(grads), reductionAxes.tensor, { keepdims: true });
  return [reshape(reshaped, inputValueShape), null];
});

// TF 1.15 registers no gradient for LinSpace.
noGradient(false, "LinSpace");

// logging_ops / array_grad.py's gradients of the debugging ops.
registerGradient("CheckNumerics", (op, grads) => [
  checkNumerics(
    g0(grads),
    `Not a number (NaN) or infinity (Inf) values detected in gradient. ${String(op.attrs.message)}`,
  ),
]);
registerGradient("Print", (op, grads) => [grads[0] ?? null, ...op.inputs.slice(1).map(() => null)]);

// random_ops.py: Multinomial is not differentiable; TF 1.15 registers nothing for RandomShuffle.
notDifferentiable("Multinomial");
noGradient(false, "RandomShuffle");

// manip_grad.py: the roll reversed.
registerGradient("Roll", (op, grads) => [
  roll(g0(grads), neg(op.inputs[1] as Tensor), op.inputs[2] as Tensor),
  null,
  null,
]);
// TF 1.15 registers no gradient for ListDiff.
noGradient(false, "ListDiff");

// array_grad.py: each of DepthToSpace and SpaceToDepth has the other as gradient.
registerGradient("SpaceToDepth", (op, grads) => [
  depthToSpace(g0(grads), op.attrs.block_size as number, {
    dataFormat: op.attrs.data_format as "NHWC" | "NCHW",
  }),
]);
registerGradient("DepthToSpace", (op, grads) => [
  spaceToDepth(g0(grads), op.attrs.block_size as number, {
    dataFormat: op.attrs.data_format as "NHWC" | "NCHW",
  }),
]);

// array_grad.py: SpaceToBatchND and BatchToSpaceND have each other as gradient.
registerGradient("SpaceToBatchND", (op, grads) => [
  batchToSpaceNd(g0(grads), op.inputs[1] as Tensor, op.inputs[2] as Tensor),
  null,
  null,
]);
registerGradient("BatchToSpaceND", (op, grads) => [
  spaceToBatchNd(g0(grads), op.inputs[1] as Tensor, op.inputs[2] as Tensor),
  null,
  null,
]);

// linalg_grad.py: -A⁻ᴴ G A⁻ᴴ for the inverse; grad · det · A⁻ᴴ for the determinant.
registerGradient("MatrixInverse", (op, grads) => {
  const ainv = op.outputs[0] as Tensor;
  return [neg(matmul(ainv, matmul(g0(grads), ainv, { adjointB: true }), { adjointA: true }))];
});
registerGradient("MatrixDeterminant", (op, grads) => {
  const a = in0(op);
  const c = op.outputs[0] as Tensor;
  const aAdjInv = matrixInverse(a, true);
  const multipliers = reshape(pyMul(g0(grads), c), concat([shapeAs(c), [1, 1]] as never, 0));
  return [pyMul(multipliers, aAdjInv)];
});
