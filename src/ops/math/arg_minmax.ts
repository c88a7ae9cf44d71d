import * as tfc from "@tensorflow/tfjs-core";
import { asDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkDType, ShapeInference } from "../shape_utils.js";
import { constantValue, readScalar } from "../tensor_util.js";

for (const [type, kernel] of [
  ["ArgMax", tfc.argMax],
  ["ArgMin", tfc.argMin],
] as const) {
  registerOp({
    type,
    kernel: ([x, dimension], op) => {
      const input = x as tfc.Tensor;
      let axis = (op.attrs._axis as number | null) ?? readScalar(dimension as tfc.Tensor);
      if (axis < 0) axis += input.rank;
      return [kernel(input, axis)];
    },
  });
}

/** Builds `ArgMax` / `ArgMin` named exactly by `scope`, with TensorFlow's `ArgOpShape`. */
export function argOpIn(
  graph: Graph,
  scope: string,
  type: "ArgMax" | "ArgMin",
  x: Tensor,
  dimension: Tensor,
  outputType: "int32" | "int64" = "int64",
): Tensor {
  checkDType(x.dtype, "input", "numeric");
  checkDType(dimension.dtype, "dimension", "index");
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

/** Options of {@link argmax} and {@link argmin}. */
export interface ArgOptions extends NameOption {
  /** The axis to reduce; 0 by default. */
  axis?: TensorLike | null;
  /** `int64` (the default, as in TensorFlow) or `int32`. */
  outputType?: DType;
}

function argOp(type: "ArgMax" | "ArgMin", input: TensorLike, options: ArgOptions): Tensor {
  const outputType = asDType(options.outputType ?? "int64");
  if (outputType !== "int32" && outputType !== "int64") {
    throw new TypeError(
      `Value passed to parameter 'output_type' has DataType ${outputType} not in list of allowed values: int32, int64`,
    );
  }
  const axis = options.axis ?? 0;
  return inOpScope(options.name, type, [input, axis], (scope, graph) => {
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
 * tf.argmax(tf.constant([[1, 9, 3], [7, 2, 5]]), { axis: 1 }); // [1 0]
 * ```
 */
export function argmax(input: TensorLike, options: ArgOptions = {}): Tensor {
  return argOp("ArgMax", input, options);
}

/**
 * The index of the smallest value along `axis` (`tf.argmin`, op `ArgMin`), as int64 unless
 * `outputType` is int32.
 *
 * @example
 * ```ts
 * tf.argmin(tf.constant([3, 1, 2])); // 1
 * ```
 */
export function argmin(input: TensorLike, options: ArgOptions = {}): Tensor {
  return argOp("ArgMin", input, options);
}
