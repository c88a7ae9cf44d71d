import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertList, convertToTensor } from "../convert.js";
import { checkOpInputs } from "../input_types.js";
import { identity } from "../math/unary.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  intOrTensorKind,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { ShapeInference, type ShapeErrorContext } from "../shape_utils.js";
import { constantValue, readScalar } from "../tensor_util.js";

registerOp({
  type: "ConcatV2",
  opDef: {
    inputs: ["values: N * T", "axis: Tidx"],
    outputs: ["output: T"],
    attrs: ["N: int >= 2", "T: type", "Tidx: {int32, int64} = int32"],
  },
  kernel: (inputs, op) => {
    const n = inputs.length - 1;
    const values = inputs.slice(0, n) as tfc.Tensor[];
    let axis = (op.buildData._axis as number | null) ?? readScalar(inputs[n] as tfc.Tensor);
    if (axis < 0) axis += (values[0] as tfc.Tensor).rank;
    // tfjs's concat of only empty string tensors yields bytes its own reader cannot decode.
    if (values.every((v) => v.size === 0)) {
      const shape = (values[0] as tfc.Tensor).shape.slice();
      shape[axis] = values.reduce((sum, v) => sum + (v.shape[axis] as number), 0);
      return [tfc.tensor([], shape, (values[0] as tfc.Tensor).dtype)];
    }
    return [tfc.concat(values, axis)];
  },
});

/** TensorFlow's `ConcatShapeHelper`: merges the non-axis dims and sums the axis dims. */
export function concatShape(
  si: ShapeInference,
  shapes: readonly TensorShape[],
  axis: number | null,
): TensorShape {
  if (axis === null) {
    const rank = shapes.find((s) => s.rank !== null)?.rank ?? null;
    if (rank === null) return TensorShape.unknown();
    if (rank === 0) si.fail("Can't concatenate scalars (use tf.stack instead)");
    for (const s of shapes) si.withRank(s, rank);
    return TensorShape.unknownOfRank(rank);
  }
  const minRank = axis < 0 ? -axis : axis + 1;
  const split = (s: TensorShape): [TensorShape, Dim, TensorShape] | null => {
    const dims = si.withRankAtLeast(s, minRank);
    if (dims === null) return null;
    const a = axis < 0 ? dims.length + axis : axis;
    return [new TensorShape(dims.slice(0, a)), dims[a] as Dim, new TensorShape(dims.slice(a + 1))];
  };
  let before: TensorShape = TensorShape.unknown();
  let middle: Dim = null;
  let after: TensorShape = TensorShape.unknown();
  let middleKnown = true;
  const last = split(shapes[shapes.length - 1] as TensorShape);
  if (last === null) middleKnown = false;
  else [before, middle, after] = last;
  for (let i = shapes.length - 2; i >= 0; i--) {
    const parts = split(shapes[i] as TensorShape);
    if (parts === null) {
      middleKnown = false;
      continue;
    }
    before = si.mergeShape(parts[0], before);
    middle = middle === null || parts[1] === null ? null : middle + parts[1];
    if (parts[1] === null) middleKnown = false;
    after = si.mergeShape(parts[2], after);
  }
  if (before.dims === null || after.dims === null) return TensorShape.unknown();
  return new TensorShape([...before.dims, middleKnown ? middle : null, ...after.dims]);
}

/** Builds `ConcatV2` named exactly by `scope` on converted values and axis. */
export function concatIn(graph: Graph, scope: string, values: Tensor[], axis: Tensor): Tensor {
  // op_def_library's dtype checks come before the shape function's.
  checkOpInputs("ConcatV2", [...values, axis], {});
  const axisValue = constantValue(axis);
  const context: ShapeErrorContext =
    axisValue === null ? {} : { tensors: [[values.length, axisValue]] };
  const shapes = values.map((v) => v.shape);
  const si = new ShapeInference(opNameOf(scope), "ConcatV2", [...shapes, axis.shape], context);
  si.withRank(axis.shape, 0);
  const a = axisValue === null ? null : Number(axisValue.values[0]);
  const out = concatShape(si, shapes, a);
  const first = values[0] as Tensor;
  const rank = out.rank;
  return makeOp(graph, "ConcatV2", scope, [...values, axis], [{ dtype: first.dtype, shape: out }], {
    N: values.length,
    T: first.dtype,
    Tidx: axis.dtype,
    _axis: a === null ? null : a < 0 && rank !== null ? a + rank : a,
  }).outputs[0] as Tensor;
}

/** A list of tensors, or one tensor (TF wraps a single value in a list). */
const valuesKind = kind<TensorLike | readonly TensorLike[]>("a list of Tensors", (v) =>
  tensorKind.check(v),
);

/** TF 1.15's `concat(values, axis, name="concat")`. */
const CONCAT_PARAMS = [
  req("values", valuesKind),
  req("axis", intOrTensorKind),
  opt("name", stringKind),
] as const;

/**
 * Concatenates `values` along `axis` (`tf.concat(values, axis, name)`, op `ConcatV2`
 * named `concat`). A single value is passed through an `Identity` (`concat/concat`), as in
 * TensorFlow.
 *
 * @example
 * ```ts
 * const c = tf.concat([tf.zeros([2, 3]), tf.ones([2, 3])], 0);
 * c.shape.toString(); // ==> (4, 3)
 * ```
 */
export const concat = tfFunction("concat", CONCAT_PARAMS, (a) =>
  concatImpl(a.values, a.axis, a.name),
);

function concatImpl(
  values: TensorLike | readonly TensorLike[],
  axis: TensorLike,
  nameOption: string | undefined,
): Tensor {
  const list = Array.isArray(values) ? (values as readonly TensorLike[]) : [values as TensorLike];
  const name = nameOption ?? "concat";
  if (list.length === 0)
    throw new ValueError(
      "List argument 'values' to 'ConcatV2' Op with length 0 shorter than minimum length 2.",
    );
  if (list.length === 1) {
    return inOpScope(name, "concat", [], () => {
      convertToTensor(axis, { name: "concat_dim", dtype: "int32" }).shape.assertHasRank(0);
      return identity(list[0] as TensorLike, { name });
    });
  }
  return inOpScope(name, "concat", list, (scope, graph) => {
    const tensors = convertList(list, "values", "ConcatV2");
    const axisT = convertToTensor(axis, { name: "axis", preferredDtype: "int32" });
    return concatIn(graph, scope, tensors, axisT);
  });
}
