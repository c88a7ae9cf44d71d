/**
 * TensorFlow's immutable sorted table (tensorflow/core/lib/io/table*.cc, a
 * LevelDB SSTable without filters): the container of a bundle's .index file.
 *
 * File layout:
 *   data block*, metaindex block (always empty in TF), index block, footer (48 bytes)
 * Each block on disk is `contents | type (1 byte: 0 raw, 1 Snappy) | masked crc32c(contents ++ type)`.
 * Block contents: entries `varint32 shared | varint32 unshared | varint32 valueLen | key delta | value`,
 * then `fixed32 restart offsets[]`, `fixed32 numRestarts`.
 * Footer: metaindex handle and index handle (varint64 offset, varint64 size each),
 * zero-padded to 40 bytes, then magic 0xdb4775248b80fb57 as two little-endian fixed32 (low word first).
 */
import { ByteReader, ByteWriter, compareBytes, plainBytes, readFixed32 } from "./bytes.js";
import { crc32c, crc32cExtend, maskCrc32c, unmaskCrc32c } from "./crc32c.js";
import { CheckpointFormatError, describeError } from "./errors.js";
import { snappyCompress, snappyUncompress } from "./snappy.js";

const MAGIC_LO = 0x8b80fb57;
const MAGIC_HI = 0xdb477524;
/** Two BlockHandles of at most 10 + 10 varint bytes, then the 8-byte magic. */
export const FOOTER_LENGTH = 48;
const HANDLES_LENGTH = 40;
const BLOCK_TRAILER_LENGTH = 5;
const BLOCK_TYPE_RAW = 0;
const BLOCK_TYPE_SNAPPY = 1;
/** TF's kOverlyLargeBlockRatio: an entry this many block sizes long gets a block of its own. */
const OVERLY_LARGE_BLOCK_RATIO = 2;
/** Upper bound for a decompressed block; TF blocks are ~256 KiB unless one entry is huge. */
const MAX_UNCOMPRESSED_BLOCK = 1 << 30;

/** Table writer options; defaults are TF's `table::Options` (tensorflow/core/lib/io/table_options.h). */
export interface TableWriteOptions {
  /**
   * Target uncompressed data-block size. TF's default is 262144 (256 KiB), not
   * LevelDB's 4096: table_options.h says so, and real .index files agree
   * (swift-models' transformer.index holds 5129 bytes of entries in one block).
   */
  blockSize?: number;
  /** Keys between restart points in data blocks; TF default 16. Index blocks always use 1. */
  blockRestartInterval?: number;
  /**
   * TF's `table::Options.compression`: `"snappy"` stores each block Snappy-compressed when
   * that saves at least an eighth of it (TF's rule), else raw. Default `"none"`, as TF's
   * `BundleWriter` writes every `.index` (SaveV2); TF 1.14–1.15's `MergeBundles`
   * (MergeV2Checkpoints, the sharded savers) uses the table default, Snappy.
   */
  compression?: "none" | "snappy";
}

/** One key/value pair of a table; keys are raw bytes ordered bytewise. */
export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

interface BlockHandle {
  offset: number;
  size: number;
}

/** Prefix-compressing block writer (TF's BlockBuilder). */
class BlockBuilder {
  private readonly buf = new ByteWriter(1024);
  private restarts: number[] = [0];
  private counter = 0;
  private lastKey: Uint8Array = new Uint8Array(0);

  constructor(private readonly restartInterval: number) {}

  get empty(): boolean {
    return this.buf.length === 0;
  }

  /** Same estimate TF uses to decide when a block is full. */
  sizeEstimate(): number {
    return this.buf.length + this.restarts.length * 4 + 4;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.counter < this.restartInterval) {
      shared = sharedPrefixLength(this.lastKey, key);
    } else {
      this.restarts.push(this.buf.length);
      this.counter = 0;
    }
    this.buf
      .varint(shared)
      .varint(key.length - shared)
      .varint(value.length)
      .bytes(key.subarray(shared))
      .bytes(value);
    this.lastKey = key;
    this.counter++;
  }

  finish(): Uint8Array {
    for (const r of this.restarts) this.buf.fixed32(r);
    this.buf.fixed32(this.restarts.length);
    return this.buf.view();
  }

  reset(): void {
    this.buf.clear();
    this.restarts = [0];
    this.counter = 0;
    this.lastKey = new Uint8Array(0);
  }
}

function sharedPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * TF/LevelDB bytewise `FindShortestSeparator`: a short key k with start <= k < limit,
 * made by bumping the first differing byte of `start` when that keeps it below `limit`.
 *
 * @example
 * ```ts
 * const utf8 = (s: string) => new TextEncoder().encode(s);
 * new TextDecoder().decode(shortestSeparator(utf8("the quick brown fox"), utf8("the who"))); // ==> the r
 * ```
 */
