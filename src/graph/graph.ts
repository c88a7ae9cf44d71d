import { ValueError } from "../errors.js";
import {
  isWithinContext,
  loopValueMessage,
  outputContext,
  whileContextOf,
  type ControlFlowContext,
} from "./control_flow.js";
import type { DType } from "./dtypes.js";
import { flat, nameFromScopeName } from "./names.js";
import { NameCounts, NameNode } from "./name_counts.js";
import { isNullMerge, mergeDevice, type DeviceSpecParts } from "./device.js";
import { NO_BUILD_DATA, NO_CONTROL_INPUTS, Operation, type AttrValue } from "./operation.js";
import { pyRepr, pyTypeName } from "./pyformat.js";
import { Tensor } from "./tensor.js";
import {
  anyKind,
  booleanKind,
  declare,
  defineParams,
  intKind,
  kind,
  opt,
  optNullable,
  parseWithCallback,
  req,
  stringKind,
  type CallArgs,
} from "./call_args.js";
import type { TensorShape } from "./tensor_shape.js";
import type { tensorflow } from "../proto/index.js";

/** What `graph.asGraphDef` hands the exporter: TF's `as_graph_def` arguments. */
export interface GraphDefRequest {
  fromVersion: number | null;
  addShapes: boolean;
}

/** A `GraphDef` message as decoded: every repeated and map field present. */
export type GraphDefView = tensorflow.GraphDef;

type GraphDefExporter = (graph: Graph, request: GraphDefRequest) => GraphDefView;

let graphDefExporter: GraphDefExporter | null = null;

/** Connects `Graph.asGraphDef` to the exporter (called once by the interchange layer). */
export function installGraphDefExporter(exporter: GraphDefExporter): void {
  graphDefExporter = exporter;
}

/**
 * For an op type, which inputs TensorFlow's OpDef takes by reference (`is_ref`), or `null`
 * when none: ops updating a variable in place are colocated with it (op_def_library's
 * `must_colocate_inputs`). Installed by the op registry's layer, which knows the OpDefs.
 */
type RefInputLookup = (type: string, inputCount: number) => readonly boolean[] | null;

let refInputLookup: RefInputLookup | null = null;

/** Connects op creation to the OpDefs' reference inputs (called once by the interchange layer). */
export function installRefInputLookup(lookup: RefInputLookup): void {
  refInputLookup = lookup;
}

/** Standard collection names (`tf.GraphKeys`). */
export const GraphKeys = {
  GLOBAL_VARIABLES: "variables",
  LOCAL_VARIABLES: "local_variables",
  /** The local variables `tf.metrics` accumulate in. */
  METRIC_VARIABLES: "metric_variables",
  MODEL_VARIABLES: "model_variables",
  TRAINABLE_VARIABLES: "trainable_variables",
  REGULARIZATION_LOSSES: "regularization_losses",
  UPDATE_OPS: "update_ops",
  GLOBAL_STEP: "global_step",
  /** The top-level `tf.whileLoop` contexts (`WhileContext.toProto` describes each). */
  WHILE_CONTEXT: "while_context",
  /** The two branch contexts of each top-level `tf.cond` (`CondContext.toProto`). */
  COND_CONTEXT: "cond_context",
  SUMMARIES: "summaries",
  LOSSES: "losses",
  SAVERS: "savers",
  INIT_OP: "init_op",
  LOCAL_INIT_OP: "local_init_op",
  READY_OP: "ready_op",
  READY_FOR_LOCAL_INIT_OP: "ready_for_local_init_op",
  SUMMARY_OP: "summary_op",
  TRAIN_OP: "train_op",
  MOVING_AVERAGE_VARIABLES: "moving_average_variables",
} as const;

/** The static description of one output an op will have. */
export interface OutputSpec {
  dtype: DType;
  shape: TensorShape;
  isRef?: boolean;
}

/** What `Graph.createOp` needs to add a node. */
export interface OpSpec {
  type: string;
  /** A name to make unique, or a scope string ending in `/` to use exactly. Defaults to `type`. */
  name?: string;
  /** `name` is already unique (from `graph.uniqueName`, without the `/`): used as it is. */
  nameIsUnique?: boolean;
  inputs: readonly Tensor[];
  outputs: readonly OutputSpec[];
  /**
   * TensorFlow's attrs, plus the builder's data for the kernel under names starting with
   * `_` (`_axis`): those go to `op.buildData`, except TensorFlow's own `_class`.
   */
  attrs?: Readonly<Record<string, AttrValue>>;
  /** Where the op was built, for "Originally defined at:" (variables record it). */
  definedAt?: Error | null;
  /**
   * `attrs` is a fresh object of TensorFlow's attrs only (no `_` builder data), made for
   * this op: the op keeps it instead of a copy (scoped attrs are added to it). For
   * scopeflow's direct paths, which build an op per call.
   */
  attrsOwned?: boolean;
  /** Build the op as inside `colocateWith(op)` (without its closure: a variable's read). */
  colocateWith?: Operation;
  /**
   * The op is a loop's entry point and takes its inputs from outside the current control
   * flow context on purpose (TensorFlow's `Enter`): they are not captured again.
   */
  loopEntry?: boolean;
  /**
   * The device the op asks for before `tf.device` scopes apply (an imported `NodeDef`'s
   * `device`); scopes merge into it as into any op's.
   */
  device?: string;
}

/**
 * A device function (`tf.device(fn)`): the device of an op being built, or `null` for none.
 * `op.device` holds what inner scopes gave it so far.
 */
export type DeviceFunction = (op: Operation) => string | null;

/** One `tf.device` scope: a parsed device name, a device function, or `null` (clears). */
export type DeviceScope =
  { readonly spec: DeviceSpecParts } | { readonly fn: DeviceFunction } | null;

/** What {@link Graph.enterInitScope} set aside, to put back on leaving. */
export interface InitScopeSaved {
  readonly nameStack: string;
  readonly context: ControlFlowContext | null;
  readonly control: readonly ControlFrame[];
}

