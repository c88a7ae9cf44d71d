import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, type NameOption } from "../op_scope.js";
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
import { shareTensor } from "../tfjs_internals.js";

type UnaryKernel = (x: tfc.Tensor) => tfc.Tensor;

/** Element-wise unary op types and their tfjs kernels; the output has the input's shape. */
const UNARY_KERNELS: Record<string, UnaryKernel> = {
  Neg: tfc.neg,
  Square: tfc.square,
  Sqrt: tfc.sqrt,
  Rsqrt: tfc.rsqrt,
  Exp: tfc.exp,
  Log: tfc.log,
  Log1p: tfc.log1p,
  Abs: tfc.abs,
  Sign: tfc.sign,
  Floor: tfc.floor,
  Ceil: tfc.ceil,
  Round: tfc.round,
  Reciprocal: tfc.reciprocal,
  Sin: tfc.sin,
  Cos: tfc.cos,
  Tanh: tfc.tanh,
  Sigmoid: tfc.sigmoid,
  Relu: tfc.relu,
  Relu6: tfc.relu6,
  Elu: tfc.elu,
  Selu: tfc.selu,
  Softplus: tfc.softplus,
  LogicalNot: tfc.logicalNot,
  Identity: shareTensor,
  StopGradient: shareTensor,
};

