/** `tf.data`: input pipelines as graph ops (`tf.compat.v1.data`). */
export {
  Dataset,
  Iterator,
  makeOneShotIterator,
  makeInitializableIterator,
  type ElementValue,
} from "../data/dataset.js";
export type { Nested } from "../data/structure.js";
export * as experimental from "./data_experimental.js";
export { TFRecordDataset, TextLineDataset, FixedLengthRecordDataset } from "../data/readers.js";
