import { ValueError } from "../errors.js";
import { getDefaultGraph, Graph, GraphKeys } from "../graph/graph.js";
import { kind, opt, tfFunction } from "../graph/call_args.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { getVariable } from "../variables/get_variable.js";
import type { Variable } from "../variables/variable.js";

/** TF 1.15's `(graph=None)` of the global step functions: the default graph when not given. */
const GRAPH_PARAMS = [
  opt(
    "graph",
    kind<Graph>("a Graph", (v) => v instanceof Graph),
  ),
] as const;

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
export const getGlobalStep = tfFunction("train.getGlobalStep", GRAPH_PARAMS, (a) =>
  globalStepOf(a.graph ?? getDefaultGraph()),
);

function globalStepOf(graph: Graph): Variable | null {
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
export const createGlobalStep = tfFunction("train.createGlobalStep", GRAPH_PARAMS, (a) =>
  createIn(a.graph ?? getDefaultGraph()),
);

function createIn(graph: Graph): Variable {
  if (globalStepOf(graph) !== null) throw new ValueError('"global_step" already exists.');
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
export const getOrCreateGlobalStep = tfFunction(
  "train.getOrCreateGlobalStep",
  GRAPH_PARAMS,
  (a) => {
    const graph = a.graph ?? getDefaultGraph();
    return globalStepOf(graph) ?? createIn(graph);
  },
);