export function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const minLength = Math.min(start.length, limit.length);
  let diff = 0;
  while (diff < minLength && start[diff] === limit[diff]) diff++;
  if (diff >= minLength) return start; // one is a prefix of the other: keep as is
  const byte = start[diff];
  if (byte < 0xff && byte + 1 < limit[diff]) {
    const out = new Uint8Array(start.subarray(0, diff + 1));
    out[diff] = byte + 1;
    return out;
  }
  return start;
}

/**
 * TF/LevelDB bytewise `FindShortSuccessor`: the shortest key >= `key`, made by
 * bumping the first byte that is not 0xff and cutting after it.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(shortSuccessor(new TextEncoder().encode("nn/output/weights"))); // ==> o
 * ```
 */
export function shortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== 0xff) {
      const out = new Uint8Array(key.subarray(0, i + 1));
      out[i] = key[i] + 1;
      return out;
    }
  }
  return key;
}

/** Port of TF's TableBuilder (block compression as `TableWriteOptions.compression`). */
class TableBuilder {
  private readonly out = new ByteWriter(4096);
  private readonly dataBlock: BlockBuilder;
  private readonly indexBlock = new BlockBuilder(1);
  private readonly blockSize: number;
  private readonly restartInterval: number;
  private readonly snappy: boolean;
  private lastKey: Uint8Array = new Uint8Array(0);
  private numEntries = 0;
  private pendingHandle: BlockHandle | undefined;

  constructor(options: TableWriteOptions) {
    this.blockSize = options.blockSize ?? 262144;
    this.restartInterval = options.blockRestartInterval ?? 16;
    this.snappy = options.compression === "snappy";
    if (!(this.blockSize >= 1) || !(this.restartInterval >= 1)) {
      throw new RangeError("blockSize and blockRestartInterval must be >= 1");
    }
    this.dataBlock = new BlockBuilder(this.restartInterval);
  }

  add(key: Uint8Array, value: Uint8Array): void {
    if (this.numEntries > 0) {
      if (compareBytes(key, this.lastKey) <= 0) {
        throw new CheckpointFormatError(
          "invalid-argument",
          "table keys must be added in strictly increasing bytewise order",
        );
      }
      if (key.length + value.length >= OVERLY_LARGE_BLOCK_RATIO * this.blockSize) this.flush();
    }
    if (this.pendingHandle !== undefined) {
      // Deferred until now so the index key can be a short separator rather than the last key.
      this.indexBlock.add(shortestSeparator(this.lastKey, key), encodeHandle(this.pendingHandle));
      this.pendingHandle = undefined;
    }
    this.lastKey = key;
    this.numEntries++;
    this.dataBlock.add(key, value);
    if (this.dataBlock.sizeEstimate() >= this.blockSize) this.flush();
  }

  finish(): Uint8Array {
    this.flush();
    const metaindexHandle = this.writeBlock(new BlockBuilder(this.restartInterval));
    if (this.pendingHandle !== undefined) {
      this.indexBlock.add(shortSuccessor(this.lastKey), encodeHandle(this.pendingHandle));
      this.pendingHandle = undefined;
    }
    const indexHandle = this.writeBlock(this.indexBlock);
    this.writeFooter(metaindexHandle, indexHandle);
    return this.out.finish();
  }

  private flush(): void {
    if (this.dataBlock.empty) return;
    this.pendingHandle = this.writeBlock(this.dataBlock);
  }

  private writeBlock(block: BlockBuilder): BlockHandle {
    const raw = block.finish();
    let contents = raw;
    let blockType = BLOCK_TYPE_RAW;
    if (this.snappy) {
      const compressed = snappyCompress(raw);
      if (compressed.length < raw.length - Math.floor(raw.length / 8)) {
        contents = compressed;
        blockType = BLOCK_TYPE_SNAPPY;
      }
    }
    const handle = { offset: this.out.length, size: contents.length };
    const type = Uint8Array.of(blockType);
    const crc = crc32cExtend(crc32c(contents), type);
    this.out.bytes(contents).bytes(type).fixed32(maskCrc32c(crc));
    block.reset();
    return handle;
  }

  private writeFooter(metaindex: BlockHandle, index: BlockHandle): void {
    const handles = new ByteWriter(HANDLES_LENGTH)
      .varint(metaindex.offset)
      .varint(metaindex.size)
      .varint(index.offset)
      .varint(index.size);
    this.out.bytes(handles.view()).zeros(HANDLES_LENGTH - handles.length);
    this.out.fixed32(MAGIC_LO).fixed32(MAGIC_HI);
  }
}

