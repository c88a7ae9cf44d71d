/**
 * TensorFlow checkpoint format V2 (tensor bundle) reader/writer, browser-safe.
 * File I/O lives in ../file_io.ts, so bundling this module for the web never
 * pulls in node:fs.
 */
export {
  BundleReader,
  dataFileName,
  indexFileName,
  mergeBundleIndexes,
  planBundle,
  readBundle,
  writeBundle,
  type BundleDataSource,
  type BundleDType,
  type BundleEntryInfo,
  type BundlePlan,
  type BundleTensor,
  type BundleTensorInput,
  type BundleToMerge,
  type MergedBundle,
  type PlannedTensor,
  type ReadBundleOptions,
} from "./bundle.js";
export {
  formatCheckpointState,
  parseCheckpointState,
  type CheckpointState,
} from "./checkpoint_state.js";
export { crc32c, crc32cBackend, crc32cExtend, maskCrc32c, unmaskCrc32c } from "./crc32c.js";
export { CheckpointFormatError, type CheckpointFormatErrorCode } from "./errors.js";
export {
  buildTable,
  readTable,
  type ParsedTable,
  type TableEntry,
  type TableWriteOptions,
} from "./table.js";
