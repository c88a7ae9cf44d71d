import * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { broadcastShapes } from "../shape_utils.js";

type BinaryKernel = (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor;

/** Element-wise binary op types with broadcasting, and their tfjs kernels. */
const BINARY_KERNELS: Record<string, BinaryKernel> = {
  Add: tfc.add,
  AddV2: tfc.add,
  Sub: tfc.sub,
  Mul: tfc.mul,
  RealDiv: tfc.div,
  Div: tfc.div,
  FloorDiv: tfc.floorDiv,
  FloorMod: tfc.mod,
  Pow: tfc.pow,
  Maximum: tfc.maximum,
  Minimum: tfc.minimum,
  SquaredDifference: tfc.squaredDifference,
  Equal: tfc.equal,
  NotEqual: tfc.notEqual,
  Less: tfc.less,
  LessEqual: tfc.lessEqual,
  Greater: tfc.greater,
  GreaterEqual: tfc.greaterEqual,
  LogicalAnd: tfc.logicalAnd,
  LogicalOr: tfc.logicalOr,
};

const COMPARISONS = new Set(["Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"]);

for (const [type, kernel] of Object.entries(BINARY_KERNELS)) {
  registerOp({ type, kernel: ([a, b]) => [kernel(a as tfc.Tensor, b as tfc.Tensor)] });
}

/**
 * Converts the two operands of a binary op: a JS value takes the dtype of the tensor
 * operand (TensorFlow infers the type attr from the first tensor input).
 */
export function convertOperands(x: TensorLike, y: TensorLike, type: string): [Tensor, Tensor] {
  const tensorDType = firstTensorDType([x, y]);
  const tx = convertToTensor(x, { name: "x", preferredDtype: tensorDType });
  const ty = convertToTensor(y, { name: "y", preferredDtype: tx.dtype });
  if (tx.dtype !== ty.dtype) {
    throw new TypeError(
      `Input 'y' of '${type}' Op has type ${ty.dtype} that does not match type ${tx.dtype} of argument 'x'.`,
    );
  }
  return [tx, ty];
}

function firstTensorDType(values: readonly unknown[]): DType | null {
  for (const v of values) {
    if (v instanceof Tensor) return v.dtype;
    if (typeof v === "object" && v !== null && "dtype" in v && "op" in v) {
      return (v as { dtype: DType }).dtype;
    }
  }
  return null;
}

/** Builds an element-wise binary op named by `scope` on converted operands. */
export function binaryOpIn(
  scope: string,
  graph: Graph,
  type: string,
  x: Tensor,
  y: Tensor,
): Tensor {
  const shape = broadcastShapes(x.shape, y.shape, opNameOf(scope), type);
  const dtype: DType = COMPARISONS.has(type) ? "bool" : x.dtype;
  return makeOp(graph, type, scope, [x, y], [{ dtype, shape }], { T: x.dtype })
    .outputs[0] as Tensor;
}

/** A public binary op: `tf.add(x, y, {name})` and its kind. */
export function binaryOp(
  type: string,
  defaultName: string,
  x: TensorLike,
  y: TensorLike,
  options: NameOption = {},
): Tensor {
  return inOpScope(options.name, defaultName, [x, y], (scope, graph) => {
    const [tx, ty] = convertOperands(x, y, type);
    return binaryOpIn(scope, graph, type, tx, ty);
  });
}

/**
 * `x + y` with broadcasting (`tf.add`, op type `Add`, default name `"Add"`).
 *
 * @example
 * ```ts
 *
 * ```
 */
export function add(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Add", "Add", x, y, options);
}

/**
 * `x - y` (`tf.subtract`, op `Sub`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.subtract(5, tf.constant(2))); // ==> 3.0
 * ```
 */
export function subtract(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Sub", "Sub", x, y, options);
}

/**
 * `x * y` (`tf.multiply`, op `Mul`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.multiply(tf.constant([1, 2]), 3)); // ==> [3. 6.]
 * ```
 */
export function multiply(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Mul", "Mul", x, y, options);
}

/**
 * `x / y` (`tf.divide`: op `RealDiv`, named `truediv` as Python's `/`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.divide(tf.constant(1), 4)); // ==> 0.25
 * ```
 */
export function divide(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("RealDiv", options.name ?? "truediv", x, y, {});
}

/**
 * Element-wise maximum (`tf.maximum`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.maximum(tf.constant([1, 5]), 3)); // ==> [3. 5.]
 * ```
 */
export function maximum(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Maximum", "Maximum", x, y, options);
}

/**
 * Element-wise minimum (`tf.minimum`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.minimum(tf.constant([1, 5]), 3)); // ==> [1. 3.]
 * ```
 */
export function minimum(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Minimum", "Minimum", x, y, options);
}

/**
 * `x ** y` (`tf.pow`, op `Pow`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.pow(tf.constant(2), 3)); // ==> 8.0
 * ```
 */
export function pow(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Pow", "Pow", x, y, options);
}

/**
 * `(x - y)²` (`tf.squared_difference`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.squaredDifference(tf.constant(3), 1)); // ==> 4.0
 * ```
 */
export function squaredDifference(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("SquaredDifference", "SquaredDifference", x, y, options);
}

/**
 * `x == y` element-wise (`tf.equal`), a bool tensor.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.equal(tf.constant([1, 2]), 2)); // ==> [False  True]
 * ```
 */
export function equal(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Equal", "Equal", x, y, options);
}

/**
 * `x != y` element-wise (`tf.not_equal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.notEqual(tf.constant([1, 2]), 2)); // ==> [ True False]
 * ```
 */
export function notEqual(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("NotEqual", "NotEqual", x, y, options);
}

/**
 * `x < y` element-wise (`tf.less`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.less(tf.constant([1, 3]), 2)); // ==> [ True False]
 * ```
 */
export function less(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Less", "Less", x, y, options);
}

/**
 * `x <= y` element-wise (`tf.less_equal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.lessEqual(tf.constant([1, 3]), 1)); // ==> [ True False]
 * ```
 */
export function lessEqual(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("LessEqual", "LessEqual", x, y, options);
}

/**
 * `x > y` element-wise (`tf.greater`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.greater(tf.constant([1, 3]), 2)); // ==> [False  True]
 * ```
 */
export function greater(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("Greater", "Greater", x, y, options);
}

/**
 * `x >= y` element-wise (`tf.greater_equal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.greaterEqual(tf.constant([1, 3]), 3)); // ==> [False  True]
 * ```
 */
export function greaterEqual(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return binaryOp("GreaterEqual", "GreaterEqual", x, y, options);
}
