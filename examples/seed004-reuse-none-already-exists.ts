/**
 * Seed 004 (the three reuse values), "When reuse = None": with `reuse=None` and no
 * reusing parent, `tf.get_variable` may only create variables, so asking for
 * `layer1/w` a second time fails.
 *
 * Python:
 *   with tf.variable_scope('layer1', reuse= None):
 *       w1 = tf.get_variable(name = 'w',
 *                            initializer = tf.random_normal(shape=[3,3], mean=0, stddev=1))
 *       w2 = tf.get_variable(name = 'w',
 *                            initializer = tf.random_normal(shape=[3,3], mean=0, stddev=1))
 *   # ValueError: Variable layer1/w already exists, disallowed. Did you mean to set
 *   # reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:
 *
 * The seed's script stops with the uncaught error; this port catches it and prints the
 * message's first line, as the seed shows it: the trace after "Originally defined at:"
 * names file paths and line numbers that differ from machine to machine.
 *
 * Run: npx tsx examples/seed004-reuse-none-already-exists.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** The first line of an error message (the "Originally defined at:" trace follows it). */
function firstLine(message: string): string {
  return message.split("\n")[0] ?? "";
}

try {
  tf.variableScope("layer1", { reuse: null }, () => {
    tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) });
    tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) });
  });
} catch (e) {
  if (!(e instanceof tf.errors.ValueError)) throw e;
  console.log(`ValueError: ${firstLine(e.message)}`);
}
