/**
 * Seed 004 (the three reuse values), "When reuse = tf.AUTO_REUSE": a function that opens
 * `variable_scope("weight", reuse=tf.AUTO_REUSE)` creates `weight/w` on its first call
 * and returns the same variable on every later call. w1 is w2.
 *
 * Python:
 *   def layer_weight():
 *       with tf.variable_scope("weight", reuse = tf.AUTO_REUSE):
 *           w = tf.get_variable(name = 'w',
 *                   initializer = tf.random_normal(shape=[2,2], mean=0, stddev=1))
 *       return w
 *   w1 = layer_weight()
 *   w2 = layer_weight()
 *
 * The seed prints nothing here and states the answer ("w1 = w2"); this port prints the
 * two names, whether w1 is w2, and how many variables the graph holds.
 *
 * Run: npx tsx examples/seed004-auto-reuse-function.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

function layerWeight(): tf.Variable {
  return tf.variableScope("weight", { reuse: tf.AUTO_REUSE }, () =>
    tf.getVariable("w", { initializer: tf.randomNormal([2, 2], { mean: 0, stddev: 1 }) }),
  );
}

const w1 = layerWeight();
const w2 = layerWeight();

console.log(`w1: ${w1.name}`);
console.log(`w2: ${w2.name}`);
console.log(`w1 is w2: ${w1 === w2}`);
console.log(`global variables: ${tf.globalVariables().length}`);
