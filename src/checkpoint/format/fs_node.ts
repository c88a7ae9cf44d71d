/**
 * Node-only file I/O for V2 checkpoints and the `checkpoint` state file.
 * Everything format-related lives in the browser-safe modules; this file only
 * moves bytes and makes saves atomic.
 */
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import {
  dataFileName,
  indexFileName,
  planBundle,
  readBundle,
  v1CheckpointError,
  type BundleReader,
  type BundleTensorInput,
  type PlannedTensor,
  type ReadBundleOptions,
} from "./bundle.js";
import {
  formatCheckpointState,
  parseCheckpointState,
  type CheckpointState,
} from "./checkpoint_state.js";
import { crc32c, crc32cExtend, useCrc32cAccelerator } from "./crc32c.js";
import { CheckpointFormatError, describeError } from "./errors.js";
import { FOOTER_LENGTH, hasTableMagic } from "./table.js";

type NativeCrc32c = (input: Uint8Array, initialState?: number) => number;
let nativeCrcRequested: Promise<void> | undefined;

/**
 * Loads the optional hardware CRC32C (@node-rs/crc32, SSE4.2/ARMv8 CRC, ~3.5 GB/s
 * here vs ~1-1.4 GB/s for the WebAssembly/JS fallbacks). Without it a 100 MB
 * save spends longer checksumming than the kernel spends writing. It is an
 * optionalDependency with prebuilt binaries; when it is absent or fails to
 * load, the portable implementations are used silently.
 */
function loadNativeCrc32c(): Promise<void> {
  nativeCrcRequested ??= (async () => {
    try {
      // A computed specifier keeps bundlers from trying to inline the native addon.
      const specifier = ["@node-rs", "crc32"].join("/");
      const mod = (await import(specifier)) as { crc32c?: unknown; default?: { crc32c?: unknown } };
      const fn = mod.crc32c ?? mod.default?.crc32c;
      if (typeof fn === "function") {
        const native = fn as NativeCrc32c;
        useCrc32cAccelerator((crc, bytes) => native(bytes, crc) >>> 0);
      }
    } catch {
      // Optional: stay on the portable implementation.
    }
  })();
  return nativeCrcRequested;
}

/** Write granularity: large enough for throughput, small enough that CRC and I/O overlap well. */
const WRITE_CHUNK = 8 << 20;

export interface WriteBundleFilesOptions {
  /**
   * fsync files (and the directory) before and after the renames, so the save
   * also survives power loss, not just a killed process. Off by default, like
   * TF, because it can cost seconds on large checkpoints.
   */
  durable?: boolean;
}

/** Paths and sizes written by {@link writeBundleFiles}. */
export interface WrittenBundle {
  indexFile: string;
  dataFile: string;
  dataSize: number;
  indexSize: number;
}

