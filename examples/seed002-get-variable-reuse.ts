/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Understanding tf.get_variable()",
 * case 2: in a scope opened with `reuse=True`, `tf.get_variable` returns the existing
 * variable of that full name.
 *
 * Python:
 *   with tf.variable_scope("foo"):
 *       v = tf.get_variable("v", [1])
 *   with tf.variable_scope("foo", reuse=True):
 *       v1 = tf.get_variable("v", [1])
 *   assert v1 is v
 *
 * The guide only asserts; this port prints what the asserts check (the values they
 * expect are in the comments).
 *
 * Run: npx tsx examples/seed002-get-variable-reuse.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
const v1 = tf.variableScope("foo", { reuse: true }, () => tf.getVariable("v", [1]));
console.log(`v1.name: ${v1.name}`); // foo/v:0
console.log(`v1 is v: ${v1 === v}`); // true
