/**
 * Seed 000 ("What does variable reuse mean in TensorFlow?"), second solution: instead of
 * `tf.AUTO_REUSE`, `add_tax_and_shipping` takes a `reuse` argument, and only the second
 * caller asks for reuse explicitly. This guards against sharing variables by accident
 * and prints the same results as the `AUTO_REUSE` version (seed000-auto-reuse.ts).
 *
 * Python:
 *   def add_tax_and_shipping(price, reuse=False):
 *       with tf.variable_scope("other_charge", reuse=reuse) as scope: ...
 *   book_price = add_tax_and_shipping(10.0)
 *   sketchpad_price = add_tax_and_shipping(20.0, reuse=True)
 *
 * Run: npx tsx examples/seed000-explicit-reuse.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** Add tax and shipping; the caller says whether the charges already exist. */
function addTaxAndShipping(price: number, reuse = false): tf.Tensor {
  const [tax, shipping] = tf.variableScope("other_charge", { reuse }, () => [
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
  const sketchpadPrice = addTaxAndShipping(20.0, true);

  const initOp = tf.globalVariablesInitializer(); // assigns every variable its initial value

  {
    using s = new tf.Session();
    s.run(initOp); // actually assign the initial values

    let price = s.run(bookPrice) as tf.NDArray;
    console.log(`Price of the book: ${Number(price.item()).toFixed(6)}`);

    price = s.run(sketchpadPrice) as tf.NDArray;
    console.log(`Price of the sketchpad: ${Number(price.item()).toFixed(6)}`);
  }

  // Try to double tax!
  const graph = tf.getDefaultGraph();
  const tax = graph.getTensorByName("other_charge/tax:0");

  console.log("Doubling tax");
  const doubleTax = tf.assign(tax, tax.mul(2.0));
  {
    using s = new tf.Session();
    s.run(initOp); // a new session starts from the initial values again

    s.run(doubleTax);

    let price = s.run(bookPrice) as tf.NDArray;
    console.log(`Price of the book: ${Number(price.item()).toFixed(6)}`);

    price = s.run(sketchpadPrice) as tf.NDArray;
    console.log(`Price of the sketchpad: ${Number(price.item()).toFixed(6)}`);
  }
}

main();
