import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkDType, ShapeInference } from "../shape_utils.js";
import { constantValue, readScalar } from "../tensor_util.js";

registerOp({
  type: "ExpandDims",
  kernel: ([x, dim], op) => {
    const input = x as tfc.Tensor;
    let axis = (op.attrs._axis as number | null) ?? readScalar(dim as tfc.Tensor);
    if (axis < 0) axis += input.rank + 1;
    return [tfc.expandDims(input, axis)];
  },
});

/** Builds `ExpandDims` named exactly by `scope` on converted inputs. */
export function expandDimsIn(graph: Graph, scope: string, x: Tensor, dim: Tensor): Tensor {
  checkDType(dim.dtype, "dim", "index");
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

/**
 * Inserts a dimension of size 1 at `axis` (`tf.expand_dims`, op `ExpandDims` with the
 * const `ExpandDims/dim`); a negative axis counts from the end (`-1` appends).
 *
 * @example
 * ```ts
 * tf.expandDims(tf.zeros([2, 3]), 1).shape.toString(); // ==> (2, 1, 3)
 * tf.expandDims(tf.zeros([2]), -1).shape.toString(); // ==> (2, 1)
 * ```
 */
export function expandDims(
  input: TensorLike,
  axis: TensorLike | ({ axis: TensorLike } & NameOption),
  options: NameOption = {},
): Tensor {
  let a = axis as TensorLike;
  let name = options.name;
  if (typeof axis === "object" && axis !== null && !Array.isArray(axis) && "axis" in axis) {
    a = axis.axis;
    name = axis.name ?? name;
  }
  return inOpScope(name, "ExpandDims", [input, a], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const d = convertToTensor(a, { name: "dim", preferredDtype: "int32" });
    return expandDimsIn(graph, scope, x, d);
  });
}
