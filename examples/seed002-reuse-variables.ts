/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Basics of tf.variable_scope()":
 * `tf.get_variable_scope().reuse_variables()` turns the current scope into a reusing one,
 * so the next `tf.get_variable("v")` returns the `v` created before.
 *
 * Python:
 *   with tf.variable_scope("foo"):
 *       v = tf.get_variable("v", [1])
 *       tf.get_variable_scope().reuse_variables()
 *       v1 = tf.get_variable("v", [1])
 *   assert v1 is v
 *
 * The guide only asserts; this port prints what the asserts check (the values they
 * expect are in the comments).
 *
 * Run: npx tsx examples/seed002-reuse-variables.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const [v, v1] = tf.variableScope("foo", () => {
  const v = tf.getVariable("v", [1]);
  console.log(`reuse before: ${String(tf.getVariableScope().reuse)}`); // false
  tf.getVariableScope().reuseVariables();
  console.log(`reuse after reuse_variables(): ${String(tf.getVariableScope().reuse)}`); // true
  const v1 = tf.getVariable("v", [1]);
  return [v, v1];
});
console.log(`v1 is v: ${v1 === v}`); // true
