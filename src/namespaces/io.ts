/** `tf.io`: TFRecord files (graph files join later). */
export {
  TFRecordWriter,
  TFRecordOptions,
  TFRecordCompressionType,
  tfRecordIterator,
  type TFRecordCompressionName,
} from "../io/tfrecord.js";
