import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { readInts } from "../tensor_util.js";

/**
 * The `DynamicStitch` kernel: row `indices[k][i]` of the result is `data[k][i]` (later
 * inputs win); `n` is the number of index tensors.
 */
export function dynamicStitchKernel(inputs: readonly tfc.Tensor[], n: number): tfc.Tensor {
  const indices = inputs.slice(0, n).map((t) => readInts(t));
  const data = inputs.slice(n).map((t) => Array.from(t.dataSync() as ArrayLike<number>));
  const first = inputs[n] as tfc.Tensor;
  const firstIdx = inputs[0] as tfc.Tensor;
  const inner = first.shape.slice(firstIdx.rank);
  const width = inner.reduce((a, b) => a * b, 1);
  let rows = 0;
  for (const idx of indices) for (const i of idx) rows = Math.max(rows, i + 1);
  const out = new Array<number>(rows * width).fill(0);
  indices.forEach((idx, k) => {
    const values = data[k] as number[];
    idx.forEach((row, j) => {
      for (let c = 0; c < width; c++) out[row * width + c] = values[j * width + c] as number;
    });
  });
  return tfc.tensor(out, [rows, ...inner], first.dtype);
}

registerOp({
  type: "DynamicStitch",
  opDef: {
    inputs: ["indices: N * int32", "data: N * T"],
    outputs: ["merged: T"],
    attrs: ["N: int >= 1", "T: type"],
  },
  kernel: (inputs, op) => [dynamicStitchKernel(inputs, op.attrs.N as number)],
});

/** `gen_data_flow_ops.dynamic_stitch(indices, data)` (op `DynamicStitch`). */
export function dynamicStitch(
  indices: readonly Tensor[],
  data: readonly Tensor[],
  name?: string,
): Tensor {
  const first = data[0] as Tensor;
  const inner =
    first.shape.dims === null
      ? null
      : first.shape.dims.slice((indices[0] as Tensor).shape.rank ?? 0);
  const shape = inner === null ? TensorShape.unknown() : new TensorShape([null, ...inner]);
  return buildOp(
    "DynamicStitch",
    [...indices, ...data],
    [{ dtype: first.dtype, shape }],
    {
      N: indices.length,
      T: first.dtype,
    },
    name,
  ).outputs[0] as Tensor;
}
