/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Names of ops in
 * tf.variable_scope()": opening a variable scope also opens a name scope of the same
 * name, so ops made inside it are named under it.
 *
 * Python:
 *   with tf.variable_scope("foo"):
 *       x = 1.0 + tf.get_variable("v", [1])
 *   assert x.op.name == "foo/add"
 *
 * The guide only asserts; this port prints what the assert checks (the value it expects
 * is in the comment).
 *
 * Run: npx tsx examples/seed002-op-names.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

// Python's `1.0 + v` builds an op named `add`, as `v.add(1.0)` does. (`tf.add(1.0, v)`
// would be named `Add`, as in TensorFlow.)
const x = tf.variableScope("foo", () => tf.getVariable("v", [1]).add(1.0));
console.log(`x.op.name: ${x.op.name}`); // foo/add
