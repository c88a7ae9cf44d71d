/** `tf.nn`: neural-network ops. */
export { relu, relu6, elu, selu, softplus, sigmoid, tanh } from "../ops/math/unary.js";
