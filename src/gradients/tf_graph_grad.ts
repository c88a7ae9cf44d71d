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
import type { Tensor } from "../graph/tensor.js";
import { gather } from "../ops/array/gather.js";
import { invertPermutation } from "../ops/array/invert_permutation.js";
import { shape } from "../ops/array/shape.js";
import { range } from "../ops/math/range.js";
import { SparseTensor } from "../ops/sparse_tensor.js";
import { sparseReorder } from "../ops/sparse_reorder.js";

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

// sparse_grad.py: the values' gradient goes back through the inverse of the sort, found by
// reordering the entries' positions as the forward op reordered the entries.
registerGradient("SparseReorder", (op, grads) => {
  const indices = op.inputs[0] as Tensor;
  const denseShape = op.inputs[2] as Tensor;
  const entries = range(shape(indices).get(0));
  const ordered = sparseReorder(new SparseTensor(indices, entries, denseShape));
  const inverse = invertPermutation(ordered.values).tensor;
  return [null, gather(grads[1] as Tensor, inverse), null];
});
