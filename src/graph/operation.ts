import type { ControlFlowContext } from "./control_flow.js";
import type { Graph } from "./graph.js";
import type { Tensor, TensorEvalParams } from "./tensor.js";
import type { CallArgs } from "./call_args.js";

/** `Operation.run`'s arguments as given, handed to the session layer, which parses them. */
type OperationRunHook = (op: Operation, args: readonly unknown[]) => void;

let runHook: OperationRunHook | null = null;

/** Connects `Operation.run` to sessions (called once by the session layer). */
export function installOperationRunHook(hook: OperationRunHook): void {
  runHook = hook;
}

/** An attribute value of an operation (TensorFlow's `AttrValue`), opaque to `graph/`. */
export type AttrValue = unknown;

/** The build data of the many ops whose builders leave none (never written: read-only). */
export const NO_BUILD_DATA: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The control inputs of every op created without any (most ops): one frozen array, which
 * the graph's `_addControlInput` replaces by the op's own on adding the first.
 */
export const NO_CONTROL_INPUTS: Operation[] = Object.freeze([]) as unknown as Operation[];

/** The fields of an {@link Operation} that most ops leave at their defaults. */
class OpExtra {
  controlInputs: Operation[];
  buildData: Readonly<Record<string, unknown>>;
  controlFlowContext: ControlFlowContext | null;
  device: string;
  readonly definedAt: Error | null;

  constructor(
    controlInputs: Operation[],
    buildData: Readonly<Record<string, unknown>>,
    controlFlowContext: ControlFlowContext | null,
    definedAt: Error | null,
  ) {
    this.controlInputs = controlInputs;
    this.buildData = buildData;
    this.controlFlowContext = controlFlowContext;
    this.device = "";
    this.definedAt = definedAt;
  }
}

/**
 * A node of the graph: TensorFlow's `tf.Operation`. Created by op-building functions,
 * never directly; immutable once created (except `_addControlInput`, as in TensorFlow).
 *
 * @example
 * ```ts
 * const c = tf.add(1, 2);
 * c.op.type; // ==> Add
 * c.op.inputs.map((t) => t.name).join(", "); // ==> Add/x:0, Add/y:0
 * ```
 */
