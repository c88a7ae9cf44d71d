/**
 * Seed 000 ("What does variable reuse mean in TensorFlow?"), first example: a function
 * that adds tax and shipping to a price, with both charges held in variables of the
 * `other_charge` variable scope. Called once, it just works.
 *
 * Python:
 *   with tf.variable_scope("other_charge") as scope:
 *       tax = tf.get_variable("tax", (), dtype=tf.float32,
 *                             initializer=tf.constant_initializer(0.05))
 *       ...
 *   with tf.Session() as s: ...
 *
 * Run: npx tsx examples/seed000-tax-and-shipping.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** Add tax and shipping. */
function addTaxAndShipping(price: number): tf.Tensor {
  const [tax, shipping] = tf.variableScope("other_charge", {}, () => [
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

function main(): void {
  const bookPrice = addTaxAndShipping(10.0);

  const initOp = tf.globalVariablesInitializer(); // assigns every variable its initial value

  using s = new tf.Session();
  s.run(initOp); // actually assign the initial values

  const price = s.run(bookPrice) as tf.NDArray;
  console.log(`Price of the book: ${Number(price.item()).toFixed(6)}`);
}

main();
