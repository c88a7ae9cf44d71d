/**
 * Seed 004 (the three reuse values), "When reuse = True": a scope opened with
 * `reuse=True` only returns existing variables made by `tf.get_variable`; it cannot
 * create `layer1/w`.
 *
 * Python:
 *   with tf.variable_scope('layer1', reuse= True):
 *       w1 = tf.get_variable(name = 'w',
 *                            initializer = tf.random_normal(shape=[3,3], mean=0, stddev=1))
 *       ...
 *   # ValueError: Variable layer1/w does not exist, or was not created with
 *   # tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?
 *
 * The seed's script stops with the uncaught error; this port catches it and prints it
 * the way Python shows it.
 *
 * Run: npx tsx examples/seed004-reuse-true-missing.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

try {
  tf.variableScope("layer1", { reuse: true }, () => {
    tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) });
    tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) });
  });
} catch (e) {
  if (!(e instanceof tf.errors.ValueError)) throw e;
  console.log(`ValueError: ${e.message}`);
}
