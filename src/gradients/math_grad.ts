import { isFloating } from "../graph/dtypes.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { cast } from "../ops/array/cast.js";
import { constant } from "../ops/array/constant.js";
import { onesLike, zerosLike } from "../ops/array/like.js";
import { reshape } from "../ops/array/reshape.js";
import { slice } from "../ops/array/slice.js";
import { gather } from "../ops/array/gather.js";
import { transpose } from "../ops/array/transpose.js";
import { tile } from "../ops/array/tile.js";
import { where } from "../ops/array/where.js";
import {
  binaryOp,
  equal,
  greater,
  greaterEqual,
  lessEqual,
  maximum,
  multiply,
  pow,
} from "../ops/math/binary.js";
import { matmulIn } from "../ops/math/matmul.js";
import { neg } from "../ops/math/operators.js";
import { reduceProd, reduceSum } from "../ops/math/reduce.js";
import { cos, exp, log, reciprocal, sign, sin, sqrt, square } from "../ops/math/unary.js";
import { add, subtract } from "../ops/math/binary.js";
import {
  cosh,
  digammaOp as digamma,
  polygammaOp,
  sinh,
  xdivyOp,
  xlogyOp,
  zetaOp,
} from "../ops/math/cwise_more.js";
import { cumsum } from "../ops/math/cumsum.js";
import { pythonOperator } from "../ops/math/operators.js";
import { segmentSum, unsortedSegmentProd, unsortedSegmentSum } from "../ops/math/segment_ops.js";
import { concat } from "../ops/array/concat.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { fill } from "../ops/array/fill.js";
import { rank } from "../ops/array/shape.js";
import { leakyReluGrad, softsignGrad } from "../ops/nn/activations_more.js";
import { inOpScope } from "../ops/op_scope.js";
import { divNoNan } from "../ops/math/div_no_nan.js";
import {
  noGradient,
  notDifferentiable,
  registerGradient,
  type GradientFunction,
} from "../ops/registry.js";
import { constantValue, constNumbers } from "../ops/tensor_util.js";
import { broadcastGradientArgs } from "../ops/array/broadcast_gradient_args.js";
import { invertPermutation } from "../ops/array/invert_permutation.js";
import { cumprod } from "../ops/math/cumprod.js";
import { CWISE_GRAD_TYPES, gradOp } from "../ops/math/cwise_grad.js";
import {
  afterGrad,
  broadcast,
  g0,
  pyAdd,
  pyFloordiv,
  pyMul,
  pySub,
  pyTruediv,
  reducedShape,
  safeShapeDiv,
  shapeOf,
  shapesFullySpecifiedAndEqual,
  sumOver,
  sumToShape,
  zerosShaped,
} from "./grad_util.js";

/*
 * Gradient functions of the math ops (TensorFlow 1.15's `math_grad.py`): each receives the
 * forward op and the gradients of its outputs, and builds the gradients of its inputs
 * inside `gradients/<op>_grad/`, with the ops and names TensorFlow builds there.
 */

function in0(op: Operation): Tensor {
  return op.inputs[0] as Tensor;
}

function in1(op: Operation): Tensor {
  return op.inputs[1] as Tensor;
}

function out0(op: Operation): Tensor {
  return op.outputs[0] as Tensor;
}

function matMul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return inOpScope(undefined, "MatMul", [a, b], (scope, graph) =>
    matmulIn(graph, scope, a, b, transposeA, transposeB),
  );
}

/** `gen_math_ops.real_div` (op `RealDiv` named `RealDiv`). */
function realDiv(x: Tensor, y: Tensor): Tensor {
  return binaryOp("RealDiv", "RealDiv", x, y);
}

function register(types: readonly string[], fn: GradientFunction): void {
  for (const t of types) registerGradient(t, fn);
}

// ----- Matrix products ---------------------------------------------------------------------

