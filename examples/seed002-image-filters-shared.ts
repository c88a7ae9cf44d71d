/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Variable Scope Example": to share
 * the filter's variables between two calls of `my_image_filter()`, open a variable scope
 * around both and call `scope.reuse_variables()` between them. The second call then
 * gets the 4 variables the first one created: lightweight and safe.
 *
 * Python:
 *   def conv_relu(input, kernel_shape, bias_shape):
 *       weights = tf.get_variable("weights", kernel_shape,
 *           initializer=tf.random_normal_initializer())
 *       biases = tf.get_variable("biases", bias_shape,
 *           initializer=tf.constant_initializer(0.0))
 *       conv = tf.nn.conv2d(input, weights,
 *           strides=[1, 1, 1, 1], padding='SAME')
 *       return tf.nn.relu(conv + biases)
 *
 *   def my_image_filter(input_images):
 *       with tf.variable_scope("conv1"):
 *           relu1 = conv_relu(input_images, [5, 5, 32, 32], [32])
 *       with tf.variable_scope("conv2"):
 *           return conv_relu(relu1, [5, 5, 32, 32], [32])
 *
 *   with tf.variable_scope("image_filters") as scope:
 *       result1 = my_image_filter(image1)
 *       scope.reuse_variables()
 *       result2 = my_image_filter(image2)
 *
 * The guide does not run the filter. This port runs it on two random batches of 2
 * images of 32x32 pixels with 32 channels, and prints the variables, the shapes of the
 * results, and whether the two results are equal when both calls get the same batch:
 * they are, since the calls share their weights. The random values themselves are not
 * printed (`tf.setRandomSeed` only makes them repeatable).
 *
 * Run: npx tsx examples/seed002-image-filters-shared.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

tf.setRandomSeed(1234); // repeatable weights and images

function convRelu(input: tf.Tensor, kernelShape: number[], biasShape: number[]): tf.Tensor {
  // Create variable named "weights".
  const weights = tf.getVariable("weights", kernelShape, {
    initializer: tf.randomNormalInitializer(),
  });
  // Create variable named "biases".
  const biases = tf.getVariable("biases", biasShape, {
    initializer: tf.constantInitializer(0.0),
  });
  const conv = tf.nn.conv2d(input, weights, { strides: [1, 1, 1, 1], padding: "SAME" });
  return tf.nn.relu(conv.add(biases));
}

function myImageFilter(inputImages: tf.Tensor): tf.Tensor {
  const relu1 = tf.variableScope("conv1", () =>
    // Variables created here will be named "conv1/weights", "conv1/biases".
    convRelu(inputImages, [5, 5, 32, 32], [32]),
  );
  return tf.variableScope("conv2", () =>
    // Variables created here will be named "conv2/weights", "conv2/biases".
    convRelu(relu1, [5, 5, 32, 32], [32]),
  );
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

const [result1, result2] = tf.variableScope("image_filters", (scope) => {
  const result1 = myImageFilter(image1);
  scope.reuseVariables();
  const result2 = myImageFilter(image2);
  return [result1, result2];
});

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
