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
import { withNameScope } from "../scope/name_scope.js";
import type { Constraint } from "../scope/types.js";
import { convertToTensor } from "../ops/convert.js";
import { binaryOperator, neg } from "../ops/math/operators.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { identity } from "../ops/math/unary.js";
import { assign, assignAdd, assignSub, variableOp } from "../ops/state/variable_ops.js";

/** Options of `new tf.Variable`. */
export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Collections to add the variable to; replaces `GLOBAL_VARIABLES` (TRAINABLE is still added). */
  collections?: string[];
  /** Whether the initial value's shape must be fully known (default `true`). */
  validateShape?: boolean;
  constraint?: Constraint | null;
  /** Where it was requested, for "Originally defined at:" (set by `getVariable`). */
  definedAt?: Error | null;
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
  /** The `VariableV2` op. */
  readonly op: Operation;
  /** The value read for ops that use the variable (`<name>/read:0`). */
  readonly snapshot: Tensor;
  /** The `Assign` op that sets the initial value. */
  readonly initializer: Operation;
  /** The tensor that computes the initial value. */
  readonly initialValue: Tensor;
  /** Whether optimizers update it by default. */
  readonly trainable: boolean;
  /** Applied after optimizer updates, when set. */
  readonly constraint: Constraint | null;
  private readonly ref: Tensor;

  constructor(initialValue: TensorLike | (() => TensorLike), options: VariableOptions = {}) {
    if (initialValue === undefined || initialValue === null)
      throw new ValueError("initial_value must be specified.");
    const collections = options.collections ?? [GraphKeys.GLOBAL_VARIABLES];
    if (!Array.isArray(collections)) {
      throw new ValueError(
        `collections argument to Variable constructor must be a list, tuple, or set. Got ${String(collections)} of type ${typeof collections}`,
      );
    }
    if (
      options.constraint !== undefined &&
      options.constraint !== null &&
      typeof options.constraint !== "function"
    ) {
      throw new ValueError("The `constraint` argument must be a callable.");
    }
    const trainable = options.trainable ?? true;
    const dtype =
      options.dtype === undefined || options.dtype === null ? null : asDType(options.dtype);
    const validateShape = options.validateShape ?? true;
    const graph = getDefaultGraph();
    const built = graph.atomically(() =>
      graph.initScope(() =>
        buildVariable(
          graph,
          initialValue,
          options.name,
          dtype,
          validateShape,
          options.definedAt ?? null,
        ),
      ),
    );
    this.op = built.ref.op;
    this.ref = built.ref;
    this.initialValue = built.initialValue;
    this.initializer = built.initializer;
    this.snapshot = built.snapshot;
    this.trainable = trainable;
    this.constraint = options.constraint ?? null;
    const keys =
      trainable && !collections.includes(GraphKeys.TRAINABLE_VARIABLES)
        ? [...collections, GraphKeys.TRAINABLE_VARIABLES]
        : collections;
    graph.atomically(() => graph.addToCollections(keys, this));
  }

  /** `"scope/v:0"`. */
  get name(): string {
    return this.ref.name;
  }
  /** The static shape. */
  get shape(): TensorShape {
    return this.ref.shape;
  }
  /** TensorFlow's `get_shape()`. */
  getShape(): TensorShape {
    return this.ref.shape;
  }
  /** The base dtype (`"float32"`; `toString` shows `float32_ref`). */
  get dtype(): DType {
    return this.ref.dtype;
  }
  /** The graph that holds it. */
  get graph(): Graph {
    return this.op.graph;
  }
  /** The storage tensor (`float32_ref`), as ops that write take it. */
  get refTensor(): Tensor {
    return this.ref;
  }

  [toTensorSymbol](asRef: boolean): Tensor {
    return asRef ? this.ref : this.snapshot;
  }

  /** The snapshot tensor `<name>/read:0`. */
  value(): Tensor {
    return this.snapshot;
  }

  /** A new read of the current value (`read_value()`), an `Identity` named `read`. */
  readValue(): Tensor {
    return identity(this.ref, { name: "read" });
  }

  /**
   * An op that sets the variable to `value`; running it yields the new value.
   *
   * @example
   * ```ts
   * const v = tf.getVariable("v", [2]);
   * using sess = new tf.Session();
   * sess.run(v.assign([1, 2]));
   * sess.run(v); // ==> [1. 2.]
   * ```
   */
  assign(value: TensorLike, options: { name?: string } = {}): Tensor {
    return assign(this.ref, value, options);
  }
  /** An op that adds `value` to the variable. */
  assignAdd(value: TensorLike, options: { name?: string } = {}): Tensor {
    return assignAdd(this.ref, value, options);
  }
  /** An op that subtracts `value` from the variable. */
  assignSub(value: TensorLike, options: { name?: string } = {}): Tensor {
    return assignSub(this.ref, value, options);
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
  eval(session?: unknown): NDArray {
    return needHooks().run(session, this) as NDArray;
  }

  /**
   * Writes `value` into the variable in `session` by feeding its initializer.
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
  load(value: unknown, session?: unknown): void {
    needHooks().run(
      session,
      this.initializer,
      new Map([[this.initializer.inputs[1] as Tensor, value]]),
    );
  }

  /** `v + y` on the snapshot. */
  add(y: TensorLike): Tensor {
    return binaryOperator("add", this, y);
  }
  /** `v - y`. */
  sub(y: TensorLike): Tensor {
    return binaryOperator("sub", this, y);
  }
  /** `v * y`. */
  mul(y: TensorLike): Tensor {
    return binaryOperator("mul", this, y);
  }
  /** `v / y`. */
  div(y: TensorLike): Tensor {
    return binaryOperator("truediv", this, y);
  }
  /** `v ** y`. */
  pow(y: TensorLike): Tensor {
    return binaryOperator("pow", this, y);
  }
  /** `v % y`. */
  mod(y: TensorLike): Tensor {
    return binaryOperator("mod", this, y);
  }
  /** `v @ y`. */
  matmul(y: TensorLike): Tensor {
    return binaryOperator("matmul", this, y);
  }
  /** `-v`. */
  neg(): Tensor {
    return neg(this);
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

  /** `<tf.Variable 'test/weight_1:0' shape=(2,) dtype=float32_ref>`. */
  toString(): string {
    return `<tf.Variable '${this.name}' shape=${this.shape.toString()} dtype=${this.dtype}_ref>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function needHooks(): VariableSessionHooks {
  if (sessionHooks === null)
    throw new Error("scopeflow's session module is not loaded: import from 'scopeflow'");
  return sessionHooks;
}

interface BuiltVariable {
  ref: Tensor;
  initialValue: Tensor;
  initializer: Operation;
  snapshot: Tensor;
}

/** `RefVariable._init_from_args`: the ops of a variable, named under its own scope. */
function buildVariable(
  graph: Graph,
  initialValue: TensorLike | (() => TensorLike),
  name: string | undefined,
  dtype: DType | null,
  validateShape: boolean,
  definedAt: Error | null,
): BuiltVariable {
  if (name !== undefined && typeof name !== "string")
    throw new TypeError("A variable name must be a string.");
  return withNameScope(graph, name ?? "Variable", (scope) => {
    const value =
      typeof initialValue === "function"
        ? withNameScope(graph, "Initializer", () =>
            convertToTensor(initialValue(), { name: "initial_value", dtype }),
          )
        : convertToTensor(initialValue, { name: "initial_value", dtype });
    if (validateShape && !value.shape.isFullyDefined()) {
      throw new ValueError(`initial_value must have a shape specified: ${value.toString()}`);
    }
    const shape = validateShape ? value.shape : TensorShape.unknown();
    const ref = variableOp(graph, scope, shape, value.dtype, definedAt);
    const initializer = assign(ref, value, { name: "Assign", validateShape }).op;
    const snapshot = identity(ref, { name: "read" });
    return { ref, initialValue: value, initializer, snapshot };
  });
}
