/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Capturing variable scope": opening
 * a captured scope jumps to that scope's variable prefix, wherever it is opened.
 *
 * Python:
 *   with tf.variable_scope("foo") as foo_scope:
 *       assert foo_scope.name == "foo"
 *   with tf.variable_scope("bar"):
 *       with tf.variable_scope("baz") as other_scope:
 *           assert other_scope.name == "bar/baz"
 *           with tf.variable_scope(foo_scope) as foo_scope2:
 *               assert foo_scope2.name == "foo"  # Not changed.
 *
 * The guide only asserts; this port prints each scope's name (the values the asserts
 * expect are in the comments), plus the name of a variable created in `foo_scope2` to
 * show where it goes.
 *
 * Run: npx tsx examples/seed002-capture-scope-jumps.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const fooScope = tf.variableScope("foo", (scope) => scope);
console.log(`foo_scope.name: ${fooScope.name}`); // foo

tf.variableScope("bar", () => {
  tf.variableScope("baz", (otherScope) => {
    console.log(`other_scope.name: ${otherScope.name}`); // bar/baz
    tf.variableScope(fooScope, (fooScope2) => {
      console.log(`foo_scope2.name: ${fooScope2.name}`); // foo: not changed
      const v = tf.getVariable("v", [1]);
      console.log(`a variable made in foo_scope2: ${v.name}`); // foo/v:0
    });
  });
});
