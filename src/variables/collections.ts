import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import { group, noOp } from "../ops/control/group.js";
import type { Variable } from "./variable.js";

/**
 * Global variables (`tf.global_variables(scope)`), in creation order; `scope` keeps those
 * whose name matches it at the start (a regex: `"foo"` also matches `foo_bar/…`).
 *
 * @example
 * ```ts
 * tf.variableScope("test", () => tf.getVariable("weight_1", [2]));
 * tf.globalVariables().map(String).join(", "); // ==> <tf.Variable 'test/weight_1:0' shape=(2,) dtype=float32_ref>
 * ```
 */
export function globalVariables(scope?: string | null): Variable[] {
  return getDefaultGraph().getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES, scope);
}

/**
 * Trainable variables (`tf.trainable_variables(scope)`).
 *
 * @example
 * ```ts
 * tf.variableScope("discriminator", () => tf.getVariable("w", [2]));
 * tf.variableScope("generator", () => tf.getVariable("w", [2]));
 * tf.trainableVariables("discriminator").map((v) => v.name).join(", "); // ==> discriminator/w:0
 * ```
 */
export function trainableVariables(scope?: string | null): Variable[] {
  return getDefaultGraph().getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES, scope);
}

/**
 * Local variables (`tf.local_variables(scope)`).
 *
 * @example
 * ```ts
 * tf.getLocalVariable("count", [], { dtype: tf.int32 });
 * tf.localVariables().map((v) => v.name).join(", "); // ==> count:0
 * ```
 */
export function localVariables(scope?: string | null): Variable[] {
  return getDefaultGraph().getCollection<Variable>(GraphKeys.LOCAL_VARIABLES, scope);
}

/**
 * Model variables (`tf.model_variables(scope)`).
 *
 * @example
 * ```ts
 * tf.modelVariables().length; // ==> 0
 * ```
 */
export function modelVariables(scope?: string | null): Variable[] {
  return getDefaultGraph().getCollection<Variable>(GraphKeys.MODEL_VARIABLES, scope);
}

/**
 * One op that runs the initializers of `varList` (`tf.variables_initializer`), a `NoOp`
 * named `init` by default.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
 * const b = tf.getVariable("b", [2], { initializer: tf.zerosInitializer() });
 * using sess = new tf.Session();
 * sess.run(tf.variablesInitializer([w, b]));
 * sess.run(w); // ==> [1. 1.]
 * ```
 */
export function variablesInitializer(
  varList: readonly Variable[],
  options: { name?: string } = {},
): Operation {
  const name = options.name ?? "init";
  if (varList.length > 0)
    return group(
      varList.map((v) => v.initializer),
      { name },
    );
  return noOp({ name });
}

/**
 * Initializes every global variable (`tf.global_variables_initializer()`), op `init`.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(w); // ==> [1. 1.]
 * ```
 */
export function globalVariablesInitializer(): Operation {
  return variablesInitializer(globalVariables());
}

/**
 * Initializes every local variable (`tf.local_variables_initializer()`), op `init_1`
 * after an `init`.
 *
 * @example
 * ```ts
 * const count = tf.getLocalVariable("count", [], { dtype: tf.int32 });
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(count); // ==> 0
 * ```
 */
export function localVariablesInitializer(): Operation {
  return variablesInitializer(localVariables());
}
