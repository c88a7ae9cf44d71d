import { ValueError } from "../errors.js";
import { asDType, type DType } from "../graph/dtypes.js";
import {
  getDefaultGraph,
  GraphKeys,
  popDefaultGraph,
  pushDefaultGraph,
  Graph,
} from "../graph/graph.js";
import { setScopeBodyProbe } from "./call_site.js";
import { enterNameScope, graphFromValues } from "./name_scope.js";
import { AUTO_REUSE, inheritReuse, normalizeReuse, type ReuseMode } from "./reuse.js";
import { AsyncScopeError, isPromiseLike } from "./synchronous.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  kind,
  opt,
  parseWithCallback,
  req,
  stringKind,
  tfFunction,
  type ArgsOf,
  type CallArgs,
  type Kind,
  type OptionsOf,
} from "../graph/call_args.js";
import {
  checkedLaterKind,
  initializerKind,
  refuseUnsupported,
  requireFirst,
  valuesKind,
  type CallbackArgs,
} from "./arg_kinds.js";
import type {
  Constraint,
  CustomGetter,
  Partitioner,
  Regularizer,
  ScopeInitializer,
} from "./types.js";

/** The defaults a variable scope hands to `getVariable` calls inside it. */
interface ScopeDefaults {
  initializer: ScopeInitializer | null;
  regularizer: Regularizer | null;
  partitioner: Partitioner | null;
  customGetter: CustomGetter | null;
  dtype: DType;
  constraint: Constraint | null;
  /** `use_resource`: `null` leaves it to the process-wide default. */
  useResource: boolean | null;
}

/**
 * A variable scope (TensorFlow's `VariableScope`): the prefix `getVariable` puts before a
 * name, the reuse mode, and defaults for the variables created inside. Captured from a
 * `variableScope` callback, it can be entered again anywhere to jump back to its prefix.
 *
 * @example
 * ```ts
 * const foo = tf.variableScope("foo", (scope) => scope);
 * tf.variableScope("bar", () => tf.variableScope(foo, { reuse: true }, (s) => s.name)); // ==> foo
 * ```
 */
export class VariableScope {
  /** The scope's full name, the prefix of its variables (`"foo/bar"`). */
  readonly name: string;
  private _reuse: ReuseMode;
  private defaults: ScopeDefaults;
  private readonly _nameScope: string;

  constructor(reuse: ReuseMode, name = "", defaults: Partial<ScopeDefaults> = {}, nameScope = "") {
    this._reuse = reuse;
    this.name = name;
    this._nameScope = nameScope;
    this.defaults = {
      initializer: defaults.initializer ?? null,
      regularizer: defaults.regularizer ?? null,
      partitioner: defaults.partitioner ?? null,
      customGetter: defaults.customGetter ?? null,
      dtype: defaults.dtype ?? "float32",
      constraint: defaults.constraint ?? null,
      useResource: defaults.useResource ?? null,
    };
  }

  /** The name scope that was opened with this scope (`"foo/"`, or `"foo_1/"`). */
  get originalNameScope(): string {
    return this._nameScope;
  }
  /** `false`, `true` or `tf.AUTO_REUSE`. */
  get reuse(): ReuseMode {
    return this._reuse;
  }
  /** The default initializer of variables created in this scope, or `null`. */
  get initializer(): ScopeInitializer | null {
    return this.defaults.initializer;
  }
  /** The default regularizer, or `null`. */
  get regularizer(): Regularizer | null {
    return this.defaults.regularizer;
  }
  /** The default partitioner, or `null`. */
  get partitioner(): Partitioner | null {
    return this.defaults.partitioner;
  }
  /** The custom getter, or `null`. */
  get customGetter(): CustomGetter | null {
    return this.defaults.customGetter;
  }
  /** The default dtype (`float32` unless set). */
  get dtype(): DType {
    return this.defaults.dtype;
  }
  /** The default constraint, or `null`. */
  get constraint(): Constraint | null {
    return this.defaults.constraint;
  }
  /**
   * Whether variables created in this scope are resource variables (`use_resource`);
   * `null` leaves it to `tf.enableResourceVariables`.
   */
  get useResource(): boolean | null {
    return this.defaults.useResource;
  }