registerGradient("MatMul", (op: Operation, grads) => {
  const grad = g0(grads);
  const ta = op.attrs.transpose_a === true;
  const tb = op.attrs.transpose_b === true;
  const a = in0(op);
  const b = in1(op);
  if (!ta && !tb) return [matMul(grad, b, false, true), matMul(a, grad, true, false)];
  if (!ta && tb) return [matMul(grad, b, false, false), matMul(grad, a, true, false)];
  if (ta && !tb) return [matMul(b, grad, false, true), matMul(a, grad, false, false)];
  return [matMul(b, grad, true, true), matMul(grad, a, true, true)];
});

registerGradient("BatchMatMulV2", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  const adjX = op.attrs.adj_x === true;
  const adjY = op.attrs.adj_y === true;
  let gx: Tensor;
  let gy: Tensor;
  if (!adjX) {
    if (!adjY) {
      gx = matMul(grad, y, false, true);
      gy = matMul(x, grad, true, false);
    } else {
      gx = matMul(grad, y, false, false);
      gy = matMul(grad, x, true, false);
    }
  } else if (!adjY) {
    gx = matMul(y, grad, false, true);
    gy = matMul(x, grad, false, false);
  } else {
    gx = matMul(y, grad, true, true);
    gy = matMul(grad, x, true, true);
  }
  // Sum over the broadcast batch dimensions, unless the shapes are known to be equal.
  const sx = x.shape;
  const sy = y.shape;
  if (
    sx.isFullyDefined() &&
    sy.isFullyDefined() &&
    sx.isCompatibleWith(sy) &&
    sx.rank === sy.rank
  ) {
    return [gx, gy];
  }
  const rx = x.shape.rank;
  const ry = y.shape.rank;
  if (rx === null || ry === null) {
    throw new Error(
      `BatchMatMulV2 gradient: operands of unknown rank are not supported (${op.name}).`,
    );
  }
  // `sx[:-2]` and `sy[:-2]` (TensorFlow slices them with `strided_slice`, here `Slice`).
  const shx = shapeOf(x);
  const shy = shapeOf(y);
  const [bx, by] = broadcastGradientArgs(slice(shx, [0], [rx - 2]), slice(shy, [0], [ry - 2]));
  return [sumToShape(gx, bx, shx), sumToShape(gy, by, shy)];
});

// ----- Element-wise binary ops -------------------------------------------------------------

register(["Add", "AddV2"], (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  if (shapesFullySpecifiedAndEqual(x, y, grad)) return [grad, grad];
  const { sx, sy, rx, ry } = broadcast(x, y);
  return [sumToShape(grad, rx, sx), sumToShape(grad, ry, sy)];
});

registerGradient("Sub", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  if (shapesFullySpecifiedAndEqual(x, y, grad)) return [grad, neg(grad)];
  const { sx, sy, rx, ry } = broadcast(x, y);
  const gx = sumToShape(grad, rx, sx);
  return [gx, reshape(neg(sumOver(grad, ry)), sy)];
});

registerGradient("Mul", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  if (
    shapesFullySpecifiedAndEqual(x, y, grad) &&
    (grad.dtype === "float32" || grad.dtype === "int32")
  ) {
    return [multiply(grad, y), multiply(grad, x)];
  }
  const { sx, sy, rx, ry } = broadcast(x, y);
  const gx = sumToShape(multiply(grad, y), rx, sx);
  const gy = sumToShape(multiply(x, grad), ry, sy);
  return [gx, gy];
});

/**
 * `_DivNoNanGrad`: `dx = div_no_nan(grad, y)`, `dy = grad * div_no_nan(div_no_nan(-x, y), y)`,
 * each summed back over its broadcast axes.
 */
registerGradient("DivNoNan", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  const { sx, sy, rx, ry } = broadcast(x, y);
  const gx = sumToShape(divNoNan(grad, y), rx, sx);
  const gy = sumToShape(pyMul(grad, divNoNan(divNoNan(neg(x), y), y)), ry, sy);
  return [gx, gy];
});

registerGradient("RealDiv", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  const { sx, sy, rx, ry } = broadcast(x, y);
  const gx = sumToShape(realDiv(grad, y), rx, sx);
  const gy = sumToShape(pyMul(grad, realDiv(realDiv(neg(x), y), y)), ry, sy);
  return [gx, gy];
});

