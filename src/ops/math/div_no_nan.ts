import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { broadcastShapes } from "../shape_utils.js";

registerOp({
  type: "DivNoNan",
  opDef: { inputs: ["x: T", "y: T"], outputs: ["z: T"], attrs: ["T: {float, double}"] },
  kernel: ([x, y]) => [tfc.divNoNan(x as tfc.Tensor, y as tfc.Tensor)],
});

/**
 * `x / y`, with 0 wherever `y` is 0 (`tf.div_no_nan`, op `DivNoNan`, default name
 * `div_no_nan`): how `tf.losses` divides a sum by a count that may be zero. Broadcasts as
 * `tf.divide` does; float tensors only.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(divNoNan(tf.constant([1, 2]), tf.constant([2, 0]))); // ==> [0.5 0. ]
 * ```
 */
export function divNoNan(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return inOpScope(options.name, "div_no_nan", [x, y], (scope, graph) => {
    const tx = convertToTensor(x, { name: "x" });
    const ty = convertToTensor(y, { name: "y", dtype: tx.dtype });
    checkOpInputs("DivNoNan", [tx, ty], {});
    const out = broadcastShapes(tx.shape, ty.shape, opNameOf(scope), "DivNoNan");
    return makeOp(graph, "DivNoNan", scope, [tx, ty], [{ dtype: tx.dtype, shape: out }], {
      T: tx.dtype,
    }).outputs[0] as Tensor;
  });
}
