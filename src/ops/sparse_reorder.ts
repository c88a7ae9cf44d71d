import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { buildOp } from "./op_scope.js";
import { registerOp } from "./registry.js";
import { SparseTensor } from "./sparse_tensor.js";

/*
 * `SparseReorder` (TF's sparse_ops.cc): a sparse tensor's entries sorted into row-major
 * order of their indices, values moved with them. `tf.sparse.reorder` builds it, and so
 * does `sparse_merge` behind `parseExample`'s `SparseFeature`.
 */
registerOp({
  type: "SparseReorder",
  opDef: {
    inputs: ["input_indices: int64", "input_values: T", "input_shape: int64"],
    outputs: ["output_indices: int64", "output_values: T"],
    attrs: ["T: type"],
  },
  kernel: ([indices, values]) => {
    const ix = indices as tfc.Tensor;
    const n = ix.shape[0] ?? 0;
    const rank = ix.shape[1] ?? 0;
    const flat = ix.dataSync();
    const order = Array.from({ length: n }, (_, i) => i);
    // A stable sort, as TF's std::stable_sort-like reorder keeps equal indices in order.
    order.sort((a, b) => {
      for (let d = 0; d < rank; d++) {
        const diff = (flat[a * rank + d] as number) - (flat[b * rank + d] as number);
        if (diff !== 0) return diff;
      }
      return a - b;
    });
    const perm = tfc.tensor1d(order, "int32");
    const out = [tfc.gather(ix, perm), tfc.gather(values as tfc.Tensor, perm)];
    perm.dispose();
    return out;
  },
  inferShapes: (op) => [
    op.inputs[0]?.shape ?? TensorShape.unknown(),
    op.inputs[1]?.shape ?? TensorShape.unknown(),
  ],
});

/** TF 1.15's `sparse_reorder(sp_input, name=None)` on a `SparseTensor`. */
export function sparseReorder(sp: SparseTensor, name?: string): SparseTensor {
  const op = buildOp(
    "SparseReorder",
    [sp.indices, sp.values, sp.denseShape],
    [
      { dtype: "int64", shape: sp.indices.shape },
      { dtype: sp.values.dtype, shape: sp.values.shape },
    ],
    { T: sp.values.dtype },
    name,
  );
  return new SparseTensor(op.outputs[0] as Tensor, op.outputs[1] as Tensor, sp.denseShape);
}