/** TensorFlow's signatures of the op types the loop below registers. */
const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  Abs: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64}"],
  },
  Ceil: { inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {bfloat16, half, float, double}"] },
  Cos: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Elu: {
    inputs: ["features: T"],
    outputs: ["activations: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  Exp: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Floor: { inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {bfloat16, half, float, double}"] },
  Identity: { inputs: ["input: T"], outputs: ["output: T"], attrs: ["T: type"] },
  Log: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Log1p: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  LogicalNot: { inputs: ["x: bool"], outputs: ["y: bool"] },
  Neg: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  Reciprocal: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  Relu: {
    inputs: ["features: T"],
    outputs: ["activations: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64, qint8}",
    ],
  },
  Relu6: {
    inputs: ["features: T"],
    outputs: ["activations: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  Round: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  Rsqrt: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Selu: {
    inputs: ["features: T"],
    outputs: ["activations: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  Sigmoid: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Sign: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  Sin: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Softplus: {
    inputs: ["features: T"],
    outputs: ["activations: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  Sqrt: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Square: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  StopGradient: { inputs: ["input: T"], outputs: ["output: T"], attrs: ["T: type"] },
  Tanh: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
};

for (const [type, kernel] of Object.entries(UNARY_KERNELS)) {
  registerOp({ type, opDef: OP_DEFS[type], kernel: ([x]) => [kernel(x as tfc.Tensor)] });
}

/**
 * A public element-wise unary op: the result has `x`'s shape and dtype.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(unaryOp("Sqrt", "Sqrt", tf.constant(4))); // ==> 2.0
 * ```
 */
export function unaryOp(
  type: string,
  defaultName: string,
  x: TensorLike,
  options: NameOption = {},
): Tensor {
  return inOpScope(options.name, defaultName, [x], (scope, graph) => {
    const tx = convertToTensor(x, { name: "x" });
    // `LogicalNot` is bool-only in TF: its OpDef has no `T`, so its node carries none.
    const attrs = type === "LogicalNot" ? {} : { T: tx.dtype };
    return makeOp(graph, type, scope, [tx], [{ dtype: tx.dtype, shape: tx.shape }], attrs)
      .outputs[0] as Tensor;
  });
}

/** TF 1.15's `(x, name=None)` of the generated element-wise ops. */
const X_PARAMS = [req("x", tensorKind), opt("name", stringKind)] as const;
/** TF 1.15's `(input, name=None)` of `tf.identity` and `tf.stop_gradient`. */
const INPUT_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/** The options object of a unary op taking `x` (`{ name }`, or `x` itself by name). */
export type UnaryOptions = OptionsOf<typeof X_PARAMS>;

function defineUnary(fn: string, type: string) {
  return tfFunction(fn, X_PARAMS, (a) => unaryOp(type, type, a.x, { name: a.name }));
}

function defineInput(fn: string, type: string) {
  return tfFunction(fn, INPUT_PARAMS, (a) => unaryOp(type, type, a.input, { name: a.name }));
}

/**
 * `-x` (`tf.negative`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.negative(tf.constant(1))); // ==> -1.0
 * ```
 */
export const negative = defineUnary("negative", "Neg");
/**
 * `x²` (`tf.square`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.square(tf.constant(3))); // ==> 9.0
 * ```
 */
export const square = defineUnary("square", "Square");
/**
 * `√x` (`tf.sqrt`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sqrt(tf.constant(4))); // ==> 2.0
 * ```
 */
export const sqrt = defineUnary("sqrt", "Sqrt");
/**
 * `1/√x` (`tf.rsqrt`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.rsqrt(tf.constant(4))); // ==> 0.5
 * ```
 */
export const rsqrt = defineUnary("rsqrt", "Rsqrt");
/**
 * `eˣ` (`tf.exp`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.exp(tf.constant(0))); // ==> 1.0
 * ```
 */
export const exp = defineUnary("exp", "Exp");
/**
 * Natural log (`tf.log`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.log(tf.constant(1))); // ==> 0.0
 * ```
 */
export const log = defineUnary("log", "Log");
/**
 * `log(1 + x)` (`tf.log1p`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.log1p(tf.constant(0))); // ==> 0.0
 * ```
 */
export const log1p = defineUnary("log1p", "Log1p");
/**
 * `|x|` (`tf.abs`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.abs(tf.constant(-2))); // ==> 2.0
 * ```
 */
export const abs = defineUnary("abs", "Abs");
/**
 * Sign, -1/0/1 (`tf.sign`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sign(tf.constant(-2))); // ==> -1.0
 * ```
 */
export const sign = defineUnary("sign", "Sign");
/**
 * Floor (`tf.floor`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.floor(tf.constant(1.5))); // ==> 1.0
 * ```
 */
export const floor = defineUnary("floor", "Floor");
/**
 * Ceiling (`tf.ceil`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.ceil(tf.constant(1.5))); // ==> 2.0
 * ```
 */
export const ceil = defineUnary("ceil", "Ceil");
/**
 * Round half to even (`tf.round`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.round(tf.constant(2.5))); // ==> 2.0
 * ```
 */
export const round = defineUnary("round", "Round");
/**
 * `1/x` (`tf.reciprocal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reciprocal(tf.constant(4))); // ==> 0.25
 * ```
 */
export const reciprocal = defineUnary("reciprocal", "Reciprocal");
/**
 * Sine (`tf.sin`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sin(tf.constant(0))); // ==> 0.0
 * ```
 */
export const sin = defineUnary("sin", "Sin");
/**
 * Cosine (`tf.cos`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.cos(tf.constant(0))); // ==> 1.0
 * ```
 */
export const cos = defineUnary("cos", "Cos");
/**
 * Hyperbolic tangent (`tf.tanh`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.tanh(tf.constant(0))); // ==> 0.0
 * ```
 */
export const tanh = defineUnary("tanh", "Tanh");
/**
 * Logistic sigmoid (`tf.sigmoid`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sigmoid(tf.constant(0))); // ==> 0.5
 * ```
 */
export const sigmoid = defineUnary("sigmoid", "Sigmoid");
/**
 * Logical not (`tf.logical_not`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.logicalNot(tf.constant(true))); // ==> False
 * ```
 */
export const logicalNot = defineUnary("logicalNot", "LogicalNot");
/**
 * A copy of `x` (`tf.identity`).
 *
 * @example
 * ```ts
 * const out = tf.identity(tf.constant(1), { name: "out" });
 * out.name; // ==> out:0
 * ```
 */
export const identity = defineInput("identity", "Identity");
/**
 * `x`, through which no gradient flows (`tf.stop_gradient`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.stopGradient(tf.constant(1))); // ==> 1.0
 * ```
 */
export const stopGradient = defineInput("stopGradient", "StopGradient");
