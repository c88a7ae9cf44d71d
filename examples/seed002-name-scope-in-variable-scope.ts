/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Names of ops in
 * tf.variable_scope()": a name scope opened inside a variable scope names ops but not
 * variables.
 *
 * Python:
 *   with tf.variable_scope("foo"):
 *       with tf.name_scope("bar"):
 *           v = tf.get_variable("v", [1])
 *           x = 1.0 + v
 *   assert v.name == "foo/v:0"
 *   assert x.op.name == "foo/bar/add"
 *
 * The guide only asserts; this port prints what the asserts check (the values they
 * expect are in the comments).
 *
 * Run: npx tsx examples/seed002-name-scope-in-variable-scope.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const [v, x] = tf.variableScope("foo", () =>
  tf.nameScope("bar", () => {
    const v = tf.getVariable("v", [1]);
    const x = v.add(1.0); // Python's `1.0 + v`
    return [v, x] as const;
  }),
);
console.log(`v.name: ${v.name}`); // foo/v:0
console.log(`x.op.name: ${x.op.name}`); // foo/bar/add
