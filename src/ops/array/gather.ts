import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import { isTensorConvertible, type Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  booleanKind,
  intKind,
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantValue, readScalar } from "../tensor_util.js";

/** TF's `GatherV2` signature; its kernel reads the attrs it types. */
const GATHER_V2_DEF = declareOpDef({
  inputs: ["params: Tparams", "indices: Tindices", "axis: Taxis"],
  outputs: ["output: Tparams"],
  attrs: [
    "batch_dims: int = 0",
    "Tparams: type",
    "Tindices: {int32, int64}",
    "Taxis: {int32, int64}",
  ],
});

registerOp({
  type: "GatherV2",
  opDef: GATHER_V2_DEF,
  kernel: ([params, indices, axis], op) => {
    const p = params as tfc.Tensor;
    let a = (op.buildData._axis as number | null) ?? readScalar(axis as tfc.Tensor);
    if (a < 0) a += p.rank;
    if (p.dtype === "string") return [gatherStrings(p, indices as tfc.Tensor, a)];
    return [tfc.gather(p, indices as tfc.Tensor, a, attrsOf(op, GATHER_V2_DEF).batch_dims)];
  },
});

/** tfjs's gather takes numeric tensors only; string tables (names, vocabularies) are gathered here. */
function gatherStrings(params: tfc.Tensor, indices: tfc.Tensor, axis: number): tfc.Tensor {
  const values = params.dataSync() as unknown as (string | Uint8Array)[];
  const idx = indices.dataSync();
  const outer = params.shape.slice(0, axis).reduce((x, y) => x * y, 1);
  const dim = params.shape[axis] as number;
  const inner = params.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const out: (string | Uint8Array)[] = [];
  for (let o = 0; o < outer; o++) {
    for (const i of idx) {
      if (i < 0 || i >= dim) throw new Error(`indices = ${i} is not in [0, ${dim})`);
      for (let k = 0; k < inner; k++)
        out.push(values[(o * dim + i) * inner + k] as string | Uint8Array);
    }
  }
  const shape = [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)];
  return tfc.tensor(out as string[], shape, "string");
}

/** Builds `GatherV2` named exactly by `scope` on converted inputs. */
export function gatherIn(
  graph: Graph,
  scope: string,
  params: Tensor,
  indices: Tensor,
  axis: Tensor,
  batchDims: number,
): Tensor {
  // op_def_library checks dtypes before the shape function runs.
  checkOpInputs("GatherV2", [params, indices, axis], {});
  const axisValue = constantValue(axis);
  const si = new ShapeInference(
    opNameOf(scope),
    "GatherV2",
    [params.shape, indices.shape, axis.shape],
    axisValue === null ? {} : { tensors: [[2, axisValue]] },
  );
  si.withRankAtMost(axis.shape, 0);
  const pDims = si.withRankAtLeast(params.shape, 1);
  const iDims = indices.shape.dims;
  let out = TensorShape.unknown();
  let a: number | null = null;
  if (axisValue !== null) {
    const v = Number(axisValue.values[0]);
    if (pDims !== null) {
      const rank = pDims.length;
      if (v < -rank || v >= rank) {
        si.fail(`Expected axis in the range [${-rank}, ${rank}), but got ${v}`);
      }
      a = v < 0 ? v + rank : v;
      if (iDims !== null) {
        out = new TensorShape([
          ...pDims.slice(0, a),
          ...iDims.slice(batchDims),
          ...pDims.slice(a + 1),
        ]);
      }
    } else a = v >= 0 ? v : null;
  } else if (pDims !== null && iDims !== null) {
    out = TensorShape.unknownOfRank(pDims.length + iDims.length - 1 - batchDims);
  }
  return makeOp(
    graph,
    "GatherV2",
    scope,
    [params, indices, axis],
    [{ dtype: params.dtype, shape: out }],
    {
      batch_dims: batchDims,
      Tparams: params.dtype,
      Tindices: indices.dtype,
      Taxis: axis.dtype,
      _axis: a,
    },
  ).outputs[0] as Tensor;
}

/** TF 1.15's `gather(params, indices, validate_indices, name, axis, batch_dims=0)` (v1). */
const GATHER_PARAMS = [
  req("params", tensorKind),
  req("indices", tensorKind),
  /** Deprecated in TF 1.15, where it does nothing. */
  opt("validateIndices", booleanKind),
  opt("name", stringKind),
  opt("axis", intOrTensorKind),
  opt("batchDims", intKind),
] as const;

/** The options object of {@link gather} (any parameter by name). */
export type GatherOptions = OptionsOf<typeof GATHER_PARAMS>;

/**
 * Gathers slices of `params` along `axis` at `indices` (`tf.gather(params, indices,
 * validate_indices, name, axis, batch_dims)`, op `GatherV2` with the const
 * `GatherV2/axis`). The result's shape is
 * `params.shape[:axis] + indices.shape + params.shape[axis + 1:]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.gather(tf.constant([[1, 2], [3, 4], [5, 6]]), [2, 0])); // ==> [[5. 6.]
 *                                                                     //      [1. 2.]]
 * ```
 */
export const gather = tfFunction("gather", GATHER_PARAMS, (a) => {
  const batchDims = a.batchDims ?? 0;
  const axis: TensorLike = a.axis ?? batchDims;
  // TF's `params.sparse_read(indices, name=name)` when gathering rows: a resource
  // variable reads them with `ResourceGather` instead of reading itself whole.
  const sparse = axis === 0 ? sparseReader(a.params) : null;
  if (sparse !== null) return sparse.sparseRead(a.indices, a.name);
  return inOpScope(a.name, "GatherV2", [a.params, a.indices, axis], (scope, graph) => {
    const p = convertToTensor(a.params, { name: "params" });
    const i = convertToTensor(a.indices, { name: "indices", preferredDtype: "int32" });
    const ax = convertToTensor(axis, { name: "axis", preferredDtype: "int32" });
    return gatherIn(graph, scope, p, i, ax, batchDims);
  });
});

/** What a resource variable offers for gathering its rows (the class lives above `ops/`). */
interface SparseReader {
  sparseRead(indices: TensorLike, name?: string): Tensor;
}

/** `params` when it is a resource variable (its ref form a `resource` handle), else `null`. */
export function sparseReader(params: unknown): SparseReader | null {
  if (!isTensorConvertible(params) || !("sparseRead" in params)) return null;
  const handle = convertToTensor(params, { asRef: true });
  return handle.dtype === "resource" ? (params as unknown as SparseReader) : null;
}
