/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "The Problem": a common way to
 * share variables is to create them in a separate piece of code, here a dictionary of 4
 * `tf.Variable`s, and pass them to the function that uses them. Both calls of
 * `my_image_filter()` then use the same 4 variables (at the cost of encapsulation).
 *
 * Python:
 *   variables_dict = {
 *       "conv1_weights": tf.Variable(tf.random_normal([5, 5, 32, 32]),
 *           name="conv1_weights")
 *       "conv1_biases": tf.Variable(tf.zeros([32]), name="conv1_biases")
 *       ... etc. ...
 *   }
 *
 *   def my_image_filter(input_images, variables_dict):
 *       conv1 = tf.nn.conv2d(input_images, variables_dict["conv1_weights"],
 *           strides=[1, 1, 1, 1], padding='SAME')
 *       relu1 = tf.nn.relu(conv1 + variables_dict["conv1_biases"])
 *
 *       conv2 = tf.nn.conv2d(relu1, variables_dict["conv2_weights"],
 *           strides=[1, 1, 1, 1], padding='SAME')
 *       return tf.nn.relu(conv2 + variables_dict["conv2_biases"])
 *
 *   # Both calls to my_image_filter() now use the same variables
 *   result1 = my_image_filter(image1, variables_dict)
 *   result2 = my_image_filter(image2, variables_dict)
 *
 * The guide's dictionary lacks commas and elides the conv2 entries ("... etc. ..."); this
 * port completes it. The guide does not run the filter. This port runs it on two random
 * batches of 2 images of 32x32 pixels with 32 channels, and prints the variables, the
 * shapes of the results, and whether the two results are equal when both calls get the
 * same batch: they are, since the calls share their weights. The random values
 * themselves are not printed (`tf.setRandomSeed` only makes them repeatable).
 *
 * Run: npx tsx examples/seed002-variables-dict.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

tf.setRandomSeed(1234); // repeatable weights and images

const variablesDict = {
  conv1_weights: new tf.Variable(tf.randomNormal([5, 5, 32, 32]), { name: "conv1_weights" }),
  conv1_biases: new tf.Variable(tf.zeros([32]), { name: "conv1_biases" }),
  conv2_weights: new tf.Variable(tf.randomNormal([5, 5, 32, 32]), { name: "conv2_weights" }),
  conv2_biases: new tf.Variable(tf.zeros([32]), { name: "conv2_biases" }),
};

function myImageFilter(inputImages: tf.Tensor, vars: typeof variablesDict): tf.Tensor {
  const conv1 = tf.nn.conv2d(inputImages, vars.conv1_weights, {
    strides: [1, 1, 1, 1],
    padding: "SAME",
  });
  const relu1 = tf.nn.relu(conv1.add(vars.conv1_biases));

  const conv2 = tf.nn.conv2d(relu1, vars.conv2_weights, {
    strides: [1, 1, 1, 1],
    padding: "SAME",
  });
  return tf.nn.relu(conv2.add(vars.conv2_biases));
}

/** Whether two arrays have the same shape and the very same elements. */
function sameValues(a: tf.NDArray, b: tf.NDArray): boolean {
  const x = a.data as ArrayLike<number>;
  const y = b.data as ArrayLike<number>;
  return a.shape.join() === b.shape.join() && Array.from(x).every((v, i) => v === y[i]);
}

/** A shape as Python prints a tuple: `(2, 32, 32, 32)`. */
function shapeString(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

const image1 = tf.placeholder(tf.float32, [2, 32, 32, 32], { name: "image1" });
const image2 = tf.placeholder(tf.float32, [2, 32, 32, 32], { name: "image2" });

// Both calls to myImageFilter() now use the same variables.
const result1 = myImageFilter(image1, variablesDict);
const result2 = myImageFilter(image2, variablesDict);

const variables = tf.globalVariables();
console.log(`${variables.length} variables:`);
for (const v of variables) console.log(`  ${v}`);

// Two batches of 2 random 32x32 images with 32 channels.
const randomImages = [tf.randomNormal([2, 32, 32, 32]), tf.randomNormal([2, 32, 32, 32])];

{
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const [batch1, batch2] = sess.run(randomImages) as tf.NDArray[];

  const [out1, out2] = sess.run(
    [result1, result2],
    new Map([
      [image1, batch1],
      [image2, batch2],
    ]),
  ) as tf.NDArray[];
  console.log(`result1 shape: ${shapeString(out1.shape)}`);
  console.log(`result2 shape: ${shapeString(out2.shape)}`);

  const [same1, same2] = sess.run(
    [result1, result2],
    new Map([
      [image1, batch1],
      [image2, batch1],
    ]),
  ) as tf.NDArray[];
  console.log(`result1 == result2 on the same batch: ${sameValues(same1, same2)}`);
}
