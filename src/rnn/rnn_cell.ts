import { ValueError } from "../errors.js";
import { asDType, isFloating, type DType } from "../graph/dtypes.js";
import { getDefaultGraph, GraphKeys, withDefaultGraph, type Graph } from "../graph/graph.js";
import { pyDType, pyList, pyStr, pyTuple } from "../graph/pyformat.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import { cast } from "../ops/array/cast.js";
import { concat } from "../ops/array/concat.js";
import { constant } from "../ops/array/constant.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { zeros } from "../ops/array/fill.js";
import { reshape } from "../ops/array/reshape.js";
import { shape } from "../ops/array/shape.js";
import { slice } from "../ops/array/slice.js";
import { tile } from "../ops/array/tile.js";
import { convertToTensor } from "../ops/convert.js";
import { sigmoid, tanh } from "../ops/math/unary.js";
import { elu, relu, relu6, selu, softplus } from "../ops/nn/activations.js";
import { constantValue } from "../ops/tensor_util.js";
import { graphFromValues, nameScope } from "../scope/name_scope.js";
import { normalizeReuse, type AUTO_REUSE, type ReuseOption } from "../scope/reuse.js";
import type {
  Constraint,
  CustomGetter,
  Initializer,
  InitializerFunction,
  Regularizer,
} from "../scope/types.js";
import { getVariableScope, VariableScope, variableScope } from "../scope/variable_scope.js";
import { getVariable } from "../variables/get_variable.js";
import { Variable } from "../variables/variable.js";
import { flatten, mapStructure } from "./nest.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  functionKind,
  isPlainObject,
  kind,
  opt,
  req,
  shapeKind,
  stringKind,
  tensorKind,
  type CallArgs,
  type Kind,
  type OptionsOf,
} from "../graph/call_args.js";

/**
 * The state of an LSTM cell (TensorFlow's `LSTMStateTuple`): a plain object `{ c, h }`,
 * the memory `c` and the output `h`, in that order.
 */
export type LSTMStateTuple<T = Tensor> = {
  c: T;
  h: T;
};

/**
 * Makes an `LSTMStateTuple` (`tf.nn.rnn_cell.LSTMStateTuple(c, h)`): the plain object `{ c, h }`.
 *
 * @example
 * ```ts
 * const c0 = tf.zeros([4, 8]);
 * const h0 = tf.zeros([4, 8]);
 * const state = tf.nn.rnnCell.LSTMStateTuple(c0, h0);
 * state.h === h0; // ==> true
 * ```
 */
export function LSTMStateTuple<T>(c: T, h: T): LSTMStateTuple<T>;
/** The namedtuple's keyword form, `LSTMStateTuple(c=…, h=…)`. */
export function LSTMStateTuple<T>(fields: { c: T; h: T }): LSTMStateTuple<T>;
export function LSTMStateTuple(...args: unknown[]): LSTMStateTuple<unknown> {
  const a = LSTM_STATE_TUPLE.parse(args);
  return { c: a.c, h: a.h };
}

/** A part of a state: a tensor (or a value convertible to one), never a plain object. */
const statePartKind = kind<unknown>("a Tensor", (v) => !isPlainObject(v));
const LSTM_STATE_TUPLE = defineParams("nn.rnnCell.LSTMStateTuple", [
  req("c", statePartKind),
  req("h", statePartKind),
] as const);
declare(LSTMStateTuple, LSTM_STATE_TUPLE);

/** A recurrent state: a tensor, an `{ c, h }` pair, or an array of states (nested). */
export type RNNState = Tensor | { c: RNNState; h: RNNState } | readonly RNNState[];

/** A cell's `stateSize` / `outputSize`: a depth, a shape, or a structure of them. */
export type StateSize =
  number | TensorShape | { c: StateSize; h: StateSize } | readonly StateSize[];

/** A nonlinearity: a function of a tensor, or the name of a Keras activation. */
export type Activation =
  | ((x: Tensor) => Tensor)
  | "tanh"
  | "sigmoid"
  | "relu"
  | "relu6"
  | "elu"
  | "selu"
  | "softplus"
  | "linear";

const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = {
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  relu: (x) => relu(x),
  relu6: (x) => relu6(x),
  elu: (x) => elu(x),
  selu: (x) => selu(x),
  softplus: (x) => softplus(x),
  linear: (x) => x,
};