registerGradient("Div", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  const { sx, sy, rx, ry } = broadcast(x, y);
  const gx = sumToShape(pyTruediv(grad, y), rx, sx);
  const gy = sumToShape(pyMul(grad, pyTruediv(pyTruediv(neg(x), y), y)), ry, sy);
  return [gx, gy];
});

registerGradient("FloorDiv", () => [null, null]);
registerGradient("TruncateDiv", () => [null, null]);

registerGradient("FloorMod", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  const { sx, sy, rx, ry } = broadcast(x, y);
  const floorXY = binaryOp("FloorDiv", "FloorDiv", x, y);
  const gx = sumToShape(grad, rx, sx);
  const gy = sumToShape(pyMul(grad, neg(floorXY)), ry, sy);
  return [gx, gy];
});

/** `_MaximumMinimumGrad`: the gradient goes to the operand the selector picked. */
function maximumMinimumGrad(selector: (x: Tensor, y: Tensor) => Tensor): GradientFunction {
  return (op, grads) => {
    const grad = g0(grads);
    const x = in0(op);
    const y = in1(op);
    const sx = shapeOf(x);
    const sy = shapeOf(y);
    const gradShape = shapeOf(grad);
    const zeros = zerosShaped(gradShape, grad);
    const xmask = selector(x, y);
    const [rx, ry] = broadcastGradientArgs(sx, sy);
    const xgrad = where(xmask, grad, zeros);
    const gx = sumToShape(xgrad, rx, sx);
    const ygrad = where(xmask, zeros, grad);
    const gy = sumToShape(ygrad, ry, sy);
    return [gx, gy];
  };
}

registerGradient("Maximum", maximumMinimumGrad(greaterEqual));
registerGradient("Minimum", maximumMinimumGrad(lessEqual));

registerGradient("Pow", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  const z = out0(op);
  const { sx, sy, rx, ry } = broadcast(x, y);
  const gx = sumToShape(multiply(grad, pyMul(y, pow(x, pySub(y, 1)))), rx, sx);
  // Avoid a false singularity at x = 0; there is no sensible real value for x < 0.
  const mask = greater(x, 0);
  const safeX = where(mask, x, onesLike(x));
  const logX = where(mask, log(safeX), zerosLike(x));
  const gy = sumToShape(pyMul(pyMul(grad, z), logX), ry, sy);
  return [gx, gy];
});

registerGradient("SquaredDifference", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  const y = in1(op);
  const { sx, sy, rx, ry } = broadcast(x, y);
  const xGrad = afterGrad(grad, () => {
    const scalar = constant(2, { dtype: grad.dtype, name: "scalar" });
    return pyMul(multiply(scalar, grad), pySub(x, y));
  });
  return [sumToShape(xGrad, rx, sx), neg(sumToShape(xGrad, ry, sy))];
});

registerGradient("AddN", (op, grads) => op.inputs.map(() => g0(grads)));
// `_accumulate_n_grad`: as AddN's.
registerGradient("AccumulateNV2", (op, grads) => op.inputs.map(() => g0(grads)));

// ----- Element-wise unary ops --------------------------------------------------------------

registerGradient("Identity", (_op, grads) => [g0(grads)]);
registerGradient("PlaceholderWithDefault", (_op, grads) => [g0(grads)]);
registerGradient("Neg", (_op, grads) => [neg(g0(grads))]);

registerGradient("Relu", (op, grads) => [gradOp("ReluGrad", g0(grads), out0(op))]);
registerGradient("Relu6", (op, grads) => [gradOp("Relu6Grad", g0(grads), out0(op))]);
registerGradient("Elu", (op, grads) => [gradOp("EluGrad", g0(grads), out0(op))]);
registerGradient("Selu", (op, grads) => [gradOp("SeluGrad", g0(grads), out0(op))]);
registerGradient("Softplus", (op, grads) => [gradOp("SoftplusGrad", g0(grads), in0(op))]);
registerGradient("Tanh", (op, grads) => [gradOp("TanhGrad", out0(op), g0(grads))]);
registerGradient("Sigmoid", (op, grads) => [gradOp("SigmoidGrad", out0(op), g0(grads))]);
registerGradient("Sqrt", (op, grads) => [gradOp("SqrtGrad", out0(op), g0(grads))]);
registerGradient("Rsqrt", (op, grads) => [gradOp("RsqrtGrad", out0(op), g0(grads))]);
registerGradient("Reciprocal", (op, grads) => [gradOp("ReciprocalGrad", out0(op), g0(grads))]);