/** A point to roll the graph back to when a building call fails half way. */
export type Savepoint = number;

interface ControlFrame {
  inputs: Operation[] | null;
  /**
   * Ops created inside this block: an input from one of them makes the block redundant.
   * `null` for a block that clears the dependencies (`inputs` null), which nothing asks:
   * `initScope` opens one for every variable built.
   */
  created: Set<Operation> | null;
}

/**
 * The control frames inside `initScope`: no dependencies. Shared by every call, since a
 * frame that clears the dependencies is never changed (nothing records what it creates).
 */
const CLEARED_CONTROL: readonly ControlFrame[] = Object.freeze([{ inputs: null, created: null }]);

/**
 * One entry of the undo log. Besides a function to call, the commonest changes are logged
 * without allocating a closure each (building a variable makes a dozen): an `Operation`
 * (created: remove it), an array (a collection: pop its last item), and a name's use
 * count, as three entries: its previous count (`-1` for unused), the name's last part,
 * then the node of names it is in (see {@link NameCounts}).
 */
type UndoEntry = (() => void) | Operation | unknown[] | NameNode | string | number;

/** Attrs starting with `_` that TensorFlow itself sets, which stay attrs. */
const TF_PRIVATE_ATTRS: ReadonlySet<string> = new Set(["_class"]);

/** The attr scope outside any `attrScope`. */
const NO_SCOPED_ATTRS: Readonly<Record<string, AttrValue>> = Object.freeze({});

/** The inputs of every op without any (sources: constants, variables, placeholders). */
const NO_INPUTS: readonly Tensor[] = Object.freeze([]);

/** The device stack inside `device(null)` outside any other device scope. */
const NULL_DEVICE_ONLY: readonly DeviceScope[] = Object.freeze([null]);

/**
 * Whether `attrs` has every attr of the attr scope `scoped` already (its own value wins):
 * the scope adds nothing to it.
 */
function hasScopedAttrs(
  attrs: Readonly<Record<string, AttrValue>>,
  scoped: Readonly<Record<string, AttrValue>>,
): boolean {
  if (scoped === NO_SCOPED_ATTRS) return true;
  for (const k in scoped) if (!(k in attrs)) return false;
  return true;
}

/** The build data {@link splitAttrs} found last (a second result without an array). */
let splitData: Readonly<Record<string, unknown>> = NO_BUILD_DATA;

/** The attrs of `given` (a copy); its build data is left in {@link splitData}. */
function splitAttrs(given: Readonly<Record<string, AttrValue>>): Record<string, AttrValue> {
  const attrs: Record<string, AttrValue> = {};
  let data: Record<string, unknown> | null = null;
  // `for…in` over the plain object literal builders pass: `Object.entries` allocated a
  // pair per attr, for every op built.
  for (const k in given) {
    const v = given[k];
    if (k.charCodeAt(0) === 95 /* _ */ && !TF_PRIVATE_ATTRS.has(k)) (data ??= {})[k] = v;
    else attrs[k] = v;
  }
  splitData = data ?? NO_BUILD_DATA;
  return attrs;
}

/**
 * A TensorFlow graph: operations, their unique names, collections, and the building
 * state (name stack, control dependencies, random seed) that op-building functions read.
 *
 * @example
 * ```ts
 * const g = new tf.Graph();
 * g.asDefault(() => tf.constant(1, { name: "one" }));
 * g.getTensorByName("one:0").dtype; // ==> float32
 * ```
 */
export class Graph {
  private readonly ops: Operation[] = [];
  /**
   * The ops by name, made on the first lookup and kept up to date from then on: a graph
   * built and run without looking names up (most of them) saves an entry per op.
   */
  private opsByNameIndex: Map<string, Operation> | null = null;
  private readonly namesInUse = new NameCounts();
  private readonly collections = new Map<string, unknown[]>();
  private readonly extensions = new Map<symbol, unknown>();
  private controlStack: readonly ControlFrame[] = [];
  private deviceStack: readonly DeviceScope[] = [];
  private colocationStack: Operation[] = [];
  private attrScopeMap: Readonly<Record<string, AttrValue>> = NO_SCOPED_ATTRS;
  /** The op new ops were colocated with last, and its groups (see `applyScopedAttrs`). */
  private lastColocatedWith: Operation | null = null;
  private lastColocationGroups: readonly string[] = [];
  private undoLog: UndoEntry[] | null = null;
  private savepointDepth = 0;
  private _finalized = false;
  private _nameStack = "";
  private _seed: number | null = null;
  private _controlFlowContext: ControlFlowContext | null = null;
  private nextId = 1;

  private get opsByName(): Map<string, Operation> {
    let index = this.opsByNameIndex;
    if (index === null) {
      index = new Map();
      for (const op of this.ops) index.set(op.name, op);
      this.opsByNameIndex = index;
    }
    return index;
  }

  /** The graph-level random seed (`graph.seed`), or `null`. */
  get seed(): number | null {
    return this._seed;
  }
  set seed(value: number | null) {
    this._seed = value;
  }

  /** The id of the last op created (`graph._last_id`): the op seed when none is given. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /**
   * The graph as TensorFlow's `GraphDef` message (`as_graph_def(from_version=None,
   * add_shapes=False)`): every node with its op, inputs (`name:1`, `^control`), device and
   * attrs as TensorFlow's op registry defines them; `fromVersion` keeps only the ops created
   * after the op whose id it is (`graph.lastId` at some earlier point); `addShapes` adds
   * each node's output shapes as `_output_shapes`. Throws, naming the node, for an op
   * TensorFlow cannot import.
   *
   * @example
   * ```ts
   * const g = new tf.Graph();
   * g.asDefault(() => tf.matmul(tf.constant([[1, 2]]), tf.constant([[3], [4]])));
   * g.asGraphDef().node.map((n) => n.op).join(" "); // ==> Const Const MatMul
   * g.asGraphDef({ addShapes: true }).node[2]?.attr?._output_shapes?.list?.shape?.[0]?.dim?.length; // ==> 2
   * ```
   */
  asGraphDef(...args: CallArgs<typeof AS_GRAPH_DEF_PARAMS>): GraphDefView {
    const a = AS_GRAPH_DEF.parse(args);
    if (graphDefExporter === null)
      throw new Error("scopeflow's graph export is not loaded: import from 'scopeflow'");
    return graphDefExporter(this, {
      fromVersion: a.fromVersion ?? null,
      addShapes: a.addShapes ?? false,
    });
  }

