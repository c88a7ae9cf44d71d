import { ValueError } from "../errors.js";
import { asDType, isFloating, type DType } from "../graph/dtypes.js";
import { getDefaultGraph, GraphKeys, withDefaultGraph, type Graph } from "../graph/graph.js";
import { pyDType, pyStr, pyTuple } from "../graph/pyformat.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import { getActivation, type Activation } from "../layers/activations.js";
import { Layer, layerNameKind } from "../layers/base.js";
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
import { tanh } from "../ops/math/unary.js";
import { constantValue } from "../ops/tensor_util.js";
import { graphFromValues, nameScope } from "../scope/name_scope.js";
import { normalizeReuse, type ReuseOption } from "../scope/reuse.js";
import type { CustomGetter } from "../scope/types.js";
import { getVariableScope, type VariableScope, variableScope } from "../scope/variable_scope.js";
import { Variable } from "../variables/variable.js";
import { flatten, mapStructure } from "../graph/nest.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  isPlainObject,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  type CallArgs,
  type Kind,
  type OptionsOf,
} from "../graph/call_args.js";

export type { Activation };
export type { AddWeightOptions } from "../layers/base.js";

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

/**
 * A cell's activation (`activations.get(activation)` when given, as TF 1.15's cells do;
 * `tanh` when not).
 */
export function cellActivation(activation: Activation | undefined): (x: Tensor) => Tensor {
  if (activation === undefined || activation === null) return (x) => tanh(x);
  return getActivation(activation) ?? ((x) => x);
}

/**
 * A cell's `reuse`: `true`, `false` or `tf.AUTO_REUSE`; other values reach
 * `normalizeReuse`, which raises TF's ValueError.
 */
export const reuseKind = kind<ReuseOption>("True, False, None or tf.AUTO_REUSE", () => true);

/** A variable scope: its name, or a captured `VariableScope`. */
export const scopeKind = layerNameKind;

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

/** A cell's step: the subclass's own `call`. */
type CellBody<S> = (inputs: Tensor, state: S) => [Tensor, S];

/** Marks a prototype whose own `call` was made the entry (`cell(inputs, state)`). */
const CALL_ENTRY = Symbol("scopeflow.rnnCellCallEntry");