registerGradient("Square", (op, grads) => {
  const grad = g0(grads);
  const x = in0(op);
  // The 2 * x waits for the gradient, so that it is not computed too early.
  return [
    afterGrad(grad, () =>
      multiply(grad, multiply(x, constant(2, { dtype: x.dtype, name: "Const" }))),
    ),
  ];
});

registerGradient("Exp", (op, grads) => {
  const grad = g0(grads);
  return [afterGrad(grad, () => pyMul(grad, out0(op)))];
});

registerGradient("Log", (op, grads) => {
  const grad = g0(grads);
  return [afterGrad(grad, () => pyMul(grad, reciprocal(in0(op))))];
});

registerGradient("Log1p", (op, grads) => {
  const grad = g0(grads);
  return [afterGrad(grad, () => pyMul(grad, reciprocal(pyAdd(1, in0(op)))))];
});

registerGradient("Abs", (op, grads) => [pyMul(sign(in0(op)), g0(grads))]);

registerGradient("Sign", (op) => {
  const x = in0(op);
  return [zerosShaped(shapeOf(x), x)];
});

registerGradient("Sin", (op, grads) => {
  const grad = g0(grads);
  return [afterGrad(grad, () => pyMul(grad, cos(in0(op))))];
});

registerGradient("Cos", (op, grads) => {
  const grad = g0(grads);
  return [afterGrad(grad, () => pyMul(neg(grad), sin(in0(op))))];
});

// TensorFlow registers these as returning None (not as NotDifferentiable).
register(["Floor", "Ceil", "Round"], () => [null]);

// ----- Reductions --------------------------------------------------------------------------

function isArange(op: Operation, rank: number): boolean {
  const v = constantValue(in1(op));
  if (v === null || v.dtype !== "int32" || v.shape.length !== 1 || v.shape[0] !== rank)
    return false;
  for (let i = 0; i < rank; i++) if (Number(v.values[i]) !== i) return false;
  return true;
}

/** `_SumGrad`: the gradient, reshaped to the kept-dims shape, tiled over the input. */
function sumGrad(op: Operation, grad: Tensor): Tensor {
  const x = in0(op);
  const rank = x.shape.rank;
  if (rank !== null && isArange(op, rank)) {
    // Fast path when reducing all of a tensor of known rank: Reshape and Tile.
    const g = reshape(grad, new Array<number>(rank).fill(1));
    const inputShape = x.shape.isFullyDefined()
      ? constant(x.shape.asList() as number[], { dtype: "int32", name: "Const" })
      : shapeOf(x);
    return tile(g, inputShape);
  }
  const inputShape = shapeOf(x);
  const keptDims = reducedShape(inputShape, in1(op));
  const tileScaling = safeShapeDiv(inputShape, keptDims);
  return tile(reshape(grad, keptDims), tileScaling);
}

registerGradient("Sum", (op, grads) => [sumGrad(op, g0(grads)), null]);

registerGradient("Mean", (op, grads) => {
  const sumGradient = sumGrad(op, g0(grads));
  const inShape = in0(op).shape;
  const outShape = out0(op).shape;
  let factor: Tensor;
  if (inShape.isFullyDefined() && outShape.isFullyDefined()) {
    const inSize = inShape.numElements() as number;
    const outSize = outShape.numElements() as number;
    factor = constant(Math.floor(inSize / Math.max(outSize, 1)), {
      dtype: sumGradient.dtype,
      name: "Const",
    });
  } else {
    // `_safe_shape_div(reduce_prod(shape(x)), reduce_prod(shape(y)))`; a side whose size
    // is known is a constant (tfjs-wasm's Prod of an empty shape is not 1).
    const sizeOf = (t: Tensor) => {
      const n = t.shape.numElements();
      return n !== null ? constant(n, { dtype: "int32", name: "Const" }) : reduceProd(shapeOf(t));
    };
    const inputSize = sizeOf(in0(op));
    const outputSize = sizeOf(out0(op));
    factor = pyFloordiv(inputSize, maximum(outputSize, 1));
  }
  return [pyTruediv(sumGradient, cast(factor, sumGradient.dtype)), null];
});

