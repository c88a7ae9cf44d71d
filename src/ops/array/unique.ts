import * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts } from "../tensor_util.js";

registerOp({
  type: "Unique",
  opDef: {
    inputs: ["x: T"],
    outputs: ["y: T", "idx: out_idx"],
    attrs: ["T: type", "out_idx: {int32, int64} = int32"],
  },
  kernel: ([x]) => {
    const values = readInts(x as tfc.Tensor);
    const position = new Map<number, number>();
    const y: number[] = [];
    const idx = values.map((v) => {
      let p = position.get(v);
      if (p === undefined) {
        p = y.length;
        position.set(v, p);
        y.push(v);
      }
      return p;
    });
    return [tfc.tensor1d(y, (x as tfc.Tensor).dtype as "int32"), tfc.tensor1d(idx, "int32")];
  },
});

// No gradient in TF 1.15.
noGradient(false, "Unique");

/**
 * `array_ops.unique(x, out_idx=int32, name)` on an integer vector (op `Unique`): the
 * distinct values in order of first appearance, and each element's position among them.
 * Used by the optimizers to sum the rows of an `IndexedSlices` named more than once.
 */
export function unique(x: Tensor, name?: string): [Tensor, Tensor] {
  return inOpScope(name, "Unique", [x], (scope, graph) => {
    new ShapeInference(opNameOf(scope), "Unique", [x.shape]).withRank(x.shape, 1);
    const outIdx: DType = "int32";
    return makeOp(
      graph,
      "Unique",
      scope,
      [x],
      [
        { dtype: x.dtype, shape: new TensorShape([null]) },
        { dtype: outIdx, shape: x.shape },
      ],
      { T: x.dtype, out_idx: outIdx },
    ).outputs as [Tensor, Tensor];
  });
}
