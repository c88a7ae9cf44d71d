/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Basics of tf.variable_scope()":
 * nested variable scopes append their names like directories.
 *
 * Python:
 *   with tf.variable_scope("foo"):
 *       with tf.variable_scope("bar"):
 *           v = tf.get_variable("v", [1])
 *   assert v.name == "foo/bar/v:0"
 *
 * The guide only asserts; this port prints what the asserts check (the values they
 * expect are in the comments).
 *
 * Run: npx tsx examples/seed002-nested-scope-names.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const v = tf.variableScope("foo", () => tf.variableScope("bar", () => tf.getVariable("v", [1])));
console.log(`v.name: ${v.name}`); // foo/bar/v:0
