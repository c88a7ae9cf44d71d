import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import { concat } from "../ops/array/concat.js";
import { slice } from "../ops/array/slice.js";
import { nameScope } from "../scope/name_scope.js";
import { variableScope } from "../scope/variable_scope.js";
import { Layer } from "../layers/base.js";
import { isSequence } from "../graph/nest.js";
import {
  RNNCell,
  ZERO_STATE_P,
  type LSTMStateTuple,
  type RNNState,
  type StateSize,
  type ZERO_STATE_PARAMS,
} from "./rnn_cell.js";
import {
  anyKind,
  booleanKind,
  declare,
  defineParams,
  opt,
  req,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

/** Any cell, whatever its state type. */
type AnyCell = RNNCell<unknown>;

/**
 * TF 1.15's `MultiRNNCell(cells, state_is_tuple)`. `cells` is checked by the constructor,
 * with TF's messages.
 */
const MULTI_RNN_CELL_PARAMS = [
  req("cells", anyKind<readonly AnyCell[]>("a list of RNN cells", false)),
  opt("stateIsTuple", booleanKind),
] as const;
const MULTI_RNN_CELL_P = defineParams("nn.rnnCell.MultiRNNCell", MULTI_RNN_CELL_PARAMS);

/**
 * Options of {@link MultiRNNCell}: `stateIsTuple` (default `true`: the state is an array
 * with one state per cell; `false`: the cells' states concatenated along the columns, cells
 * with tuple states then refused).
 */
export type MultiRNNCellOptions = OptionsOf<typeof MULTI_RNN_CELL_PARAMS>;

function describeSizes(sizes: unknown): string {
  return JSON.stringify(sizes, (_k, v: unknown) =>
    typeof v === "object" && v !== null && "dims" in v ? String(v) : v,
  );
}

/**
 * Cells stacked in layers (`tf.nn.rnn_cell.MultiRNNCell`): cell `i` runs in variable scope
 * `cell_<i>` under `multi_rnn_cell`, on the output of cell `i - 1`; the state is the array
 * of the cells' states. Variables are named `rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel`.
 *
 * @example
 * ```ts
 * const inputs = tf.unstack(tf.placeholder(tf.float32, [null, 5, 3]), { axis: 1 });
 * const cell = new tf.nn.rnnCell.MultiRNNCell([
 *   new tf.nn.rnnCell.BasicLSTMCell(64),
 *   new tf.nn.rnnCell.BasicLSTMCell(64),
 * ]);
 * const [, [s0, s1]] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
 * s1.h.shape.toString(); // ==> (?, 64)
 * ```
 *
 * The state type defaults to an array of tensors and `{ c, h }` pairs; give `S` for other
 * states (a `MultiRNNCell` inside another, or `stateIsTuple: false`: `MultiRNNCell<tf.Tensor>`).
 */
export class MultiRNNCell<S = (Tensor | LSTMStateTuple)[]> extends RNNCell<S> {
  static override readonly className: string | undefined = "MultiRNNCell";
  /** The cells, bottom layer first. */
  readonly cells: readonly AnyCell[];
  private readonly stateIsTuple: boolean;

  constructor(...args: CallArgs<typeof MULTI_RNN_CELL_PARAMS>) {
    const options = MULTI_RNN_CELL_P.parse(args);
    const cells = options.cells;
    super();
    if (!cells || (Array.isArray(cells) && cells.length === 0)) {
      throw new ValueError("Must specify at least one cell for MultiRNNCell.");
    }
    if (!Array.isArray(cells)) {
      throw new TypeError(`cells must be a list or tuple, but saw: ${String(cells)}.`);
    }
    this.cells = cells.slice();
    this.stateIsTuple = options.stateIsTuple ?? true;
    if (!this.stateIsTuple && this.cells.some((c) => isSequence(c.stateSize))) {
      throw new ValueError(
        `Some cells return tuples of states, but the flag state_is_tuple is not set.  State sizes are: ${describeSizes(this.cells.map((c) => c.stateSize))}`,
      );
    }
  }

  get stateSize(): StateSize {
    if (this.stateIsTuple) return this.cells.map((c) => c.stateSize as StateSize);
    return this.cells.reduce((sum, c) => sum + (c.stateSize as number), 0);
  }

  get outputSize(): StateSize {
    return (this.cells[this.cells.length - 1] as AnyCell).outputSize;
  }

  override zeroState(...args: CallArgs<typeof ZERO_STATE_PARAMS>): S {
    const { batchSize, dtype } = ZERO_STATE_P.parse(args);
    return nameScope("MultiRNNCellZeroState", () => {
      if (this.stateIsTuple)
        return this.cells.map((c) => c.zeroState(batchSize, dtype) as RNNState) as S;
      return super.zeroState(batchSize, dtype);
    });
  }

  /** The cells' weights are the stack's (Keras tracks the layers a layer holds). */
  protected override get childLayers(): readonly Layer<never[], unknown>[] {
    return this.cells.filter((c) => c instanceof Layer);
  }

  /** Runs the cells in turn, each in `cell_<i>`: `[topOutput, states]`. */
  call(inputs: Tensor, state: S): [Tensor, S] {
    let curStatePos = 0;
    let curInp = inputs;
    const newStates: RNNState[] = [];
    this.cells.forEach((cell, i) => {
      variableScope(`cell_${i}`, () => {
        let curState: RNNState;
        if (this.stateIsTuple) {
          if (!Array.isArray(state)) {
            throw new ValueError(
              `Expected state to be a tuple of length ${this.cells.length}, but received: ${String(state)}`,
            );
          }
          curState = (state as readonly RNNState[])[i] as RNNState;
        } else {
          const size = cell.stateSize as number;
          curState = slice(state as Tensor, [0, curStatePos], [-1, size]);
          curStatePos += size;
        }
        const [out, newState] = cell.call(curInp, curState) as [Tensor, RNNState];
        curInp = out;
        newStates.push(newState);
      });
    });
    const states = this.stateIsTuple ? newStates : concat(newStates as Tensor[], 1);
    return [curInp, states as S];
  }
}

declare(MultiRNNCell, MULTI_RNN_CELL_P);