/** `activations.get`: the function for `activation`, `tanh` when none is given. */
export function getActivation(activation: Activation | null | undefined): (x: Tensor) => Tensor {
  if (activation === null || activation === undefined) return (x) => tanh(x);
  if (typeof activation === "function") return activation;
  const fn = ACTIVATIONS[activation];
  if (fn === undefined) throw new ValueError(`Unknown activation function:${String(activation)}`);
  return fn;
}

/** A cell's `activation`: a function of a tensor or an activation's name. */
export const activationKind = kind<Activation>(
  "a function or the name of an activation",
  (v) => typeof v === "function" || (typeof v === "string" && v in ACTIVATIONS),
);

/**
 * A layer's `reuse`: `true`, `false` or `tf.AUTO_REUSE`; other values reach
 * `normalizeReuse`, which raises TF's ValueError.
 */
export const reuseKind = kind<ReuseOption>("True, False, None or tf.AUTO_REUSE", () => true);

/** An initializer: an `Initializer` object or an initializer function. */
export const initializerKind = kind<Initializer | InitializerFunction>(
  "an initializer",
  (v) => typeof v === "function" || (typeof v === "object" && v !== null && "call" in v),
);

/** A variable scope: its name, or a captured `VariableScope`. */
export const scopeKind = kind<string | VariableScope>(
  "a str or a VariableScope",
  (v) => typeof v === "string" || v instanceof VariableScope,
);

/**
 * A cell state: a tensor or a structure of tensors. `{ c, h }` is a plain object, so in the
 * last position a plain object is the state unless its keys are the function's parameter
 * names (`staticRnn(cell, inputs, { dtype })` gives options, `(cell, inputs, { c, h })` a
 * state).
 */
export function stateKind<S>(
  paramNames: readonly string[],
  expected = "a state (a Tensor or a structure of Tensors)",
): Kind<S> {
  return kind<S>(
    expected,
    () => true,
    (v) => {
      const keys = Object.keys(v);
      return keys.length > 0 && !keys.some((k) => paramNames.includes(k));
    },
  );
}

/** A batch size: an int, or an int tensor known at run time. */
export const batchSizeKind = kind<number | Tensor>(
  "an int or an int Tensor",
  (v) => (typeof v === "number" && Number.isInteger(v)) || v instanceof Tensor,
);

/**
 * TF 1.15's `RNNCell(trainable, name, dtype, **kwargs)`, with its `_reuse` keyword as
 * `reuse` (what the cells pass up).
 */
const RNN_CELL_PARAMS = [
  opt("trainable", booleanKind),
  opt("name", stringKind),
  opt("dtype", dtypeKind),
  opt("reuse", reuseKind),
] as const;
const RNN_CELL_P = defineParams("nn.rnnCell.RNNCell", RNN_CELL_PARAMS);

/**
 * Options every cell accepts (the `tf.layers.Layer` arguments of TensorFlow's cells):
 * `name` (the cell's variable scope, made unique: `name_1`; default the class name in
 * snake case, `basic_lstm_cell`), `reuse`, `dtype` (default: that of the first input),
 * `trainable` (default `true`).
 */
export type RNNCellOptions = OptionsOf<typeof RNN_CELL_PARAMS>;

/** A cell called from outside: TF's `cell(inputs, state, scope=None)`. */
const CELL_CALL_P = defineParams("RNNCell.call", [
  req("inputs", tensorKind),
  req("state", stateKind<unknown>(["inputs", "state", "scope"])),
  opt("scope", scopeKind),
] as const);

/** TF 1.15's `zero_state(batch_size, dtype)`: both required. */
export const ZERO_STATE_PARAMS = [
  req("batchSize", batchSizeKind),
  req("dtype", dtypeKind),
] as const;
export const ZERO_STATE_P = defineParams("RNNCell.zeroState", ZERO_STATE_PARAMS);

/** TF 1.15's `get_initial_state(inputs, batch_size, dtype)`. */
const INITIAL_STATE_PARAMS = [
  opt("inputs", tensorKind),
  opt("batchSize", batchSizeKind),
  opt("dtype", dtypeKind),
] as const;
const INITIAL_STATE_P = defineParams("RNNCell.getInitialState", INITIAL_STATE_PARAMS);

