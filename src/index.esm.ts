/**
 * The ESM entry: everything `index.ts` exports, after the default backend (wasm) has
 * loaded, so that `Session.run` works synchronously from the first call. (CommonJS cannot
 * wait at import: `require("scopeflow")` users `await tf.ready()` once instead.)
 *
 * @example
 * ```ts
 * import * as tf from "scopeflow"; // the default backend (wasm) is ready here
 * using sess = new tf.Session();
 * sess.run(tf.add(1, 2)); // ==> 3.0
 * ```
 *
 * @packageDocumentation
 */
import { ready } from "./session/backend.js";

export * from "./index.js";

await ready();
