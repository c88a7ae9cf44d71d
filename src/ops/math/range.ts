import * as tfc from "@tensorflow/tfjs-core";
import { AssertionError, InvalidArgumentError } from "../../errors.js";
import { asDType, isInteger, runtimeDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { castIn } from "../array/cast.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  dtypeKind,
  opt,
  req,
  scalarKind,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantScalar, readScalar } from "../tensor_util.js";

function rangeSize(start: number, limit: number, delta: number, integral: boolean): number {
  if (delta === 0) throw new Error("Requires delta != 0");
  if (delta > 0 && start > limit)
    throw new Error(`Requires start <= limit when delta > 0: ${start}/${limit}`);
  if (delta < 0 && start < limit)
    throw new Error(`Requires start >= limit when delta < 0: ${start}/${limit}`);
  return integral
    ? Math.floor((Math.abs(limit - start) + Math.abs(delta) - 1) / Math.abs(delta))
    : Math.ceil(Math.abs((limit - start) / delta));
}

registerOp({
  type: "Range",
  opDef: {
    inputs: ["start: Tidx", "limit: Tidx", "delta: Tidx"],
    outputs: ["output: Tidx"],
    attrs: ["Tidx: {bfloat16, float, double, int32, int64} = int32"],
  },
  kernel: ([start, limit, delta], op) => {
    const s = (op.buildData._start as number | null) ?? readScalar(start as tfc.Tensor);
    const l = (op.buildData._limit as number | null) ?? readScalar(limit as tfc.Tensor);
    const d = (op.buildData._delta as number | null) ?? readScalar(delta as tfc.Tensor);
    const dtype = op.attrs.Tidx as DType;
    try {
      rangeSize(s, l, d, isInteger(dtype));
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message, op.name);
    }
    return [tfc.range(s, l, d, runtimeDType(dtype) as "float32" | "int32")];
  },
});

/** Builds `Range` named exactly by `scope` on three scalars of one dtype. */
export function rangeIn(
  graph: Graph,
  scope: string,
  start: Tensor,
  limit: Tensor,
  delta: Tensor,
): Tensor {
  checkOpInputs("Range", [start, limit, delta], {});
  const si = new ShapeInference(opNameOf(scope), "Range", [start.shape, limit.shape, delta.shape]);
  for (const t of [start, limit, delta]) si.withRank(t.shape, 0);
  const s = constantScalar(start);
  const l = constantScalar(limit);
  const d = constantScalar(delta);
  let n: number | null = null;
  if (s !== null && l !== null && d !== null) {
    try {
      n = rangeSize(s, l, d, isInteger(start.dtype));
    } catch (e) {
      si.fail((e as Error).message);
    }
  }
  return makeOp(
    graph,
    "Range",
    scope,
    [start, limit, delta],
    [{ dtype: start.dtype, shape: new TensorShape([n]) }],
    { Tidx: start.dtype, _start: s, _limit: l, _delta: d },
  ).outputs[0] as Tensor;
}

/** TF 1.15's `range(start, limit=None, delta=1, dtype=None, name="range")`. */
const RANGE_PARAMS = [
  req("start", scalarKind),
  opt("limit", scalarKind),
  opt("delta", scalarKind),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link range}. */
export type RangeOptions = OptionsOf<typeof RANGE_PARAMS>;

/**
 * The numbers `start, start + delta, …` below `limit` (`tf.range`, op `Range` named
 * `range`); `tf.range(n)` counts from 0 to `n` (a single argument is the limit, as in TF).
 * Integer JS numbers give int32, others float32.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.range(3)); // ==> [0 1 2]
 * sess.run(tf.range(1, 2, 0.5)); // ==> [1.  1.5]
 * ```
 */
export const range = tfFunction("range", RANGE_PARAMS, (args) =>
  rangeImpl(args.start, args.limit ?? null, args.delta ?? 1, args.dtype, args.name),
);

/** TF's `dtype_hierarchy` in `range`: the dtypes it infers the result's from. */
const RANGE_INFERABLE: ReadonlySet<DType> = new Set<DType>(["int32", "int64", "float32"]);

function rangeImpl(
  start: TensorLike,
  limit: TensorLike | null,
  delta: TensorLike,
  dtypeOption: DType | undefined,
  name: string | undefined,
): Tensor {
  let first = start;
  let last = limit;
  if (last === null) {
    last = first;
    first = 0;
  }
  const dtype = dtypeOption === undefined ? null : asDType(dtypeOption);
  return inOpScope(name, "range", [first, last, delta], (scope, graph) => {
    const convert = (v: TensorLike, name: string) =>
      convertToTensor(v, dtype === null ? { name, preferredDtype: "int32" } : { name, dtype });
    let ts = [
      convert(first, "start"),
      convert(last as TensorLike, "limit"),
      convert(delta, "delta"),
    ];
    if (dtype === null) {
      // TF's `assert all(arg.dtype in dtype_hierarchy ...)`, a bare assert: no message.
      if (ts.some((t) => !RANGE_INFERABLE.has(t.dtype))) throw new AssertionError("");
      // TensorFlow's order of preference: int32 < int64 < float32.
      const inferred: DType = ts.some((t) => t.dtype === "float32")
        ? "float32"
        : ts.some((t) => t.dtype === "int64")
          ? "int64"
          : "int32";
      ts = ts.map((t) =>
        t.dtype === inferred ? t : castIn(graph, `${graph.uniqueName("Cast")}/`, t, inferred),
      );
    }
    const [a, b, c] = ts as [Tensor, Tensor, Tensor];
    return rangeIn(graph, scope, a, b, c);
  });
}
