import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts, readScalar } from "../tensor_util.js";

/**
 * `UnsortedSegmentSum(data, segmentIds, numSegments)`: sums the slices of `data` with
 * equal ids, as `scatterND` (which wasm has, unlike `UnsortedSegmentSum`).
 */
function unsortedSegmentSumKernel(
  data: tfc.Tensor,
  ids: tfc.Tensor,
  numSegments: number,
): tfc.Tensor {
  return tfc.tidy(() => {
    const k = ids.size;
    const inner = data.shape.slice(ids.rank);
    const indices = tfc.reshape(ids, [k, 1]);
    const updates = tfc.reshape(data, [k, ...inner]);
    return tfc.scatterND(indices, updates, [numSegments, ...inner]);
  });
}

registerOp({
  type: "UnsortedSegmentSum",
  opDef: {
    inputs: ["data: T", "segment_ids: Tindices", "num_segments: Tnumsegments"],
    outputs: ["output: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tindices: {int32, int64}",
      "Tnumsegments: {int32, int64} = int32",
    ],
  },
  kernel: ([data, ids, num], op) => {
    const n = (op.buildData._num_segments as number | null) ?? readScalar(num as tfc.Tensor);
    return [unsortedSegmentSumKernel(data as tfc.Tensor, ids as tfc.Tensor, n)];
  },
});

/**
 * `math_ops.unsorted_segment_sum(data, segment_ids, num_segments)` (op
 * `UnsortedSegmentSum`): how an `IndexedSlices` gradient becomes a dense tensor.
 */
export function unsortedSegmentSum(
  data: Tensor,
  ids: Tensor,
  numSegments: Tensor,
  name?: string,
): Tensor {
  const n = constantInts(numSegments);
  const dims = data.shape.dims;
  const idsRank = ids.shape.rank;
  const shape =
    dims === null || idsRank === null
      ? TensorShape.unknown()
      : new TensorShape([n === null ? null : (n[0] as number), ...dims.slice(idsRank)]);
  return buildOp(
    "UnsortedSegmentSum",
    [data, ids, numSegments],
    [{ dtype: data.dtype, shape }],
    {
      T: data.dtype,
      Tindices: ids.dtype,
      Tnumsegments: numSegments.dtype,
      _num_segments: n === null ? null : n[0],
    },
    name,
  ).outputs[0] as Tensor;
}
