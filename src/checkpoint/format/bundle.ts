/**
 * TensorFlow checkpoint format V2 ("tensor bundle"): `prefix.index` is a table
 * (table.ts) mapping "" to a BundleHeaderProto and each tensor name to a
 * BundleEntryProto; `prefix.data-NNNNN-of-MMMMM` hold the tensor bytes.
 *
 * Works on Uint8Array only, so it runs unchanged in browsers; ../file_io.ts adds files.
 */
import { bytesOf, compareBytes, concatBytes, plainBytes } from "./bytes.js";
import { HOST_IS_LITTLE_ENDIAN, crc32c, maskCrc32c, unmaskCrc32c } from "./crc32c.js";
import { CheckpointFormatError, describeError } from "./errors.js";
import {
  DataType,
  dataTypeName,
  decodeBundleEntry,
  decodeBundleHeader,
  encodeBundleEntry,
  encodeBundleHeader,
  type BundleEntryProto,
  type BundleHeaderProto,
} from "./proto/messages.js";
import { buildTable, readTable, type TableEntry } from "./table.js";
import {
  StringTensorLayoutError,
  decodeStringTensor,
  encodeStringTensor,
  hostOrderCopy,
  littleEndianBytes,
} from "./tensor_bytes.js";

/** Element types scopeflow reads and writes. */
export type BundleDType = "float32" | "float64" | "int32" | "int64" | "bool" | "string";

/** A tensor to write. `values` are row-major; their count must equal the product of `shape`. */
export type BundleTensorInput = { name: string; shape: readonly number[] } & (
  | { dtype: "float32"; values: Float32Array | readonly number[] }
  /** float64 is only written when declared; Float32Array/number[] values are widened. */
  | { dtype: "float64"; values: Float64Array | Float32Array | readonly number[] }
  | { dtype: "int32"; values: Int32Array | readonly number[] }
  /** Int32Array/number[] values are sign-extended to 64 bits. */
  | { dtype: "int64"; values: BigInt64Array | Int32Array | readonly number[] }
  | { dtype: "bool"; values: Uint8Array | readonly boolean[] }
  /** Strings are stored as UTF-8; Uint8Array elements are stored as-is. */
  | { dtype: "string"; values: readonly (string | Uint8Array)[] }
);

/**
 * A tensor read back. `dtype` is the stored type; values use the tfjs-friendly
 * array for it: float64 arrives as Float32Array; int64 as BigInt64Array, exact.
 */
export type BundleTensor = { name: string; shape: number[] } & (
  | { dtype: "float32" | "float64"; values: Float32Array }
  | { dtype: "int32"; values: Int32Array }
  | { dtype: "int64"; values: BigInt64Array }
  | { dtype: "bool"; values: Uint8Array }
  | { dtype: "string"; values: string[] }
);

/** One tensor's metadata as stored in the index. */
export interface BundleEntryInfo {
  name: string;
  /** null when scopeflow cannot read the stored dtype (see `tfDtype`). */
  dtype: BundleDType | null;
  /** TF's DataType name, e.g. "DT_FLOAT". */
  tfDtype: string;
  shape: number[];
  shardId: number;
  offset: number;
  size: number;
  /** Masked CRC32C as stored in the index. */
  crc32c: number;
  /** True for a partitioned variable's full-tensor entry (its slices are separate entries). */
  partitioned: boolean;
}

/** Where tensor bytes come from: the single data file, or a function per shard. */
export type BundleDataSource = Uint8Array | ((shardId: number, numShards: number) => Uint8Array);

export interface ReadBundleOptions {
  /** Checkpoint prefix, used to name files in errors (default "<memory>"). */
  prefix?: string;
  /** Receives non-fatal notices (float64 narrowed to float32); default console.warn. */
  onWarning?: (message: string) => void;
  /**
   * The data is held in memory only, with no data files under the prefix (a V1
   * checkpoint converted on reading): readers must not look for `prefix.data-*`.
   */
  inMemory?: boolean;
}

interface DTypeSpec {
  dtype: BundleDType;
  tf: number;
  /** Bytes per element; 0 for strings. */
  size: number;
}

