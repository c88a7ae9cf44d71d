import "../ops/array/set_ops.js";
import "../ops/sparse_ops.js";
import { noGradient, notDifferentiable } from "../ops/registry.js";

// sets_impl.py: `ops.NotDifferentiable("SetSize")`, the op `tf.metrics`' at-k metrics build.
notDifferentiable("SetSize");
// sets_impl.py: the set operations of sparse sets (`tf.sets` and the at-k metrics' labels).
notDifferentiable("DenseToSparseSetOperation");
notDifferentiable("SparseToSparseSetOperation");
// sparse_grad.py: `ops.NotDifferentiable("SparseConcat")`; TF declares nothing for
// `SparseReshape`, so `tf.gradients` reaching one fails as it does in TensorFlow.
notDifferentiable("SparseConcat");
noGradient(false, "SparseReshape");
