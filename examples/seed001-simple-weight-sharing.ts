/**
 * Seed 001 ("What does setting reuse=True in TensorFlow do?"), Example 1: simple weight
 * sharing. After `scope.reuse_variables()`, `tf.get_variable` returns the `weights` and
 * `bias` created earlier in the scope, and asking for a variable that does not exist yet
 * fails with a ValueError.
 *
 * Python:
 *   with tf.variable_scope("my_scope") as scope:
 *       weights = tf.get_variable("weights", shape=[10, 5])
 *       bias = tf.get_variable("bias", shape=[5])
 *       scope.reuse_variables()
 *       weights_reused = tf.get_variable("weights", shape=[10, 5])
 *       bias_reused = tf.get_variable("bias", shape=[5])
 *       try:
 *           new_var = tf.get_variable("new_variable", shape=[2,2])
 *       except ValueError as e:
 *           print(f"Caught expected ValueError: {e}")
 *
 * The seed prints only the caught error. The two `reused is original` lines are added
 * here to show what "reuses" means: the very same variable object comes back.
 *
 * Run: npx tsx examples/seed001-simple-weight-sharing.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

tf.variableScope("my_scope", (scope) => {
  const weights = tf.getVariable("weights", { shape: [10, 5] });
  const bias = tf.getVariable("bias", { shape: [5] });
  // ... some operations using weights and bias

  scope.reuseVariables(); // the scope now reuses (reuse=True)
  const weightsReused = tf.getVariable("weights", { shape: [10, 5] });
  const biasReused = tf.getVariable("bias", { shape: [5] });
  // ... further operations using weightsReused and biasReused (the same variables)
  console.log(`weights_reused is weights: ${weightsReused === weights}`);
  console.log(`bias_reused is bias: ${biasReused === bias}`);

  // Asking for a variable that does not exist fails in a reusing scope.
  try {
    tf.getVariable("new_variable", { shape: [2, 2] });
  } catch (e) {
    if (!(e instanceof tf.errors.ValueError)) throw e;
    console.log(`Caught expected ValueError: ${e.message}`);
  }
});
