import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { notDifferentiable, registerOp } from "../registry.js";
import { checkLeadingInputs } from "../input_types.js";
import { constantValueAsShape, readInts } from "../tensor_util.js";

registerOp({
  type: "SparseToDense",
  opDef: {
    inputs: [
      "sparse_indices: Tindices",
      "output_shape: Tindices",
      "sparse_values: T",
      "default_value: T",
    ],
    outputs: ["dense: T"],
    attrs: ["validate_indices: bool = true", "T: type", "Tindices: {int32, int64}"],
  },
  kernel: ([indices, outputShape, values, defaultValue], op) => {
    const idx = indices as tfc.Tensor;
    const shape = readInts(outputShape as tfc.Tensor);
    const vals = values as tfc.Tensor;
    const rank = shape.length;
    const flatIdx = readInts(idx);
    const n = idx.rank === 0 ? 1 : (idx.shape[0] as number);
    const cols = idx.rank === 2 ? (idx.shape[1] as number) : 1;
    if (cols !== rank) {
      throw new InvalidArgumentError(
        `sparse_indices should be a scalar, vector, or matrix, got shape ${JSON.stringify(idx.shape)} for an output of rank ${rank}`,
        op.name,
      );
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size).fill((defaultValue as tfc.Tensor).dataSync()[0] as number);
    const v = vals.dataSync();
    for (let i = 0; i < n; i++) {
      let offset = 0;
      for (let d = 0; d < rank; d++) {
        const k = flatIdx[i * rank + d] as number;
        if (k < 0 || k >= (shape[d] as number)) {
          throw new InvalidArgumentError(
            `indices[${i}] = [${flatIdx.slice(i * rank, i * rank + rank).join(",")}] is out of bounds: need 0 <= index < [${shape.join(",")}]`,
            op.name,
          );
        }
        offset = offset * (shape[d] as number) + k;
      }
      out[offset] = (vals.rank === 0 ? v[0] : v[i]) as number;
    }
    return [tfc.tensor(out, shape, vals.dtype as "float32" | "int32")];
  },
});

// As TF 1.15's sparse_grad.py.
notDifferentiable("SparseToDense");

/**
 * `gen_sparse_ops.sparse_to_dense(sparse_indices, output_shape, sparse_values,
 * default_value, validate_indices)` (op `SparseToDense`): a dense tensor of
 * `default_value` with `sparse_values` at `sparse_indices`.
 */
export function sparseToDense(
  sparseIndices: Tensor,
  outputShape: Tensor,
  sparseValues: Tensor,
  defaultValue: number,
  validateIndices: boolean,
  name?: string,
): Tensor {
  return inOpScope(
    name,
    "SparseToDense",
    [sparseIndices, outputShape, sparseValues],
    (scope, graph) => {
      checkLeadingInputs("SparseToDense", [sparseIndices, outputShape, sparseValues]);
      const def = convertToTensor(defaultValue, {
        name: "default_value",
        dtype: sparseValues.dtype,
      });
      return makeOp(
        graph,
        "SparseToDense",
        scope,
        [sparseIndices, outputShape, sparseValues, def],
        [{ dtype: sparseValues.dtype, shape: constantValueAsShape(outputShape) }],
        { validate_indices: validateIndices, T: sparseValues.dtype, Tindices: sparseIndices.dtype },
      ).outputs[0] as Tensor;
    },
  );
}