/**
 * `_ProdGrad`: the product of all other entries, as the product of an exclusive cumprod
 * from each side (which handles zeros). The reduced dims are moved to the front and
 * flattened; this needs the rank and the reduction axes when building.
 */
registerGradient("Prod", (op, grads) => {
  const x = in0(op);
  const axesT = in1(op);
  const rank = x.shape.rank;
  const axesValue = constantValue(axesT);
  if (rank === null || axesValue === null) {
    throw new Error(`Prod gradient: the rank and the reduction axes must be known (${op.name}).`);
  }
  const inputShape = shapeOf(x);
  // `reduction_indices = reshape(axes, [-1])`: built as TensorFlow does; the indices
  // themselves are used from their constant value below.
  reshape(axesT, [-1]);
  const keptDims = reducedShape(inputShape, axesT);
  const tileScaling = safeShapeDiv(inputShape, keptDims);
  const grad = tile(reshape(g0(grads), keptDims), tileScaling);
  const reduced = [...new Set(constNumbers(axesValue).map((a) => ((a % rank) + rank) % rank))];
  const other = Array.from({ length: rank }, (_, i) => i).filter((i) => !reduced.includes(i));
  const perm = constant([...reduced, ...other], { dtype: "int32", name: "concat" });
  const dims = x.shape.dims as (number | null)[];
  const count = (idx: number[]): Tensor => {
    const known = idx.every((i) => dims[i] !== null);
    if (known)
      return constant(
        idx.reduce((p, i) => p * (dims[i] as number), 1),
        { dtype: "int32", name: "Const" },
      );
    return reduceProd(gather(inputShape, idx));
  };
  const reducedNum = count(reduced);
  const otherNum = count(other);
  const permuted = transpose(x, { perm });
  const permutedShape = shapeOf(permuted);
  const reshaped = reshape(permuted, [reducedNum, otherNum]);
  const zero = constant(0, { dtype: "int32", name: "Const" });
  const left = cumprod(reshaped, zero, true, false);
  const right = cumprod(reshaped, zero, true, true);
  const y = reshape(pyMul(left, right), permutedShape);
  const inverse = invertPermutation(perm);
  const back = transpose(y, { perm: inverse.tensor });
  return [reshape(pyMul(grad, back), inputShape), null];
});

/** `_MinOrMaxGrad`: the gradient is shared among the elements equal to the extremum. */
function minOrMaxGrad(op: Operation, grad: Tensor): (Tensor | null)[] {
  const x = in0(op);
  const inputShape = shapeOf(x);
  const keptDims = reducedShape(inputShape, in1(op));
  const y = reshape(out0(op), keptDims);
  const g = reshape(grad, keptDims);
  const indicators = cast(equal(y, x), g.dtype);
  const numSelected = reshape(reduceSum(indicators, { axis: in1(op) }), keptDims);
  return [pyMul(pyTruediv(indicators, numSelected), g), null];
}

registerGradient("Max", (op, grads) => minOrMaxGrad(op, g0(grads)));
registerGradient("Min", (op, grads) => minOrMaxGrad(op, g0(grads)));

// ----- Casts and not-differentiable ops ----------------------------------------------------

registerGradient("Cast", (op, grads) => {
  const src = in0(op).dtype;
  const grad = g0(grads);
  if (isFloating(src) && isFloating(grad.dtype)) return [cast(grad, src)];
  return [null];
});

register(["ArgMax", "ArgMin"], () => [null, null]);