/** Options of {@link RNNCell.getInitialState}. */
export type InitialStateOptions = OptionsOf<typeof INITIAL_STATE_PARAMS>;

/**
 * The legacy layers' `add_weight(name, shape, dtype, initializer, regularizer, trainable,
 * constraint)`, the part cells use.
 */
const ADD_WEIGHT_PARAMS = [
  req("name", stringKind),
  opt("shape", shapeKind),
  opt("dtype", dtypeKind),
  opt("initializer", initializerKind),
  opt("regularizer", kind<Regularizer>("a function", functionKind.check)),
  opt("trainable", booleanKind),
  opt("constraint", kind<Constraint>("a function", functionKind.check)),
] as const;
const ADD_WEIGHT_P = defineParams("RNNCell.addWeight", ADD_WEIGHT_PARAMS);

/** Options of {@link RNNCell.addWeight}. */
export type AddWeightOptions = OptionsOf<typeof ADD_WEIGHT_PARAMS>;

/** `_check_supported_dtypes`: cells compute in floating point only. */
export function checkSupportedDType(dtype: DType | null | undefined): void {
  if (dtype === null || dtype === undefined) return;
  if (!isFloating(dtype)) {
    throw new ValueError(
      `RNN cell only supports floating point inputs, but saw dtype: ${pyDType(dtype)}`,
    );
  }
}

/** `_check_rnn_cell_input_dtypes`: every tensor of the inputs and state must be floating. */
export function checkRnnCellInputDTypes(values: unknown): void {
  for (const t of flatten<unknown>(values)) {
    if (t instanceof Tensor) checkSupportedDType(t.dtype);
  }
}

/** Keras' `to_snake_case` (`BasicLSTMCell` → `basic_lstm_cell`). */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, "$1_$2");
  const insecure = intermediate.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
  return insecure.startsWith("_") ? `private${insecure}` : insecure;
}

const OBJECT_NAME_UIDS = Symbol("scopeflow.layerObjectNameUids");

/**
 * `backend.unique_object_name(name, zero_based=False)`: `name_1`, `name_2`, … per graph
 * (journaled: a failed building call gives its number back).
 */
function uniqueObjectName(base: string): string {
  const graph = getDefaultGraph();
  const uids = graph.getExtension(OBJECT_NAME_UIDS, () => new Map<string, number>());
  const n = (uids.get(base) ?? 0) + 1;
  uids.set(base, n);
  graph.onUndo(() => uids.set(base, n - 1));
  return `${base}_${n}`;
}

/** The dims of one `stateSize` leaf. */
export function sizeDims(size: unknown): Dim[] {
  if (typeof size === "number") {
    if (!Number.isInteger(size) || size < 0)
      throw new ValueError(`A state size must be a non-negative integer, got ${size}.`);
    return [size];
  }
  if (size instanceof TensorShape) {
    if (size.dims === null) throw new ValueError("A state size shape must have a known rank.");
    return size.dims.slice();
  }
  throw new TypeError(`A state size must be a number or a TensorShape, got ${String(size)}.`);
}

/** The batch size as a number when it is known while building, else `null`. */
function staticBatchSize(batchSize: number | Tensor): number | null {
  if (typeof batchSize === "number") {
    if (!Number.isInteger(batchSize) || batchSize < 0)
      throw new ValueError(`batch_size must be a non-negative integer, got ${batchSize}.`);
    return batchSize;
  }
  const value = constantValue(batchSize);
  if (value !== null && value.values.length === 1) return Number(value.values[0]);
  return null;
}

/**
 * Zeros of shape `[batchSize, ...dims]` named `zeros`. A batch size known only at run time
 * tiles one zero row `batchSize` times (a `Tile` named `zeros`), where TensorFlow builds a
 * `Fill` on a shape tensor.
 */
