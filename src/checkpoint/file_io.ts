/**
 * Synchronous checkpoint file I/O for Node, used by the Saver's graph ops (`SaveV2` and
 * `RestoreV2` run inside the synchronous `Session.run`), the checkpoint utilities and the
 * CLI. The byte layout comes from ./format; this module only moves bytes, makes writes
 * atomic (temporary file + rename, as TensorFlow's BundleWriter does) and mirrors
 * TensorFlow's checkpoint_management.py for the `checkpoint` state file.
 *
 * Node built-ins are reached through `process.getBuiltinModule` rather than static
 * imports, so that bundling scopeflow for a browser does not pull in `node:fs`; there,
 * these functions throw `UnimplementedError`.
 */
import type * as NodeFs from "node:fs";
import type * as NodePath from "node:path";
import { NotFoundError, UnimplementedError, ValueError } from "../errors.js";
import {
  dataFileName,
  indexFileName,
  planBundle,
  readBundle,
  v1CheckpointError,
  type BundleEntryInfo,
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
 * Starts loading the optional hardware CRC32C (@node-rs/crc32, about 3.5 GB/s against
 * about 1.4 GB/s for the WebAssembly fallback). Loading is asynchronous, so synchronous
 * saves made before it finishes simply use the portable implementation.
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

function writeAll(fs: typeof NodeFs, fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** Small tensors are batched into one write; large ones are checksummed and written in chunks. */
const SMALL_TENSOR = 256 << 10;
/** Checksumming a chunk right before writing it keeps it in cache for the kernel's copy. */
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
  const fs = nodeFs();
  const plan = planBundle(entries); // validate before touching the disk
  ensureCheckpointDir(prefix);
  const indexFile = indexFileName(prefix);
  const dataFile = dataFileName(prefix, 0, 1);
  const dataTemp = tempName(dataFile);
  const indexTemp = tempName(indexFile);
  try {
    const crcs: number[] = [];
    const fd = openForWrite(dataTemp);
    try {
      const batch = new Uint8Array(2 * SMALL_TENSOR);
      let used = 0;
      const flush = () => {
        if (used > 0) writeAll(fs, fd, batch.subarray(0, used));
        used = 0;
      };
      for (const t of plan.tensors) {
        const bytes = t.bytes;
        if (bytes.length < SMALL_TENSOR) {
          if (used + bytes.length > batch.length) flush();
          batch.set(bytes, used);
          used += bytes.length;
          crcs.push(t.fixedCrc32c ?? crc32c(bytes));
          continue;
        }
        flush();
        let crc = 0;
        for (let off = 0; off < bytes.length; off += CHUNK) {
          const piece = bytes.subarray(off, Math.min(off + CHUNK, bytes.length));
          if (t.fixedCrc32c === undefined) crc = crc32cExtend(crc, piece);
          writeAll(fs, fd, piece);
        }
        crcs.push(t.fixedCrc32c ?? crc);
      }
      flush();
    } finally {
      fs.closeSync(fd);
    }
    const index = plan.buildIndex(crcs);
    const ifd = openForWrite(indexTemp);
    try {
      writeAll(fs, ifd, index);
    } finally {
      fs.closeSync(ifd);
    }
    fs.renameSync(dataTemp, dataFile);
    fs.renameSync(indexTemp, indexFile);
    return { indexFile, dataFile, dataSize: plan.dataSize };
  } catch (e) {
    removeQuietly(dataTemp);
    removeQuietly(indexTemp);
    throw e;
  }
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
export async function writeBundleAsync(
  prefix: string,
  entries: readonly BundleTensorInput[],
): Promise<WrittenCheckpoint> {
  const fsp = nodeFs().promises;
  const plan = planBundle(entries);
  ensureCheckpointDir(prefix);
  const indexFile = indexFileName(prefix);
  const dataFile = dataFileName(prefix, 0, 1);
  const dataTemp = tempName(dataFile);
  const indexTemp = tempName(indexFile);
  const writeAllAsync = async (h: NodeFs.promises.FileHandle, bytes: Uint8Array) => {
    let done = 0;
    while (done < bytes.length) {
      done += (await h.write(bytes, done, bytes.length - done)).bytesWritten;
    }
  };
  const open = async (file: string) => {
    try {
      return await fsp.open(file, "wx");
    } catch (e) {
      throw new NotFoundError(`Failed to create a NewWriteableFile: ${file} : ${describeError(e)}`);
    }
  };
  try {
    const crcs: number[] = [];
    const h = await open(dataTemp);
    try {
      const batch = new Uint8Array(2 * SMALL_TENSOR);
      let used = 0;
      const flush = async () => {
        if (used > 0) await writeAllAsync(h, batch.subarray(0, used));
        used = 0;
      };
      for (const t of plan.tensors) {
        const bytes = t.bytes;
        if (bytes.length < SMALL_TENSOR) {
          if (used + bytes.length > batch.length) await flush();
          batch.set(bytes, used);
          used += bytes.length;
          crcs.push(t.fixedCrc32c ?? crc32c(bytes));
          continue;
        }
        await flush();
        let crc = 0;
        for (let off = 0; off < bytes.length; off += CHUNK) {
          const piece = bytes.subarray(off, Math.min(off + CHUNK, bytes.length));
          const pending = writeAllAsync(h, piece);
          if (t.fixedCrc32c === undefined) crc = crc32cExtend(crc, piece);
          await pending;
        }
        crcs.push(t.fixedCrc32c ?? crc);
      }
      await flush();
    } finally {
      await h.close();
    }
    const index = plan.buildIndex(crcs);
    const ih = await open(indexTemp);
    try {
      await writeAllAsync(ih, index);
    } finally {
      await ih.close();
    }
    await fsp.rename(dataTemp, dataFile);
    await fsp.rename(indexTemp, indexFile);
    return { indexFile, dataFile, dataSize: plan.dataSize };
  } catch (e) {
    removeQuietly(dataTemp);
    removeQuietly(indexTemp);
    throw e;
  }
}

function openForWrite(file: string): number {
  try {
    return nodeFs().openSync(file, "wx");
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

// ---------------------------------------------------------------------------
// Reading a bundle

function stripIndexSuffix(prefix: string): string {
  return prefix.endsWith(".index") ? prefix.slice(0, -".index".length) : prefix;
}

/** The last `n` bytes of a file, or undefined when it cannot be read as a file. */
function readTail(file: string, n: number): Uint8Array | undefined {
  const fs = nodeFs();
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(n, size);
    const buf = new Uint8Array(len);
    fs.readSync(fd, buf, 0, len, size - len);
    return buf;
  } catch {
    return undefined; // e.g. a directory
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a V2 checkpoint synchronously. The index is read now (every block CRC
 * verified); each data shard is read the first time one of its tensors is, and every
 * tensor's CRC32C is checked when it is read. A legacy V1 file is refused with a
 * `CheckpointFormatError` of code `"v1-format"`. `prefix` may carry its `.index` suffix.
 *
 * @example
 * ```ts
 * writeBundleSync("run/model.ckpt-100", [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }]);
 * const reader = openBundleSync("run/model.ckpt-100");
 * reader.getTensor("w").values; // ==> 1,2
 * ```
 */
export function openBundleSync(
  prefix: string,
  options: Omit<ReadBundleOptions, "prefix"> = {},
): BundleReader {
  const fs = nodeFs();
  const base = stripIndexSuffix(prefix);
  const indexFile = indexFileName(base);
  let indexBytes: Uint8Array;
  try {
    indexBytes = new Uint8Array(fs.readFileSync(indexFile));
  } catch (e) {
    if (errnoCode(e) === "ENOENT") {
      const tail = readTail(base, FOOTER_LENGTH);
      if (tail !== undefined && hasTableMagic(tail)) throw v1CheckpointError(base);
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
  return readBundle(
    indexBytes,
    (shardId, numShards) => {
      const buf = fs.readFileSync(dataFileName(base, shardId, numShards));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    { ...options, prefix: base },
  );
}

/**
 * {@link openBundleSync} with the files read asynchronously (all data shards up front).
 *
 * @example
 * ```ts
 * await writeBundleAsync("model.ckpt", [{ name: "w", dtype: "int32", shape: [], values: [7] }]);
 * const reader = await openBundleAsync("model.ckpt");
 * reader.getTensor("w").values; // ==> 7
 * ```
 */
export async function openBundleAsync(
  prefix: string,
  options: Omit<ReadBundleOptions, "prefix"> & {
    /** Read no data file now; a tensor read through the reader then reads its shard synchronously. */
    indexOnly?: boolean;
  } = {},
): Promise<BundleReader> {
  const fsp = nodeFs().promises;
  const base = stripIndexSuffix(prefix);
  const indexFile = indexFileName(base);
  let indexBytes: Uint8Array;
  try {
    indexBytes = new Uint8Array(await fsp.readFile(indexFile));
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return openBundleSync(prefix, options); // its error
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
      const buf = nodeFs().readFileSync(dataFileName(base, shardId, numShards));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    { onWarning: options.onWarning, prefix: base },
  );
  if (options.indexOnly === true) return reader;
  const numShards = reader.header.numShards;
  for (let id = 0; id < numShards; id++) {
    try {
      const buf = await fsp.readFile(dataFileName(base, id, numShards));
      shards.set(id, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    } catch (e) {
      shards.set(id, e instanceof Error ? e : new Error(describeError(e)));
    }
  }
  return reader;
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
  if (!HOST_IS_LITTLE_ENDIAN || reader.header.endianness === 1) return [];
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

function crcMatches(info: BundleEntryInfo, bytes: Uint8Array): boolean {
  return crc32c(bytes) === unmaskCrc32c(info.crc32c);
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
  const fs = nodeFs();
  const out = new Map<string, DirectValues>();
  const fds = new Map<string, number>();
  try {
    for (const p of planDirect(reader, keys)) {
      let fd = fds.get(p.file);
      if (fd === undefined) {
        try {
          fd = fs.openSync(p.file, "r");
        } catch {
          continue;
        }
        fds.set(p.file, fd);
      }
      const { values, bytes } = allocate(p.info);
      let done = 0;
      while (done < bytes.length) {
        const n = fs.readSync(fd, bytes, done, bytes.length - done, p.info.offset + done);
        if (n === 0) break;
        done += n;
      }
      if (done === bytes.length && crcMatches(p.info, bytes)) out.set(p.key, values);
    }
  } finally {
    for (const fd of fds.values()) fs.closeSync(fd);
  }
  return out;
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
export async function readTensorsDirectAsync(
  reader: BundleReader,
  keys: readonly string[],
): Promise<Map<string, DirectValues>> {
  const fsp = nodeFs().promises;
  const out = new Map<string, DirectValues>();
  const handles = new Map<string, NodeFs.promises.FileHandle>();
  try {
    for (const p of planDirect(reader, keys)) {
      let h = handles.get(p.file);
      if (h === undefined) {
        try {
          h = await fsp.open(p.file, "r");
        } catch {
          continue;
        }
        handles.set(p.file, h);
      }
      const { values, bytes } = allocate(p.info);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await h.read(bytes, done, bytes.length - done, p.info.offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      if (done === bytes.length && crcMatches(p.info, bytes)) out.set(p.key, values);
    }
  } finally {
    for (const h of handles.values()) await h.close();
  }
  return out;
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
  const fs = nodeFs();
  const path = nodePath();
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
  // atomic_write_string_to_file: a temp file beside the target, then rename.
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  const temp = `${file}.tmp${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  try {
    fs.writeFileSync(temp, text, { flag: "wx" });
    fs.renameSync(temp, file);
  } catch (e) {
    removeQuietly(temp);
    throw e;
  }
}
