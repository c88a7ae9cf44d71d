import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts, readInts, recordKnownInts, type Reduction } from "../tensor_util.js";

const i32 = (values: readonly number[]): tfc.Tensor =>
  tfc.tensor1d(Int32Array.from(values), "int32");

registerOp({
  type: "InvertPermutation",
  opDef: { inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {int32, int64} = int32"] },
  kernel: ([p], op) => {
    const perm =
      (op.buildData._value as number[] | null) ??
      invertPermutationValues(readInts(p as tfc.Tensor));
    return [i32(perm)];
  },
});

function invertPermutationValues(perm: readonly number[]): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    out[p] = i;
  });
  return out;
}

/** `tf.invert_permutation` (op `InvertPermutation`); `value` is its result when known. */
export function invertPermutation(p: Tensor): Reduction {
  const perm = constantInts(p);
  const value = perm === null ? null : invertPermutationValues(perm);
  const op = buildOp("InvertPermutation", [p], [{ dtype: p.dtype, shape: p.shape }], {
    T: p.dtype,
    _value: value,
  });
  recordKnownInts(op.outputs[0] as Tensor, value);
  return { tensor: op.outputs[0] as Tensor, value };
}
