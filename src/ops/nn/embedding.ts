import { ValueError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor, TensorConvertible, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { cast } from "../array/cast.js";
import { concat } from "../array/concat.js";
import { constant } from "../array/constant.js";
import { dynamicPartition, parallelDynamicStitch } from "../array/dynamic_partition.js";
import { gather, gatherIn, sparseReader } from "../array/gather.js";
import { reshape } from "../array/reshape.js";
import { rank, shape, size } from "../array/shape.js";
import { stack } from "../array/stack.js";
import { where } from "../array/where.js";
import { convertToTensor } from "../convert.js";
import { binaryOpIn, less, maximum } from "../math/binary.js";
import { clipByNormOps } from "../math/clip_norm.js";
import { pythonOperator } from "../math/operators.js";
import { range } from "../math/range.js";
import { reduceSum } from "../math/reduce.js";
import { identity } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import {
  booleanKind,
  eitherKind,
  numberKind,
  oneOfKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tensorListKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";

/**
 * TF 1.15's `embedding_lookup(params, ids, partition_strategy="mod", name=None,
 * validate_indices=True, max_norm=None)`. `validateIndices` is deprecated and unused in
 * TensorFlow 1.15.
 */
const EMBEDDING_LOOKUP_PARAMS = [
  req("params", eitherKind(tensorKind, tensorListKind)),
  req("ids", tensorKind),
  opt("partitionStrategy", oneOfKind("mod", "div")),
  opt("name", stringKind),
  opt("validateIndices", booleanKind),
  opt("maxNorm", numberKind),
] as const;

/** The options object of {@link embeddingLookup}. */
export type EmbeddingLookupOptions = OptionsOf<typeof EMBEDDING_LOOKUP_PARAMS>;

/**
 * Looks up rows of `params` at `ids` (`tf.nn.embedding_lookup`). With one tensor or
 * variable (or a list of one): under `embedding_lookup/`, a `GatherV2` named
 * `embedding_lookup` and, as the result, its `Identity`. With a list of shards, the ids
 * are assigned to shards by `partitionStrategy`: `"mod"` (id `i` is row `i // n` of shard
 * `i % n`) or `"div"` (contiguous ranges, the first `total % n` shards one row longer);
 * `DynamicPartition` splits the ids, one `GatherV2` per shard looks them up, and a
 * `ParallelDynamicStitch` named `embedding_lookup` puts the rows back in order. With
 * `maxNorm`, each looked-up embedding whose L2 norm exceeds it is scaled down to it
 * (`clip_by_norm`).
 *
 * @example
 * ```ts
 * const table = tf.constant([[0, 0], [1, 1], [2, 2]]);
 * const vectors = tf.nn.embeddingLookup(table, [[2, 0]]);
 * vectors.shape.toString(); // ==> (1, 2, 2)
 * using sess = new tf.Session();
 * sess.run(vectors); // ==> [[[2. 2.]
 *                    //       [0. 0.]]]
 * const shards = [tf.constant([[0], [2], [4]]), tf.constant([[1], [3]])];
 * sess.run(tf.nn.embeddingLookup(shards, [3, 4, 0])); // ==> [[3.]
 *                                                     //      [4.]
 *                                                     //      [0.]]
 * sess.run(tf.nn.embeddingLookup(shards, [3, 4, 0], "div")); // ==> [[1.]
 *                                                            //      [3.]
 *                                                            //      [0.]]
 * ```
 */
export const embeddingLookup = tfFunction("nn.embeddingLookup", EMBEDDING_LOOKUP_PARAMS, (a) =>
  embeddingLookupOp(a.params, a.ids, a.partitionStrategy ?? "mod", a.maxNorm, a.name),
);

/** Python's `x // y` on tensors (op `FloorDiv` named `floordiv`). */
function floordiv(x: Tensor, y: TensorLike): Tensor {
  return inOpScope(undefined, "floordiv", [x, y], (scope, graph) =>
    binaryOpIn(scope, graph, "FloorDiv", x, convertToTensor(y, { name: "y", dtype: x.dtype })),
  );
}

/**
 * `_clip(params, ids, max_norm)`: `clip_by_norm` over the embedding dims, given as a list
 * when both ranks are known (and non-zero, as TF's truth test has it), else as a `range`
 * of `Rank` ops.
 */
function clip(params: Tensor, ids: Tensor, maxNorm: number | undefined): Tensor {
  if (maxNorm === undefined) return params;
  const rankOf = (x: Tensor): [number | Tensor, boolean] => {
    const r = x.shape.rank;
    return r ? [r, true] : [rank(x), false];
  };
  const [idsRank, idsStatic] = rankOf(ids);
  const [paramsRank, paramsStatic] = rankOf(params);
  const axes =
    idsStatic && paramsStatic
      ? Array.from(
          { length: Math.max(0, (paramsRank as number) - (idsRank as number)) },
          (_, i) => (idsRank as number) + i,
        )
      : range(idsRank, paramsRank);
  return clipByNormOps(params, maxNorm, axes, undefined);
}

function embeddingLookupOp(
  params: TensorLike | readonly TensorLike[],
  ids: TensorLike,
  strategy: "mod" | "div",
  maxNorm: number | undefined,
  name: string | undefined,
): Tensor {
  const list = Array.isArray(params) ? (params as readonly TensorLike[]) : [params as TensorLike];
  if (list.length === 0) throw new ValueError("Need at least one param");
  return inOpScope(name, "embedding_lookup", [...list, ids], (scope) => {
    // TF keeps resource variables as they are, "to avoid accidental dense reads": their
    // rows are read by `ResourceGather` (`sparse_read`).
    const resources = list.map((p) => sparseReader(p));
    if (resources.some((r) => r !== null)) {
      const i = convertToTensor(ids, { name: "ids", preferredDtype: "int32" });
      if (list.length === 1) {
        const rows = (resources[0] as NonNullable<(typeof resources)[0]>).sparseRead(i, scope);
        return identity(clip(rows, i, maxNorm));
      }
      const shards = list.map((p, k): Shard =>
        resources[k] !== null ? (p as Shard) : convertToTensor(p, { name: `params_${k}` }),
      );
      return partitionedLookup(scope, shards, i, strategy, maxNorm);
    }
    const ps = list.map((p, i) => convertToTensor(p, { name: `params_${i}` }));
    const i = convertToTensor(ids, { name: "ids", preferredDtype: "int32" });
    if (ps.length === 1) {
      const p = ps[0] as Tensor;
      // `array_ops.gather(params, ids, name=scope)`: the gather takes the scope's own name.
      const result = inOpScope(scope, "GatherV2", [p, i], (s, g) =>
        gatherIn(g, s, p, i, convertToTensor(0, { name: "axis", dtype: "int32" }), 0),
      );
      return identity(clip(result, i, maxNorm));
    }
    return partitionedLookup(scope, ps, i, strategy, maxNorm);
  });
}

/** A shard of the table: a tensor, or a resource variable (whose rows are gathered). */
type Shard = Tensor | (TensorConvertible & { readonly shape: TensorShape });

/** The several-shard branch of `_embedding_lookup_and_transform` (no `transform_fn`). */
function partitionedLookup(
  scope: string,
  params: readonly Shard[],
  ids: Tensor,
  strategy: "mod" | "div",
  maxNorm: number | undefined,
): Tensor {
  const np = params.length;
  const flatIds = reshape(ids, [-1]);
  const originalIndices = range(size(flatIds));
  let pAssignments: Tensor;
  let newIds: Tensor;
  if (strategy === "mod") {
    pAssignments = pythonOperator("mod", flatIds, np);
    newIds = floordiv(flatIds, np);
  } else {
    const dims = params.map((p) => (p.shape.dims === null ? null : (p.shape.dims[0] ?? null)));
    let numTotalIds: Tensor;
    if (dims.every((d) => d !== null)) {
      const total = (dims as number[]).reduce((x, y) => x + y, 0);
      numTotalIds = constant(total, { dtype: flatIds.dtype });
    } else {
      const sizes = params.map((p, k) => dims[k] ?? shape(p).get(0));
      numTotalIds = reduceSum(cast(stack(sizes), flatIds.dtype as DType));
    }
    const idsPerPartition = floordiv(numTotalIds, np);
    const extras = pythonOperator("mod", numTotalIds, np);
    pAssignments = maximum(
      floordiv(flatIds, pythonOperator("add", idsPerPartition, 1)),
      floordiv(pythonOperator("sub", flatIds, extras), idsPerPartition),
    );
    newIds = where(
      less(pAssignments, extras),
      pythonOperator("mod", flatIds, pythonOperator("add", idsPerPartition, 1)),
      pythonOperator("mod", pythonOperator("sub", flatIds, extras), idsPerPartition),
    );
  }
  pAssignments = cast(pAssignments, "int32");
  const gatherIds = dynamicPartition(newIds, pAssignments, np);
  const pIndices = dynamicPartition(originalIndices, pAssignments, np);
  const partitioned = params.map((p, k) => gather(p, gatherIds[k] as Tensor));
  let ret = parallelDynamicStitch(pIndices, partitioned, scope);

  let elementShapeS =
    (params[0] as Tensor).shape.dims === null
      ? TensorShape.unknown()
      : new TensorShape(((params[0] as Tensor).shape.dims as (number | null)[]).slice(1));
  for (const p of params.slice(1)) {
    const tail =
      p.shape.dims === null ? TensorShape.unknown() : new TensorShape(p.shape.dims.slice(1));
    elementShapeS = elementShapeS.mergeWith(tail);
  }
  const elementShapeD: TensorLike = elementShapeS.isFullyDefined()
    ? (elementShapeS.asList() as number[])
    : shape(params[0] as Tensor).get("1:");
  ret = reshape(ret, concat([shape(ids), elementShapeD], 0));
  const idDims = ids.shape.dims;
  const elementDims = elementShapeS.dims;
  if (idDims !== null && elementDims !== null) {
    ret.setShape(new TensorShape([...idDims, ...elementDims]));
  }
  return clip(ret, ids, maxNorm);
}
