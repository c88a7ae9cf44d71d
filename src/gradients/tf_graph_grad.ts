/**
 * Gradients of the op types that TF-written graphs bring and scopeflow's own builders do
 * not make (TensorFlow 1.15's declarations in array_grad.py, nn_grad.py, parsing_ops.py,
 * string_ops.py, io_ops.py and state_grad.py), so that `tf.gradients` over an imported
 * graph says what TensorFlow says.
 */
import { LookupError } from "../errors.js";
import "../ops/array/prevent_gradient.js";
import "../ops/array/set_ops.js";
import { noGradient, notDifferentiable, registerGradient } from "../ops/registry.js";

registerGradient("PreventGradient", (op) => {
  throw new LookupError(`Gradient explicitly disabled. Reason: ${String(op.attrs.message ?? "")}`);
});

// No gradient in TensorFlow: TF declares none of these (a variable, a boolean answer),
// so `tf.gradients` reaching one fails as it does in TensorFlow.
noGradient(false, "Variable", "InTopK", "InTopKV2");
noGradient(false, "ShardedFilename", "ShardedFilespec", "MergeV2Checkpoints", "ParseExample");
// sets_impl.py
notDifferentiable("DenseToDenseSetOperation");
// string_ops.py
notDifferentiable("StringJoin");
