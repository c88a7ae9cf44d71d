import * as tfc from "@tensorflow/tfjs-core";
import { isInteger, type DType } from "../../graph/dtypes.js";
import { InvalidArgumentError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import { isTensorConvertible, Tensor, type TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { checkLeadingInputs, checkOpInputs, convertToBoundType } from "../input_types.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import {
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { broadcastShapes } from "../shape_utils.js";

type BinaryKernel = (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor;

/**
 * C++ integer division, which truncates toward zero (TF's `TruncateDiv`). tfjs's int32 `div` floors, so the quotient of the magnitudes takes the sign of
 * the operands' product.
 */
export function truncateDivInt(a: tfc.Tensor, b: tfc.Tensor): tfc.Tensor {
  return tfc.tidy(() =>
    tfc.mul(tfc.floorDiv(tfc.abs(a), tfc.abs(b)), tfc.mul(tfc.sign(a), tfc.sign(b))),
  );
}

/** Element-wise binary op types with broadcasting, and their tfjs kernels. */
const BINARY_KERNELS: Record<string, BinaryKernel> = {
  Add: tfc.add,
  AddV2: tfc.add,
  Sub: tfc.sub,
  Mul: tfc.mul,
  RealDiv: tfc.div,
  Div: tfc.div,
  // tfjs's floorDiv always returns int32; TF's float FloorDiv is `floor(x / y)`, a float.
  FloorDiv: (a, b) =>
    a.dtype === "int32" ? tfc.floorDiv(a, b) : tfc.tidy(() => tfc.floor(tfc.div(a, b))),
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

/** Op types whose integer kernels are TF's `safe_div`/`safe_mod`: a zero divisor fails the run. */
const INTEGER_DIVISIONS = new Set(["FloorDiv", "FloorMod"]);

/**
 * TF's integer division kernels refuse a zero divisor ("Integer division by zero"); tfjs
 * would return garbage. Float division follows IEEE (inf, nan) and is not checked.
 */
export function checkIntegerDivisor(divisor: tfc.Tensor, opName: string): void {
  if (divisor.dtype !== "int32") return;
  if ((divisor.dataSync() as Int32Array).includes(0)) {
    throw new InvalidArgumentError("Integer division by zero", opName);
  }
}

/** TensorFlow's signatures of the op types the loop below registers. */
const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  Add: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, complex64, complex128, string}",
    ],
  },
  AddV2: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, complex64, complex128}",
    ],
    commutative: true,
    aggregate: true,
  },
  Div: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, int64, complex64, complex128}",
    ],
  },
  Equal: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: bool"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, complex64, quint8, qint8, qint32, string, bool, complex128}",
    ],
    commutative: true,
  },
  FloorDiv: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, int64, complex64, complex128}",
    ],
  },
  FloorMod: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: ["T: {int32, int64, bfloat16, half, float, double}"],
  },
  Greater: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: bool"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  GreaterEqual: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: bool"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  Less: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: bool"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  LessEqual: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: bool"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  LogicalAnd: { inputs: ["x: bool", "y: bool"], outputs: ["z: bool"], commutative: true },
  LogicalOr: { inputs: ["x: bool", "y: bool"], outputs: ["z: bool"], commutative: true },
  Maximum: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64}"],
    commutative: true,
  },
  Minimum: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64}"],
    commutative: true,
  },
  Mul: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, int64, complex64, complex128}",
    ],
    commutative: true,
  },
  NotEqual: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: bool"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, int16, int32, int64, complex64, quint8, qint8, qint32, string, bool, complex128}",
    ],
    commutative: true,
  },
  Pow: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, float, half, double, int32, int64, complex64, complex128}"],
  },
  RealDiv: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, int64, complex64, complex128}",
    ],
  },
  SquaredDifference: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
    commutative: true,
  },
  Sub: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, int64, complex64, complex128}",
    ],
  },
};

