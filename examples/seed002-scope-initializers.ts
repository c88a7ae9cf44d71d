/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Initializers in variable scope": a
 * variable scope can carry a default initializer. Sub-scopes inherit it, an explicit
 * `initializer` argument overrides it, and a sub-scope can set its own.
 *
 * Python (the guide's example, as it is meant):
 *   with tf.variable_scope("foo", initializer=tf.constant_initializer(0.4)):
 *       v = tf.get_variable("v", [1])
 *       assert v.eval() == 0.4  # Default initializer as set above.
 *       w = tf.get_variable("w", [1], initializer=tf.constant_initializer(0.3))
 *       assert w.eval() == 0.3  # Specific initializer overrides the default.
 *       with tf.variable_scope("bar"):
 *           v = tf.get_variable("v", [1])
 *           assert v.eval() == 0.4  # Inherited default initializer.
 *       with tf.variable_scope("baz", initializer=tf.constant_initializer(0.2)):
 *           v = tf.get_variable("v", [1])
 *           assert v.eval() == 0.2  # Changed default initializer.
 *
 * Differences from the guide: its code has a stray `:` after the `w = ...` line, and it
 * calls `v.eval()` with no session and before any initializer ran, which fails in
 * TensorFlow. This port builds the four variables first, then runs the initializers in a
 * session that is the default for `eval()`, and prints each variable's value (the
 * values the asserts expect are in the comments).
 *
 * Run: npx tsx examples/seed002-scope-initializers.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const variables: tf.Variable[] = [];
tf.variableScope("foo", { initializer: tf.constantInitializer(0.4) }, () => {
  variables.push(tf.getVariable("v", [1])); // Default initializer as set above: 0.4
  // Specific initializer overrides the default: 0.3
  variables.push(tf.getVariable("w", [1], { initializer: tf.constantInitializer(0.3) }));
  tf.variableScope("bar", () => {
    variables.push(tf.getVariable("v", [1])); // Inherited default initializer: 0.4
  });
  tf.variableScope("baz", { initializer: tf.constantInitializer(0.2) }, () => {
    variables.push(tf.getVariable("v", [1])); // Changed default initializer: 0.2
  });
});

{
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  sess.asDefault(() => {
    for (const variable of variables) console.log(`${variable.name}: ${variable.eval()}`);
  });
}
