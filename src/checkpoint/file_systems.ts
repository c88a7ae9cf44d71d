/**
 * File systems chosen by a path's URI scheme, as TensorFlow's `Env::GetFileSystemForFile`
 * chooses `gs://`, `hdfs://` or `ram://`: checkpoints saved with `Saver.saveAsync` and read
 * with `Saver.restoreAsync` go to `ram://` (memory, like TF's RamFileSystem),
 * `indexeddb://` (the browser's IndexedDB) or come from `http://` and `https://` (read
 * only, through `fetch`); a path without a scheme is a local file (Node only). Any other
 * scheme can be registered.
 *
 * The Saver moves whole files through these: a checkpoint is read or written as a few
 * large byte arrays, so an interface of whole-file operations is all a store must offer.
 */
import { UnimplementedError, ValueError } from "../errors.js";
import {
  declare,
  defineParams,
  kind,
  req,
  stringKind,
  tfFunction,
  opt,
  type CallArgs,
} from "../graph/call_args.js";

/**
 * A store of whole files, named by full paths (scheme included: `ram://run/model.ckpt`).
 * Directories are implicit: a file's directory exists as long as the file does.
 */
export interface FileSystem {
  /** The file's bytes; a missing file rejects with an error whose `code` is `"ENOENT"`. */
  readFile(path: string): Promise<Uint8Array>;
  /** Creates or replaces the file. */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Moves a file, replacing any file at `to`, in one step (a save renames into place). */
  rename(from: string, to: string): Promise<void>;
  /** Deletes the file; a missing one is not an error. */
  remove(path: string): Promise<void>;
  /** Whether the file exists. */
  exists(path: string): Promise<boolean>;
  /** The names (not paths) of the files directly in `dir`. */
  list(dir: string): Promise<string[]>;
}

/** Node's error for a missing file, which the checkpoint code already understands. */
function fileNotFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
    code: "ENOENT",
  });
}

function namesIn(dir: string, paths: Iterable<string>): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const out: string[] = [];
  for (const p of paths) {
    if (p.startsWith(prefix) && !p.slice(prefix.length).includes("/")) {
      out.push(p.slice(prefix.length));
    }
  }
  return out.sort();
}

class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, Uint8Array>();

  readFile(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    return bytes === undefined ? Promise.reject(fileNotFound(path)) : Promise.resolve(bytes);
  }
  writeFile(path: string, bytes: Uint8Array): Promise<void> {
    // A copy: callers reuse their buffers.
    this.files.set(path, bytes.slice());
    return Promise.resolve();
  }
  rename(from: string, to: string): Promise<void> {
    const bytes = this.files.get(from);
    if (bytes === undefined) return Promise.reject(fileNotFound(from));
    this.files.delete(from);
    this.files.set(to, bytes);
    return Promise.resolve();
  }
  remove(path: string): Promise<void> {
    this.files.delete(path);
    return Promise.resolve();
  }
  exists(path: string): Promise<boolean> {
    return Promise.resolve(this.files.has(path));
  }
  list(dir: string): Promise<string[]> {
    return Promise.resolve(namesIn(dir, this.files.keys()));
  }
}

const STORE = "files";

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error("IndexedDB request failed"));
  });
}

class IndexedDBFileSystem implements FileSystem {
  private db: Promise<IDBDatabase> | null = null;

  constructor(private readonly databaseName: string) {}

  private open(): Promise<IDBDatabase> {
    const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (idb === undefined) {
      return Promise.reject(
        new UnimplementedError(
          `IndexedDB is not available here: indexeddb:// paths need a browser (database ${this.databaseName}).`,
        ),
      );
    }
    this.db ??= new Promise((resolve, reject) => {
      const r = idb.open(this.databaseName, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error(`cannot open IndexedDB ${this.databaseName}`));
    });
    const opening = this.db;
    opening.catch(() => {
      if (this.db === opening) this.db = null;
    });
    return opening;
  }