const DTYPES: Readonly<Record<BundleDType, DTypeSpec>> = {
  float32: { dtype: "float32", tf: DataType.DT_FLOAT, size: 4 },
  float64: { dtype: "float64", tf: DataType.DT_DOUBLE, size: 8 },
  int32: { dtype: "int32", tf: DataType.DT_INT32, size: 4 },
  int64: { dtype: "int64", tf: DataType.DT_INT64, size: 8 },
  bool: { dtype: "bool", tf: DataType.DT_BOOL, size: 1 },
  string: { dtype: "string", tf: DataType.DT_STRING, size: 0 },
};

const BY_TF_DTYPE = new Map<number, DTypeSpec>(Object.values(DTYPES).map((s) => [s.tf, s]));

/** TF's kTensorBundleVersion; readers refuse bundles whose min_consumer exceeds it. */
const TENSOR_BUNDLE_VERSION = 1;
const ENDIANNESS_BIG = 1;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * TF's data file name for a shard: `prefix.data-00000-of-00001`.
 *
 * @example
 * ```ts
 * dataFileName("ckpt/model.ckpt-100", 0, 1); // ==> ckpt/model.ckpt-100.data-00000-of-00001
 * ```
 */
export function dataFileName(prefix: string, shardId: number, numShards: number): string {
  const pad = (n: number) => String(n).padStart(5, "0");
  return `${prefix}.data-${pad(shardId)}-of-${pad(numShards)}`;
}

/**
 * TF's index file name: `prefix.index`.
 *
 * @example
 * ```ts
 * indexFileName("model.ckpt"); // ==> model.ckpt.index
 * ```
 */
export function indexFileName(prefix: string): string {
  return `${prefix}.index`;
}

// ---------------------------------------------------------------------------
// Writing

function invalid(message: string, key?: string): CheckpointFormatError {
  return new CheckpointFormatError("invalid-argument", message, key === undefined ? {} : { key });
}

function checkShape(name: string, shape: readonly number[]): number {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw invalid(`tensor '${name}': bad dimension ${d} in shape [${shape.join(", ")}]`, name);
    count *= d;
  }
  return count;
}

function checkCount(
  name: string,
  actual: number,
  expected: number,
  shape: readonly number[],
): void {
  if (actual !== expected) {
    throw invalid(
      `tensor '${name}': ${actual} values for shape [${shape.join(", ")}] (needs ${expected})`,
      name,
    );
  }
}

function toInt32Array(name: string, values: Int32Array | readonly number[]): Int32Array {
  if (values instanceof Int32Array) return values;
  for (const v of values) {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff)
      throw invalid(`tensor '${name}': ${v} is not an int32`, name);
  }
  return Int32Array.from(values);
}

function int64Bytes(
  name: string,
  values: BigInt64Array | Int32Array | readonly number[],
): Uint8Array {
  if (values instanceof BigInt64Array) return littleEndianBytes(values, 8);
  if (values instanceof Int32Array && HOST_IS_LITTLE_ENDIAN) {
    // Sign-extend through 32-bit halves: no BigInt allocation per element.
    const words = new Int32Array(values.length * 2);
    for (let i = 0; i < values.length; i++) {
      words[2 * i] = values[i];
      words[2 * i + 1] = values[i] >> 31;
    }
    return bytesOf(words);
  }
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isSafeInteger(v)) {
      throw invalid(`tensor '${name}': ${v} is not a safe integer for int64`, name);
    }
    out[i] = BigInt(v);
  }
  return littleEndianBytes(out, 8);
}

function boolBytes(values: Uint8Array | readonly boolean[]): Uint8Array {
  if (!(values instanceof Uint8Array)) return Uint8Array.from(values, (b) => (b ? 1 : 0));
  // TF's bool is one byte holding exactly 0 or 1; anything else is undefined behaviour in C++.
  return values.every((b) => b <= 1) ? values : Uint8Array.from(values, (b) => (b === 0 ? 0 : 1));
}