export function zerosWithBatch(batchSize: number | Tensor, dims: Dim[], dtype: DType): Tensor {
  const known = staticBatchSize(batchSize);
  if (dims.some((d) => d === null)) throw new ValueError("A state size must be fully defined.");
  const sizes = dims as number[];
  if (known !== null) return zeros([known, ...sizes], { dtype });
  const batch = batchSize as Tensor;
  return nameScope("zeros", (scope) => {
    const row = zeros([1, ...sizes], { dtype, name: "row" });
    let b = cast(batch, "int32");
    if (b.shape.rank === 0) b = expandDims(b, 0);
    else if (b.shape.rank !== 1) b = reshape(b, [1]);
    const ones = constant(
      sizes.map(() => 1),
      { dtype: "int32", shape: [sizes.length] },
    );
    const multiples = concat([b, ones], 0, { name: "multiples" });
    const out = tile(row, multiples, { name: scope });
    out.setShape([null, ...sizes]);
    return out;
  });
}

/** `_zero_state_tensors`: zeros of `[batchSize, s]` for every `s` of `stateSize`. */
export function zeroStateTensors(
  stateSize: StateSize,
  batchSize: number | Tensor,
  dtype: DType,
): RNNState {
  return mapStructure<unknown, Tensor>(
    (s) => zerosWithBatch(batchSize, sizeDims(s), dtype),
    stateSize,
  ) as RNNState;
}

type CellBody<S> = (inputs: Tensor, state: S) => [Tensor, S];

/**
 * An RNN cell (`tf.nn.rnn_cell.RNNCell`): the unit `staticRnn` applies at every time step.
 * Subclasses implement `call(inputs, state)` — the step's computation — and the sizes;
 * calling `cell.call(inputs, state)` from outside runs it as TensorFlow's `cell(inputs,
 * state)` does: inside the cell's variable scope (`basic_lstm_cell`, chosen at the first
 * call under the scope current then), building the weights on the first call and reusing
 * them on every later one. `cell.apply(inputs, state)` is the same.
 *
 * A subclass of `RNNCell` itself creates its weights with `tf.getVariable` inside `call`
 * (TensorFlow's classic cells); one of {@link LayerRNNCell} creates them in `build` with
 * `addWeight`.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [4, 3]);
 * const cell = new tf.nn.rnnCell.BasicLSTMCell(8);
 * const state = cell.zeroState(4, tf.float32);
 * const [out] = cell.call(x, state);
 * out.shape.toString(); // ==> (4, 8)
 * tf.globalVariables().map((v) => v.name).join(", "); // ==> basic_lstm_cell/kernel:0, basic_lstm_cell/bias:0
 * ```
 */
export abstract class RNNCell<S = RNNState> {
  /** The layer's unique name (`basic_lstm_cell_1`), used in messages. */
  readonly name: string;
  /** Whether the weights this cell creates are trainable. */
  trainable: boolean;
  /** Whether the weights exist (set after the first call). */
  built = false;
  /** The rank the inputs must have (`input_spec`), or `null` for any. */
  protected inputNdim: number | null = null;
  /** The name the variable scope is made from (`basic_lstm_cell`). */
  protected readonly baseName: string;
  /** The `reuse` argument: `true` or `AUTO_REUSE`, or `null`. */
  protected readonly reuseOption: true | typeof AUTO_REUSE | null;
  private layerDType: DType | null;
  private layerScope: VariableScope | null = null;
  private current: VariableScope | null = null;
  private rnncellScope: VariableScope | null = null;
  private readonly ownTrainable: Variable[] = [];
  private readonly ownNonTrainable: Variable[] = [];

