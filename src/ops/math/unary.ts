import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { shareTensor } from "../share.js";

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

for (const [type, kernel] of Object.entries(UNARY_KERNELS)) {
  registerOp({ type, kernel: ([x]) => [kernel(x as tfc.Tensor)] });
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
    return makeOp(graph, type, scope, [tx], [{ dtype: tx.dtype, shape: tx.shape }], { T: tx.dtype })
      .outputs[0] as Tensor;
  });
}

function defineUnary(type: string) {
  return (x: TensorLike, options: NameOption = {}): Tensor => unaryOp(type, type, x, options);
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
export const negative = defineUnary("Neg");
/**
 * `x²` (`tf.square`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.square(tf.constant(3))); // ==> 9.0
 * ```
 */
export const square = defineUnary("Square");
/**
 * `√x` (`tf.sqrt`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sqrt(tf.constant(4))); // ==> 2.0
 * ```
 */
export const sqrt = defineUnary("Sqrt");
/**
 * `1/√x` (`tf.rsqrt`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.rsqrt(tf.constant(4))); // ==> 0.5
 * ```
 */
export const rsqrt = defineUnary("Rsqrt");
/**
 * `eˣ` (`tf.exp`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.exp(tf.constant(0))); // ==> 1.0
 * ```
 */
export const exp = defineUnary("Exp");
/**
 * Natural log (`tf.log`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.log(tf.constant(1))); // ==> 0.0
 * ```
 */
export const log = defineUnary("Log");
/**
 * `log(1 + x)` (`tf.log1p`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.log1p(tf.constant(0))); // ==> 0.0
 * ```
 */
export const log1p = defineUnary("Log1p");
/**
 * `|x|` (`tf.abs`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.abs(tf.constant(-2))); // ==> 2.0
 * ```
 */
export const abs = defineUnary("Abs");
/**
 * Sign, -1/0/1 (`tf.sign`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sign(tf.constant(-2))); // ==> -1.0
 * ```
 */
export const sign = defineUnary("Sign");
/**
 * Floor (`tf.floor`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.floor(tf.constant(1.5))); // ==> 1.0
 * ```
 */
export const floor = defineUnary("Floor");
/**
 * Ceiling (`tf.ceil`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.ceil(tf.constant(1.5))); // ==> 2.0
 * ```
 */
export const ceil = defineUnary("Ceil");
/**
 * Round half to even (`tf.round`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.round(tf.constant(2.5))); // ==> 2.0
 * ```
 */
export const round = defineUnary("Round");
/**
 * `1/x` (`tf.reciprocal`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reciprocal(tf.constant(4))); // ==> 0.25
 * ```
 */
export const reciprocal = defineUnary("Reciprocal");
/**
 * Sine (`tf.sin`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sin(tf.constant(0))); // ==> 0.0
 * ```
 */
export const sin = defineUnary("Sin");
/**
 * Cosine (`tf.cos`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.cos(tf.constant(0))); // ==> 1.0
 * ```
 */
export const cos = defineUnary("Cos");
/**
 * Hyperbolic tangent (`tf.tanh`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.tanh(tf.constant(0))); // ==> 0.0
 * ```
 */
export const tanh = defineUnary("Tanh");
/**
 * Logistic sigmoid (`tf.sigmoid`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sigmoid(tf.constant(0))); // ==> 0.5
 * ```
 */
export const sigmoid = defineUnary("Sigmoid");
/**
 * `max(x, 0)` (`tf.nn.relu`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.relu(tf.constant(-1))); // ==> 0.0
 * ```
 */
export const relu = defineUnary("Relu");
/**
 * `min(max(x, 0), 6)` (`tf.nn.relu6`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.relu6(tf.constant(7))); // ==> 6.0
 * ```
 */
export const relu6 = defineUnary("Relu6");
/**
 * Exponential linear unit (`tf.nn.elu`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.elu(tf.constant(1))); // ==> 1.0
 * ```
 */
export const elu = defineUnary("Elu");
/**
 * Scaled ELU (`tf.nn.selu`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.selu(tf.constant(0))); // ==> 0.0
 * ```
 */
export const selu = defineUnary("Selu");
/**
 * `log(eˣ + 1)` (`tf.nn.softplus`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.softplus(tf.constant(0))); // ==> 0.6931472
 * ```
 */
export const softplus = defineUnary("Softplus");
/**
 * Logical not (`tf.logical_not`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.logicalNot(tf.constant(true))); // ==> False
 * ```
 */
export const logicalNot = defineUnary("LogicalNot");
/**
 * A copy of `x` (`tf.identity`).
 *
 * @example
 * ```ts
 * const out = tf.identity(tf.constant(1), { name: "out" });
 * out.name; // ==> out:0
 * ```
 */
export const identity = defineUnary("Identity");
/**
 * `x`, through which no gradient flows (`tf.stop_gradient`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.stopGradient(tf.constant(1))); // ==> 1.0
 * ```
 */
export const stopGradient = defineUnary("StopGradient");
