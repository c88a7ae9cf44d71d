import { ValueError } from "../errors.js";
import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import { captureCallSite, formatDefinitionSite } from "../scope/call_site.js";
import type { CustomGetter } from "../scope/types.js";
import { VariableScope, variableScope } from "../scope/variable_scope.js";

/** Options of {@link makeTemplate}. */
export interface TemplateOptions {
  /** Open the template's variable scope now rather than at the first call. */
  createScopeNow?: boolean;
  /** Use this exact scope name instead of a uniquified `name`. */
  uniqueName?: string;
  customGetter?: CustomGetter | null;
}

/** A function wrapped by {@link makeTemplate}, with the scope it owns. */
export interface Template<A extends unknown[], R> {
  (...args: A): R;
  /** The template's variable scope (`null` until the first call unless `createScopeNow`). */
  readonly variableScope: VariableScope | null;
  /** The scope's name, or `null` before it exists. */
  readonly variableScopeName: string | null;
}

/**
 * Wraps `fn` so that its first call creates variables (with `getVariable`) in a new
 * variable scope named after `name` (made unique: `name`, `name_1`) and every later call
 * reuses them (`tf.make_template`). A later call that creates a new trainable variable
 * is an error, as in TensorFlow.
 *
 * @example
 * ```ts
 * const dense = tf.makeTemplate("dense", (x: tf.Tensor) =>
 *   tf.matmul(x, tf.getVariable("w", [4, 2])),
 * );
 * dense(tf.ones([1, 4])); // creates dense/w
 * dense(tf.ones([3, 4])); // reuses dense/w
 * tf.globalVariables().map((v) => v.name).join(", "); // ==> dense/w:0
 * ```
 */
export function makeTemplate<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
  options: TemplateOptions = {},
): Template<A, R> {
  if (name === null || name === undefined) throw new ValueError("name cannot be None.");
  if (typeof name !== "string") throw new TypeError("makeTemplate: name must be a string.");
  if (typeof fn !== "function") throw new TypeError("makeTemplate: fn must be a function.");
  const definedAt = captureCallSite();
  let scope: VariableScope | null = null;
  let variablesCreated = false;
  const customGetter = options.customGetter ?? null;
  if (options.createScopeNow) {
    scope = variableScope(
      options.uniqueName ?? null,
      { defaultName: name, customGetter, auxiliaryNameScope: false },
      (vs) => vs,
    );
  }

  const callFunction = (args: A): R => {
    try {
      return callChecked(args);
    } catch (e) {
      // As TensorFlow's Template does, say where the template was made.
      if (e instanceof Error) {
        e.message = `${e.message}\n\noriginally defined at:\n${formatDefinitionSite(definedAt, captureCallSite())}`;
      }
      throw e;
    }
  };

  const callChecked = (args: A): R => {
    const graph = getDefaultGraph();
    const trainableAtStart = graph.getCollection(GraphKeys.TRAINABLE_VARIABLES).length;
    const result = fn(...args);
    if (variablesCreated) {
      const trainable = graph.getCollection<{ toString(): string }>(GraphKeys.TRAINABLE_VARIABLES);
      if (trainable.length !== trainableAtStart) {
        throw new ValueError(
          `Trainable variable created when calling a template after the first time, perhaps you used tf.Variable when you meant tf.get_variable: [${trainable.slice(trainableAtStart).map(String).join(", ")}]`,
        );
      }
    } else {
      variablesCreated = true;
    }
    return result;
  };

  const template = (...args: A): R => {
    if (scope !== null) {
      return variableScope(scope, { reuse: variablesCreated ? true : null }, () =>
        callFunction(args),
      );
    }
    return variableScope(options.uniqueName ?? null, { defaultName: name, customGetter }, (vs) => {
      scope = vs;
      return callFunction(args);
    });
  };
  Object.defineProperty(template, "variableScope", { get: () => scope });
  Object.defineProperty(template, "variableScopeName", {
    get: () => (scope === null ? null : scope.name),
  });
  return template as Template<A, R>;
}
