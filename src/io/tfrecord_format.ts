/**
 * TFRecord framing (TF's core/lib/io/record_writer.cc and record_reader.cc), on bytes only
 * so it runs in browsers too; ./tfrecord.ts adds files and compression.
 *
 * A record is `uint64 length` (little-endian), `uint32 masked_crc32c(length bytes)`, the
 * data, `uint32 masked_crc32c(data)`. TensorBoard event files are TFRecord files of
 * serialized `Event`s.
 */
import { crc32c, maskCrc32c } from "../checkpoint/format/crc32c.js";
import { DataLossError } from "../errors.js";

/** Bytes before a record's data: length and its checksum. */
export const TFRECORD_HEADER_SIZE = 12;
/** Bytes after a record's data: its checksum. */
export const TFRECORD_FOOTER_SIZE = 4;

/**
 * One record, framed as TF's `RecordWriter::WriteRecord` frames it.
 *
 * @example
 * ```ts
 * Array.from(encodeTFRecord(Uint8Array.of(7)).subarray(0, 8)).join(","); // ==> 1,0,0,0,0,0,0,0
 * encodeTFRecord(Uint8Array.of(7)).length; // ==> 17
 * ```
 */
export function encodeTFRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(TFRECORD_HEADER_SIZE + data.length + TFRECORD_FOOTER_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length >>> 0, true);
  view.setUint32(4, Math.floor(data.length / 0x100000000), true);
  view.setUint32(8, maskCrc32c(crc32c(out.subarray(0, 8))), true);
  out.set(data, TFRECORD_HEADER_SIZE);
  view.setUint32(TFRECORD_HEADER_SIZE + data.length, maskCrc32c(crc32c(data)), true);
  return out;
}

/** The reason a record could not be read, as TF's RecordReader words it. */
function recordError(
  kind: "truncated" | "corrupted",
  offset: number,
  file: string,
  why: string,
): DataLossError {
  return new DataLossError(`${kind} record at ${offset} in ${file} (${why})`);
}

/**
 * A pull parser over the bytes of a TFRecord stream: feed it chunks, take the records
 * that are complete. Offsets count from the start of the (uncompressed) stream.
 */
/** A plain Uint8Array copy (a Node Buffer's `slice` would share memory). */
function copyOf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

export class TFRecordParser {
  /** Unconsumed input; `chunks[0]` starts `head` bytes in. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  private avail = 0;
  private consumed = 0;

  constructor(private readonly file: string) {}

  /** Stream offset of the next record. */
  get offset(): number {
    return this.consumed;
  }

  /** Appends bytes read from the stream (copied: the caller may reuse its buffer). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(copyOf(chunk));
    this.avail += chunk.length;
  }

  /**
   * The first `n` unconsumed bytes as one array. Chunks are merged only when a record
   * spans them, once per record, so reading stays linear in the stream's size.
   */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const merged = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const take = Math.min(c.length - this.head, n - filled);
      merged.set(c.subarray(this.head, this.head + take), filled);
      filled += take;
      if (this.head + take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(this.head + take);
      this.head = 0;
    }
    this.chunks.unshift(merged);
    this.head = 0;
    return merged;
  }

  private consume(n: number): void {
    this.avail -= n;
    this.consumed += n;
    while (n > 0) {
      const left = this.chunks[0].length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  private declaredLength(header: Uint8Array): number {
    const view = new DataView(header.buffer, header.byteOffset, TFRECORD_HEADER_SIZE);
    return view.getUint32(0, true) + view.getUint32(4, true) * 0x100000000;
  }

  /**
   * The next complete record's data, or `undefined` when more bytes are needed.
   * A checksum mismatch is a `DataLossError` naming the file and the record's offset.
   */
  next(): Uint8Array | undefined {
    if (this.avail < TFRECORD_HEADER_SIZE) return undefined;
    const header = this.peek(TFRECORD_HEADER_SIZE);
    const stored = new DataView(header.buffer, header.byteOffset).getUint32(8, true);
    if (maskCrc32c(crc32c(header.subarray(0, 8))) !== stored)
      throw recordError("corrupted", this.offset, this.file, "length checksum mismatch");
    const length = this.declaredLength(header);
    if (!Number.isSafeInteger(length))
      throw recordError(
        "corrupted",
        this.offset,
        this.file,
        `record length ${length} is not readable`,
      );
    const total = TFRECORD_HEADER_SIZE + length + TFRECORD_FOOTER_SIZE;
    if (this.avail < total) return undefined;
    const record = this.peek(total);
    const data = copyOf(record.subarray(TFRECORD_HEADER_SIZE, TFRECORD_HEADER_SIZE + length));
    const dataCrc = new DataView(record.buffer, record.byteOffset).getUint32(
      TFRECORD_HEADER_SIZE + length,
      true,
    );
    if (maskCrc32c(crc32c(data)) !== dataCrc)
      throw recordError("corrupted", this.offset, this.file, "data checksum mismatch");
    this.consume(total);
    return data;
  }

  /** Call at the end of the stream: leftover bytes are a truncated record. */
  finish(): void {
    const avail = this.avail;
    if (avail === 0) return;
    if (avail < TFRECORD_HEADER_SIZE)
      throw recordError(
        "truncated",
        this.offset,
        this.file,
        `${avail} bytes left, a record header is 12`,
      );
    const length = this.declaredLength(this.peek(TFRECORD_HEADER_SIZE));
    throw recordError(
      "truncated",
      this.offset,
      this.file,
      `${avail} bytes left, the record needs ${TFRECORD_HEADER_SIZE + length + TFRECORD_FOOTER_SIZE}`,
    );
  }
}

/**
 * The records of a whole TFRecord stream held in memory.
 *
 * @example
 * ```ts
 * const bytes = encodeTFRecord(Uint8Array.of(1, 2));
 * Array.from(readTFRecords(bytes, "mem"), (r) => r.join(" ")).join(";"); // ==> 1 2
 * [...readTFRecords(bytes.subarray(0, 15), "mem")]; // throws DataLossError: truncated record at 0 in mem
 * ```
 */
export function* readTFRecords(
  bytes: Uint8Array,
  file: string,
): Generator<Uint8Array, void, undefined> {
  const parser = new TFRecordParser(file);
  parser.push(bytes);
  for (let r = parser.next(); r !== undefined; r = parser.next()) yield r;
  parser.finish();
}
