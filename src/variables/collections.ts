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
 * tf.globalVariables().map(String);
 * // ["<tf.Variable 'test/weight_1:0' shape=(2,) dtype=float32_ref>", ...]
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
 * tf.trainableVariables("discriminator");
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
 * tf.localVariables();
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
 * tf.modelVariables();
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
 * sess.run(tf.variablesInitializer([w, b]));
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
 * sess.run(tf.globalVariablesInitializer());
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
 * sess.run(tf.localVariablesInitializer());
 * ```
 */
export function localVariablesInitializer(): Operation {
  return variablesInitializer(localVariables());
}
