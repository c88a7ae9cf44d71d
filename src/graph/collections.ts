import { getDefaultGraph } from "./graph.js";

/**
 * The items of a collection of the default graph (`tf.get_collection(key, scope)`), in
 * the order they were added; with `scope`, only items whose `name` starts with it.
 *
 * @example
 * ```ts
 * tf.addToCollection("losses", weightDecay);
 * const total = tf.addN(tf.getCollection<tf.Tensor>("losses"));
 * ```
 */
export function getCollection<T = unknown>(key: string, scope?: string | null): T[] {
  return getDefaultGraph().getCollection<T>(key, scope);
}

/**
 * Adds `value` to a collection of the default graph (`tf.add_to_collection`).
 *
 * @example
 * ```ts
 * tf.addToCollection("losses", tf.multiply(tf.nn.l2Loss(w), 0.004));
 * ```
 */
export function addToCollection(key: string, value: unknown): void {
  getDefaultGraph().addToCollection(key, value);
}

/**
 * Adds `value` to each of several collections of the default graph
 * (`tf.add_to_collections`).
 *
 * @example
 * ```ts
 * tf.addToCollections(["activations", "summaries"], h);
 * ```
 */
export function addToCollections(keys: Iterable<string>, value: unknown): void {
  getDefaultGraph().addToCollections(keys, value);
}
