import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { groupShapeOf, sparseInput } from "./set_ops.js";

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
  // TF's SetSizeOp: the sparse set checked as the set operations check it, then each
  // row's distinct values counted (a value given twice in a row counts once).
  kernel: ([indices, values, shape], op) => {
    const set = sparseInput(
      indices as tfc.Tensor,
      values as tfc.Tensor,
      shape as tfc.Tensor,
      true,
      op,
    );
    const groupShape = groupShapeOf(set.shape, op);
    const counts = new Int32Array(groupShape.reduce((a, b) => a * b, 1));
    for (const row of set.rows) {
      let flat = 0;
      row.key.forEach((k, d) => (flat = flat * (groupShape[d] as number) + k));
      counts[flat] = new Set(row.values).size;
    }
    return [tfc.tensor(counts, groupShape, "int32")];
  },
});

/**
 * `sets.set_size(a)` of a sparse set tensor given as its parts (op `SetSize`): how many
 * elements each row of the last dimension holds.
 */
export function setSize(
  indices: Tensor,
  values: Tensor,
  shape: Tensor,
  name?: string,
  validateIndices = true,
): Tensor {
  return buildOp(
    "SetSize",
    [indices, values, shape],
    [{ dtype: "int32", shape: TensorShape.unknown() }],
    { validate_indices: validateIndices, T: values.dtype },
    name,
  ).outputs[0] as Tensor;
}
