import { getDefaultGraph } from "../../graph/graph.js";

const DEFAULT_GRAPH_SEED = 87654321;

/**
 * The (graph seed, op seed) pair of a new random op (`random_seed.get_seed`): with a graph
 * seed and no op seed, the op's id serves, so every op gets its own repeatable stream.
 * `[null, null]` means non-repeatable.
 */
export function getSeed(opSeed: number | null | undefined): [number | null, number | null] {
  const graph = getDefaultGraph();
  const graphSeed = graph.seed;
  if (graphSeed !== null) {
    return [graphSeed, opSeed ?? graph.lastId];
  }
  if (opSeed !== null && opSeed !== undefined) return [DEFAULT_GRAPH_SEED, opSeed];
  return [null, null];
}

/**
 * Sets the graph-level random seed of the default graph (`tf.set_random_seed`): random
 * ops and initializers created afterwards give the same values in every new session.
 *
 * @example
 * ```ts
 * tf.setRandomSeed(42);
 * const r = tf.randomNormal([2]);
 * const first = (() => { using s = new tf.Session(); return String(s.run(r)); })();
 * using sess = new tf.Session();
 * String(sess.run(r)) === first; // ==> true
 * ```
 */
export function setRandomSeed(seed: number | null): void {
  if (seed !== null && !Number.isInteger(seed))
    throw new TypeError("The seed must be an integer or null.");
  getDefaultGraph().seed = seed;
}