  /**
   * Makes this scope reuse variables from now on (`scope.reuse_variables()`).
   *
   * @example
   * ```ts
   * tf.variableScope("foo", (scope) => {
   *   const v = tf.getVariable("v", [1]);
   *   scope.reuseVariables();
   *   tf.getVariable("v", [1]) === v; // ==> true
   * });
   * ```
   */
  reuseVariables(...args: CallArgs<typeof NO_PARAMS>): void {
    REUSE_VARIABLES.parse(args);
    this._reuse = true;
  }
  /** Sets the default initializer (`set_initializer(initializer)`). */
  setInitializer(...args: CallArgs<typeof SET_INITIALIZER_PARAMS>): void {
    requireFirst(SET_INITIALIZER, args);
    this.defaults.initializer = SET_INITIALIZER.parse(args).initializer ?? null;
  }
  /** Sets the default regularizer (`set_regularizer(regularizer)`). */
  setRegularizer(...args: CallArgs<typeof SET_REGULARIZER_PARAMS>): void {
    requireFirst(SET_REGULARIZER, args);
    this.defaults.regularizer = SET_REGULARIZER.parse(args).regularizer ?? null;
  }
  /** Sets the default partitioner (`set_partitioner(partitioner)`). */
  setPartitioner(...args: CallArgs<typeof SET_PARTITIONER_PARAMS>): void {
    requireFirst(SET_PARTITIONER, args);
    this.defaults.partitioner = SET_PARTITIONER.parse(args).partitioner ?? null;
  }
  /** Sets the custom getter (`set_custom_getter(custom_getter)`). */
  setCustomGetter(...args: CallArgs<typeof SET_CUSTOM_GETTER_PARAMS>): void {
    requireFirst(SET_CUSTOM_GETTER, args);
    this.defaults.customGetter = SET_CUSTOM_GETTER.parse(args).customGetter ?? null;
  }
  /** Sets the default dtype (`set_dtype(dtype)`). */
  setDtype(...args: CallArgs<typeof SET_DTYPE_PARAMS>): void {
    this.defaults.dtype = asDType(SET_DTYPE.parse(args).dtype);
  }
  /**
   * Sets whether variables created in this scope are resource variables
   * (`set_use_resource(use_resource)`).
   *
   * @example
   * ```ts
   * const v = tf.variableScope("foo", (scope) => {
   *   scope.setUseResource(true);
   *   return tf.getVariable("v", [1]);
   * });
   * v.op.type; // ==> VarHandleOp
   * ```
   */
  setUseResource(...args: CallArgs<typeof SET_USE_RESOURCE_PARAMS>): void {
    this.defaults.useResource = SET_USE_RESOURCE.parse(args).useResource ?? null;
  }

  /** The items of a collection under this scope's prefix (`scope.get_collection(name)`). */
  getCollection<T = unknown>(...args: CallArgs<typeof GET_COLLECTION_PARAMS>): T[] {
    const key = GET_COLLECTION.parse(args).name;
    return getDefaultGraph().collectionItems<T>(key, this.name ? `${this.name}/` : "");
  }
  /** Global variables under this scope. */
  globalVariables<T = unknown>(): T[] {
    return this.getCollection<T>(GraphKeys.GLOBAL_VARIABLES);
  }
  /** Trainable variables under this scope. */
  trainableVariables<T = unknown>(): T[] {
    return this.getCollection<T>(GraphKeys.TRAINABLE_VARIABLES);
  }
  /** Local variables under this scope. */
  localVariables<T = unknown>(): T[] {
    return this.getCollection<T>(GraphKeys.LOCAL_VARIABLES);
  }

  /** A copy that shares nothing mutable with this scope. */
  copyWith(reuse: ReuseMode, nameScope: string, constraint: Constraint | null): VariableScope {
    return new VariableScope(reuse, this.name, { ...this.defaults, constraint }, nameScope);
  }

  /** A child scope: inherits every default, takes a new name. */
  child(
    name: string,
    reuse: ReuseMode,
    nameScope: string,
    constraint: Constraint | null,
  ): VariableScope {
    return new VariableScope(reuse, name, { ...this.defaults, constraint }, nameScope);
  }

  /** `<VariableScope 'foo/bar' reuse=false>`. */
  toString(): string {
    return `<VariableScope '${this.name}' reuse=${String(this._reuse === AUTO_REUSE ? "AUTO_REUSE" : this._reuse)}>`;
  }
}