/** The data-file bytes of one tensor, plus its CRC when it is not simply crc32c(bytes). */
function tensorBytes(t: BundleTensorInput, count: number): { bytes: Uint8Array; crc?: number } {
  switch (t.dtype) {
    case "float32": {
      const v = t.values instanceof Float32Array ? t.values : new Float32Array(t.values);
      checkCount(t.name, v.length, count, t.shape);
      return { bytes: littleEndianBytes(v, 4) };
    }
    case "float64": {
      // The typed-array constructor widens float32 natively, without a JS loop.
      const v = t.values instanceof Float64Array ? t.values : new Float64Array(t.values);
      checkCount(t.name, v.length, count, t.shape);
      return { bytes: littleEndianBytes(v, 8) };
    }
    case "int32": {
      const v = toInt32Array(t.name, t.values);
      checkCount(t.name, v.length, count, t.shape);
      return { bytes: littleEndianBytes(v, 4) };
    }
    case "int64":
      checkCount(t.name, t.values.length, count, t.shape);
      return { bytes: int64Bytes(t.name, t.values) };
    case "bool":
      checkCount(t.name, t.values.length, count, t.shape);
      return { bytes: boolBytes(t.values) };
    case "string": {
      checkCount(t.name, t.values.length, count, t.shape);
      const enc = encodeStringTensor(t.values);
      return { bytes: enc.bytes, crc: enc.crc32c };
    }
    default:
      throw invalid(
        `tensor '${(t as { name: string }).name}': unsupported dtype '${String((t as { dtype: unknown }).dtype)}'`,
      );
  }
}

/** One tensor's place in a planned bundle. */
export interface PlannedTensor {
  readonly name: string;
  readonly key: Uint8Array;
  readonly dtype: BundleDType;
  readonly shape: readonly number[];
  /** Bytes in the data file; a view of the caller's array when no conversion was needed. */
  readonly bytes: Uint8Array;
  readonly offset: number;
  /** Unmasked entry CRC when it cannot be derived from `bytes` alone (strings); otherwise undefined. */
  readonly fixedCrc32c: number | undefined;
}

/**
 * A bundle laid out but not yet checksummed: lets a file writer compute each
 * tensor's CRC while the previous chunk is being written.
 */
export interface BundlePlan {
  /** Tensors in data-file order (bytewise key order), with offsets. */
  readonly tensors: readonly PlannedTensor[];
  readonly dataSize: number;
  /** Builds the .index bytes given each tensor's unmasked CRC32C, in `tensors` order. */
  buildIndex(crcs: readonly number[]): Uint8Array;
}

/**
 * Validates tensors and lays them out like TF's BundleWriter: sorted by
 * bytewise key, concatenated with no padding (TF's default data_alignment is 1).
 *
 * @example
 * ```ts
 * import { crc32c } from "./crc32c.js";
 * const plan = planBundle([{ name: "w", dtype: "float32", shape: [2], values: new Float32Array([1, 2]) }]);
 * const crcs = plan.tensors.map((t) => t.fixedCrc32c ?? crc32c(t.bytes));
 * const index = plan.buildIndex(crcs);
 * readBundle(index, new Uint8Array(plan.dataSize)).listEntries()[0].name; // ==> w
 * ```
 */
export function planBundle(entries: readonly BundleTensorInput[]): BundlePlan {
  const keyed = entries.map((t) => {
    if (typeof t.name !== "string" || t.name === "")
      throw invalid("tensor names must be non-empty strings");
    return { t, key: utf8Encoder.encode(t.name) };
  });
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  const tensors: PlannedTensor[] = [];
  let offset = 0;
  for (let i = 0; i < keyed.length; i++) {
    const { t, key } = keyed[i];
    if (i > 0 && compareBytes(keyed[i - 1].key, key) === 0)
      throw invalid(`duplicate tensor name '${t.name}'`, t.name);
    const count = checkShape(t.name, t.shape);
    const { bytes, crc } = tensorBytes(t, count);
    tensors.push({
      name: t.name,
      key,
      dtype: t.dtype,
      shape: [...t.shape],
      bytes,
      offset,
      fixedCrc32c: crc,
    });
    offset += bytes.length;
  }
  return {
    tensors,
    dataSize: offset,
    buildIndex: (crcs) => buildIndexTable(tensors, crcs),
  };
}