/**
 * An RNN cell (`tf.nn.rnn_cell.RNNCell`): a layer (`tf.layers.Layer`) that `staticRnn`
 * applies at every time step. Subclasses implement `call(inputs, state)` — the step's
 * computation — and the sizes; calling `cell.call(inputs, state)` from outside runs it as
 * TensorFlow's `cell(inputs, state)` does: inside the cell's variable scope
 * (`basic_lstm_cell`, chosen at the first call under the scope current then), building the
 * weights on the first call and reusing them on every later one. `cell.apply(inputs,
 * state)` is the same. Naming, scopes, weights (`weights`, `trainableWeights`), `addWeight`
 * and the undo of a failed call are the layer's.
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
export abstract class RNNCell<S = RNNState> extends Layer<
  [state: S, scope?: string | VariableScope | null],
  [Tensor, S]
> {
  /** `rnncell_scope`: the variable scope current at the first call without a scope. */
  private rnncellScope: VariableScope | null = null;
  /** How deep the cell is in its own `call`, where `call` is the step itself. */
  private stepDepth = 0;

  constructor(...args: CallArgs<typeof RNN_CELL_PARAMS>) {
    const options = RNN_CELL_P.parse(args);
    // Checked before the layer takes its name, so that a refused cell leaves the graph as it was.
    const dtype = options.dtype === undefined ? null : asDType(options.dtype);
    checkSupportedDType(dtype);
    const reuse = normalizeReuse(options.reuse);
    super({ trainable: options.trainable, name: options.name, dtype, reuse });
    RNNCell.makeCallEntries(new.target.prototype as object);
  }

  /**
   * Makes the `call` each cell class defines its entry, once per class: from outside,
   * `cell.call(...)` is TensorFlow's `cell(...)` (scope, build, then the class's `call` as
   * the step); inside the step (`super.call(...)`), it is the step itself.
   */
  private static makeCallEntries(proto: object): void {
    for (
      let p: object | null = proto;
      p !== null && p !== RNNCell.prototype && !Object.prototype.hasOwnProperty.call(p, CALL_ENTRY);
      p = Object.getPrototypeOf(p) as object | null
    ) {
      Object.defineProperty(p, CALL_ENTRY, { value: true });
      const step = Object.getOwnPropertyDescriptor(p, "call")?.value as unknown;
      if (typeof step !== "function") continue;
      const entry = function (this: RNNCell<unknown>, ...callArgs: unknown[]): [Tensor, unknown] {
        return this.enter(step as CellBody<unknown>, callArgs);
      };
      Object.defineProperty(p, "call", {
        value: declare(entry, CELL_CALL_P),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
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
  abstract override call(
    inputs: Tensor,
    state: S,
    scope?: string | VariableScope | null,
  ): [Tensor, S];

  /** The same as `call` from outside: TensorFlow's `cell(inputs, state, scope)`. */
  override apply(inputs: TensorLike, state: S, scope?: string | VariableScope | null): [Tensor, S];
  override apply(options: {
    inputs: TensorLike;
    state: S;
    scope?: string | VariableScope | null;
  }): [Tensor, S];
  override apply(...args: unknown[]): [Tensor, S] {
    return (this.call as (...a: unknown[]) => [Tensor, S])(...args);
  }

  /** Creates the weights for inputs of `inputsShape` (once, at the first call). */
  override build(_inputsShape: TensorShape): void {
    // Cells that create their variables in `call` need no build.
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

  protected override journal(graph: Graph): void {
    super.journal(graph);
    const scope = this.rnncellScope;
    graph.onUndo(() => (this.rnncellScope = scope));
  }

  /** `_rnn_get_variable`: records the variables `getVariable` returns inside the cell. */
  private readonly trackingGetter: CustomGetter = (getter, name, options) => {
    const v = getter(name, options);
    if (v instanceof Variable) {
      const trainable = getDefaultGraph()
        .getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES)
        .includes(v);
      this.trackWeight(v, trainable);
    }
    return v;
  };

  /** A call of `cell.call`: the step itself inside the step, else `cell(inputs, state, scope)`. */
  private enter(step: CellBody<S>, args: unknown[]): [Tensor, S] {
    if (this.stepDepth > 0) return (step as (...a: unknown[]) => [Tensor, S]).apply(this, args);
    const a = CELL_CALL_P.parse(args);
    const state = a.state as S;
    const graph = graphFromValues([a.inputs, ...flatten<unknown>(state)]);
    return withDefaultGraph(graph, () =>
      graph.atomically(() => {
        const inputs = a.inputs;
        const x = inputs instanceof Tensor ? inputs : convertToTensor(inputs, { name: "inputs" });
        return this.callCell(x, state, a.scope ?? null, step);
      }),
    );
  }

  /**
   * `RNNCell.__call__`: the layer's call inside the scope given, else inside the variable
   * scope current at the cell's first call, with the getter that records the variables the
   * step creates.
   */
  protected callCell(
    x: Tensor,
    state: S,
    scope: string | VariableScope | null,
    step: CellBody<S>,
  ): [Tensor, S] {
    if (scope !== null) {
      return variableScope(scope, { customGetter: this.trackingGetter }, (s) =>
        this.callAsLayer(x, state, s, step),
      );
    }
    if (this.rnncellScope === null) {
      this.journal(x.graph);
      this.rnncellScope = getVariableScope();
    }
    return variableScope(this.rnncellScope, { customGetter: this.trackingGetter }, () =>
      this.callAsLayer(x, state, null, step),
    );
  }

  /** `tf.layers.Layer.__call__` with the step as the layer's `call`. */
  protected callAsLayer(
    x: Tensor,
    state: S,
    scope: string | VariableScope | null,
    step: CellBody<S>,
  ): [Tensor, S] {
    return this.callInScope(x, scope, () => {
      this.stepDepth += 1;
      let result: [Tensor, S];
      try {
        result = step.call(this, x, state);
      } finally {
        this.stepDepth -= 1;
      }
      if (!Array.isArray(result) || result.length !== 2) {
        throw new TypeError(
          `${this.className}.call must return [output, newState], got ${String(result)}.`,
        );
      }
      return result;
    });
  }
}

declare(RNNCell, RNN_CELL_P);
declare(RNNCell.prototype.apply, CELL_CALL_P);
declare(RNNCell.prototype.zeroState, ZERO_STATE_P);
declare(RNNCell.prototype.getInitialState, INITIAL_STATE_P);
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
  /** `LayerRNNCell.__call__`: the layer's call, without `RNNCell`'s scope capture. */
  protected override callCell(
    x: Tensor,
    state: S,
    scope: string | VariableScope | null,
    step: CellBody<S>,
  ): [Tensor, S] {
    return this.callAsLayer(x, state, scope, step);
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