  /** One transaction; resolves when it commits, so a write is durable when awaited. */
  private async transact<T>(
    mode: IDBTransactionMode,
    body: (store: IDBObjectStore) => Promise<T>,
  ): Promise<T> {
    const db = await this.open();
    const tx = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    });
    let result: T;
    try {
      result = await body(tx.objectStore(STORE));
    } catch (e) {
      // Nothing of a failed operation is kept (a rename of a missing file puts nothing).
      done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // Already aborted by the failed request, or already finished.
      }
      throw e;
    }
    await done;
    return result;
  }

  async readFile(path: string): Promise<Uint8Array> {
    const value = await this.transact("readonly", (s) => request(s.get(path)));
    if (value === undefined) throw fileNotFound(path);
    return value as Uint8Array;
  }
  writeFile(path: string, bytes: Uint8Array): Promise<void> {
    return this.transact("readwrite", async (s) => {
      await request(s.put(bytes.slice(), path));
    });
  }
  rename(from: string, to: string): Promise<void> {
    return this.transact("readwrite", async (s) => {
      const value: unknown = await request(s.get(from));
      if (value === undefined) throw fileNotFound(from);
      s.put(value, to);
      await request(s.delete(from));
    });
  }
  remove(path: string): Promise<void> {
    return this.transact("readwrite", async (s) => {
      await request(s.delete(path));
    });
  }
  async exists(path: string): Promise<boolean> {
    const n = await this.transact("readonly", (s) => request(s.count(path)));
    return n > 0;
  }
  async list(dir: string): Promise<string[]> {
    const keys = await this.transact("readonly", (s) => request(s.getAllKeys()));
    return namesIn(
      dir,
      keys.filter((k): k is string => typeof k === "string"),
    );
  }
}

class HttpFileSystem implements FileSystem {
  constructor(private readonly init: RequestInit) {}

  private async fetch(path: string, method: "GET" | "HEAD"): Promise<Response | null> {
    const response = await fetch(path, { ...this.init, method });
    if (response.status === 404) return null;
    if (!response.ok) {
      throw new Error(`${method} ${path}: HTTP ${response.status} ${response.statusText}`);
    }
    return response;
  }
  async readFile(path: string): Promise<Uint8Array> {
    const response = await this.fetch(path, "GET");
    if (response === null) throw fileNotFound(path);
    return new Uint8Array(await response.arrayBuffer());
  }
  async exists(path: string): Promise<boolean> {
    const response = await this.fetch(path, "HEAD");
    // Read the (empty) body, or the browser counts the request as aborted.
    await response?.arrayBuffer();
    return response !== null;
  }
  private readOnly(path: string): Promise<never> {
    return Promise.reject(
      new UnimplementedError(`${path}: http:// and https:// paths are read-only.`),
    );
  }
  writeFile(path: string): Promise<void> {
    return this.readOnly(path);
  }
  rename(from: string): Promise<void> {
    return this.readOnly(from);
  }
  remove(path: string): Promise<void> {
    return this.readOnly(path);
  }
  list(dir: string): Promise<string[]> {
    return Promise.reject(new UnimplementedError(`${dir}: an http:// directory cannot be listed.`));
  }
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** Whether `path` starts with a URI scheme (`ram://`), registered or not. */
export function hasUriScheme(path: string): boolean {
  return SCHEME.test(path);
}

const registry = new Map<string, FileSystem | (() => FileSystem)>([
  ["ram", () => new MemoryFileSystem()],
  ["indexeddb", () => new IndexedDBFileSystem("scopeflow")],
  ["http", () => httpShared],
  ["https", () => httpShared],
]);
const httpShared: FileSystem = new HttpFileSystem({});

/**
 * The file system of `path` when it has a URI scheme (`ram://…`), or `null` for a local
 * path. An unregistered scheme is an `UnimplementedError`, as in TensorFlow.
 */
export function fileSystemOf(path: string): FileSystem | null {
  const m = SCHEME.exec(path);
  if (m === null) return null;
  const scheme = (m[1] as string).toLowerCase();
  const entry = registry.get(scheme);
  if (entry === undefined) {
    throw new UnimplementedError(
      `File system scheme '${scheme}' not implemented (file: '${path}')`,
    );
  }
  if (typeof entry === "function") {
    const made = entry();
    registry.set(scheme, made);
    return made;
  }
  return entry;
}

// Paths with a scheme are handled as POSIX relative paths, as Python's os.path handles
// `gs://bucket/dir` in TensorFlow's checkpoint_management (never absolute).

/** `os.path.dirname` for a path with a scheme. */
export function uriDirname(path: string): string {
  const i = path.lastIndexOf("/");
  if (i < 0) return "";
  const head = path.slice(0, i + 1);
  const trimmed = head.replace(/\/+$/, "");
  return trimmed === "" ? head : trimmed;
}

/** `os.path.basename`. */
export function uriBasename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** `os.path.join(dir, name)` for a relative `name`. */
export function uriJoin(dir: string, name: string): string {
  if (dir === "" || dir.endsWith("/")) return dir + name;
  return `${dir}/${name}`;
}

/** `os.path.relpath(path, start)` for two relative paths. */
export function uriRelative(start: string, path: string): string {
  const parts = (p: string) => p.split("/").filter((s) => s !== "" && s !== ".");
  const from = parts(start);
  const to = parts(path);
  let common = 0;
  while (common < from.length && common < to.length && from[common] === to[common]) common++;
  const up = from.slice(common).map(() => "..");
  const rel = [...up, ...to.slice(common)].join("/");
  return rel === "" ? "." : rel;
}

const fileSystemKind = kind<FileSystem>(
  "a file system (readFile, writeFile, rename, remove, exists, list)",
  (v) =>
    typeof v === "object" &&
    v !== null &&
    ["readFile", "writeFile", "rename", "remove", "exists", "list"].every(
      (m) => typeof (v as Record<string, unknown>)[m] === "function",
    ),
  true,
);

const REGISTER_PARAMS = [req("scheme", stringKind), req("fileSystem", fileSystemKind)] as const;
const REGISTER = defineParams("io.registerFileSystem", REGISTER_PARAMS);

/**
 * Makes paths `<scheme>://…` use `fileSystem` (TensorFlow's `REGISTER_FILE_SYSTEM`),
 * replacing any earlier one for that scheme, built-in ones included (to give
 * `indexeddb://` another database, or `https://` credentials).
 *
 * @example
 * ```ts
 * tf.io.registerFileSystem("scratch", tf.io.memoryFileSystem());
 * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
 * const saver = new tf.train.Saver();
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * await saver.saveAsync(sess, "scratch://run/model.ckpt"); // ==> scratch://run/model.ckpt
 * await tf.io.getFileSystem("scratch://run").list("scratch://run");
 * // ==> checkpoint,model.ckpt.data-00000-of-00001,model.ckpt.index,model.ckpt.meta
 * ```
 */
export function registerFileSystem(...args: CallArgs<typeof REGISTER_PARAMS>): void {
  const { scheme, fileSystem } = REGISTER.parse(args);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) {
    throw new ValueError(`Invalid file system scheme '${scheme}': letters, digits, '+', '-', '.'`);
  }
  registry.set(scheme.toLowerCase(), fileSystem);
}
declare(registerFileSystem, REGISTER);