function encodeHandle(h: BlockHandle): Uint8Array {
  return new ByteWriter(20).varint(h.offset).varint(h.size).finish();
}

/**
 * Builds a TF table file from entries sorted by key (bytewise, strictly
 * increasing), byte-identical to what TF's TableBuilder writes with the same options.
 *
 * @example
 * ```ts
 * const utf8 = (s: string) => new TextEncoder().encode(s);
 * const bytes = buildTable([{ key: utf8("a"), value: utf8("1") }, { key: utf8("b"), value: utf8("2") }]);
 * readTable(bytes).entries.map((e) => new TextDecoder().decode(e.value)); // ==> 1,2
 * ```
 */
export function buildTable(
  entries: Iterable<TableEntry>,
  options: TableWriteOptions = {},
): Uint8Array {
  const builder = new TableBuilder(options);
  for (const e of entries) builder.add(e.key, e.value);
  return builder.finish();
}

/** Details of one physical block, for diagnostics and byte-layout tests. */
export interface TableBlockInfo {
  offset: number;
  /** Stored size, excluding the 5-byte trailer. */
  size: number;
  /** 0 = raw, 1 = Snappy. */
  type: number;
  /** Size after decompression. */
  rawSize: number;
  restarts: number[];
  /** Number of key/value entries in the block. */
  entryCount: number;
}

/** A parsed table: all entries in order, plus block-level layout. */
export interface ParsedTable {
  entries: TableEntry[];
  dataBlocks: TableBlockInfo[];
  indexBlock: TableBlockInfo;
  metaindexBlock: TableBlockInfo;
  /** Raw index-block entries: separator keys and encoded handles. */
  indexEntries: TableEntry[];
}

function corrupt(file: string, detail: string, cause?: unknown): CheckpointFormatError {
  return new CheckpointFormatError("corrupt", `${file} is corrupt: ${detail}`, { file, cause });
}

/**
 * True when `bytes` ends with TF's table magic number; cheap sniffing for
 * "is this some TF table (V2 index or V1 checkpoint)?".
 *
 * @example
 * ```ts
 * hasTableMagic(buildTable([])); // ==> true
 * hasTableMagic(new Uint8Array(48)); // ==> false
 * ```
 */
export function hasTableMagic(bytes: Uint8Array): boolean {
  if (bytes.length < FOOTER_LENGTH) return false;
  const p = bytes.length - 8;
  return readFixed32(bytes, p) === MAGIC_LO && readFixed32(bytes, p + 4) === MAGIC_HI;
}

function readFooter(
  bytes: Uint8Array,
  file: string,
): { metaindex: BlockHandle; index: BlockHandle } {
  if (bytes.length < FOOTER_LENGTH) {
    throw corrupt(
      file,
      `${bytes.length} bytes is too short for a TensorFlow table (footer alone is 48 bytes)`,
    );
  }
  if (!hasTableMagic(bytes)) {
    throw corrupt(file, "not a TensorFlow table (bad magic number in the last 8 bytes)");
  }
  const start = bytes.length - FOOTER_LENGTH;
  const r = new ByteReader(bytes, start, start + HANDLES_LENGTH);
  try {
    const metaindex = { offset: r.varint(), size: r.varint() };
    const index = { offset: r.varint(), size: r.varint() };
    // TF ignores the padding but always writes zeros; checking it means no footer byte can rot unnoticed.
    for (let p = r.pos; p < start + HANDLES_LENGTH; p++) {
      if (bytes[p] !== 0) throw new RangeError(`non-zero footer padding at byte ${p}`);
    }
    return { metaindex, index };
  } catch (e) {
    throw corrupt(file, `bad footer (${describeError(e)})`, e);
  }
}

/** Reads one block, verifying its CRC and undoing compression. */
function readBlock(
  bytes: Uint8Array,
  handle: BlockHandle,
  limit: number,
  file: string,
  what: string,
) {
  const end = handle.offset + handle.size;
  if (end + BLOCK_TRAILER_LENGTH > limit) {
    throw corrupt(
      file,
      `${what} at offset ${handle.offset} (${handle.size} bytes) extends past the end of the table`,
    );
  }
  const stored = bytes.subarray(handle.offset, end + 1); // contents + type byte
  const expected = unmaskCrc32c(readFixed32(bytes, end + 1));
  const actual = crc32c(stored);
  if (actual !== expected) {
    throw corrupt(
      file,
      `${what} at offset ${handle.offset} (${handle.size} bytes): block checksum mismatch ` +
        `(stored 0x${hex(expected)}, computed 0x${hex(actual)})`,
    );
  }
  const type = bytes[end];
  const contents = bytes.subarray(handle.offset, end);
  if (type === BLOCK_TYPE_RAW) return { contents, type };
  if (type === BLOCK_TYPE_SNAPPY) {
    try {
      return { contents: snappyUncompress(contents, MAX_UNCOMPRESSED_BLOCK), type };
    } catch (e) {
      throw corrupt(
        file,
        `${what} at offset ${handle.offset}: corrupted Snappy block (${describeError(e)})`,
        e,
      );
    }
  }
  throw corrupt(file, `${what} at offset ${handle.offset}: unknown block type ${type}`);
}