/** Like TF's BundleWriter temp names: `<final name>.tempstate<random decimal>`. */
function tempName(finalName: string): string {
  return `${finalName}.tempstate${randomBytes(8).readBigUInt64LE(0).toString()}`;
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

async function removeQuietly(file: string): Promise<void> {
  await fsp.rm(file, { force: true }).catch(() => undefined);
}

async function writeAll(handle: fsp.FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/** Tensors smaller than this are batched into one write; larger ones are written in place. */
const SMALL_TENSOR = 256 << 10;

/**
 * Appends tensors to the data file, computing each one's CRC. Small tensors are
 * copied into a batch so a model with thousands of biases does not cost
 * thousands of syscalls; large ones are written from the caller's memory in
 * chunks while this thread checksums the same chunk, so CRC time hides behind
 * the kernel's copy on libuv's thread pool instead of adding to it.
 */
class DataFileWriter {
  private readonly batch = new Uint8Array(2 * SMALL_TENSOR);
  private used = 0;

  constructor(private readonly handle: fsp.FileHandle) {}

  async append(t: PlannedTensor): Promise<number> {
    if (t.bytes.length < SMALL_TENSOR) {
      if (this.used + t.bytes.length > this.batch.length) await this.flush();
      this.batch.set(t.bytes, this.used);
      this.used += t.bytes.length;
      return t.fixedCrc32c ?? crc32c(t.bytes);
    }
    await this.flush();
    let crc = 0;
    for (let off = 0; off < t.bytes.length; off += WRITE_CHUNK) {
      const piece = t.bytes.subarray(off, Math.min(off + WRITE_CHUNK, t.bytes.length));
      const pending = writeAll(this.handle, piece);
      if (t.fixedCrc32c === undefined) crc = crc32cExtend(crc, piece);
      await pending;
    }
    return t.fixedCrc32c ?? crc;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeAll(this.handle, this.batch.subarray(0, this.used));
    this.used = 0;
  }
}

async function writeFileDurably(
  file: string,
  chunks: (h: fsp.FileHandle) => Promise<void>,
  durable: boolean,
): Promise<void> {
  const handle = await fsp.open(file, "wx");
  try {
    await chunks(handle);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform lets a directory be opened for fsync (Windows); durability there is best effort.
  const handle = await fsp.open(dir, "r").catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/**
 * Saves tensors as a single-shard V2 checkpoint: `prefix.index` and
 * `prefix.data-00000-of-00001`. Both are written to temporary files in the
 * target directory and renamed into place, data first and index last, so a
 * process killed mid-save leaves every earlier checkpoint (other prefixes)
 * intact and never leaves a half-written file under a final name. (When the
 * same prefix is overwritten there is an unavoidable moment between the two
 * renames where the old index sits beside the new data; tensor CRCs make a
 * reader refuse that pairing rather than return wrong values.)
 *
 * @example
 * ```ts
 * const written = await writeBundleFiles("run/model.ckpt-100", [
 *   { name: "w", dtype: "float32", shape: [2], values: new Float32Array([1, 2]) },
 * ]);
 * written.indexFile; // ==> run/model.ckpt-100.index
 * ```
 */
export async function writeBundleFiles(
  prefix: string,
  entries: readonly BundleTensorInput[],
  options: WriteBundleFilesOptions = {},
): Promise<WrittenBundle> {
  const durable = options.durable ?? false;
  const plan = planBundle(entries); // validate before touching the disk
  await loadNativeCrc32c();
  const indexFile = indexFileName(prefix);
  const dataFile = dataFileName(prefix, 0, 1);
  const dir = path.dirname(path.resolve(prefix));
  await fsp.mkdir(dir, { recursive: true });
  const dataTemp = tempName(dataFile);
  const indexTemp = tempName(indexFile);
  try {
    const crcs: number[] = [];
    await writeFileDurably(
      dataTemp,
      async (h) => {
        const writer = new DataFileWriter(h);
        for (const t of plan.tensors) crcs.push(await writer.append(t));
        await writer.flush();
      },
      durable,
    );
    const index = plan.buildIndex(crcs);
    await writeFileDurably(indexTemp, (h) => writeAll(h, index), durable);
    await fsp.rename(dataTemp, dataFile);
    await fsp.rename(indexTemp, indexFile);
    if (durable) await syncDirectory(dir);
    return { indexFile, dataFile, dataSize: plan.dataSize, indexSize: index.length };
  } catch (e) {
    await removeQuietly(dataTemp);
    await removeQuietly(indexTemp);
    throw e;
  }
}

function stripIndexSuffix(prefix: string): string {
  return prefix.endsWith(".index") ? prefix.slice(0, -".index".length) : prefix;
}

/** The last `n` bytes of a file (V1 checkpoints can be gigabytes; only the footer is needed). */
async function readTail(file: string, n: number): Promise<Uint8Array | undefined> {
  const handle = await fsp.open(file, "r").catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { size } = await handle.stat();
    const len = Math.min(n, size);
    const buf = new Uint8Array(len);
    await handle.read(buf, 0, len, size - len);
    return buf;
  } catch {
    return undefined; // e.g. a directory
  } finally {
    await handle.close();
  }
}

/** Explains why `prefix.index` is missing: a V1 checkpoint, something else, or nothing. */
async function missingIndexError(
  prefix: string,
  indexFile: string,
): Promise<CheckpointFormatError> {
  const bytes = await readTail(prefix, FOOTER_LENGTH);
  if (bytes !== undefined && hasTableMagic(bytes)) return v1CheckpointError(prefix);
  const detail =
    bytes !== undefined
      ? `${prefix} exists but is not a TensorFlow checkpoint`
      : `${indexFile} does not exist`;
  return new CheckpointFormatError("not-found", `No V2 checkpoint at prefix ${prefix}: ${detail}`, {
    file: indexFile,
  });
}

/**
 * Opens a V2 checkpoint from disk: reads `prefix.index` and every
 * `prefix.data-NNNNN-of-MMMMM` shard it names, and returns a reader that
 * verifies CRCs. A V1 (legacy single-file) checkpoint is refused with a
 * CheckpointFormatError of code "v1-format". `prefix` may also be given with
 * its `.index` suffix.
 *
 * @example
 * ```ts
 * await writeBundleFiles("model.ckpt", [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }]);
 * const reader = await readBundleFiles("model.ckpt");
 * reader.getTensor("w").values; // ==> 1,2
 * ```
 */
export async function readBundleFiles(
  prefix: string,
  options: Omit<ReadBundleOptions, "prefix"> = {},
): Promise<BundleReader> {
  const base = stripIndexSuffix(prefix);
  const indexFile = indexFileName(base);
  await loadNativeCrc32c();
  let indexBytes: Uint8Array;
  try {
    indexBytes = await fsp.readFile(indexFile);
  } catch (e) {
    if (isErrno(e, "ENOENT")) throw await missingIndexError(base, indexFile);
    throw new CheckpointFormatError("not-found", `cannot read ${indexFile}: ${describeError(e)}`, {
      file: indexFile,
      cause: e,
    });
  }
  const shards = new Map<number, Uint8Array>();
  const reader = readBundle(indexBytes, (id) => shards.get(id) as Uint8Array, {
    ...options,
    prefix: base,
  });
  const numShards = reader.header.numShards;
  for (let id = 0; id < numShards; id++) {
    const file = dataFileName(base, id, numShards);
    try {
      shards.set(id, await fsp.readFile(file));
    } catch (e) {
      throw new CheckpointFormatError(
        "not-found",
        `checkpoint ${base} is missing its data file ${file}: ${describeError(e)}`,
        {
          file,
          cause: e,
        },
      );
    }
  }
  return reader;
}

/** Writes `text` to `file` via a temp file + rename, as TF's atomic_write_string_to_file does. */
async function atomicWriteText(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp${randomBytes(16).toString("hex")}`;
  try {
    await fsp.writeFile(temp, text, { flag: "wx" });
    await fsp.rename(temp, file);
  } catch (e) {
    await removeQuietly(temp);
    throw e;
  }
}

export interface WriteCheckpointStateOptions {
  /** Name of the state file in `dir` (TF's `latest_filename`); default "checkpoint". */
  latestFilename?: string;
  /**
   * Store absolute paths relative to `dir`, as tf.train.CheckpointManager does
   * (save_relative_paths=True); default true so a checkpoint directory can be moved.
   */
  relativePaths?: boolean;
}

/**
 * Atomically writes `dir/checkpoint`, mirroring TF's update_checkpoint_state:
 * `modelCheckpointPath` is appended to `allModelCheckpointPaths` unless it is
 * already the last element.
 *
 * @example
 * ```ts
 * await writeCheckpointState("run", {
 *   modelCheckpointPath: "model.ckpt-200",
 *   allModelCheckpointPaths: ["model.ckpt-100", "model.ckpt-200"],
 *   allModelCheckpointTimestamps: [],
 *   lastPreservedTimestamp: 0,
 * });
 * (await readCheckpointState("run"))?.modelCheckpointPath; // ==> run/model.ckpt-200
 * ```
 */
export async function writeCheckpointState(
  dir: string,
  state: CheckpointState,
  options: WriteCheckpointStateOptions = {},
): Promise<void> {
  const file = path.join(dir, options.latestFilename ?? "checkpoint");
  const rel = (p: string) =>
    options.relativePaths !== false && path.isAbsolute(p) ? path.relative(path.resolve(dir), p) : p;
  const all = state.allModelCheckpointPaths.map(rel);
  const model = rel(state.modelCheckpointPath);
  if (all.length === 0 || all[all.length - 1] !== model) all.push(model);
  if (
    state.allModelCheckpointTimestamps.length > 0 &&
    state.allModelCheckpointTimestamps.length !== all.length
  ) {
    throw new CheckpointFormatError(
      "invalid-argument",
      `checkpoint timestamps (${state.allModelCheckpointTimestamps.length}) must match paths (${all.length})`,
      { file },
    );
  }
  if (path.resolve(dir, model) === path.resolve(file)) {
    throw new CheckpointFormatError(
      "invalid-argument",
      `Save path '${model}' conflicts with the checkpoint state file ${file}`,
      { file },
    );
  }
  await fsp.mkdir(dir, { recursive: true });
  await atomicWriteText(
    file,
    formatCheckpointState({ ...state, modelCheckpointPath: model, allModelCheckpointPaths: all }),
  );
}

/**
 * Reads `dir/checkpoint` like tf.train.get_checkpoint_state: relative paths are
 * joined onto `dir`; returns null when the file does not exist.
 *
 * @example
 * ```ts
 * const state = { modelCheckpointPath: "model.ckpt-200", allModelCheckpointPaths: ["model.ckpt-200"] };
 * await writeCheckpointState("run", { ...state, allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 });
 * (await readCheckpointState("run"))?.modelCheckpointPath; // ==> run/model.ckpt-200
 * ```
 */
export async function readCheckpointState(
  dir: string,
  latestFilename = "checkpoint",
): Promise<CheckpointState | null> {
  const file = path.join(dir, latestFilename);
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (e) {
    if (isErrno(e, "ENOENT")) return null;
    throw new CheckpointFormatError("not-found", `cannot read ${file}: ${describeError(e)}`, {
      file,
      cause: e,
    });
  }
  const state = parseCheckpointState(text, file);
  if (state.modelCheckpointPath === "") {
    throw new CheckpointFormatError(
      "corrupt",
      `Invalid checkpoint state loaded from ${dir}: no model_checkpoint_path`,
      { file },
    );
  }
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.join(dir, p));
  return {
    ...state,
    modelCheckpointPath: resolve(state.modelCheckpointPath),
    allModelCheckpointPaths: state.allModelCheckpointPaths.map(resolve),
  };
}

/**
 * The newest checkpoint prefix recorded in `dir/checkpoint` if its files exist
 * (a `.index` file, or a V1 single file, as tf.train.latest_checkpoint accepts),
 * else null.
 *
 * @example
 * ```ts
 * await writeBundleFiles("run/model.ckpt-100", [{ name: "w", dtype: "float32", shape: [], values: [1] }]);
 * const state = { modelCheckpointPath: "model.ckpt-100", allModelCheckpointPaths: ["model.ckpt-100"] };
 * await writeCheckpointState("run", { ...state, allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 });
 * await latestCheckpoint("run"); // ==> run/model.ckpt-100
 * ```
 */
export async function latestCheckpoint(
  dir: string,
  latestFilename = "checkpoint",
): Promise<string | null> {
  const state = await readCheckpointState(dir, latestFilename);
  if (state === null) return null;
  const p = state.modelCheckpointPath;
  const exists = async (f: string) => (await fsp.stat(f).catch(() => undefined))?.isFile() === true;
  return (await exists(indexFileName(p))) || (await exists(p)) ? p : null;
}
