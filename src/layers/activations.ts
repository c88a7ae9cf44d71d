/**
 * Keras's `activations` module, the one registry of activation names: what `activation:
 * "relu"` means for `tf.layers.Dense`, `Conv2D` and the RNN cells alike (TF 1.15's layers and
 * cells both resolve names with `activations.get`).
 */
import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import { eitherKind, functionKind, kind, type Kind } from "../graph/call_args.js";
import { exp } from "../ops/math/unary.js";
import { elu, relu, selu, sigmoid, softplus, tanh } from "../ops/nn/activations.js";
import { softmax } from "../ops/nn/softmax.js";

/** The ops Keras's activation names stand for (`linear` builds none). */
const ACTIVATIONS = {
  softmax: (x: Tensor) => softmax(x),
  elu: (x: Tensor) => elu(x),
  selu: (x: Tensor) => selu(x),
  softplus: (x: Tensor) => softplus(x),
  relu: (x: Tensor) => relu(x),
  tanh: (x: Tensor) => tanh(x),
  sigmoid: (x: Tensor) => sigmoid(x),
  exponential: (x: Tensor) => exp(x),
  linear: null,
} as const;

/** The activation names of Keras's `activations.get` that scopeflow builds. */
export type ActivationName = keyof typeof ACTIVATIONS;

/** An activation: a function of a tensor, or one of Keras's names (`"relu"`, `"tanh"`, …). */
export type Activation = ((x: Tensor) => Tensor) | ActivationName | null;

/**
 * An activation argument: a function (`tf.nn.relu`) or one of Keras's names (`"relu"`); an
 * unknown name is Keras's ValueError when the layer or cell is made.
 */
export const activationKind: Kind<((x: Tensor) => Tensor) | ActivationName> = eitherKind(
  functionKind as Kind<(x: Tensor) => Tensor>,
  kind<ActivationName>("an activation name", (v) => typeof v === "string"),
);

/**
 * Keras's `activations.get`: a function as is, a name as the op TensorFlow builds for it;
 * `null` for none and for `"linear"` (the identity, which builds no op).
 */
export function getActivation(activation: Activation | undefined): ((x: Tensor) => Tensor) | null {
  if (activation === undefined || activation === null) return null;
  if (typeof activation === "function") return activation;
  if (!Object.prototype.hasOwnProperty.call(ACTIVATIONS, activation)) {
    throw new ValueError(`Unknown activation function:${String(activation)}`);
  }
  return ACTIVATIONS[activation];
}
