import { UnimplementedError, ValueError } from "../errors.js";
import { isFloating, isInteger, type DType } from "../graph/dtypes.js";
import { captureCallSite, getDefaultGraph, GraphKeys, type Graph } from "../graph/graph.js";
import { pyDType } from "../graph/pyformat.js";
import {
  isTensorConvertible,
  Tensor,
  type TensorConvertible,
  type TensorLike,
} from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { withNameScope } from "../scope/name_scope.js";
import { AUTO_REUSE, type ReuseMode } from "../scope/reuse.js";
import type {
  Constraint,
  CustomGetter,
  Initializer,
  InitializerFunction,
  Partitioner,
  Regularizer,
} from "../scope/types.js";
import { type VariableScope, VariableScopeStore } from "../scope/variable_scope.js";
import { VariableStore } from "../scope/variable_store.js";
import { isInitializer, glorotUniformInitializer, zerosInitializer } from "../ops/init_ops.js";
import { convertToTensor } from "../ops/convert.js";
import { makeVariable, Variable, variableInit } from "./variable.js";
import { useResourceByDefault } from "../scope/resource_default.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  kind,
  opt,
  req,
  shapeKind,
  stringKind,
  type ArgsOf,
  type CallArgs,
  type Kind,
  type OptionsOf,
} from "../graph/call_args.js";
import {
  aggregationKind,
  checkedLaterKind,
  initializerKind,
  refuseDistribution,
  refuseUnsupported,
  synchronizationKind,
} from "../scope/arg_kinds.js";

/** A public entry point, as a value for stack capture. */
type PublicEntry = (...args: never[]) => unknown;

function fnKind<T>(): Kind<T> {
  return kind<T>("a function", (v) => typeof v === "function");
}

/**
 * TF 1.15's `get_variable(name, shape=None, dtype=None, initializer=None,
 * regularizer=None, trainable=None, collections=None, caching_device=None,
 * partitioner=None, validate_shape=True, use_resource=None, custom_getter=None,
 * constraint=None, synchronization=AUTO, aggregation=NONE)`; `get_local_variable` takes
 * the same.
 */
const GET_VARIABLE_PARAMS = [
  req("name", stringKind),
  opt("shape", shapeKind),
  opt("dtype", dtypeKind),
  opt("initializer", initializerKind as Kind<Initializer | InitializerFunction | TensorLike>),
  opt("regularizer", fnKind<Regularizer>()),
  opt("trainable", booleanKind),
  // TensorFlow's own checks (ValueError) come later, with its messages.
  opt("collections", checkedLaterKind<readonly string[]>("a list of collection names")),
  opt("cachingDevice", stringKind),
  opt("partitioner", fnKind<Partitioner>()),
  opt("validateShape", booleanKind),
  opt("useResource", booleanKind),
  opt("customGetter", checkedLaterKind<CustomGetter>("a function")),
  opt("constraint", fnKind<Constraint>()),
  opt("synchronization", synchronizationKind),
  opt("aggregation", aggregationKind),
] as const;
const GET_VARIABLE = defineParams("getVariable", GET_VARIABLE_PARAMS);
const GET_LOCAL_VARIABLE = defineParams("getLocalVariable", GET_VARIABLE_PARAMS);

type GetVariableArgs = ArgsOf<typeof GET_VARIABLE_PARAMS>;

/** The options object of {@link getVariable} (after the name). */
export type GetVariableOptions = Omit<OptionsOf<typeof GET_VARIABLE_PARAMS>, "name">;

/**
 * Gets an existing variable or creates a new one (`tf.get_variable`, TF's parameters in
 * TF's order: `name, shape, dtype, initializer, …`). The full name is the current
 * variable scope's name plus `name`; name scopes play no part. Whether it may create,
 * must reuse, or may do either is the scope's `reuse`.
 *
 * @example
 * ```ts
 * const tax = tf.variableScope("other_charge", { reuse: tf.AUTO_REUSE }, () =>
 *   tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) }),
 * );
 * tax.name; // ==> other_charge/tax:0
 * ```
 */
