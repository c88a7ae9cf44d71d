import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import { group, noOp } from "../ops/control/group.js";
import { Variable } from "./variable.js";
import { kind, opt, req, stringKind, tfFunction } from "../graph/call_args.js";

/** TF's `scope=None` of the collection getters: a regex matched at the start of names. */
const SCOPE_PARAMS = [opt("scope", stringKind)] as const;

/** A list of variables (`var_list`). */
export const variableListKind = kind<readonly Variable[]>(
  "a list of Variables",
  (v) => Array.isArray(v) && v.every((x) => x instanceof Variable),
);

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
export const globalVariables = tfFunction("globalVariables", SCOPE_PARAMS, (a): Variable[] =>
  getDefaultGraph().collectionItems<Variable>(GraphKeys.GLOBAL_VARIABLES, a.scope),
);

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
export const trainableVariables = tfFunction("trainableVariables", SCOPE_PARAMS, (a): Variable[] =>
  getDefaultGraph().collectionItems<Variable>(GraphKeys.TRAINABLE_VARIABLES, a.scope),
);

/**
 * Local variables (`tf.local_variables(scope)`).
 *
 * @example
 * ```ts
 * tf.getLocalVariable("count", [], { dtype: tf.int32 });
 * tf.localVariables().map((v) => v.name).join(", "); // ==> count:0
 * ```
 */
export const localVariables = tfFunction("localVariables", SCOPE_PARAMS, (a): Variable[] =>
  getDefaultGraph().collectionItems<Variable>(GraphKeys.LOCAL_VARIABLES, a.scope),
);

/**
 * Model variables (`tf.model_variables(scope)`).
 *
 * @example
 * ```ts
 * tf.modelVariables().length; // ==> 0
 * ```
 */
export const modelVariables = tfFunction("modelVariables", SCOPE_PARAMS, (a): Variable[] =>
  getDefaultGraph().collectionItems<Variable>(GraphKeys.MODEL_VARIABLES, a.scope),
);

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
export const variablesInitializer = tfFunction(
  "variablesInitializer",
  [req("varList", variableListKind), opt("name", stringKind)] as const,
  (a): Operation => {
    const name = a.name ?? "init";
    if (a.varList.length > 0)
      return group(
        a.varList.map((v) => v.initializer),
        { name },
      );
    return noOp({ name });
  },
);

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
export const globalVariablesInitializer = tfFunction(
  "globalVariablesInitializer",
  [] as const,
  (): Operation => variablesInitializer(globalVariables()),
);

/**
 * TF 1.15's deprecated `tf.initialize_all_variables()`: the same op as
 * {@link globalVariablesInitializer} (`init`).
 *
 * @deprecated Use `tf.globalVariablesInitializer()` (deprecated in TF since 2017-03-02).
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
 * const init = tf.initializeAllVariables();
 * init.name; // ==> init
 * using sess = new tf.Session();
 * sess.run(init);
 * sess.run(w); // ==> [1. 1.]
 * ```
 */
export const initializeAllVariables = tfFunction(
  "initializeAllVariables",
  [] as const,
  (): Operation => globalVariablesInitializer(),
);

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
export const localVariablesInitializer = tfFunction(
  "localVariablesInitializer",
  [] as const,
  (): Operation => variablesInitializer(localVariables()),
);
