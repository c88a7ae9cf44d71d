import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";

/*
 * Which TensorFlow.js backend computes. wasm (XNNPACK, SIMD) is the default: it is the
 * fastest backend that installs from npm alone; cpu is the fallback. Any backend the user
 * registers (webgl, webgpu, tensorflow) can be chosen by name.
 */

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
 * await tf.setBackend("cpu");
 * ```
 */
export async function setBackend(name: string): Promise<boolean> {
  requested = name;
  pending = null;
  return ready();
}

/**
 * Waits until the chosen backend is initialized (wasm loads asynchronously). Sessions
 * run synchronously after this; the ESM entry awaits it on import.
 *
 * @example
 * ```ts
 * await tf.ready();
 * ```
 */
export async function ready(): Promise<boolean> {
  if (pending === null) pending = initialize(wantedBackend());
  return pending;
}

async function initialize(name: string): Promise<boolean> {
  if (tfc.getBackend() === name) return true;
  let ok = false;
  try {
    ok = await tfc.setBackend(name);
  } catch {
    ok = false;
  }
  if (!ok && name !== "cpu") {
    ok = await tfc.setBackend("cpu");
  }
  return ok;
}

/** The name of the active backend. */
export function getBackend(): string {
  return tfc.getBackend();
}

/**
 * Makes sure some backend is active before a synchronous run: if the wanted one is still
 * loading (CommonJS users who did not `await tf.ready()`), runs on cpu and says so once.
 */
export function ensureBackendSync(): void {
  const wanted = wantedBackend();
  const engine = tfc.engine() as unknown as { backendName: string | null };
  if (engine.backendName === wanted) return;
  if (engine.backendName !== null && pending !== null) return;
  if (pending === null) void ready();
  if (engine.backendName === null) {
    if (!warnedFallback) {
      warnedFallback = true;
      console.warn(
        `scopeflow: the ${wanted} backend is still loading; running on cpu. Call \`await tf.ready()\` once before the first run to use ${wanted}.`,
      );
    }
    void tfc.setBackend("cpu");
  }
}
