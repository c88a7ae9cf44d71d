import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { InvalidArgumentError } from "../../errors.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { broadcastShapes } from "../shape_utils.js";
import type { TensorShape } from "../../graph/tensor_shape.js";
import { binaryOpIn, checkIntegerDivisor, convertOperands } from "./binary.js";
import { digamma, erf, erfc, lgamma, polygamma, rint, zeta } from "./special.js";

/*
 * TF 1.15's element-wise math ops beyond the basic ones: trigonometric and hyperbolic
 * functions, the special functions, `Rint`, `IsNan`/`IsInf`, and the binary `Atan2`,
 * `Xdivy`, `Xlogy` and `TruncateMod`.
 */

const FLOAT_COMPLEX = "T: {bfloat16, half, float, double, complex64, complex128}";
const FLOAT_ONLY = "T: {bfloat16, half, float, double}";
const WITH_INTS = "T: {bfloat16, half, float, double, int32, int64, complex64, complex128}";

function unaryDef(attr: string): OpDefSpec {
  return { inputs: ["x: T"], outputs: ["y: T"], attrs: [attr] };
}

/**
 * Each function computed in float64 and rounded to float32 once (nearly correctly rounded,
 * as TF's Eigen kernels are to an ulp or two). tfjs's float32 kernels for these lose
 * digits near zero (expm1, asinh, atanh) or have none at all.
 */
const FLOAT_FUNCTIONS: Record<string, { fn: (v: number) => number; def: OpDefSpec }> = {
  Tan: { fn: Math.tan, def: unaryDef(WITH_INTS) },
  Atan: { fn: Math.atan, def: unaryDef(WITH_INTS) },
  Asin: { fn: Math.asin, def: unaryDef(WITH_INTS) },
  Acos: { fn: Math.acos, def: unaryDef(WITH_INTS) },
  Sinh: { fn: Math.sinh, def: unaryDef(FLOAT_COMPLEX) },
  Cosh: { fn: Math.cosh, def: unaryDef(FLOAT_COMPLEX) },
  Asinh: { fn: Math.asinh, def: unaryDef(FLOAT_COMPLEX) },
  Acosh: { fn: Math.acosh, def: unaryDef(FLOAT_COMPLEX) },
  Atanh: { fn: Math.atanh, def: unaryDef(FLOAT_COMPLEX) },
  Expm1: { fn: Math.expm1, def: unaryDef(FLOAT_COMPLEX) },
  Erf: { fn: erf, def: unaryDef(FLOAT_ONLY) },
  Erfc: { fn: erfc, def: unaryDef(FLOAT_ONLY) },
  Lgamma: { fn: lgamma, def: unaryDef(FLOAT_ONLY) },
  Digamma: { fn: digamma, def: unaryDef(FLOAT_ONLY) },
  Rint: { fn: rint, def: unaryDef(FLOAT_ONLY) },
};

/** `fn` applied to each element of a float32 tensor. */
export function mapFloat32(x: tfc.Tensor, fn: (v: number) => number): tfc.Tensor {
  const src = x.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = fn(src[i] as number);
  return tfc.tensor(out, x.shape, "float32");
}

const sameShape = (op: { inputs: readonly Tensor[] }): TensorShape[] => [
  (op.inputs[0] as Tensor).shape,
];
const broadcastShape = (op: {
  name: string;
  type: string;
  inputs: readonly Tensor[];
}): TensorShape[] => [
  broadcastShapes((op.inputs[0] as Tensor).shape, (op.inputs[1] as Tensor).shape, op.name, op.type),
];

for (const [type, { fn, def }] of Object.entries(FLOAT_FUNCTIONS)) {
  registerOp({
    type,
    opDef: def,
    kernel: ([x], op) => {
      const t = x as tfc.Tensor;
      // Tan/Atan/Asin/Acos accept ints in their OpDef, but TF has float kernels only.
      if (t.dtype !== "float32") {
        throw new InvalidArgumentError(
          `No OpKernel was registered to support Op '${type}' used by {{node ${op.name}}}with these attrs: [T=DT_INT32]`,
          op.name,
        );
      }
      return [mapFloat32(t, fn)];
    },
    inferShapes: sameShape,
  });
}

const IS_DEF: OpDefSpec = { inputs: ["x: T"], outputs: ["y: bool"], attrs: [FLOAT_ONLY] };
registerOp({
  type: "IsNan",
  opDef: IS_DEF,
  kernel: ([x]) => [tfc.isNaN(x as tfc.Tensor)],
  inferShapes: sameShape,
});
registerOp({
  type: "IsInf",
  opDef: IS_DEF,
  kernel: ([x]) => [tfc.isInf(x as tfc.Tensor)],
  inferShapes: sameShape,
});

