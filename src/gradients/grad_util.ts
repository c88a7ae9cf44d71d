import type { DType } from "../graph/dtypes.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { constant } from "../ops/array/constant.js";
import { zerosLike } from "../ops/array/like.js";
import { reshape } from "../ops/array/reshape.js";
import { shape as shapeOp, size } from "../ops/array/shape.js";
import { binaryOp, maximum } from "../ops/math/binary.js";
import { pythonOperator } from "../ops/math/operators.js";
import { range } from "../ops/math/range.js";
import { reduceSum } from "../ops/math/reduce.js";
import { inOpScope, makeOp } from "../ops/op_scope.js";
import { constantInts, staticInts, type Reduction } from "../ops/tensor_util.js";
import { broadcastGradientArgs } from "../ops/array/broadcast_gradient_args.js";
import { dynamicStitch } from "../ops/array/dynamic_stitch.js";

/*
 * Building blocks shared by the gradient functions, each building the ops its
 * TensorFlow counterpart builds, with the same default names.
 */

/** The first output gradient (most ops have one output). */
export function g0(grads: readonly (Tensor | null)[]): Tensor {
  return grads[0] as Tensor;
}

/*
 * The `py*` builders are Python's operators as gradient code writes them (`grad * y`):
 * op `Mul` named `mul`, unlike `tf.multiply`'s `Mul` named `Mul`.
 */

/** Python's `x * y` (op `Mul` named `mul`). */
export function pyMul(x: Tensor | number, y: Tensor | number): Tensor {
  return pythonOperator("mul", x, y);
}

/** Python's `x - y` (op `Sub` named `sub`). */
export function pySub(x: Tensor | number, y: Tensor | number): Tensor {
  return pythonOperator("sub", x, y);
}

/** Python's `x + y` (op `AddV2` named `add`; `tf.add` builds `Add`). */
export function pyAdd(x: Tensor | number, y: Tensor | number): Tensor {
  return pythonOperator("add", x, y);
}

/** Python's `x / y` (op `RealDiv` named `truediv`). */
export function pyTruediv(x: Tensor | number, y: Tensor | number): Tensor {
  return pythonOperator("truediv", x, y);
}

/** Python's `x // y` (op `FloorDiv` named `floordiv`). */
export function pyFloordiv(x: Tensor, y: Tensor): Tensor {
  return binaryOp("FloorDiv", "floordiv", x, y);
}

/** `array_ops.shape(x)`: a `Const` named `Shape` when fully known, else a `Shape` op. */
export function shapeOf(x: Tensor): Tensor {
  return shapeOp(x);
}

/** Ops built inside `fn` wait for `grad` (`with ops.control_dependencies([grad])`). */
export function afterGrad<T>(grad: Tensor, fn: () => T): T {
  return grad.graph.controlDependencies([grad.op], fn);
}

/** `_ShapesFullySpecifiedAndEqual(x, y, grad)`. */
export function shapesFullySpecifiedAndEqual(x: Tensor, y: Tensor, grad: Tensor): boolean {
  const a = x.shape;
  if (!a.isFullyDefined()) return false;
  return sameDims(a, y.shape) && sameDims(a, grad.shape);
}

function sameDims(a: TensorShape, b: TensorShape): boolean {
  if (a.dims === null || b.dims === null || a.dims.length !== b.dims.length) return false;
  return a.dims.every((d, i) => d === (b.dims as readonly (number | null)[])[i]);
}

/** The shapes of a broadcasting binary op's operands and their reduction indices. */
export interface Broadcast {
  sx: Tensor;
  sy: Tensor;
  rx: Reduction;
  ry: Reduction;
}

/** `sx = shape(x); sy = shape(y); rx, ry = broadcast_gradient_args(sx, sy)`. */
export function broadcast(x: Tensor, y: Tensor): Broadcast {
  const sx = shapeOf(x);
  const sy = shapeOf(y);
  const [rx, ry] = broadcastGradientArgs(sx, sy);
  return { sx, sy, rx, ry };
}

