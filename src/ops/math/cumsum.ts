import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts, readScalar } from "../tensor_util.js";

registerOp({
  type: "Cumsum",
  opDef: {
    inputs: ["x: T", "axis: Tidx"],
    outputs: ["out: T"],
    attrs: [
      "exclusive: bool = false",
      "reverse: bool = false",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
    ],
  },
  kernel: ([x, axis], op) => {
    const t = x as tfc.Tensor;
    const given = (op.buildData._axis as number | null) ?? readScalar(axis as tfc.Tensor);
    if (given < -t.rank || given >= Math.max(t.rank, 1)) {
      throw new InvalidArgumentError(
        `Expected scan axis in the range [${-t.rank}, ${t.rank}), but got ${given}`,
        op.name,
      );
    }
    // tfjs' kernels take a non-negative axis only (wasm reads out of bounds otherwise).
    const a = given < 0 ? given + t.rank : given;
    return [tfc.cumsum(t, a, op.attrs.exclusive as boolean, op.attrs.reverse as boolean)];
  },
});

/**
 * `math_ops.cumsum(x, axis, exclusive, reverse, name)` (op `Cumsum`): the running sums of
 * `x` along `axis`, as `metrics_impl` uses it to pick the last of tied thresholds.
 */
export function cumsum(
  x: TensorLike,
  axis: TensorLike = 0,
  exclusive = false,
  reverse = false,
  name?: string,
): Tensor {
  return inOpScope(name, "Cumsum", [x], (scope, graph) => {
    const xt = convertToTensor(x, { name: "x" });
    const at = convertToTensor(axis, { name: "axis", preferredDtype: "int32" });
    const a = constantInts(at);
    return makeOp(graph, "Cumsum", scope, [xt, at], [{ dtype: xt.dtype, shape: xt.shape }], {
      T: xt.dtype,
      Tidx: at.dtype,
      exclusive,
      reverse,
      _axis: a === null ? null : (a[0] as number),
    }).outputs[0] as Tensor;
  });
}
