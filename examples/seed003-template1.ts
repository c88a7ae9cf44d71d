/**
 * Seed 003 (notebook "How to implement reusing variables"), Template 1: two
 * `variable_scope('test')` blocks, the second with `reuse=True`. `w3` is `w1`
 * (`test/weight_1`), so the graph holds two variables.
 *
 * Python:
 *   sess_config = tf.ConfigProto(gpu_options=tf.GPUOptions(allow_growth=True))
 *   with tf.variable_scope('test', reuse = False):
 *       w1 = tf.get_variable(name = 'weight_1', shape = [2,], dtype = tf.float32,
 *                            initializer = tf.ones_initializer())
 *       w2 = tf.get_variable(name = 'weight_2',
 *                            initializer = tf.constant([2.,2.], dtype = tf.float32))
 *   with tf.variable_scope('test', reuse = True):
 *       w3 = tf.get_variable(name = 'weight_1')
 *   with tf.Session(config = sess_config) as sess:
 *       sess.run(tf.global_variables_initializer())
 *       print('w1 : {}'.format(sess.run(w1)))
 *       print('w2 : {}'.format(sess.run(w2)))
 *       print('w3 : {}'.format(sess.run(w3)))
 *   tf.global_variables()
 *
 * The notebook displays `tf.global_variables()` as a cell result, which Jupyter
 * pretty-prints (pprint, 80 columns): a list too long for one line gets one item per
 * line. This port prints the list the same way, so the output matches the notebook.
 *
 * Run: npx tsx examples/seed003-template1.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** A list as Python's pprint shows it: one line if it fits in 80 columns, else one item a line. */
function pprintList(items: readonly unknown[]): string {
  const reprs = items.map(String);
  const oneLine = `[${reprs.join(", ")}]`;
  return oneLine.length <= 80 ? oneLine : `[${reprs.join(",\n ")}]`;
}

// Accepted for compatibility (tf.ConfigProto); scopeflow does not use it.
const sessConfig = { gpuOptions: { allowGrowth: true } };

let w1!: tf.Variable;
let w2!: tf.Variable;
let w3!: tf.Variable;

tf.variableScope("test", { reuse: false }, () => {
  w1 = tf.getVariable("weight_1", {
    shape: [2],
    dtype: tf.float32,
    initializer: tf.onesInitializer(),
  });
  w2 = tf.getVariable("weight_2", { initializer: tf.constant([2, 2], { dtype: tf.float32 }) });
});

tf.variableScope("test", { reuse: true }, () => {
  w3 = tf.getVariable("weight_1");
});

{
  using sess = new tf.Session({ config: sessConfig });
  sess.run(tf.globalVariablesInitializer());
  console.log(`w1 : ${sess.run(w1)}`);
  console.log(`w2 : ${sess.run(w2)}`);
  console.log(`w3 : ${sess.run(w3)}`);
}

// weight_1 was reused, so the variable list holds two variables.
console.log(pprintList(tf.globalVariables()));