function buildIndexTable(tensors: readonly PlannedTensor[], crcs: readonly number[]): Uint8Array {
  if (crcs.length !== tensors.length)
    throw invalid(`need ${tensors.length} CRCs, got ${crcs.length}`);
  // Exactly what TF's BundleWriter::Finish writes: little-endian, version {producer: 1, min_consumer: 0}.
  const header: BundleHeaderProto = {
    numShards: 1,
    endianness: 0,
    version: { producer: TENSOR_BUNDLE_VERSION, minConsumer: 0, badConsumers: [] },
  };
  const rows: TableEntry[] = [{ key: new Uint8Array(0), value: encodeBundleHeader(header) }];
  tensors.forEach((t, i) => {
    const entry: BundleEntryProto = {
      dtype: DTYPES[t.dtype].tf,
      shape: { dim: t.shape.map((size) => ({ size, name: "" })), unknownRank: false },
      shardId: 0,
      offset: t.offset,
      size: t.bytes.length,
      crc32c: maskCrc32c(crcs[i]),
      slices: [],
    };
    rows.push({ key: t.key, value: encodeBundleEntry(entry) });
  });
  return buildTable(rows);
}

/**
 * Serializes tensors into the two files of a single-shard V2 checkpoint,
 * byte-compatible with TF's BundleWriter.
 *
 * @example
 * ```ts
 * const { index, data } = writeBundle([
 *   { name: "dense/kernel", dtype: "float32", shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) },
 *   { name: "global_step", dtype: "int64", shape: [], values: [100] },
 * ]);
 * data.length; // ==> 24
 * readBundle(index, data).getTensor("global_step").values; // ==> 100
 * ```
 */
export function writeBundle(entries: readonly BundleTensorInput[]): {
  index: Uint8Array;
  data: Uint8Array;
} {
  const plan = planBundle(entries);
  const crcs = plan.tensors.map((t) => t.fixedCrc32c ?? crc32c(t.bytes));
  return { index: plan.buildIndex(crcs), data: concatBytes(plan.tensors.map((t) => t.bytes)) };
}

// ---------------------------------------------------------------------------
// Reading

interface IndexedEntry {
  info: BundleEntryInfo;
  proto: BundleEntryProto;
}

/** Random access to the tensors of a V2 checkpoint held in memory. */
export class BundleReader {
  /** The decoded BundleHeaderProto. */
  readonly header: BundleHeaderProto;
  readonly prefix: string;
  /** See {@link ReadBundleOptions.inMemory}. */
  readonly inMemory: boolean;
  private readonly entries = new Map<string, IndexedEntry>();
  private readonly ordered: BundleEntryInfo[] = [];
  private readonly shards = new Map<number, Uint8Array>();
  private readonly fileIsLittleEndian: boolean;
  private readonly warn: (message: string) => void;

  /** Use {@link readBundle}. */
  constructor(
    indexBytes: Uint8Array,
    private readonly readData: BundleDataSource,
    options: ReadBundleOptions = {},
  ) {
    this.prefix = options.prefix ?? "<memory>";
    this.inMemory = options.inMemory === true;
    this.warn = options.onWarning ?? ((m) => console.warn(m));
    const indexFile = this.indexFile;
    const table = readTable(plainBytes(indexBytes), indexFile);
    const first = table.entries[0];
    if (first === undefined || first.key.length !== 0) {
      throw new CheckpointFormatError(
        "corrupt",
        `${indexFile} has no bundle header entry (empty key)`,
        { file: indexFile },
      );
    }
    this.header = this.parseHeader(first.value);
    this.fileIsLittleEndian = this.header.endianness !== ENDIANNESS_BIG;
    for (const row of table.entries.slice(1)) this.addEntry(row);
  }

  /** Name of the index file, for messages. */
  get indexFile(): string {
    return indexFileName(this.prefix);
  }