const NO_PARAMS = [] as const;
const REUSE_VARIABLES = defineParams("VariableScope.reuseVariables", NO_PARAMS);
const SET_INITIALIZER_PARAMS = [
  opt("initializer", initializerKind as Kind<ScopeInitializer>),
] as const;
const SET_INITIALIZER = defineParams("VariableScope.setInitializer", SET_INITIALIZER_PARAMS);
const SET_REGULARIZER_PARAMS = [opt("regularizer", fnKind<Regularizer>())] as const;
const SET_REGULARIZER = defineParams("VariableScope.setRegularizer", SET_REGULARIZER_PARAMS);
const SET_PARTITIONER_PARAMS = [opt("partitioner", fnKind<Partitioner>())] as const;
const SET_PARTITIONER = defineParams("VariableScope.setPartitioner", SET_PARTITIONER_PARAMS);
const SET_CUSTOM_GETTER_PARAMS = [opt("customGetter", fnKind<CustomGetter>())] as const;
const SET_CUSTOM_GETTER = defineParams("VariableScope.setCustomGetter", SET_CUSTOM_GETTER_PARAMS);
const SET_DTYPE_PARAMS = [req("dtype", dtypeKind)] as const;
const SET_DTYPE = defineParams("VariableScope.setDtype", SET_DTYPE_PARAMS);
const SET_USE_RESOURCE_PARAMS = [opt("useResource", booleanKind)] as const;
const SET_USE_RESOURCE = defineParams("VariableScope.setUseResource", SET_USE_RESOURCE_PARAMS);
const GET_COLLECTION_PARAMS = [req("name", stringKind)] as const;
const GET_COLLECTION = defineParams("VariableScope.getCollection", GET_COLLECTION_PARAMS);
declare(VariableScope.prototype.reuseVariables, REUSE_VARIABLES);
declare(VariableScope.prototype.setInitializer, SET_INITIALIZER);
declare(VariableScope.prototype.setRegularizer, SET_REGULARIZER);
declare(VariableScope.prototype.setPartitioner, SET_PARTITIONER);
declare(VariableScope.prototype.setCustomGetter, SET_CUSTOM_GETTER);
declare(VariableScope.prototype.setDtype, SET_DTYPE);
declare(VariableScope.prototype.setUseResource, SET_USE_RESOURCE);
declare(VariableScope.prototype.getCollection, GET_COLLECTION);

const SCOPE_STORE_KEY = Symbol("scopeflow.variableScopeStore");

/**
 * A {@link variableScope} call running its body, for the call sites `getVariable` keeps:
 * the first variable created in the body keeps the whole window of frames, the others
 * only those above the scope's frame and `site`, whose frames from the scope's frame down
 * are theirs too (see {@link formatUserFrames}).
 */
export interface ScopeCall {
  /** The call site of the first variable created in the body. */
  site: Error | null;
  /** The call it runs in, restored when it ends. */
  readonly outer: ScopeCall | null;
}

/**
 * The variable-scope frames of one graph (TensorFlow's `_VariableScopeStore`): the
 * current scope, and how often each scope name was opened, which numbers `defaultName`
 * scopes (`conv`, `conv_1`) separately from name scopes.
 */
export class VariableScopeStore {
  current: VariableScope = new VariableScope(false);
  /** The innermost {@link variableScope} call running its body in this graph. */
  call: ScopeCall | null = null;
  private counts = new Map<string, number>();
  /** Names whose count is not zero: leaving a scope only needs to look at these. */
  private opened = new Set<string>();
  private readonly graph: Graph;

  private constructor(graph: Graph) {
    this.graph = graph;
  }

  /** The store of `graph`. */
  static of(graph: Graph): VariableScopeStore {
    return graph.getExtension(SCOPE_STORE_KEY, () => new VariableScopeStore(graph));
  }

  /** How many times `name` was opened since its parent was last entered. */
  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Counts one more opening of `name`. */
  open(name: string): void {
    this.setCount(name, this.count(name) + 1);
  }

  /** Leaving `name` forgets the openings of its sub-scopes, so numbering restarts. */
  closeSubscopes(name: string): void {
    const prefix = `${name}/`;
    for (const key of this.opened) {
      if (key.startsWith(prefix)) this.setCount(key, 0);
    }
  }

  /** A copy of the counts, to restore when leaving a captured scope. */
  snapshotCounts(): Map<string, number> {
    return new Map(this.counts);
  }

