import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { gatherIn } from "../array/gather.js";
import { convertToTensor } from "../convert.js";
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
 * TF 1.15's `embedding_lookup(params, ids, partition_strategy, name, validate_indices,
 * max_norm)`. With one params tensor both partition strategies look up the same rows;
 * `validateIndices` is deprecated and unused in TensorFlow 1.15; `maxNorm` (clipping each
 * embedding to an L2 norm) is not supported and refused.
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
 * Looks up rows of `params` at `ids` (`tf.nn.embedding_lookup`): under
 * `embedding_lookup/`, a `GatherV2` named `embedding_lookup` and, as the result, its
 * `Identity` (`embedding_lookup/Identity`). `params` is one tensor or variable (or a list
 * of exactly one).
 *
 * @example
 * ```ts
 * const table = tf.constant([[0, 0], [1, 1], [2, 2]]);
 * const vectors = tf.nn.embeddingLookup(table, [[2, 0]]);
 * vectors.shape.toString(); // ==> (1, 2, 2)
 * using sess = new tf.Session();
 * sess.run(vectors); // ==> [[[2. 2.]
 *                    //       [0. 0.]]]
 * ```
 */
export const embeddingLookup = tfFunction("nn.embeddingLookup", EMBEDDING_LOOKUP_PARAMS, (a) =>
  embeddingLookupOp(a.params, a.ids, a.maxNorm, a.name),
);

function embeddingLookupOp(
  params: TensorLike | readonly TensorLike[],
  ids: TensorLike,
  maxNorm: number | undefined,
  name: string | undefined,
): Tensor {
  const list = Array.isArray(params) ? (params as readonly TensorLike[]) : [params as TensorLike];
  if (list.length === 0) throw new ValueError("Need at least one param");
  if (list.length > 1) {
    throw new ValueError(
      "embeddingLookup: partitioned params (a list of more than one tensor) are not supported.",
    );
  }
  if (maxNorm !== undefined) {
    throw new ValueError("embeddingLookup: maxNorm is not supported.");
  }
  return inOpScope(name, "embedding_lookup", [...list, ids], (scope) => {
    const p = convertToTensor(list[0], { name: "params_0" });
    const i = convertToTensor(ids, { name: "ids", preferredDtype: "int32" });
    // `array_ops.gather(params, ids, name=scope)`: the gather takes the scope's own name.
    const result = inOpScope(scope, "GatherV2", [p, i], (s, g) =>
      gatherIn(g, s, p, i, convertToTensor(0, { name: "axis", dtype: "int32" }), 0),
    );
    return identity(result);
  });
}
