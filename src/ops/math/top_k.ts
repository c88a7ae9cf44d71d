import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts } from "../tensor_util.js";

registerOp({
  type: "TopKV2",
  opDef: {
    inputs: ["input: T", "k: int32"],
    outputs: ["values: T", "indices: int32"],
    attrs: [
      "sorted: bool = true",
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  kernel: ([input, k], op) => {
    const kk = (op.buildData._k as number | null) ?? (k as tfc.Tensor).dataSync()[0];
    const { values, indices } = tfc.topk(input as tfc.Tensor, kk, op.attrs.sorted as boolean);
    return [values, indices];
  },
});

/**
 * `nn.top_k(input, k, sorted, name)` (op `TopKV2`): the `k` largest entries of the last
 * dimension and their indices, ties to the lower index, as `tf.metrics`' `*_at_k` take them.
 */
export function topK(
  input: TensorLike,
  k: number,
  sorted = true,
  name?: string,
): [values: Tensor, indices: Tensor] {
  return inOpScope(name, "TopKV2", [input], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const kt = convertToTensor(k, { name: "k", dtype: "int32" });
    const dims = x.shape.dims;
    if (dims !== null && dims.length === 0) {
      throw new ValueError(
        `Shape must be at least rank 1 but is rank 0 for '${scope.slice(0, -1)}' (op: 'TopKV2')`,
      );
    }
    const last = dims === null ? null : dims[dims.length - 1];
    if (last !== null && last !== undefined && k > last) {
      throw new ValueError(
        `input must have last dimension >= k = ${k} but is ${last} for '${scope.slice(0, -1)}' (op: 'TopKV2')`,
      );
    }
    const outShape =
      dims === null ? TensorShape.unknown() : new TensorShape([...dims.slice(0, -1), k]);
    const kv = constantInts(kt);
    const op = makeOp(
      graph,
      "TopKV2",
      scope,
      [x, kt],
      [
        { dtype: x.dtype, shape: outShape },
        { dtype: "int32", shape: outShape },
      ],
      { sorted, T: x.dtype, _k: kv === null ? null : (kv[0] as number) },
    );
    return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
  });
}
