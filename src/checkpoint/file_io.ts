/**
 * Checkpoint file I/O for Node: synchronous for the Saver's graph ops (`SaveV2` and
 * `RestoreV2` run inside the synchronous `Session.run`), the checkpoint utilities and the
 * CLI, asynchronous for `Saver.saveAsync`/`restoreAsync`. The byte layout comes from ./format; this module only moves bytes, makes writes
 * atomic (temporary file + rename, as TensorFlow's BundleWriter does) and mirrors
 * TensorFlow's checkpoint_management.py for the `checkpoint` state file.
 *
 * Node built-ins are reached through `process.getBuiltinModule` rather than static
 * imports, so that bundling scopeflow for a browser does not pull in `node:fs`; there,
 * local paths throw `UnimplementedError`. A path with a URI scheme (`ram://`,
 * `indexeddb://`, `https://`) goes to its registered file system (./file_systems.ts)
 * through the asynchronous functions; the synchronous ones refuse it.
 */
import type * as NodeFs from "node:fs";
import type * as NodePath from "node:path";
import { readV1Checkpoint } from "./format/v1.js";
import { NotFoundError, UnimplementedError, ValueError } from "../errors.js";
import {
  dataFileName,
  indexFileName,
  mergeBundleIndexes,
  planBundle,
  readBundle,
  type BundleEntryInfo,
  type BundlePlan,
  type BundleReader,
  type BundleTensorInput,
  type ReadBundleOptions,
} from "./format/bundle.js";
import {
  formatCheckpointState,
  parseCheckpointState,
  type CheckpointState,
} from "./format/checkpoint_state.js";
import {
  HOST_IS_LITTLE_ENDIAN,
  crc32c,
  crc32cExtend,
  unmaskCrc32c,
  useCrc32cAccelerator,
} from "./format/crc32c.js";
import { CheckpointFormatError, describeError } from "./format/errors.js";
import { FOOTER_LENGTH, hasTableMagic } from "./format/table.js";
import {
  fileSystemOf,
  uriBasename,
  uriDirname,
  uriJoin,
  uriRelative,
  type FileSystem,
} from "./file_systems.js";

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

function builtin<T>(id: string): T {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  const mod = proc?.getBuiltinModule?.(id);
  if (mod !== undefined && mod !== null) return mod as T;
  // CommonJS builds on Node < 20.16 still have require.
  if (typeof require === "function") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id) as T;
  }
  throw new UnimplementedError(
    `Checkpoint files need Node.js's ${id} module (Node.js 20.16 or later, or the CommonJS build); ` +
      `it is not available here.`,
  );
}

let fsModule: typeof NodeFs | undefined;
let pathModule: typeof NodePath | undefined;

/** `node:fs`, loaded on first use. */
export function nodeFs(): typeof NodeFs {
  fsModule ??= builtin<typeof NodeFs>("node:fs");
  return fsModule;
}

/** `node:path`, loaded on first use. */
export function nodePath(): typeof NodePath {
  pathModule ??= builtin<typeof NodePath>("node:path");
  return pathModule;
}

