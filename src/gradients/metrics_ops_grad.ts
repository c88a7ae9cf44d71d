import { cumsum } from "../ops/math/cumsum.js";
import { noGradient, notDifferentiable, registerGradient } from "../ops/registry.js";
import { g0 } from "./grad_util.js";

/*
 * Gradients of the op types `tf.metrics` brought in (TF 1.15's `math_grad._CumsumGrad`,
 * `array_grad._ScatterNdGrad`, `nn_grad._TopKGrad`, `sets_impl`).
 */

// The running sums' gradient is the running sums of the gradient, taken the other way.
registerGradient("Cumsum", (op, grads) => {
  const axis = op.inputs[1];
  if (axis === undefined) throw new Error("Cumsum has no axis input");
  return [
    cumsum(g0(grads), axis, op.attrs.exclusive as boolean, !(op.attrs.reverse as boolean)),
    null,
  ];
});

// TensorFlow's is `gather_nd(grad, indices)`; scopeflow has no `GatherNd` yet.
noGradient(true, "ScatterNd");

// TensorFlow's is a scatter of the gradient into the top-k positions; not implemented yet.
noGradient(true, "TopKV2");

// sets_impl.py: `ops.NotDifferentiable("SetSize")`.
notDifferentiable("SetSize");
