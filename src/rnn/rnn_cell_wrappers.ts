import { ValueError } from "../errors.js";
import { getDefaultGraph } from "../graph/graph.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { Layer } from "../layers/base.js";
import { convertToTensor } from "../ops/convert.js";
import { pythonOperator } from "../ops/math/operators.js";
import { dropout } from "../ops/nn/dropout.js";
import { constantValue } from "../ops/tensor_util.js";
import { nameScope } from "../scope/name_scope.js";
import { device as deviceScope, type DeviceNameOrFunction } from "../ops/control/device.js";
import type { VariableScope } from "../scope/variable_scope.js";
import { md5Hex } from "./md5.js";
import {
  assertSameStructure,
  flatten,
  isSequence,
  mapStructure,
  packSequenceAs,
} from "../graph/nest.js";
import {
  RNNCell,
  ZERO_STATE_P,
  type RNNState,
  type StateSize,
  type ZERO_STATE_PARAMS,
} from "./rnn_cell.js";
import { assertLikeRnnCell, cellKind, type CellLike } from "./static_rnn.js";
import {
  anyKind,
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  functionKind,
  intKind,
  kind,
  opt,
  optNullable,
  req,
  scalarKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

/**
 * A cell wrapped by another (`_RNNCellWrapperV1`): TF's wrapper overrides `__call__`, so it
 * opens no variable scope and builds nothing of its own — the wrapped cell is called where
 * the wrapper is, and its variables keep their unwrapped names (`rnn/basic_lstm_cell/kernel`).
 */
export abstract class RNNCellWrapper<S = RNNState> extends RNNCell<S> {
  /** The wrapped cell. */
  readonly cell: RNNCell<S> | CellLike<S>;

  constructor(cell: RNNCell<S> | CellLike<S>) {
    assertLikeRnnCell("cell", cell);
    super();
    this.cell = cell;
  }

  get stateSize(): StateSize {
    return this.cell.stateSize as StateSize;
  }

  get outputSize(): StateSize {
    return this.cell.outputSize as StateSize;
  }

  /** `zero_state`: the wrapped cell's, under `<Wrapper>ZeroState/`. */
  override zeroState(...args: CallArgs<typeof ZERO_STATE_PARAMS>): S {
    const { batchSize, dtype } = ZERO_STATE_P.parse(args);
    return nameScope(`${this.className}ZeroState`, () => {
      const c = this.cell;
      if (typeof c.zeroState === "function") return c.zeroState(batchSize, dtype);
      return (c as Required<CellLike<S>>).getInitialState({ batchSize, dtype });
    });
  }

  /** The wrapped cell's weights are the wrapper's (TF tracks the cell). */
  protected override get childLayers(): readonly Layer<never[], unknown>[] {
    return this.cell instanceof Layer ? [this.cell as Layer<never[], unknown>] : [];
  }

  /** `__call__` of TF's wrappers: the wrapped computation, with no scope or build of its own. */
  protected override callCell(
    x: Tensor,
    state: S,
    scope: string | VariableScope | null,
  ): [Tensor, S] {
    return this.callWrappedCell(x, state, (inputs, s) =>
      scope === null
        ? this.cell.call(inputs, s)
        : (this.cell.call as (i: Tensor, st: S, sc: string | VariableScope) => [Tensor, S])(
            inputs,
            s,
            scope,
          ),
    );
  }

  /** The step: what the wrapper adds around `callWrapped(inputs, state)`. */
  protected abstract callWrappedCell(
    inputs: Tensor,
    state: S,
    callWrapped: (inputs: Tensor, state: S) => [Tensor, S],
  ): [Tensor, S];

  call(inputs: Tensor, state: S): [Tensor, S] {
    return this.callWrappedCell(inputs, state, (i, s) => this.cell.call(i, s));
  }
}

/** A structure of booleans saying which parts of a state get dropout. */
type DropoutMask = boolean | readonly DropoutMask[] | { readonly [key: string]: DropoutMask };

/** Which parts of a state subtree get dropout: `true`/`false` for all of it, or a structure. */
export type DropoutStateFilterVisitor = (substate: unknown) => DropoutMask;

/**
 * `_default_dropout_state_filter_visitor`: never the memory `c` of an LSTM state (Gal &
 * Ghahramani), every other tensor.
 */
function defaultDropoutStateFilter(substate: unknown): DropoutMask {
  if (isSequence(substate) && !Array.isArray(substate)) {
    const keys = Object.keys(substate as object).sort();
    if (keys.length === 2 && keys[0] === "c" && keys[1] === "h") return { c: false, h: true };
  }
  return true;
}

/** `nest.get_traverse_shallow_structure(visitor, structure)`. */
function traverseShallow(visitor: DropoutStateFilterVisitor, structure: unknown): DropoutMask {
  const toTraverse = visitor(structure);
  if (!isSequence(structure)) {
    if (typeof toTraverse !== "boolean") {
      throw new TypeError(
        `traverse_fn returned structure: ${String(toTraverse)} for non-structure: ${String(structure)}`,
      );
    }
    return toTraverse;
  }
  const children = flattenOneLevel(structure);
  let mask: DropoutMask[];
  if (typeof toTraverse === "boolean") {
    if (!toTraverse) return false;
    mask = children.map((child) => traverseShallow(visitor, child));
  } else {
    if (!isSequence(toTraverse)) {
      throw new TypeError(
        `traverse_fn returned a non-bool scalar: ${String(toTraverse)} for input: ${String(structure)}`,
      );
    }
    const flags = flattenOneLevel(toTraverse);
    if (flags.length !== children.length) {
      throw new ValueError(
        `The two structures don't have the same sequence length. Input structure has length ${flags.length}, while shallow structure has length ${children.length}.`,
      );
    }
    mask = flags.map((t, i) => {
      if (typeof t !== "boolean") {
        throw new TypeError(
          `traverse_fn didn't return a depth=1 structure of bools.  saw: ${String(t)}  for structure: ${String(structure)}`,
        );
      }
      return t ? traverseShallow(visitor, children[i]) : false;
    });
  }
  return sequenceLike(structure, mask);
}

/** The direct children of an array or plain object, keys sorted as `nest` orders them. */
function flattenOneLevel(structure: unknown): unknown[] {
  if (Array.isArray(structure)) return structure.slice();
  const obj = structure as Record<string, unknown>;
  return Object.keys(obj)
    .sort()
    .map((k) => obj[k]);
}

function sequenceLike(structure: unknown, children: DropoutMask[]): DropoutMask {
  if (Array.isArray(structure)) return children;
  const keys = Object.keys(structure as object).sort();
  return Object.fromEntries(keys.map((k, i) => [k, children[i] as DropoutMask]));
}

/**
 * `_enumerated_map_structure_up_to`: `fn(index, flag, value)` for every leaf of `mask`
 * (counted depth first), on the matching part of `values`.
 */
function mapUpTo(
  mask: DropoutMask,
  values: unknown,
  fn: (index: number, flag: boolean, value: unknown) => unknown,
): unknown {
  let index = 0;
  const walk = (m: DropoutMask, v: unknown): unknown => {
    if (typeof m === "boolean") return fn(index++, m, v);
    const ms = flattenOneLevel(m) as DropoutMask[];
    const vs = flattenOneLevel(v);
    return packOneLevel(
      v,
      ms.map((mi, i) => walk(mi, vs[i])),
    );
  };
  return walk(mask, values);
}

function packOneLevel(structure: unknown, children: unknown[]): unknown {
  if (Array.isArray(structure)) return children;
  const keys = Object.keys(structure as object).sort();
  return Object.fromEntries(keys.map((k, i) => [k, children[i]]));
}

/**
 * TF 1.15's `DropoutWrapper(cell, input_keep_prob, output_keep_prob, state_keep_prob,
 * variational_recurrent, input_size, dtype, seed, dropout_state_filter_visitor)`.
 */
const DROPOUT_WRAPPER_PARAMS = [
  req("cell", cellKind<unknown>()),
  opt("inputKeepProb", scalarKind),
  opt("outputKeepProb", scalarKind),
  opt("stateKeepProb", scalarKind),
  opt("variationalRecurrent", booleanKind),
  opt("inputSize", anyKind<unknown>("a (nested) TensorShape")),
  opt("dtype", dtypeKind),
  opt("seed", intKind),
  opt("dropoutStateFilterVisitor", functionKind),
] as const;
const DROPOUT_WRAPPER_P = defineParams("nn.rnnCell.DropoutWrapper", DROPOUT_WRAPPER_PARAMS);

/**
 * Options of {@link DropoutWrapper} after `cell`: `inputKeepProb`, `outputKeepProb`,
 * `stateKeepProb` (each a number in [0, 1] or a scalar tensor; default 1: a constant 1 adds
 * no dropout), `seed` (each dropout's op seed derived from it as TF does), and
 * `dropoutStateFilterVisitor` (which parts of the new state get state dropout; default all
 * but the `c` of `{ c, h }` states). `variationalRecurrent: true` (with `inputSize`,
 * `dtype`) is not implemented and is refused.
 */
export type DropoutWrapperOptions = OptionsOf<typeof DROPOUT_WRAPPER_PARAMS>;

/**
 * Dropout on a cell's inputs, outputs and new state (`tf.nn.rnn_cell.DropoutWrapper`): a
 * fresh mask at every step, `tf.nn.dropout` ops in the scope the wrapper is called in
 * (`rnn/dropout/…`), the wrapped cell's variables named as unwrapped. The keep
 * probabilities are converted to tensors under `DropoutWrapperInit/` when the wrapper is
 * made; a constant 1 adds no dropout op.
 *
 * @example
 * ```ts
 * const inputs = tf.unstack(tf.placeholder(tf.float32, [null, 5, 3]), { axis: 1 });
 * const cell = new tf.nn.rnnCell.DropoutWrapper(new tf.nn.rnnCell.BasicLSTMCell(8), {
 *   outputKeepProb: 0.5,
 * });
 * const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
 * tf.trainableVariables()[0].name; // ==> rnn/basic_lstm_cell/kernel:0
 * outputs[0].op.name; // ==> rnn/dropout/mul_1
 * ```
 */
export class DropoutWrapper<S = RNNState> extends RNNCellWrapper<S> {
  static override readonly className: string | undefined = "DropoutWrapper";
  private readonly inputKeepProb: number | Tensor;
  private readonly outputKeepProb: number | Tensor;
  private readonly stateKeepProb: number | Tensor;
  private readonly seed: number | null;
  private readonly stateFilter: DropoutStateFilterVisitor;

  constructor(
    cell: RNNCell<S> | CellLike<S>,
    ...rest: CallArgs<
      typeof DROPOUT_WRAPPER_PARAMS extends readonly [unknown, ...infer R] ? R : never
    >
  );
  constructor(options: { cell: RNNCell<S> | CellLike<S> } & DropoutWrapperOptions);
  constructor(...args: unknown[]) {
    const a = DROPOUT_WRAPPER_P.parse(args);
    super(a.cell as RNNCell<S> | CellLike<S>);
    if (a.variationalRecurrent === true) {
      throw new ValueError(
        "DropoutWrapper: variational_recurrent=True is not implemented in scopeflow; use the default per-step masks.",
      );
    }
    const visitor = a.dropoutStateFilterVisitor;
    if (visitor !== undefined && typeof visitor !== "function") {
      throw new TypeError("dropout_state_filter_visitor must be callable");
    }
    this.stateFilter =
      (visitor as DropoutStateFilterVisitor | undefined) ?? defaultDropoutStateFilter;
    this.seed = a.seed ?? null;
    // A refused probability leaves no `DropoutWrapperInit` constants behind.
    const graph = getDefaultGraph();
    const probs = graph.atomically(() =>
      nameScope("DropoutWrapperInit", () => {
        const convert = (value: TensorLike, attr: string): number | Tensor => {
          const tensor = convertToTensor(value);
          const known = constantValue(tensor);
          if (known === null) return tensor;
          const p = Number(known.values[0]);
          if (p < 0 || p > 1) {
            // TF formats the value with `%d`.
            throw new ValueError(`Parameter ${attr} must be between 0 and 1: ${Math.trunc(p)}`);
          }
          return p;
        };
        return [
          convert(a.inputKeepProb ?? 1.0, "input_keep_prob"),
          convert(a.stateKeepProb ?? 1.0, "state_keep_prob"),
          convert(a.outputKeepProb ?? 1.0, "output_keep_prob"),
        ] as const;
      }),
    );
    [this.inputKeepProb, this.stateKeepProb, this.outputKeepProb] = probs;
  }

  /** `_gen_seed`: the op seed of dropout `index` of `saltPrefix`, from the wrapper's seed. */
  private genSeed(saltPrefix: string, index: number): number | undefined {
    if (this.seed === null) return undefined;
    const hex = md5Hex(`${this.seed}${saltPrefix}_${index}`);
    return parseInt(hex.slice(0, 8), 16) & 0x7fffffff;
  }

  private dropoutOf(
    values: unknown,
    saltPrefix: string,
    keepProb: number | Tensor,
    mask?: DropoutMask,
  ): unknown {
    return mapUpTo(mask ?? mapStructure(() => true, values), values, (i, flag, v) =>
      flag ? dropout(v as Tensor, { keepProb, seed: this.genSeed(saltPrefix, i) }) : v,
    );
  }

  protected callWrappedCell(
    inputs: Tensor,
    state: S,
    callWrapped: (inputs: Tensor, state: S) => [Tensor, S],
  ): [Tensor, S] {
    const shouldDropout = (p: number | Tensor): boolean => typeof p !== "number" || p < 1;
    let x = inputs;
    if (shouldDropout(this.inputKeepProb)) {
      x = this.dropoutOf(x, "input", this.inputKeepProb) as Tensor;
    }
    let [output, newState] = callWrapped(x, state);
    if (shouldDropout(this.stateKeepProb)) {
      const mask = traverseShallow(this.stateFilter, newState);
      newState = this.dropoutOf(newState, "state", this.stateKeepProb, mask) as S;
    }
    if (shouldDropout(this.outputKeepProb)) {
      output = this.dropoutOf(output, "output", this.outputKeepProb) as Tensor;
    }
    return [output, newState];
  }
}

declare(DropoutWrapper, DROPOUT_WRAPPER_P);

/** TF 1.15's `ResidualWrapper(cell, residual_fn)`. */
const RESIDUAL_WRAPPER_PARAMS = [
  req("cell", cellKind<unknown>()),
  opt("residualFn", functionKind),
] as const;
const RESIDUAL_WRAPPER_P = defineParams("nn.rnnCell.ResidualWrapper", RESIDUAL_WRAPPER_PARAMS);

/** How a {@link ResidualWrapper} joins the cell's inputs and outputs. */
export type ResidualFn = (inputs: Tensor, outputs: Tensor) => Tensor;

/**
 * A residual connection around a cell (`tf.nn.rnn_cell.ResidualWrapper`): the output is
 * `inputs + output` (an `add` op where the wrapper is called, shapes checked compatible),
 * or `residualFn(inputs, output)`; the state is the cell's.
 *
 * @example
 * ```ts
 * const inputs = tf.unstack(tf.placeholder(tf.float32, [null, 5, 4]), { axis: 1 });
 * const cell = new tf.nn.rnnCell.ResidualWrapper(new tf.nn.rnnCell.GRUCell(4));
 * const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
 * outputs[1].op.name; // ==> rnn/add_1
 * tf.trainableVariables()[0].name; // ==> rnn/gru_cell/gates/kernel:0
 * ```
 */
export class ResidualWrapper<S = RNNState> extends RNNCellWrapper<S> {
  static override readonly className: string | undefined = "ResidualWrapper";
  private readonly residualFn: ResidualFn | null;

  constructor(cell: RNNCell<S> | CellLike<S>, residualFn?: ResidualFn | null);
  constructor(options: { cell: RNNCell<S> | CellLike<S>; residualFn?: ResidualFn | null });
  constructor(...args: unknown[]) {
    const a = RESIDUAL_WRAPPER_P.parse(args);
    super(a.cell as RNNCell<S> | CellLike<S>);
    this.residualFn = (a.residualFn as ResidualFn | undefined) ?? null;
  }

  protected callWrappedCell(
    inputs: Tensor,
    state: S,
    callWrapped: (inputs: Tensor, state: S) => [Tensor, S],
  ): [Tensor, S] {
    const [outputs, newState] = callWrapped(inputs, state);
    if (this.residualFn !== null) return [this.residualFn(inputs, outputs), newState];
    assertSameStructure(inputs, outputs);
    const flatIn = flatten<Tensor>(inputs);
    const flatOut = flatten<Tensor>(outputs);
    flatIn.forEach((inp, i) => {
      const out = flatOut[i] as Tensor;
      if (!inp.shape.isCompatibleWith(out.shape)) {
        throw new ValueError(
          `Shapes ${inp.shape.toString()} and ${out.shape.toString()} are incompatible`,
        );
      }
    });
    const sums = flatIn.map((inp, i) => pythonOperator("add", inp, flatOut[i] as Tensor));
    return [packSequenceAs<Tensor>(inputs, sums), newState];
  }
}

declare(ResidualWrapper, RESIDUAL_WRAPPER_P);

/** TF 1.15's `DeviceWrapper(cell, device)`; `device` may be `None` (no device). */
const DEVICE_WRAPPER_PARAMS = [
  req("cell", cellKind<unknown>()),
  optNullable(
    "device",
    kind<DeviceNameOrFunction>(
      "a device name (str), a device function, or null",
      (v) => typeof v === "string" || typeof v === "function",
    ),
  ),
] as const;
const DEVICE_WRAPPER_P = defineParams("nn.rnnCell.DeviceWrapper", DEVICE_WRAPPER_PARAMS);

/**
 * Runs a cell under a device scope (`tf.nn.rnn_cell.DeviceWrapper`): every op of the step
 * and of `zeroState` records `device` (merged with enclosing device scopes, as `tf.device`
 * does); names and variables are the wrapped cell's. scopeflow computes every op on its
 * tfjs backend whatever the device says; the device is kept for graph export.
 *
 * @example
 * ```ts
 * const inputs = tf.unstack(tf.placeholder(tf.float32, [null, 3, 2]), { axis: 1 });
 * const cell = new tf.nn.rnnCell.DeviceWrapper(new tf.nn.rnnCell.BasicRNNCell(4), "/cpu:0");
 * const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
 * outputs[0].device; // ==> /device:CPU:0
 * tf.trainableVariables()[0].name; // ==> rnn/basic_rnn_cell/kernel:0
 * ```
 */
export class DeviceWrapper<S = RNNState> extends RNNCellWrapper<S> {
  static override readonly className: string | undefined = "DeviceWrapper";
  /** The device the cell's ops are placed on. */
  readonly device: DeviceNameOrFunction;

  constructor(cell: RNNCell<S> | CellLike<S>, device: DeviceNameOrFunction);
  constructor(options: { cell: RNNCell<S> | CellLike<S>; device: DeviceNameOrFunction });
  constructor(...args: unknown[]) {
    const a = DEVICE_WRAPPER_P.parse(args);
    if (a.device === undefined) {
      throw new TypeError(
        "nn.rnnCell.DeviceWrapper() missing 1 required positional argument: 'device'",
      );
    }
    super(a.cell as RNNCell<S> | CellLike<S>);
    this.device = a.device;
  }

  /** `zero_state`: the cell's, under `DeviceWrapperZeroState/` and the device. */
  override zeroState(...args: CallArgs<typeof ZERO_STATE_PARAMS>): S {
    const { batchSize, dtype } = ZERO_STATE_P.parse(args);
    return nameScope(`${this.className}ZeroState`, () =>
      deviceScope(this.device, () => {
        const c = this.cell;
        if (typeof c.zeroState === "function") return c.zeroState(batchSize, dtype);
        return (c as Required<CellLike<S>>).getInitialState({ batchSize, dtype });
      }),
    );
  }

  protected callWrappedCell(
    inputs: Tensor,
    state: S,
    callWrapped: (inputs: Tensor, state: S) => [Tensor, S],
  ): [Tensor, S] {
    return deviceScope(this.device, () => callWrapped(inputs, state));
  }
}

declare(DeviceWrapper, DEVICE_WRAPPER_P);
