import * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import {
  constantInts,
  readInts,
  readScalar,
  recordKnownInts,
  staticInts,
  type Reduction,
} from "../tensor_util.js";

const i32 = (values: readonly number[]): tfc.Tensor =>
  tfc.tensor1d(Int32Array.from(values), "int32");

registerOp({
  type: "ConcatOffset",
  opDef: {
    inputs: ["concat_dim: int32", "shape: N * int32"],
    outputs: ["offset: N * int32"],
    attrs: ["N: int >= 2"],
  },
  kernel: (inputs, op) => {
    let offsets = op.buildData._offsets as number[][] | null | undefined;
    // `undefined`: an imported op, whose builder did not look at its inputs.
    if (offsets === null || offsets === undefined) {
      const shapes = inputs.slice(1).map((s) => readInts(s as tfc.Tensor));
      offsets = concatOffsets(readScalar(inputs[0] as tfc.Tensor), shapes);
    }
    return offsets.map(i32);
  },
});

function concatOffsets(dim: number, shapes: readonly number[][]): number[][] {
  let at = 0;
  return shapes.map((s) => {
    const offset = new Array<number>(s.length).fill(0);
    const axis = dim < 0 ? dim + s.length : dim;
    offset[axis] = at;
    at += s[axis] as number;
    return offset;
  });
}

/**
 * `gen_array_ops.concat_offset(concat_dim, shapes)` (op `ConcatOffset`): where each
 * input of a concatenation starts in its output.
 */
export function concatOffset(
  dim: Tensor,
  shapes: readonly Tensor[],
  dimValue: number | null = null,
): Reduction[] {
  const d = dimValue ?? constantInts(dim)?.[0] ?? null;
  const values = shapes.map(staticInts);
  const offsets =
    d !== null && values.every((v) => v !== null) ? concatOffsets(d, values as number[][]) : null;
  const op = buildOp(
    "ConcatOffset",
    [dim, ...shapes],
    shapes.map((s) => ({ dtype: "int32" as DType, shape: s.shape })),
    { N: shapes.length, _offsets: offsets },
  );
  op.outputs.forEach((t, i) =>
    recordKnownInts(t, offsets === null ? null : (offsets[i] as number[])),
  );
  return op.outputs.map((t, i) => ({
    tensor: t,
    value: offsets === null ? null : (offsets[i] as number[]),
  }));
}
