/**
 * Seed 001 ("What does setting reuse=True in TensorFlow do?"), Example 2: reusing a
 * variable after `scope.reuse_variables()`.
 *
 * Python:
 *   with tf.variable_scope("my_scope") as scope:
 *       weights = tf.get_variable("weights", shape=[10, 5],
 *                                 initializer=tf.zeros_initializer())
 *       scope.reuse_variables()
 *       try:
 *           reused_weights = tf.get_variable("weights", shape=[10, 5])  # Reuses weights
 *           print("Reused weights shape:", reused_weights.shape)
 *       except ValueError as e:
 *           print(f"Caught expected ValueError: {e}")
 *       scope.reuse_variables()
 *       reused_weights2 = tf.get_variable("weights", shape=[10, 5],
 *                                         initializer=tf.ones_initializer())
 *   with tf.Session() as sess:
 *       sess.run(tf.global_variables_initializer())
 *       print("Weights:", sess.run(weights))
 *       print("Reused weights:", sess.run(reused_weights))
 *       print("Reused weights2:", sess.run(reused_weights2))
 *
 * Difference from the seed's commentary (TensorFlow 1.15 is the reference): the seed
 * claims that the last `get_variable`, with a new initializer under reuse, "creates a new
 * variable with same name". It does not: under reuse `tf.get_variable` returns the
 * existing `my_scope/weights` as it is and ignores the initializer argument, so all
 * three print the same zeros. Nor are variables created "when they are first assigned a
 * value": `get_variable` creates the variable when it is called, and the initializer
 * runs when the session runs it.
 *
 * Run: npx tsx examples/seed001-reuse-ignores-initializer.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const [weights, reusedWeights, reusedWeights2] = tf.variableScope("my_scope", (scope) => {
  const weights = tf.getVariable("weights", [10, 5], { initializer: tf.zerosInitializer() });

  scope.reuseVariables();
  let reusedWeights: tf.Variable | undefined;
  try {
    reusedWeights = tf.getVariable("weights", [10, 5]); // reuses weights
    console.log(`Reused weights shape: ${reusedWeights.shape}`);
  } catch (e) {
    if (!(e instanceof tf.errors.ValueError)) throw e;
    console.log(`Caught expected ValueError: ${e.message}`);
  }

  scope.reuseVariables();
  // Still the same variable: under reuse the ones initializer is ignored.
  const reusedWeights2 = tf.getVariable("weights", [10, 5], {
    initializer: tf.onesInitializer(),
  });
  return [weights, reusedWeights as tf.Variable, reusedWeights2] as const;
});

{
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  console.log(`Weights: ${sess.run(weights)}`);
  console.log(`Reused weights: ${sess.run(reusedWeights)}`);
  console.log(`Reused weights2: ${sess.run(reusedWeights2)}`);
}
console.log(`reused_weights2 is weights: ${reusedWeights2 === weights}`);
console.log(`Variables: ${tf.globalVariables().length}`);
