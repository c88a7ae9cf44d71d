import { declare, defineParams, intKind, opt, type CallArgs } from "../../graph/call_args.js";
import { getDefaultGraph } from "../../graph/graph.js";

const DEFAULT_GRAPH_SEED = 87654321;
const MAXINT32 = 2 ** 31 - 1;

/** `_truncate_seed`: Python's `seed % (2**31 - 1)`, never negative. */
function truncateSeed(seed: number): number {
  return ((seed % MAXINT32) + MAXINT32) % MAXINT32;
}

/**
 * The (graph seed, op seed) pair of a new random op (`random_seed.get_seed`): with a graph
 * seed and no op seed, the id of the graph's last op serves, so every op gets its own
 * repeatable stream; both are taken modulo 2³¹−1. `[null, null]` means non-repeatable.
 */
export function getSeed(opSeed: number | null | undefined): [number | null, number | null] {
  const graph = getDefaultGraph();
  const graphSeed = graph.seed;
  let seeds: [number, number];
  if (graphSeed !== null) {
    seeds = [truncateSeed(graphSeed), truncateSeed(opSeed ?? graph.lastId)];
  } else if (opSeed !== null && opSeed !== undefined) {
    seeds = [DEFAULT_GRAPH_SEED, truncateSeed(opSeed)];
  } else {
    return [null, null];
  }
  // The kernels read (0, 0) as "unseeded", which a set seed must not mean.
  return seeds[0] === 0 && seeds[1] === 0 ? [0, MAXINT32] : seeds;
}

/** TF 1.15's `set_random_seed(seed)`: `seed` is required, and may be `null`. */
const SET_SEED = defineParams("setRandomSeed", [opt("seed", intKind)] as const);

/**
 * Sets the graph-level random seed of the default graph (`tf.set_random_seed(seed)`):
 * random ops and initializers created afterwards give the same values in every new
 * session; `null` removes it.
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
export const setRandomSeed = declare((...args: CallArgs<typeof SET_SEED.params>): void => {
  // The parsed value cannot tell a missing seed from `null`, which TF allows.
  if (args.length === 0) {
    throw new TypeError("setRandomSeed() missing 1 required positional argument: 'seed'");
  }
  getDefaultGraph().seed = SET_SEED.parse(args).seed ?? null;
}, SET_SEED);
