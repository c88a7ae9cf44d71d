import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";

registerOp({
  type: "IsFinite",
  opDef: { inputs: ["x: T"], outputs: ["y: bool"], attrs: ["T: {bfloat16, half, float, double}"] },
  kernel: ([t]) => [tfc.isFinite(t as tfc.Tensor)],
});

/**
 * `math_ops.is_finite` (op `IsFinite`): whether each element is neither infinite nor NaN.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(isFinite(tf.constant([1, Infinity, NaN]))); // ==> [ True False False]
 * ```
 */
export function isFinite(x: Tensor): Tensor {
  return inOpScope(
    null,
    "IsFinite",
    [x],
    (scope, graph) =>
      makeOp(graph, "IsFinite", scope, [x], [{ dtype: "bool", shape: x.shape }], { T: x.dtype })
        .outputs[0] as Tensor,
  );
}
