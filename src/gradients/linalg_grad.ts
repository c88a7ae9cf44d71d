/**
 * Gradients of the Cholesky/solve family and of `Qr`, as TF 1.15's linalg_grad.py builds
 * them (every dtype here is real, so its `adjoint`s are transposes).
 */
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { sliceSpec } from "../graph/slice_spec.js";
import { concat } from "../ops/array/concat.js";
import { reshape } from "../ops/array/reshape.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { matrixInverse } from "../ops/linalg/inverse_det.js";
import {
  eye,
  matrixBandPart,
  matrixDiagOp,
  matrixDiagPartOp,
  matrixSetDiagOp,
  matrixTranspose,
} from "../ops/linalg/matrix_diag.js";
import { svd } from "../ops/linalg/svd.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { zerosLike } from "../ops/array/like.js";
import { reciprocal, square } from "../ops/math/unary.js";
import { adjoint, matrixSolve, matrixTriangularSolve } from "../ops/linalg/solve.js";
import { matmul } from "../ops/math/matmul.js";
import { neg } from "../ops/math/operators.js";
import { NotImplementedError, ValueError } from "../errors.js";
import { registerGradient } from "../ops/registry.js";
import { einsumOp } from "../ops/linalg/einsum.js";
import { broadcastTo } from "../ops/array/broadcast_to.js";
import { broadcastGradientArgs } from "../ops/array/broadcast_gradient_args.js";
import { ones } from "../ops/array/fill.js";
import { stack } from "../ops/array/stack.js";
import { convertToTensor } from "../ops/convert.js";
import { reduceSum } from "../ops/math/reduce.js";
import { g0, pyAdd, pyMul, pySub, reducedShape, shapeOf } from "./grad_util.js";

// l⁻ᴴ ((lᴴ grad) ∘ (tril(ones) − ½ eye)) l⁻¹, symmetrized.
registerGradient("Cholesky", (op, grads) => {
  const l = op.outputs[0] as Tensor;
  const numRows = sliceHelper(shapeOf(l), [-1]);
  const batchShape = sliceHelper(shapeOf(l), [sliceSpec(null, -2)]);
  const lInverse = matrixTriangularSolve(
    l,
    eye(numRows, { batchShape: batchShape as never, dtype: l.dtype }),
  );
  let middle = matmul(l, g0(grads), { adjointA: true });
  middle = matrixSetDiagOp(middle, pyMul(0.5, matrixDiagPartOp(middle)));
  middle = matrixBandPart(middle, -1, 0);
  let gradA = matmul(matmul(lInverse, middle, { adjointA: true }), lInverse);
  gradA = pyAdd(gradA, adjoint(gradA));
  return [pyMul(gradA, 0.5)];
});

// grad_b solves with the other adjoint; grad_a = -grad_b cᴴ (or -c grad_bᴴ).
registerGradient("MatrixSolve", (op, grads) => {
  const a = op.inputs[0] as Tensor;
  const adjointA = op.attrs.adjoint === true;
  const c = op.outputs[0] as Tensor;
  const gradB = matrixSolve(a, g0(grads), { adjoint: !adjointA });
  const gradA = adjointA
    ? neg(matmul(c, gradB, { adjointB: true }))
    : neg(matmul(gradB, c, { adjointB: true }));
  return [gradA, gradB];
});

// As MatrixSolve's, grad_a kept to the triangle the op reads.
registerGradient("MatrixTriangularSolve", (op, grads) => {
  const a = op.inputs[0] as Tensor;
  const adjointA = op.attrs.adjoint === true;
  const lowerA = op.attrs.lower !== false;
  const c = op.outputs[0] as Tensor;
  const gradB = matrixTriangularSolve(a, g0(grads), { lower: lowerA, adjoint: !adjointA });
  let gradA = adjointA
    ? neg(matmul(c, gradB, { adjointB: true }))
    : neg(matmul(gradB, c, { adjointB: true }));
  gradA = lowerA ? matrixBandPart(gradA, -1, 0) : matrixBandPart(gradA, 0, -1);
  return [gradA, gradB];
});

