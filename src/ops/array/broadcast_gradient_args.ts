import * as tfc from "@tensorflow/tfjs-core";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import type { Tensor } from "../../graph/tensor.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { readInts, recordKnownInts, staticShapeOf, type Reduction } from "../tensor_util.js";

const i32 = (values: readonly number[]): tfc.Tensor =>
  tfc.tensor1d(Int32Array.from(values), "int32");

/** TensorFlow's `BCast` gradient reduction indices: the (padded) dims of size 1. */
function bcastReductions(a: readonly number[], b: readonly number[]): [number[], number[]] {
  const rank = Math.max(a.length, b.length);
  const pa = [...new Array<number>(rank - a.length).fill(1), ...a];
  const pb = [...new Array<number>(rank - b.length).fill(1), ...b];
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = pa[i] as number;
    const y = pb[i] as number;
    if (x !== y && x !== 1 && y !== 1) {
      throw new Error(`Incompatible shapes: [${a.join(",")}] vs. [${b.join(",")}]`);
    }
    if (x === 1) ra.push(i);
    if (y === 1) rb.push(i);
  }
  return [ra, rb];
}

/**
 * The reduction indices when decidable from static shapes. An unknown dim needs no
 * reduction when every other operand has size 1 there (summing over a size-1 dim is
 * the identity); any other unknown makes the answer depend on run-time sizes.
 */
function staticBcastReductions(a: TensorShape, b: TensorShape): [number[], number[]] | null {
  if (a.dims === null || b.dims === null) return null;
  const rank = Math.max(a.dims.length, b.dims.length);
  const pad = (d: readonly Dim[]): Dim[] => [...new Array<Dim>(rank - d.length).fill(1), ...d];
  const pa = pad(a.dims);
  const pb = pad(b.dims);
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = pa[i] as Dim;
    const y = pb[i] as Dim;
    if (x === null && y !== 1) return null;
    if (y === null && x !== 1) return null;
    if (x === 1) ra.push(i);
    if (y === 1) rb.push(i);
  }
  return [ra, rb];
}

registerOp({
  type: "BroadcastGradientArgs",
  opDef: {
    inputs: ["s0: T", "s1: T"],
    outputs: ["r0: T", "r1: T"],
    attrs: ["T: {int32, int64} = int32"],
  },
  kernel: ([s0, s1], op) => {
    let r0 = op.buildData._r0 as number[] | null | undefined;
    let r1 = op.buildData._r1 as number[] | null | undefined;
    // `undefined`: an imported op, whose builder did not look at its inputs.
    if (r0 === null || r1 === null || r0 === undefined || r1 === undefined)
      [r0, r1] = bcastReductions(readInts(s0 as tfc.Tensor), readInts(s1 as tfc.Tensor));
    return [i32(r0), i32(r1)];
  },
});

/**
 * `gen_array_ops.broadcast_gradient_args(s0, s1)` (op `BroadcastGradientArgs`): the
 * dimensions along which each operand of a broadcasting binary op was broadcast.
 */
export function broadcastGradientArgs(s0: Tensor, s1: Tensor): [Reduction, Reduction] {
  const r = staticBcastReductions(staticShapeOf(s0), staticShapeOf(s1));
  const op = buildOp(
    "BroadcastGradientArgs",
    [s0, s1],
    [
      { dtype: "int32", shape: new TensorShape([r === null ? null : r[0].length]) },
      { dtype: "int32", shape: new TensorShape([r === null ? null : r[1].length]) },
    ],
    { T: "int32", _r0: r === null ? null : r[0], _r1: r === null ? null : r[1] },
  );
  recordKnownInts(op.outputs[0] as Tensor, r === null ? null : r[0]);
  recordKnownInts(op.outputs[1] as Tensor, r === null ? null : r[1]);
  return [
    { tensor: op.outputs[0] as Tensor, value: r === null ? null : r[0] },
    { tensor: op.outputs[1] as Tensor, value: r === null ? null : r[1] },
  ];
}