/** `fn` on each pair of elements of two float32 or int32 tensors, with broadcasting. */
export function mapPairs(
  a: tfc.Tensor,
  b: tfc.Tensor,
  fn: (x: number, y: number) => number,
): tfc.Tensor {
  const shape = tfc.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
  return tfc.tidy(() => {
    const xa = (sameDims(a.shape, shape) ? a : tfc.broadcastTo(a, shape)).dataSync();
    const xb = (sameDims(b.shape, shape) ? b : tfc.broadcastTo(b, shape)).dataSync();
    const out = a.dtype === "int32" ? new Int32Array(xa.length) : new Float32Array(xa.length);
    for (let i = 0; i < xa.length; i++) out[i] = fn(xa[i] as number, xb[i] as number);
    return tfc.tensor(out, shape, a.dtype);
  });
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `x * log(y)`, 0 where `x` is 0 (even where `y` is 0 or NaN), as TF's `xlogy` functor. */
const xlogy = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(y));
/** `x / y`, 0 where `x` is 0, as TF's `xdivy` functor. */
const xdivy = (x: number, y: number): number => (x === 0 ? 0 : x / y);

const XLOG_DEF: OpDefSpec = {
  inputs: ["x: T", "y: T"],
  outputs: ["z: T"],
  attrs: ["T: {half, float, double, complex64, complex128}"],
};

const FLOAT_PAIR = (a: string, b: string): OpDefSpec => ({
  inputs: [`${a}: T`, `${b}: T`],
  outputs: ["z: T"],
  attrs: ["T: {float, double}"],
});

const BINARY_DEFS: Record<string, OpDefSpec> = {
  Polygamma: FLOAT_PAIR("a", "x"),
  Zeta: FLOAT_PAIR("x", "q"),
  Atan2: { inputs: ["y: T", "x: T"], outputs: ["z: T"], attrs: [FLOAT_ONLY] },
  Xlogy: XLOG_DEF,
  Xdivy: XLOG_DEF,
  TruncateMod: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: ["T: {int32, int64, bfloat16, half, float, double}"],
  },
};

registerOp({
  type: "Atan2",
  opDef: BINARY_DEFS.Atan2,
  kernel: ([y, x]) => [mapPairs(y as tfc.Tensor, x as tfc.Tensor, Math.atan2)],
  inferShapes: broadcastShape,
});
registerOp({
  type: "Polygamma",
  opDef: BINARY_DEFS.Polygamma,
  kernel: ([a, x]) => [mapPairs(a as tfc.Tensor, x as tfc.Tensor, polygamma)],
  inferShapes: broadcastShape,
});
registerOp({
  type: "Zeta",
  opDef: BINARY_DEFS.Zeta,
  kernel: ([x, q]) => [mapPairs(x as tfc.Tensor, q as tfc.Tensor, zeta)],
  inferShapes: broadcastShape,
});
registerOp({
  type: "Xlogy",
  opDef: BINARY_DEFS.Xlogy,
  kernel: ([x, y]) => [mapPairs(x as tfc.Tensor, y as tfc.Tensor, xlogy)],
  inferShapes: broadcastShape,
});
registerOp({
  type: "Xdivy",
  opDef: BINARY_DEFS.Xdivy,
  kernel: ([x, y]) => [mapPairs(x as tfc.Tensor, y as tfc.Tensor, xdivy)],
  inferShapes: broadcastShape,
});
registerOp({
  type: "TruncateMod",
  opDef: BINARY_DEFS.TruncateMod,
  // JS's `%` is C's `fmod` (and, on integers, C's `%`): the remainder has the dividend's sign.
  kernel: ([x, y], op) => {
    checkIntegerDivisor(y as tfc.Tensor, op.name);
    return [mapPairs(x as tfc.Tensor, y as tfc.Tensor, (a, b) => a % b)];
  },
  inferShapes: broadcastShape,
});

/** Builds the element-wise unary op `type` (`gen_math_ops.<op>(x, name)`). */
export function cwiseUnary(
  type: string,
  def: OpDefSpec,
  x: TensorLike,
  name: string | undefined,
  param = "x",
): Tensor {
  return inOpScope(name, type, [x], (scope, graph) => {
    const tx = convertToTensor(x, { name: param });
    const dtype = def.outputs?.[0]?.endsWith(": bool") ? "bool" : tx.dtype;
    return makeOp(graph, type, scope, [tx], [{ dtype, shape: tx.shape }], { T: tx.dtype })
      .outputs[0] as Tensor;
  });
}

