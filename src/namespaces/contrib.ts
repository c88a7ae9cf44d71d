/** `tf.contrib`: the TF 1.x contrib names users port (`seq2seq.sequence_loss`, `rnn.LSTMBlockCell`). */
export * as seq2seq from "./contrib_seq2seq.js";
export * as rnn from "./contrib_rnn.js";
// random (stateless): tf.contrib.stateless.stateless_random_uniform / _normal / stateless_truncated_normal
export * as stateless from "./contrib_stateless.js";
