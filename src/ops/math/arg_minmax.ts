import * as tfc from "@tensorflow/tfjs-core";
import { asDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  axisKind,
  dtypeKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantValue, readScalar } from "../tensor_util.js";

/** TensorFlow's signatures of the op types the loop below registers. */
const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  ArgMax: {
    inputs: ["input: T", "dimension: Tidx"],
    outputs: ["output: output_type"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
      "output_type: {int32, int64} = int64",
    ],
  },
  ArgMin: {
    inputs: ["input: T", "dimension: Tidx"],
    outputs: ["output: output_type"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tidx: {int32, int64} = int32",
      "output_type: {int32, int64} = int64",
    ],
  },
};

for (const [type, kernel] of [
  ["ArgMax", tfc.argMax],
  ["ArgMin", tfc.argMin],
] as const) {
  registerOp({
    type,
    opDef: OP_DEFS[type],
    kernel: ([x, dimension], op) => {
      const input = x as tfc.Tensor;
      let axis = (op.buildData._axis as number | null) ?? readScalar(dimension as tfc.Tensor);
      if (axis < 0) axis += input.rank;
      return [kernel(input, axis)];
    },
  });
}

/** Builds `ArgMax` / `ArgMin` named exactly by `scope`, with TensorFlow's `ArgOpShape`. */
function argOpIn(
  graph: Graph,
  scope: string,
  type: "ArgMax" | "ArgMin",
  x: Tensor,
  dimension: Tensor,
  outputType: DType = "int64",
): Tensor {
  // `output_type` is checked after the inputs, as op_def_library converts attrs last.
  checkOpInputs(type, [x, dimension], { output_type: outputType });
  const dimValue = constantValue(dimension);
  const si = new ShapeInference(
    opNameOf(scope),
    type,
    [x.shape, dimension.shape],
    dimValue === null ? {} : { tensors: [[1, dimValue]] },
  );
  si.withRank(dimension.shape, 0);
  let out = TensorShape.unknown();
  let axis: number | null = null;
  const dims = x.shape.dims;
  if (dims !== null) {
    const rank = dims.length;
    if (dimValue !== null) {
      const v = Number(dimValue.values[0]);
      axis = v < 0 ? v + rank : v;
      if (rank > 1 && (axis < 0 || axis >= rank)) {
        si.fail(`Expected dimension in the range [${-rank}, ${rank}), but got ${v}`);
      }
    }
    if (rank <= 1) out = TensorShape.scalar();
    else if (axis === null) out = TensorShape.unknownOfRank(rank - 1);
    else out = new TensorShape(dims.filter((_, i) => i !== axis) as Dim[]);
  }
  return makeOp(graph, type, scope, [x, dimension], [{ dtype: outputType, shape: out }], {
    T: x.dtype,
    Tidx: dimension.dtype,
    output_type: outputType,
    _axis: axis,
  }).outputs[0] as Tensor;
}

/** TF 1.15's `argmax(input, axis, name, dimension, output_type)` (and `argmin`'s). */
const ARG_PARAMS = [
  req("input", tensorKind),
  opt("axis", axisKind),
  opt("name", stringKind),
  alias("dimension", "axis", axisKind),
  opt("outputType", dtypeKind),
] as const;

/** The options object of {@link argmax} and {@link argmin}. */
export type ArgOptions = OptionsOf<typeof ARG_PARAMS>;

function argOp(
  type: "ArgMax" | "ArgMin",
  input: TensorLike,
  axis: TensorLike,
  outputTypeOption: DType | undefined,
  name: string | undefined,
): Tensor {
  const outputType = asDType(outputTypeOption ?? "int64");
  return inOpScope(name, type, [input, axis], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const d = convertToTensor(axis, { name: "dimension", preferredDtype: "int32" });
    return argOpIn(graph, scope, type, x, d, outputType);
  });
}

/**
 * The index of the largest value along `axis` (`tf.argmax`, op `ArgMax` with the const
 * `ArgMax/dimension`). The result is int64 unless `outputType` is int32, as in TensorFlow.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.argmax(tf.constant([[1, 9, 3], [7, 2, 5]]), { axis: 1 })); // ==> [1 0]
 * ```
 */
export const argmax = tfFunction("argmax", ARG_PARAMS, (a) =>
  argOp("ArgMax", a.input, a.axis ?? 0, a.outputType, a.name),
);

/**
 * The index of the smallest value along `axis` (`tf.argmin`, op `ArgMin`), as int64 unless
 * `outputType` is int32.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.argmin(tf.constant([3, 1, 2]))); // ==> 1
 * ```
 */
export const argmin = tfFunction("argmin", ARG_PARAMS, (a) =>
  argOp("ArgMin", a.input, a.axis ?? 0, a.outputType, a.name),
);