  /** Whether `finalize()` was called. */
  get finalized(): boolean {
    return this._finalized;
  }

  /** The current name scope without a trailing slash (`""` at the root). */
  get nameStack(): string {
    return this._nameStack;
  }

  /** The loop that ops created now belong to (`_get_control_flow_context`), or `null`. */
  get controlFlowContext(): ControlFlowContext | null {
    return this._controlFlowContext;
  }

  /** Runs `fn` with `ctx` as the current control flow context (a loop body being built). */
  withControlFlowContext<T>(ctx: ControlFlowContext | null, fn: () => T): T {
    const saved = this._controlFlowContext;
    this._controlFlowContext = ctx;
    try {
      return fn();
    } finally {
      this._controlFlowContext = saved;
    }
  }

  /** Used by `nameScope` to enter and leave scopes; restores are not journaled. */
  setNameStack(stack: string): void {
    this._nameStack = stack;
  }

  /**
   * Runs `fn` with this graph as the default graph.
   *
   * @example
   * ```ts
   * const g = new tf.Graph();
   * g.asDefault(() => tf.getDefaultGraph() === g); // ==> true
   * ```
   */
  asDefault<T>(fn: (graph: Graph) => T): T;
  asDefault<T>(...args: unknown[]): T {
    const [, body] = parseWithCallback<typeof NO_PARAMS, (graph: Graph) => T>(AS_DEFAULT, args);
    return withDefaultGraph(this, () => body(this));
  }

  /**
   * `unique_name`: prefixes the name stack and appends `_N` if taken. Case-insensitive:
   * `Foo` then `foo` gives `foo_1`. Composed names are marked used too, so a later request
   * for `c_1` after `c, c` gets `c_1_1`.
   */
  uniqueName(name: string, markAsUsed = true): string {
    const stack = this._nameStack;
    const names = this.namesInUse;
    let key = names.lower(name);
    let under: NameNode | undefined = names.namesUnder(stack, markAsUsed);
    const slash = key.lastIndexOf("/");
    if (slash >= 0 && under !== undefined) {
      // A name with `/` in it ("a/b") is counted where its whole name puts it.
      under = names.walk(under, key.slice(0, slash), markAsUsed);
      key = key.slice(slash + 1);
    }
    if (stack) name = `${stack}/${name}`;
    if (under === undefined) return flat(name);
    const previous = names.countIn(under, key);
    let i = previous ?? 0;
    if (markAsUsed) this.setNameUse(under, key, i + 1);
    if (i > 0) {
      const base = key;
      while (names.countIn(under, key) !== undefined) {
        key = `${base}_${i}`;
        i += 1;
      }
      if (markAsUsed) this.setNameUse(under, key, 1);
      name = `${name}_${i - 1}`;
    }
    return flat(name);
  }

  /** Sets the use count of the name `key` in the map of names `under` (journaled). */
  private setNameUse(under: NameNode, key: string, count: number): void {
    const before = this.namesInUse.setCount(under, key, count);
    if (this.undoLog !== null) this.undoLog.push(before, key, under);
  }

  /**
   * Adds an operation. Op-building functions call this after inferring output shapes;
   * users call the op functions (`tf.add`, …) instead.
   */
  createOp(spec: OpSpec): Operation {
    this.assertNotFinalized();
    // Indexed loops in this function: `for…of` over a frozen array (the shared empty
    // lists) allocates an iterator and a result object per step.
    let own = spec.inputs;
    for (let i = 0; i < own.length; i++) {
      if ((own[i] as Tensor).graph === this) continue;
      own = own.map((u) => (u.graph === this ? u : this.captureExternal(u)));
      break;
    }
    const rawName = spec.name ?? spec.type;
    const name =
      spec.nameIsUnique === true
        ? rawName
        : rawName.endsWith("/")
          ? nameFromScopeName(rawName)
          : this.uniqueName(rawName);
    const ctx = this._controlFlowContext;
    const inputs =
      own.length === 0
        ? NO_INPUTS
        : (spec.loopEntry ? own : this.inputsInContext(ctx, own, name)).slice();
    let controlInputs = this.controlInputsFor(inputs);
    if (ctx !== null && !spec.loopEntry) {
      const external = controlInputs.filter((c) => !isWithinContext(c.controlFlowContext, ctx));
      if (external.length > 0) {
        const internal = controlInputs.filter((c) => !external.includes(c));
        controlInputs = [...internal, ...ctx.addExternalControl(external)];
      }
    }
    const withOp = spec.colocateWith;
    const colocationStack =
      withOp === undefined
        ? this.colocationStack
        : this.colocationStack.length === 0
          ? [withOp]
          : [...this.colocationStack, withOp];
    const colocateWith = this.colocationFor(spec.type, inputs, colocationStack);
    let attrs: Record<string, AttrValue>;
    let buildData: Readonly<Record<string, unknown>> = NO_BUILD_DATA;
    if (
      spec.attrsOwned === true &&
      spec.attrs !== undefined &&
      colocateWith.length === 0 &&
      hasScopedAttrs(spec.attrs, this.attrScopeMap)
    ) {
      attrs = spec.attrs as Record<string, AttrValue>;
    } else {
      // A copy also where scopes add attrs: an object literal has no room for more
      // properties (each would take an out-of-object array, kept with the op), `{}` has.
      attrs = splitAttrs(spec.attrs ?? NO_SCOPED_ATTRS);
      buildData = splitData;
    }
    this.applyScopedAttrs(attrs, colocateWith);
    const op = new Operation(
      this,
      this.nextId++,
      name,
      spec.type,
      inputs,
      controlInputs,
      attrs,
      spec.definedAt ?? null,
      ctx,
      buildData,
    );
    const outs = spec.outputs;
    if (outs.length === 1) {
      const o = outs[0] as OutputSpec;
      op._setOutputs(new Tensor(op, 0, o.dtype, o.shape, o.isRef ?? false));
    } else {
      // An array of the exact size: pushing onto `[]` reserves room for 17.
      op._setOutputs(outs.map((o, i) => new Tensor(op, i, o.dtype, o.shape, o.isRef ?? false)));
    }
    if (spec.device) op._setDevice(spec.device);
    // TF colocates with reference inputs inside `colocate_with`, which sets the device
    // scopes aside: such an op goes where its variable is, whatever the scopes say.
    // (Inside `colocateWith`, the device scopes are set aside.)
    if (withOp === undefined && colocateWith.length === colocationStack.length) {
      this.applyDeviceScopes(op);
    }
    // A colocated op goes where the first op it is colocated with that has a device is.
    for (let i = 0; i < colocateWith.length; i++) {
      const c = colocateWith[i] as Operation;
      if (c.device === "") continue;
      op._setDevice(c.device);
      break;
    }
    for (let i = 0; i < inputs.length; i++) (inputs[i] as Tensor)._addConsumer(op);
    this.ops.push(op);
    this.opsByNameIndex?.set(name, op);
    const control = this.controlStack;
    for (let i = 0; i < control.length; i++) (control[i] as ControlFrame).created?.add(op);
    if (this.undoLog !== null) this.undoLog.push(op);
    if (ctx !== null && !spec.loopEntry) ctx.opCreated?.(op);
    return op;
  }