// `ops.NotDifferentiable` in TensorFlow's math_grad.py and random_ops.py.
notDifferentiable(
  "Less",
  "LessEqual",
  "Greater",
  "GreaterEqual",
  "Equal",
  "NotEqual",
  "LogicalAnd",
  "LogicalOr",
  "LogicalNot",
  "Range",
  "RandomStandardNormal",
  "TruncatedNormal",
  "RandomUniform",
);
// No gradient in TensorFlow either.
noGradient(false, "All", "Any", "IsFinite", "RandomUniformInt");
// TensorFlow differentiates these (second-order gradients: `_TanhGradGrad`, …;
// `_CumprodGrad`, `_UnsortedSegmentSumGrad`).
noGradient(true, ...CWISE_GRAD_TYPES, "Cumprod");

// ----- ops-math: trigonometric, hyperbolic and special functions, scans, activations -----

/** `with ops.control_dependencies([grad]): return grad * f(x)` (TF's usual unary form). */
function unaryGrad(f: (x: Tensor, y: Tensor, grad: Tensor) => Tensor): GradientFunction {
  return (op, grads) => {
    const grad = g0(grads);
    return [afterGrad(grad, () => f(in0(op), out0(op), grad))];
  };
}

const oneLike = (grad: Tensor) => constant(1, { dtype: grad.dtype, name: "Const" });

registerGradient(
  "Tan",
  unaryGrad((x, _y, grad) => pyMul(square(reciprocal(cos(x))), grad)),
);
registerGradient(
  "Asin",
  unaryGrad((x, _y, grad) => {
    const x2 = square(x);
    const one = oneLike(grad);
    return pyMul(grad, reciprocal(sqrt(subtract(one, x2))));
  }),
);
registerGradient(
  "Acos",
  unaryGrad((x, _y, grad) => {
    const x2 = square(x);
    const one = oneLike(grad);
    return pyMul(neg(grad), reciprocal(sqrt(subtract(one, x2))));
  }),
);
registerGradient(
  "Atan",
  unaryGrad((x, _y, grad) => {
    const x2 = square(x);
    const one = oneLike(grad);
    return pyMul(grad, reciprocal(add(one, x2)));
  }),
);
registerGradient(
  "Sinh",
  unaryGrad((x, _y, grad) => pyMul(grad, cosh(x))),
);
registerGradient(
  "Cosh",
  unaryGrad((x, _y, grad) => pyMul(grad, sinh(x))),
);
registerGradient(
  "Asinh",
  unaryGrad((_x, y, grad) => pyTruediv(grad, cosh(y))),
);
registerGradient(
  "Acosh",
  unaryGrad((_x, y, grad) => pyTruediv(grad, sinh(y))),
);
registerGradient(
  "Atanh",
  unaryGrad((x, _y, grad) => {
    const x2 = square(x);
    const one = oneLike(grad);
    return pyMul(grad, reciprocal(subtract(one, x2)));
  }),
);
registerGradient(
  "Expm1",
  unaryGrad((x, _y, grad) => pyMul(grad, exp(x))),
);

/** `_ErfGrad`/`_ErfcGrad`: `grad * (±2/√π) * exp(-x²)`, the constant made before the block. */
function erfGrad(sign: 1 | -1): GradientFunction {
  return (op, grads) => {
    const grad = g0(grads);
    const c = constant((sign * 2) / Math.sqrt(Math.PI), { dtype: grad.dtype, name: "Const" });
    return [afterGrad(grad, () => pyMul(pyMul(grad, c), exp(neg(square(in0(op))))))];
  };
}
registerGradient("Erf", erfGrad(1));
registerGradient("Erfc", erfGrad(-1));
registerGradient(
  "Lgamma",
  unaryGrad((x, _y, grad) => pyMul(grad, digamma(x))),
);
registerGradient("Rint", () => [null]);

registerGradient("Atan2", (op, grads) => {
  const grad = g0(grads);
  const y = in0(op);
  const x = in1(op);
  return afterGrad(grad, () => {
    const gradInv = pyTruediv(grad, pyAdd(square(x), square(y)));
    return [pyMul(x, gradInv), pyMul(neg(y), gradInv)];
  });
});

