import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkDType } from "../shape_utils.js";
import { constantInts } from "../tensor_util.js";

registerOp({
  type: "ScatterNd",
  opDef: {
    inputs: ["indices: Tindices", "updates: T", "shape: Tindices"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tindices: {int32, int64}"],
  },
  kernel: ([indices, updates, shape]) => {
    const dims = Array.from((shape as tfc.Tensor).dataSync());
    return [tfc.scatterND(indices as tfc.Tensor, updates as tfc.Tensor, dims)];
  },
});

/**
 * `array_ops.scatter_nd(indices, updates, shape, name)` (op `ScatterNd`): a zero tensor of
 * `shape` with `updates` summed in at `indices` (duplicates add up).
 */
export function scatterNd(
  indices: Tensor,
  updates: Tensor,
  shape: Tensor,
  name?: string,
  knownDims: readonly number[] | null = null,
): Tensor {
  // `knownDims`: the shape's value when the caller knows it but it passed through ops
  // (TensorFlow's shape inference evaluates such small graphs).
  checkDType(indices.dtype, "indices", "index");
  const dims = knownDims ?? constantInts(shape);
  const outShape = dims === null ? TensorShape.unknown() : new TensorShape(dims);
  return buildOp(
    "ScatterNd",
    [indices, updates, shape],
    [{ dtype: updates.dtype, shape: outShape }],
    { T: updates.dtype, Tindices: indices.dtype },
    name,
  ).outputs[0] as Tensor;
}
