import type { Tensor } from "../../graph/tensor.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { matmul } from "../math/matmul.js";
import { inOpScope } from "../op_scope.js";
import { biasAdd } from "./bias_add.js";

/** TF 1.15's `xw_plus_b(x, weights, biases, name=None)`. */
const XW_PLUS_B_PARAMS = [
  req("x", tensorKind),
  req("weights", tensorKind),
  req("biases", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * `matmul(x, weights) + biases` (`tf.nn.xw_plus_b`): a `MatMul` named `xw_plus_b/MatMul`
 * and a `BiasAdd` named by the scope itself (`xw_plus_b`), as TensorFlow builds it.
 *
 * @example
 * ```ts
 * const y = tf.nn.xwPlusB([[1, 2]], [[1, 0, 1], [0, 1, 1]], [10, 20, 30]);
 * y.op.type; // ==> BiasAdd
 * y.op.inputs[0].op.name; // ==> xw_plus_b/MatMul
 * using sess = new tf.Session();
 * sess.run(y); // ==> [[11. 22. 33.]]
 * ```
 */
export const xwPlusB = tfFunction("nn.xwPlusB", XW_PLUS_B_PARAMS, (a): Tensor =>
  inOpScope(a.name, "xw_plus_b", [a.x, a.weights, a.biases], (scope) => {
    const x = convertToTensor(a.x, { name: "x" });
    const weights = convertToTensor(a.weights, { name: "weights" });
    const biases = convertToTensor(a.biases, { name: "biases" });
    // The scope string names the BiasAdd exactly after the scope, as `name=name` does in TF.
    return biasAdd(matmul(x, weights), biases, { name: scope });
  }),
);
