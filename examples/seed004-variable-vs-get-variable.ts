/**
 * Seed 004 (the three reuse values), first example: `tf.Variable` never consults the
 * variable store, whatever `reuse` says. Inside `variable_scope('layer1',
 * reuse=tf.AUTO_REUSE)`, `tf.Variable(..., name='w')` takes the op name `layer1/w`, so
 * the following `tf.get_variable(name='w')` creates a new variable whose op name is made
 * unique: `layer1/w_1`. So w1 is not w2.
 *
 * Python:
 *   with tf.variable_scope('layer1', reuse=tf.AUTO_REUSE):
 *       w1 = tf.Variable(tf.random_normal(shape=[2,2], mean=0, stddev=1), name='w')
 *       w2 = tf.get_variable(name = 'w',
 *                            initializer = tf.random_normal(shape=[3,3], mean=0, stddev=1))
 *   with tf.Session() as sess:
 *       sess.run(tf.global_variables_initializer())
 *       sess.run(tf.local_variables_initializer())
 *       print("w1 = ")
 *       print(w1.name)
 *       print(w1.eval())
 *       print("w2 = ")
 *       print(w2.name)
 *       print(w2.eval())
 *
 * Difference from the seed: the values are random normal numbers, which cannot match
 * the ones TensorFlow's random generator printed. This port prints the shape of each
 * evaluated value instead of the numbers, and then whether w1 is w2.
 *
 * Run: npx tsx examples/seed004-variable-vs-get-variable.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const [w1, w2] = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () => {
  const w1 = new tf.Variable(tf.randomNormal([2, 2], { mean: 0, stddev: 1 }), { name: "w" });
  const w2 = tf.getVariable("w", {
    initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }),
  });
  return [w1, w2];
});

{
  using sess = new tf.Session();
  sess.asDefault(() => {
    // `with tf.Session() as sess:` makes sess the default session for eval().
    sess.run(tf.globalVariablesInitializer());
    sess.run(tf.localVariablesInitializer());
    console.log("w1 = ");
    console.log(w1.name);
    console.log(`<random values of shape (${(w1.eval() as tf.NDArray).shape.join(", ")})>`);
    console.log("w2 = ");
    console.log(w2.name);
    console.log(`<random values of shape (${(w2.eval() as tf.NDArray).shape.join(", ")})>`);
  });
}
console.log(`w1 is w2: ${w1 === w2}`);
