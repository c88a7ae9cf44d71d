import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { InvalidArgumentError } from "../../errors.js";
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
  opName: string,
): tfc.Tensor {
  const values = ids.dataSync();
  let dropped = 0;
  for (let i = 0; i < values.length; i++) {
    const id = values[i] as number;
    if (id >= numSegments) {
      throw new InvalidArgumentError(
        `segment_ids[${i}] = ${id} is out of range [0, ${numSegments})`,
        opName,
      );
    }
    if (id < 0) dropped++;
  }
  if (dropped > 0) {
    // TF drops negative ids; scatterND would write outside its output (and wasm's heap).
    const keep: number[] = [];
    for (let i = 0; i < values.length; i++) if ((values[i] as number) >= 0) keep.push(i);
    return tfc.tidy(() => {
      const rows = tfc.reshape(data, [ids.size, ...data.shape.slice(ids.rank)]);
      const kept = tfc.gather(rows, tfc.tensor1d(keep, "int32"));
      const keptIds = tfc.tensor1d(
        keep.map((i) => values[i] as number),
        "int32",
      );
      return unsortedSegmentSumKernel(kept, keptIds, numSegments, opName);
    });
  }
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
    return [unsortedSegmentSumKernel(data as tfc.Tensor, ids as tfc.Tensor, n, op.name)];
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
