import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../graph/tensor.js";
import { inOpScope, makeOp, type NameOption } from "../ops/op_scope.js";
import { registerGradient, registerOp } from "../ops/registry.js";

/*
 * The element-wise gradient ops TensorFlow's gradient functions emit (`ReluGrad`,
 * `TanhGrad`, …): one fused kernel each instead of a chain of small ops.
 */

type Pair = (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor;

/** Kernels of the gradient ops, keyed by op type; inputs in TensorFlow's order. */
const GRAD_KERNELS: Record<string, Pair> = {
  // (gradients, features)
  ReluGrad: (dy, x) => tfc.mul(dy, tfc.step(x)),
  Relu6Grad: (dy, x) => tfc.mul(dy, tfc.cast(tfc.logicalAnd(tfc.greater(x, 0), tfc.less(x, 6)), "float32")),
  EluGrad: (dy, y) => tfc.where(tfc.greater(y, 0), dy, tfc.mul(dy, tfc.add(y, 1))),
  SoftplusGrad: (dy, x) => tfc.mul(dy, tfc.sigmoid(x)),
  // (y, dy)
  TanhGrad: (y, dy) => tfc.mul(dy, tfc.sub(1, tfc.square(y))),
  SigmoidGrad: (y, dy) => tfc.mul(dy, tfc.mul(y, tfc.sub(1, y))),
  SqrtGrad: (y, dy) => tfc.div(tfc.mul(dy, 0.5), y),
  RsqrtGrad: (y, dy) => tfc.mul(dy, tfc.mul(tfc.pow(y, 3), -0.5)),
  ReciprocalGrad: (y, dy) => tfc.neg(tfc.mul(dy, tfc.square(y))),
};

for (const [type, kernel] of Object.entries(GRAD_KERNELS)) {
  registerOp({ type, kernel: ([a, b]) => [tfc.tidy(() => kernel(a as tfc.Tensor, b as tfc.Tensor))] });
  // Second-order gradients are not needed by TF 1.x optimizers; say so clearly if asked.
  registerGradient(type, null);
}

/**
 * Builds a gradient op `type` on two same-shaped inputs; the result has the first's shape.
 *
 * @example
 * ```ts
 * gradOp("ReluGrad", dy, features); // gradients/Relu_grad/ReluGrad
 * ```
 */
export function gradOp(type: string, a: Tensor, b: Tensor, options: NameOption = {}): Tensor {
  return inOpScope(options.name, type, [a, b], (scope, graph) =>
    makeOp(graph, type, scope, [a, b], [{ dtype: a.dtype, shape: a.shape.mergeWith(b.shape) }], { T: a.dtype })
      .outputs[0] as Tensor,
  );
}
