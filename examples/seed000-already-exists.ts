/**
 * Seed 000 ("What does variable reuse mean in TensorFlow?"): calling
 * `add_tax_and_shipping` a second time, for the sketch pad, without any reuse setting
 * fails, because `tf.get_variable` refuses to hand out an existing variable by accident.
 *
 * Python:
 *   book_price = add_tax_and_shipping(10.0)
 *   sketchpad_price = add_tax_and_shipping(20.0)
 *   # ValueError: Variable other_charge/tax already exists, disallowed. Did you mean to
 *   # set reuse=True or reuse=tf.AUTO_REUSE in VarScope?
 *
 * The seed's script stops with the uncaught error; this port catches it and prints it
 * the way Python shows it. TensorFlow 1.15's message goes on with " Originally defined
 * at:" and a trace of file paths and line numbers (the seed cut that part off); only the
 * message's first line is printed, so the output is the same on every machine.
 *
 * Run: npx tsx examples/seed000-already-exists.ts
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

/** The first line of an error message (the "Originally defined at:" trace follows it). */
function firstLine(message: string): string {
  return message.split("\n")[0] ?? "";
}

try {
  addTaxAndShipping(10.0); // the book: creates other_charge/tax and other_charge/shipping
  addTaxAndShipping(20.0); // the sketch pad: other_charge/tax already exists
} catch (e) {
  if (!(e instanceof tf.errors.ValueError)) throw e;
  console.log(`ValueError: ${firstLine(e.message)}`);
}
