/**
 * Argument kinds and helpers shared by the scope, variable and session functions, on top
 * of `graph/call_args.ts`.
 */
import { ValueError } from "../errors.js";
import {
  isPlainObject,
  kind,
  type Kind,
  type OptionsOf,
  type Param,
  type ParamList,
  type ValueOf,
} from "../graph/call_args.js";
import { isTensorConvertible } from "../graph/tensor.js";

/**
 * The argument lists of a function whose last argument is a callback (a Python `with`
 * block): a positional prefix, optionally an options object, then the callback. Unlike
 * `CallArgs`, no `undefined` slot stands between the options and the callback.
 */
export type CallbackArgs<P extends readonly Param[], F> = P extends readonly [
  infer H extends Param,
  ...infer R extends readonly Param[],
]
  ? [F] | [OptionsOf<P>, F] | [ValueOf<H>, ...CallbackArgs<R, F>]
  : [F];

/**
 * Python's "missing 1 required positional argument" for a first parameter that TF requires
 * but allows to be `None` (`name_scope(name, …)`, `variable_scope(name_or_scope, …)`):
 * `null` counts as given, leaving it out does not.
 */
export function requireFirst<P extends readonly Param[]>(
  list: ParamList<P>,
  args: ArrayLike<unknown>,
): void {
  const n = args.length;
  const name = (list.params[0] as Param).name;
  const last = n > 0 ? args[n - 1] : undefined;
  const givenByPosition = n > 1 || (n === 1 && !isPlainObject(args[0]));
  const givenByName = isPlainObject(last) && last[name] !== undefined;
  if (!givenByPosition && !givenByName) {
    throw new TypeError(`${list.fn}() missing 1 required positional argument: '${name}'`);
  }
}

/**
 * Refuses a value for a TF parameter that scopeflow cannot honour (`caching_device`,
 * `use_resource=True`, …): TF's default is accepted, anything else is an error rather
 * than silently ignored.
 */
export function refuseUnsupported(
  fn: string,
  param: string,
  value: unknown,
  why: string,
  shown = typeof value === "string" ? `'${value}'` : String(value),
): void {
  if (value === undefined || value === null) return;
  throw new ValueError(`${fn}() argument '${param}=${shown}' is not supported: ${why}.`);
}

/** Python's `values` argument of scopes: the tensors the block works on. */
export const valuesKind = kind<readonly unknown[]>("a list of Tensors", (v) => Array.isArray(v));

/**
 * A variable initializer: an initializer object, a function, or a value to initialize
 * from (a Tensor, a number, nested arrays).
 */
export const initializerKind = kind<unknown>(
  "an initializer object, a function, or a value (a Tensor, a number, nested arrays)",
  isInitializerLike,
);

function isInitializerLike(value: unknown): boolean {
  switch (typeof value) {
    case "function":
    case "number":
    case "boolean":
    case "string":
      return true;
    case "object":
      if (value === null) return false;
      return (
        Array.isArray(value) ||
        ArrayBuffer.isView(value) ||
        typeof (value as { call?: unknown }).call === "function" ||
        isTensorConvertible(value)
      );
    default:
      return false;
  }
}

/**
 * A value checked by the function itself with TensorFlow's own error (a `reuse` flag, a
 * `collections` list): the parser only places it. Never a plain object, which is the
 * options.
 */
export function checkedLaterKind<T>(expected: string): Kind<T> {
  return kind<T>(expected, () => true);
}

/** TF's `VariableSynchronization` members, as strings; only `AUTO` is supported. */
export const synchronizationKind = kind<"AUTO" | "NONE" | "ON_WRITE" | "ON_READ">(
  "a VariableSynchronization ('AUTO', 'NONE', 'ON_WRITE', 'ON_READ')",
  (v) => v === "AUTO" || v === "NONE" || v === "ON_WRITE" || v === "ON_READ",
);

/** TF's `VariableAggregation` members, as strings; only `NONE` is supported. */
export const aggregationKind = kind<"NONE" | "SUM" | "MEAN" | "ONLY_FIRST_REPLICA">(
  "a VariableAggregation ('NONE', 'SUM', 'MEAN', 'ONLY_FIRST_REPLICA')",
  (v) => v === "NONE" || v === "SUM" || v === "MEAN" || v === "ONLY_FIRST_REPLICA",
);

/** Refuses distribution settings other than TF's defaults (`AUTO`, `NONE`). */
export function refuseDistribution(
  fn: string,
  synchronization: string | undefined,
  aggregation: string | undefined,
): void {
  const why = "scopeflow runs one replica, with no distribution strategy";
  if (synchronization !== "AUTO") refuseUnsupported(fn, "synchronization", synchronization, why);
  if (aggregation !== "NONE") refuseUnsupported(fn, "aggregation", aggregation, why);
}
