import * as tfc from "@tensorflow/tfjs-core";
import { backendChosen } from "../ops/tfjs_internals.js";
import "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import {
  declare,
  defineParams,
  req,
  stringKind,
  tfFunction,
  type CallArgs,
} from "../graph/call_args.js";

/*
 * Which TensorFlow.js backend computes. wasm (XNNPACK, SIMD) is the default: it is the
 * fastest backend that installs from npm alone; cpu is the fallback. Any backend the user
 * registers (webgl, webgpu, tensorflow) can be chosen by name.
 */

/** Not TensorFlow functions; their arguments are checked the same way (tfjs's `setBackend(backendName)`). */
const SET_BACKEND_PARAMS = [req("backendName", stringKind)] as const;
const SET_BACKEND = defineParams("setBackend", SET_BACKEND_PARAMS);
const NO_PARAMS = [] as const;
const READY = defineParams("ready", NO_PARAMS);

let requested: string | null = null;
let pending: Promise<boolean> | null = null;
let warnedFallback = false;

/** `SCOPEFLOW_BACKEND`, read once: `process.env` lookups are slow enough to show per run. */
const ENV_BACKEND: string | null = (() => {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  const value = g.process?.env?.SCOPEFLOW_BACKEND;
  return value === undefined || value === "" ? null : value;
})();

/**
 * `SCOPEFLOW_WASM_THREADS`: how many threads the wasm backend's XNNPACK may use in Node
 * (tfjs loads its single-threaded build there). Unset or 1: one thread.
 */
const ENV_WASM_THREADS: number = (() => {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  const value = Number(g.process?.env?.SCOPEFLOW_WASM_THREADS ?? "1");
  return Number.isInteger(value) && value > 1 ? value : 1;
})();

/** The backend scopeflow will use: `SCOPEFLOW_BACKEND`, else what `setBackend` asked, else wasm. */
function wantedBackend(): string {
  return requested ?? ENV_BACKEND ?? "wasm";
}

/**
 * Chooses the TensorFlow.js backend (`"wasm"`, `"cpu"`, or any registered one) and waits
 * until it is ready. Returns whether it could be initialized.
 *
 * @example
 * ```ts
 * await tf.setBackend("cpu"); // ==> true
 * tf.getBackend(); // ==> cpu
 * ```
 */
export async function setBackend(...args: CallArgs<typeof SET_BACKEND_PARAMS>): Promise<boolean> {
  const { backendName } = SET_BACKEND.parse(args);
  requested = backendName;
  pending = null;
  return ready();
}

/**
 * Waits until the chosen backend is initialized (wasm loads asynchronously). Sessions
 * run synchronously after this; the ESM entry awaits it on import.
 *
 * @example
 * ```ts
 * await tf.ready(); // ==> true
 * ```
 */
export async function ready(...args: CallArgs<typeof NO_PARAMS>): Promise<boolean> {
  READY.parse(args);
  if (pending === null) pending = initialize(wantedBackend());
  return pending;
}

type ProcessEvents = "uncaughtException" | "unhandledRejection";
interface ProcessLike {
  listeners(event: ProcessEvents): ((...args: unknown[]) => void)[];
  removeListener(event: ProcessEvents, listener: (...args: unknown[]) => void): void;
}

/**
 * tfjs-backend-wasm's Emscripten loader installs process-wide `uncaughtException` and
 * `unhandledRejection` handlers that rethrow, so that any later error in the user's
 * program prints the whole minified loader source. They serve no purpose once the module
 * is loaded; remove exactly the ones that loading added.
 */
async function withoutLoaderHandlers<T>(load: () => Promise<T>): Promise<T> {
  const proc = (globalThis as { process?: ProcessLike }).process;
  if (proc === undefined || typeof proc.listeners !== "function") return load();
  const events: ProcessEvents[] = ["uncaughtException", "unhandledRejection"];
  const before = new Map(events.map((e) => [e, new Set(proc.listeners(e))]));
  try {
    return await load();
  } finally {
    for (const e of events) {
      for (const l of proc.listeners(e)) if (!before.get(e)?.has(l)) proc.removeListener(e, l);
    }
  }
}

interface NodeModules {
  os: { cpus(): unknown[]; tmpdir(): string };
  fs: {
    mkdtempSync(prefix: string): string;
    writeFileSync(path: string, text: string): void;
    rmSync(path: string, options: { recursive: boolean; force: boolean }): void;
  };
  path: { join(...parts: string[]): string };
}

/** Node's os, fs and path modules, or `null` outside Node. */
function nodeModules(): NodeModules | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== "function") return null;
  return {
    os: proc.getBuiltinModule("node:os") as NodeModules["os"],
    fs: proc.getBuiltinModule("node:fs") as NodeModules["fs"],
    path: proc.getBuiltinModule("node:path") as NodeModules["path"],
  };
}

/*
 * Runs Emscripten's pthread worker under Node: the main script arrives as a Blob, which
 * Node's `importScripts` stand-in cannot read, so it is written to a file first (messages
 * that arrive meanwhile wait); and the names the bundled factory takes from its bundle's
 * scope are supplied.
 */
