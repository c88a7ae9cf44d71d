import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";

registerOp({ type: "ZerosLike", kernel: ([x]) => [tfc.zerosLike(x as tfc.Tensor)] });
registerOp({ type: "OnesLike", kernel: ([x]) => [tfc.onesLike(x as tfc.Tensor)] });

function likeOp(type: string, defaultName: string, x: TensorLike, options: NameOption): Tensor {
  return inOpScope(options.name, defaultName, [x], (scope, graph) => {
    const t = convertToTensor(x, { name: "x" });
    return makeOp(graph, type, scope, [t], [{ dtype: t.dtype, shape: t.shape }], { T: t.dtype })
      .outputs[0] as Tensor;
  });
}

/**
 * Zeros with `x`'s shape and dtype, known only at run time if need be (`tf.zeros_like`).
 *
 * @example
 * ```ts
 * tf.zerosLike(tf.placeholder(tf.float32, [null, 3])).shape.toString(); // ==> (?, 3)
 * ```
 */
export function zerosLike(x: TensorLike, options: NameOption = {}): Tensor {
  return likeOp("ZerosLike", "zeros_like", x, options);
}

/**
 * Ones with `x`'s shape and dtype (`tf.ones_like`).
 *
 * @example
 * ```ts
 * const loss = tf.reduceSum(tf.constant([1, 2]));
 * using sess = new tf.Session();
 * sess.run(tf.onesLike(loss)); // ==> 1.0
 * ```
 */
export function onesLike(x: TensorLike, options: NameOption = {}): Tensor {
  return likeOp("OnesLike", "ones_like", x, options);
}
