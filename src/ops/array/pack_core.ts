import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { checkOpInputs } from "../input_types.js";
import { makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { mergeErrorDetail, shapeError } from "../shape_utils.js";

/** TF's `Pack` signature; its kernel reads the attrs it types. */
const PACK_DEF = declareOpDef({
  inputs: ["values: N * T"],
  outputs: ["output: T"],
  attrs: ["N: int >= 1", "T: type", "axis: int = 0"],
});

registerOp({
  type: "Pack",
  opDef: PACK_DEF,
  kernel: (inputs, op) => {
    const axis = attrsOf(op, PACK_DEF).axis;
    const rank = (inputs[0] as tfc.Tensor).rank;
    return [tfc.stack(inputs as tfc.Tensor[], axis < 0 ? axis + rank + 1 : axis)];
  },
});

/**
 * Builds a `Pack` op (`tf.stack`'s op) named exactly by `scope`, with TensorFlow's shape
 * function: all inputs merge to one shape, and a dim of `values.length` is inserted at `axis`.
 */
export function packIn(
  graph: Graph,
  scope: string,
  values: readonly Tensor[],
  axis: number,
): Tensor {
  const name = opNameOf(scope);
  const shapes = values.map((v) => v.shape);
  const first = values[0];
  if (first === undefined) throw new TypeError("Pack needs at least one value.");
  // op_def_library's dtype checks come before the shape function's.
  checkOpInputs("Pack", values, {});
  let cur = shapes[shapes.length - 1] as TensorShape;
  for (let i = shapes.length - 2; i >= 0; i--) {
    const s = shapes[i] as TensorShape;
    if (!s.isCompatibleWith(cur)) {
      throw shapeError(
        `${mergeErrorDetail(s, cur)}\n\tFrom merging shape ${i} with other shapes.`,
        name,
        "Pack",
        shapes,
      );
    }
    cur = s.mergeWith(cur);
  }
  let out = TensorShape.unknown();
  if (cur.dims !== null) {
    const rank = cur.dims.length + 1;
    if (axis < -rank || axis >= rank) {
      throw shapeError(
        `Invalid axis: ${axis}; must be in [${-rank},${rank})`,
        name,
        "Pack",
        shapes,
      );
    }
    const dims: Dim[] = cur.dims.slice();
    dims.splice(axis < 0 ? axis + rank : axis, 0, values.length);
    out = new TensorShape(dims);
  }
  return makeOp(graph, "Pack", scope, values, [{ dtype: first.dtype, shape: out }], {
    N: values.length,
    T: first.dtype,
    axis,
  }).outputs[0] as Tensor;
}