  constructor(...args: CallArgs<typeof RNN_CELL_PARAMS>) {
    const options = RNN_CELL_P.parse(args);
    this.reuseOption = normalizeReuse(options.reuse);
    this.trainable = options.trainable ?? true;
    this.layerDType = options.dtype === undefined ? null : asDType(options.dtype);
    checkSupportedDType(this.layerDType);
    const name = options.name ?? null;
    if (name) {
      this.name = name;
      this.baseName = name;
    } else {
      this.baseName = toSnakeCase(this.className);
      this.name = uniqueObjectName(this.baseName);
    }
    // `cell.call(...)` from outside is TensorFlow's `cell(...)`: the scope, the build,
    // then the subclass's own `call` as the body.
    const body = (Object.getPrototypeOf(this) as { call: CellBody<S> }).call;
    const call = (...callArgs: unknown[]): [Tensor, S] => {
      const a = CELL_CALL_P.parse(callArgs);
      return this.invoke(a.inputs, a.state as S, a.scope ?? null, body);
    };
    Object.defineProperty(this, "call", {
      value: declare(call, CELL_CALL_P),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  /** The class name TensorFlow derives names from (`BasicLSTMCell`). */
  protected get className(): string {
    return this.constructor.name;
  }

  /** Whether `call` skips `RNNCell`'s scope capture (true for {@link LayerRNNCell}). */
  protected get isLayerCell(): boolean {
    return false;
  }

  /** The size(s) of the state: a depth, a shape, or a structure of them. */
  abstract get stateSize(): StateSize;

  /** The size of the output. */
  abstract get outputSize(): StateSize;

  /**
   * One time step: `[output, newState]` for `inputs` (`[batch, inputSize]`) and `state`.
   * Subclasses implement the step here; called from outside, it runs as `cell(inputs,
   * state, scope?)` does in TensorFlow (variable scope, build on first use, reuse after).
   */
  abstract call(inputs: Tensor, state: S, scope?: string | VariableScope | null): [Tensor, S];

  /** The same as `call` from outside: TensorFlow's `cell(inputs, state, scope)`. */
  apply(inputs: TensorLike, state: S, scope?: string | VariableScope | null): [Tensor, S];
  apply(options: {
    inputs: TensorLike;
    state: S;
    scope?: string | VariableScope | null;
  }): [Tensor, S];
  apply(...args: unknown[]): [Tensor, S] {
    return (this.call as (...a: unknown[]) => [Tensor, S])(...args);
  }

  /** Creates the weights for inputs of `inputsShape` (once, at the first call). */
  build(_inputsShape: TensorShape): void {
    // Cells that create their variables in `call` need no build.
  }

  /** The dtype of the weights: as given, else that of the first input, or `null` before. */
  get dtype(): DType | null {
    return this.layerDType;
  }

  /** The variable scope's name (`rnn/basic_lstm_cell`); an error before the first call. */
  get scopeName(): string {
    if (this.layerScope === null) {
      throw new ValueError(
        `No name available for layer scope because the layer "${this.name}" has not been used yet. The scope name  is determined the first time the layer instance is called. You must therefore call the layer before querying \`scope_name\`.`,
      );
    }
    return this.layerScope.name;
  }

  /** The trainable weights this cell created or used. */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.ownTrainable.slice() : [];
  }

  /** The non-trainable weights (all of them when `trainable` is false). */
  get nonTrainableWeights(): Variable[] {
    return this.trainable
      ? this.ownNonTrainable.slice()
      : [...this.ownTrainable, ...this.ownNonTrainable];
  }

  /** Trainable then non-trainable weights. */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** The same as `weights`. */
  get variables(): Variable[] {
    return this.weights;
  }

  /** The same as `trainableWeights`. */
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }

  /**
   * Zero-filled state (`cell.zero_state(batch_size, dtype)`): a `[batchSize, s]` tensor per
   * `s` of `stateSize`, named under `<ClassName>ZeroState/` (`BasicLSTMCellZeroState/zeros`).
   *
   * @example
   * ```ts
   * const { c, h } = new tf.nn.rnnCell.BasicLSTMCell(8).zeroState(4, tf.float32);
   * h.shape.toString(); // ==> (4, 8)
   * ```
   */
  zeroState(...args: CallArgs<typeof ZERO_STATE_PARAMS>): S {
    const { batchSize, dtype } = ZERO_STATE_P.parse(args);
    const d = asDType(dtype);
    const graph = graphFromValues([batchSize]);
    return withDefaultGraph(graph, () =>
      graph.atomically(() =>
        nameScope(`${this.className}ZeroState`, () =>
          zeroStateTensors(this.stateSize, batchSize, d),
        ),
      ),
    ) as S;
  }

  /** `get_initial_state(inputs, batch_size, dtype)`: the zero state, sized from `inputs` if given. */
  getInitialState(...args: CallArgs<typeof INITIAL_STATE_PARAMS>): S {
    const options = INITIAL_STATE_P.parse(args);
    let batchSize = options.batchSize ?? null;
    let dtype = options.dtype ?? null;
    if (options.inputs !== undefined) {
      const inputs = convertToTensor(options.inputs, { name: "inputs" });
      const dim0 = inputs.shape.dims === null ? null : (inputs.shape.dims[0] ?? null);
      if (batchSize !== null) {
        const staticBatch = batchSize instanceof Tensor ? staticBatchSize(batchSize) : batchSize;
        if (dim0 !== staticBatch) {
          throw new ValueError(
            `batch size from input tensor is different from the input param. Input tensor batch: ${pyStr(dim0)}, batch_size: ${String(staticBatch ?? batchSize)}`,
          );
        }
      }
      if (dtype !== null && inputs.dtype !== dtype) {
        throw new ValueError(
          `dtype from input tensor is different from the input param. Input tensor dtype: ${inputs.dtype}, dtype: ${dtype}`,
        );
      }
      batchSize = dim0 ?? batchDimOf(inputs);
      dtype = inputs.dtype;
    }
    if (batchSize === null || dtype === null) {
      throw new ValueError(
        `batch_size and dtype cannot be None while constructing initial state: batch_size=${pyStr(batchSize)}, dtype=${pyStr(dtype)}`,
      );
    }
    return this.zeroState(batchSize, dtype);
  }

  /**
   * Creates (or, once built, gets) a weight in the cell's variable scope (the layers'
   * `add_weight`): `<scope>/<name>`, by `tf.getVariable`.
   */
  addWeight(...args: CallArgs<typeof ADD_WEIGHT_PARAMS>): Variable {
    const options = ADD_WEIGHT_P.parse(args);
    this.setScope(null);
    const scope = this.layerScope as VariableScope;
    const reuse = this.built ? true : this.reuseOption;
    const trainable = options.trainable ?? true;
    return variableScope(scope, { reuse, auxiliaryNameScope: false }, (entered) => {
      this.current = entered;
      return nameScope(entered.originalNameScope, () => {
        const v = getVariable(options.name, options.shape ?? null, {
          dtype: options.dtype ?? this.layerDType ?? "float32",
          initializer: options.initializer ?? null,
          regularizer: options.regularizer ?? null,
          trainable: trainable && this.trainable,
          constraint: options.constraint ?? null,
        });
        this.track(v, trainable && this.trainable);
        return v;
      });
    });
  }

  /** The same as `addWeight` (TensorFlow's cells call it `add_variable`). */
  addVariable(...args: CallArgs<typeof ADD_WEIGHT_PARAMS>): Variable {
    return this.addWeight(...args);
  }

  private track(v: Variable, trainable: boolean): void {
    const list = trainable ? this.ownTrainable : this.ownNonTrainable;
    if (list.includes(v)) return;
    list.push(v);
    v.graph.onUndo(() => {
      const i = list.indexOf(v);
      if (i >= 0) list.splice(i, 1);
    });
  }

  /**
   * Journals the cell's building state (scope, dtype, `built`) so that a failed building
   * call, which the graph undoes, also puts the cell back as it was.
   */
  private journal(graph: Graph): void {
    const { layerScope, rnncellScope, layerDType, built } = this;
    graph.onUndo(() => {
      this.layerScope = layerScope;
      this.rnncellScope = rnncellScope;
      this.layerDType = layerDType;
      this.built = built;
    });
  }

  /** `_rnn_get_variable`: records the variables `getVariable` returns inside the cell. */
  private readonly trackingGetter: CustomGetter = (getter, name, options) => {
    const v = getter(name, options);
    if (v instanceof Variable) {
      const trainable = getDefaultGraph()
        .getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES)
        .includes(v);
      this.track(v, trainable);
    }
    return v;
  };