  private parseHeader(value: Uint8Array): BundleHeaderProto {
    const file = this.indexFile;
    // V1 files are tables too, but their "" entry is a SavedTensorSlices whose first field (meta) is
    // length-delimited field 1, a tag BundleHeaderProto (num_shards is a varint) never starts with.
    if (value.length > 0 && value[0] === 0x0a) throw v1Error(this.prefix);
    let header: BundleHeaderProto;
    try {
      header = decodeBundleHeader(value);
    } catch (e) {
      throw new CheckpointFormatError(
        "corrupt",
        `${file}: unparseable bundle header (${describeError(e)})`,
        { file, cause: e },
      );
    }
    if (header.numShards < 1) {
      throw new CheckpointFormatError(
        "corrupt",
        `${file}: bundle header has num_shards ${header.numShards}`,
        { file },
      );
    }
    const v = header.version ?? { producer: 0, minConsumer: 0, badConsumers: [] };
    if (v.minConsumer > TENSOR_BUNDLE_VERSION || v.badConsumers.includes(TENSOR_BUNDLE_VERSION)) {
      throw new CheckpointFormatError(
        "unsupported",
        `${file}: bundle format version ${v.producer} (min consumer ${v.minConsumer}) is newer than this reader (${TENSOR_BUNDLE_VERSION})`,
        { file },
      );
    }
    return header;
  }

  private addEntry(row: TableEntry): void {
    // EncodeTensorNameSlice keys (one per stored slice of a partitioned tensor) start with
    // OrderedCode(0) = 0x00; they are reached through the full tensor's entry, not listed.
    if (row.key[0] === 0) return;
    const name = utf8Decoder.decode(row.key);
    let proto: BundleEntryProto;
    try {
      proto = decodeBundleEntry(row.value);
    } catch (e) {
      const file = this.indexFile;
      throw new CheckpointFormatError(
        "corrupt",
        `${file}: entry for key '${name}' is not parseable (${describeError(e)})`,
        {
          file,
          key: name,
          cause: e,
        },
      );
    }
    const spec = BY_TF_DTYPE.get(proto.dtype);
    const info: BundleEntryInfo = {
      name,
      dtype: spec?.dtype ?? null,
      tfDtype: dataTypeName(proto.dtype),
      shape: this.shapeOf(name, proto),
      shardId: proto.shardId,
      offset: proto.offset,
      size: proto.size,
      crc32c: proto.crc32c,
      partitioned: proto.slices.length > 0,
    };
    this.entries.set(name, { info, proto });
    this.ordered.push(info);
  }

  private shapeOf(name: string, proto: BundleEntryProto): number[] {
    const shape = proto.shape ?? { dim: [], unknownRank: false };
    const dims = shape.dim.map((d) => d.size);
    if (shape.unknownRank || dims.some((d) => d < 0)) {
      const file = this.indexFile;
      throw new CheckpointFormatError(
        "corrupt",
        `${file}: key '${name}' has an invalid tensor shape`,
        { file, key: name },
      );
    }
    return dims;
  }

  /**
   * All tensors, sorted by name (bytewise UTF-8, TF's order).
   *
   * @example
   * ```ts
   * const { index, data } = writeBundle([{ name: "w", dtype: "float32", shape: [2, 3], values: new Float32Array(6) }]);
   * const reader = readBundle(index, data);
   * reader.listEntries().map((e) => `${e.name} ${e.dtype} ${e.shape}`); // ==> w float32 2,3
   * ```
   */
  listEntries(): BundleEntryInfo[] {
    return this.ordered.map((e) => ({ ...e, shape: [...e.shape] }));
  }

  /**
   * Whether the checkpoint holds a tensor called `name`.
   *
   * @example
   * ```ts
   * const { index, data } = writeBundle([{ name: "global_step", dtype: "int64", shape: [], values: [7] }]);
   * const reader = readBundle(index, data);
   * reader.has("global_step"); // ==> true
   * reader.has("w"); // ==> false
   * ```
   */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  private lookup(name: string): IndexedEntry {
    const e = this.entries.get(name);
    if (e === undefined) {
      const file = this.indexFile;
      throw new CheckpointFormatError(
        "not-found",
        `Key '${name}' not found in checkpoint ${file}`,
        { file, key: name },
      );
    }
    if (e.info.partitioned) {
      throw new CheckpointFormatError(
        "unsupported",
        `Key '${name}' in ${this.indexFile} is a partitioned tensor (saved in slices); scopeflow cannot read partitioned tensors yet`,
        { file: this.indexFile, key: name },
      );
    }
    return e;
  }