export function getVariable(...args: CallArgs<typeof GET_VARIABLE_PARAMS>): Variable {
  const a = checkArgs(GET_VARIABLE.parse(args), "getVariable");
  const graph = getDefaultGraph();
  const store = VariableScopeStore.of(graph);
  const scope = store.current;
  let site: Error | null = null;
  if (creates(graph, scope, a)) {
    // A helper's body written out: a frame less to capture and keep.
    const call = store.call;
    const limit = Error.stackTraceLimit;
    if (call?.site) {
      Error.stackTraceLimit = SCOPE_BODY_FRAMES + ENTRY_FRAMES;
      site = new Error("defined at", { cause: call.site });
    } else {
      Error.stackTraceLimit = CALL_SITE_FRAMES + ENTRY_FRAMES;
      site = new Error("defined at");
      if (call !== null) call.site = site;
    }
    Error.stackTraceLimit = limit;
  }
  return atomically(graph, scope, a, getVariable, site) as Variable;
}

/** `getVariableIn` inside a savepoint (`graph.atomically` without its closure). */
function atomically(
  graph: Graph,
  scope: VariableScope,
  a: GetVariableArgs,
  entry: PublicEntry,
  site: Error | null,
): TensorConvertible {
  const sp = graph.savepoint();
  let result: TensorConvertible;
  try {
    result = getVariableIn(graph, scope, a, entry, site);
  } catch (e) {
    graph.rollbackTo(sp);
    throw e;
  }
  graph.release();
  return result;
}

/**
 * How many frames above the public entry a variable keeps for "Originally defined at:".
 * A capture costs about 2 µs for its first frame and 0.4 µs for each further one (V8
 * decodes every optimized frame it walks), and the frames stay alive with the variable, so
 * this is the largest part of creating one. Six reach five user frames
 * from plain calls (TensorFlow shows five), and four from inside nested `variableScope`s
 * (each level puts one frame of scopeflow's, `variableScope`'s, between the user's).
 */
const CALL_SITE_FRAMES = 6;

/**
 * How many frames above the public entry the variables after the first created in one
 * `variableScope` body keep: those above the scope's frame, with three levels of the
 * user's functions in the body (a `weight_variable` helper) and the scope's frame itself;
 * the frames below it are the first variable's (its capture is the `cause`). Two frames
 * fewer to capture and keep than {@link CALL_SITE_FRAMES}, the same window when joined.
 */
const SCOPE_BODY_FRAMES = 4;

/**
 * Whether a call may create a reference variable, and so needs the caller's stack for
 * "Originally defined at:": not under `reuse: true`, nor under `AUTO_REUSE` with the
 * variable there, nor for a resource variable (TensorFlow shows no traceback for one).
 */
function creates(graph: Graph, scope: VariableScope, a: GetVariableArgs): boolean {
  if (scope.reuse === true) return false;
  if ((a.useResource ?? scope.useResource ?? useResourceByDefault()) === true) return false;
  const name = a.name;
  if (scope.reuse === AUTO_REUSE) {
    const fullName = scope.name ? `${scope.name}/${name}` : name;
    if (VariableStore.of<Variable>(graph).has(fullName)) return false;
  }
  return true;
}

/**
 * The frames of scopeflow's own at the top of the caller's stack that `getVariable` and
 * `getLocalVariable` capture for "Originally defined at:": their own. They capture it
 * with `new Error` in their body, {@link CALL_SITE_FRAMES} frames above it and this one,
 * which is dropped with scopeflow's other frames when formatted: the frames that
 * `Error.captureStackTrace(e, entry)` gives, without the dictionary-mode properties it
 * leaves on its target (about 140 bytes more per variable, kept as long as the graph).
 * V8 formats the frames only when `stack` is read.
 */