for (const [type, kernel] of Object.entries(BINARY_KERNELS)) {
  const checked = INTEGER_DIVISIONS.has(type);
  registerOp({
    type,
    opDef: OP_DEFS[type],
    kernel: ([a, b], op) => {
      if (checked) checkIntegerDivisor(b as tfc.Tensor, op.name);
      return [upToAnyRank(kernel, a as tfc.Tensor, b as tfc.Tensor)];
    },
  });
}

/**
 * The wasm backend's binary kernels (XNNPACK) take at most 6 dims and return garbage past
 * that (an einsum's outer products reach rank 8): such operands are broadcast to the
 * result's shape and combined flat.
 */
function upToAnyRank(kernel: BinaryKernel, a: tfc.Tensor, b: tfc.Tensor): tfc.Tensor {
  if (a.rank <= 6 && b.rank <= 6) return kernel(a, b);
  const shape = tfc.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  return tfc.tidy(() =>
    tfc.reshape(
      kernel(
        tfc.reshape(tfc.broadcastTo(a, shape), [-1]),
        tfc.reshape(tfc.broadcastTo(b, shape), [-1]),
      ),
      shape,
    ),
  );
}

/**
 * Converts the two operands of a binary op: a JS value takes the dtype of the tensor
 * operand (TensorFlow infers the type attr from the first tensor input). With `bindPlain`,
 * a JS `y` must convert to `x`'s dtype, as op_def_library converts it (`tf.add(ints, 1.5)`
 * is refused); without, it converts on its own first, as `tf.matmul`'s operands do.
 */
export function convertOperands(
  x: TensorLike,
  y: TensorLike,
  type: string,
  names: readonly [string, string] = ["x", "y"],
  bindPlain = true,
): [Tensor, Tensor] {
  const [nx, ny] = names;
  const tensorDType = firstTensorDType([x, y]);
  const tx = convertToTensor(x, { name: nx, preferredDtype: tensorDType });
  // A plain JS `y` converts to the dtype `x` bound, once `x` passed (a tensor `y` is
  // checked against it).
  const plain = bindPlain && isPlainValue(y);
  if (plain) checkLeadingInputs(type, [tx]);
  const ty = plain
    ? convertToBoundType(y, tx.dtype, ny, type, () =>
        convertToTensor(y, { name: ny, dtype: tx.dtype }),
      )
    : convertToTensor(y, { name: ny, preferredDtype: tx.dtype });
  if (tx.dtype !== ty.dtype) {
    throw new TypeError(
      `Input '${ny}' of '${type}' Op has type ${ty.dtype} that does not match type ${tx.dtype} of argument '${nx}'.`,
    );
  }
  return [tx, ty];
}

/** Whether `v` is a JS value with no tensor in it (Python's constants). */
function isPlainValue(v: unknown): boolean {
  if (v instanceof Tensor || isTensorConvertible(v)) return false;
  return !Array.isArray(v) || v.every(isPlainValue);
}