// Only log|det| is differentiated: grad · A⁻ᴴ.
registerGradient("LogMatrixDeterminant", (op, grads) => {
  const a = op.inputs[0] as Tensor;
  const c = op.outputs[1] as Tensor;
  const aAdjInv = matrixInverse(a, true);
  const multipliers = reshape(grads[1] as Tensor, concat([shapeOf(c), [1, 1]] as never, 0));
  return [pyMul(multipliers, aAdjInv)];
});

/** `matmul(x, adjoint(matrix_inverse(r)))` for upper-triangular `r`, by a triangular solve. */
function triangularSolveRight(x: Tensor, r: Tensor): Tensor {
  return adjoint(matrixTriangularSolve(r, adjoint(x), { lower: false, adjoint: false }));
}

// TF 1.15's QrGrad: square R only (M >= N with reduced matrices, or square input).
registerGradient("Qr", (op: Operation, grads) => {
  const [q, r] = op.outputs as [Tensor, Tensor];
  const rDims = r.shape.dims;
  const rows = rDims?.[rDims.length - 2] ?? null;
  const cols = rDims?.[rDims.length - 1] ?? null;
  if (rDims === null || rows === null || cols === null) {
    throw new NotImplementedError("QrGrad not implemented with dynamic shapes.");
  }
  if (rows !== cols) {
    throw new NotImplementedError(
      "QrGrad not implemented when ncols > nrows or full_matrices is true and ncols != nrows.",
    );
  }
  const dq = grads[0] as Tensor;
  const dr = grads[1] as Tensor;
  const qdq = matmul(q, dq, { adjointA: true });
  const qdq_ = pySub(qdq, adjoint(qdq));
  const rdr = matmul(r, dr, { adjointB: true });
  const rdr_ = pySub(rdr, adjoint(rdr));
  const tril = matrixBandPart(pyAdd(qdq_, rdr_), -1, 0);
  const gradA = matmul(q, pyAdd(dr, triangularSolveRight(tril, r)));
  const gradB = triangularSolveRight(pySub(dq, matmul(q, qdq)), r);
  return [pyAdd(gradA, gradB)];
});

/** `shape.with_rank_at_least(2).dims`; an unknown rank's inner dims are unknown. */
function dimsAtLeast2(shape: TensorShape): Dim[] {
  if (shape.dims === null) return [null, null];
  if (shape.dims.length < 2) {
    throw new ValueError(`Shape ${shape.toString()} must have rank at least 2`);
  }
  return shape.dims.slice();
}

