import { ValueError } from "../errors.js";
import { getDefaultGraph, GraphKeys, type Graph } from "../graph/graph.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { getVariable } from "../variables/get_variable.js";
import type { Variable } from "../variables/variable.js";

/**
 * The graph's global step variable, or `null` (`tf.train.get_global_step`).
 *
 * @example
 * ```ts
 * tf.train.getGlobalStep(); // ==> null
 * tf.train.createGlobalStep();
 * tf.train.getGlobalStep()?.name; // ==> global_step:0
 * ```
 */
export function getGlobalStep(graph: Graph = getDefaultGraph()): Variable | null {
  const found = graph.getCollection<Variable>(GraphKeys.GLOBAL_STEP);
  if (found.length === 1) return found[0] as Variable;
  if (found.length > 1) throw new ValueError("Multiple tensors in global_step collection.");
  return null;
}

/**
 * Creates the int64 scalar `global_step` variable, in `GLOBAL_VARIABLES` and `GLOBAL_STEP`,
 * not trainable (`tf.train.create_global_step`).
 *
 * @example
 * ```ts
 * const step = tf.train.createGlobalStep();
 * step.name; // ==> global_step:0
 * ```
 */
export function createGlobalStep(graph: Graph = getDefaultGraph()): Variable {
  if (getGlobalStep(graph) !== null) throw new ValueError('"global_step" already exists.');
  return graph.asDefault(() =>
    graph.initScope(() =>
      getVariable("global_step", [], {
        dtype: "int64",
        initializer: zerosInitializer(),
        trainable: false,
        collections: [GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
      }),
    ),
  );
}

/**
 * The global step, created if missing (`tf.train.get_or_create_global_step`).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.onesInitializer() });
 * const step = tf.train.getOrCreateGlobalStep();
 * const train = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w), { globalStep: step });
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(train);
 * sess.run(step); // ==> 1
 * ```
 */
export function getOrCreateGlobalStep(graph: Graph = getDefaultGraph()): Variable {
  return getGlobalStep(graph) ?? createGlobalStep(graph);
}
