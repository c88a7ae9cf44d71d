/**
 * TFRecord files for Node: `tf.io.TFRecordWriter`, `tf.io.tfRecordIterator`
 * (TF 1.15's `tf.io.tf_record_iterator`) and `tf.io.TFRecordOptions`, with TF's
 * NONE / ZLIB / GZIP compression through Node's zlib. The framing is ./tfrecord_format.ts.
 *
 * Node built-ins are reached through `process.getBuiltinModule`, so a browser bundle
 * does not pull in `node:fs`; there these throw `UnimplementedError`.
 */
import type * as NodeFs from "node:fs";
import type * as NodeZlib from "node:zlib";
import {
  DataLossError,
  FailedPreconditionError,
  NotFoundError,
  UnimplementedError,
  ValueError,
} from "../errors.js";
import {
  declare,
  defineParams,
  intKind,
  kind,
  opt,
  req,
  stringKind,
  tfFunction,
  type CallArgs,
} from "../graph/call_args.js";
import { TFRecordParser, encodeTFRecord, readTFRecords } from "./tfrecord_format.js";

export function builtin<T>(id: string, what: string): T {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.(id);
  if (mod !== undefined && mod !== null) return mod as T;
  if (typeof require === "function") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id) as T;
  }
  throw new UnimplementedError(
    `${what} needs Node.js's ${id} module (Node.js 20.16 or later); it is not available here.`,
  );
}

const fsOf = (): typeof NodeFs =>
  builtin<typeof NodeFs>("node:fs", "Reading and writing TFRecord files");
const zlibOf = (): typeof NodeZlib =>
  builtin<typeof NodeZlib>("node:zlib", "TFRecord compression (ZLIB, GZIP)");

/** TF's `tf.io.TFRecordCompressionType`. */
export const TFRecordCompressionType = Object.freeze({ NONE: 0, ZLIB: 1, GZIP: 2 } as const);
export type TFRecordCompressionType =
  (typeof TFRecordCompressionType)[keyof typeof TFRecordCompressionType];
/** The string spellings TF accepts for a compression type (`""` is none). */
export type TFRecordCompressionName = "" | "ZLIB" | "GZIP";

const compressionKind = kind<TFRecordCompressionType | TFRecordCompressionName>(
  'a TFRecordCompressionType or "", "ZLIB", "GZIP"',
  (v) => v === 0 || v === 1 || v === 2 || v === "" || v === "ZLIB" || v === "GZIP",
);

const OPTIONS_P = defineParams("io.TFRecordOptions", [
  opt("compressionType", compressionKind),
  opt("flushMode", intKind),
  opt("inputBufferSize", intKind),
  opt("outputBufferSize", intKind),
  opt("windowBits", intKind),
  opt("compressionLevel", intKind),
  opt("compressionMethod", intKind),
  opt("memLevel", intKind),
  opt("compressionStrategy", intKind),
] as const);

/** zlib's Z_DEFLATED, the only method zlib has. */
const Z_DEFLATED = 8;
/** zlib's flush modes TF's options name; only Z_NO_FLUSH (TF's default) is honoured. */
const Z_NO_FLUSH = 0;
/** TF's RecordReader/RecordWriter default buffer (256 KiB). */
const DEFAULT_BUFFER = 256 * 1024;

/**
 * TF's `tf.io.TFRecordOptions`: compression of a TFRecord file and zlib's settings.
 * Unset settings take TF's defaults (`ZlibCompressionOptions`: window bits 15,
 * level -1 = 6, memory level 9, default strategy), so a file zlib-compressed here is
 * the bytes TF writes when it was not flushed midway.
 *
 * @example
 * ```ts
 * new TFRecordOptions("GZIP").compressionType; // ==> 2
 * TFRecordOptions.getCompressionTypeString(new TFRecordOptions({ compressionType: 1 })); // ==> ZLIB
 * ```
 */
export class TFRecordOptions {
  readonly compressionType: TFRecordCompressionType;
  readonly flushMode: number | null;
  readonly inputBufferSize: number | null;
  readonly outputBufferSize: number | null;
  readonly windowBits: number | null;
  readonly compressionLevel: number | null;
  readonly compressionMethod: number | null;
  readonly memLevel: number | null;
  readonly compressionStrategy: number | null;