/**
 * The file system that serves `path` (by its scheme), to read, write or list files
 * directly; a path without a scheme, a local file, is a `ValueError`.
 *
 * @example
 * ```ts
 * const fs = tf.io.getFileSystem("ram://notes/a.txt");
 * await fs.writeFile("ram://notes/a.txt", new TextEncoder().encode("hi"));
 * await fs.exists("ram://notes/a.txt"); // ==> true
 * ```
 */
export const getFileSystem = tfFunction(
  "io.getFileSystem",
  [req("path", stringKind)] as const,
  ({ path }): FileSystem => {
    const fs = fileSystemOf(path);
    if (fs === null) {
      throw new ValueError(
        `'${path}' has no URI scheme: local files are read with Node's fs, not a registered file system.`,
      );
    }
    return fs;
  },
);

/**
 * A new, empty file system in memory (what `ram://` paths use, one per page or process).
 *
 * @example
 * ```ts
 * const mem = tf.io.memoryFileSystem();
 * await mem.writeFile("a", new Uint8Array([1, 2]));
 * await mem.readFile("a"); // ==> 1,2
 * ```
 */
export const memoryFileSystem = tfFunction(
  "io.memoryFileSystem",
  [] as const,
  (): FileSystem => new MemoryFileSystem(),
);

/**
 * A file system in the browser's IndexedDB database `databaseName` (object store
 * `files`, one record per file, keyed by the full path); `indexeddb://` paths use the
 * database `scopeflow`. Each write, rename and delete is one transaction, so a saved
 * checkpoint survives page reloads and a save cut short leaves earlier ones intact.
 *
 * @example
 * ```ts
 * const db = tf.io.indexedDBFileSystem("my-models");
 * await db.exists("indexeddb://model.ckpt.index"); // throws UnimplementedError: IndexedDB is not available here
 * ```
 */
export const indexedDBFileSystem = tfFunction(
  "io.indexedDBFileSystem",
  [req("databaseName", stringKind)] as const,
  ({ databaseName }): FileSystem => new IndexedDBFileSystem(databaseName),
);

/**
 * A read-only file system over `fetch` (what `http://` and `https://` paths use), with
 * `requestInit` (headers, credentials, …) added to every request. A 404 is a missing file.
 *
 * @example
 * ```ts
 * const web = tf.io.httpFileSystem({ credentials: "include" });
 * await web.writeFile("https://example.com/x", new Uint8Array(1)); // throws UnimplementedError: https://example.com/x: http:// and https:// paths are read-only.
 * ```
 */
export const httpFileSystem = tfFunction(
  "io.httpFileSystem",
  [
    opt(
      "requestInit",
      // A RequestInit is a plain object itself; `{ requestInit }` is the options form.
      kind<RequestInit>(
        "a RequestInit object",
        (v) => typeof v === "object" && v !== null,
        (v) => !("requestInit" in v),
      ),
    ),
  ] as const,
  ({ requestInit }): FileSystem => new HttpFileSystem(requestInit ?? {}),
);
