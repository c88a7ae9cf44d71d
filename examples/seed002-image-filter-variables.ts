/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "The Problem": an image filter of
 * two convolutions written with `tf.Variable`. Applying it to two image batches by
 * calling `my_image_filter()` twice creates two sets of variables, 4 in each, 8 in all:
 * the two calls do not share their parameters.
 *
 * Python:
 *   def my_image_filter(input_images):
 *       conv1_weights = tf.Variable(tf.random_normal([5, 5, 32, 32]),
 *           name="conv1_weights")
 *       conv1_biases = tf.Variable(tf.zeros([32]), name="conv1_biases")
 *       conv1 = tf.nn.conv2d(input_images, conv1_weights,
 *           strides=[1, 1, 1, 1], padding='SAME')
 *       relu1 = tf.nn.relu(conv1 + conv1_biases)
 *
 *       conv2_weights = tf.Variable(tf.random_normal([5, 5, 32, 32]),
 *           name="conv2_weights")
 *       conv2_biases = tf.Variable(tf.zeros([32]), name="conv2_biases")
 *       conv2 = tf.nn.conv2d(relu1, conv2_weights,
 *           strides=[1, 1, 1, 1], padding='SAME')
 *       return tf.nn.relu(conv2 + conv2_biases)
 *
 *   # First call creates one set of 4 variables.
 *   result1 = my_image_filter(image1)
 *   # Another set of 4 variables is created in the second call.
 *   result2 = my_image_filter(image2)
 *
 * The guide does not run the filter. This port runs it on two random batches of 2
 * images of 32x32 pixels with 32 channels, and prints the variables, the shapes of the
 * results, and whether the two results are equal when both calls get the same batch:
 * they are not, since each call has its own random weights. The random values
 * themselves are not printed (`tf.setRandomSeed` only makes them repeatable).
 *
 * Run: npx tsx examples/seed002-image-filter-variables.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

tf.setRandomSeed(1234); // repeatable weights and images

function myImageFilter(inputImages: tf.Tensor): tf.Tensor {
  const conv1Weights = new tf.Variable(tf.randomNormal([5, 5, 32, 32]), {
    name: "conv1_weights",
  });
  const conv1Biases = new tf.Variable(tf.zeros([32]), { name: "conv1_biases" });
  const conv1 = tf.nn.conv2d(inputImages, conv1Weights, {
    strides: [1, 1, 1, 1],
    padding: "SAME",
  });
  const relu1 = tf.nn.relu(conv1.add(conv1Biases));

  const conv2Weights = new tf.Variable(tf.randomNormal([5, 5, 32, 32]), {
    name: "conv2_weights",
  });
  const conv2Biases = new tf.Variable(tf.zeros([32]), { name: "conv2_biases" });
  const conv2 = tf.nn.conv2d(relu1, conv2Weights, { strides: [1, 1, 1, 1], padding: "SAME" });
  return tf.nn.relu(conv2.add(conv2Biases));
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

// First call creates one set of 4 variables.
const result1 = myImageFilter(image1);
// Another set of 4 variables is created in the second call.
const result2 = myImageFilter(image2);

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
