/**
 * Seed 000 ("What does variable reuse mean in TensorFlow?"), first solution:
 * `reuse=tf.AUTO_REUSE` lets `add_tax_and_shipping` be called twice, so the book and the
 * sketch pad share one `other_charge/tax` and one `other_charge/shipping`. The tax
 * variable is then looked up by name (`graph.get_tensor_by_name("other_charge/tax:0")`)
 * and doubled with `tf.assign` in a second session, which changes both prices.
 *
 * Python:
 *   with tf.variable_scope("other_charge", reuse=tf.AUTO_REUSE) as scope: ...
 *   tax = graph.get_tensor_by_name("other_charge/tax:0")
 *   double_tax = tf.assign(tax, tax * 2.0)
 *
 * Run: npx tsx examples/seed000-auto-reuse.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

/** Add tax and shipping. */
function addTaxAndShipping(price: number): tf.Tensor {
  const [tax, shipping] = tf.variableScope("other_charge", { reuse: tf.AUTO_REUSE }, () => [
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
  const sketchpadPrice = addTaxAndShipping(20.0);

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