  private rebuildOpened(): void {
    this.opened = new Set([...this.counts].filter(([, v]) => v !== 0).map(([k]) => k));
  }

  /** Puts back counts taken by `snapshotCounts`. */
  restoreCounts(saved: Map<string, number>): void {
    const replaced = this.counts;
    this.counts = saved;
    this.rebuildOpened();
    this.graph.onUndo(() => {
      this.counts = replaced;
      this.rebuildOpened();
    });
  }

  /**
   * Sets the current scope. Not journaled: every scope restores the previous current scope
   * when it exits, before a rollback runs.
   */
  setCurrent(scope: VariableScope): void {
    this.current = scope;
  }

  private setCount(name: string, value: number): void {
    const previous = this.counts.get(name);
    this.counts.set(name, value);
    this.markOpened(name, value);
    this.graph.onUndo(() => {
      if (previous === undefined) this.counts.delete(name);
      else this.counts.set(name, previous);
      this.markOpened(name, previous ?? 0);
    });
  }

  private markOpened(name: string, value: number): void {
    if (value === 0) this.opened.delete(name);
    else this.opened.add(name);
  }

  /** `_get_unique_variable_scope`: `prefix`, else `prefix_1`, `prefix_2`, … under the current scope. */
  uniqueScopeName(prefix: string): string {
    const base = this.current.name ? `${this.current.name}/${prefix}` : prefix;
    if (this.count(base) === 0) return prefix;
    let i = 1;
    while (this.count(`${base}_${i}`) > 0) i += 1;
    return `${prefix}_${i}`;
  }
}

function fnKind<T>(): Kind<T> {
  return kind<T>("a function", (v) => typeof v === "function");
}

/**
 * TF 1.15's `variable_scope(name_or_scope, default_name=None, values=None,
 * initializer=None, regularizer=None, caching_device=None, partitioner=None,
 * custom_getter=None, reuse=None, dtype=None, use_resource=None, constraint=None,
 * auxiliary_name_scope=True)`.
 */
const VARIABLE_SCOPE_PARAMS = [
  opt("nameOrScope", checkedLaterKind<string | VariableScope>("a str or VariableScope")),
  opt("defaultName", stringKind),
  opt("values", valuesKind),
  opt("initializer", initializerKind as Kind<ScopeInitializer>),
  opt("regularizer", fnKind<Regularizer>()),
  opt("cachingDevice", stringKind),
  opt("partitioner", fnKind<Partitioner>()),
  opt("customGetter", fnKind<CustomGetter>()),
  opt("reuse", checkedLaterKind<ReuseMode>("True, False, None or tf.AUTO_REUSE")),
  opt("dtype", dtypeKind),
  opt("useResource", booleanKind),
  opt("constraint", fnKind<Constraint>()),
  opt("auxiliaryNameScope", checkedLaterKind<boolean>("a bool")),
] as const;
const VARIABLE_SCOPE = defineParams("variableScope", VARIABLE_SCOPE_PARAMS);

/** The options object of {@link variableScope}. */
export type VariableScopeOptions = OptionsOf<typeof VARIABLE_SCOPE_PARAMS>;

type ScopeArgs = ArgsOf<typeof VARIABLE_SCOPE_PARAMS>;

/**
 * Opens a variable scope (`tf.variable_scope`) and runs `fn` inside it. TF's parameters
 * come positionally in TF's order (`tf.variableScope(null, "conv", [x], fn)`) or by name
 * in an options object before `fn` (`tf.variableScope("foo", { reuse: true }, fn)`).
 *
 * - A string extends the current scope (`foo/bar`) and opens a name scope of that name,
 *   made unique for ops (`foo_1/`) while variables keep the `foo/` prefix.
 * - A captured `VariableScope` jumps to that scope's prefix wherever it is opened; without
 *   `reuse` it takes the captured scope's own reuse flag.
 * - `null` with `defaultName` opens a uniquely numbered scope (`conv`, `conv_1`).
 *
 * @example
 * ```ts
 * const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
 * const v1 = tf.variableScope("foo", { reuse: true }, () => tf.getVariable("v", [1]));
 * v1 === v; // ==> true
 * ```
 */
