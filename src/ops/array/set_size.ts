import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";

registerOp({
  type: "SetSize",
  opDef: {
    inputs: ["set_indices: int64", "set_values: T", "set_shape: int64"],
    outputs: ["size: int32"],
    attrs: [
      "validate_indices: bool = true",
      "T: {int8, int16, int32, int64, uint8, uint16, string}",
    ],
  },
  kernel: ([indices, , shape]) => {
    const dims = Array.from((shape as tfc.Tensor).dataSync());
    const batch = dims.slice(0, -1);
    const rank = dims.length;
    const rows = batch.reduce((a, b) => a * b, 1);
    const counts = new Int32Array(rows);
    const ind = (indices as tfc.Tensor).dataSync();
    const n = ind.length / Math.max(rank, 1);
    for (let e = 0; e < n; e++) {
      // The element's row: its indices but the last, in row-major order.
      let row = 0;
      for (let d = 0; d < batch.length; d++)
        row = row * (batch[d] as number) + (ind[e * rank + d] as number);
      counts[row] = (counts[row] as number) + 1;
    }
    return [tfc.tensor(counts, batch, "int32")];
  },
});

/**
 * `sets.set_size(a)` of a sparse set tensor given as its parts (op `SetSize`): how many
 * elements each row of the last dimension holds.
 */
export function setSize(indices: Tensor, values: Tensor, shape: Tensor, name?: string): Tensor {
  return buildOp(
    "SetSize",
    [indices, values, shape],
    [{ dtype: "int32", shape: TensorShape.unknown() }],
    { validate_indices: true, T: values.dtype },
    name,
  ).outputs[0] as Tensor;
}