/** Builds the element-wise binary op `type` with broadcasting. */
export function cwiseBinary(
  type: string,
  a: TensorLike,
  b: TensorLike,
  name: string | undefined,
  names: readonly [string, string] = ["x", "y"],
): Tensor {
  return inOpScope(name, type, [a, b], (scope, graph) => {
    const [ta, tb] = convertOperands(a, b, type, names);
    return binaryOpIn(scope, graph, type, ta, tb);
  });
}

const X_PARAMS = [req("x", tensorKind), opt("name", stringKind)] as const;
const XY_PARAMS = [req("x", tensorKind), req("y", tensorKind), opt("name", stringKind)] as const;

function defineFloat(fn: string, type: string) {
  const def = (FLOAT_FUNCTIONS[type] as { def: OpDefSpec }).def;
  return tfFunction(fn, X_PARAMS, (a) => cwiseUnary(type, def, a.x, a.name));
}

/**
 * Tangent (`tf.tan`, op `Tan`). Its gradient is `grad · sec²(x)`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.tan(tf.constant(0))); // ==> 0.0
 * ```
 */
export const tan = defineFloat("tan", "Tan");
/**
 * Arctangent (`tf.atan`, op `Atan`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.atan(tf.constant(0))); // ==> 0.0
 * ```
 */
export const atan = defineFloat("atan", "Atan");
/**
 * Arcsine (`tf.asin`, op `Asin`): NaN outside [-1, 1].
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.asin(tf.constant(0))); // ==> 0.0
 * ```
 */
export const asin = defineFloat("asin", "Asin");
/**
 * Arccosine (`tf.acos`, op `Acos`): NaN outside [-1, 1].
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.acos(tf.constant(1))); // ==> 0.0
 * ```
 */
export const acos = defineFloat("acos", "Acos");
/**
 * Hyperbolic sine (`tf.sinh`, op `Sinh`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sinh(tf.constant(0))); // ==> 0.0
 * ```
 */
export const sinh = defineFloat("sinh", "Sinh");
/**
 * Hyperbolic cosine (`tf.cosh`, op `Cosh`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.cosh(tf.constant(0))); // ==> 1.0
 * ```
 */
export const cosh = defineFloat("cosh", "Cosh");
/**
 * Inverse hyperbolic sine (`tf.asinh`, op `Asinh`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.asinh(tf.constant(0))); // ==> 0.0
 * ```
 */
export const asinh = defineFloat("asinh", "Asinh");
/**
 * Inverse hyperbolic cosine (`tf.acosh`, op `Acosh`): NaN below 1.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.acosh(tf.constant(1))); // ==> 0.0
 * ```
 */
export const acosh = defineFloat("acosh", "Acosh");
/**
 * Inverse hyperbolic tangent (`tf.atanh`, op `Atanh`): ±inf at ±1, NaN beyond.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.atanh(tf.constant(0))); // ==> 0.0
 * ```
 */
export const atanh = defineFloat("atanh", "Atanh");
/**
 * `eˣ - 1`, exact near 0 (`tf.expm1`, op `Expm1`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.expm1(tf.constant(0))); // ==> 0.0
 * ```
 */
export const expm1 = defineFloat("expm1", "Expm1");
/**
 * The Gauss error function (`tf.erf`, op `Erf`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.erf(tf.constant([0, 1]))); // ==> [0.        0.8427008]
 * ```
 */
export const erfOp = defineFloat("erf", "Erf");
/**
 * The complementary error function `1 - erf(x)` (`tf.math.erfc`, op `Erfc`), accurate in
 * its tail.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.erfc(tf.constant(0))); // ==> 1.0
 * ```
 */
export const erfcOp = defineFloat("erfc", "Erfc");
/**
 * `log|Γ(x)|` (`tf.lgamma`, op `Lgamma`): +inf at 0, -1, -2, ….
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.lgamma(tf.constant([1, 3]))); // ==> [0.        0.6931472]
 * ```
 */
export const lgammaOp = defineFloat("lgamma", "Lgamma");
/**
 * The digamma function `ψ(x) = Γ'(x)/Γ(x)` (`tf.digamma`, op `Digamma`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.digamma(tf.constant(1))); // ==> -0.5772157
 * ```
 */
