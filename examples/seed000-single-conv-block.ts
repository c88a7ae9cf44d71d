/**
 * Seed 000 ("What does variable reuse mean in TensorFlow?"), the `single_conv_block`
 * pitfall: `tf.AUTO_REUSE` is convenient, but a block that opens its variable scope with
 * `reuse=tf.AUTO_REUSE` silently shares its weights with every other block given the same
 * `block_name`, including the batch normalization's `gamma`, `beta` and moving averages.
 *
 * Python:
 *   def single_conv_block(tens, block_name, input_filters, output_filters, kernel_size=3,
 *                         padding="SAME", strides=1, is_training=True):
 *       scope_name = block_name + "_cv"
 *       with tf.variable_scope(scope_name) as scope:
 *           weights = tf.get_variable("weights",
 *               [kernel_size, kernel_size, input_filters, output_filters], dtype=tf.float32,
 *               initializer=tf.contrib.layers.xavier_initializer(uniform=False, seed=0))
 *           bias = tf.get_variable("bias", [output_filters], dtype=tf.float32)
 *           z = tf.add(tf.nn.conv2d(tens, weights, strides=[1, strides, strides, 1],
 *                                   padding=padding), bias)
 *           bn = tf.layers.batch_normalization(z, training=is_training)
 *           activation = tf.nn.relu(bn, name=scope.name)
 *           return activation
 *
 * The seed only describes the problem ("if I forget to use different block_name and also
 * set reuse to tf.AUTO_REUSE, multiple convolutional layers will end up using the same
 * weights"); this port shows it in three graphs, each stacking two blocks on a
 * `(?, 32, 32, 16)` input:
 *
 * 1. the block as written (no reuse) called twice with one name: TensorFlow refuses;
 * 2. the block with `reuse=tf.AUTO_REUSE`, called twice with one name: no error, and the
 *    second block has no weights of its own (6 variables, not 12); its ops are separate
 *    (`block1_cv_1/…`), so the two blocks apply the same filter twice, and both blocks'
 *    batch-norm updates write the same moving averages;
 * 3. the same with different names: each block has its own 6 variables.
 *
 * `tf.contrib.layers.xavier_initializer(uniform=False, seed=0)` becomes
 * `tf.glorotNormalInitializer({ seed: 0 })` (TensorFlow 2 dropped `tf.contrib`); no values
 * are printed, only names, shapes and whether two variables are the same object.
 *
 * Run: npx tsx examples/seed000-single-conv-block.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

interface BlockOptions {
  kernelSize?: number;
  padding?: "SAME" | "VALID";
  strides?: number;
  isTraining?: boolean;
  /** The pitfall: open the block's scope with `reuse=tf.AUTO_REUSE`. */
  reuse?: typeof tf.AUTO_REUSE;
}

function singleConvBlock(
  tens: tf.Tensor,
  blockName: string,
  inputFilters: number,
  outputFilters: number,
  { kernelSize = 3, padding = "SAME", strides = 1, isTraining = true, reuse }: BlockOptions = {},
): tf.Tensor {
  const scopeName = `${blockName}_cv`;
  return tf.variableScope(scopeName, { reuse }, (scope) => {
    const weights = tf.getVariable(
      "weights",
      [kernelSize, kernelSize, inputFilters, outputFilters],
      { dtype: tf.float32, initializer: tf.glorotNormalInitializer({ seed: 0 }) },
    );
    const bias = tf.getVariable("bias", [outputFilters], { dtype: tf.float32 });

    const z = tf.add(
      tf.nn.conv2d(tens, weights, { strides: [1, strides, strides, 1], padding }),
      bias,
    );

    const bn = tf.layers.batchNormalization(z, { training: isTraining });

    return tf.nn.relu(bn, { name: scope.name });
  });
}

/** The first line of an error message (the "Originally defined at:" trace follows it). */
function firstLine(message: string): string {
  return message.split("\n")[0] ?? "";
}

function printVariables(): void {
  const variables = tf.globalVariables();
  console.log(`Variables: ${variables.length}`);
  for (const v of variables) {
    console.log(`  ${v.name} ${v.shape.toString()}${v.trainable ? "" : " (not trainable)"}`);
  }
}

function printUpdateOps(): void {
  const updates = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
  console.log(`UPDATE_OPS: ${updates.length}`);
  for (const op of updates) console.log(`  ${op.name} updates ${op.inputs[0]?.op.name}`);
}

function twoBlocks(first: string, second: string, reuse?: typeof tf.AUTO_REUSE): void {
  const images = tf.placeholder(tf.float32, [null, 32, 32, 16], { name: "images" });
  const h1 = singleConvBlock(images, first, 16, 16, { reuse });
  const h2 = singleConvBlock(h1, second, 16, 16, { reuse });
  console.log(`Outputs: ${h1.name} ${h1.shape.toString()}, ${h2.name} ${h2.shape.toString()}`);
}

console.log('1. The block as written, twice with block_name "block1":');
new tf.Graph().asDefault(() => {
  try {
    twoBlocks("block1", "block1");
  } catch (e) {
    if (!(e instanceof tf.errors.ValueError)) throw e;
    console.log(`ValueError: ${firstLine(e.message)}`);
  }
});

console.log();
console.log('2. With reuse=tf.AUTO_REUSE, twice with block_name "block1" (accidental sharing):');
new tf.Graph().asDefault(() => {
  twoBlocks("block1", "block1", tf.AUTO_REUSE);
  printVariables();
  const conv = tf.getDefaultGraph().getOperationByName("block1_cv/Conv2D");
  const conv1 = tf.getDefaultGraph().getOperationByName("block1_cv_1/Conv2D");
  const sameFilter = conv.inputs[1] === conv1.inputs[1];
  console.log(`block1_cv/Conv2D and block1_cv_1/Conv2D use the same weights: ${sameFilter}`);
  printUpdateOps();
});

console.log();
console.log('3. With reuse=tf.AUTO_REUSE, block_name "block1" then "block2":');
new tf.Graph().asDefault(() => {
  twoBlocks("block1", "block2", tf.AUTO_REUSE);
  printVariables();
  printUpdateOps();
});