/** `math_ops.reduce_sum(t, r)` (op `Sum`). */
export function sumOver(t: Tensor, r: Reduction): Tensor {
  return reduceSum(t, { axis: r.tensor });
}

/** `array_ops.reshape(math_ops.reduce_sum(t, r), s)`: a broadcast gradient summed back. */
export function sumToShape(t: Tensor, r: Reduction, s: Tensor): Tensor {
  return reshape(sumOver(t, r), s);
}

/**
 * `array_ops.zeros(shape_tensor, dtype)`: a `Fill` named `zeros`. The `Fill` kernel sizes
 * its output from the static shape, so when `like`'s shape is not fully known a
 * `ZerosLike` of it (same name) stands in.
 */
export function zerosShaped(shapeTensor: Tensor, like: Tensor, dtype: DType = like.dtype): Tensor {
  if (!like.shape.isFullyDefined()) return zerosLike(like, { name: "zeros" });
  return inOpScope(undefined, "zeros", [shapeTensor], (scope, graph) => {
    const zero = constant(0, { dtype, name: "Const" });
    return makeOp(graph, "Fill", scope, [shapeTensor, zero], [{ dtype, shape: like.shape }], {
      T: dtype,
      index_type: "int32",
    }).outputs[0] as Tensor;
  });
}

/** A `Fill` of `value` (op `Fill`, value const `Fill/value`) for a known shape. */
function fillOnes(shapeTensor: Tensor, dims: readonly (number | null)[]): Tensor {
  return inOpScope(undefined, "Fill", [shapeTensor], (scope, graph) => {
    const one = constant(1, { dtype: "int32", name: "value" });
    return makeOp(
      graph,
      "Fill",
      scope,
      [shapeTensor, one],
      [{ dtype: "int32", shape: new TensorShape(dims) }],
      {
        T: "int32",
        index_type: "int32",
      },
    ).outputs[0] as Tensor;
  });
}

/** The reduced shape with kept dims, computed when building. */
function reducedShapeValue(input: readonly number[], axes: readonly number[]): number[] {
  const rank = input.length;
  const out = input.slice();
  for (const a of axes) out[((a % rank) + rank) % rank] = 1;
  return out;
}

/**
 * `math_ops.reduced_shape(input_shape, axes)`: the shape of a reduction's output with
 * its reduced dims kept as 1. A `Const` when the input shape and axes are known (as
 * later TensorFlow versions fold it), else TensorFlow's `DynamicStitch` construction.
 */
export function reducedShape(inputShape: Tensor, axes: Tensor): Tensor {
  const shapeValue = staticInts(inputShape);
  const axesValue = constantInts(axes);
  if (shapeValue !== null && axesValue !== null) {
    return constant(reducedShapeValue(shapeValue, axesValue), { dtype: "int32", name: "Const" });
  }
  const inputRank = size(inputShape);
  const normalized = pythonOperator("mod", pyAdd(axes, inputRank), inputRank);
  const axesShape = shapeOf(normalized);
  const indices = range(inputRank);
  const ones = fillOnes(axesShape, axes.shape.dims === null ? [null] : [...axes.shape.dims]);
  const stitched = dynamicStitch([indices, normalized], [inputShape, ones]);
  if (inputShape.shape.dims !== null) stitched.setShape(inputShape.shape);
  return stitched;
}

/** `_safe_shape_div(x, y)`: `x // maximum(y, 1)`, or a `Const` when both are known. */
export function safeShapeDiv(x: Tensor, y: Tensor): Tensor {
  const a = staticInts(x);
  const b = staticInts(y);
  if (a !== null && b !== null && a.length === b.length) {
    return constant(
      a.map((v, i) => Math.floor(v / Math.max(b[i] as number, 1))),
      { dtype: "int32", name: "Const" },
    );
  }
  return pyFloordiv(x, maximum(y, 1));
}