  /**
   * Whether this graph is a function body being traced (`graph.building_function`): ops
   * built while it is the default go into it even when their inputs come from the graph
   * it is traced in, which it captures (see {@link captureExternal}).
   */
  get buildingFunction(): boolean {
    return false;
  }

  /**
   * The tensor of this graph an op should read in place of `t`, from another graph. A
   * plain graph refuses; a function body captures `t` from an enclosing graph.
   */
  protected captureExternal(t: Tensor): Tensor {
    throw new ValueError(
      `${t.toString()} must be from the same graph as the operation being created.`,
    );
  }

  /**
   * Replaces input `index` of `op` (`op._update_input`): a loop's `Merge` gets its
   * `NextIteration` input once the body is built.
   */
  _updateInput(op: Operation, index: number, t: Tensor): void {
    const inputs = op.inputs as Tensor[];
    const old = inputs[index] as Tensor;
    inputs[index] = t;
    const at = old.consumers.indexOf(op);
    if (at >= 0) old.consumers.splice(at, 1);
    t._addConsumer(op);
    this.onUndo(() => {
      inputs[index] = old;
      t.consumers.splice(t.consumers.lastIndexOf(op), 1);
      old.consumers.splice(at < 0 ? old.consumers.length : at, 0, op);
    });
  }

  /** Adds a control input to an existing op (`op._add_control_input`). */
  _addControlInput(op: Operation, c: Operation): void {
    if (op.controlInputs.includes(c)) return;
    const own = op._ownControlInputs();
    own.push(c);
    this.onUndo(() => {
      const at = own.lastIndexOf(c);
      if (at >= 0) own.splice(at, 1);
    });
  }