  private dataFile(shardId: number): string {
    return dataFileName(this.prefix, shardId, this.header.numShards);
  }

  private shard(shardId: number, key: string): Uint8Array {
    const cached = this.shards.get(shardId);
    if (cached !== undefined) return cached;
    const file = this.dataFile(shardId);
    if (shardId < 0 || shardId >= this.header.numShards) {
      throw new CheckpointFormatError(
        "corrupt",
        `${this.indexFile}: key '${key}' names shard ${shardId} of ${this.header.numShards}`,
        {
          file: this.indexFile,
          key,
        },
      );
    }
    let bytes: Uint8Array;
    try {
      bytes =
        typeof this.readData === "function"
          ? this.readData(shardId, this.header.numShards)
          : this.readData;
    } catch (e) {
      throw new CheckpointFormatError(
        "not-found",
        `cannot read ${file} (for key '${key}'): ${describeError(e)}`,
        { file, key, cause: e },
      );
    }
    const plain = plainBytes(bytes);
    this.shards.set(shardId, plain);
    return plain;
  }

  /** The entry's byte range in its data file, bounds-checked. */
  private rawBytes(e: IndexedEntry): Uint8Array {
    const { name, shardId, offset, size } = e.info;
    const data = this.shard(shardId, name);
    if (offset + size > data.length) {
      const file = this.dataFile(shardId);
      throw new CheckpointFormatError(
        "corrupt",
        `${file} is truncated: key '${name}' needs bytes [${offset}, ${offset + size}) but the file has ${data.length}`,
        { file, key: name },
      );
    }
    return data.subarray(offset, offset + size);
  }

  private checksumError(e: IndexedEntry, stored: number, actual: number): CheckpointFormatError {
    const { name, shardId, offset, size } = e.info;
    const file = this.dataFile(shardId);
    return new CheckpointFormatError(
      "corrupt",
      `Checksum mismatch for key '${name}' in ${file} (bytes [${offset}, ${offset + size})): ` +
        `stored crc32c 0x${stored.toString(16).padStart(8, "0")}, computed 0x${actual.toString(16).padStart(8, "0")}`,
      { file, key: name },
    );
  }

  private numElements(e: IndexedEntry): number {
    return e.info.shape.reduce((a, b) => a * b, 1);
  }

  private readStrings(e: IndexedEntry): Uint8Array[] {
    const bytes = this.rawBytes(e);
    const stored = unmaskCrc32c(e.proto.crc32c);
    let decoded: { values: Uint8Array[]; crc32c: number };
    try {
      decoded = decodeStringTensor(bytes, this.numElements(e), this.fileIsLittleEndian);
    } catch (err) {
      if (!(err instanceof StringTensorLayoutError)) throw err;
      const file = this.dataFile(e.info.shardId);
      throw new CheckpointFormatError(
        "corrupt",
        `Corrupt string tensor for key '${e.info.name}' in ${file}: ${err.message}`,
        {
          file,
          key: e.info.name,
        },
      );
    }
    if (decoded.crc32c !== stored) throw this.checksumError(e, stored, decoded.crc32c);
    return decoded.values;
  }

  /** Verified numeric bytes in host byte order, in a fresh aligned buffer. */
  private readNumeric(e: IndexedEntry, spec: DTypeSpec): ArrayBuffer {
    const expectedSize = this.numElements(e) * spec.size;
    if (e.info.size !== expectedSize) {
      const file = this.indexFile;
      throw new CheckpointFormatError(
        "corrupt",
        `${file}: key '${e.info.name}' (${spec.dtype} [${e.info.shape.join(", ")}]) has size ${e.info.size}, expected ${expectedSize}`,
        { file, key: e.info.name },
      );
    }
    const bytes = this.rawBytes(e);
    const stored = unmaskCrc32c(e.proto.crc32c);
    const actual = crc32c(bytes);
    if (actual !== stored) throw this.checksumError(e, stored, actual);
    return hostOrderCopy(bytes, spec.size, this.fileIsLittleEndian);
  }