// TF 1.15's SvdGrad (real dtypes): Giles' formulas for compute_uv=False and full
// matrices, Townsend's for thin U and V.
registerGradient("Svd", (op: Operation, grads) => {
  const a = op.inputs[0] as Tensor;
  const aDims = dimsAtLeast2(a.shape);
  const gradS = grads[0] as Tensor;
  const gradSMat = matrixDiagOp(gradS);
  if (op.attrs.compute_uv === false) {
    const [, u, v] = svd(a, { computeUv: true }) as [Tensor, Tensor, Tensor];
    const gradA = matmul(u, matmul(gradSMat, v, { adjointB: true }));
    gradA.setShape(a.shape);
    return [gradA];
  }
  const full = op.attrs.full_matrices === true;
  let gradU = grads[1] as Tensor;
  let gradV = grads[2] as Tensor;
  const guDims = dimsAtLeast2(gradU.shape);
  const gvDims = dimsAtLeast2(gradV.shape);
  const mergeDim = (x: Dim, y: Dim): Dim =>
    new TensorShape([x]).mergeWith(new TensorShape([y])).dims?.[0] ?? null;
  const batch = new TensorShape(aDims.slice(0, -2))
    .mergeWith(new TensorShape(guDims.slice(0, -2)))
    .mergeWith(new TensorShape(gvDims.slice(0, -2)));
  let m = mergeDim(aDims[aDims.length - 2] as Dim, guDims[guDims.length - 2] as Dim);
  let n = mergeDim(aDims[aDims.length - 1] as Dim, gvDims[gvDims.length - 2] as Dim);
  const aShape =
    batch.dims === null ? TensorShape.unknown() : new TensorShape([...batch.dims, m, n]);
  if (m === null || n === null) {
    throw new NotImplementedError(
      "SVD gradient has not been implemented for input with unknown inner matrix shape.",
    );
  }
  const s = op.outputs[0] as Tensor;
  let u = op.outputs[1] as Tensor;
  let v = op.outputs[2] as Tensor;
  let useAdjoint = false;
  if (m > n) {
    // The gradient of Aᴴ = V Sᵀ Uᴴ, transposed at the end.
    useAdjoint = true;
    [m, n] = [n, m];
    [u, v] = [v, u];
    [gradU, gradV] = [gradV, gradU];
  }
  const mm = m;
  const nn = n;
  return a.graph.controlDependencies([gradS.op, gradU.op, gradV.op], () => {
    if (full && Math.abs(mm - nn) > 1) {
      throw new NotImplementedError(
        "svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True",
      );
    }
    const sMat = matrixDiagOp(s);
    const s2 = square(s);
    // Infinite (NaN) for repeated singular values, as in TF: their vectors are not unique.
    const f = matrixSetDiagOp(
      reciprocal(pySub(expandDims(s2, -2), expandDims(s2, -1))),
      zerosLike(s),
    );
    const sInvMat = matrixDiagOp(reciprocal(s));
    const v1 = sliceHelper(v, ["...", ":", sliceSpec(null, mm)]);
    const gradV1 = sliceHelper(gradV, ["...", ":", sliceSpec(null, mm)]);
    const uGu = matmul(u, gradU, { adjointA: true });
    const vGv = matmul(v1, gradV1, { adjointA: true });
    const fU = pyMul(f, uGu);
    const fV = pyMul(f, vGv);
    const term1Nouv = pyAdd(
      pyAdd(gradSMat, matmul(pyAdd(fU, adjoint(fU)), sMat)),
      matmul(sMat, pyAdd(fV, adjoint(fV))),
    );
    const term1 = matmul(u, matmul(term1Nouv, v1, { adjointB: true }));
    let before: Tensor;
    if (mm === nn) {
      before = term1;
    } else {
      const gv1t = matrixTranspose(gradV1);
      const gv1tV1 = matmul(gv1t, v1);
      let term2Nous = pySub(gv1t, matmul(gv1tV1, v1, { adjointB: true }));
      if (full) {
        const v2 = sliceHelper(v, ["...", ":", sliceSpec(mm, nn)]);
        const gradV2 = sliceHelper(gradV, ["...", ":", sliceSpec(mm, nn)]);
        const v1tGv2 = matmul(v1, gradV2, { adjointA: true });
        term2Nous = pySub(term2Nous, matmul(v1tGv2, v2, { adjointB: true }));
      }
      const uSInv = matmul(u, sInvMat);
      const term2 = matmul(uSInv, term2Nous);
      before = pyAdd(term1, term2);
    }
    const gradA = useAdjoint ? matrixTranspose(before) : before;
    gradA.setShape(aShape);
    return [gradA];
  });
});

/** `_GetAxisFromLabel`: a label's axis, negative when it follows the ellipsis. */
function axisFromLabel(subscripts: string, label: string): number | null {
  const splits = subscripts.split(ELLIPSIS);
  const before = (splits[0] as string).indexOf(label);
  if (before !== -1) return before;
  if (splits.length < 2) return null;
  const after = (splits[1] as string).indexOf(label);
  return after !== -1 ? after - (splits[1] as string).length : null;
}

/** `_GetBcastSubshape`: the `[start, end)` of the axes the ellipsis covers (`end` null: to the end). */
function bcastSubshape(subscripts: string): [number, number | null] {
  const start = subscripts.indexOf(ELLIPSIS);
  if (start === -1) return [0, 0];
  const remaining = subscripts.length - (start + ELLIPSIS.length);
  return [start, remaining > 0 ? -remaining : null];
}

const ELLIPSIS = "...";

