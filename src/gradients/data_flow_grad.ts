import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { cast } from "../ops/array/cast.js";
import { parallelDynamicStitch, dynamicPartition } from "../ops/array/dynamic_partition.js";
import { gather } from "../ops/array/gather.js";
import { reshape } from "../ops/array/reshape.js";
import { range } from "../ops/math/range.js";
import { reduceProd } from "../ops/math/reduce.js";
import { registerGradient } from "../ops/registry.js";
import { g0, shapeOf } from "./grad_util.js";

/*
 * TF 1.15's `data_flow_grad.py`: the gradients of `DynamicPartition`, `DynamicStitch` and
 * `ParallelDynamicStitch`.
 */

/** `_DynamicPartitionGrads`: the partitioned gradients stitched back into `data`'s order. */
registerGradient("DynamicPartition", (op, grads) => {
  const data = op.inputs[0] as Tensor;
  const indices = op.inputs[1] as Tensor;
  const numPartitions = op.attrs.num_partitions as number;
  const prefixShape = shapeOf(indices);
  const originalIndices = reshape(range(reduceProd(prefixShape)), prefixShape);
  const partitioned = dynamicPartition(originalIndices, indices, numPartitions);
  // `tf.gradients` gives float outputs that received nothing zeros, so none is null here.
  const reconstructed = parallelDynamicStitch(partitioned, grads as Tensor[]);
  return [reshape(reconstructed, shapeOf(data)), null];
});

/** `_DynamicStitchGrads`: each data input's gradient is the gradient gathered at its indices. */
function stitchGrad(op: Operation, grads: (Tensor | null)[]): (Tensor | null)[] {
  const n = op.inputs.length / 2;
  const grad = g0(grads);
  const asInt32 = (t: Tensor): Tensor => (t.dtype === "int32" ? t : cast(t, "int32"));
  const inputs = op.inputs.slice(0, n).map((t) => asInt32(t));
  const valuesGrad = inputs.map((inp) => gather(grad, inp));
  return [...inputs.map(() => null), ...valuesGrad];
}

registerGradient("DynamicStitch", stitchGrad);
registerGradient("ParallelDynamicStitch", stitchGrad);
