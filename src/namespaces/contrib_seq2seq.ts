/** `tf.contrib.seq2seq`: sequence-to-sequence helpers. */
export {
  sequenceLoss,
  type SequenceLossOptions,
  type SoftmaxLossFunction,
} from "../train/sequence_loss.js";