export function variableScope<T>(
  ...args: CallbackArgs<typeof VARIABLE_SCOPE_PARAMS, (scope: VariableScope) => T>
): T;
export function variableScope<T>(...args: unknown[]): T {
  const [a, fn] = parseWithCallback<typeof VARIABLE_SCOPE_PARAMS, (scope: VariableScope) => T>(
    VARIABLE_SCOPE,
    args,
  );
  requireFirst(VARIABLE_SCOPE, args.slice(0, -1));
  const request = validateScopeRequest(a);
  const graph = graphFromValues(a.values);
  // `withDefaultGraph` and `runScopeCallback` written out: each frame between the user's
  // body and the user's call takes a place in the short stack `getVariable` captures for
  // "Originally defined at:", which would then show fewer of the user's frames.
  pushDefaultGraph(graph);
  try {
    const sp = graph.savepoint();
    let result: T;
    try {
      // The user's body runs in this frame (not in a helper's), for the same reason.
      const exits: (() => void)[] = [];
      const entered = enterVariableScope(graph, request, exits);
      const store = VariableScopeStore.of(graph);
      const call: ScopeCall = { site: null, outer: store.call };
      store.call = call;
      try {
        result = fn(entered);
        if (isPromiseLike(result)) throw new AsyncScopeError("variableScope");
      } finally {
        store.call = call.outer;
        exitScopes(exits);
      }
    } catch (e) {
      if (e instanceof AsyncScopeError) graph.rollbackTo(sp);
      else graph.release();
      throw e;
    }
    graph.release();
    return result;
  } finally {
    popDefaultGraph();
  }
}
declare(variableScope, VARIABLE_SCOPE);

// The frame of `variableScope` calling a body, where call sites kept in one call are joined.
setScopeBodyProbe(() => {
  let site: Error | null = null;
  new Graph().asDefault(() =>
    variableScope("probe", () => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 2;
      site = new Error("probe");
      Error.stackTraceLimit = limit;
    }),
  );
  return site;
});

interface ScopeRequest {
  nameOrScope: string | VariableScope | null;
  defaultName: string | null;
  reuse: true | typeof AUTO_REUSE | null;
  auxiliaryNameScope: boolean;
  options: ScopeArgs;
}

/** Every check TensorFlow makes before it enters anything, so failures change nothing. */
function validateScopeRequest(a: ScopeArgs): ScopeRequest {
  const nameOrScope: unknown = a.nameOrScope;
  const reuse = normalizeReuse(a.reuse);
  const defaultName = a.defaultName ?? null;
  if (
    nameOrScope !== undefined &&
    typeof nameOrScope !== "string" &&
    !(nameOrScope instanceof VariableScope)
  ) {
    throw new TypeError("VariableScope: name_or_scope must be a string or VariableScope.");
  }
  if (nameOrScope === undefined && defaultName === null) {
    throw new TypeError("If default_name is None then name_or_scope is required");
  }
  const aux: unknown = a.auxiliaryNameScope ?? true;
  if (typeof aux !== "boolean") {
    throw new TypeError(
      `The auxiliary_name_scope must be \`True\` or \`False\`, while get ${String(aux)}`,
    );
  }
  // TensorFlow tests `if self._reuse:`, and AUTO_REUSE (an enum member) is truthy too.
  if (nameOrScope === undefined && reuse !== null) {
    throw new ValueError("reuse=True cannot be used without a name_or_scope");
  }
  refuseUnsupported(
    "variableScope",
    "cachingDevice",
    a.cachingDevice,
    "scopeflow places every variable on its one device",
  );
  return {
    nameOrScope: nameOrScope ?? null,
    defaultName,
    reuse,
    auxiliaryNameScope: aux,
    options: a,
  };
}

/** `variable_scope._enter_scope_uncached` followed by the body and the exits. */
/**
 * Enters the scopes `request` asks for and returns the variable scope entered; `exits`
 * receives what leaves them, innermost last. If entering fails, what was entered is left.
 */
