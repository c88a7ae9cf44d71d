import * as tfc from "@tensorflow/tfjs-core";
import { backendChosen } from "../ops/tfjs_internals.js";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
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

async function initialize(name: string): Promise<boolean> {
  if (tfc.getBackend() === name) return true;
  let ok = false;
  try {
    ok = await withoutLoaderHandlers(() => tfc.setBackend(name));
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
