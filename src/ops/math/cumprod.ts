import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts, readScalar } from "../tensor_util.js";

registerOp({
  type: "Cumprod",
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
    const a = (op.buildData._axis as number | null) ?? readScalar(axis as tfc.Tensor);
    return [
      tfc.cumprod(x as tfc.Tensor, a, op.attrs.exclusive as boolean, op.attrs.reverse as boolean),
    ];
  },
});

/** `math_ops.cumprod(x, axis, exclusive, reverse)` (op `Cumprod`). */
export function cumprod(x: Tensor, axis: Tensor, exclusive: boolean, reverse: boolean): Tensor {
  const a = constantInts(axis);
  return buildOp("Cumprod", [x, axis], [{ dtype: x.dtype, shape: x.shape }], {
    T: x.dtype,
    Tidx: axis.dtype,
    exclusive,
    reverse,
    _axis: a === null ? null : a[0],
  }).outputs[0] as Tensor;
}