  constructor(...args: CallArgs<typeof OPTIONS_P.params>) {
    const a = OPTIONS_P.parse(args);
    const ct = a.compressionType ?? 0;
    this.compressionType = typeof ct === "number" ? ct : ct === "ZLIB" ? 1 : ct === "GZIP" ? 2 : 0;
    this.flushMode = a.flushMode ?? null;
    this.inputBufferSize = a.inputBufferSize ?? null;
    this.outputBufferSize = a.outputBufferSize ?? null;
    this.windowBits = a.windowBits ?? null;
    this.compressionLevel = a.compressionLevel ?? null;
    this.compressionMethod = a.compressionMethod ?? null;
    this.memLevel = a.memLevel ?? null;
    this.compressionStrategy = a.compressionStrategy ?? null;
    if (this.flushMode !== null && this.flushMode !== Z_NO_FLUSH)
      throw new UnimplementedError(
        `TFRecordOptions: flushMode ${this.flushMode} is not supported (only Z_NO_FLUSH, 0)`,
      );
    if (this.compressionMethod !== null && this.compressionMethod !== Z_DEFLATED)
      throw new ValueError(
        `TFRecordOptions: compressionMethod must be Z_DEFLATED (8), got ${this.compressionMethod}`,
      );
    for (const [name, v] of [
      ["inputBufferSize", this.inputBufferSize],
      ["outputBufferSize", this.outputBufferSize],
    ] as const)
      if (v !== null && v <= 0)
        throw new ValueError(`TFRecordOptions: ${name} must be positive, got ${v}`);
  }

  /**
   * The compression as TF's string spelling: `""`, `"ZLIB"` or `"GZIP"`
   * (`TFRecordOptions.get_compression_type_string`).
   */
  static getCompressionTypeString(
    options: TFRecordOptions | TFRecordCompressionType | TFRecordCompressionName | null,
  ): TFRecordCompressionName {
    const t = asOptions(options).compressionType;
    return t === 1 ? "ZLIB" : t === 2 ? "GZIP" : "";
  }

  /** Node zlib settings for these options (TF's defaults where unset). */
  zlibOptions(): NodeZlib.ZlibOptions {
    return {
      windowBits: this.windowBits ?? 15,
      level: this.compressionLevel ?? -1,
      memLevel: this.memLevel ?? 9,
      strategy: this.compressionStrategy ?? 0,
    };
  }
}
declare(TFRecordOptions, OPTIONS_P);

const optionsKind = kind<TFRecordOptions | TFRecordCompressionType | TFRecordCompressionName>(
  'a TFRecordOptions, a TFRecordCompressionType or "", "ZLIB", "GZIP"',
  (v) => v instanceof TFRecordOptions || compressionKind.check(v),
);