/** `_GetGradReduced`: the gradient of a unary einsum that sums the `reduced` labels. */
function gradReduced(
  outputGrad: Tensor,
  outputSubs: string,
  inputSubs: string,
  inputShape: Tensor,
  reduced: readonly string[],
): Tensor {
  const reducedSubs = reduced.join("");
  const reducedAxes = reduced.map((l) => axisFromLabel(inputSubs, l) as number);
  const hasRepeated =
    new Set(inputSubs).size + new Set(outputSubs).size < inputSubs.length + outputSubs.length;
  const withoutReduced = [...inputSubs].filter((c) => !reduced.includes(c)).join("");
  if (!hasRepeated && withoutReduced === outputSubs) {
    const shapeKept = reducedShape(inputShape, convertToTensor(reducedAxes, { dtype: "int32" }));
    return broadcastTo(reshape(outputGrad, shapeKept), inputShape);
  }
  const reducedDims = stack(reducedAxes.map((ax) => sliceHelper(inputShape, [ax])));
  const gradShapeWithReduced = concat([reducedDims, shapeOf(outputGrad)], 0);
  const keptShape = concat([ones([reduced.length], { dtype: "int32" }), shapeOf(outputGrad)], 0);
  const broadcasted = broadcastTo(reshape(outputGrad, keptShape), gradShapeWithReduced);
  return einsumOp([broadcasted], `${reducedSubs}${outputSubs}->${inputSubs}`);
}

/** `_GetGradWrt`: the gradient of a binary einsum with respect to one operand. */
function gradWrt(
  outputGrad: Tensor,
  other: Tensor,
  inputShape: Tensor,
  inputSubs: string,
  otherSubs: string,
  outputSubs: string,
): Tensor {
  const keep = new Set(outputSubs + otherSubs + ".");
  // Python iterates a set here; its order is arbitrary, sorted is one of them.
  const reduced = [...new Set(inputSubs)].filter((c) => !keep.has(c)).sort();
  const leftSubs = [...inputSubs].filter((c) => !reduced.includes(c)).join("");
  const gradReducedOut = einsumOp([outputGrad, other], `${outputSubs},${otherSubs}->${leftSubs}`);
  if (reduced.length === 0) return gradReducedOut;
  return gradReduced(gradReducedOut, leftSubs, inputSubs, inputShape, reduced);
}

// linalg_grad.py's EinsumGrad: each operand's gradient an einsum of the output gradient and
// the other operand, summed over labels only it has and over broadcast ellipsis axes.
registerGradient("Einsum", (op, grads) => {
  const grad = g0(grads);
  const [inputSubs, outputSubs] = (op.attrs.equation as string).split("->") as [string, string];
  if (op.inputs.length === 1) {
    const inputShape = shapeOf(op.inputs[0] as Tensor);
    const keep = new Set(outputSubs + ELLIPSIS);
    const reduced = [...new Set(inputSubs)].filter((c) => !keep.has(c)).sort();
    if (reduced.length === 0) return [einsumOp([grad], `${outputSubs}->${inputSubs}`)];
    return [gradReduced(grad, outputSubs, inputSubs, inputShape, reduced)];
  }
  let [xSubs, ySubs] = inputSubs.split(",") as [string, string];
  if (outputSubs.includes(ELLIPSIS)) {
    if (!xSubs.includes(ELLIPSIS)) xSubs += ELLIPSIS;
    if (!ySubs.includes(ELLIPSIS)) ySubs += ELLIPSIS;
  }
  const [x, y] = op.inputs as [Tensor, Tensor];
  const xShape = shapeOf(x);
  const yShape = shapeOf(y);
  let gradX = gradWrt(grad, y, xShape, xSubs, ySubs, outputSubs);
  let gradY = gradWrt(grad, x, yShape, ySubs, xSubs, outputSubs);
  if (!outputSubs.includes(ELLIPSIS)) return [gradX, gradY];
  const [bxStart, bxEnd] = bcastSubshape(xSubs);
  const [byStart, byEnd] = bcastSubshape(ySubs);
  const part = (dims: readonly (number | null)[], start: number, end: number | null) =>
    dims.slice(start, end === null ? undefined : end);
  if (x.shape.isFullyDefined() && y.shape.isFullyDefined()) {
    const bx = part(x.shape.dims as number[], bxStart, bxEnd);
    const by = part(y.shape.dims as number[], byStart, byEnd);
    if (bx.length === by.length && bx.every((d, i) => d === by[i])) return [gradX, gradY];
  }
  const [rx, ry] = broadcastGradientArgs(
    sliceHelper(xShape, [sliceSpec(bxStart, bxEnd)]),
    sliceHelper(yShape, [sliceSpec(byStart, byEnd)]),
  );
  gradX = reshape(reduceSum(gradX, { axis: pyAdd(bxStart, rx.tensor) }), xShape);
  gradY = reshape(reduceSum(gradY, { axis: pyAdd(byStart, ry.tensor) }), yShape);
  return [gradX, gradY];
});
