/**
 * Seed 000 ("What does variable reuse mean in TensorFlow?"): setting `reuse=True` in
 * `add_tax_and_shipping` makes even the first call fail, because with `reuse=True`
 * `tf.get_variable` only returns variables that already exist.
 *
 * Python:
 *   with tf.variable_scope("other_charge", reuse=True) as scope:
 *       tax = tf.get_variable("tax", (), dtype=tf.float32,
 *                             initializer=tf.constant_initializer(0.05))  # raises
 *   # ValueError: Variable other_charge/tax does not exist, or was not created with
 *   # tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?
 *
 * The seed's script stops with the uncaught error; this port catches it and prints it
 * the way Python shows it.
 *
 * Run: npx tsx examples/seed000-reuse-true.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** Add tax and shipping. */
function addTaxAndShipping(price: number): tf.Tensor {
  // This line causes an exception to be thrown on the next line!
  const [tax, shipping] = tf.variableScope("other_charge", { reuse: true }, () => [
    tf.getVariable("tax", [], {
      dtype: tf.float32,
      initializer: tf.constantInitializer(0.05), // 5%
    }),
    tf.getVariable("shipping", [], {
      dtype: tf.float32,
      initializer: tf.constantInitializer(10.0), // $10
    }),
  ]);
  // Python's `price * (1.0 + tax) + shipping`: the same ops (add, mul, add_1).
  return tax.add(1.0).mul(price).add(shipping);
}

try {
  addTaxAndShipping(10.0);
} catch (e) {
  if (!(e instanceof tf.errors.ValueError)) throw e;
  console.log(`ValueError: ${e.message}`);
}