/** `_XLogyGrad` and `_XDivyGrad`: the partials summed back over the broadcast axes. */
function xGrad(
  partials: (x: Tensor, y: Tensor, notZeroX: Tensor) => [Tensor, Tensor],
): GradientFunction {
  return (op, grads) => {
    const grad = g0(grads);
    const x = in0(op);
    const y = in1(op);
    const sx = shapeOf(x);
    const sy = shapeOf(y);
    const [rx, ry] = broadcastGradientArgs(sx, sy);
    return afterGrad(grad, () => {
      const zero = cast(constant(0, { dtype: "float32", name: "Cast/x" }), x.dtype);
      const notZeroX = cast(binaryOp("NotEqual", "NotEqual", x, zero), x.dtype);
      const [px, py] = partials(x, y, notZeroX);
      return [sumToShape(pyMul(px, grad), rx, sx), sumToShape(pyMul(py, grad), ry, sy)];
    });
  };
}
registerGradient(
  "Xlogy",
  xGrad((x, y, nz) => [xlogyOp(nz, y), xdivyOp(x, y)]),
);
registerGradient(
  "Xdivy",
  xGrad((x, y, nz) => [xdivyOp(nz, y), xdivyOp(neg(x), pythonOperator("pow", y, 2))]),
);

registerGradient("Cumsum", (op, grads) => {
  const exclusive = op.attrs.exclusive === true;
  const reverse = op.attrs.reverse === true;
  return [cumsum(g0(grads), in1(op), exclusive, !reverse), null];
});

registerGradient("Softsign", (op, grads) => [softsignGrad(g0(grads), in0(op))]);
registerGradient("LeakyRelu", (op, grads) => [
  leakyReluGrad(g0(grads), in0(op), op.attrs.alpha as number),
]);

noGradient(false, "IsNan", "IsInf", "TruncateMod", "SoftsignGrad");
registerGradient(
  "Digamma",
  unaryGrad((x, _y, grad) =>
    pyMul(grad, polygammaOp(constant(1, { dtype: x.dtype, name: "Const" }), x)),
  ),
);

/** `_PolygammaGrad` and `_ZetaGrad`: only the second input is differentiated. */
function secondInputGrad(partial: (a: Tensor, b: Tensor) => Tensor): GradientFunction {
  return (op, grads) => {
    const grad = g0(grads);
    const a = in0(op);
    const b = in1(op);
    const sa = shapeOf(a);
    const sb = shapeOf(b);
    const [, rb] = broadcastGradientArgs(sa, sb);
    return afterGrad(grad, () => [null, sumToShape(pyMul(partial(a, b), grad), rb, sb)]);
  };
}
registerGradient(
  "Polygamma",
  secondInputGrad((n, x) => polygammaOp(pyAdd(n, 1), x)),
);
registerGradient(
  "Zeta",
  secondInputGrad((x, q) => pyMul(neg(x), zetaOp(pyAdd(x, 1), q))),
);

/** `_LeakyReluGradGrad`: the gradient of the incoming gradient, none for the features. */
registerGradient("LeakyReluGrad", (op, grads) => {
  const x = in1(op);
  return [leakyReluGrad(g0(grads), x, op.attrs.alpha as number), zerosShaped(shapeOf(x), x)];
});

// ----- ops-math: segment reductions --------------------------------------------------------

registerGradient("SegmentSum", (op, grads) => [gather(g0(grads), in1(op)), null]);

/** `_SegmentMeanGrad`: the gradient divided by each segment's size, gathered back. */
registerGradient("SegmentMean", (op, grads) => {
  const grad = g0(grads);
  const inputRank = rank(in0(op));
  const onesShape = concat(
    [
      shapeOf(in1(op)),
      fill(expandDims(pySub(inputRank, 1), 0), constant(1, { dtype: "int32", name: "Const" })),
    ],
    0,
  );
  const ones = fill(onesShape, constant(1, { dtype: grad.dtype, name: "Const" }));
  const scaled = pyTruediv(grad, segmentSum(ones, in1(op)));
  return [gather(scaled, in1(op)), null];
});

