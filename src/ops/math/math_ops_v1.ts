import { isFloating, isInteger, type DType } from "../../graph/dtypes.js";
import { ValueError } from "../../errors.js";
import {
  dtypeKind,
  eitherKind,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { cast, castIn } from "../array/cast.js";
import { convertToTensor } from "../convert.js";
import { IndexedSlices } from "../indexed_slices.js";
import { inOpScope } from "../op_scope.js";
import { binaryOp, binaryOpIn, convertOperands } from "./binary.js";
import { divNoNan as divNoNanOp } from "./div_no_nan.js";
import { floormod } from "./integer_div.js";
import { unaryOp } from "./unary.js";

/*
 * TF 1.15's `math_ops` functions around casts, divisions and logic: what the Python
 * builds (names, casts, composite ops), on the ops scopeflow already has.
 */

/** How TF's Python prints a dtype in its messages (`tf.float32`). */
function repr(dtype: DType): string {
  return `tf.${dtype}`;
}

const X_NAME = [req("x", tensorKind), opt("name", stringKind)] as const;
const XY_NAME = [req("x", tensorKind), req("y", tensorKind), opt("name", stringKind)] as const;

// ----- Casts -------------------------------------------------------------------------------

function defineTo(fn: string, dtype: DType, defaultName: string) {
  return tfFunction(fn, X_NAME, (a) => cast(a.x, dtype, a.name ?? defaultName));
}

/**
 * `tf.to_float(x, name="ToFloat")` (deprecated in TF 1.15 for `tf.cast`): a `Cast` to
 * float32 named `ToFloat`, or `x` itself when it is already float32.
 *
 * @example
 * ```ts
 * const f = tf.toFloat(tf.constant([1, 2], { dtype: "int32" }));
 * f.op.name; // ==> ToFloat
 * ```
 */
export const toFloat = defineTo("toFloat", "float32", "ToFloat");
/**
 * `tf.to_int32(x, name="ToInt32")`: a `Cast` to int32 named `ToInt32`; floats truncate
 * toward zero.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.toInt32(tf.constant([1.7, -1.7]))); // ==> [ 1 -1]
 * ```
 */
export const toInt32 = defineTo("toInt32", "int32", "ToInt32");
/**
 * `tf.to_int64(x, name="ToInt64")`: a `Cast` to int64 named `ToInt64`.
 *
 * @example
 * ```ts
 * tf.toInt64(tf.constant(3)).dtype; // ==> int64
 * ```
 */
export const toInt64 = defineTo("toInt64", "int64", "ToInt64");

/** `DType.min`/`DType.max` of the dtypes scopeflow has. */
const LIMITS: Partial<Record<DType, [number, number]>> = {
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

function limitsOf(dtype: DType, which: "minimum" | "maximum"): [number, number] {
  const l = LIMITS[dtype];
  if (l === undefined) throw new TypeError(`Cannot find ${which} value of <dtype: '${dtype}'>.`);
  return l;
}

/**
 * `tf.saturate_cast(value, dtype, name)`: clamps `value` to `dtype`'s range first
 * (`Maximum` with a constant `min`, `Minimum` with `max`, each only where the source range
 * is wider), then casts; all under `saturate_cast`, the `Cast` named `saturate_cast`. As in
 * TF, float32's nearest value to int32's max is 2^31, which the cast wraps to int32's min.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([1e9, -3e9, -7.9]);
 * sess.run(tf.saturateCast(x, tf.int32)); // ==> [ 1000000000 -2147483648          -7]
 * ```
 */
export const saturateCast = tfFunction(
  "saturateCast",
  [req("value", tensorKind), req("dtype", dtypeKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "saturate_cast", [a.value], (scope, graph) => {
      let value = convertToTensor(a.value, { name: "value" });
      const [fromMin, fromMax] = limitsOf(value.dtype, "minimum");
      const [toMin, toMax] = limitsOf(a.dtype, "minimum");
      if (fromMin < toMin) {
        const min = convertToTensor(toMin, { dtype: value.dtype, name: "min" });
        value = binaryOp("Maximum", "Maximum", value, min);
      }
      if (fromMax > toMax) {
        const max = convertToTensor(toMax, { dtype: value.dtype, name: "max" });
        value = binaryOp("Minimum", "Minimum", value, max);
      }
      return value.dtype === a.dtype ? value : castIn(graph, scope, value, a.dtype);
    }),
);

// ----- Divisions ---------------------------------------------------------------------------

/**
 * `tf.div(x, y, name)`, TF 1.15's deprecated Python-2 division: `RealDiv` for floats,
 * `FloorDiv` (rounding toward -inf) for integers, named `div`. `y` is converted to `x`'s
 * dtype.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.div(tf.constant([7, -7], { dtype: "int32" }), 2)); // ==> [ 3 -4]
 * sess.run(tf.div(tf.constant([7, -7]), 2)); // ==> [ 3.5 -3.5]
 * ```
 */
export const div = tfFunction("div", XY_NAME, (a) =>
  inOpScope(a.name, "div", [a.x, a.y], (scope, graph) => {
    const x = convertToTensor(a.x, { name: "x" });
    const y = convertToTensor(a.y, { name: "y", dtype: x.dtype });
    const type = isFloating(x.dtype) ? "RealDiv" : "FloorDiv";
    return binaryOpIn(scope, graph, type, x, y);
  }),
);

/**
 * `tf.truediv(x, y, name)`: `x / y` as Python 3 divides, a `RealDiv` named `truediv`.
 * TF casts int32/int64 operands to float64, a dtype scopeflow does not have: those are
 * refused (cast them to float32 first).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.truediv(tf.constant([1, 3]), 2)); // ==> [0.5 1.5]
 * ```
 */
export const truediv = tfFunction("truediv", XY_NAME, (a) =>
  inOpScope(a.name, "truediv", [a.x, a.y], (scope, graph) => {
    const x = convertToTensor(a.x, { name: "x" });
    // A JS number cannot say 2 from 2.0: it takes x's dtype, as Python's 2 or 2.0 would.
    const y = convertToTensor(a.y, { name: "y", preferredDtype: x.dtype });
    if (x.dtype !== y.dtype) {
      throw new TypeError(
        `x and y must have the same dtype, got ${repr(x.dtype)} != ${repr(y.dtype)}`,
      );
    }
    if (isInteger(x.dtype)) {
      throw new TypeError(
        `truediv casts ${x.dtype} operands to float64, which scopeflow does not have: cast them to float32 first.`,
      );
    }
    if (!isFloating(x.dtype)) throw new TypeError(`Invalid dtype ${repr(x.dtype)} in __truediv__`);
    return binaryOpIn(scope, graph, "RealDiv", x, y);
  }),
);

/**
 * `tf.realdiv(x, y, name)` (`gen_math_ops.real_div`): a `RealDiv` named `RealDiv`, for
 * float tensors (TF has no integer `RealDiv` kernel).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.realdiv(tf.constant(1), 4)); // ==> 0.25
 * ```
 */
export const realdiv = tfFunction("realdiv", XY_NAME, (a) =>
  inOpScope(a.name, "RealDiv", [a.x, a.y], (scope, graph) => {
    const [x, y] = convertOperands(a.x, a.y, "RealDiv");
    return binaryOpIn(scope, graph, "RealDiv", x, y);
  }),
);

/**
 * `tf.div_no_nan(x, y, name)`: `x / y`, 0 wherever `y` is 0 (op `DivNoNan` named
 * `div_no_nan`), float tensors only.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.divNoNan(tf.constant([1, 2]), tf.constant([2, 0]))); // ==> [0.5 0. ]
 * ```
 */
export const divNoNan = tfFunction("divNoNan", XY_NAME, (a) =>
  divNoNanOp(a.x, a.y, { name: a.name }),
);

/**
 * `tf.mod(x, y, name)`: TF 1.15's `mod` is `floormod` itself (op `FloorMod`), the
 * remainder with the divisor's sign.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.mod(tf.constant([5, -5], { dtype: "int32" }), 3)); // ==> [2 1]
 * ```
 */
export const mod = floormod;

/** A `Tensor` or an `IndexedSlices` (a sparse gradient), as `scalar_mul` takes. */
const tensorOrSlicesKind = eitherKind(
  kind<Tensor>("a Tensor", (v) => v instanceof Tensor),
  kind<IndexedSlices>("an IndexedSlices", (v) => v instanceof IndexedSlices),
);

/**
 * `tf.scalar_mul(scalar, x, name)`: `scalar * x` as one `Mul` (named `Mul`), `scalar`
 * converted to `x`'s dtype as a constant named `scalar`; an `IndexedSlices` keeps its
 * indices and scales its values. A non-scalar `scalar` is a ValueError.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.scalarMul(2, tf.constant([1, 2]))); // ==> [2. 4.]
 * ```
 */
export const scalarMul: {
  (scalar: TensorLike, x: Tensor, name?: string | { name?: string }): Tensor;
  (scalar: TensorLike, x: IndexedSlices, name?: string | { name?: string }): IndexedSlices;
  (options: { scalar: TensorLike; x: Tensor; name?: string }): Tensor;
} = tfFunction(
  "scalarMul",
  [req("scalar", tensorKind), req("x", tensorOrSlicesKind), opt("name", stringKind)] as const,
  (a): Tensor | IndexedSlices => {
    const x = a.x;
    const dtype = x instanceof IndexedSlices ? x.values.dtype : x.dtype;
    const graph = x instanceof IndexedSlices ? x.values.graph : x.graph;
    // One atomic step: a refused shape leaves no `scalar` constant behind.
    return graph.asDefault(() =>
      graph.atomically(() => {
        const scalar = convertToTensor(a.scalar, { dtype, name: "scalar" });
        if (scalar.shape.rank !== 0) {
          throw new ValueError(`Only scalar multiply works, got shape ${scalar.shape.toString()}`);
        }
        const mul = (v: Tensor) =>
          inOpScope(a.name, "Mul", [scalar, v], (scope, g) =>
            binaryOpIn(scope, g, "Mul", scalar, v),
          );
        if (x instanceof IndexedSlices) {
          return new IndexedSlices(mul(x.values), x.indices, x.denseShape);
        }
        return mul(x);
      }),
    );
  },
) as never;

// ----- Logic -------------------------------------------------------------------------------

/** A bool-only input, refused as op_def_library refuses it. */
function boolInput(value: TensorLike, param: string, type: string): Tensor {
  const t = convertToTensor(value, { name: param, preferredDtype: "bool" });
  if (t.dtype !== "bool") {
    throw new TypeError(
      `Input '${param}' of '${type}' Op has type ${t.dtype} that does not match expected type of bool.`,
    );
  }
  return t;
}

function logicalBinary(type: string, x: TensorLike, y: TensorLike, name?: string): Tensor {
  return inOpScope(name, type, [x, y], (scope, graph) =>
    binaryOpIn(scope, graph, type, boolInput(x, "x", type), boolInput(y, "y", type)),
  );
}

/**
 * Element-wise `x AND y` of bool tensors (`tf.logical_and`, op `LogicalAnd`), with
 * broadcasting.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.logicalAnd(tf.constant([true, true]), tf.constant([true, false]))); // ==> [ True False]
 * ```
 */
export const logicalAnd = tfFunction("logicalAnd", XY_NAME, (a) =>
  logicalBinary("LogicalAnd", a.x, a.y, a.name),
);

/**
 * Element-wise `x OR y` of bool tensors (`tf.logical_or`, op `LogicalOr`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.logicalOr(tf.constant([false, false]), tf.constant([true, false]))); // ==> [ True False]
 * ```
 */
export const logicalOr = tfFunction("logicalOr", XY_NAME, (a) =>
  logicalBinary("LogicalOr", a.x, a.y, a.name),
);

/**
 * Element-wise exclusive or (`tf.logical_xor(x, y, name="LogicalXor")`), TF's composite:
 * `LogicalAnd(LogicalOr(x, y), LogicalNot(LogicalAnd(x, y)))`, the outer `LogicalAnd` named
 * `LogicalXor`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([true, true, false]);
 * sess.run(tf.logicalXor(x, tf.constant([true, false, false]))); // ==> [False  True False]
 * ```
 */
export const logicalXor = tfFunction("logicalXor", XY_NAME, (a) => {
  const either = logicalBinary("LogicalOr", a.x, a.y);
  const both = logicalBinary("LogicalAnd", a.x, a.y);
  return logicalBinary(
    "LogicalAnd",
    either,
    unaryOp("LogicalNot", "LogicalNot", both),
    a.name ?? "LogicalXor",
  );
});