  /** `Layer._set_scope`: fixes the variable scope at the first call (or weight). */
  private setScope(scope: string | VariableScope | null): void {
    if (this.layerScope !== null) return;
    const captured =
      this.reuseOption !== null
        ? variableScope(scope ?? this.baseName, (s) => s)
        : variableScope(scope, { defaultName: this.baseName }, (s) => s);
    this.journal(getDefaultGraph());
    this.layerScope = captured;
  }

  /** `RNNCell.__call__` (and `LayerRNNCell.__call__`, which skips the scope capture). */
  private invoke(
    inputs: TensorLike,
    state: S,
    scope: string | VariableScope | null,
    body: CellBody<S>,
  ): [Tensor, S] {
    if (typeof body !== "function") throw new TypeError("This RNN cell has no call method.");
    const graph = graphFromValues([inputs, ...flatten<unknown>(state)]);
    return withDefaultGraph(graph, () =>
      graph.atomically(() => {
        const x = inputs instanceof Tensor ? inputs : convertToTensor(inputs, { name: "inputs" });
        if (this.isLayerCell) return this.layerCall(x, state, scope, body);
        if (scope !== null) {
          return variableScope(scope, { customGetter: this.trackingGetter }, (s) =>
            this.layerCall(x, state, s, body),
          );
        }
        if (this.rnncellScope === null) {
          this.journal(graph);
          this.rnncellScope = getVariableScope();
        }
        return variableScope(
          this.rnncellScope as VariableScope,
          { customGetter: this.trackingGetter },
          () => this.layerCall(x, state, null, body),
        );
      }),
    );
  }