function asOptions(
  o: TFRecordOptions | TFRecordCompressionType | TFRecordCompressionName | null | undefined,
): TFRecordOptions {
  if (o instanceof TFRecordOptions) return o;
  return new TFRecordOptions(o ?? null);
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errnoCode(e: unknown): string | undefined {
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

function openError(path: string, e: unknown): Error {
  const code = errnoCode(e);
  if (code === "ENOENT") return new NotFoundError(`${path}; No such file or directory`);
  return new NotFoundError(`${path}; ${describeError(e)}`);
}

const WRITER_P = defineParams("io.TFRecordWriter", [
  req("path", stringKind),
  opt("options", optionsKind),
] as const);
const WRITE_P = defineParams("TFRecordWriter.write", [
  req(
    "record",
    kind<Uint8Array | string>(
      "bytes (a Uint8Array) or a str",
      (v) => v instanceof Uint8Array || typeof v === "string",
    ),
  ),
] as const);
const NO_ARGS_FLUSH = defineParams("TFRecordWriter.flush", [] as const);
const NO_ARGS_CLOSE = defineParams("TFRecordWriter.close", [] as const);

const utf8 = new TextEncoder();

/**
 * TF's `tf.io.TFRecordWriter(path, options)`: writes records to a TFRecord file, created
 * or truncated when the writer is made. `flush()` makes what was written readable;
 * `close()` flushes and closes (also `using writer = new TFRecordWriter(…)`).
 *
 * Compressed files are one zlib/gzip stream of the whole file: this writer keeps the
 * uncompressed records and, at each `flush()`/`close()`, rewrites the file as the
 * compression of everything written so far.
 *
 * @example
 * ```ts
 * const w = new TFRecordWriter("data.tfrecord");
 * w.write(Uint8Array.of(1, 2, 3));
 * w.write("text");
 * w.close();
 * Array.from(tfRecordIterator("data.tfrecord"), (r) => r.length).join(","); // ==> 3,4
 * ```
 */
export class TFRecordWriter {
  readonly path: string;
  readonly options: TFRecordOptions;
  private fd: number | null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Everything written, for compressed files (rewritten whole at each flush). */
  private stream: Uint8Array[] = [];

  constructor(...args: CallArgs<typeof WRITER_P.params>) {
    const a = WRITER_P.parse(args);
    this.path = a.path;
    this.options = asOptions(a.options);
    if (this.options.compressionType !== 0) zlibOf(); // refuse before creating the file
    try {
      this.fd = fsOf().openSync(a.path, "w");
    } catch (e) {
      throw openError(a.path, e);
    }
  }

  /** Appends one record (a string is written as its UTF-8 bytes, as Python's `compat.as_bytes`). */
  write(...args: CallArgs<typeof WRITE_P.params>): void {
    const { record } = WRITE_P.parse(args);
    if (this.fd === null)
      throw new FailedPreconditionError("Writer not initialized or previously closed");
    const framed = encodeTFRecord(typeof record === "string" ? utf8.encode(record) : record);
    if (this.options.compressionType !== 0) {
      this.stream.push(framed);
      return;
    }
    this.pending.push(framed);
    this.pendingBytes += framed.length;
    if (this.pendingBytes >= (this.options.outputBufferSize ?? DEFAULT_BUFFER)) this.writePending();
  }

  /** Writes out what is buffered, so readers of the file see every record written so far. */
  flush(...args: CallArgs<typeof NO_ARGS_FLUSH.params>): void {
    NO_ARGS_FLUSH.parse(args);
    if (this.fd === null)
      throw new FailedPreconditionError("Writer not initialized or previously closed");
    if (this.options.compressionType === 0) this.writePending();
    else this.rewriteCompressed();
  }

  /** Flushes and closes the file; closing again does nothing. */
  close(...args: CallArgs<typeof NO_ARGS_CLOSE.params>): void {
    NO_ARGS_CLOSE.parse(args);
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      const fd = this.fd;
      this.fd = null;
      this.stream = [];
      fsOf().closeSync(fd);
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private writePending(): void {
    const fs = fsOf();
    for (const chunk of this.pending) {
      let done = 0;
      while (done < chunk.length)
        done += fs.writeSync(this.fd as number, chunk, done, chunk.length - done);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  private rewriteCompressed(): void {
    const zlib = zlibOf();
    const raw = concat(this.stream);
    const opts = this.options.zlibOptions();
    const bytes =
      this.options.compressionType === 2 ? zlib.gzipSync(raw, opts) : zlib.deflateSync(raw, opts);
    const fs = fsOf();
    const fd = this.fd as number;
    fs.ftruncateSync(fd, 0);
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, done);
  }
}
declare(TFRecordWriter, WRITER_P);
declare(TFRecordWriter.prototype.write, WRITE_P);
declare(TFRecordWriter.prototype.flush, NO_ARGS_FLUSH);
declare(TFRecordWriter.prototype.close, NO_ARGS_CLOSE);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function* iterateUncompressed(
  path: string,
  bufferSize: number,
): Generator<Uint8Array, void, undefined> {
  const fs = fsOf();
  let fd: number;
  try {
    fd = fs.openSync(path, "r");
  } catch (e) {
    throw openError(path, e);
  }
  try {
    const parser = new TFRecordParser(path);
    const chunk = new Uint8Array(bufferSize);
    let position = 0;
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) break;
      position += n;
      parser.push(chunk.subarray(0, n));
      for (let r = parser.next(); r !== undefined; r = parser.next()) yield r;
    }
    parser.finish();
  } finally {
    fs.closeSync(fd);
  }
}

function* iterateCompressed(
  path: string,
  options: TFRecordOptions,
): Generator<Uint8Array, void, undefined> {
  const zlib = zlibOf();
  let bytes: Uint8Array;
  try {
    bytes = fsOf().readFileSync(path);
  } catch (e) {
    throw openError(path, e);
  }
  let raw: Uint8Array;
  const windowBits = options.windowBits ?? 15;
  try {
    raw =
      options.compressionType === 2
        ? zlib.gunzipSync(bytes, { windowBits })
        : zlib.inflateSync(bytes, { windowBits });
  } catch (e) {
    const kind = TFRecordOptions.getCompressionTypeString(options);
    throw new DataLossError(`${path}: not a readable ${kind} stream (${describeError(e)})`);
  }
  yield* readTFRecords(raw, path);
}

/**
 * TF's `tf.io.tf_record_iterator(path, options)`: the records of a TFRecord file, in
 * order, as bytes. Each record's masked CRC32C (of its length and of its data) is
 * checked; a damaged or cut-off record is a `DataLossError` naming the file and the
 * record's byte offset (in the uncompressed stream).
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * writeFileSync("bad.tfrecord", Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 7, 0, 0, 0, 0));
 * [...tfRecordIterator("bad.tfrecord")]; // throws DataLossError: corrupted record at 0 in bad.tfrecord
 * ```
 */
export const tfRecordIterator = tfFunction(
  "io.tfRecordIterator",
  [req("path", stringKind), opt("options", optionsKind)] as const,
  (a): Generator<Uint8Array, void, undefined> => {
    const options = asOptions(a.options);
    if (options.compressionType !== 0) {
      zlibOf();
      return iterateCompressed(a.path, options);
    }
    return iterateUncompressed(a.path, options.inputBufferSize ?? DEFAULT_BUFFER);
  },
);
