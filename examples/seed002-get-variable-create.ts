/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Understanding tf.get_variable()",
 * case 1: in a scope that is not reusing, `tf.get_variable` creates a new variable named
 * after the scope.
 *
 * Python:
 *   with tf.variable_scope("foo"):
 *       v = tf.get_variable("v", [1])
 *   assert v.name == "foo/v:0"
 *
 * The guide only asserts; this port prints what the asserts check (the values they
 * expect are in the comments).
 *
 * Run: npx tsx examples/seed002-get-variable-create.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const v = tf.variableScope("foo", (scope) => {
  console.log(`reuse: ${String(scope.reuse)}`); // false: the scope creates variables
  return tf.getVariable("v", [1]);
});
console.log(`v.name: ${v.name}`); // foo/v:0
