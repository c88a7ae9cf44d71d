/** `tf.contrib.rnn`: the contrib RNN cells users port. */
export { LSTMBlockCell, type LSTMBlockCellOptions } from "../rnn/lstm_block_cell.js";
