/**
 * TensorFlow's calling convention, declared once per function: every public function takes
 * TF 1.15's parameters in TF's order, positionally, and any of them by name in one trailing
 * options object. A declaration (`defineParams`) drives three things: the run-time parsing
 * of `arguments`, the run-time checks (users run ported code with tsx or plain JS, so the
 * type checker is not there to catch `tf.argmax(x, "1")` or `{ stdev: 0 }`), and the
 * TypeScript call types (`CallArgs`).
 *
 * What TF refuses is refused, with Python's wording where Python has one: an unknown key is
 * `TypeError: argmax() got an unexpected keyword argument 'output_type' (did you mean
 * 'outputType'?)`; a parameter given twice is `got multiple values for argument`; a missing
 * one is `missing 1 required positional argument`.
 */
import { ValueError } from "../errors.js";
import { isDType, type DType } from "./dtypes.js";
import { isTensorConvertible, Tensor, type TensorConvertible, type TensorLike } from "./tensor.js";
import { TensorShape, type ShapeLike } from "./tensor_shape.js";

/** A kind of argument value: a run-time check and the TypeScript type it admits. */
export interface Kind<T> {
  /** What the value must be, for error messages: "an integer", "a dtype". */
  readonly expected: string;
  readonly check: (value: unknown) => boolean;
  /**
   * True when a plain object is a valid value, so it is never taken for the options; or a
   * test of the object, for kinds where both occur in the last position (an RNN state
   * `{ c, h }` where the options `{ dtype }` may stand).
   */
  readonly takesPlainObjects: boolean | ((value: Record<string, unknown>) => boolean);
  /** Phantom: the TypeScript type of accepted values. */
  readonly __type?: T;
}

/** Makes a kind from a predicate. */
export function kind<T>(
  expected: string,
  check: (value: unknown) => boolean,
  takesPlainObjects: boolean | ((value: Record<string, unknown>) => boolean) = false,
): Kind<T> {
  return { expected, check, takesPlainObjects };
}

/** One declared parameter: its camelCase name, kind, and whether TF requires it. */
export interface Param<N extends string = string, T = unknown, R extends boolean = boolean> {
  readonly name: N;
  readonly kind: Kind<T>;
  readonly required: R;
  /** A deprecated spelling that TF still accepts for another parameter (`dim` for `axis`). */
  readonly aliasOf?: string;
  /** The alias is TF's newer spelling (`filters` for conv2d's `filter`), not the older one. */
  readonly aliasIsNewer?: boolean;
  /** `null` (Python's `None`) is a value here, not "left out": the parse keeps it. */
  readonly keepsNull?: boolean;
}

/** A required parameter. */
export function req<N extends string, T>(name: N, k: Kind<T>): Param<N, T, true> {
  return { name, kind: k, required: true };
}

/** An optional parameter (TF's `param=default`; `null` and `undefined` mean "not given"). */
export function opt<N extends string, T>(name: N, k: Kind<T>): Param<N, T, false> {
  return { name, kind: k, required: false };
}

/**
 * An optional parameter whose `None` is not its default, so `null` stays `null` in the
 * parsed arguments while leaving it out gives `undefined`: `loss_collection=None` adds a
 * loss to no collection, `bias_initializer=None` is the variable scope's initializer.
 */
export function optNullable<N extends string, T>(name: N, k: Kind<T>): Param<N, T | null, false> {
  return { name, kind: k, required: false, keepsNull: true };
}

/**
 * A deprecated parameter TF 1.15 still takes in its signature, meaning `target`
 * (`reduction_indices` for `axis`, `keep_dims` for `keepdims`, `dim` for `axis`).
 */
export function alias<N extends string, T>(
  name: N,
  target: string,
  k: Kind<T>,
  newer = false,
): Param<N, T, false> {
  return { name, kind: k, required: false, aliasOf: target, aliasIsNewer: newer };
}

type AnyParams = readonly Param[];

/** The value type a parameter admits. */
export type ValueOf<P> =
  P extends Param<string, infer T, infer R> ? (R extends true ? T : T | null | undefined) : never;

type RequiredNames<P extends AnyParams> = {
  [I in keyof P]: P[I] extends Param<infer N, unknown, true> ? N : never;
}[number];

/** The options object of a call: parameters by name; required ones that were not given. */
export type OptionsOf<P extends AnyParams> = {
  [E in P[number] as E["name"] extends RequiredNames<P> ? E["name"] : never]: ValueOf<E>;
} & {
  [E in P[number] as E["name"] extends RequiredNames<P> ? never : E["name"]]?: ValueOf<E>;
};

/**
 * Every way to call a function with parameters `P`: a positional prefix of any length,
 * then optionally an options object for the rest (required when a required parameter is
 * not in the prefix).
 */
