/**
 * Seed 001 ("What does setting reuse=True in TensorFlow do?"), Example 3: nested scopes
 * and reuse. Re-entering the captured `outer_scope` with `reuse=True` and opening
 * `inner_scope` again returns the same `outer_scope/inner_scope/weights`; asking for a
 * variable that does not exist in a reusing scope fails.
 *
 * Python:
 *   with tf.variable_scope("outer_scope") as outer_scope:
 *       with tf.variable_scope("inner_scope") as inner_scope:
 *           weights1 = tf.get_variable("weights", shape=[5, 2])
 *       with tf.variable_scope(outer_scope, reuse=True):
 *           with tf.variable_scope("inner_scope", reuse=True):
 *               weights2 = tf.get_variable("weights", shape=[5,2])
 *       with tf.variable_scope(outer_scope, reuse=True):
 *         try:
 *             weights3 = tf.get_variable("weights_new", shape=[5,2])
 *         except ValueError as e:
 *             print(f"Caught expected ValueError: {e}")
 *   with tf.Session() as sess:
 *       sess.run(tf.global_variables_initializer())
 *       print("weights1:", sess.run(weights1))
 *       print("weights2:", sess.run(weights2))
 *
 * Difference from the seed: `weights` has no initializer, so it gets TensorFlow's
 * default (Glorot uniform) random values, which cannot match the numbers TensorFlow's
 * random generator would print. Instead of the values, this port prints each variable's
 * name and shape, whether `weights2` is `weights1`, and whether their values are equal:
 * the point of the example. (The seed's comment calls `weights_new` a variable of the
 * inner scope; its name is `outer_scope/weights_new`.)
 *
 * Run: npx tsx examples/seed001-nested-scopes.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** Whether two arrays have the same shape and elements. */
function sameValues(a: tf.NDArray, b: tf.NDArray): boolean {
  return (
    a.shape.join() === b.shape.join() &&
    Array.from(a.data as ArrayLike<number>).every((x, i) => x === (b.data as ArrayLike<number>)[i])
  );
}

const [weights1, weights2] = tf.variableScope("outer_scope", (outerScope) => {
  const weights1 = tf.variableScope("inner_scope", () =>
    tf.getVariable("weights", { shape: [5, 2] }),
  );

  // Reuse the outer scope, then the inner scope.
  const weights2 = tf.variableScope(outerScope, { reuse: true }, () =>
    tf.variableScope("inner_scope", { reuse: true }, () =>
      tf.getVariable("weights", { shape: [5, 2] }),
    ),
  );

  tf.variableScope(outerScope, { reuse: true }, () => {
    try {
      tf.getVariable("weights_new", { shape: [5, 2] });
    } catch (e) {
      if (!(e instanceof tf.errors.ValueError)) throw e;
      console.log(`Caught expected ValueError: ${e.message}`);
    }
  });
  return [weights1, weights2];
});

{
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  // Random (Glorot uniform) values: print what they are, not the numbers.
  const [value1, value2] = sess.run([weights1, weights2]) as tf.NDArray[];
  console.log(`weights1: ${weights1.name} shape=${weights1.shape}`);
  console.log(`weights2: ${weights2.name} shape=${weights2.shape}`);
  console.log(`weights2 is weights1: ${weights2 === weights1}`);
  console.log(`same values: ${sameValues(value1, value2)}`);
}
