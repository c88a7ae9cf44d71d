/**
 * `tf.nn`'s activation functions with TF 1.15's parameters: `relu(features, name)` and the
 * others of `gen_nn_ops` take `features`; `sigmoid(x, name)` and `tanh(x, name)` take `x`.
 * Each is one element-wise op of the input's shape and dtype.
 */
import type { Tensor } from "../../graph/tensor.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { unaryOp } from "../math/unary.js";
import { inOpScope, makeOp } from "../op_scope.js";

const FEATURES_PARAMS = [req("features", tensorKind), opt("name", stringKind)] as const;
const X_PARAMS = [req("x", tensorKind), opt("name", stringKind)] as const;

/** A `gen_nn_ops` activation: a value given for `features` becomes the const `Relu/features`. */
function featuresOp(fn: string, type: string) {
  return tfFunction(fn, FEATURES_PARAMS, (a): Tensor =>
    inOpScope(a.name, type, [a.features], (scope, graph) => {
      const x = convertToTensor(a.features, { name: "features" });
      return makeOp(graph, type, scope, [x], [{ dtype: x.dtype, shape: x.shape }], { T: x.dtype })
        .outputs[0] as Tensor;
    }),
  );
}

function xOp(fn: string, type: string) {
  return tfFunction(fn, X_PARAMS, (a): Tensor => unaryOp(type, type, a.x, { name: a.name }));
}

/**
 * `max(features, 0)` (`tf.nn.relu`, op `Relu`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.relu(tf.constant([-1, 2]))); // ==> [0. 2.]
 * ```
 */
export const relu = featuresOp("nn.relu", "Relu");
/**
 * `min(max(features, 0), 6)` (`tf.nn.relu6`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.relu6(tf.constant([-1, 7]))); // ==> [0. 6.]
 * ```
 */
export const relu6 = featuresOp("nn.relu6", "Relu6");
/**
 * Exponential linear unit (`tf.nn.elu`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.elu(tf.constant(1))); // ==> 1.0
 * ```
 */
export const elu = featuresOp("nn.elu", "Elu");
/**
 * Scaled ELU (`tf.nn.selu`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.selu(tf.constant(0))); // ==> 0.0
 * ```
 */
export const selu = featuresOp("nn.selu", "Selu");
/**
 * `log(exp(features) + 1)` (`tf.nn.softplus`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.softplus(tf.constant(0))); // ==> 0.6931472
 * ```
 */
export const softplus = featuresOp("nn.softplus", "Softplus");
/**
 * Logistic sigmoid (`tf.nn.sigmoid`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.sigmoid(tf.constant(0))); // ==> 0.5
 * ```
 */
export const sigmoid = xOp("nn.sigmoid", "Sigmoid");
/**
 * Hyperbolic tangent (`tf.nn.tanh`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.tanh(tf.constant(0))); // ==> 0.0
 * ```
 */
export const tanh = xOp("nn.tanh", "Tanh");
