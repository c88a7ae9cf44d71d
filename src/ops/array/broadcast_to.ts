import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { convertToTensor, shapeArgKind } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantValue, readInts, staticShapeOf } from "../tensor_util.js";

/** `BroadcastTo`'s shape function: the shape asked for, checked against the input's. */
function broadcastToShape(si: ShapeInference, input: TensorShape, shape: Tensor): TensorShape {
  si.withRank(shape.shape, 1);
  const out = staticShapeOf(shape);
  if (out.dims === null || input.dims === null) return out;
  const outRank = out.dims.length;
  const inDims = si.withRankAtMost(input, outRank) as Dim[];
  // Checked, not refined: TF's function merges into a copy and outputs the shape asked for.
  for (let i = 0; i < inDims.length; i++) {
    const inDim = inDims[inDims.length - 1 - i] as Dim;
    if (inDim !== null && inDim > 1) si.mergeDim(inDim, out.dims[outRank - 1 - i] as Dim);
  }
  return out;
}

registerOp({
  type: "BroadcastTo",
  opDef: {
    inputs: ["input: T", "shape: Tidx"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tidx: {int32, int64} = int32"],
  },
  kernel: ([x, s], op) => {
    const input = x as tfc.Tensor;
    const shape = readInts(s as tfc.Tensor);
    const ok =
      input.rank <= shape.length &&
      input.shape.every((d, i) => {
        const o = shape[shape.length - input.rank + i] as number;
        return d === o || d === 1;
      });
    if (!ok) {
      throw new InvalidArgumentError(
        `Incompatible shapes: [${input.shape.join(",")}] vs. [${shape.join(",")}]\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    return [tfc.broadcastTo(input, shape)];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [x, s] = op.inputs as [Tensor, Tensor];
    return [broadcastToShape(new ShapeInference(op.name, op.type, [x.shape, s.shape]), x.shape, s)];
  },
});

/** TF 1.15's `broadcast_to(input, shape, name=None)`. */
const BROADCAST_TO_PARAMS = [
  req("input", tensorKind),
  req("shape", shapeArgKind),
  opt("name", stringKind),
] as const;

/**
 * `input` broadcast to `shape` (`tf.broadcast_to`, op `BroadcastTo`), by NumPy's rules.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.broadcastTo(tf.constant([1, 2, 3], tf.int32), [2, 3])); // ==> [[1 2 3]
 *                                                                     //      [1 2 3]]
 * ```
 */
export const broadcastTo = tfFunction("broadcastTo", BROADCAST_TO_PARAMS, (a) =>
  inOpScope(a.name, "BroadcastTo", [a.input, a.shape], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    const s = convertToTensor(a.shape, { name: "shape", preferredDtype: "int32" });
    checkOpInputs("BroadcastTo", [x, s], {});
    const value = constantValue(s);
    const si = new ShapeInference(
      opNameOf(scope),
      "BroadcastTo",
      [x.shape, s.shape],
      value === null ? {} : { tensors: [[1, value]] },
    );
    const out = broadcastToShape(si, x.shape, s);
    return makeOp(graph, "BroadcastTo", scope, [x, s], [{ dtype: x.dtype, shape: out }], {
      T: x.dtype,
      Tidx: s.dtype,
    }).outputs[0] as Tensor;
  }),
);
