import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts } from "../tensor_util.js";
import { scanAxis, scanKernel } from "./cumsum.js";

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
  // tfjs-wasm's cumprod reads out of bounds on a negative or out-of-range axis: the axis
  // is checked and normalized as TF's ScanOp does, and the product is a JS pass.
  kernel: ([x, axis], op) => {
    const t = x as tfc.Tensor;
    const a = scanAxis(t, axis as tfc.Tensor, op.name);
    return [scanKernel(t, a, op.attrs.exclusive === true, op.attrs.reverse === true, true)];
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
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