  /**
   * Reads and verifies one tensor (its CRC32C is always checked).
   *
   * @example
   * ```ts
   * const { index, data } = writeBundle([{ name: "w", dtype: "float32", shape: [2], values: new Float32Array([1, 2]) }]);
   * const t = readBundle(index, data).getTensor("w");
   * t.dtype; // ==> float32
   * t.values; // ==> 1,2
   * ```
   */
  getTensor(name: string): BundleTensor {
    const e = this.lookup(name);
    const spec = e.info.dtype === null ? undefined : DTYPES[e.info.dtype];
    if (spec === undefined) {
      throw new CheckpointFormatError(
        "unsupported",
        `Key '${name}' in ${this.indexFile} has dtype ${e.info.tfDtype}, which scopeflow does not read`,
        {
          file: this.indexFile,
          key: name,
        },
      );
    }
    const shape = [...e.info.shape];
    switch (spec.dtype) {
      case "string":
        return {
          name,
          shape,
          dtype: "string",
          values: this.readStrings(e).map((b) => utf8Decoder.decode(b)),
        };
      case "float32":
        return {
          name,
          shape,
          dtype: "float32",
          values: new Float32Array(this.readNumeric(e, spec)),
        };
      case "float64": {
        const values = new Float32Array(new Float64Array(this.readNumeric(e, spec)));
        this.warn(
          `Key '${name}' in ${this.indexFile} is float64; read as float32 (precision beyond float32 is lost)`,
        );
        return { name, shape, dtype: "float64", values };
      }
      case "int32":
        return { name, shape, dtype: "int32", values: new Int32Array(this.readNumeric(e, spec)) };
      case "int64":
        return {
          name,
          shape,
          dtype: "int64",
          values: new BigInt64Array(this.readNumeric(e, spec)),
        };
      case "bool":
        return { name, shape, dtype: "bool", values: new Uint8Array(this.readNumeric(e, spec)) };
    }
  }

  /**
   * The raw bytes of each element of a string tensor (verified), for values
   * that are not UTF-8 text such as `_CHECKPOINTABLE_OBJECT_GRAPH`.
   *
   * @example
   * ```ts
   * const { index, data } = writeBundle([{ name: "s", dtype: "string", shape: [1], values: ["ab"] }]);
   * const [bytes] = readBundle(index, data).getStringBytes("s");
   * bytes; // ==> 97,98
   * ```
   */
  getStringBytes(name: string): Uint8Array[] {
    const e = this.lookup(name);
    if (e.info.dtype !== "string") {
      throw new CheckpointFormatError(
        "invalid-argument",
        `Key '${name}' in ${this.indexFile} is ${e.info.tfDtype}, not DT_STRING`,
        {
          file: this.indexFile,
          key: name,
        },
      );
    }
    return this.readStrings(e);
  }
}

function v1Error(prefix: string): CheckpointFormatError {
  return new CheckpointFormatError(
    "v1-format",
    `${prefix} is a V1 (legacy) checkpoint, not a V2 bundle index: open it by its prefix (or with readV1Checkpoint)`,
    { file: prefix },
  );
}

/**
 * Opens a V2 checkpoint from its index bytes and its data (one Uint8Array for
 * a single-shard bundle, or a function returning each shard's bytes on demand).
 * Verifies every index block CRC now and each tensor's CRC when it is read.
 *
 * @example
 * ```ts
 * const { index, data } = writeBundle([{ name: "nn/b", dtype: "float32", shape: [1], values: new Float32Array([3]) }]);
 * const reader = readBundle(index, data, { prefix: "model.ckpt" });
 * reader.getTensor("nn/b").values; // ==> 3
 * reader.getTensor("nn/w"); // throws CheckpointFormatError: Key 'nn/w' not found
 * ```
 */
export function readBundle(
  indexBytes: Uint8Array,
  readData: BundleDataSource,
  options: ReadBundleOptions = {},
): BundleReader {
  return new BundleReader(indexBytes, readData, options);
}

// ---------------------------------------------------------------------------
// Merging

/** One bundle's index, as {@link mergeBundleIndexes} takes it. */
export interface BundleToMerge {
  prefix: string;
  index: Uint8Array;
}

/** The merged index, and the data files to rename into the merged bundle. */
export interface MergedBundle {
  index: Uint8Array;
  renames: { from: string; to: string }[];
}

