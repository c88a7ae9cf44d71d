/** `tf.summary`: summary ops for TensorBoard and the event file writer. */
export { scalar, histogram, image, audio, text, merge, mergeAll } from "../summary/summary.js";
export { FileWriter, type SummaryLike, type GraphLike } from "../summary/writer.js";
export { FileWriterCache } from "../summary/writer_cache.js";
