/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Names of ops in
 * tf.variable_scope()", last sentence: "When opening a variable scope using a captured
 * object instead of a string, we do not alter the current name scope for ops."
 *
 * The guide has no code for this, and TensorFlow 1.15 (the reference) does otherwise:
 * opening a captured scope also opens a name scope named after the scope's last
 * component, inside the current name scope (made unique, like any name scope). Only
 * `auxiliary_name_scope=False` leaves the current name scope alone, as the guide
 * describes. Variables go to the captured scope's prefix either way.
 *
 * Python (TensorFlow 1.15):
 *   with tf.variable_scope("foo") as foo_scope:
 *       v = tf.get_variable("v", [1])
 *   with tf.variable_scope("bar"):
 *       with tf.variable_scope(foo_scope):
 *           w = tf.get_variable("w", [1])
 *           x = 1.0 + v
 *       with tf.variable_scope(foo_scope, auxiliary_name_scope=False):
 *           y = 1.0 + v
 *   with tf.variable_scope(foo_scope):
 *       z = 1.0 + v
 *   print(w.name)       # foo/w:0
 *   print(x.op.name)    # bar/foo/add
 *   print(y.op.name)    # bar/add
 *   print(z.op.name)    # foo_1/add
 *
 * Run: npx tsx examples/seed002-captured-scope-op-names.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

let fooScope!: tf.VariableScope;
const v = tf.variableScope("foo", (scope) => {
  fooScope = scope;
  return tf.getVariable("v", [1]);
});

// `v.add(1.0)` builds the op Python's `1.0 + v` builds, named `add`.
const [w, x, y] = tf.variableScope("bar", () => {
  const [w, x] = tf.variableScope(fooScope, () => [tf.getVariable("w", [1]), v.add(1.0)]);
  const y = tf.variableScope(fooScope, { auxiliaryNameScope: false }, () => v.add(1.0));
  return [w, x, y] as const;
});
const z = tf.variableScope(fooScope, () => v.add(1.0));

console.log(`w.name: ${w.name}`); // foo/w:0
console.log(`x.op.name: ${x.op.name}`); // bar/foo/add
console.log(`y.op.name: ${y.op.name}`); // bar/add
console.log(`z.op.name: ${z.op.name}`); // foo_1/add
