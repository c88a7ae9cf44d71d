/**
 * The browser entry (`dist/browser/scopeflow.esm.js`, bundled with tfjs-core and the cpu and
 * wasm backends): everything `index.ts` exports, after the wasm backend has loaded. The
 * `.wasm` files are looked for beside the bundle (`new URL("./", import.meta.url)`), so
 * serving the `dist/browser` folder as it is needs no configuration. To load them from
 * elsewhere, set `globalThis.scopeflowWasmPaths` (a folder URL ending in `/`, or
 * tfjs's map of file names to URLs) before importing; `setWasmPaths` is exported for
 * pages that import the bundle and pick the backend later with `setBackend("wasm")`.
 *
 * Local files (the Node Saver paths, the CLI) are not reachable here: checkpoints go to
 * `ram://`, `indexeddb://` and come from `http(s)://` paths with `Saver.saveAsync` and
 * `Saver.restoreAsync`.
 *
 * @example
 * ```ts
 * // In a page: <script type="module">import * as tf from "./scopeflow.esm.js"; …</script>
 * using sess = new tf.Session();
 * sess.run(tf.add(1, 2)); // ==> 3.0
 * ```
 *
 * @packageDocumentation
 */
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { ready } from "./session/backend.js";

export * from "./index.js";
export { setWasmPaths };

type WasmPaths = string | Record<string, string>;

const configured = (globalThis as { scopeflowWasmPaths?: WasmPaths }).scopeflowWasmPaths;
setWasmPaths(configured ?? new URL("./", import.meta.url).href);

await ready();