export const digammaOp = defineFloat("digamma", "Digamma");
/**
 * Rounds to the nearest integer, halves to even (`tf.rint`, op `Rint`); not differentiable
 * (its gradient is `None`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.rint(tf.constant([-1.5, 0.5, 1.7]))); // ==> [-2.  0.  2.]
 * ```
 */
export const rintOp = defineFloat("rint", "Rint");

/**
 * Whether each element is NaN (`tf.is_nan`, op `IsNan`), a bool tensor.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.isNan(tf.constant([1, NaN]))); // ==> [False  True]
 * ```
 */
export const isNan = tfFunction("isNan", X_PARAMS, (a) => cwiseUnary("IsNan", IS_DEF, a.x, a.name));
/**
 * Whether each element is +inf or -inf (`tf.is_inf`, op `IsInf`), a bool tensor.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.isInf(tf.constant([1, -Infinity]))); // ==> [False  True]
 * ```
 */
export const isInf = tfFunction("isInf", X_PARAMS, (a) => cwiseUnary("IsInf", IS_DEF, a.x, a.name));

const IS_FINITE_DEF: OpDefSpec = IS_DEF;
/**
 * Whether each element is neither infinite nor NaN (`tf.is_finite`, op `IsFinite`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.isFinite(tf.constant([1, Infinity, NaN]))); // ==> [ True False False]
 * ```
 */
export const isFinite = tfFunction("isFinite", X_PARAMS, (a) =>
  cwiseUnary("IsFinite", IS_FINITE_DEF, a.x, a.name),
);

/**
 * The angle of the point `(x, y)`, `atan(y/x)` in the right quadrant (`tf.atan2(y, x)`,
 * op `Atan2`), with broadcasting.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.atan2(tf.constant(1), tf.constant(1))); // ==> 0.7853982
 * ```
 */
export const atan2 = tfFunction(
  "atan2",
  [req("y", tensorKind), req("x", tensorKind), opt("name", stringKind)] as const,
  (a) => cwiseBinary("Atan2", a.y, a.x, a.name, ["y", "x"]),
);

/**
 * `x * log(y)`, 0 where `x` is 0 (`tf.math.xlogy`, op `Xlogy`), with broadcasting.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.math.xlogy(tf.constant([0, 2]), tf.constant([0, 1]))); // ==> [0. 0.]
 * ```
 */
export const xlogyOp = tfFunction("xlogy", XY_PARAMS, (a) =>
  cwiseBinary("Xlogy", a.x, a.y, a.name),
);

/**
 * `x / y`, 0 where `x` is 0 (`tf.math.xdivy`, op `Xdivy`), with broadcasting.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.math.xdivy(tf.constant([0, 3]), tf.constant([0, 2]))); // ==> [0.  1.5]
 * ```
 */
export const xdivyOp = tfFunction("xdivy", XY_PARAMS, (a) =>
  cwiseBinary("Xdivy", a.x, a.y, a.name),
);

/**
 * The remainder of the division rounded toward zero, with the dividend's sign, as C's `%`
 * and `fmod` (`tf.truncatemod`, op `TruncateMod`). An integer zero divisor fails the run.
 * TF registers no gradient for it.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([7, -7, 7, -7], { dtype: "int32" });
 * sess.run(tf.truncatemod(x, [3, 3, -3, -3])); // ==> [ 1 -1  1 -1]
 * ```
 */
export const truncatemod = tfFunction("truncatemod", XY_PARAMS, (a) =>
  cwiseBinary("TruncateMod", a.x, a.y, a.name),
);

/**
 * The n-th derivative of digamma, `ψ⁽ⁿ⁾(x)` (`tf.polygamma(a, x, name)`, op `Polygamma`),
 * with broadcasting; NaN where `a` is not a non-negative integer.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.polygamma(tf.constant(1), tf.constant(1))); // ==> 1.644934
 * ```
 */
export const polygammaOp = tfFunction(
  "polygamma",
  [req("a", tensorKind), req("x", tensorKind), opt("name", stringKind)] as const,
  (a) => cwiseBinary("Polygamma", a.a, a.x, a.name, ["a", "x"]),
);

/**
 * The Hurwitz zeta function `Σₖ (q + k)^-x` (`tf.zeta(x, q, name)`, op `Zeta`), with
 * broadcasting.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.zeta(tf.constant(2), tf.constant(1))); // ==> 1.644934
 * ```
 */
export const zetaOp = tfFunction(
  "zeta",
  [req("x", tensorKind), req("q", tensorKind), opt("name", stringKind)] as const,
  (a) => cwiseBinary("Zeta", a.x, a.q, a.name, ["x", "q"]),
);