function enterVariableScope(
  graph: Graph,
  request: ScopeRequest,
  exits: (() => void)[],
): VariableScope {
  const store = VariableScopeStore.of(graph);
  const { nameOrScope } = request;
  // Without an auxiliary name scope the current one is re-entered as it is.
  const nameScopeToOpen: string | null = !request.auxiliaryNameScope
    ? graph.nameStack
      ? `${graph.nameStack}/`
      : ""
    : nameOrScope === null
      ? request.defaultName
      : typeof nameOrScope === "string"
        ? nameOrScope
        : lastComponent(nameOrScope.name);
  // A `defaultName` scope always opens its name scope (`""` resets to the root, as in
  // TensorFlow); a string or captured scope opens none when its name is empty.
  const opensNameScope =
    !request.auxiliaryNameScope || nameOrScope === null || nameScopeToOpen !== "";
  try {
    let openedNameScope: string | null = null;
    if (opensNameScope) {
      const [scopeString, exit] = enterNameScope(graph, nameScopeToOpen);
      exits.push(exit);
      openedNameScope = scopeString;
    }
    if (nameOrScope instanceof VariableScope) {
      return enterCapturedScope(store, nameOrScope, request, exits);
    }
    const name = nameOrScope ?? store.uniqueScopeName(request.defaultName as string);
    const reuse = nameOrScope === null ? null : request.reuse;
    return enterChildScope(store, name, reuse, openedNameScope, request.options, exits);
  } catch (e) {
    exitScopes(exits);
    throw e;
  }
}

/** Leaves the scopes `enterVariableScope` entered, innermost first. */
function exitScopes(exits: readonly (() => void)[]): void {
  for (let i = exits.length - 1; i >= 0; i--) (exits[i] as () => void)();
}

function lastComponent(name: string): string {
  const parts = name.split("/");
  return parts[parts.length - 1] as string;
}

/** Jumps to a captured scope's prefix; sub-scope counts opened inside are forgotten after. */
function enterCapturedScope(
  store: VariableScopeStore,
  captured: VariableScope,
  request: ScopeRequest,
  exits: (() => void)[],
): VariableScope {
  const reuse = request.reuse === null ? captured.reuse : request.reuse;
  const scope = captured.copyWith(
    reuse,
    captured.originalNameScope,
    request.options.constraint ?? null,
  );
  applyOverrides(scope, request.options, captured.customGetter);
  const old = store.current;
  store.open(captured.name);
  const savedCounts = store.snapshotCounts();
  store.setCurrent(scope);
  exits.push(() => {
    store.restoreCounts(savedCounts);
    store.setCurrent(old);
  });
  return scope;
}

/** Extends the current scope by `name`, inheriting reuse and defaults. */
function enterChildScope(
  store: VariableScopeStore,
  name: string,
  reuse: true | typeof AUTO_REUSE | null,
  openedNameScope: string | null,
  options: ScopeArgs,
  exits: (() => void)[],
): VariableScope {
  const old = store.current;
  const fullName = old.name ? `${old.name}/${name}` : name;
  const scope = old.child(
    fullName,
    inheritReuse(reuse, old.reuse),
    openedNameScope ?? name,
    options.constraint ?? null,
  );
  applyOverrides(scope, options, old.customGetter);
  store.open(fullName);
  store.setCurrent(scope);
  exits.push(() => {
    store.closeSubscopes(fullName);
    store.setCurrent(old);
  });
  return scope;
}

function applyOverrides(
  scope: VariableScope,
  options: ScopeArgs,
  outerGetter: CustomGetter | null,
): void {
  if (options.initializer !== undefined) scope.setInitializer(options.initializer);
  if (options.regularizer !== undefined) scope.setRegularizer(options.regularizer);
  if (options.partitioner !== undefined) scope.setPartitioner(options.partitioner);
  if (options.dtype !== undefined) scope.setDtype(options.dtype);
  if (options.useResource !== undefined && options.useResource !== null) {
    scope.setUseResource(options.useResource);
  }
  if (options.customGetter !== undefined) {
    scope.setCustomGetter(wrapCustomGetter(options.customGetter, outerGetter));
  }
}

/** An inner custom getter receives the outer one (bound to the real getter) as its getter. */
function wrapCustomGetter(inner: CustomGetter, outer: CustomGetter | null): CustomGetter {
  if (outer === null) return inner;
  return (getter, name, options) => inner((n, o) => outer(getter, n, o), name, options);
}

/**
 * The current variable scope (`tf.get_variable_scope()`) of the default graph.
 *
 * @example
 * ```ts
 * tf.variableScope("foo", () => tf.getVariableScope().name); // ==> foo
 * ```
 */
export const getVariableScope = tfFunction(
  "getVariableScope",
  [] as const,
  (): VariableScope => VariableScopeStore.of(getDefaultGraph()).current,
);
