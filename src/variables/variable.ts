import { ValueError } from "../errors.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { asDType, type DType } from "../graph/dtypes.js";
import { getDefaultGraph, GraphKeys, type Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import {
  toTensorSymbol,
  type Tensor,
  type TensorConvertible,
  type TensorLike,
} from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import type { SliceItem } from "../graph/slice_spec.js";
import { openNameScope, withNameScope } from "../scope/name_scope.js";
import type { Constraint } from "../scope/types.js";
import { convertToTensor } from "../ops/convert.js";
import { pythonOperator, neg } from "../ops/math/operators.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { identity } from "../ops/math/unary.js";
import {
  assign,
  assignAdd,
  assignSub,
  initialAssign,
  variableOp,
  variableRead,
} from "../ops/state/variable_ops.js";
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
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import {
  fromVariableDef,
  RESOURCE_VARIABLE_OPS,
  toVariableDef,
  type VariableDefMessage,
} from "./variable_def.js";
import {
  assignVariableOp,
  readVariableOp,
  resourceGather,
} from "../ops/state/resource_variable_ops.js";
import { gather } from "../ops/array/gather.js";
import { VariableScopeStore } from "../scope/variable_scope.js";
import { useResourceByDefault } from "../scope/resource_default.js";
import { buildResourceVariable } from "./resource_variable.js";
import { buildOp } from "../ops/op_scope.js";
import {
  aggregationKind,
  checkedLaterKind,
  refuseDistribution,
  refuseUnsupported,
  synchronizationKind,
} from "../scope/arg_kinds.js";

/** A `VariableDef` message (a plain object with TF's field names in camelCase). */
const variableDefKind = kind<VariableDefMessage>(
  "a VariableDef",
  (v) => typeof v === "object" && v !== null && "variableName" in v,
  (o) => "variableName" in o,
);

/**
 * TF 1.15's `Variable(initial_value=None, trainable=None, collections=None,
 * validate_shape=True, caching_device=None, name=None, variable_def=None, dtype=None,
 * expected_shape=None, import_scope=None, constraint=None, use_resource=None,
 * synchronization=AUTO, aggregation=NONE, shape=None)` (`VariableV1`).
 */
const VARIABLE_PARAMS = [
  opt(
    "initialValue",
    kind<TensorLike | (() => TensorLike)>(
      "a Tensor, a value convertible to one, or a function returning one",
      (v) => typeof v === "function" || tensorKind.check(v),
    ),
  ),
  opt("trainable", booleanKind),
  // TensorFlow's own checks (ValueError) come later, with its messages.
  opt("collections", checkedLaterKind<readonly string[]>("a list of collection names")),
  opt("validateShape", booleanKind),
  opt("cachingDevice", stringKind),
  opt("name", stringKind),
  opt("variableDef", variableDefKind),
  opt("dtype", dtypeKind),
  opt("expectedShape", shapeKind),
  opt("importScope", stringKind),
  opt("constraint", checkedLaterKind<Constraint>("a function")),
  opt("useResource", booleanKind),
  opt("synchronization", synchronizationKind),
  opt("aggregation", aggregationKind),
  opt("shape", shapeKind),
] as const;
const VARIABLE = defineParams("Variable", VARIABLE_PARAMS);

/** The options object of `new tf.Variable`. */
export type VariableOptions = OptionsOf<typeof VARIABLE_PARAMS>;

/** TF 1.15's `assign(value, use_locking=False, name=None, read_value=True)`. */
const ASSIGN_PARAMS = [
  req("value", tensorKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
  opt("readValue", booleanKind),
] as const;
/** `assign_add(delta, use_locking=False, name=None, read_value=True)`, and `assign_sub`. */
const ASSIGN_DELTA_PARAMS = [
  req("delta", tensorKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
  opt("readValue", booleanKind),
] as const;
const ASSIGN = defineParams("Variable.assign", ASSIGN_PARAMS);
const ASSIGN_ADD = defineParams("Variable.assignAdd", ASSIGN_DELTA_PARAMS);
const ASSIGN_SUB = defineParams("Variable.assignSub", ASSIGN_DELTA_PARAMS);

/** A session, for `eval` and `load` (the class lives in `session/`, above this layer). */
const sessionKind = kind<object>(
  "a Session",
  (v) => typeof v === "object" && v !== null && typeof (v as { run?: unknown }).run === "function",
);
const EVAL_PARAMS = [opt("session", sessionKind)] as const;
const LOAD_PARAMS = [
  req("value", checkedLaterKind<unknown>("a value")),
  opt("session", sessionKind),
] as const;
const EVAL = defineParams("Variable.eval", EVAL_PARAMS);
/** `to_proto(export_scope=None)`. */
const TO_PROTO = defineParams("Variable.toProto", [opt("exportScope", stringKind)] as const);
/** `from_proto(variable_def, import_scope=None)`. */
const FROM_PROTO = defineParams("Variable.fromProto", [
  req("variableDef", variableDefKind),
  opt("importScope", stringKind),
] as const);
const LOAD = defineParams("Variable.load", LOAD_PARAMS);
/** `sparse_read(indices, name=None)`. */
const SPARSE_READ_PARAMS = [req("indices", tensorKind), opt("name", stringKind)] as const;
const SPARSE_READ = defineParams("Variable.sparseRead", SPARSE_READ_PARAMS);

/** The options object of {@link Variable.assign}. */
export type VariableAssignOptions = OptionsOf<typeof ASSIGN_DELTA_PARAMS>;

/**
 * A new variable's arguments, checked and with TensorFlow's defaults filled in, and where
 * it was defined (for "Originally defined at:", not a TF parameter): what `getVariable`
 * hands over, sparing the parse of an options object for every variable.
 */
export interface VariableInit {
  initialValue: TensorLike | (() => TensorLike);
  name: string | undefined;
  trainable: boolean;
  collections: readonly string[];
  dtype: DType | null;
  validateShape: boolean;
  /** The variable's shape when not the initial value's (`shape`). */
  shape: TensorShape | null;
  constraint: Constraint | null;
  definedAt: Error | null;
  /** A resource variable (`VarHandleOp`), as `use_resource=True` builds; else `VariableV2`. */
  useResource?: boolean;
}

/** The constructor's `variableDef` form: a variable wrapping ops already in the graph. */
interface FromVariableDef {
  variableDef: VariableDefMessage;
  importScope: string | undefined;
}

/** The checked arguments of the `Variable` being constructed by {@link makeVariable}. */
let pendingInit: VariableInit | null = null;

/** `new Variable(...)` from arguments already checked (see {@link VariableInit}). */
export function makeVariable(init: VariableInit): Variable {
  pendingInit = init;
  try {
    return new Variable();
  } finally {
    pendingInit = null;
  }
}

/** What a session needs to evaluate and load variables; installed by `session/`. */
export interface VariableSessionHooks {
  run(session: unknown, fetch: unknown, feeds?: Map<Tensor, unknown>): unknown;
}

let sessionHooks: VariableSessionHooks | null = null;

/** Installs how `Variable.eval` and `Variable.load` reach a session. */
export function installVariableSessionHooks(hooks: VariableSessionHooks): void {
  sessionHooks = hooks;
}

type InitPair = { initializer: Operation; initialValue: Tensor | null };
/** Set by `Variable`'s static block, which alone may write a variable's initializer. */
let swapInitializer: (v: Variable, init: InitPair) => InitPair;

/**
 * Makes `initializer` (an op assigning `initialValue` to `variable`) the variable's
 * initializer, as TF's `init_from_checkpoint` does by overwriting the RefVariable's
 * `_initializer_op` and `_initial_value`. Recorded on the variable's graph, so a failing
 * building call restores the previous pair.
 */
export function replaceInitializer(
  variable: Variable,
  initializer: Operation,
  initialValue: Tensor,
): void {
  const before = swapInitializer(variable, { initializer, initialValue });
  variable.graph.onUndo(() => swapInitializer(variable, before));
}

/**
 * A variable (TF 1.x `tf.Variable`, a `RefVariable`): a `VariableV2` op whose value lives
 * in each session, an `Assign` initializer and a `read` snapshot. Usable wherever a
 * tensor is: it stands for `<name>/read:0`.
 *
 * `new tf.Variable` never consults the variable store; its op name is made unique
 * (`layer1/w_1` when `layer1/w` is taken). Use `tf.getVariable` to share.
 *
 * @example
 * ```ts
 * const w = new tf.Variable(tf.randomNormal([2, 2]), { name: "w" });
 * w.name; // ==> w:0
 * String(w); // ==> <tf.Variable 'w:0' shape=(2, 2) dtype=float32_ref>
 * ```
 */
export class Variable implements TensorConvertible {
  /** The `VariableV2` op (a resource variable's: its `VarHandleOp`). */
  get op(): Operation {
    // The ref tensor's op, not a field of its own: one less for every variable kept.
    return this.ref.op;
  }
  /** The value read for ops that use the variable (`<name>/read:0`). */
  readonly snapshot: Tensor;
  /** The `Assign` op that sets the initial value. */
  get initializer(): Operation {
    return this._initializer;
  }
  /**
   * The tensor that computes the initial value. A variable rebuilt from a `VariableDef`
   * without `initial_value_name` (meta graphs of TF before 1.3), whose initial value TF
   * leaves `None`, gives the value its initializer assigns.
   */
  get initialValue(): Tensor {
    return this._initialValue ?? (this.initializer.inputs[1] as Tensor);
  }
  /** Replaced only through {@link replaceInitializer} (two fields: no object kept for them). */
  private _initializer: Operation;
  private _initialValue: Tensor | null;
  /** Whether optimizers update it by default. */
  readonly trainable: boolean;
  /** Applied after optimizer updates, when set. */
  readonly constraint: Constraint | null;
  private readonly ref: Tensor;

  constructor(...args: CallArgs<typeof VARIABLE_PARAMS>) {
    const checked = pendingInit;
    pendingInit = null;
    const init = checked ?? checkVariableArgs(args);
    if ("variableDef" in init) {
      // `_init_from_proto`: wraps ops already in the default graph (an imported meta
      // graph's), adding nothing to the graph or to any collection.
      const found = fromVariableDef(getDefaultGraph(), init.variableDef, init.importScope);
      this.ref = found.ref;
      this._initializer = found.initializer;
      this._initialValue = found.initialValue;
      this.snapshot = found.snapshot;
      this.trainable = found.trainable;
      this.constraint = null;
      return;
    }
    const graph = getDefaultGraph();
    const { trainable, collections } = init;
    const sp = graph.savepoint();
    try {
      const built =
        init.useResource === true
          ? graph.initScope(() => buildResourceVariable(graph, init))
          : buildVariable(graph, init);
      this.ref = built.ref;
      this._initializer = built.initializer;
      this._initialValue = built.initialValue;
      this.snapshot = built.snapshot;
      this.trainable = trainable;
      this.constraint = init.constraint;
      // `add_to_collections`: each distinct name once, trainable variables in theirs too.
      // An indexed loop: `for…of` over a frozen list (the default one) allocates per step.
      for (let i = 0; i < collections.length; i++) {
        const key = collections[i] as string;
        if (collections.indexOf(key) === i) graph.addItem(key, this);
      }
      if (trainable && !collections.includes(GraphKeys.TRAINABLE_VARIABLES)) {
        graph.addItem(GraphKeys.TRAINABLE_VARIABLES, this);
      }
    } catch (e) {
      graph.rollbackTo(sp);
      throw e;
    }
    graph.release();
  }

  /** `"scope/v:0"`. */
  get name(): string {
    return this.ref.name;
  }
  /**
   * Whether it is a resource variable (TF's `ResourceVariable`, from an imported meta
   * graph): its op is a `VarHandleOp`, read by `ReadVariableOp`s and written through
   * `AssignVariableOp`s on the handle.
   */
  get isResource(): boolean {
    return RESOURCE_VARIABLE_OPS.has(this.op.type);
  }
  /** The static shape. */
  get shape(): TensorShape {
    return this.isResource ? (this.op.attrs.shape as TensorShape) : this.ref.shape;
  }
  /** TensorFlow's `get_shape()`. */
  getShape(): TensorShape {
    return this.shape;
  }
  /** The base dtype (`"float32"`; `toString` shows `float32_ref`). */
  get dtype(): DType {
    return this.isResource ? (this.op.attrs.dtype as DType) : this.ref.dtype;
  }
  /** The graph that holds it. */
  get graph(): Graph {
    return this.op.graph;
  }
  /** The device requested for the variable (`Variable.device`: its `VariableV2` op's). */
  get device(): string {
    return this.op.device;
  }
  /**
   * The storage tensor (`float32_ref`), as ops that write take it; a resource variable's
   * handle (`resource`).
   */
  get refTensor(): Tensor {
    return this.ref;
  }

  [toTensorSymbol](asRef: boolean): Tensor {
    if (asRef) return this.ref;
    return this.isResource ? this.value() : this.snapshot;
  }

  /**
   * The snapshot tensor `<name>/read:0`. A resource variable has no cached value: each
   * call adds a `ReadVariableOp` in the current name scope (TF's `value()`), as each use
   * of the variable where a tensor is wanted does.
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [2], { useResource: true });
   * tf.nameScope("layer", () => v.value().name); // ==> layer/ReadVariableOp:0
   * ```
   */
  value(): Tensor {
    if (!this.isResource) return this.snapshot;
    return this.graph.colocateWith(null, () => readVariableOp(this.ref, this.dtype), true);
  }

  /**
   * A new read of the current value (`read_value()`): an `Identity` named `read`; for a
   * resource variable a `ReadVariableOp` under a `Read` name scope, then an `Identity`.
   */
  readValue(): Tensor {
    if (this.isResource) {
      const value = withNameScope(this.graph, "Read", () => readVariableOp(this.ref, this.dtype));
      return identity(value);
    }
    return identity(this.ref, { name: "read" });
  }

  /**
   * The rows `indices` of a resource variable (`sparse_read(indices, name=None)`): a
   * `ResourceGather` named `Gather` (or `name`), then an `Identity`; `tf.gather` on a
   * resource variable reads this way. A reference variable gathers from its snapshot.
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [3, 2], { useResource: true });
   * v.sparseRead([0, 2]).op.inputs[0].op.type; // ==> ResourceGather
   * ```
   */
  sparseRead(...args: CallArgs<typeof SPARSE_READ_PARAMS>): Tensor {
    const a = SPARSE_READ.parse(args);
    if (!this.isResource) return gather(this.snapshot, a.indices, { name: a.name });
    const value = withNameScope(this.graph, a.name ?? "Gather", (scope) =>
      resourceGather(this.ref, a.indices, this.dtype, scope),
    );
    return identity(value);
  }

  /**
   * An op that sets the variable to `value` (`assign(value, use_locking, name,
   * read_value)`); running it yields the new value, or, with `readValue` false, the op.
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [2]);
   * using sess = new tf.Session();
   * sess.run(v.assign([1, 2]));
   * sess.run(v); // ==> [1. 2.]
   * ```
   */
  assign(
    value: TensorLike,
    useLocking: boolean | null | undefined,
    name: string | null | undefined,
    readValue: false,
  ): Operation;
  assign(value: TensorLike, options: VariableAssignOptions & { readValue: false }): Operation;
  assign(...args: CallArgs<typeof ASSIGN_PARAMS>): Tensor;
  assign(...args: unknown[]): Tensor | Operation {
    const a = ASSIGN.parse(args);
    if (this.isResource)
      return this.resourceUpdate("AssignVariableOp", a.value, a.name, a.readValue);
    return readOrOp(assign(this.ref, a.value, { name: a.name }), a.readValue);
  }
  /** An op that adds `delta` to the variable (`assign_add(delta, use_locking, name, read_value)`). */
  assignAdd(
    delta: TensorLike,
    useLocking: boolean | null | undefined,
    name: string | null | undefined,
    readValue: false,
  ): Operation;
  assignAdd(delta: TensorLike, options: VariableAssignOptions & { readValue: false }): Operation;
  assignAdd(...args: CallArgs<typeof ASSIGN_DELTA_PARAMS>): Tensor;
  assignAdd(...args: unknown[]): Tensor | Operation {
    const a = ASSIGN_ADD.parse(args);
    if (this.isResource) {
      return this.resourceUpdate("AssignAddVariableOp", a.delta, a.name, a.readValue);
    }
    return readOrOp(assignAdd(this.ref, a.delta, { name: a.name }), a.readValue);
  }
  /** An op that subtracts `delta` from the variable (`assign_sub`). */
  assignSub(
    delta: TensorLike,
    useLocking: boolean | null | undefined,
    name: string | null | undefined,
    readValue: false,
  ): Operation;
  assignSub(delta: TensorLike, options: VariableAssignOptions & { readValue: false }): Operation;
  assignSub(...args: CallArgs<typeof ASSIGN_DELTA_PARAMS>): Tensor;
  assignSub(...args: unknown[]): Tensor | Operation {
    const a = ASSIGN_SUB.parse(args);
    if (this.isResource) {
      return this.resourceUpdate("AssignSubVariableOp", a.delta, a.name, a.readValue);
    }
    return readOrOp(assignSub(this.ref, a.delta, { name: a.name }), a.readValue);
  }

  /**
   * A resource variable's `assign`/`assign_add`/`assign_sub` (TF 1.15's
   * `ResourceVariable`): the op on the handle, and with `readValue` a read that waits for it.
   */
  private resourceUpdate(
    type: "AssignVariableOp" | "AssignAddVariableOp" | "AssignSubVariableOp",
    value: TensorLike,
    name: string | undefined,
    readValue: boolean | undefined,
  ): Tensor | Operation {
    const graph = this.graph;
    return graph.atomically(() => {
      const update =
        type === "AssignVariableOp"
          ? assignVariableOp(this.ref, checkedValue(this.shape, this.dtype, value), name)
          : resourceDelta(type, this.ref, this.shape, this.dtype, value, name);
      if (readValue === false) return update;
      return graph.controlDependencies([update], () => readVariableOp(this.ref, this.dtype));
    });
  }

  /**
   * The variable's value in `session` (default: the default session).
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [2], { initializer: tf.onesInitializer() });
   * using sess = new tf.Session();
   * sess.run(v.initializer);
   * sess.asDefault(() => v.eval()); // ==> [1. 1.]
   * ```
   */
  eval(...args: CallArgs<typeof EVAL_PARAMS>): NDArray {
    const a = EVAL.parse(args);
    return needHooks().run(a.session, this) as NDArray;
  }

  /**
   * Writes `value` into the variable in `session` by feeding its initializer
   * (`load(value, session=None)`).
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [2, 2]);
   * using sess = new tf.Session();
   * w.load([[1, 2], [3, 4]], sess);
   * sess.run(w); // ==> [[1. 2.]
   *              //      [3. 4.]]
   * ```
   */
  load(...args: CallArgs<typeof LOAD_PARAMS>): void {
    const a = LOAD.parse(args);
    needHooks().run(
      a.session,
      this.initializer,
      new Map([[this.initializer.inputs[1] as Tensor, a.value]]),
    );
  }

  /**
   * What an operator works on: the snapshot, or for a resource variable a read made
   * before the operator's op opens its name scope (TF's `_run_op` on `value()`).
   */
  private operand(): Tensor {
    return this.isResource ? this.value() : this.snapshot;
  }

  /** `v + y` on the snapshot. */
  add(y: TensorLike): Tensor {
    return pythonOperator("add", this.operand(), y);
  }
  /** `v - y`. */
  sub(y: TensorLike): Tensor {
    return pythonOperator("sub", this.operand(), y);
  }
  /** `v * y`. */
  mul(y: TensorLike): Tensor {
    return pythonOperator("mul", this.operand(), y);
  }
  /** `v / y`. */
  div(y: TensorLike): Tensor {
    return pythonOperator("truediv", this.operand(), y);
  }
  /** `v ** y`. */
  pow(y: TensorLike): Tensor {
    return pythonOperator("pow", this.operand(), y);
  }
  /** `v % y`. */
  mod(y: TensorLike): Tensor {
    return pythonOperator("mod", this.operand(), y);
  }
  /** `v @ y`. */
  matmul(y: TensorLike): Tensor {
    return pythonOperator("matmul", this.operand(), y);
  }
  /** `-v`. */
  neg(): Tensor {
    return neg(this.operand());
  }
  /**
   * Python's `v[...]` on the variable's value (`v/read`): see `Tensor.get` for the
   * spelling of each subscript item.
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [3, 2], { initializer: tf.onesInitializer() });
   * v.get(":", 0).shape.toString(); // ==> (3,)
   * v.get(":", 0).op.inputs[0].name; // ==> v/read:0
   * ```
   */
  get(...items: SliceItem[]): Tensor {
    return sliceHelper(this, items);
  }

  /**
   * The variable as a `VariableDef` message (`to_proto(export_scope=None)`): the names of
   * its ops, with `exportScope` stripped, or `null` when the variable is outside that scope.
   *
   * @example
   * ```ts
   * const w = tf.variableScope("layer", () => tf.getVariable("w", [2]));
   * w.toProto()?.snapshotName; // ==> layer/w/read:0
   * w.toProto("layer")?.initializerName; // ==> w/Assign
   * w.toProto("other"); // ==> null
   * ```
   */
  toProto(...args: CallArgs<typeof TO_PROTO.params>): VariableDefMessage | null {
    const { exportScope } = TO_PROTO.parse(args);
    return toVariableDef(
      {
        ref: this.ref,
        initializer: this._initializer,
        initialValue: this._initialValue,
        snapshot: this.snapshot,
        trainable: this.trainable,
      },
      exportScope,
    );
  }

  /**
   * The variable whose ops a `VariableDef` names in the default graph, `importScope`
   * prepended to each name (`Variable.from_proto(variable_def, import_scope=None)`, as
   * `importMetaGraph` rebuilds variables). Nothing is added to the graph or its collections.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [2]);
   * const same = tf.Variable.fromProto(w.toProto());
   * same.name; // ==> w:0
   * same.op === w.op; // ==> true
   * ```
   */
  static fromProto(...args: CallArgs<typeof FROM_PROTO.params>): Variable {
    const a = FROM_PROTO.parse(args);
    return new Variable({ variableDef: a.variableDef, importScope: a.importScope });
  }

  /** `<tf.Variable 'test/weight_1:0' shape=(2,) dtype=float32_ref>` (no `_ref` for a resource). */
  toString(): string {
    const ref = this.isResource ? "" : "_ref";
    return `<tf.Variable '${this.name}' shape=${this.shape.toString()} dtype=${this.dtype}${ref}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  static {
    swapInitializer = (v, init) => {
      const before = { initializer: v._initializer, initialValue: v._initialValue };
      v._initializer = init.initializer;
      v._initialValue = init.initialValue;
      return before;
    };
  }
}

declare(Variable, VARIABLE);
declare(Variable.prototype.assign, ASSIGN);
declare(Variable.prototype.assignAdd, ASSIGN_ADD);
declare(Variable.prototype.assignSub, ASSIGN_SUB);
declare(Variable.prototype.eval, EVAL);
declare(Variable.prototype.load, LOAD);
declare(Variable.prototype.sparseRead, SPARSE_READ);
declare(Variable.prototype.toProto, TO_PROTO);
declare(Variable.fromProto, FROM_PROTO);

/**
 * A variable's arguments as `new Variable(initialValue, options)` parses and checks them
 * (for options a custom getter may have changed).
 */
export function variableInit(
  initialValue: TensorLike | (() => TensorLike),
  options: VariableOptions,
): VariableInit {
  return checkVariableArgs([initialValue, options]) as VariableInit;
}

/** The constructor's arguments, parsed and checked as TensorFlow does. */
function checkVariableArgs(args: CallArgs<typeof VARIABLE_PARAMS>): VariableInit | FromVariableDef {
  const a = VARIABLE.parse(args);
  const initialValue = a.initialValue;
  if (a.variableDef !== undefined && a.variableDef !== null) {
    if (initialValue !== undefined) {
      throw new ValueError("variable_def and initial_value are mutually exclusive.");
    }
    return { variableDef: a.variableDef, importScope: a.importScope };
  }
  if (initialValue === undefined) throw new ValueError("initial_value must be specified.");
  const collections: unknown = a.collections ?? [GraphKeys.GLOBAL_VARIABLES];
  if (!Array.isArray(collections)) {
    throw new ValueError(
      `collections argument to Variable constructor must be a list, tuple, or set. Got ${String(collections)} of type ${typeof collections}`,
    );
  }
  if (a.constraint !== undefined && typeof a.constraint !== "function") {
    throw new ValueError("The `constraint` argument must be a callable.");
  }
  refuseUnsupported(
    "Variable",
    "cachingDevice",
    a.cachingDevice,
    "scopeflow places every variable on its one device",
  );
  refuseDistribution("Variable", a.synchronization, a.aggregation);
  // As in TensorFlow, `expected_shape` is ignored, and so is `import_scope` without a
  // `variable_def`.
  return {
    initialValue,
    name: a.name,
    trainable: a.trainable ?? true,
    collections: collections as string[],
    dtype: a.dtype === undefined ? null : asDType(a.dtype),
    validateShape: a.validateShape ?? true,
    shape: a.shape === undefined ? null : TensorShape.from(a.shape),
    constraint: a.constraint ?? null,
    definedAt: null,
    useResource: a.useResource ?? defaultUseResource(),
  };
}

/**
 * `use_resource` left unset: the current variable scope's, else the process-wide default
 * (TF's `default_variable_creator`).
 */
function defaultUseResource(): boolean {
  return VariableScopeStore.of(getDefaultGraph()).current.useResource ?? useResourceByDefault();
}

/**
 * `read_value=True` gives the assign's value; `False` gives the op (TensorFlow's
 * `assign(...).op`). `use_locking` needs no handling: a session runs one step at a time.
 */
function readOrOp(t: Tensor, readValue: boolean | undefined): Tensor | Operation {
  return readValue === false ? t.op : t;
}

/** `assign_add_variable_op`/`assign_sub_variable_op`, checked as their shape function does. */
function resourceDelta(
  type: "AssignAddVariableOp" | "AssignSubVariableOp",
  handle: Tensor,
  shape: TensorShape,
  dtype: DType,
  delta: TensorLike,
  name: string | undefined,
): Operation {
  return buildOp(type, [handle, checkedValue(shape, dtype, delta)], [], { dtype }, name);
}

/**
 * A value for a resource variable, converted to its dtype before the op (TF's
 * `convert_to_tensor(value, dtype=self.dtype)`) and checked against its shape.
 */
function checkedValue(shape: TensorShape, dtype: DType, value: TensorLike): Tensor {
  const t = convertToTensor(value, { dtype });
  if (!shape.isCompatibleWith(t.shape)) {
    throw new ValueError(`Shapes ${shape.toString()} and ${t.shape.toString()} are incompatible`);
  }
  return t;
}

function needHooks(): VariableSessionHooks {
  if (sessionHooks === null)
    throw new Error("scopeflow's session module is not loaded: import from 'scopeflow'");
  return sessionHooks;
}

/** A new variable's ops. */
interface BuiltVariable extends InitPair {
  ref: Tensor;
  initialValue: Tensor;
  snapshot: Tensor;
}

/**
 * `RefVariable._init_from_args` in `init_scope` (no control dependencies, outside any
 * loop, the name scope restored): the ops of a variable, named under its own scope.
 */
function buildVariable(graph: Graph, init: VariableInit): BuiltVariable {
  const { initialValue, dtype, validateShape } = init;
  // `graph.initScope(…)` without its closure: this runs for every variable built.
  const outer = graph.nameStack;
  const saved = graph.enterInitScope();
  try {
    const scope = openNameScope(graph, init.name ?? "Variable");
    let value: Tensor;
    let ref: Tensor;
    if (typeof initialValue === "function") {
      // TF builds an initializer function's ops, and the variable, in an attr scope giving
      // them `_class: loc:@<variable>` (and the initializer ops under `device(None)`): as
      // if colocated with the variable that does not exist yet.
      // One frozen `_class` list, which the variable's Assign and read share too.
      const cls = Object.freeze([`loc:@${graph.nameStack}`]);
      const savedAttrs = graph.enterAttrScope({ _class: cls });
      try {
        value = valueOfInitializer(graph, initialValue, dtype);
        const shape = varShapeOf(init, value);
        ref = variableOp(graph, scope, shape, value.dtype, init.definedAt, cls);
      } finally {
        graph.exitAttrScope(savedAttrs);
      }
    } else {
      value = convertToTensor(initialValue, { name: "initial_value", dtype });
      ref = variableOp(graph, scope, varShapeOf(init, value), value.dtype, init.definedAt);
    }
    const initializer = initialAssign(graph, ref, value, validateShape);
    const snapshot = variableRead(graph, ref);
    return { ref, initialValue: value, initializer, snapshot };
  } finally {
    graph.exitInitScope(saved);
    graph.setNameStack(outer);
  }
}

/** The shape of a variable whose initial value is `value`; checks that value's. */
function varShapeOf(init: VariableInit, value: Tensor): TensorShape {
  if (init.validateShape && !value.shape.isFullyDefined()) {
    throw new ValueError(`initial_value must have a shape specified: ${value.toString()}`);
  }
  return init.shape ?? (init.validateShape ? value.shape : TensorShape.unknown());
}

/** The tensor an initializer function gives, built under `Initializer/` on no device. */
function valueOfInitializer(
  graph: Graph,
  initialValue: () => TensorLike,
  dtype: DType | null,
): Tensor {
  const outer = graph.nameStack;
  openNameScope(graph, "Initializer");
  const savedDevices = graph.enterDeviceScope(null);
  try {
    return convertToTensor(initialValue(), { name: "initial_value", dtype });
  } finally {
    graph.exitDeviceScope(savedDevices);
    graph.setNameStack(outer);
  }
}