const WORKER_PRELUDE = (dir: string) => `"use strict";
Object.assign(globalThis, { require$$0: require("fs"), require$$1: require("path"),
  require$$3: require("perf_hooks"), require$$4: require("os"), commonjsGlobal: globalThis });
{
  const threads = require("worker_threads");
  const port = threads.parentPort;
  const on = port.on.bind(port);
  port.on = (event, handler) => {
    if (event !== "message") return on(event, handler);
    let queued = null;
    on("message", async (data) => {
      if (queued !== null) return void queued.push(data);
      if (data && data.cmd === "load" && typeof data.urlOrBlob !== "string") {
        queued = [];
        const file = require("path").join(${JSON.stringify(dir)}, "main" + threads.threadId + ".js");
        require("fs").writeFileSync(file, await data.urlOrBlob.text());
        data.urlOrBlob = file;
        handler(data);
        const later = queued;
        queued = null;
        for (const d of later) handler(d);
        return;
      }
      handler(data);
    });
    return port;
  };
}
`;

/**
 * Loads tfjs-wasm's threaded SIMD build in Node with `threads` XNNPACK threads. tfjs
 * turns threads off in Node (tfjs#3830) and its loader only knows browsers' Blob URLs,
 * so for the duration of the load: the threads flag is set, the worker script is written
 * to a temporary file whose path replaces its Blob URL, and `os.cpus()` reports each core
 * twice, because the C side caps the pool at half the logical cores (counting
 * hyper-threads). Everything is restored, and the files removed, once loaded.
 */
/** Emscripten's pthread pool, as far as it is used here. */
interface ThreadPool {
  unusedWorkers?: { unref?: () => void }[];
  runningWorkers?: { unref?: () => void }[];
}

async function withNodeWasmThreads<T>(threads: number, load: () => Promise<T>): Promise<T> {
  const node = nodeModules();
  if (node === null) return load();
  const { os, fs, path } = node;
  // A Node-only module of tfjs-wasm's (no types, never bundled for browsers).
  const workerModule =
    "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js";
  const worker = (await import(workerModule)) as {
    wasmWorkerContents?: string;
    default?: { wasmWorkerContents?: string };
  };
  const contents = worker.wasmWorkerContents ?? worker.default?.wasmWorkerContents;
  if (contents === undefined) return load();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scopeflow-wasm-"));
  const workerFile = path.join(dir, "worker.js");
  // The loader escapes newlines the same way before making its Blob.
  fs.writeFileSync(workerFile, WORKER_PRELUDE(dir) + contents.replace(/\n/g, "\\n"));
  const cpus = os.cpus;
  const createObjectURL = URL.createObjectURL;
  os.cpus = () => {
    const list = cpus.call(os);
    return [...list, ...list];
  };
  URL.createObjectURL = (obj: Blob | MediaSource) =>
    obj instanceof Blob && obj.type === "application/javascript"
      ? workerFile
      : createObjectURL.call(URL, obj);
  tfc.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  setThreadsCount(threads);
  try {
    const result = await load();
    // The pool's workers would keep Node running after the program's end.
    const pool = (tfc.findBackend("wasm") as { wasm?: { PThread?: ThreadPool } } | undefined)?.wasm
      ?.PThread;
    for (const w of [...(pool?.unusedWorkers ?? []), ...(pool?.runningWorkers ?? [])]) {
      w.unref?.();
    }
    return result;
  } finally {
    os.cpus = cpus;
    URL.createObjectURL = createObjectURL;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function initialize(name: string): Promise<boolean> {
  if (tfc.getBackend() === name) return true;
  let ok = false;
  try {
    const load = () => withoutLoaderHandlers(() => tfc.setBackend(name));
    ok = await (name === "wasm" && ENV_WASM_THREADS > 1
      ? withNodeWasmThreads(ENV_WASM_THREADS, load)
      : load());
  } catch {
    ok = false;
  }
  if (!ok && name !== "cpu") {
    ok = await tfc.setBackend("cpu");
  }
  return ok;
}

/** The name of the active backend. */
export const getBackend = tfFunction("getBackend", NO_PARAMS, (): string => tfc.getBackend());

/**
 * Makes sure some backend is active before a synchronous run: if the wanted one is still
 * loading (CommonJS users who did not `await tf.ready()`), runs on cpu and says so once.
 */
export function ensureBackendSync(): void {
  if (backendChosen()) return;
  if (pending !== null) {
    // tfjs cannot run anything while a backend is initializing.
    throw new Error(
      `scopeflow: the ${wantedBackend()} backend is still loading: \`await tf.ready()\` once before the first run (the ESM entry does this on import).`,
    );
  }
  if (!warnedFallback) {
    warnedFallback = true;
    console.warn(
      `scopeflow: running on cpu because the ${wantedBackend()} backend was not loaded: call \`await tf.ready()\` once before the first run to use it.`,
    );
  }
  void tfc.setBackend("cpu");
}

declare(setBackend, SET_BACKEND);
declare(ready, READY);