/** Decodes the entries and restart array of an uncompressed block. */
function parseBlock(
  contents: Uint8Array,
  file: string,
  what: string,
): { entries: TableEntry[]; restarts: number[] } {
  try {
    if (contents.length < 4) throw new RangeError("block shorter than its restart count");
    const numRestarts = readFixed32(contents, contents.length - 4);
    const restartsStart = contents.length - 4 - 4 * numRestarts;
    if (numRestarts === 0 || restartsStart < 0)
      throw new RangeError(`bad restart count ${numRestarts}`);
    const restarts: number[] = [];
    for (let i = 0; i < numRestarts; i++)
      restarts.push(readFixed32(contents, restartsStart + 4 * i));
    const entries: TableEntry[] = [];
    const r = new ByteReader(contents, 0, restartsStart);
    let prev: Uint8Array = new Uint8Array(0);
    while (r.remaining > 0) {
      const shared = r.varint32();
      const unshared = r.varint32();
      const valueLength = r.varint32();
      if (shared > prev.length)
        throw new RangeError(`entry shares ${shared} bytes with a ${prev.length}-byte key`);
      const key = new Uint8Array(shared + unshared);
      key.set(prev.subarray(0, shared));
      key.set(r.take(unshared), shared);
      entries.push({ key, value: r.take(valueLength) });
      prev = key;
    }
    return { entries, restarts };
  } catch (e) {
    throw corrupt(file, `${what}: malformed block (${describeError(e)})`, e);
  }
}

function blockInfo(
  handle: BlockHandle,
  type: number,
  contents: Uint8Array,
  parsed: { entries: TableEntry[]; restarts: number[] },
): TableBlockInfo {
  return {
    offset: handle.offset,
    size: handle.size,
    type,
    rawSize: contents.length,
    restarts: parsed.restarts,
    entryCount: parsed.entries.length,
  };
}

function decodeHandle(value: Uint8Array, file: string): BlockHandle {
  try {
    const r = new ByteReader(value);
    return { offset: r.varint(), size: r.varint() };
  } catch (e) {
    throw corrupt(file, `bad block handle in the index block (${describeError(e)})`, e);
  }
}

/**
 * Parses a whole TF table held in memory: checks the footer, every block CRC
 * and the key order, and decompresses Snappy blocks. `file` is only used in
 * error messages.
 *
 * @example
 * ```ts
 * const utf8 = (s: string) => new TextEncoder().encode(s);
 * const { entries } = readTable(buildTable([{ key: utf8("w"), value: utf8("xyz") }]), "model.ckpt.index");
 * entries.map(({ key, value }) => `${new TextDecoder().decode(key)} ${value.length}`); // ==> w 3
 * ```
 */
export function readTable(input: Uint8Array, file = "<table>"): ParsedTable {
  const bytes = plainBytes(input);
  const footer = readFooter(bytes, file);
  const limit = bytes.length - FOOTER_LENGTH;
  const meta = readBlock(bytes, footer.metaindex, limit, file, "metaindex block");
  const metaParsed = parseBlock(meta.contents, file, "metaindex block");
  const index = readBlock(bytes, footer.index, limit, file, "index block");
  const indexParsed = parseBlock(index.contents, file, "index block");
  const entries: TableEntry[] = [];
  const dataBlocks: TableBlockInfo[] = [];
  for (const ie of indexParsed.entries) {
    const handle = decodeHandle(ie.value, file);
    const block = readBlock(bytes, handle, limit, file, "data block");
    const parsed = parseBlock(block.contents, file, `data block at offset ${handle.offset}`);
    dataBlocks.push(blockInfo(handle, block.type, block.contents, parsed));
    for (const e of parsed.entries) {
      const last = entries[entries.length - 1];
      if (last !== undefined && compareBytes(last.key, e.key) >= 0) {
        throw corrupt(file, `keys out of order at data block offset ${handle.offset}`);
      }
      entries.push(e);
    }
  }
  return {
    entries,
    dataBlocks,
    indexBlock: blockInfo(footer.index, index.type, index.contents, indexParsed),
    metaindexBlock: blockInfo(footer.metaindex, meta.type, meta.contents, metaParsed),
    indexEntries: indexParsed.entries,
  };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