const ENTRY_FRAMES = 1;
declare(getVariable, GET_VARIABLE);

/**
 * A non-trainable variable in `LOCAL_VARIABLES` only (`tf.get_local_variable`), for
 * counters and metrics that are not saved with the model. As in TensorFlow, `trainable`
 * is accepted and has no effect.
 *
 * @example
 * ```ts
 * const count = tf.getLocalVariable("count", [], { dtype: tf.int32 });
 * count.trainable; // ==> false
 * ```
 */
export function getLocalVariable(...args: CallArgs<typeof GET_VARIABLE_PARAMS>): Variable {
  const a = checkArgs(GET_LOCAL_VARIABLE.parse(args), "getLocalVariable");
  const collections = a.collections
    ? [...a.collections, GraphKeys.LOCAL_VARIABLES]
    : [GraphKeys.LOCAL_VARIABLES];
  const graph = getDefaultGraph();
  const store = VariableScopeStore.of(graph);
  const scope = store.current;
  let site: Error | null = null;
  if (creates(graph, scope, a)) {
    // As in `getVariable`.
    const call = store.call;
    const limit = Error.stackTraceLimit;
    if (call?.site) {
      Error.stackTraceLimit = SCOPE_BODY_FRAMES + ENTRY_FRAMES;
      site = new Error("defined at", { cause: call.site });
    } else {
      Error.stackTraceLimit = CALL_SITE_FRAMES + ENTRY_FRAMES;
      site = new Error("defined at");
      if (call !== null) call.site = site;
    }
    Error.stackTraceLimit = limit;
  }
  const local = { ...a, trainable: false, collections };
  return atomically(graph, scope, local, getLocalVariable, site) as Variable;
}
declare(getLocalVariable, GET_LOCAL_VARIABLE);

/** TensorFlow's checks of `collections` and `custom_getter`, and what scopeflow lacks. */
function checkArgs(a: GetVariableArgs, fn: string): GetVariableArgs {
  if (a.collections !== undefined && !Array.isArray(a.collections)) {
    throw new ValueError(
      `collections argument to Variable constructor must be a list, tuple, or set. Got ${String(a.collections)} of type ${typeof a.collections}`,
    );
  }
  if (a.customGetter !== undefined && typeof a.customGetter !== "function") {
    throw new ValueError(`Passed a custom_getter which is not callable: ${String(a.customGetter)}`);
  }
  refuseUnsupported(
    fn,
    "cachingDevice",
    a.cachingDevice,
    "scopeflow places every variable on its one device",
  );
  refuseDistribution(fn, a.synchronization, a.aggregation);
  return a;
}

/** Whether an initializer is callable (an initializer object or a function) rather than a value. */
function isCallableInitializer(init: unknown): init is Initializer | InitializerFunction {
  return isInitializer(init) || typeof init === "function";
}