export class Operation {
  /** The graph that holds this operation. */
  readonly graph: Graph;
  /** The unique name, e.g. `"foo/add_1"`. */
  readonly name: string;
  /** The op type, e.g. `"MatMul"`, `"VariableV2"`. */
  readonly type: string;
  /** Data inputs, in order. */
  readonly inputs: readonly Tensor[];
  /**
   * The outputs, set by the graph right after construction: a lone output is kept as
   * itself until {@link outputs} is first read (most ops have one, and the ops a graph
   * builds in bulk, a variable's, are built by paths that take it with {@link _output}):
   * an array and its store less for each op to keep.
   */
  private _outputs: Tensor[] | Tensor | null = null;
  /** Attributes (`transpose_a`, `dtype`, a constant's value, …): TensorFlow's, as exported. */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Creation order within the graph (TensorFlow's `_id`). */
  readonly id: number;
  /**
   * Control inputs, build data, control flow context, device and {@link definedAt}; while
   * the first four are at their defaults, as for most ops (a variable's), only `definedAt`
   * (`null` for most ops, the captured stack of a variable's `VariableV2`): one field kept
   * per op, not five.
   */
  private _extra: OpExtra | Error | null;
  constructor(
    graph: Graph,
    id: number,
    name: string,
    type: string,
    inputs: readonly Tensor[],
    controlInputs: Operation[],
    attrs: Readonly<Record<string, AttrValue>>,
    definedAt: Error | null,
    controlFlowContext: ControlFlowContext | null = null,
    buildData: Readonly<Record<string, unknown>> = NO_BUILD_DATA,
  ) {
    this.graph = graph;
    this.id = id;
    this.name = name;
    this.type = type;
    this.inputs = inputs;
    this.attrs = attrs;
    this._extra =
      controlInputs.length === 0 && buildData === NO_BUILD_DATA && controlFlowContext === null
        ? definedAt
        : new OpExtra(controlInputs, buildData, controlFlowContext, definedAt);
  }

  /** Where the op was built, for "Originally defined at:" messages; formatted lazily. */
  get definedAt(): Error | null {
    const extra = this._extra;
    return extra instanceof OpExtra ? extra.definedAt : extra;
  }

  /** Operations that must run before this one (the graph adds to them, see `_addControlInput`). */
  get controlInputs(): Operation[] {
    const extra = this._extra;
    return extra instanceof OpExtra ? extra.controlInputs : NO_CONTROL_INPUTS;
  }

  /**
   * What the op's builder worked out for its kernel (an axis read from a constant input, a
   * seed's presence, …): scopeflow's own, never part of the exported node.
   */
  get buildData(): Readonly<Record<string, unknown>> {
    const extra = this._extra;
    return extra instanceof OpExtra ? extra.buildData : NO_BUILD_DATA;
  }

  /** The op's own fields beyond the commonest defaults, made on first need. */
  private extra(): OpExtra {
    const extra = this._extra;
    if (extra instanceof OpExtra) return extra;
    const made = new OpExtra(NO_CONTROL_INPUTS, NO_BUILD_DATA, null, extra);
    this._extra = made;
    return made;
  }

  /**
   * The op's control inputs as an array of its own, to add to (the graph's
   * `_addControlInput`): an op created without any shares one frozen empty array.
   */
  _ownControlInputs(): Operation[] {
    const extra = this.extra();
    if (extra.controlInputs === NO_CONTROL_INPUTS) extra.controlInputs = [];
    return extra.controlInputs;
  }

  /** Outputs, in order. */
  get outputs(): Tensor[] {
    const outputs = this._outputs as Tensor[] | Tensor;
    if (Array.isArray(outputs)) return outputs;
    const made = [outputs];
    this._outputs = made;
    return made;
  }

  /** Output `index` (`outputs[index]`), without making the outputs array of a lone output. */
  _output(index: number): Tensor | undefined {
    const outputs = this._outputs as Tensor[] | Tensor;
    if (Array.isArray(outputs)) return outputs[index];
    return index === 0 ? outputs : undefined;
  }

  /** Sets the outputs, once, as the graph creates the op. */
  _setOutputs(outputs: Tensor[] | Tensor): void {
    this._outputs = outputs;
  }

  /** The loop or branch the op runs in (`op._control_flow_context`), or `null` for once per run. */
  get controlFlowContext(): ControlFlowContext | null {
    const extra = this._extra;
    return extra instanceof OpExtra ? extra.controlFlowContext : null;
  }

  /**
   * `op._set_control_flow_context`: an imported op joins the context rebuilt for it from a
   * meta graph's `while_context`/`cond_context` collections (undone with a failed import).
   */
  _setControlFlowContext(ctx: ControlFlowContext | null): void {
    const extra = this.extra();
    const old = extra.controlFlowContext;
    extra.controlFlowContext = ctx;
    this.graph.onUndo(() => {
      extra.controlFlowContext = old;
    });
  }

  /**
   * The device requested for this op (`op.device`): what `tf.device` scopes and device
   * functions gave when it was built, `""` for none. Recorded for graph export; scopeflow
   * runs every op on the tfjs backend whatever it says.
   *
   * @example
   * ```ts
   * tf.device("/gpu:0", () => tf.constant(1)).op.device; // ==> /device:GPU:0
   * ```
   */
  get device(): string {
    const extra = this._extra;
    return extra instanceof OpExtra ? extra.device : "";
  }

  /** Sets the requested device while the graph builds the op (`_set_device_from_string`). */
  _setDevice(device: string): void {
    if (device === "" && !(this._extra instanceof OpExtra)) return;
    this.extra().device = device;
  }

  /**
   * The groups this op is colocated in (`op.colocation_groups()`): the `loc:@name` entries
   * of its `_class` attr, or else its own group `loc:@<its name>`.
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [1]);
   * v.initializer.colocationGroups().join(); // ==> loc:@v
   * ```
   */
  colocationGroups(): string[] {
    const cls = this.attrs._class;
    const groups = Array.isArray(cls)
      ? cls.filter((c): c is string => typeof c === "string" && c.startsWith("loc:@"))
      : [];
    return groups.length > 0 ? groups : [`loc:@${this.name}`];
  }

  /**
   * {@link colocationGroups} for the graph, which only reads them: the `_class` attr
   * itself when it holds groups alone, so that the ops colocated with a variable share
   * one array.
   */
  _colocationGroupsShared(): readonly string[] {
    const cls = this.attrs._class;
    if (
      Array.isArray(cls) &&
      cls.length > 0 &&
      cls.every((c) => typeof c === "string" && c.startsWith("loc:@"))
    ) {
      return cls as readonly string[];
    }
    return this.colocationGroups();
  }

  /** An attribute's value (`op.get_attr(name)`); throws `ValueError` if absent. */
  getAttr(name: string): AttrValue {
    if (!(name in this.attrs)) {
      throw new Error(`Operation '${this.name}' has no attr named '${name}'.`);
    }
    return this.attrs[name];
  }

  /**
   * Runs this op in a session, the default one unless given (TF's
   * `run(feed_dict=None, session=None)`); returns nothing, as TensorFlow does.
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [], { initializer: tf.zerosInitializer() });
   * const bump = tf.assignAdd(v, 2).op;
   * using sess = new tf.Session();
   * sess.asDefault(() => {
   *   tf.globalVariablesInitializer().run();
   *   bump.run();
   * });
   * bump.run(undefined, sess);
   * sess.run(v); // ==> 4.0
   * ```
   */
  run(...args: CallArgs<TensorEvalParams>): void {
    if (runHook === null)
      throw new Error("scopeflow's sessions are not loaded: import from 'scopeflow'");
    runHook(this, args);
  }

  /** `<tf.Operation 'add' type=AddV2>`. */
  toString(): string {
    return `<tf.Operation '${this.name}' type=${this.type}>`;
  }
}