  /**
   * The inputs an op created in `ctx` reads: values from inside `ctx` (or a loop nested
   * in it) as they are, others through `ctx.captureInput`; outside any loop, a value
   * computed inside one is an error, as in TensorFlow.
   */
  private inputsInContext(
    ctx: ControlFlowContext | null,
    inputs: readonly Tensor[],
    consumerName: string,
  ): readonly Tensor[] {
    let result: Tensor[] | null = null;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i] as Tensor;
      const own = outputContext(t.op);
      if (own === ctx) continue;
      if (ctx === null) {
        // A branch's value may be read after its conditional (it is dead when the other
        // branch runs), a loop's value only through the loop's exits.
        if (whileContextOf(own) !== null) throw new ValueError(loopValueMessage(t, consumerName));
        continue;
      }
      const replacement = ctx.captureInput(t, consumerName);
      if (replacement === t) continue;
      result ??= inputs.slice();
      result[i] = replacement;
    }
    return result ?? inputs;
  }

  private controlInputsFor(inputs: readonly Tensor[]): Operation[] {
    let result: Operation[] | null = null;
    const control = this.controlStack;
    for (let i = 0; i < control.length; i++) {
      const frame = control[i] as ControlFrame;
      if (frame.inputs === null) continue;
      const created = frame.created;
      if (created !== null && inputs.some((t) => created.has(t.op))) continue;
      for (const c of frame.inputs) {
        if (result !== null && result.includes(c)) continue;
        if (!inputs.some((t) => t.op === c)) (result ??= []).push(c);
      }
    }
    return result ?? NO_CONTROL_INPUTS;
  }

  /**
   * The ops a new op is colocated with: the `colocateWith` scopes around it, then its
   * inputs that its OpDef takes by reference (TF's `_MaybeColocateWith` in op_def_library).
   */
  private colocationFor(type: string, inputs: readonly Tensor[], stack: Operation[]): Operation[] {
    if (refInputLookup === null) return stack;
    let anyRef = false;
    for (let i = 0; i < inputs.length && !anyRef; i++) anyRef = (inputs[i] as Tensor).isRef;
    if (!anyRef) return stack;
    const refs = refInputLookup(type, inputs.length);
    if (refs === null) return stack;
    let ops = stack;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i] as Tensor;
      // An op already colocated with adds no group (they are a set): a variable's Assign,
      // built inside `colocateWith(variable)`, stays colocated with the one op.
      if (refs[i] !== true || !t.isRef || ops.includes(t.op)) continue;
      if (ops === stack) ops = [...stack];
      ops.push(t.op);
    }
    return ops;
  }

  /**
   * `_create_op_helper`'s attrs from scopes: the attr scope's entries the op does not set
   * itself, then `_class` as the sorted union of the colocation groups, which replaces any.
   */
  private applyScopedAttrs(attrs: Record<string, AttrValue>, colocateWith: Operation[]): void {
    const scoped = this.attrScopeMap;
    if (scoped !== NO_SCOPED_ATTRS) for (const k in scoped) if (!(k in attrs)) attrs[k] = scoped[k];
    if (colocateWith.length === 0) return;
    if (colocateWith.length === 1) {
      // One op (a variable's Assign and read): its groups, when one, need no sorting, and
      // the ops colocated with it in a row share one array of them.
      const with_ = colocateWith[0] as Operation;
      let own = this.lastColocationGroups;
      if (with_ !== this.lastColocatedWith) {
        own = with_._colocationGroupsShared();
        this.lastColocatedWith = with_;
        this.lastColocationGroups = own;
      }
      if (own.length === 1) {
        attrs._class = own;
        return;
      }
    }
    const groups = new Set(colocateWith.flatMap((c) => c.colocationGroups()));
    // Python sorts the byte strings: code-unit order, as for ASCII names.
    attrs._class = [...groups].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Ops created inside `fn` are colocated with `op` (TF's `colocate_with(op,
   * ignore_existing)`): their `_class` attr names `op`'s colocation groups (with those of
   * enclosing `colocateWith` scopes, unless `ignoreExisting`), they take `op`'s device, and
   * the device scopes around are set aside inside, as TF resets its device stack there.
   * `op` may be `null` only with `ignoreExisting`, to clear the colocation.
   */
  colocateWith<T>(op: Operation | null, fn: () => T, ignoreExisting = false): T {
    if (op === null && !ignoreExisting)
      throw new ValueError(
        "Trying to reset colocation (op is None) but ignore_existing is not True",
      );
    const savedDevices = this.deviceStack;
    const savedStack = this.colocationStack;
    this.deviceStack = [];
    const base = ignoreExisting ? [] : savedStack;
    this.colocationStack = op === null ? base : [...base, op];
    try {
      return fn();
    } finally {
      this.deviceStack = savedDevices;
      this.colocationStack = savedStack;
    }
  }

  /**
   * Ops created inside `fn` get `attrs` unless they set them (TF's private
   * `graph._attr_scope`): a variable's initializer ops get `_class: ["loc:@<variable>"]`
   * before the variable exists.
   */
  attrScope<T>(attrs: Readonly<Record<string, AttrValue>>, fn: () => T): T {
    const saved = this.enterAttrScope(attrs);
    try {
      return fn();
    } finally {
      this.attrScopeMap = saved;
    }
  }

  /**
   * {@link attrScope} without its closure, for building a variable: enters the scope and
   * returns what to hand {@link exitAttrScope}. `attrs` is kept as it is: not to be changed.
   */
  enterAttrScope(attrs: Readonly<Record<string, AttrValue>>): Readonly<Record<string, AttrValue>> {
    const saved = this.attrScopeMap;
    this.attrScopeMap = saved === NO_SCOPED_ATTRS ? attrs : { ...saved, ...attrs };
    return saved;
  }

  /** Leaves the attr scope entered by the {@link enterAttrScope} that returned `saved`. */
  exitAttrScope(saved: Readonly<Record<string, AttrValue>>): void {
    this.attrScopeMap = saved;
  }

  /**
   * Ops created inside `fn` are requested on `scope`'s device (`Graph.device`); scopes nest.
   * Nothing is placed: the device is only recorded on the ops.
   */
  device<T>(scope: DeviceScope, fn: () => T): T {
    const saved = this.enterDeviceScope(scope);
    try {
      return fn();
    } finally {
      this.deviceStack = saved;
    }
  }

  /**
   * {@link device} without its closure, for building a variable (its initializer runs on
   * no device): enters the scope and returns what to hand {@link exitDeviceScope}.
   */
  enterDeviceScope(scope: DeviceScope): readonly DeviceScope[] {
    const saved = this.deviceStack;
    this.deviceStack = scope === null && saved.length === 0 ? NULL_DEVICE_ONLY : [...saved, scope];
    return saved;
  }

  /** Leaves the device scope entered by the {@link enterDeviceScope} that returned `saved`. */
  exitDeviceScope(saved: readonly DeviceScope[]): void {
    this.deviceStack = saved;
  }

  /**
   * `_apply_device_functions`: the innermost scope speaks first; each outer parsed name
   * fills in only the parts still missing, an outer function replaces the device, and a
   * `null` scope hides all the scopes outside it.
   */
  private applyDeviceScopes(op: Operation): void {
    for (let i = this.deviceStack.length - 1; i >= 0; i--) {
      const scope = this.deviceStack[i] as DeviceScope;
      if (scope === null) break;
      if ("spec" in scope) {
        if (!isNullMerge(scope.spec)) op._setDevice(mergeDevice(scope.spec, op.device));
      } else {
        const device = scope.fn(op);
        if (device !== null && typeof device !== "string") {
          throw new TypeError(
            `A device function must return a device name (a string) or null, not ${pyTypeName(device)}.`,
          );
        }
        op._setDevice(device ?? "");
      }
    }
  }

  /**
   * Ops created inside `fn` run after `controlInputs` (`tf.control_dependencies`);
   * `null` clears the dependencies of enclosing blocks.
   */
  controlDependencies<T>(controlInputs: Operation[] | null, fn: () => T): T {
    const saved = this.controlStack;
    this.controlStack =
      controlInputs === null
        ? CLEARED_CONTROL
        : [...saved, { inputs: controlInputs, created: new Set<Operation>() }];
    try {
      return fn();
    } finally {
      this.controlStack = saved;
    }
  }

  /**
   * Runs `fn` with no control dependencies and outside any loop being built (`init_scope`
   * in graph mode: where variables are created). As in TensorFlow, the current name scope
   * is kept; it is restored afterwards whatever `fn` did to it.
   */
  initScope<T>(fn: () => T): T {
    const saved = this.enterInitScope();
    try {
      return fn();
    } finally {
      this.exitInitScope(saved);
    }
  }

  /**
   * {@link initScope} without its closure, for building a variable: enters it and
   * returns what to hand {@link exitInitScope}.
   */
  enterInitScope(): InitScopeSaved {
    const saved: InitScopeSaved = {
      nameStack: this._nameStack,
      context: this._controlFlowContext,
      control: this.controlStack,
    };
    this._controlFlowContext = null;
    this.controlStack = CLEARED_CONTROL;
    return saved;
  }

  /** Leaves the init scope entered by the {@link enterInitScope} that returned `saved`. */
  exitInitScope(saved: InitScopeSaved): void {
    this._nameStack = saved.nameStack;
    this._controlFlowContext = saved.context;
    this.controlStack = saved.control;
  }

  /**
   * `getOperationByName`; an unknown name throws TensorFlow's message.
   *
   * @example
   * ```ts
   * tf.variableScope("other_charge", () => tf.getVariable("tax", []));
   * tf.getDefaultGraph().getOperationByName("other_charge/tax").type; // ==> VariableV2
   * ```
   */
  getOperationByName(...args: CallArgs<typeof NAME_PARAMS>): Operation {
    const { name } = GET_OPERATION_BY_NAME.parse(args);
    if (typeof name !== "string") {
      throw new TypeError(`Operation names are strings (or similar), not ${pyTypeName(name)}.`);
    }
    if (name.includes(":")) {
      throw new ValueError(`Name ${pyRepr(name)} appears to refer to a Tensor, not a Operation.`);
    }
    const op = this.opsByName.get(name);
    if (op === undefined) {
      throw new ValueError(`The name ${pyRepr(name)} refers to an Operation not in the graph.`);
    }
    return op;
  }

  /** The op of that name, or `undefined`. */
  findOperation(name: string): Operation | undefined {
    return this.opsByName.get(name);
  }

  /**
   * Marks an op name given from outside (an imported node) as used, unless it already is
   * (`_create_op_from_tf_operation`): later ops asking for it get `name_1`.
   */
  markNameUsed(name: string): void {
    const key = name.toLowerCase();
    const slash = key.lastIndexOf("/");
    const under = this.namesInUse.namesUnder("", true) as NameNode;
    const parent =
      slash < 0 ? under : (this.namesInUse.walk(under, key.slice(0, slash), true) as typeof under);
    const leaf = key.slice(slash + 1);
    if (this.namesInUse.countIn(parent, leaf) !== undefined) return;
    this.setNameUse(parent, leaf, 1);
  }

  /**
   * `getTensorByName("scope/v:0")`; unknown names throw TensorFlow's message.
   *
   * @example
   * ```ts
   * tf.variableScope("other_charge", () => tf.getVariable("tax", []));
   * const tax = tf.getDefaultGraph().getTensorByName("other_charge/tax:0");
   * tax.dtype; // ==> float32
   * ```
   */
  getTensorByName(...args: CallArgs<typeof NAME_PARAMS>): Tensor {
    const { name } = GET_TENSOR_BY_NAME.parse(args);
    if (typeof name !== "string") {
      throw new TypeError(`Tensor names are strings (or similar), not ${pyTypeName(name)}.`);
    }
    if (!name.includes(":")) {
      // `_as_graph_element_locked` with allow_operation=False.
      const what = this.opsByName.has(name)
        ? `The name ${pyRepr(name)} refers to an Operation, not a Tensor.`
        : `The name ${pyRepr(name)} looks like an (invalid) Operation name, not a Tensor.`;
      throw new ValueError(`${what} Tensor names must be of the form "<op_name>:<output_index>".`);
    }
    // Python's `op_name, out_n = name.split(":"); out_n = int(out_n)`.
    const parts = name.split(":");
    const indexText = parts[1]?.trim() ?? "";
    if (parts.length !== 2 || !/^[+-]?\d+$/.test(indexText)) {
      throw new ValueError(
        `The name ${pyRepr(name)} looks a like a Tensor name, but is not a valid one. Tensor names must be of the form "<op_name>:<output_index>".`,
      );
    }
    const opName = parts[0] as string;
    const index = Number(indexText);
    const op = this.opsByName.get(opName);
    if (op === undefined) {
      throw new ValueError(
        `The name ${pyRepr(name)} refers to a Tensor which does not exist. The operation, ${pyRepr(opName)}, does not exist in the graph.`,
      );
    }
    // A negative index counts from the end, as a Python list index does.
    const t = op.outputs[index < 0 ? op.outputs.length + index : index];
    if (t === undefined) {
      throw new ValueError(
        `The name ${pyRepr(name)} refers to a Tensor which does not exist. The operation, ${pyRepr(opName)}, exists but only has ${op.outputs.length} outputs.`,
      );
    }
    return t;
  }

  /** All operations, in creation order. */
  getOperations(): Operation[] {
    return this.ops.slice();
  }

  /** The number of operations (cheaper than `getOperations().length`). */
  get opCount(): number {
    return this.ops.length;
  }

  /**
   * A copy of a collection (`get_collection(name, scope=None)`), optionally keeping only
   * items whose `name` matches `scope` at its start (a regular expression, as `re.match`
   * reads it).
   */
  getCollection<T = unknown>(...args: CallArgs<typeof GET_COLLECTION_PARAMS>): T[] {
    const a = GET_COLLECTION.parse(args);
    return this.collectionItems<T>(a.name, a.scope);
  }

  /** `getCollection` without argument parsing, for scopeflow's own callers. */
  collectionItems<T = unknown>(key: string, scope?: string | null): T[] {
    const items = (this.collections.get(key) ?? []) as T[];
    if (scope === undefined || scope === null) return items.slice();
    const re = new RegExp(scope, "y");
    return items.filter((item) => {
      const name = (item as { name?: unknown } | null)?.name;
      if (typeof name !== "string") return false;
      re.lastIndex = 0;
      return re.test(name);
    });
  }

  /** The live collection list (`get_collection_ref(name)`). */
  getCollectionRef<T = unknown>(...args: CallArgs<typeof COLLECTION_NAME_PARAMS>): T[] {
    return this.collectionRef<T>(GET_COLLECTION_REF.parse(args).name);
  }

  private collectionRef<T>(key: string): T[] {
    let items = this.collections.get(key);
    if (items === undefined) {
      items = [];
      this.collections.set(key, items);
    }
    return items as T[];
  }

  /** Names of the collections that have been used. */
  getAllCollectionKeys(): string[] {
    return [...this.collections.keys()];
  }

  /** Appends `value` to the collection `name` (`add_to_collection(name, value)`). */
  addToCollection(...args: CallArgs<typeof ADD_TO_COLLECTION_PARAMS>): void {
    const a = ADD_TO_COLLECTION.parse(args);
    this.addItem(a.name, a.value);
  }

  /** `addToCollection` without argument parsing, for scopeflow's own callers. */
  addItem(key: string, value: unknown): void {
    this.assertNotFinalized();
    const items = this.collectionRef(key);
    items.push(value);
    if (this.undoLog !== null) this.undoLog.push(items);
  }

  /**
   * Appends `value` to each named collection, once per distinct name
   * (`add_to_collections(names, value)`; one string is one name, as in TensorFlow).
   */
  addToCollections(...args: CallArgs<typeof ADD_TO_COLLECTIONS_PARAMS>): void {
    const a = ADD_TO_COLLECTIONS.parse(args);
    this.addItems(a.names, a.value);
  }

  /** `addToCollections` without argument parsing, for scopeflow's own callers. */
  addItems(names: string | Iterable<string>, value: unknown): void {
    const keys = typeof names === "string" ? [names] : new Set(names);
    for (const key of keys) this.addItem(key, value);
  }

  /** Empties a collection (`clear_collection(name)`). */
  clearCollection(...args: CallArgs<typeof COLLECTION_NAME_PARAMS>): void {
    const key = CLEAR_COLLECTION.parse(args).name;
    this.assertNotFinalized();
    const items = this.collections.get(key);
    if (items === undefined) return;
    const saved = items.splice(0);
    this.onUndo(() => items.push(...saved));
  }

  /**
   * Per-graph state owned by a higher layer (the variable store, the variable scope
   * stack), created on first use.
   */
  getExtension<T>(key: symbol, create: () => T): T {
    let value = this.extensions.get(key) as T | undefined;
    if (value === undefined) {
      value = create();
      this.extensions.set(key, value);
    }
    return value;
  }

  /** Makes the graph read-only; later op creation throws. */
  finalize(): void {
    this._finalized = true;
  }

  /**
   * Makes a finalized graph writable again (TF's `_unsafe_unfinalize`), for a
   * `MonitoredSession` closing over a graph it finalized itself.
   */
  unsafeUnfinalize(): void {
    this._finalized = false;
  }

  private assertNotFinalized(): void {
    if (this._finalized) throw new Error("Graph is finalized and cannot be modified.");
  }

  /**
   * Starts recording changes so that a failing building call can undo them.
   * Savepoints nest; the log is dropped when the outermost is released.
   */
  savepoint(): Savepoint {
    if (this.undoLog === null) this.undoLog = [];
    this.savepointDepth += 1;
    return this.undoLog.length;
  }

  /** Undoes every change since `sp`, then releases it. */
  rollbackTo(sp: Savepoint): void {
    const log = this.undoLog;
    if (log !== null) {
      // Undo must not be journaled itself.
      this.undoLog = null;
      while (log.length > sp) this.undo(log);
      this.undoLog = log;
    }
    this.release();
  }

  /** Undoes the last change logged in `log` (see {@link UndoEntry}). */
  private undo(log: UndoEntry[]): void {
    const entry = log.pop();
    if (typeof entry === "function") {
      entry();
    } else if (entry instanceof NameNode) {
      const key = log.pop() as string;
      this.namesInUse.restoreCount(entry, key, log.pop() as number);
    } else if (Array.isArray(entry)) {
      entry.pop();
    } else if (entry instanceof Operation) {
      this.ops.pop();
      this.opsByNameIndex?.delete(entry.name);
      for (const t of entry.inputs) t.consumers.pop();
      for (const frame of this.controlStack) frame.created?.delete(entry);
    }
  }

  /** Keeps the changes since the savepoint. */
  release(): void {
    this.savepointDepth -= 1;
    if (this.savepointDepth === 0) this.undoLog = null;
  }

  /** Records how to undo a change made by a higher layer, while a savepoint is open. */
  onUndo(undo: () => void): void {
    if (this.undoLog !== null) this.undoLog.push(undo);
  }

  /**
   * Runs `fn`; if it throws, the graph (ops, names, collections, stores) is put back
   * as it was, so a failed building call leaves nothing half-built.
   */
  atomically<T>(fn: () => T): T {
    const sp = this.savepoint();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.rollbackTo(sp);
      throw e;
    }
    this.release();
    return result;
  }
}

const NO_PARAMS = [] as const;
const AS_DEFAULT = defineParams("Graph.asDefault", NO_PARAMS);
/** `get_tensor_by_name(name)`, `get_operation_by_name(name)`: TF's own type message. */
const NAME_PARAMS = [
  req(
    "name",
    kind<string>("a str", () => true),
  ),
] as const;
const GET_TENSOR_BY_NAME = defineParams("Graph.getTensorByName", NAME_PARAMS);
const GET_OPERATION_BY_NAME = defineParams("Graph.getOperationByName", NAME_PARAMS);
const COLLECTION_NAME_PARAMS = [req("name", stringKind)] as const;
const GET_COLLECTION_REF = defineParams("Graph.getCollectionRef", COLLECTION_NAME_PARAMS);
const CLEAR_COLLECTION = defineParams("Graph.clearCollection", COLLECTION_NAME_PARAMS);
const GET_COLLECTION_PARAMS = [req("name", stringKind), opt("scope", stringKind)] as const;
const GET_COLLECTION = defineParams("Graph.getCollection", GET_COLLECTION_PARAMS);
/** A collection item: anything, plain objects included. */
const itemKind = anyKind<unknown>("a value");
const ADD_TO_COLLECTION_PARAMS = [req("name", stringKind), req("value", itemKind)] as const;
const ADD_TO_COLLECTION = defineParams("Graph.addToCollection", ADD_TO_COLLECTION_PARAMS);
/** One collection name, or a list of them. */
const namesKind = kind<string | Iterable<string>>(
  "a str or a list of strs",
  (v) =>
    typeof v === "string" ||
    ((Array.isArray(v) || v instanceof Set) &&
      [...(v as Iterable<unknown>)].every((n) => typeof n === "string")),
);
const ADD_TO_COLLECTIONS_PARAMS = [req("names", namesKind), req("value", itemKind)] as const;
const ADD_TO_COLLECTIONS = defineParams("Graph.addToCollections", ADD_TO_COLLECTIONS_PARAMS);

const AS_GRAPH_DEF_PARAMS = [
  optNullable("fromVersion", intKind),
  opt("addShapes", booleanKind),
] as const;
const AS_GRAPH_DEF = defineParams("Graph.asGraphDef", AS_GRAPH_DEF_PARAMS);

declare(Graph.prototype.asDefault, AS_DEFAULT);
declare(Graph.prototype.asGraphDef, AS_GRAPH_DEF);
declare(Graph.prototype.getTensorByName, GET_TENSOR_BY_NAME);
declare(Graph.prototype.getOperationByName, GET_OPERATION_BY_NAME);
declare(Graph.prototype.getCollection, GET_COLLECTION);
declare(Graph.prototype.getCollectionRef, GET_COLLECTION_REF);
declare(Graph.prototype.clearCollection, CLEAR_COLLECTION);
declare(Graph.prototype.addToCollection, ADD_TO_COLLECTION);
declare(Graph.prototype.addToCollections, ADD_TO_COLLECTIONS);

/**
 * The caller's stack, captured at a public entry point so that only a few frames are
 * scopeflow's (a capture costs about 1 µs a frame).
 */
export function captureCallSite(frames = 12, above?: (...args: never[]) => unknown): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  const withCapture = Error as { captureStackTrace?: (target: object, above?: unknown) => void };
  let e: Error;
  if (above !== undefined && typeof withCapture.captureStackTrace === "function") {
    // One capture, starting above `above`: `new Error()` would capture a second time.
    e = Object.create(Error.prototype) as Error;
    withCapture.captureStackTrace(e, above);
  } else {
    e = new Error("defined at");
  }
  Error.stackTraceLimit = limit;
  return e;
}

const defaultGraphStack: Graph[] = [];
let globalDefaultGraph: Graph | null = null;

/**
 * The graph new ops go into: the innermost `asDefault` graph, else the global one.
 *
 * @example
 * ```ts
 * const g = tf.getDefaultGraph();
 * tf.constant(1).graph === g; // ==> true
 * ```
 */
export function getDefaultGraph(): Graph {
  // `arguments` rather than a rest array: this runs for nearly every op built.
  // eslint-disable-next-line prefer-rest-params
  if (arguments.length > 0) NO_ARGS_GET_DEFAULT_GRAPH.parse(arguments);
  const top = defaultGraphStack[defaultGraphStack.length - 1];
  if (top !== undefined) return top;
  if (globalDefaultGraph === null) globalDefaultGraph = new Graph();
  return globalDefaultGraph;
}
const NO_ARGS_GET_DEFAULT_GRAPH = defineParams("getDefaultGraph", NO_PARAMS);
declare(getDefaultGraph, NO_ARGS_GET_DEFAULT_GRAPH);

/**
 * Replaces the global default graph with a new, empty one.
 *
 * @example
 * ```ts
 * tf.constant(1);
 * tf.resetDefaultGraph();
 * tf.getDefaultGraph().getOperations().length; // ==> 0
 * ```
 */
export function resetDefaultGraph(...args: CallArgs<typeof NO_PARAMS>): void {
  RESET_DEFAULT_GRAPH.parse(args);
  if (defaultGraphStack.length > 0) {
    throw new Error(
      "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared graph, exit the nesting and create a new graph.",
    );
  }
  globalDefaultGraph = new Graph();
}

const RESET_DEFAULT_GRAPH = defineParams("resetDefaultGraph", NO_PARAMS);
declare(resetDefaultGraph, RESET_DEFAULT_GRAPH);

/**
 * Makes `graph` the default until the matching {@link popDefaultGraph}: for scope
 * functions that run the user's body without closures in between, so that the user's
 * frames sit close together in a short call-site capture.
 */
export function pushDefaultGraph(graph: Graph): void {
  defaultGraphStack.push(graph);
}

/** Ends the innermost {@link pushDefaultGraph}. */
export function popDefaultGraph(): void {
  defaultGraphStack.pop();
}

/** Runs `fn` with `graph` as the default graph. */
export function withDefaultGraph<T>(graph: Graph, fn: () => T): T {
  defaultGraphStack.push(graph);
  try {
    return fn();
  } finally {
    defaultGraphStack.pop();
  }
}
