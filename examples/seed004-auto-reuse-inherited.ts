/**
 * Seed 004 (the three reuse values), `reuse=None` inherits: `layer_sub_1` is opened with
 * `reuse=None` inside `layer1`, which has `reuse=tf.AUTO_REUSE`, so it inherits
 * `AUTO_REUSE` and the second `tf.get_variable(name='w')` returns the first. w1 is w2.
 *
 * Python:
 *   with tf.variable_scope('layer1', reuse= tf.AUTO_REUSE):
 *       with tf.variable_scope('layer_sub_1', reuse = None):
 *           w1 = tf.get_variable(name = 'w',
 *                   initializer = tf.random_normal(shape=[3,3], mean=0, stddev=1))
 *           w2 = tf.get_variable(name = 'w',
 *                   initializer = tf.random_normal(shape=[3,3], mean=0, stddev=1))
 *
 * The seed prints nothing here and states the answer ("w1 = w2? The answer is yes."); this
 * port prints the two names and whether w1 is w2.
 *
 * Run: npx tsx examples/seed004-auto-reuse-inherited.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const [w1, w2] = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () =>
  tf.variableScope("layer_sub_1", { reuse: null }, (scope) => {
    console.log(`layer_sub_1 reuse is AUTO_REUSE: ${scope.reuse === tf.AUTO_REUSE}`);
    const w1 = tf.getVariable("w", {
      initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }),
    });
    const w2 = tf.getVariable("w", {
      initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }),
    });
    return [w1, w2];
  }),
);

console.log(`w1: ${w1.name}`);
console.log(`w2: ${w2.name}`);
console.log(`w1 is w2: ${w1 === w2}`);
