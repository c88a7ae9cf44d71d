import { UnimplementedError, ValueError } from "../errors.js";
import { asDType, isFloating, isInteger, type DType } from "../graph/dtypes.js";
import { captureCallSite, getDefaultGraph, GraphKeys, type Graph } from "../graph/graph.js";
import {
  isTensorConvertible,
  Tensor,
  type TensorConvertible,
  type TensorLike,
} from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { withNameScope } from "../scope/name_scope.js";
import type { ReuseMode } from "../scope/reuse.js";
import type {
  Constraint,
  CustomGetter,
  Initializer,
  InitializerFunction,
  Partitioner,
  Regularizer,
} from "../scope/types.js";
import { getVariableScope, VariableScopeStore } from "../scope/variable_scope.js";
import { VariableStore } from "../scope/variable_store.js";
import { isInitializer, glorotUniformInitializer, zerosInitializer } from "../ops/init_ops.js";
import { convertToTensor } from "../ops/convert.js";
import { Variable } from "./variable.js";

/** A public entry point, as a value for stack capture. */
type PublicEntry = (...args: never[]) => unknown;

/** Options of {@link getVariable}. */
export interface GetVariableOptions {
  shape?: ShapeLike | null;
  dtype?: DType | null;
  /** An initializer object, a function, a `Tensor` (then no `shape`), or a JS value. */
  initializer?: Initializer | InitializerFunction | TensorLike | null;
  regularizer?: Regularizer | null;
  trainable?: boolean | null;
  collections?: string[] | null;
  validateShape?: boolean;
  partitioner?: Partitioner | null;
  constraint?: Constraint | null;
  customGetter?: CustomGetter | null;
}

/**
 * Gets an existing variable or creates a new one (`tf.get_variable`). The full name is
 * the current variable scope's name plus `name`; name scopes play no part. Whether it
 * may create, must reuse, or may do either is the scope's `reuse`.
 *
 * @example
 * ```ts
 * const tax = tf.variableScope("other_charge", { reuse: tf.AUTO_REUSE }, () =>
 *   tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) }),
 * );
 * tax.name; // ==> other_charge/tax:0
 * ```
 */
export function getVariable(
  name: string,
  shape?: ShapeLike | GetVariableOptions | null,
  options?: GetVariableOptions,
): Variable {
  const opts = normalizeArgs(name, shape, options);
  const graph = getDefaultGraph();
  return graph.atomically(() => getVariableIn(graph, name, opts, getVariable)) as Variable;
}

/**
 * A non-trainable variable in `LOCAL_VARIABLES` only (`tf.get_local_variable`), for
 * counters and metrics that are not saved with the model.
 *
 * @example
 * ```ts
 * const count = tf.getLocalVariable("count", [], { dtype: tf.int32 });
 * count.trainable; // ==> false
 * ```
 */
export function getLocalVariable(
  name: string,
  shape?: ShapeLike | GetVariableOptions | null,
  options?: GetVariableOptions,
): Variable {
  const opts = normalizeArgs(name, shape, options);
  const collections = opts.collections
    ? [...opts.collections, GraphKeys.LOCAL_VARIABLES]
    : [GraphKeys.LOCAL_VARIABLES];
  const graph = getDefaultGraph();
  return graph.atomically(() =>
    getVariableIn(graph, name, { ...opts, trainable: false, collections }, getLocalVariable),
  ) as Variable;
}

function isShapeLike(value: unknown): value is ShapeLike {
  return Array.isArray(value) || value instanceof TensorShape;
}

function normalizeArgs(
  name: unknown,
  shape: ShapeLike | GetVariableOptions | null | undefined,
  options: GetVariableOptions | undefined,
): GetVariableOptions {
  if (typeof name !== "string")
    throw new TypeError(`getVariable: the name must be a string, got ${typeof name}.`);
  let opts: GetVariableOptions;
  if (shape === undefined || shape === null || isShapeLike(shape)) {
    opts = { ...(options ?? {}) };
    if (shape !== undefined && shape !== null) {
      if (opts.shape !== undefined && opts.shape !== null)
        throw new TypeError("getVariable: shape given twice.");
      opts.shape = shape;
    }
  } else if (typeof shape === "object") {
    if (options !== undefined)
      throw new TypeError("getVariable(name, options): no third argument after options.");
    opts = { ...shape };
  } else {
    throw new TypeError(
      `getVariable: the second argument must be a shape or an options object, got ${typeof shape}.`,
    );
  }
  if (opts.shape !== undefined && opts.shape !== null) TensorShape.from(opts.shape);
  if (opts.dtype !== undefined && opts.dtype !== null) asDType(opts.dtype);
  if (
    opts.collections !== undefined &&
    opts.collections !== null &&
    !Array.isArray(opts.collections)
  ) {
    throw new ValueError(
      `collections argument to Variable constructor must be a list, tuple, or set. Got ${String(opts.collections)} of type ${typeof opts.collections}`,
    );
  }
  if (
    opts.customGetter !== undefined &&
    opts.customGetter !== null &&
    typeof opts.customGetter !== "function"
  ) {
    throw new ValueError(
      `Passed a custom_getter which is not callable: ${String(opts.customGetter)}`,
    );
  }
  return opts;
}