/** `_SegmentMinOrMaxGrad`: the gradient shared among the elements equal to the extremum. */
function segmentMinOrMaxGrad(op: Operation, grads: (Tensor | null)[]): (Tensor | null)[] {
  const grad = g0(grads);
  const zeros = zerosLike(in0(op));
  const gathered = gather(out0(op), in1(op));
  const isSelected = equal(in0(op), gathered);
  const numSelected = segmentSum(cast(isSelected, grad.dtype), in1(op));
  const weighted = pyTruediv(grad, numSelected);
  return [where(isSelected, gather(weighted, in1(op)), zeros), null];
}
registerGradient("SegmentMax", segmentMinOrMaxGrad);
registerGradient("SegmentMin", segmentMinOrMaxGrad);

/**
 * `_GatherDropNegatives`: `params` gathered at the ids clipped to 0, rows of negative ids
 * zeroed; the clipped ids and the mask are returned for reuse.
 */
function gatherDropNegatives(
  params: Tensor,
  ids: Tensor | null,
  clipped?: Tensor,
  positive?: Tensor,
): [Tensor, Tensor, Tensor] {
  const zeroClipped = clipped ?? maximum(ids as Tensor, zerosLike(ids as Tensor));
  const gathered = gather(params, zeroClipped);
  let isPositive = positive;
  if (isPositive === undefined) {
    isPositive = greaterEqual(ids as Tensor, 0);
    const extra = (gathered.shape.rank ?? 0) - (isPositive.shape.rank ?? 0);
    for (let i = 0; i < extra; i++) isPositive = expandDims(isPositive, -1);
    isPositive = binaryOp("LogicalAnd", "and", isPositive, onesLike(gathered, { dtype: "bool" }));
  }
  const zeroSlice = zerosLike(gathered);
  return [where(isPositive, gathered, zeroSlice), zeroClipped, isPositive];
}

registerGradient("UnsortedSegmentSum", (op, grads) => [
  gatherDropNegatives(g0(grads), in1(op))[0],
  null,
  null,
]);

/** `_UnsortedSegmentMinOrMaxGrad`. */
function unsortedSegmentMinOrMaxGrad(op: Operation, grads: (Tensor | null)[]): (Tensor | null)[] {
  const grad = g0(grads);
  const [gatheredOutputs, clipped, isPositive] = gatherDropNegatives(out0(op), in1(op));
  const isSelected = binaryOp(
    "LogicalAnd",
    "LogicalAnd",
    equal(in0(op), gatheredOutputs),
    isPositive,
  );
  const numSelected = unsortedSegmentSum(
    cast(isSelected, grad.dtype),
    in1(op),
    op.inputs[2] as Tensor,
  );
  const weighted = pyTruediv(grad, numSelected);
  const [gatheredGrads] = gatherDropNegatives(weighted, null, clipped, isPositive);
  return [where(isSelected, gatheredGrads, zerosLike(gatheredGrads)), null, null];
}
registerGradient("UnsortedSegmentMax", unsortedSegmentMinOrMaxGrad);
registerGradient("UnsortedSegmentMin", unsortedSegmentMinOrMaxGrad);

// TF 1.15 registers no gradient for SegmentProd or Bincount.
noGradient(false, "SegmentProd", "Bincount");
/**
 * `_UnsortedSegmentProdGrad`: the segment's product over each element, or, for the one
 * zero of a segment, the product of the others; 0 in segments with two zeros or more.
 */
registerGradient("UnsortedSegmentProd", (op, grads) => {
  const data = in0(op);
  const ids = in1(op);
  const num = op.inputs[2] as Tensor;
  const isZero = equal(data, 0);
  const numZeros = unsortedSegmentSum(cast(isZero, "int32"), ids, num);
  const grad = where(greater(numZeros, 1), zerosLike(g0(grads)), g0(grads));
  const nonZeroData = where(isZero, onesLike(data), data);
  const nonZeroProd = unsortedSegmentProd(nonZeroData, ids, num);
  const clipped = maximum(ids, zerosLike(ids));
  const gatheredProd = gather(out0(op), clipped);
  const gatheredNonZeroProd = gather(nonZeroProd, clipped);
  const prodDividedByEl = pyTruediv(gatheredProd, data);
  const partial = where(isZero, gatheredNonZeroProd, prodDividedByEl);
  const [gatheredGrad] = gatherDropNegatives(grad, ids, clipped);
  return [pyMul(gatheredGrad, partial), null, null];
});