/** `VariableScope.get_variable`: fills in the scope's defaults, then the getter. */
function getVariableIn(
  graph: Graph,
  scope: VariableScope,
  opts: GetVariableArgs,
  publicEntry: PublicEntry,
  callSite: Error | null,
): TensorConvertible {
  const name = opts.name;
  const regularizer = opts.regularizer ?? scope.regularizer;
  const partitioner = opts.partitioner ?? scope.partitioner;
  const customGetter = opts.customGetter ?? scope.customGetter;
  const reuse = scope.reuse;
  const fullName = scope.name ? `${scope.name}/${name}` : name;
  if (opts.dtype !== undefined && opts.initializer instanceof Tensor) {
    // A tensor converts to itself: no op is built.
    const initDType = convertToTensor(opts.initializer).dtype;
    if (initDType !== opts.dtype) {
      throw new ValueError(
        // TensorFlow formats the two DType objects with `%s`.
        `Initializer type '${pyDType(initDType)}' and explicit dtype '${pyDType(opts.dtype)}' don't match.`,
      );
    }
  }
  const request: GetterOptions = {
    shape: opts.shape ?? null,
    dtype: opts.dtype ?? scope.dtype,
    initializer: opts.initializer ?? scope.initializer,
    regularizer,
    reuse,
    trainable: opts.trainable ?? true,
    collections: opts.collections === undefined ? null : [...opts.collections],
    validateShape: opts.validateShape ?? true,
    partitioner,
    constraint: opts.constraint ?? scope.constraint,
    dtypeGiven: opts.dtype !== undefined,
    useResource: opts.useResource ?? scope.useResource,
    publicEntry,
    callSite,
  };
  if (customGetter !== null) {
    const getter = (n: string, o: Record<string, unknown>): TensorConvertible =>
      trueGetter(graph, n, { ...request, ...(o as Partial<GetterOptions>) }, false);
    // `withNameScope` also refuses a getter returning a Promise.
    return withNameScope(graph, null, () => customGetter(getter, fullName, { ...request }));
  }
  // `withNameScope(graph, null, …)` without its closures: the common path.
  const outer = graph.nameStack;
  graph.setNameStack("");
  try {
    return trueGetter(graph, fullName, request, true);
  } finally {
    graph.setNameStack(outer);
  }
}

/** The full option set the store-level getter works with (what custom getters receive). */
interface GetterOptions {
  shape: ShapeLike | null;
  dtype: DType;
  initializer: Initializer | InitializerFunction | TensorLike | null;
  regularizer: Regularizer | null;
  reuse: ReuseMode;
  trainable: boolean;
  collections: string[] | null;
  validateShape: boolean;
  partitioner: Partitioner | null;
  constraint: Constraint | null;
  dtypeGiven: boolean;
  /** `use_resource`: `null` leaves it to `tf.enableResourceVariables`. */
  useResource: boolean | null;
  /** The public function the user called: call-site capture starts above it. */
  publicEntry: PublicEntry;
  /** The stack captured on entering `publicEntry`, if it was (else captured on creating). */
  callSite: Error | null;
}

/**
 * `_VariableStore.get_variable`'s `_true_getter`. `checked`: the options are
 * `getVariable`'s own, checked on entry (else a custom getter's, which the `Variable`
 * constructor checks).
 */
function trueGetter(graph: Graph, fullName: string, o: GetterOptions, checked: boolean): Variable {
  const shape = TensorShape.from(o.shape);
  if (o.partitioner !== null && !(o.shape !== null && shape.rank === 0)) {
    throw new UnimplementedError(
      `Partitioned variables are not supported by scopeflow yet (variable ${fullName}).`,
    );
  }
  return getSingleVariable(graph, fullName, shape, o, checked);
}

/** `_get_single_variable`: the store decides; this builds when asked to. */
function getSingleVariable(
  graph: Graph,
  fullName: string,
  shape: TensorShape,
  o: GetterOptions,
  checked: boolean,
): Variable {
  const initializingFromValue = o.initializer !== null && !isCallableInitializer(o.initializer);
  if (o.shape !== null && initializingFromValue) {
    throw new ValueError("If initializer is a constant, do not specify shape.");
  }
  const store = VariableStore.of<Variable>(graph);
  const found = store.find(fullName, shape, o.dtype, o.reuse);
  if (found !== undefined) return found;
  const v = createVariable(fullName, shape, o, initializingFromValue, checked);
  if (o.regularizer !== null) addRegularizationLoss(graph, fullName, v, o.regularizer);
  // Keyed by the op's name where it is the same: one string kept, not two.
  store.put(v.op.name === fullName ? v.op.name : fullName, v);
  return v;
}