/**
 * TensorFlow's `MergeBundles` on the index tables (the last step of a sharded save, op
 * `MergeV2Checkpoints`), its table blocks Snappy-compressed as TF 1.15 writes them when
 * that saves an eighth: every entry of every input bundle, with its shard id renumbered
 * in the order the inputs' data files are first met; one header counting all shards. The
 * caller renames each input data file to the merged bundle's name for it.
 *
 * @example
 * ```ts
 * const a = writeBundle([{ name: "w", dtype: "float32", shape: [1], values: [1] }]);
 * const b = writeBundle([{ name: "b", dtype: "int32", shape: [], values: [2] }]);
 * const merged = mergeBundleIndexes([{ prefix: "t/part-0", index: a.index }, { prefix: "t/part-1", index: b.index }], "model");
 * merged.renames.map((r) => r.to); // ==> model.data-00000-of-00002,model.data-00001-of-00002
 * readBundle(merged.index, (id) => [a.data, b.data][id]).getTensor("b").values; // ==> 2
 * ```
 */
export function mergeBundleIndexes(
  inputs: readonly BundleToMerge[],
  mergedPrefix: string,
): MergedBundle {
  let numShards = 0;
  let first: BundleHeaderProto | null = null;
  const entries = new Map<string, { key: Uint8Array; entry: BundleEntryProto }>();
  const shardIds = new Map<string, number>();
  for (const input of inputs) {
    const file = indexFileName(input.prefix);
    const rows = readTable(input.index, file).entries;
    const head = rows[0];
    if (head === undefined || head.key.length !== 0) {
      throw new CheckpointFormatError("corrupt", `${file} has no bundle header entry (empty key)`, {
        file,
      });
    }
    const header = decodeBundleHeader(head.value);
    numShards += header.numShards;
    if (first === null) {
      first = header;
    } else {
      if (first.endianness !== header.endianness) {
        throw new CheckpointFormatError(
          "invalid-argument",
          "Merging bundles with conflicting endianness; inputs corrupted?",
          { file },
        );
      }
      const v = (h: BundleHeaderProto) => JSON.stringify(h.version ?? null);
      if (v(first) !== v(header)) {
        throw new CheckpointFormatError(
          "invalid-argument",
          `Merging bundles with different format versions: merged ${v(first)} vs. curr ${v(header)}`,
          { file },
        );
      }
    }
    for (const row of rows.slice(1)) {
      const name = utf8Decoder.decode(row.key);
      const entry = decodeBundleEntry(row.value);
      const existing = entries.get(name);
      if (existing !== undefined) {
        // Partitioned variables' slices of one tensor may come from several shards; scopeflow
        // writes whole tensors only, so a key met twice is TF's duplicate error.
        throw new CheckpointFormatError(
          "invalid-argument",
          `Duplicate tensor keyed by ${name} encountered, when merging prefix: ${input.prefix}`,
          { file, key: name },
        );
      }
      const dataFile = dataFileName(input.prefix, entry.shardId, header.numShards);
      let id = shardIds.get(dataFile);
      if (id === undefined) {
        id = shardIds.size;
        shardIds.set(dataFile, id);
      }
      entries.set(name, { key: row.key, entry: { ...entry, shardId: id } });
    }
  }
  const header: BundleHeaderProto = {
    numShards,
    endianness: first?.endianness ?? 0,
    version: first?.version ?? {
      producer: TENSOR_BUNDLE_VERSION,
      minConsumer: 0,
      badConsumers: [],
    },
  };
  const sorted = [...entries.values()].sort((a, b) => compareBytes(a.key, b.key));
  // TF 1.15's MergeBundles builds the merged table with the default table options: its
  // blocks are Snappy-compressed when that saves an eighth (SaveV2's own index never is).
  const index = buildTable(
    [
      { key: new Uint8Array(0), value: encodeBundleHeader(header) },
      ...sorted.map((e) => ({ key: e.key, value: encodeBundleEntry(e.entry) })),
    ],
    { compression: "snappy" },
  );
  const renames = [...shardIds].map(([from, id]) => ({
    from,
    to: dataFileName(mergedPrefix, id, shardIds.size),
  }));
  return { index, renames };
}
