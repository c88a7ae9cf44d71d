/** `tf.nn.rnnCell`: recurrent cells (TensorFlow's `tf.nn.rnn_cell`). */
export {
  RNNCell,
  LayerRNNCell,
  LSTMStateTuple,
  type RNNState,
  type StateSize,
  type Activation,
  type RNNCellOptions,
  type AddWeightOptions,
  type InitialStateOptions,
} from "../rnn/rnn_cell.js";
export { BasicRNNCell, type BasicRNNCellOptions } from "../rnn/basic_rnn_cell.js";
export { BasicLSTMCell, type BasicLSTMCellOptions } from "../rnn/basic_lstm_cell.js";
export { LSTMCell, type LSTMCellOptions } from "../rnn/lstm_cell.js";
export { GRUCell, type GRUCellOptions } from "../rnn/gru_cell.js";
export { MultiRNNCell, type MultiRNNCellOptions } from "../rnn/multi_rnn_cell.js";
export { type StaticRnnOptions } from "../rnn/static_rnn.js";
export {
  DropoutWrapper,
  ResidualWrapper,
  DeviceWrapper,
  type DropoutWrapperOptions,
  type DropoutStateFilterVisitor,
  type ResidualFn,
} from "../rnn/rnn_cell_wrappers.js";
