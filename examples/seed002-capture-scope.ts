/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Capturing variable scope": a
 * captured `VariableScope` object can be opened again instead of its name, to create
 * more variables in it or, with `reuse=True`, to share them.
 *
 * Python:
 *   with tf.variable_scope("foo") as foo_scope:
 *       v = tf.get_variable("v", [1])
 *   with tf.variable_scope(foo_scope):
 *       w = tf.get_variable("w", [1])
 *   with tf.variable_scope(foo_scope, reuse=True):
 *       v1 = tf.get_variable("v", [1])
 *       w1 = tf.get_variable("w", [1])
 *   assert v1 is v
 *   assert w1 is w
 *
 * The guide only asserts; this port prints what the asserts check (the values they
 * expect are in the comments).
 *
 * Run: npx tsx examples/seed002-capture-scope.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

let fooScope!: tf.VariableScope;
const v = tf.variableScope("foo", (scope) => {
  fooScope = scope;
  return tf.getVariable("v", [1]);
});
const w = tf.variableScope(fooScope, () => tf.getVariable("w", [1]));
const [v1, w1] = tf.variableScope(fooScope, { reuse: true }, () => [
  tf.getVariable("v", [1]),
  tf.getVariable("w", [1]),
]);
console.log(`v: ${v.name}, w: ${w.name}`); // foo/v:0, foo/w:0
console.log(`v1 is v: ${v1 === v}`); // true
console.log(`w1 is w: ${w1 === w}`); // true