export type CallArgs<P extends AnyParams> = P extends readonly [
  infer H extends Param,
  ...infer R extends AnyParams,
]
  ? | (RequiredNames<P> extends never ? [options?: OptionsOf<P>] : [options: OptionsOf<P>])
    | [ValueOf<H>, ...CallArgs<R>]
  : [options?: Record<string, never>];

/** Parsed arguments: each parameter's value, `undefined` when not given (or given as `null`). */
export type ArgsOf<P extends AnyParams> = {
  [E in P[number] as E["aliasOf"] extends string ? never : E["name"]]: E extends Param<
    string,
    infer T,
    infer R
  >
    ? R extends true
      ? T
      : T | undefined
    : never;
};

/** A function's declared TF parameter list. */
export interface ParamList<P extends AnyParams> {
  /** The function's name in messages, as the user calls it: `argmax`, `layers.dense`. */
  readonly fn: string;
  readonly params: P;
  /** Parses a call's `arguments` (a positional prefix, then maybe an options object). */
  parse(args: ArrayLike<unknown>): ArgsOf<P>;
}

/**
 * Declares a function's parameters in TensorFlow 1.15's order.
 *
 * @example
 * ```ts
 * const P = defineParams("argmax", [req("input", tensorKind), opt("axis", axisKind)] as const);
 * P.parse([tf.constant([[1, 2]]), 1]).axis; // ==> 1
 * P.parse([tf.constant([[1, 2]]), { axes: 1 }]); // throws TypeError: argmax() got an unexpected keyword argument 'axes'
 * ```
 */
export function defineParams<const P extends AnyParams>(fn: string, params: P): ParamList<P> {
  const byName = new Map<string, number>();
  params.forEach((p, i) => byName.set(p.name, i));
  const names = params.map((p) => p.name);
  const hasAliases = params.some((p) => p.aliasOf !== undefined);
  const takesObject = (i: number, value: Record<string, unknown>): boolean => {
    const takes = (params[i] as Param).kind.takesPlainObjects;
    return typeof takes === "function" ? takes(value) : takes;
  };

  const fail = (message: string): never => {
    throw new TypeError(`${fn}() ${message}`);
  };

  const checkValue = (p: Param, value: unknown, where: string): void => {
    if (value === undefined || value === null) {
      if (p.required && value === null) {
        fail(`argument '${p.name}'${where} must be ${p.kind.expected}, not null`);
      }
      return;
    }
    if (!p.kind.check(value)) {
      fail(`argument '${p.name}'${where} must be ${p.kind.expected}, not ${describeValue(value)}`);
    }
  };

  const parse = (args: ArrayLike<unknown>): ArgsOf<P> => {
    let n = args.length;
    // Trailing `undefined`s are what JS passes for omitted arguments.
    while (n > 0 && args[n - 1] === undefined) n--;
    let options: Record<string, unknown> | null = null;
    if (n > 0) {
      const last = args[n - 1];
      if (isPlainObject(last) && (n > params.length || !takesObject(n - 1, last))) {
        options = last;
        n--;
      }
    }
    if (n > params.length) {
      const max = params.length;
      const min = params.filter((p) => p.required).length;
      const takes = min === max ? `${max}` : `from ${min} to ${max}`;
      fail(
        `takes ${takes} positional argument${max === 1 ? "" : "s"} but ${n} ${n === 1 ? "was" : "were"} given`,
      );
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const p = params[i] as Param;
      const value = args[i];
      checkValue(p, value, ` (position ${i + 1})`);
      out[p.name] = value === null && p.keepsNull === true ? null : (value ?? undefined);
    }
    if (options !== null) {
      for (const key of Object.keys(options)) {
        const index = byName.get(key);
        if (index === undefined) fail(unknownKeyMessage(key, names));
        const p = params[index as number] as Param;
        const value = options[key];
        if (index! < n && value !== undefined) {
          fail(`got multiple values for argument '${key}'`);
        }
        checkValue(p, value, "");
        if (value !== undefined)
          out[key] = value === null && p.keepsNull !== true ? undefined : value;
      }
    }
    if (hasAliases) {
      for (const p of params) {
        if (p.aliasOf === undefined) continue;
        const old = out[p.name];
        delete out[p.name];
        if (old === undefined) continue;
        if (out[p.aliasOf] !== undefined) {
          // TF's `deprecated_argument_lookup` raises ValueError.
          // TF names the older spelling first (`deprecated_argument_lookup`).
          const [older, newer] = p.aliasIsNewer ? [p.aliasOf, p.name] : [p.name, p.aliasOf];
          throw new ValueError(`Cannot specify both '${older}' and '${newer}'`);
        }
        out[p.aliasOf] = old;
      }
    }
    for (const p of params) {
      if (p.required && out[p.name] === undefined) {
        fail(`missing 1 required positional argument: '${p.name}'`);
      }
    }
    return out as ArgsOf<P>;
  };

  return { fn, params, parse };
}

