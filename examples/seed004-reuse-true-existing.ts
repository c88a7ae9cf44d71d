/**
 * Seed 004 (the three reuse values): `layer1/w` is created in a first
 * `variable_scope('layer1')`, then a second one opened with `reuse=True` returns it.
 * w1 is w2.
 *
 * Python:
 *   with tf.variable_scope('layer1'):
 *       w1 = tf.get_variable(name = 'w',
 *                            initializer = tf.random_normal(shape=[2,2], mean=0, stddev=1))
 *   with tf.variable_scope('layer1', reuse= True):
 *       w2 = tf.get_variable(name = 'w',
 *                            initializer = tf.random_normal(shape=[2,2], mean=0, stddev=1))
 *
 * The seed prints nothing here and states the answer ("w1 = w2"); this port prints the
 * two names and whether w1 is w2.
 *
 * Run: npx tsx examples/seed004-reuse-true-existing.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const w1 = tf.variableScope("layer1", () =>
  tf.getVariable("w", { initializer: tf.randomNormal([2, 2], { mean: 0, stddev: 1 }) }),
);
const w2 = tf.variableScope("layer1", { reuse: true }, () =>
  tf.getVariable("w", { initializer: tf.randomNormal([2, 2], { mean: 0, stddev: 1 }) }),
);

console.log(`w1: ${w1.name}`);
console.log(`w2: ${w2.name}`);
console.log(`w1 is w2: ${w1 === w2}`);
