import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { registerOp } from "../registry.js";

registerOp({
  type: "L2Loss",
  opDef: {
    inputs: ["t: T"],
    outputs: ["output: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  kernel: ([t]) => [tfc.tidy(() => tfc.div(tfc.sum(tfc.square(t as tfc.Tensor)), 2))],
});

/** TF 1.15's `l2_loss(t, name)`. */
const L2_LOSS_PARAMS = [req("t", tensorKind), opt("name", stringKind)] as const;

/**
 * Half the sum of squares, `sum(t ** 2) / 2` (`tf.nn.l2_loss`, op `L2Loss`): a scalar,
 * the usual weight-decay term.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.l2Loss(tf.constant([1, 2, 3]))); // ==> 7.0
 * ```
 */
export const l2Loss = tfFunction("nn.l2Loss", L2_LOSS_PARAMS, (a) => l2LossOp(a.t, a.name));

function l2LossOp(t: TensorLike, name: string | undefined): Tensor {
  return inOpScope(name, "L2Loss", [t], (scope, graph) => {
    const x = convertToTensor(t, { name: "t" });
    return makeOp(graph, "L2Loss", scope, [x], [{ dtype: x.dtype, shape: TensorShape.scalar() }], {
      T: x.dtype,
    }).outputs[0] as Tensor;
  });
}
