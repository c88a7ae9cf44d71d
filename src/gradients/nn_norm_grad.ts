import type { Tensor } from "../graph/tensor.js";
import { lrnAttrsOf, lrnGrad } from "../ops/nn/lrn.js";
import { noGradient, registerGradient } from "../ops/registry.js";

/*
 * Gradients of the normalization ops kept apart from `nn_grad.ts` (TensorFlow 1.15's
 * `_LRNGrad` in `nn_grad.py`).
 */

/** `_LRNGrad`: one `LRNGrad` op from the incoming gradient, the input and the output. */
registerGradient("LRN", (op, grads) => {
  const grad = grads[0] ?? null;
  if (grad === null) return [null];
  return [lrnGrad(grad, op.inputs[0] as Tensor, op.outputs[0] as Tensor, lrnAttrsOf(op))];
});

// TensorFlow 1.15 registers no gradient for `LRNGrad`: differentiating twice fails there too.
noGradient(false, "LRNGrad");
