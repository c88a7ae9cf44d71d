/**
 * The browser entry with tfjs's webgl backend registered as well
 * (`dist/browser/scopeflow.webgl.js`): wasm stays the default; `await
 * tf.setBackend("webgl")` runs sessions on the GPU (or SwiftShader) when WebGL is there.
 *
 * @example
 * ```ts
 * // In a page: import * as tf from "./scopeflow.webgl.js"; await tf.setBackend("webgl");
 * using sess = new tf.Session();
 * sess.run(tf.multiply(2, 3)); // ==> 6.0
 * ```
 *
 * @packageDocumentation
 */
import "@tensorflow/tfjs-backend-webgl";

export * from "./index.browser.js";
