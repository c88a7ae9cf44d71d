import { LSTMCell } from "./lstm_cell.js";
import { reuseKind } from "./rnn_cell.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  intKind,
  numberKind,
  opt,
  req,
  stringKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

/**
 * TF 1.15's `tf.contrib.rnn.LSTMBlockCell(num_units, forget_bias, cell_clip, use_peephole,
 * dtype, reuse, name)`.
 */
const LSTM_BLOCK_CELL_PARAMS = [
  req("numUnits", intKind),
  opt("forgetBias", numberKind),
  opt("cellClip", numberKind),
  opt("usePeephole", booleanKind),
  opt("dtype", dtypeKind),
  opt("reuse", reuseKind),
  opt("name", stringKind),
] as const;
const LSTM_BLOCK_CELL_P = defineParams("contrib.rnn.LSTMBlockCell", LSTM_BLOCK_CELL_PARAMS);

/**
 * Options of {@link LSTMBlockCell} after `numUnits`: `forgetBias` (default 1), `cellClip`
 * (default none; TF treats a value ≤ 0 as none too), `usePeephole`, `dtype`, `reuse`,
 * `name` (default `"lstm_cell"`, as TF's, so not made unique).
 */
export type LSTMBlockCellOptions = OptionsOf<typeof LSTM_BLOCK_CELL_PARAMS>;

/**
 * The LSTM cell of TF's fused `LSTMBlockCell` op (`tf.contrib.rnn.LSTMBlockCell`), computed
 * with the same ops and math as {@link LSTMCell} without projection: variables
 * `lstm_cell/kernel` `[input + units, 4 * units]` and `lstm_cell/bias` `[4 * units]`
 * (zeros), peepholes `w_i_diag`, `w_f_diag`, `w_o_diag`. The kernel's column blocks are
 * TF's block-op gates `i, cs (ci), f, o`: the same layout as LSTMCell's `i, j, f, o`
 * (`ci` is `j`), so a TF LSTMBlockCell checkpoint loads as is. The state is `{ c, h }`
 * (TF's `LSTMStateTuple(cs, h)`).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [2, 3]);
 * const cell = new tf.contrib.rnn.LSTMBlockCell(4);
 * const [h] = cell.call(x, cell.zeroState(2, tf.float32));
 * h.shape.toString(); // ==> (2, 4)
 * tf.globalVariables().map((v) => v.name).join(", "); // ==> lstm_cell/kernel:0, lstm_cell/bias:0
 * ```
 */
export class LSTMBlockCell extends LSTMCell {
  static override readonly className: string | undefined = "LSTMBlockCell";

  constructor(...args: CallArgs<typeof LSTM_BLOCK_CELL_PARAMS>) {
    const o = LSTM_BLOCK_CELL_P.parse(args);
    const clip = o.cellClip ?? null;
    super({
      numUnits: o.numUnits,
      forgetBias: o.forgetBias ?? 1.0,
      ...(clip !== null && clip > 0 ? { cellClip: clip } : {}),
      usePeepholes: o.usePeephole ?? false,
      dtype: o.dtype,
      reuse: o.reuse,
      name: o.name ?? "lstm_cell",
    });
  }
}

declare(LSTMBlockCell, LSTM_BLOCK_CELL_P);