function errnoCode(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

let nativeCrc: Promise<void> | undefined;

/**
 * Starts loading the optional hardware CRC32C (@node-rs/crc32, several GB/s against
 * about 1-2 GB/s for the portable crc-32). Loading is asynchronous, so synchronous saves
 * made before it finishes simply use the portable implementation.
 *
 * @example
 * ```ts
 * await preloadNativeCrc32c(); // later saves checksum in hardware when available
 * ```
 */
export function preloadNativeCrc32c(): Promise<void> {
  nativeCrc ??= (async () => {
    try {
      // A computed specifier keeps bundlers from trying to inline the native addon.
      const specifier = ["@node-rs", "crc32"].join("/");
      const mod = (await import(specifier)) as { crc32c?: unknown; default?: { crc32c?: unknown } };
      const fn = mod.crc32c ?? mod.default?.crc32c;
      if (typeof fn === "function") {
        const native = fn as (input: Uint8Array, initial?: number) => number;
        useCrc32cAccelerator((crc, bytes) => native(bytes, crc) >>> 0);
      }
    } catch {
      // Optional dependency: the portable implementations stay in use.
    }
  })();
  return nativeCrc;
}

// ---------------------------------------------------------------------------
// One generator per file operation, two drivers
//
// Each operation below is written once, as a generator that yields the file steps it
// needs (open, write, read, close, rename) and receives their results; `runSync` performs
// the steps with `fs.*Sync` (for the kernels inside the synchronous `Session.run`) and
// `runAsync` with `fs.promises`. Errors of a step are thrown back into the generator at
// its `yield`, so cleanup (`finally`, `catch`) is written once too.

/**
 * An open file: a descriptor for the sync driver, a `FileHandle` for the async one, and
 * for a registered file system (whole-file operations) the bytes read or being written.
 */
type Handle = number | NodeFs.promises.FileHandle | VirtualHandle;

interface VirtualHandle {
  file: string;
  /** Read: the whole file. */
  data?: Uint8Array;
  /** Write: copies of the chunks written, stored at close. */
  chunks?: Uint8Array[];
}

type Step =
  | { op: "open"; file: string; flags: "r" | "wx" }
  /**
   * Writes all of `bytes`; `alongside` (a chunk's checksum) runs while the async driver's
   * write is in flight, or just before the sync driver's (the chunk is then still in cache
   * for the kernel's copy).
   */
  | { op: "write"; handle: Handle; bytes: Uint8Array; alongside?: () => void }
  /** Reads into `bytes` from `position` until full or end of file; yields the count. */
  | { op: "read"; handle: Handle; bytes: Uint8Array; position: number }
  | { op: "size"; handle: Handle }
  | { op: "close"; handle: Handle }
  | { op: "rename"; from: string; to: string }
  | { op: "readFile"; file: string }
  /** Deletes a file if it exists, ignoring failures (cleanup after a failed save). */
  | { op: "removeQuietly"; file: string }
  /** Creates the checkpoint's directory as {@link ensureCheckpointDir} does. */
  | { op: "ensureDir"; prefix: string };

type Steps<R> = Generator<Step, R, unknown>;

function* openFile(file: string, flags: "r" | "wx"): Steps<Handle> {
  return (yield { op: "open", file, flags }) as Handle;
}
function* write(handle: Handle, bytes: Uint8Array, alongside?: () => void): Steps<void> {
  yield { op: "write", handle, bytes, alongside };
}
function* read(handle: Handle, bytes: Uint8Array, position: number): Steps<number> {
  return (yield { op: "read", handle, bytes, position }) as number;
}
function* fileSize(handle: Handle): Steps<number> {
  return (yield { op: "size", handle }) as number;
}
function* close(handle: Handle): Steps<void> {
  yield { op: "close", handle };
}
function* rename(from: string, to: string): Steps<void> {
  yield { op: "rename", from, to };
}
function* readFile(file: string): Steps<Uint8Array> {
  return (yield { op: "readFile", file }) as Uint8Array;
}

function* removeFileQuietly(file: string): Steps<void> {
  yield { op: "removeQuietly", file };
}

function asBytes(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function stepSync(step: Step): unknown {
  const fs = nodeFs();
  switch (step.op) {
    case "open":
      return fs.openSync(step.file, step.flags);
    case "write": {
      const { bytes } = step;
      step.alongside?.();
      let done = 0;
      const fd = step.handle as number;
      while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
      return undefined;
    }
    case "read": {
      const { bytes } = step;
      let done = 0;
      while (done < bytes.length) {
        const n = fs.readSync(
          step.handle as number,
          bytes,
          done,
          bytes.length - done,
          step.position + done,
        );
        if (n === 0) break;
        done += n;
      }
      return done;
    }
    case "size":
      return fs.fstatSync(step.handle as number).size;
    case "close":
      return fs.closeSync(step.handle as number);
    case "rename":
      return fs.renameSync(step.from, step.to);
    case "readFile":
      return asBytes(fs.readFileSync(step.file));
    case "removeQuietly":
      return removeQuietly(step.file);
    case "ensureDir":
      return ensureCheckpointDir(step.prefix);
  }
}

async function stepAsync(step: Step): Promise<unknown> {
  const fsp = nodeFs().promises;
  switch (step.op) {
    case "open":
      return fsp.open(step.file, step.flags);
    case "write": {
      const h = step.handle as NodeFs.promises.FileHandle;
      const { bytes } = step;
      const writing = (async () => {
        let done = 0;
        while (done < bytes.length) {
          done += (await h.write(bytes, done, bytes.length - done)).bytesWritten;
        }
      })();
      try {
        step.alongside?.();
      } finally {
        await writing;
      }
      return undefined;
    }
    case "read": {
      const h = step.handle as NodeFs.promises.FileHandle;
      const { bytes } = step;
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await h.read(bytes, done, bytes.length - done, step.position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done;
    }
    case "size":
      return (await (step.handle as NodeFs.promises.FileHandle).stat()).size;
    case "close":
      return (step.handle as NodeFs.promises.FileHandle).close();
    case "rename":
      return fsp.rename(step.from, step.to);
    case "readFile":
      return asBytes(await fsp.readFile(step.file));
    case "removeQuietly":
      return removeQuietly(step.file);
    case "ensureDir":
      return ensureCheckpointDir(step.prefix);
  }
}

/** The steps on a registered file system, which reads and writes whole files. */
async function stepVirtual(fs: FileSystem, step: Step): Promise<unknown> {
  switch (step.op) {
    case "open":
      if (step.flags === "r") return { file: step.file, data: await fs.readFile(step.file) };
      if (await fs.exists(step.file)) {
        throw Object.assign(new Error(`EEXIST: file already exists, open '${step.file}'`), {
          code: "EEXIST",
        });
      }
      return { file: step.file, chunks: [] };
    case "write": {
      step.alongside?.();
      // The caller reuses its batch buffer.
      (step.handle as VirtualHandle).chunks?.push(step.bytes.slice());
      return undefined;
    }
    case "read": {
      const data = (step.handle as VirtualHandle).data ?? new Uint8Array(0);
      const piece = data.subarray(step.position, step.position + step.bytes.length);
      step.bytes.set(piece);
      return piece.length;
    }
    case "size":
      return (step.handle as VirtualHandle).data?.length ?? 0;
    case "close": {
      const h = step.handle as VirtualHandle;
      if (h.chunks === undefined) return undefined;
      const total = h.chunks.reduce((n, c) => n + c.length, 0);
      const bytes = new Uint8Array(total);
      let at = 0;
      for (const c of h.chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      h.chunks = [];
      return fs.writeFile(h.file, bytes);
    }
    case "rename":
      return fs.rename(step.from, step.to);
    case "readFile":
      return fs.readFile(step.file);
    case "removeQuietly":
      try {
        await fs.remove(step.file);
      } catch {
        // Nothing to clean up, or nothing we can do.
      }
      return undefined;
    case "ensureDir":
      // Directories are implicit in a registered file system.
      return undefined;
  }
}

function runSync<R>(steps: Steps<R>, path: string): R {
  refuseUriSync(path);
  let next = steps.next();
  while (next.done !== true) {
    let result: unknown;
    try {
      result = stepSync(next.value);
    } catch (e) {
      next = steps.throw(e);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}

/**
 * Runs the steps with `fs.promises`, or on the registered file system of `path` when it
 * has a URI scheme (`ram://`, `indexeddb://`, `https://`).
 */
async function runAsync<R>(steps: Steps<R>, path: string): Promise<R> {
  const fs = fileSystemOf(path);
  const perform = fs === null ? stepAsync : (step: Step) => stepVirtual(fs, step);
  let next = steps.next();
  while (next.done !== true) {
    let result: unknown;
    try {
      result = await perform(next.value);
    } catch (e) {
      next = steps.throw(e);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}

/**
 * Registered file systems are asynchronous, so the synchronous calls (`Saver.save`,
 * `Saver.restore`, the checkpoint utilities) cannot reach them.
 */
export function refuseUriSync(path: string): void {
  if (fileSystemOf(path) !== null) {
    throw new UnimplementedError(
      `${path}: a path with a URI scheme is read and written asynchronously: use Saver.saveAsync and Saver.restoreAsync.`,
    );
  }
}

// ---------------------------------------------------------------------------
// Writing a bundle

/** What {@link writeBundleSync} wrote. */
export interface WrittenCheckpoint {
  indexFile: string;
  dataFile: string;
  /** Bytes of tensor data. */
  dataSize: number;
}

/** TensorFlow's BundleWriter temp names: `<final name>.tempstate<random decimal>`. */
function tempName(finalName: string): string {
  const r = new BigUint64Array(1);
  globalThis.crypto.getRandomValues(r);
  return `${finalName}.tempstate${r[0]}`;
}

/** Small tensors are batched into one write; large ones are checksummed and written in chunks. */
const SMALL_TENSOR = 256 << 10;
/** Checksumming a chunk as it is written keeps it in cache for the kernel's copy. */
const CHUNK = 4 << 20;

/**
 * Creates the checkpoint's directory if only its last component is missing, as
 * TensorFlow's BundleWriter does (`Env::CreateDir`, not recursive); a deeper missing
 * path is a `NotFoundError`, which `Saver.save` reports as TensorFlow does.
 */
export function ensureCheckpointDir(prefix: string): void {
  const fs = nodeFs();
  const dir = nodePath().dirname(prefix);
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "EEXIST") return;
    if (code === "ENOENT") {
      throw new NotFoundError(`Failed to create a directory: ${dir}; No such file or directory`);
    }
    throw new NotFoundError(`Failed to create a directory: ${dir}; ${describeError(e)}`);
  }
}

function* openForWrite(file: string): Steps<Handle> {
  try {
    return yield* openFile(file, "wx");
  } catch (e) {
    throw new NotFoundError(`Failed to create a NewWriteableFile: ${file} : ${describeError(e)}`);
  }
}

function removeQuietly(file: string): void {
  try {
    nodeFs().rmSync(file, { force: true });
  } catch {
    // Nothing to clean up, or nothing we can do.
  }
}

/** The tensor data: small tensors batched, large ones in checksummed chunks; yields their CRCs. */
function* writeData(handle: Handle, tensors: BundlePlan["tensors"]): Steps<number[]> {
  const crcs: number[] = [];
  const batch = new Uint8Array(2 * SMALL_TENSOR);
  let used = 0;
  for (const t of tensors) {
    const bytes = t.bytes;
    if (bytes.length < SMALL_TENSOR) {
      if (used + bytes.length > batch.length) {
        yield* write(handle, batch.subarray(0, used));
        used = 0;
      }
      batch.set(bytes, used);
      used += bytes.length;
      crcs.push(t.fixedCrc32c ?? crc32c(bytes));
      continue;
    }
    if (used > 0) yield* write(handle, batch.subarray(0, used));
    used = 0;
    let crc = 0;
    for (let off = 0; off < bytes.length; off += CHUNK) {
      const piece = bytes.subarray(off, Math.min(off + CHUNK, bytes.length));
      yield* write(
        handle,
        piece,
        t.fixedCrc32c === undefined ? () => (crc = crc32cExtend(crc, piece)) : undefined,
      );
    }
    crcs.push(t.fixedCrc32c ?? crc);
  }
  if (used > 0) yield* write(handle, batch.subarray(0, used));
  return crcs;
}

/**
 * Data and index go to temporary files that are renamed into place, data first and index
 * last, so a process killed mid-save never leaves a half-written file under a final name
 * and never touches an earlier checkpoint.
 */
function* writeBundleSteps(
  prefix: string,
  entries: readonly BundleTensorInput[],
): Steps<WrittenCheckpoint> {
  const plan = planBundle(entries); // validate before touching the disk
  yield { op: "ensureDir", prefix };
  const indexFile = indexFileName(prefix);
  const dataFile = dataFileName(prefix, 0, 1);
  const dataTemp = tempName(dataFile);
  const indexTemp = tempName(indexFile);
  try {
    const data = yield* openForWrite(dataTemp);
    let crcs: number[];
    try {
      crcs = yield* writeData(data, plan.tensors);
    } finally {
      yield* close(data);
    }
    const index = plan.buildIndex(crcs);
    const ih = yield* openForWrite(indexTemp);
    try {
      yield* write(ih, index);
    } finally {
      yield* close(ih);
    }
    yield* rename(dataTemp, dataFile);
    yield* rename(indexTemp, indexFile);
    return { indexFile, dataFile, dataSize: plan.dataSize };
  } catch (e) {
    yield* removeFileQuietly(dataTemp);
    yield* removeFileQuietly(indexTemp);
    throw e;
  }
}

/**
 * Writes a single-shard V2 checkpoint synchronously: data and index go to temporary
 * files that are renamed into place, data first and index last, so a process killed
 * mid-save never leaves a half-written file under a final name and never touches an
 * earlier checkpoint. Byte layout as {@link planBundle} (TensorFlow's BundleWriter).
 *
 * @example
 * ```ts
 * const written = writeBundleSync("run/model.ckpt-100", [
 *   { name: "w", dtype: "float32", shape: [2], values: new Float32Array([1, 2]) },
 * ]);
 * written.indexFile; // ==> run/model.ckpt-100.index
 * written.dataSize; // ==> 8
 * ```
 */
export function writeBundleSync(
  prefix: string,
  entries: readonly BundleTensorInput[],
): WrittenCheckpoint {
  return runSync(writeBundleSteps(prefix, entries), prefix);
}

/**
 * {@link writeBundleSync} with asynchronous writes: each chunk's CRC32C is computed while
 * the kernel copies the same chunk on libuv's thread pool, so checksumming hides behind
 * the write. Same temporary files, renames and errors.
 *
 * @example
 * ```ts
 * const entries = [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }] as const;
 * (await writeBundleAsync("run/model.ckpt-100", entries)).dataFile; // ==> run/model.ckpt-100.data-00000-of-00001
 * ```
 */
export function writeBundleAsync(
  prefix: string,
  entries: readonly BundleTensorInput[],
): Promise<WrittenCheckpoint> {
  return runAsync(writeBundleSteps(prefix, entries), prefix);
}

// ---------------------------------------------------------------------------
// Reading a bundle

function stripIndexSuffix(prefix: string): string {
  return prefix.endsWith(".index") ? prefix.slice(0, -".index".length) : prefix;
}

/** The last `n` bytes of a file, or undefined when it cannot be read as a file. */
function* readTail(file: string, n: number): Steps<Uint8Array | undefined> {
  let handle: Handle;
  try {
    handle = yield* openFile(file, "r");
  } catch {
    return undefined;
  }
  try {
    const size = yield* fileSize(handle);
    const len = Math.min(n, size);
    const buf = new Uint8Array(len);
    yield* read(handle, buf, size - len);
    return buf;
  } catch {
    return undefined; // e.g. a directory
  } finally {
    yield* close(handle);
  }
}

/** Options of {@link openBundleSync} and {@link openBundleAsync}. */
export type OpenBundleOptions = Omit<ReadBundleOptions, "prefix"> & {
  /**
   * Read no data file now (`openBundleSync` never does); a tensor read through the reader
   * then reads its shard synchronously.
   */
  indexOnly?: boolean;
};

/**
 * The index is read now; data shards are read now when `eager`, else (and after a failed
 * eager read) synchronously the first time one of their tensors is.
 */
function* openBundleSteps(
  prefix: string,
  options: OpenBundleOptions,
  eager: boolean,
): Steps<BundleReader> {
  const base = stripIndexSuffix(prefix);
  const indexFile = indexFileName(base);
  let indexBytes: Uint8Array;
  try {
    indexBytes = yield* readFile(indexFile);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") {
      // No `.index`: TF's RestoreV2 falls back to a V1 checkpoint, a table named by the prefix.
      const tail = yield* readTail(base, FOOTER_LENGTH);
      if (tail !== undefined && hasTableMagic(tail)) {
        return readV1Checkpoint(yield* readFile(base), {
          onWarning: options.onWarning,
          prefix: base,
        });
      }
      throw new CheckpointFormatError(
        "not-found",
        `Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${base}`,
        { file: indexFile },
      );
    }
    throw new CheckpointFormatError("not-found", `cannot read ${indexFile}: ${describeError(e)}`, {
      file: indexFile,
      cause: e,
    });
  }
  const shards = new Map<number, Uint8Array | Error>();
  const reader = readBundle(
    indexBytes,
    (shardId, numShards) => {
      const got = shards.get(shardId);
      if (got instanceof Error) throw got;
      if (got !== undefined) return got;
      refuseUriSync(base);
      return asBytes(nodeFs().readFileSync(dataFileName(base, shardId, numShards)));
    },
    { onWarning: options.onWarning, prefix: base },
  );
  if (!eager) return reader;
  const numShards = reader.header.numShards;
  for (let id = 0; id < numShards; id++) {
    try {
      shards.set(id, yield* readFile(dataFileName(base, id, numShards)));
    } catch (e) {
      shards.set(id, e instanceof Error ? e : new Error(describeError(e)));
    }
  }
  return reader;
}

/**
 * Opens a V2 checkpoint synchronously. The index is read now (every block CRC
 * verified); each data shard is read the first time one of its tensors is, and every
 * tensor's CRC32C is checked when it is read. A prefix with no `.index` that names a
 * legacy V1 checkpoint file is read from it, as TF 1.15's `RestoreV2` falls back to V1
 * (its slices assembled into whole tensors). `prefix` may carry its `.index` suffix.
 *
 * @example
 * ```ts
 * writeBundleSync("run/model.ckpt-100", [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }]);
 * const reader = openBundleSync("run/model.ckpt-100");
 * reader.getTensor("w").values; // ==> 1,2
 * ```
 */
export function openBundleSync(prefix: string, options: OpenBundleOptions = {}): BundleReader {
  return runSync(openBundleSteps(prefix, options, false), prefix);
}

/**
 * {@link openBundleSync} with the files read asynchronously (all data shards up front,
 * unless `indexOnly`).
 *
 * @example
 * ```ts
 * await writeBundleAsync("model.ckpt", [{ name: "w", dtype: "int32", shape: [], values: [7] }]);
 * const reader = await openBundleAsync("model.ckpt");
 * reader.getTensor("w").values; // ==> 7
 * ```
 */
export function openBundleAsync(
  prefix: string,
  options: OpenBundleOptions = {},
): Promise<BundleReader> {
  return runAsync(openBundleSteps(prefix, options, options.indexOnly !== true), prefix);
}

/** Numeric values read straight from a data file. */
export type DirectValues = Float32Array | Int32Array | Uint8Array;

const DIRECT_SIZES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

interface DirectPlan {
  key: string;
  info: BundleEntryInfo;
  file: string;
}

/**
 * Which of `keys` can be read straight into their final typed arrays: float32, int32
 * and bool tensors of a little-endian file on a little-endian host.
 */
function planDirect(reader: BundleReader, keys: readonly string[]): DirectPlan[] {
  if (!HOST_IS_LITTLE_ENDIAN || reader.header.endianness === 1 || reader.inMemory) return [];
  const infos = new Map(reader.listEntries().map((e) => [e.name, e]));
  const plans: DirectPlan[] = [];
  for (const key of keys) {
    const info = infos.get(key);
    if (info === undefined || info.partitioned || info.dtype === null) continue;
    const size = DIRECT_SIZES[info.dtype];
    if (size === undefined) continue;
    if (info.size !== info.shape.reduce((a, b) => a * b, 1) * size) continue;
    const file = dataFileName(reader.prefix, info.shardId, reader.header.numShards);
    plans.push({ key, info, file });
  }
  return plans;
}

function allocate(info: BundleEntryInfo): { values: DirectValues; bytes: Uint8Array } {
  const n = info.shape.reduce((a, b) => a * b, 1);
  const values =
    info.dtype === "float32"
      ? new Float32Array(n)
      : info.dtype === "int32"
        ? new Int32Array(n)
        : new Uint8Array(n);
  return { values, bytes: new Uint8Array(values.buffer, 0, info.size) };
}

function* readTensorsDirectSteps(
  reader: BundleReader,
  keys: readonly string[],
): Steps<Map<string, DirectValues>> {
  const out = new Map<string, DirectValues>();
  const handles = new Map<string, Handle>();
  try {
    for (const p of planDirect(reader, keys)) {
      let handle = handles.get(p.file);
      if (handle === undefined) {
        try {
          handle = yield* openFile(p.file, "r");
        } catch {
          continue;
        }
        handles.set(p.file, handle);
      }
      const { values, bytes } = allocate(p.info);
      const got = yield* read(handle, bytes, p.info.offset);
      if (got === bytes.length && crc32c(bytes) === unmaskCrc32c(p.info.crc32c)) {
        out.set(p.key, values);
      }
    }
  } finally {
    for (const handle of handles.values()) yield* close(handle);
  }
  return out;
}

/**
 * Reads numeric tensors with one `read` each, straight from the data file into the typed
 * arrays they end up in, verifying each CRC32C: a restore then copies the bytes once
 * instead of reading the whole file into memory and copying every tensor out of it.
 * Keys that cannot be read this way (other dtypes, a short read, a bad checksum) are
 * left out, so the caller reads them through the `BundleReader`, which raises the
 * canonical error naming file and key.
 *
 * @example
 * ```ts
 * writeBundleSync("model.ckpt", [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }]);
 * const values = readTensorsDirectSync(openBundleSync("model.ckpt", { indexOnly: true }), ["w"]);
 * values.get("w"); // ==> 1,2
 * ```
 */
export function readTensorsDirectSync(
  reader: BundleReader,
  keys: readonly string[],
): Map<string, DirectValues> {
  return runSync(readTensorsDirectSteps(reader, keys), reader.prefix);
}

/**
 * {@link readTensorsDirectSync} with asynchronous reads.
 *
 * @example
 * ```ts
 * writeBundleSync("model.ckpt", [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }]);
 * const reader = await openBundleAsync("model.ckpt", { indexOnly: true });
 * (await readTensorsDirectAsync(reader, ["w"])).get("w"); // ==> 1,2
 * ```
 */
export function readTensorsDirectAsync(
  reader: BundleReader,
  keys: readonly string[],
): Promise<Map<string, DirectValues>> {
  return runAsync(readTensorsDirectSteps(reader, keys), reader.prefix);
}

/**
 * Whether a checkpoint exists at `prefix` (TensorFlow's `checkpoint_exists`): a V2
 * `prefix.index` file, or a V1 file named `prefix`.
 *
 * @example
 * ```ts
 * checkpointExistsSync("model.ckpt"); // ==> false
 * writeBundleSync("model.ckpt", [{ name: "w", dtype: "float32", shape: [], values: [1] }]);
 * checkpointExistsSync("model.ckpt"); // ==> true
 * ```
 */
export function checkpointExistsSync(prefix: string): boolean {
  refuseUriSync(prefix);
  const fs = nodeFs();
  const isFile = (f: string) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  return isFile(indexFileName(prefix)) || isFile(prefix);
}

/**
 * Whether `p` is an existing directory.
 *
 * @example
 * ```ts
 * isDirectorySync("."); // ==> true
 * isDirectorySync("missing"); // ==> false
 * ```
 */
export function isDirectorySync(p: string): boolean {
  try {
    return nodeFs().statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Deletes a checkpoint's files (`prefix.index`, every `prefix.data-*-of-*`, and
 * `prefix.<metaSuffix>`), as TensorFlow's `remove_checkpoint` does; files that do not
 * exist are skipped and failures are reported through `onWarning`, never thrown.
 *
 * @example
 * ```ts
 * writeBundleSync("model.ckpt", [{ name: "w", dtype: "float32", shape: [], values: [1] }]);
 * removeCheckpointSync("model.ckpt");
 * checkpointExistsSync("model.ckpt"); // ==> false
 * ```
 */
export function removeCheckpointSync(
  prefix: string,
  metaSuffix = "meta",
  onWarning: (message: string) => void = (m) => console.warn(m),
): void {
  refuseUriSync(prefix);
  const fs = nodeFs();
  const path = nodePath();
  const dir = path.dirname(prefix);
  const base = path.basename(prefix);
  const dataPattern = /^\.data-\d{5}-of-\d{5}$/;
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    onWarning(`Ignoring: ${describeError(e)}`);
  }
  const doomed = names.filter(
    (n) =>
      n.startsWith(base) &&
      (n === `${base}.index` ||
        n === `${base}.${metaSuffix}` ||
        dataPattern.test(n.slice(base.length))),
  );
  for (const n of doomed) {
    try {
      fs.unlinkSync(path.join(dir, n));
    } catch (e) {
      if (errnoCode(e) !== "ENOENT") onWarning(`Ignoring: ${describeError(e)}`);
    }
  }
}

/**
 * TensorFlow's `MergeBundles` with files (op `MergeV2Checkpoints`): merges the bundles at
 * `prefixes` into one at `mergedPrefix` — their data files renamed to the merged names,
 * one index written atomically, the inputs' index files deleted — and, with
 * `deleteOldDirs`, removes each input's directory when it is now empty and not the merged
 * bundle's own (a sharded save's `<prefix>_temp_<uuid>/`).
 *
 * @example
 * ```ts
 * import { mkdirSync } from "node:fs";
 * mkdirSync("run");
 * writeBundleSync("run/model_temp_1/part-00000-of-00001", [{ name: "w", dtype: "float32", shape: [], values: [3] }]);
 * mergeBundlesSync(["run/model_temp_1/part-00000-of-00001"], "run/model", true);
 * openBundleSync("run/model").getTensor("w").values; // ==> 3
 * isDirectorySync("run/model_temp_1"); // ==> false
 * ```
 */
export function mergeBundlesSync(
  prefixes: readonly string[],
  mergedPrefix: string,
  deleteOldDirs: boolean,
): void {
  refuseUriSync(mergedPrefix);
  const fs = nodeFs();
  const path = nodePath();
  try {
    // TF's Env::CreateDir, errors ignored: a missing parent fails at the index write.
    fs.mkdirSync(path.dirname(mergedPrefix));
  } catch {
    // Exists already, or the write below reports why it cannot be made.
  }
  const inputs = prefixes.map((prefix) => {
    refuseUriSync(prefix);
    const file = indexFileName(prefix);
    try {
      return { prefix, index: asBytes(fs.readFileSync(file)) };
    } catch (e) {
      throw new CheckpointFormatError(
        "not-found",
        errnoCode(e) === "ENOENT" ? `${file}; No such file or directory` : describeError(e),
        { file, cause: e },
      );
    }
  });
  const merged = mergeBundleIndexes(inputs, mergedPrefix);
  for (const { from, to } of merged.renames) {
    try {
      fs.renameSync(from, to);
    } catch (e) {
      throw new CheckpointFormatError(
        "not-found",
        errnoCode(e) === "ENOENT" ? `${from}; No such file or directory` : describeError(e),
        { file: from, cause: e },
      );
    }
  }
  const indexFile = indexFileName(mergedPrefix);
  const temp = tempName(indexFile);
  try {
    fs.writeFileSync(temp, merged.index, { flag: "wx" });
    fs.renameSync(temp, indexFile);
  } catch (e) {
    removeQuietly(temp);
    throw new NotFoundError(
      `Failed to create a NewWriteableFile: ${indexFile} : ${describeError(e)}`,
    );
  }
  // Best effort, as TF: the inputs' index files, then their (now empty) directories.
  for (const prefix of prefixes) removeQuietly(indexFileName(prefix));
  if (!deleteOldDirs) return;
  const mergedDir = path.dirname(mergedPrefix);
  for (const prefix of prefixes) {
    const dir = path.dirname(prefix);
    if (dir === mergedDir) continue;
    try {
      fs.rmdirSync(dir);
    } catch {
      // Already removed by an earlier shard's prefix, or not empty: TF only logs this.
    }
  }
}

// ---------------------------------------------------------------------------
// The `checkpoint` state file

/**
 * Reads `dir/<latestFilename>` as TensorFlow's `get_checkpoint_state` does: `null` when
 * the file does not exist or cannot be parsed (with a warning), relative paths joined
 * onto `dir`, and a `ValueError` when it names no checkpoint.
 *
 * @example
 * ```ts
 * import { mkdirSync } from "node:fs";
 * mkdirSync("run");
 * updateCheckpointStateSync("run", "run/model.ckpt-200", ["run/model.ckpt-100", "run/model.ckpt-200"]);
 * readCheckpointStateSync("run")?.modelCheckpointPath; // ==> run/model.ckpt-200
 * ```
 */
export function readCheckpointStateSync(
  dir: string,
  latestFilename = "checkpoint",
  onWarning: (message: string) => void = (m) => console.warn(m),
): CheckpointState | null {
  refuseUriSync(dir);
  const fs = nodeFs();
  const path = nodePath();
  const file = path.join(dir, latestFilename);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if (errnoCode(e) !== "ENOENT") {
      onWarning(`${describeError(e)}\n${file}: Checkpoint ignored`);
    }
    return null;
  }
  return resolveCheckpointState(text, dir, file, path, onWarning);
}

/** Parses a state file's text and joins its relative paths onto `dir`. */
function resolveCheckpointState(
  text: string,
  dir: string,
  file: string,
  path: PathOps,
  onWarning: (message: string) => void,
): CheckpointState | null {
  let state: CheckpointState;
  try {
    state = parseCheckpointState(text, file);
  } catch (e) {
    onWarning(`ParseError: ${describeError(e)}\n${file}: Checkpoint ignored`);
    return null;
  }
  if (state.modelCheckpointPath === "") {
    throw new ValueError(`Invalid checkpoint state loaded from ${dir}`);
  }
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.join(dir, p));
  return {
    ...state,
    modelCheckpointPath: resolve(state.modelCheckpointPath),
    allModelCheckpointPaths: state.allModelCheckpointPaths.map(resolve),
  };
}

/** The parts of `node:path` the state file needs; URI paths get POSIX relative rules. */
interface PathOps {
  isAbsolute(p: string): boolean;
  relative(from: string, to: string): string;
  join(a: string, b: string): string;
}

const URI_PATH: PathOps = {
  isAbsolute: () => false,
  relative: uriRelative,
  join: uriJoin,
};

/** `generate_checkpoint_state_proto` and the file it goes to. */
function checkpointStateFile(
  saveDir: string,
  modelCheckpointPath: string,
  allModelCheckpointPaths: readonly string[],
  options: UpdateCheckpointStateOptions,
  path: PathOps,
): { file: string; text: string } {
  const file = path.join(saveDir, options.latestFilename ?? "checkpoint");
  // Python's os.path.relpath treats "" as the current directory, as path.relative does.
  const rel = (p: string) => path.relative(saveDir, p);
  let model = modelCheckpointPath;
  let all = [...allModelCheckpointPaths];
  if (options.saveRelativePaths === true) {
    model = path.isAbsolute(model) ? rel(model) : model;
    all = all.map((p) => (path.isAbsolute(p) ? rel(p) : p));
  }
  if (all.length === 0 || all[all.length - 1] !== model) all.push(model);
  if (!path.isAbsolute(saveDir)) {
    if (!path.isAbsolute(model)) model = rel(model);
    all = all.map((p) => (path.isAbsolute(p) ? p : rel(p)));
  }
  if (file === model) {
    throw new Error(
      `Save path '${modelCheckpointPath}' conflicts with path used for checkpoint state.  Please use a different save path.`,
    );
  }
  const text = formatCheckpointState({
    modelCheckpointPath: model,
    allModelCheckpointPaths: all,
    allModelCheckpointTimestamps: [],
    lastPreservedTimestamp: 0,
  });
  return { file, text };
}

/**
 * {@link updateCheckpointStateSync} for a directory with a URI scheme (`ram://run`), on
 * its registered file system: written to a temporary file, then renamed into place.
 * Paths with a scheme are relative paths to TensorFlow (Python's `os.path`), so the
 * state file records them relative to `saveDir`.
 *
 * @example
 * ```ts
 * await updateCheckpointStateAsync("ram://st", "ram://st/model-2", ["ram://st/model-1"]);
 * new TextDecoder().decode(await tf.io.getFileSystem("ram://st").readFile("ram://st/checkpoint"));
 * // ==> model_checkpoint_path: "model-2"
 * //     all_model_checkpoint_paths: "model-1"
 * //     all_model_checkpoint_paths: "model-2"
 * //
 * ```
 */
export async function updateCheckpointStateAsync(
  saveDir: string,
  modelCheckpointPath: string,
  allModelCheckpointPaths: readonly string[],
  options: UpdateCheckpointStateOptions = {},
): Promise<void> {
  const fs = fileSystemOf(saveDir);
  if (fs === null) {
    updateCheckpointStateSync(saveDir, modelCheckpointPath, allModelCheckpointPaths, options);
    return;
  }
  const { file, text } = checkpointStateFile(
    saveDir,
    modelCheckpointPath,
    allModelCheckpointPaths,
    options,
    URI_PATH,
  );
  const temp = `${file}.tmp${randomHex()}`;
  try {
    await fs.writeFile(temp, new TextEncoder().encode(text));
    await fs.rename(temp, file);
  } catch (e) {
    await fs.remove(temp).catch(() => undefined);
    throw e;
  }
}

/**
 * {@link readCheckpointStateSync} for any path: a directory with a URI scheme is read
 * from its registered file system.
 *
 * @example
 * ```ts
 * await updateCheckpointStateAsync("ram://rs", "ram://rs/model-7", []);
 * (await readCheckpointStateAsync("ram://rs"))?.modelCheckpointPath; // ==> ram://rs/model-7
 * ```
 */
export async function readCheckpointStateAsync(
  dir: string,
  latestFilename = "checkpoint",
  onWarning: (message: string) => void = (m) => console.warn(m),
): Promise<CheckpointState | null> {
  const fs = fileSystemOf(dir);
  if (fs === null) return readCheckpointStateSync(dir, latestFilename, onWarning);
  const file = uriJoin(dir, latestFilename);
  let text: string;
  try {
    text = new TextDecoder().decode(await fs.readFile(file));
  } catch (e) {
    if (errnoCode(e) !== "ENOENT") onWarning(`${describeError(e)}\n${file}: Checkpoint ignored`);
    return null;
  }
  return resolveCheckpointState(text, dir, file, URI_PATH, onWarning);
}

/**
 * Whether a checkpoint exists at `prefix`, on its registered file system when it has a
 * URI scheme (the index file, fetched with `HEAD` over HTTP).
 *
 * @example
 * ```ts
 * await checkpointExistsAsync("ram://nothing/model.ckpt"); // ==> false
 * ```
 */
export async function checkpointExistsAsync(prefix: string): Promise<boolean> {
  const fs = fileSystemOf(prefix);
  if (fs === null) return checkpointExistsSync(prefix);
  return fs.exists(indexFileName(prefix));
}

/**
 * {@link removeCheckpointSync} for any path: with a URI scheme, the files are listed and
 * deleted on its registered file system.
 *
 * @example
 * ```ts
 * await writeBundleAsync("ram://rm/model", [{ name: "w", dtype: "float32", shape: [], values: [1] }]);
 * await removeCheckpointAsync("ram://rm/model");
 * await checkpointExistsAsync("ram://rm/model"); // ==> false
 * ```
 */
export async function removeCheckpointAsync(
  prefix: string,
  metaSuffix = "meta",
  onWarning: (message: string) => void = (m) => console.warn(m),
): Promise<void> {
  const fs = fileSystemOf(prefix);
  if (fs === null) {
    removeCheckpointSync(prefix, metaSuffix, onWarning);
    return;
  }
  const dir = uriDirname(prefix);
  const base = uriBasename(prefix);
  let names: string[] = [];
  try {
    names = await fs.list(dir);
  } catch (e) {
    onWarning(`Ignoring: ${describeError(e)}`);
  }
  for (const n of names.filter((n) => isCheckpointFile(n, base, metaSuffix))) {
    try {
      await fs.remove(uriJoin(dir, n));
    } catch (e) {
      onWarning(`Ignoring: ${describeError(e)}`);
    }
  }
}

function isCheckpointFile(name: string, base: string, metaSuffix: string): boolean {
  return (
    name.startsWith(base) &&
    (name === `${base}.index` ||
      name === `${base}.${metaSuffix}` ||
      /^\.data-\d{5}-of-\d{5}$/.test(name.slice(base.length)))
  );
}

function randomHex(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Options of {@link updateCheckpointStateSync}. */
export interface UpdateCheckpointStateOptions {
  /** Name of the state file in `saveDir` (default `"checkpoint"`). */
  latestFilename?: string;
  /** Store paths relative to `saveDir` even when they are absolute (default `false`). */
  saveRelativePaths?: boolean;
}

/**
 * Atomically rewrites the `checkpoint` state file exactly as TensorFlow's
 * `update_checkpoint_state_internal` does (with `generate_checkpoint_state_proto`):
 * `modelCheckpointPath` is appended to `allModelCheckpointPaths` unless it is already
 * last; when `saveDir` is relative, relative paths are rewritten relative to it.
 *
 * @example
 * ```ts
 * import { mkdirSync, readFileSync } from "node:fs";
 * mkdirSync("ckpt");
 * updateCheckpointStateSync("ckpt", "ckpt/model-200", ["ckpt/model-100", "ckpt/model-200"]);
 * readFileSync("ckpt/checkpoint", "utf8"); // ==> model_checkpoint_path: "model-200"
 *                                          //     all_model_checkpoint_paths: "model-100"
 *                                          //     all_model_checkpoint_paths: "model-200"
 *                                          //
 * ```
 */
export function updateCheckpointStateSync(
  saveDir: string,
  modelCheckpointPath: string,
  allModelCheckpointPaths: readonly string[],
  options: UpdateCheckpointStateOptions = {},
): void {
  refuseUriSync(saveDir);
  const fs = nodeFs();
  const { file, text } = checkpointStateFile(
    saveDir,
    modelCheckpointPath,
    allModelCheckpointPaths,
    options,
    nodePath(),
  );
  // atomic_write_string_to_file: a temp file beside the target, then rename.
  const temp = `${file}.tmp${randomHex()}`;
  try {
    fs.writeFileSync(temp, text, { flag: "wx" });
    fs.renameSync(temp, file);
  } catch (e) {
    removeQuietly(temp);
    throw e;
  }
}
