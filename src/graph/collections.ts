import { getDefaultGraph } from "./graph.js";

/**
 * The items of a collection of the default graph (`tf.get_collection(key, scope)`), in
 * the order they were added; with `scope`, only items whose `name` starts with it.
 *
 * @example
 * ```ts
 * tf.addToCollection("losses", tf.constant(1));
 * tf.addToCollection("losses", tf.constant(2));
 * const total = tf.addN(tf.getCollection<tf.Tensor>("losses"));
 * using sess = new tf.Session();
 * sess.run(total); // ==> 3.0
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
 * const w = tf.getVariable("w", [2]);
 * tf.addToCollection("losses", tf.multiply(tf.nn.l2Loss(w), 0.004));
 * tf.getCollection<tf.Tensor>("losses")[0].name; // ==> Mul:0
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
 * const h = tf.nn.relu(tf.constant([1, -1]));
 * tf.addToCollections(["activations", "summaries"], h);
 * tf.getCollection("summaries").length; // ==> 1
 * ```
 */
export function addToCollections(keys: Iterable<string>, value: unknown): void {
  getDefaultGraph().addToCollections(keys, value);
}
