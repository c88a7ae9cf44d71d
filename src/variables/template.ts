import { ValueError } from "../errors.js";
import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import { pyList } from "../graph/pyformat.js";
import { captureCallSite, formatDefinitionSite } from "../scope/call_site.js";
import type { CustomGetter } from "../scope/types.js";
import { VariableScope, variableScope } from "../scope/variable_scope.js";
import {
  booleanKind,
  declare,
  defineParams,
  isPlainObject,
  kind,
  opt,
  stringKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { checkedLaterKind, requireFirst } from "../scope/arg_kinds.js";

/**
 * TF 1.15's `make_template(name_, func_, create_scope_now_=False, unique_name_=None,
 * custom_getter_=None, **kwargs)`, the trailing underscores dropped.
 */
const TEMPLATE_PARAMS = [
  opt("name", checkedLaterKind<string>("a str")),
  opt("func", checkedLaterKind<(...args: never[]) => unknown>("a function")),
  opt("createScopeNow", booleanKind),
  opt("uniqueName", stringKind),
  opt(
    "customGetter",
    kind<CustomGetter>("a function", (v) => typeof v === "function"),
  ),
] as const;
const TEMPLATE = defineParams("makeTemplate", TEMPLATE_PARAMS);
const DECLARED = TEMPLATE_PARAMS.map((p) => p.name as string);

/** The parameters after `func`, for the positional call types. */
type TemplateRestParams = readonly [
  (typeof TEMPLATE_PARAMS)[2],
  (typeof TEMPLATE_PARAMS)[3],
  (typeof TEMPLATE_PARAMS)[4],
];

/** The template's own options (`createScopeNow`, `uniqueName`, `customGetter`). */
export type TemplateOptions = Omit<OptionsOf<typeof TEMPLATE_PARAMS>, "name" | "func">;

/**
 * Splits `makeTemplate`'s arguments into its own and Python's `**kwargs` for `func`: the
 * keys of the trailing options object that are not template parameters. A key that is a
 * template parameter in another spelling (`create_scope_now_`, `uniquename`) is refused
 * rather than handed to `func`.
 */
function splitKwargs(args: readonly unknown[]): [unknown[], Record<string, unknown>] {
  const kwargs: Record<string, unknown> = {};
  const last = args[args.length - 1];
  if (args.length === 0 || !isPlainObject(last)) return [args.slice(), kwargs];
  const positional = args.length - 1;
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(last)) {
    const index = DECLARED.indexOf(key);
    // `name` and `func` given by position leave these keys to `func`, as `name_` does.
    if (index >= 0 && index >= positional) own[key] = last[key];
    else if (index >= 0) kwargs[key] = last[key];
    else {
      const folded = key.replace(/_/g, "").toLowerCase();
      const meant = DECLARED.find((d) => d.toLowerCase() === folded);
      if (meant !== undefined) {
        throw new TypeError(
          `makeTemplate() got an unexpected keyword argument '${key}' (did you mean '${meant}'?)`,
        );
      }
      kwargs[key] = last[key];
    }
  }
  return [[...args.slice(0, positional), own], kwargs];
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
 * Wraps `func` so that its first call creates variables (with `getVariable`) in a new
 * variable scope named after `name` (made unique: `name`, `name_1`) and every later call
 * reuses them (`tf.make_template(name_, func_, create_scope_now_, unique_name_,
 * custom_getter_, **kwargs)`). A later call that creates a new trainable variable is an
 * error, as in TensorFlow. Python's `**kwargs` are the keys of the options object that
 * are not the template's own: `func` receives them as a trailing options object after
 * the call's arguments, as a JS function takes keyword arguments.
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
  func: (...args: A) => R,
  ...rest: CallArgs<TemplateRestParams>
): Template<A, R>;
export function makeTemplate<A extends unknown[], K extends Record<string, unknown>, R>(
  name: string,
  func: (...args: [...A, K]) => R,
  options: TemplateOptions & K,
): Template<A, R>;
export function makeTemplate<A extends unknown[], R>(
  options: TemplateOptions & { name: string; func: (...args: A) => R },
): Template<A, R>;
export function makeTemplate<A extends unknown[], R>(...args: unknown[]): Template<A, R> {
  const [ownArgs, kwargs] = splitKwargs(args);
  const a = TEMPLATE.parse(ownArgs);
  requireFirst(TEMPLATE, ownArgs);
  const name: unknown = a.name;
  if (name === undefined) throw new ValueError("name cannot be None.");
  if (typeof name !== "string") throw new TypeError("makeTemplate: name must be a string.");
  if (typeof a.func !== "function") throw new TypeError("makeTemplate: func must be a function.");
  const fn = a.func as unknown as (...args: unknown[]) => R;
  const withKwargs = Object.keys(kwargs).length > 0;
  const definedAt = captureCallSite();
  let scope: VariableScope | null = null;
  let variablesCreated = false;
  const customGetter = a.customGetter ?? null;
  if (a.createScopeNow === true) {
    scope = variableScope(
      a.uniqueName ?? null,
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
    const trainableAtStart = graph.collectionItems(GraphKeys.TRAINABLE_VARIABLES).length;
    const result = withKwargs ? fn(...args, kwargs) : fn(...args);
    if (variablesCreated) {
      const trainable = graph.collectionItems<{ toString(): string }>(
        GraphKeys.TRAINABLE_VARIABLES,
      );
      if (trainable.length !== trainableAtStart) {
        throw new ValueError(
          `Trainable variable created when calling a template after the first time, perhaps you used tf.Variable when you meant tf.get_variable: ${pyList(trainable.slice(trainableAtStart), String)}`,
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
    return variableScope(a.uniqueName ?? null, { defaultName: name, customGetter }, (vs) => {
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
declare(makeTemplate, TEMPLATE);