/** The dtype of the first tensor among `values` (op_def_library types a list by it), or `null`. */
export function firstTensorDType(values: readonly unknown[]): DType | null {
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
  // `LogicalAnd`/`LogicalOr` take bools only: their OpDefs have no `T`.
  const attrs = type === "LogicalAnd" || type === "LogicalOr" ? {} : { T: x.dtype };
  // op_def_library refuses the dtypes before the shape function runs.
  checkOpInputs(type, [x, y], attrs);
  const shape = broadcastShapes(x.shape, y.shape, opNameOf(scope), type);
  const dtype: DType = COMPARISONS.has(type) ? "bool" : x.dtype;
  return makeOp(graph, type, scope, [x, y], [{ dtype, shape }], attrs).outputs[0] as Tensor;
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

/** TF 1.15's `(x, y, name=None)` of the element-wise binary ops. */
const BINARY_PARAMS = [
  req("x", tensorKind),
  req("y", tensorKind),
  opt("name", stringKind),
] as const;

/** The options object of a binary op (`{ name }`, or the operands by name). */
export type BinaryOptions = OptionsOf<typeof BINARY_PARAMS>;

function defineBinary(fn: string, type: string, defaultName = type) {
  return tfFunction(fn, BINARY_PARAMS, (a) => binaryOp(type, a.name ?? defaultName, a.x, a.y));
}

/**
 * `x + y` with broadcasting (`tf.add`, op type `Add`, default name `"Add"`).
 *
 * @example
 * ```ts
 *
 * ```
 */
export const add = defineBinary("add", "Add");

/**
 * `x - y` (`tf.subtract`, op `Sub`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.subtract(5, tf.constant(2))); // ==> 3.0
 * ```
 */
export const subtract = defineBinary("subtract", "Sub");

/**
 * `x * y` (`tf.multiply`, op `Mul`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.multiply(tf.constant([1, 2]), 3)); // ==> [3. 6.]
 * ```
 */
export const multiply = defineBinary("multiply", "Mul");

/**
 * `x / y` (`tf.divide`: op `RealDiv`, named `truediv` as Python's `/`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.divide(tf.constant(1), 4)); // ==> 0.25
 * ```
 */
export const divide = tfFunction("divide", BINARY_PARAMS, (a) =>
  inOpScope(a.name, "truediv", [a.x, a.y], (scope, graph) => {
    const [tx, ty] = convertOperands(a.x, a.y, "RealDiv");
    // `divide` is Python's `x / y`: integers become float64 there, which scopeflow lacks; a
    // `RealDiv` of integers would floor instead (-7 / 2 = -4).
    if (isInteger(tx.dtype)) {
      throw new TypeError(
        `divide(x, y) on ${tx.dtype} tensors: cast both to float32 first (TensorFlow casts them to float64).`,
      );
    }
    return binaryOpIn(scope, graph, "RealDiv", tx, ty);
  }),
);

/**
 * Element-wise maximum (`tf.maximum`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.maximum(tf.constant([1, 5]), 3)); // ==> [3. 5.]
 * ```
 */
export const maximum = defineBinary("maximum", "Maximum");

/**
 * Element-wise minimum (`tf.minimum`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.minimum(tf.constant([1, 5]), 3)); // ==> [1. 3.]
 * ```
 */
export const minimum = defineBinary("minimum", "Minimum");

/**
 * `x ** y` (`tf.pow`, op `Pow`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.pow(tf.constant(2), 3)); // ==> 8.0
 * ```
 */
export const pow = defineBinary("pow", "Pow");

/**
 * `(x - y)²` (`tf.squared_difference`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.squaredDifference(tf.constant(3), 1)); // ==> 4.0
 * ```
 */
export const squaredDifference = defineBinary("squaredDifference", "SquaredDifference");

/**
 * `x == y` element-wise (`tf.equal`), a bool tensor.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.equal(tf.constant([1, 2]), 2)); // ==> [False  True]
 * ```
 */
export const equal = defineBinary("equal", "Equal");

/**
 * `x != y` element-wise (`tf.not_equal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.notEqual(tf.constant([1, 2]), 2)); // ==> [ True False]
 * ```
 */
export const notEqual = defineBinary("notEqual", "NotEqual");

/**
 * `x < y` element-wise (`tf.less`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.less(tf.constant([1, 3]), 2)); // ==> [ True False]
 * ```
 */
export const less = defineBinary("less", "Less");

/**
 * `x <= y` element-wise (`tf.less_equal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.lessEqual(tf.constant([1, 3]), 1)); // ==> [ True False]
 * ```
 */
export const lessEqual = defineBinary("lessEqual", "LessEqual");

/**
 * `x > y` element-wise (`tf.greater`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.greater(tf.constant([1, 3]), 2)); // ==> [False  True]
 * ```
 */
export const greater = defineBinary("greater", "Greater");

/**
 * `x >= y` element-wise (`tf.greater_equal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.greaterEqual(tf.constant([1, 3]), 3)); // ==> [False  True]
 * ```
 */
export const greaterEqual = defineBinary("greaterEqual", "GreaterEqual");