function createVariable(
  fullName: string,
  shape: TensorShape,
  o: GetterOptions,
  initializingFromValue: boolean,
  checked: boolean,
): Variable {
  let initializer = o.initializer;
  if (initializer === null) initializer = defaultInitializer(fullName, o.dtype);
  let initialValue: TensorLike | (() => TensorLike);
  let variableDType: DType | null;
  if (initializingFromValue) {
    initialValue = initializer as TensorLike;
    // A JS number cannot say int or float: the requested dtype decides.
    variableDType =
      initializer instanceof Tensor || isTensorConvertible(initializer) ? null : o.dtype;
  } else if (shape.isFullyDefined()) {
    const init = initializer as Initializer | InitializerFunction;
    // `asList()` without its `slice` of a frozen array, which takes V8's slow path.
    const dims = [...(shape.dims as number[])];
    // Bound rather than an arrow assigned to a name: tools that keep function names
    // (tsx, esbuild's keepNames) define a `name` on each such closure, per variable.
    initialValue = callInitializer.bind(undefined, init, dims, o.dtype);
    variableDType = o.dtype;
  } else if (typeof initializer === "function" && initializer.length === 0) {
    const init = initializer as () => TensorLike;
    initialValue = () => init();
    variableDType = null;
  } else {
    throw new ValueError(
      "The initializer passed is not valid. It should be a callable with no arguments and the shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` should be fully defined.",
    );
  }
  // Captured only when creating a reference variable, from the public function the user
  // called (here when the entry could not tell: a custom getter's request).
  const useResource = o.useResource ?? useResourceByDefault();
  const definedAt = useResource
    ? null
    : (o.callSite ?? captureCallSite(CALL_SITE_FRAMES, o.publicEntry));
  if (!checked) {
    // A custom getter's options reach the constructor, which checks them as TF does.
    const init = variableInit(initialValue, {
      name: fullName,
      trainable: o.trainable,
      collections: o.collections,
      dtype: variableDType,
      validateShape: o.validateShape,
      constraint: o.constraint,
      useResource: o.useResource,
    });
    return makeVariable({ ...init, definedAt });
  }
  return makeVariable({
    initialValue,
    name: fullName,
    trainable: o.trainable,
    collections: o.collections ?? DEFAULT_COLLECTIONS,
    dtype: variableDType,
    validateShape: o.validateShape,
    shape: null,
    constraint: o.constraint,
    definedAt,
    useResource,
  });
}

/** `Variable`'s default collections. */
const DEFAULT_COLLECTIONS: readonly string[] = Object.freeze([GraphKeys.GLOBAL_VARIABLES]);

function callInitializer(
  init: Initializer | InitializerFunction,
  shape: number[],
  dtype: DType,
): TensorLike {
  return typeof init === "function" ? init(shape, dtype, null) : init.call(shape, dtype, null);
}

/** Glorot uniform for floats, zeros for ints, bools and strings (`_get_default_initializer`). */
function defaultInitializer(name: string, dtype: DType): Initializer {
  if (isFloating(dtype)) return glorotUniformInitializer();
  if (isInteger(dtype) || dtype === "bool" || dtype === "string") return zerosInitializer();
  throw new ValueError(`An initializer for variable ${name} of ${dtype} is required`);
}

/** Runs the regularizer under `<name>/Regularizer/` and records a non-null loss. */
function addRegularizationLoss(
  graph: Graph,
  fullName: string,
  v: Variable,
  regularizer: Regularizer,
): void {
  const loss = withNameScope(graph, `${fullName}/Regularizer/`, () =>
    graph.initScope(() => regularizer(v)),
  );
  if (loss !== null && loss !== undefined) graph.addItem(GraphKeys.REGULARIZATION_LOSSES, loss);
}

/** The variable store of the default graph, keyed by full variable name. */
export function variableStore(graph: Graph = getDefaultGraph()): VariableStore<Variable> {
  return VariableStore.of<Variable>(graph);
}

/** The scope frames of the default graph (for tests and tools). */
export function variableScopeStore(graph: Graph = getDefaultGraph()): VariableScopeStore {
  return VariableScopeStore.of(graph);
}