function unknownKeyMessage(key: string, names: readonly string[]): string {
  let hint = "";
  const camel = key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && names.includes(camel)) hint = ` (did you mean '${camel}'?)`;
  else {
    const near = names.filter((n) => editDistance(n.toLowerCase(), key.toLowerCase()) <= 2);
    if (near.length > 0) hint = ` (did you mean '${near[0]}'?)`;
  }
  return `got an unexpected keyword argument '${key}'${hint}`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** An object literal (`{…}`), as opposed to a Tensor, an array, or any class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describeValue(value: unknown): string {
  if (typeof value === "string")
    return `str '${value.length > 40 ? value.slice(0, 40) + "…" : value}'`;
  if (typeof value === "number") return Number.isInteger(value) ? `int ${value}` : `float ${value}`;
  if (typeof value === "boolean") return `bool ${value}`;
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return `a list of length ${value.length}`;
  if (value instanceof Tensor) return `Tensor '${value.name}' (${value.dtype})`;
  if (isPlainObject(value)) return `an object with keys ${Object.keys(value).join(", ") || "none"}`;
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor ? `a ${ctor}` : typeof value;
}

// ---- Kinds -------------------------------------------------------------------------------

function isTensorValue(value: unknown): boolean {
  return value instanceof Tensor || isTensorConvertible(value);
}

function isTensorLikeValue(value: unknown): boolean {
  switch (typeof value) {
    case "number":
    case "boolean":
    case "string":
    case "bigint":
      return true;
    case "object":
      return value !== null && !isPlainObject(value);
    default:
      return false;
  }
}

function isInteger(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value);
}

/** A tensor, a variable, or a JS value that converts to one (number, nested array, …). */
export const tensorKind = kind<TensorLike>(
  "a Tensor or a value convertible to one",
  isTensorLikeValue,
);

/** Tensors as a list (`tf.concat`'s `values`, `tf.addN`'s `inputs`). */
export const tensorListKind = kind<readonly TensorLike[]>(
  "a list of Tensors",
  (v) => Array.isArray(v) && v.every((x) => x !== undefined && x !== null && isTensorLikeValue(x)),
);

/** An axis or list of axes: an integer, integers, or an integer tensor. */
export const axisKind = kind<number | readonly number[] | Tensor | TensorConvertible>(
  "an int, a list of ints or an int Tensor",
  (v) => isInteger(v) || (Array.isArray(v) && v.every(isInteger)) || isTensorValue(v),
);

/** One integer. */
export const intKind = kind<number>("an int", isInteger);

/** One integer, or an integer tensor (TF's `num` or `size` arguments that take either). */
export const intOrTensorKind = kind<number | Tensor | TensorConvertible>(
  "an int or an int Tensor",
  (v) => isInteger(v) || isTensorValue(v),
);

/** Any JS number. */
export const numberKind = kind<number>(
  "a number",
  (v) => typeof v === "number" && !Number.isNaN(v),
);

/** A number or a scalar tensor (a learning rate, `minval`). */
export const scalarKind = kind<number | Tensor | TensorConvertible>(
  "a number or a Tensor",
  (v) => typeof v === "number" || isTensorValue(v),
);

export const stringKind = kind<string>("a str", (v) => typeof v === "string");
export const booleanKind = kind<boolean>("a bool", (v) => typeof v === "boolean");
export const functionKind = kind<(...args: never[]) => unknown>(
  "a function",
  (v) => typeof v === "function",
);

/** A dtype: `tf.float32`, `"int32"`, …. */
export const dtypeKind = kind<DType>("a dtype (tf.float32, tf.int32, …)", isDType);

/** A static shape: dims with `null` for unknown, or a `TensorShape`. */
export const shapeKind = kind<ShapeLike>(
  "a shape (a list of ints and nulls, or a TensorShape)",
  (v) =>
    v instanceof TensorShape ||
    (Array.isArray(v) && v.every((d) => d === null || (isInteger(d) && (d as number) >= -1))),
);

/** A shape given as dims or as a 1-D int tensor (`tf.zeros(tf.shape(x))`). */
export const shapeOrTensorKind = kind<ShapeLike | TensorLike>(
  "a shape (a list of ints) or a 1-D int Tensor",
  (v) => shapeKind.check(v) || isTensorValue(v) || (Array.isArray(v) && v.every(isTensorLikeValue)),
);

/** One of a fixed set of strings (`"SAME"`, `"VALID"`). */
export function oneOfKind<const S extends string>(...values: S[]): Kind<S> {
  return kind<S>(`one of ${values.map((s) => `'${s}'`).join(", ")}`, (v) =>
    values.includes(v as S),
  );
}

