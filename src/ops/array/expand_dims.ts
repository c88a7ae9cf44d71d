import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { ValueError } from "../../errors.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantValue, readScalar } from "../tensor_util.js";

registerOp({
  type: "ExpandDims",
  opDef: {
    inputs: ["input: T", "dim: Tdim"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tdim: {int32, int64} = int32"],
  },
  kernel: ([x, dim], op) => {
    const input = x as tfc.Tensor;
    let axis = (op.buildData._axis as number | null) ?? readScalar(dim as tfc.Tensor);
    if (axis < 0) axis += input.rank + 1;
    return [tfc.expandDims(input, axis)];
  },
});

/** Builds `ExpandDims` named exactly by `scope` on converted inputs. */
function expandDimsIn(graph: Graph, scope: string, x: Tensor, dim: Tensor): Tensor {
  checkOpInputs("ExpandDims", [x, dim], {});
  const dimValue = constantValue(dim);
  const si = new ShapeInference(
    opNameOf(scope),
    "ExpandDims",
    [x.shape, dim.shape],
    dimValue === null ? {} : { tensors: [[1, dimValue]] },
  );
  let out = TensorShape.unknown();
  let axis: number | null = null;
  if (dimValue !== null) {
    if (dimValue.values.length !== 1) si.fail("'dim' input must be a tensor with a single value");
    const d = Number(dimValue.values[0]);
    if (x.shape.dims !== null) {
      const rank = x.shape.dims.length;
      if (d < -rank - 1 || d > rank)
        si.fail(`dim ${d} not in the interval [${-rank - 1}, ${rank}].`);
      axis = d < 0 ? d + rank + 1 : d;
      const dims = x.shape.dims.slice();
      dims.splice(axis, 0, 1);
      out = new TensorShape(dims);
    } else if (d >= 0) axis = d;
  } else if (x.shape.rank !== null) {
    out = TensorShape.unknownOfRank(x.shape.rank + 1);
  }
  return makeOp(graph, "ExpandDims", scope, [x, dim], [{ dtype: x.dtype, shape: out }], {
    T: x.dtype,
    Tdim: dim.dtype,
    _axis: axis,
  }).outputs[0] as Tensor;
}

/** TF 1.15's `expand_dims(input, axis=None, name=None, dim=None)`. */
const EXPAND_DIMS_PARAMS = [
  req("input", tensorKind),
  opt("axis", intOrTensorKind),
  opt("name", stringKind),
  alias("dim", "axis", intOrTensorKind),
] as const;

/**
 * Inserts a dimension of size 1 at `axis` (`tf.expand_dims(input, axis, name, dim)`, op
 * `ExpandDims` with the const `ExpandDims/dim`); a negative axis counts from the end (`-1`
 * appends).
 *
 * @example
 * ```ts
 * tf.expandDims(tf.zeros([2, 3]), 1).shape.toString(); // ==> (2, 1, 3)
 * tf.expandDims(tf.zeros([2]), -1).shape.toString(); // ==> (2, 1)
 * ```
 */
export const expandDims = tfFunction("expandDims", EXPAND_DIMS_PARAMS, (a) => {
  const axis = a.axis;
  if (axis === undefined) throw new ValueError("Must specify an axis argument to tf.expand_dims()");
  return inOpScope(a.name, "ExpandDims", [a.input, axis], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    const d = convertToTensor(axis, { name: "dim", preferredDtype: "int32" });
    return expandDimsIn(graph, scope, x, d);
  });
});