  /** `tf.layers.Layer.__call__`: scope, input check, build, then the body. */
  private layerCall(
    x: Tensor,
    state: S,
    scopeArg: string | VariableScope | null,
    body: CellBody<S>,
  ): [Tensor, S] {
    this.setScope(scopeArg);
    const scope = this.layerScope as VariableScope;
    const reuse = this.built ? true : this.reuseOption;
    return variableScope(scope, { reuse, auxiliaryNameScope: false }, (entered) => {
      this.current = entered;
      this.assertInputCompatibility(x);
      return nameScope(entered.originalNameScope, () => {
        this.maybeBuild(x);
        const result = body.call(this, x, state);
        if (!Array.isArray(result) || result.length !== 2) {
          throw new TypeError(
            `${this.className}.call must return [output, newState], got ${String(result)}.`,
          );
        }
        return result;
      });
    });
  }

  /** The variable scope the cell is running in (inside `call` or `build`). */
  protected get currentScope(): VariableScope | null {
    return this.current;
  }

  private assertInputCompatibility(x: Tensor): void {
    const ndim = this.inputNdim;
    const rank = x.shape.rank;
    if (ndim === null || rank === null || rank === ndim) return;
    throw new ValueError(
      `Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=${ndim}, found ndim=${rank}. Full shape received: ${pyList(x.shape.dims ?? [])}`,
    );
  }

  private maybeBuild(x: Tensor): void {
    if (this.built) return;
    this.journal(x.graph);
    if (this.layerDType === null) this.layerDType = x.dtype;
    this.build(x.shape);
    this.built = true;
  }
}

declare(RNNCell, RNN_CELL_P);
declare(RNNCell.prototype.apply, CELL_CALL_P);
declare(RNNCell.prototype.zeroState, ZERO_STATE_P);
declare(RNNCell.prototype.getInitialState, INITIAL_STATE_P);
declare(RNNCell.prototype.addWeight, ADD_WEIGHT_P);
declare(RNNCell.prototype.addVariable, ADD_WEIGHT_P);

/**
 * The batch size of `x`: its first dimension when known while building, else
 * `shape(x)[0:1]` (TensorFlow's `array_ops.shape(x)[0]`, as a one-element vector).
 */
export function batchDimOf(x: Tensor): number | Tensor {
  const dims = x.shape.dims;
  const first = dims === null ? null : (dims[0] ?? null);
  if (first !== null) return first;
  return slice(shape(x), [0], [1]);
}

/**
 * An RNN cell that is a proper layer (`LayerRNNCell`): it creates its weights in `build`
 * with `addWeight`, in the scope named after the cell, and `call` only computes.
 */
export abstract class LayerRNNCell<S = RNNState> extends RNNCell<S> {
  protected override get isLayerCell(): boolean {
    return true;
  }
}

/** `inputs.get_shape()[-1]`: the input depth, which the cells need when building. */
export function inputDepth(inputsShape: TensorShape): number {
  const dims = inputsShape.dims;
  const last = dims === null || dims.length === 0 ? null : (dims[dims.length - 1] ?? null);
  if (last === null) {
    const shown = dims === null ? "None" : pyTuple(dims);
    throw new ValueError(`Expected inputs.shape[-1] to be known, saw shape: ${shown}`);
  }
  return last;
}
