/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Basics of tf.variable_scope()":
 * the reuse flag is inherited by sub-scopes; it cannot be set back to False inside a
 * reusing scope, but leaving the reusing scope goes back to a non-reusing one.
 *
 * Python:
 *   with tf.variable_scope("root"):
 *       assert tf.get_variable_scope().reuse == False
 *       with tf.variable_scope("foo"):
 *           assert tf.get_variable_scope().reuse == False
 *       with tf.variable_scope("foo", reuse=True):
 *           assert tf.get_variable_scope().reuse == True
 *           with tf.variable_scope("bar"):
 *               assert tf.get_variable_scope().reuse == True
 *       assert tf.get_variable_scope().reuse == False
 *
 * The guide only asserts; this port prints each scope's name and reuse flag at the
 * places the asserts check it (the values they expect are in the comments).
 *
 * Run: npx tsx examples/seed002-reuse-inheritance.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** Prints the current variable scope's name and reuse flag. */
function show(): void {
  const scope = tf.getVariableScope();
  console.log(`${scope.name}: reuse == ${String(scope.reuse)}`);
}

tf.variableScope("root", () => {
  // At start, the scope is not reusing.
  show(); // root: reuse == false
  tf.variableScope("foo", () => {
    // Opened a sub-scope, still not reusing.
    show(); // root/foo: reuse == false
  });
  tf.variableScope("foo", { reuse: true }, () => {
    // Explicitly opened a reusing scope.
    show(); // root/foo: reuse == true
    tf.variableScope("bar", () => {
      // Now sub-scope inherits the reuse flag.
      show(); // root/foo/bar: reuse == true
    });
  });
  // Exited the reusing scope, back to a non-reusing one.
  show(); // root: reuse == false
});