/** Either of two kinds. */
export function eitherKind<A, B>(a: Kind<A>, b: Kind<B>): Kind<A | B> {
  return kind<A | B>(
    `${a.expected} or ${b.expected}`,
    (v) => a.check(v) || b.check(v),
    (v) => takesObjectOf(a, v) || takesObjectOf(b, v),
  );
}

function takesObjectOf(k: Kind<unknown>, value: Record<string, unknown>): boolean {
  return typeof k.takesPlainObjects === "function"
    ? k.takesPlainObjects(value)
    : k.takesPlainObjects;
}

/** A list of values of one kind. */
export function listKind<T>(of: Kind<T>): Kind<readonly T[]> {
  return kind<readonly T[]>(
    `a list of ${of.expected.replace(/^an? /, "")}s`,
    (v) => Array.isArray(v) && v.every((x) => of.check(x)),
  );
}

/** Anything at all: for parameters whose checks belong to the function itself. */
export function anyKind<T>(expected = "a value", takesPlainObjects = true): Kind<T> {
  return kind<T>(expected, () => true, takesPlainObjects);
}

/**
 * The declared parameter lists of public functions and classes, for the test that checks
 * every public function has one. Static metadata, like the op registry.
 */
const declared = new WeakMap<object, ParamList<AnyParams>>();

/** The parameter list `target` (a public function or class) was declared with, if any. */
export function declaredParams(target: object): ParamList<AnyParams> | undefined {
  return declared.get(target);
}

/** Records `list` as the declaration of `target` (a class whose constructor parses it). */
export function declare<T extends object>(target: T, list: ParamList<AnyParams>): T {
  declared.set(target, list);
  return target;
}

/**
 * A public function from its TF parameter list and its implementation over parsed
 * arguments: the one place where calling convention, checks and call types meet.
 *
 * @example
 * ```ts
 * const double = tfFunction("double", [req("x", numberKind)] as const, (a) => a.x * 2);
 * double(4); // ==> 8
 * double({ x: 4 }); // ==> 8
 * ```
 */
export function tfFunction<const P extends AnyParams, R>(
  fn: string,
  params: P,
  impl: (args: ArgsOf<P>) => R,
): (...args: CallArgs<P>) => R {
  const list = defineParams(fn, params);
  const f = (...args: CallArgs<P>): R => impl(list.parse(args));
  return declare(f, list);
}

/**
 * Parses the arguments of a function whose last argument is a callback (TF's `with`
 * blocks: `tf.nameScope(name, defaultName, values, fn)`), an options object allowed before
 * the callback. Such functions keep hand-written overloads, since the callback's return
 * type flows to the result; they still `declare` their list.
 *
 * @example
 * ```ts
 * const P = defineParams("scoped", [req("name", stringKind)] as const);
 * const [args, fn] = parseWithCallback(P, ["a", () => 1]);
 * args.name; // ==> a
 * ```
 */
export function parseWithCallback<P extends AnyParams, F extends (...a: never[]) => unknown>(
  list: ParamList<P>,
  args: ArrayLike<unknown>,
): [ArgsOf<P>, F] {
  const callback = args[args.length - 1];
  if (typeof callback !== "function") {
    throw new TypeError(
      `${list.fn}() needs a callback as its last argument (the body of Python's with block)`,
    );
  }
  return [list.parse(Array.prototype.slice.call(args, 0, -1)), callback as F];
}

/** Splits a call's `arguments` as `parse` does: the positional prefix and the options object. */
function splitArgs(
  list: ParamList<AnyParams>,
  args: ArrayLike<unknown>,
): { positional: number; options: Record<string, unknown> | null } {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = n > 0 ? args[n - 1] : undefined;
  if (
    isPlainObject(last) &&
    (n > list.params.length || !list.params[n - 1]?.kind.takesPlainObjects)
  ) {
    return { positional: n - 1, options: last };
  }
  return { positional: n, options: null };
}

/**
 * The same parameter list, with the parameters after the first `count` taken by name only
 * (Python's `**kwargs` of a layer: `dtype`, `_reuse`): more positional arguments are a
 * TypeError, as in Python.
 *
 * @example
 * ```ts
 * const P = keywordOnlyAfter(defineParams("f", [opt("a", intKind), opt("b", intKind)] as const), 1);
 * P.parse([1, { b: 2 }]).b; // ==> 2
 * ```
 */
export function keywordOnlyAfter<P extends AnyParams>(
  list: ParamList<P>,
  count: number,
): ParamList<P> {
  return {
    fn: list.fn,
    params: list.params,
    parse(args) {
      const { positional } = splitArgs(list, args);
      if (positional > count) {
        throw new TypeError(
          `${list.fn}() takes at most ${count} positional argument${count === 1 ? "" : "s"} but ${positional} ${positional === 1 ? "was" : "were"} given`,
        );
      }
      return list.parse(args);
    },
  };
}
