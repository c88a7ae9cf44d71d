/**
 * Seed 002 (TensorFlow's "Sharing Variables" guide), "Variable Scope Example": the
 * convolution written once as `conv_relu`, with `tf.get_variable`, and used for `conv1`
 * and `conv2` under two variable scopes. Calling `my_image_filter()` twice without
 * asking for reuse fails: `tf.get_variable` checks that existing variables are not
 * shared by accident.
 *
 * Python:
 *   def conv_relu(input, kernel_shape, bias_shape):
 *       # Create variable named "weights".
 *       weights = tf.get_variable("weights", kernel_shape,
 *           initializer=tf.random_normal_initializer())
 *       # Create variable named "biases".
 *       biases = tf.get_variable("biases", bias_shape,
 *           initializer=tf.constant_initializer(0.0))
 *       conv = tf.nn.conv2d(input, weights,
 *           strides=[1, 1, 1, 1], padding='SAME')
 *       return tf.nn.relu(conv + biases)
 *
 *   def my_image_filter(input_images):
 *       with tf.variable_scope("conv1"):
 *           # Variables created here will be named "conv1/weights", "conv1/biases".
 *           relu1 = conv_relu(input_images, [5, 5, 32, 32], [32])
 *       with tf.variable_scope("conv2"):
 *           # Variables created here will be named "conv2/weights", "conv2/biases".
 *           return conv_relu(relu1, [5, 5, 32, 32], [32])
 *
 *   result1 = my_image_filter(image1)
 *   result2 = my_image_filter(image2)
 *   # Raises ValueError(... conv1/weights already exists ...)
 *
 * This port catches the error and prints it the way Python shows it, up to "Originally
 * defined at:": the trace after it names file paths and line numbers that differ from
 * machine to machine. Then it prints the variables the first call created.
 *
 * Run: npx tsx examples/seed002-conv-relu-already-exists.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

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

/** The first line of an error message (the "Originally defined at:" trace follows it). */
function firstLine(message: string): string {
  return message.split("\n")[0] ?? "";
}

const image1 = tf.placeholder(tf.float32, [2, 32, 32, 32], { name: "image1" });
const image2 = tf.placeholder(tf.float32, [2, 32, 32, 32], { name: "image2" });

try {
  myImageFilter(image1);
  myImageFilter(image2); // raises ValueError(... conv1/weights already exists ...)
} catch (e) {
  if (!(e instanceof tf.errors.ValueError)) throw e;
  console.log(`ValueError: ${firstLine(e.message)}`);
}

const variables = tf.globalVariables();
console.log(`${variables.length} variables:`);
for (const v of variables) console.log(`  ${v}`);
