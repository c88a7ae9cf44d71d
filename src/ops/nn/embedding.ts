import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { gatherIn } from "../array/gather.js";
import { convertToTensor } from "../convert.js";
import { identity } from "../math/unary.js";
import { inOpScope, type NameOption } from "../op_scope.js";

/** Options of {@link embeddingLookup}. */
export interface EmbeddingLookupOptions extends NameOption {
  /** Only `"mod"` (the default) is accepted; partitioned params are not supported. */
  partitionStrategy?: "mod" | "div";
  /** Not supported (TensorFlow clips each embedding to this L2 norm). */
  maxNorm?: number | null;
}

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
export function embeddingLookup(
  params: TensorLike | readonly TensorLike[],
  ids: TensorLike,
  options: EmbeddingLookupOptions = {},
): Tensor {
  const list = Array.isArray(params) ? (params as readonly TensorLike[]) : [params as TensorLike];
  if (list.length === 0) throw new ValueError("Need at least one param");
  if (list.length > 1) {
    throw new ValueError(
      "embeddingLookup: partitioned params (a list of more than one tensor) are not supported.",
    );
  }
  if (options.maxNorm !== undefined && options.maxNorm !== null) {
    throw new ValueError("embeddingLookup: maxNorm is not supported.");
  }
  return inOpScope(options.name, "embedding_lookup", [...list, ids], (scope) => {
    const p = convertToTensor(list[0], { name: "params_0" });
    const i = convertToTensor(ids, { name: "ids", preferredDtype: "int32" });
    // `array_ops.gather(params, ids, name=scope)`: the gather takes the scope's own name.
    const result = inOpScope(scope, "GatherV2", [p, i], (s, g) =>
      gatherIn(g, s, p, i, convertToTensor(0, { name: "axis", dtype: "int32" }), 0),
    );
    return identity(result);
  });
}
