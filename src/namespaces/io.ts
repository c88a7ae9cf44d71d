/**
 * `tf.io`: graphs written as TensorFlow's files (`writeGraph`), TFRecord files, and the
 * file systems that paths with a URI scheme use (`ram://`, `indexeddb://`, `http://`,
 * `https://`, or one registered here), where `Saver.saveAsync` and `Saver.restoreAsync`
 * keep checkpoints in the browser.
 */
export {
  registerFileSystem,
  getFileSystem,
  memoryFileSystem,
  indexedDBFileSystem,
  httpFileSystem,
  type FileSystem,
} from "../checkpoint/file_systems.js";
export { writeGraph } from "../interchange/write_graph.js";
export {
  TFRecordWriter,
  TFRecordOptions,
  TFRecordCompressionType,
  tfRecordIterator,
  type TFRecordCompressionName,
} from "../io/tfrecord.js";
export {
  parseExample,
  FixedLenFeature,
  VarLenFeature,
  FixedLenSequenceFeature,
  SparseFeature,
  type FixedLenFeatureSpec,
  type SparseFeatureSpec,
  type VarLenFeatureSpec,
  type FixedLenSequenceFeatureSpec,
  type FeatureSpec,
  type ParsedFeatures,
} from "../ops/parsing/parse_example.js";
// strings: base64 (EncodeBase64, DecodeBase64).
export { encodeBase64, decodeBase64 } from "../ops/string/base64.js";
export { decodeCsv } from "../ops/parsing/decode_csv.js";
export { decodeRaw } from "../ops/parsing/decode_raw.js";
export { readFile, writeFile, matchingFiles } from "../io/file_ops.js";
