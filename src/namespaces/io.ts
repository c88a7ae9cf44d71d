/**
 * `tf.io`: the file systems that paths with a URI scheme use (`ram://`, `indexeddb://`,
 * `http://`, `https://`, or one registered here), where `Saver.saveAsync` and
 * `Saver.restoreAsync` keep checkpoints in the browser.
 */
export {
  registerFileSystem,
  getFileSystem,
  memoryFileSystem,
  indexedDBFileSystem,
  httpFileSystem,
  type FileSystem,
} from "../checkpoint/file_systems.js";