/** Whether an initializer is callable (an initializer object or a function) rather than a value. */
function isCallableInitializer(init: unknown): init is Initializer | InitializerFunction {
  return isInitializer(init) || typeof init === "function";
}

/** `VariableScope.get_variable`: fills in the scope's defaults, then the getter. */
function getVariableIn(
  graph: Graph,
  name: string,
  opts: GetVariableOptions,
  publicEntry: PublicEntry,
): TensorConvertible {
  const scope = getVariableScope();
  const regularizer = opts.regularizer ?? scope.regularizer;
  const partitioner = opts.partitioner ?? scope.partitioner;
  const customGetter = opts.customGetter ?? scope.customGetter;
  const reuse = scope.reuse;
  const fullName = scope.name ? `${scope.name}/${name}` : name;
  // Variable names depend only on the variable scope, so the name scope is reset.
  return withNameScope(graph, null, () => {
    if (
      opts.dtype &&
      opts.initializer !== undefined &&
      opts.initializer !== null &&
      opts.initializer instanceof Tensor
    ) {
      const initDType = convertToTensor(opts.initializer).dtype;
      if (initDType !== opts.dtype) {
        throw new ValueError(
          // TensorFlow formats the two DType objects with `%s`: `<dtype: 'int32'>`.
          `Initializer type '<dtype: '${initDType}'>' and explicit dtype '<dtype: '${opts.dtype}'>' don't match.`,
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
      collections: opts.collections ?? null,
      validateShape: opts.validateShape ?? true,
      partitioner,
      constraint: opts.constraint ?? scope.constraint,
      dtypeGiven: opts.dtype !== undefined && opts.dtype !== null,
      publicEntry,
    };
    if (customGetter !== null) {
      const getter = (n: string, o: Record<string, unknown>): TensorConvertible =>
        trueGetter(graph, n, { ...request, ...(o as Partial<GetterOptions>) });
      return customGetter(getter, fullName, { ...request });
    }
    return trueGetter(graph, fullName, request);
  });
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
  /** The public function the user called: call-site capture starts above it. */
  publicEntry: PublicEntry;
}

/** `_VariableStore.get_variable`'s `_true_getter`. */
function trueGetter(graph: Graph, fullName: string, o: GetterOptions): Variable {
  const isScalar = o.shape !== null && TensorShape.from(o.shape).rank === 0;
  if (o.partitioner !== null && !isScalar) {
    throw new UnimplementedError(
      `Partitioned variables are not supported by scopeflow yet (variable ${fullName}).`,
    );
  }
  return getSingleVariable(graph, fullName, o);
}

/** `_get_single_variable`: the store decides; this builds when asked to. */
function getSingleVariable(graph: Graph, fullName: string, o: GetterOptions): Variable {
  const initializingFromValue = o.initializer !== null && !isCallableInitializer(o.initializer);
  if (o.shape !== null && initializingFromValue) {
    throw new ValueError("If initializer is a constant, do not specify shape.");
  }
  const shape = TensorShape.from(o.shape);
  const store = VariableStore.of<Variable>(graph);
  return store.getOrCreate({
    name: fullName,
    shape,
    dtype: o.dtype,
    reuse: o.reuse,
    create: () => {
      const v = createVariable(fullName, shape, o, initializingFromValue);
      if (o.regularizer !== null) addRegularizationLoss(graph, fullName, v, o.regularizer);
      return v;
    },
  });
}

function createVariable(
  fullName: string,
  shape: TensorShape,
  o: GetterOptions,
  initializingFromValue: boolean,
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
    const dims = shape.asList() as number[];
    initialValue = () => callInitializer(init, dims, o.dtype);
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
  return new Variable(initialValue, {
    name: fullName,
    trainable: o.trainable,
    collections: o.collections ?? undefined,
    dtype: variableDType ?? undefined,
    validateShape: o.validateShape,
    constraint: o.constraint,
    // Captured only when creating: the user's frames sit about 12 frames up from here.
    definedAt: captureCallSite(16, o.publicEntry),
  });
}

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
  if (loss !== null && loss !== undefined)
    graph.addToCollection(GraphKeys.REGULARIZATION_LOSSES, loss);
}

/** The variable store of the default graph, keyed by full variable name. */
export function variableStore(graph: Graph = getDefaultGraph()): VariableStore<Variable> {
  return VariableStore.of<Variable>(graph);
}

/** The scope frames of the default graph (for tests and tools). */
export function variableScopeStore(graph: Graph = getDefaultGraph()): VariableScopeStore {
  return VariableScopeStore.of(graph);
}
