import * as tfc from "@tensorflow/tfjs-core";
import { asDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { buildOp, inOpScope, makeOp } from "../op_scope.js";
import {
  dtypeKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { constantOp } from "./constant.js";

registerOp({
  type: "Shape",
  opDef: {
    inputs: ["input: T"],
    outputs: ["output: out_type"],
    attrs: ["T: type", "out_type: {int32, int64} = int32"],
  },
  kernel: ([x]) => [tfc.tensor1d((x as tfc.Tensor).shape, "int32")],
});
registerOp({
  type: "Size",
  opDef: {
    inputs: ["input: T"],
    outputs: ["output: out_type"],
    attrs: ["T: type", "out_type: {int32, int64} = int32"],
  },
  kernel: ([x]) => [tfc.scalar((x as tfc.Tensor).size, "int32")],
});
registerOp({
  type: "Rank",
  opDef: { inputs: ["input: T"], outputs: ["output: int32"], attrs: ["T: type"] },
  kernel: ([x]) => [tfc.scalar((x as tfc.Tensor).rank, "int32")],
});

/** TF 1.15's `shape(input, name=None, out_type=tf.int32)` (and `size`'s). */
const SHAPE_PARAMS = [
  req("input", tensorKind),
  opt("name", stringKind),
  /** `int32` (the default) or `int64`. */
  opt("outType", dtypeKind),
] as const;

/** The options object of {@link shape} and {@link size} (any parameter by name). */
export type ShapeOptions = OptionsOf<typeof SHAPE_PARAMS>;

type IndexDType = "int32" | "int64";

function outTypeOf(outType: DType | undefined): IndexDType {
  const t = asDType(outType ?? "int32");
  if (t !== "int32" && t !== "int64") {
    throw new TypeError(
      `Value passed to parameter 'out_type' has DataType ${t} not in list of allowed values: int32, int64`,
    );
  }
  return t;
}

function intConst(
  graph: Graph,
  scope: string,
  shape: number[],
  values: number[],
  dtype: IndexDType = "int32",
): Tensor {
  return constantOp(
    graph,
    scope,
    dtype === "int64"
      ? { dtype, shape, values: BigInt64Array.from(values, (v) => BigInt(v)) }
      : { dtype, shape, values: Int32Array.from(values) },
  );
}

/**
 * `shape_internal` under `scope`: a `Const` when fully known and `optimize`, else a `Shape`
 * op.
 */
export function shapeIn(
  graph: Graph,
  scope: string,
  x: Tensor,
  outType: IndexDType = "int32",
  optimize = true,
): Tensor {
  if (optimize && x.shape.isFullyDefined()) {
    const dims = x.shape.asList() as number[];
    return intConst(graph, scope, [dims.length], dims, outType);
  }
  const rank = x.shape.rank;
  return makeOp(graph, "Shape", scope, [x], [{ dtype: outType, shape: new TensorShape([rank]) }], {
    T: x.dtype,
    out_type: outType,
  }).outputs[0] as Tensor;
}

/**
 * `rank_internal` under `scope`: a `Const` when the rank is known (and `optimize`), else
 * a `Rank` op.
 */
export function rankIn(graph: Graph, scope: string, x: Tensor, optimize = true): Tensor {
  const rank = x.shape.rank;
  if (optimize && rank !== null) return intConst(graph, scope, [], [rank]);
  return makeOp(graph, "Rank", scope, [x], [{ dtype: "int32", shape: TensorShape.scalar() }], {
    T: x.dtype,
  }).outputs[0] as Tensor;
}

/**
 * The shape of `input` as a 1-D int32 (or `outType`) tensor (`tf.shape(input, name, out_type)`): a `Const` named `Shape` when
 * the static shape is fully defined (as TensorFlow's graph mode does), else a `Shape` op.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 3]);
 * tf.shape(x).op.type; // ==> Shape
 * using sess = new tf.Session();
 * sess.run(tf.shape(x), new Map([[x, [[1, 2, 3]]]])); // ==> [1 3]
 * ```
 */
export const shape = tfFunction("shape", SHAPE_PARAMS, (a) => {
  const outType = outTypeOf(a.outType);
  return inOpScope(a.name, "Shape", [a.input], (scope, graph) =>
    shapeIn(graph, scope, convertToTensor(a.input), outType),
  );
});

/**
 * The number of elements of `input` as an int32 (or `outType`) scalar (`tf.size(input, name, out_type)`): a `Const` named `Size`
 * when known when building, else a `Size` op.
 *
 * @example
 * ```ts
 * const s = tf.size(tf.zeros([2, 3]));
 * s.op.type; // ==> Const
 * using sess = new tf.Session();
 * sess.run(s); // ==> 6
 * ```
 */
export const size = tfFunction("size", SHAPE_PARAMS, (a) => {
  const outType = outTypeOf(a.outType);
  return inOpScope(a.name, "Size", [a.input], (scope, graph) => {
    const x = convertToTensor(a.input);
    const n = x.shape.numElements();
    if (n !== null) return intConst(graph, scope, [], [n], outType);
    if (x.shape.dims !== null && x.shape.dims.some((d) => d === 0))
      return intConst(graph, scope, [], [0], outType);
    return makeOp(graph, "Size", scope, [x], [{ dtype: outType, shape: TensorShape.scalar() }], {
      T: x.dtype,
      out_type: outType,
    }).outputs[0] as Tensor;
  });
});

/** TF 1.15's `rank(input, name=None)`. */
const RANK_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/**
 * The rank of `input` as an int32 scalar (`tf.rank(input, name)`): a `Const` named `Rank` when the
 * rank is known, else a `Rank` op.
 *
 * @example
 * ```ts
 * const r = tf.rank(tf.zeros([2, 3]));
 * r.op.type; // ==> Const
 * using sess = new tf.Session();
 * sess.run(r); // ==> 2
 * ```
 */
export const rank = tfFunction("rank", RANK_PARAMS, (a) =>
  inOpScope(a.name, "Rank", [a.input], (scope, graph) =>
    rankIn(graph, scope, convertToTensor(a.input)),
  ),
);

registerOp({
  type: "ShapeN",
  opDef: {
    inputs: ["input: N * T"],
    outputs: ["output: N * out_type"],
    attrs: ["N: int >= 1", "T: type", "out_type: {int32, int64} = int32"],
  },
  kernel: (inputs) => inputs.map((x) => tfc.tensor1d((x as tfc.Tensor).shape, "int32")),
});

/** `array_ops.shape_n` (op `ShapeN`): the shapes of several tensors. */
export function shapeN(xs: readonly Tensor[]): Tensor[] {
  const op = buildOp(
    "ShapeN",
    xs,
    xs.map((x) => ({ dtype: "int32" as DType, shape: new TensorShape([x.shape.rank]) })),
    { N: xs.length, T: xs[0]?.dtype ?? "float32", out_type: "int32" },
  );
  return op.outputs.slice();
}
