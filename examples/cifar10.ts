/**
 * TensorFlow's CIFAR-10 tutorial model (tensorflow/models, tutorials/image/cifar10), ported:
 * `cifar10.py`'s `inference()` (conv1 → pool1 → norm1 → conv2 → norm2 → pool2 → local3 →
 * local4 → softmax_linear), `loss()` (cross entropy plus the weight decays in the `losses`
 * collection) and `train()` (SGD with an exponentially decaying learning rate), trained as
 * `cifar10_train.py` does; then the multi-tower build of `cifar10_multi_gpu_train.py`, which is
 * why the tutorial makes every variable with `tf.get_variable`: the second tower reuses the
 * first tower's weights through `tf.get_variable_scope().reuse_variables()`.
 *
 * The images are synthetic: random 32×32×3 batches (CIFAR-10's size) whose mean colour
 * depends on the label, drawn in the graph as the tutorial's input queue is, so that no
 * placeholders are fed; `distortedInputs` applies the tutorial's `tf.image` distortions to
 * them. `tf.setRandomSeed` makes every run the same.
 *
 * Differences from the tutorial, each for a reason given where it happens:
 * - scopeflow has no `tf.nn.lrn`; `lrn()` below computes the same formula from other ops.
 * - scopeflow has no `tf.train.exponential_decay` nor `tf.train.ExponentialMovingAverage`;
 *   `exponentialDecay()` builds the decay from ops, and the moving averages (only used for
 *   summaries and evaluation) are left out. Summaries and devices are left out too.
 *
 * Run: npx tsx examples/cifar10.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

// Global constants of cifar10.py and cifar10_input.py.
const CIFAR_SIZE = 32;
const IMAGE_SIZE = 24;
const NUM_CLASSES = 10;
const NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = 50000;
const NUM_EPOCHS_PER_DECAY = 350.0;
const LEARNING_RATE_DECAY_FACTOR = 0.1;
const INITIAL_LEARNING_RATE = 0.1;
const TOWER_NAME = "tower";
// The tutorial's batch is 128; a small one keeps this example fast on two cores.
const BATCH_SIZE = 16;

/** A variable with a truncated normal initial value and, if `wd` is given, a weight decay. */
function variableWithWeightDecay(
  name: string,
  shape: number[],
  stddev: number,
  wd: number | null,
): tf.Variable {
  const v = tf.getVariable(name, shape, {
    initializer: tf.truncatedNormalInitializer({ stddev }),
    dtype: tf.float32,
  });
  if (wd !== null) {
    const weightDecay = tf.multiply(tf.nn.l2Loss(v), wd, { name: "weight_loss" });
    // tf.add_to_collection: scopeflow has the graph method only, not the tf-level shortcut.
    tf.addToCollection("losses", weightDecay);
  }
  return v;
}

/**
 * `tf.nn.lrn` (local response normalization), which scopeflow lacks:
 * `input / (bias + alpha * sqr_sum) ** beta`, where `sqr_sum` sums the squares over the
 * `2 * depthRadius + 1` neighbouring channels. That sum is a 1×1 convolution of the squares
 * with a band matrix, which keeps the gradient on kernels the wasm backend has.
 */
function lrn(
  input: tf.Tensor,
  depthRadius: number,
  { bias, alpha, beta, name }: { bias: number; alpha: number; beta: number; name: string },
): tf.Tensor {
  return tf.nameScope(name, () => {
    const channels = input.shape.asList().at(-1) as number;
    const band = Array.from({ length: channels }, (_, i) =>
      Array.from({ length: channels }, (_, j) => (Math.abs(i - j) <= depthRadius ? 1 : 0)),
    );
    const window = tf.constant([[band]], { dtype: tf.float32, name: "window" });
    const sqrSum = tf.nn.conv2d(tf.square(input), window, {
      strides: [1, 1, 1, 1],
      padding: "VALID",
    });
    return input.mul(tf.pow(sqrSum.mul(alpha).add(bias), -beta));
  });
}

/**
 * `cifar10_input.distorted_inputs()` on synthetic images: a batch of 32×32×3 images with
 * pixel values in [0, 255] (the tutorial's `uint8image` cast to float) is distorted as the
 * tutorial distorts each image it reads — a random 24×24 crop, a random left-right flip,
 * random brightness and contrast, then per-image standardization — one image at a time by
 * `tf.mapFn`, where the tutorial's input queue batches single distorted images.
 */
function distortedInputs(batchSize: number): [tf.Tensor, tf.Tensor] {
  return tf.nameScope("input", () => {
    const labels = tf.randomUniform([batchSize], {
      minval: 0,
      maxval: NUM_CLASSES,
      dtype: tf.int32,
    });
    // One mean colour per class, so that there is something to learn.
    const colours = tf.randomUniform([NUM_CLASSES, 1, 1, 3], { minval: 64, maxval: 192 });
    const noise = tf.randomNormal([batchSize, CIFAR_SIZE, CIFAR_SIZE, 3], { stddev: 32 });
    const raw = tf.clipByValue(noise.add(tf.gather(colours, labels)), 0, 255);
    const images = tf.nameScope("data_augmentation", () =>
      tf.mapFn((image: tf.Tensor) => {
        // Randomly crop a [height, width] section of the image.
        let distorted = tf.image.randomCrop(image, [IMAGE_SIZE, IMAGE_SIZE, 3]);
        // Randomly flip the image horizontally.
        distorted = tf.image.randomFlipLeftRight(distorted);
        // The tutorial's distortions, in its order (they do not commute).
        distorted = tf.image.randomBrightness(distorted, 63);
        distorted = tf.image.randomContrast(distorted, 0.2, 1.8);
        // Subtract off the mean and divide by the variance of the pixels.
        const floatImage = tf.image.perImageStandardization(distorted);
        floatImage.setShape([IMAGE_SIZE, IMAGE_SIZE, 3]);
        return floatImage;
      }, raw),
    ) as tf.Tensor;
    return [images, labels];
  });
}

/** Builds the CIFAR-10 model and returns its logits. */
function inference(images: tf.Tensor): tf.Tensor {
  const conv1 = tf.variableScope("conv1", (scope) => {
    const kernel = variableWithWeightDecay("weights", [5, 5, 3, 64], 5e-2, null);
    const conv = tf.nn.conv2d(images, kernel, { strides: [1, 1, 1, 1], padding: "SAME" });
    const biases = tf.getVariable("biases", [64], { initializer: tf.constantInitializer(0.0) });
    const preActivation = tf.nn.biasAdd(conv, biases);
    return tf.nn.relu(preActivation, { name: scope.name });
  });
  const pool1 = tf.nn.maxPool(conv1, {
    ksize: [1, 3, 3, 1],
    strides: [1, 2, 2, 1],
    padding: "SAME",
    name: "pool1",
  });
  const norm1 = lrn(pool1, 4, { bias: 1.0, alpha: 0.001 / 9.0, beta: 0.75, name: "norm1" });

  const conv2 = tf.variableScope("conv2", (scope) => {
    const kernel = variableWithWeightDecay("weights", [5, 5, 64, 64], 5e-2, null);
    const conv = tf.nn.conv2d(norm1, kernel, { strides: [1, 1, 1, 1], padding: "SAME" });
    const biases = tf.getVariable("biases", [64], { initializer: tf.constantInitializer(0.1) });
    const preActivation = tf.nn.biasAdd(conv, biases);
    return tf.nn.relu(preActivation, { name: scope.name });
  });
  const norm2 = lrn(conv2, 4, { bias: 1.0, alpha: 0.001 / 9.0, beta: 0.75, name: "norm2" });
  const pool2 = tf.nn.maxPool(norm2, {
    ksize: [1, 3, 3, 1],
    strides: [1, 2, 2, 1],
    padding: "SAME",
    name: "pool2",
  });

  const local3 = tf.variableScope("local3", (scope) => {
    const batch = images.shape.asList()[0] as number;
    const reshape = tf.reshape(pool2, [batch, -1]);
    const dim = reshape.shape.asList()[1] as number;
    const weights = variableWithWeightDecay("weights", [dim, 384], 0.04, 0.004);
    const biases = tf.getVariable("biases", [384], { initializer: tf.constantInitializer(0.1) });
    return tf.nn.relu(tf.matmul(reshape, weights).add(biases), { name: scope.name });
  });

  const local4 = tf.variableScope("local4", (scope) => {
    const weights = variableWithWeightDecay("weights", [384, 192], 0.04, 0.004);
    const biases = tf.getVariable("biases", [192], { initializer: tf.constantInitializer(0.1) });
    return tf.nn.relu(tf.matmul(local3, weights).add(biases), { name: scope.name });
  });

  // The tutorial applies no softmax here: sparse_softmax_cross_entropy_with_logits takes the
  // unscaled logits and does it more efficiently.
  return tf.variableScope("softmax_linear", (scope) => {
    const weights = variableWithWeightDecay("weights", [192, NUM_CLASSES], 1 / 192.0, null);
    const biases = tf.getVariable("biases", [NUM_CLASSES], {
      initializer: tf.constantInitializer(0.0),
    });
    return tf.add(tf.matmul(local4, weights), biases, { name: scope.name });
  });
}

/** Cross entropy plus every weight decay: the total loss. */
function loss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const crossEntropy = tf.nn.sparseSoftmaxCrossEntropyWithLogits({
    labels,
    logits,
    name: "cross_entropy_per_example",
  });
  const crossEntropyMean = tf.reduceMean(crossEntropy, { name: "cross_entropy" });
  tf.addToCollection("losses", crossEntropyMean);
  return tf.addN(tf.getCollection<tf.Tensor>("losses"), { name: "total_loss" });
}

/** `tf.train.exponential_decay`, which scopeflow lacks, from ops. */
function exponentialDecay(
  learningRate: number,
  globalStep: tf.Variable,
  decaySteps: number,
  decayRate: number,
  staircase: boolean,
): tf.Tensor {
  return tf.nameScope("ExponentialDecay", () => {
    let p = tf.cast(globalStep, tf.float32).div(decaySteps);
    if (staircase) p = tf.floor(p);
    return tf.multiply(learningRate, tf.pow(decayRate, p));
  });
}

/** The learning rate, decayed every 350 epochs (far beyond the few steps run here). */
function learningRate(globalStep: tf.Variable): tf.Tensor {
  const numBatchesPerEpoch = NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN / BATCH_SIZE;
  const decaySteps = Math.trunc(numBatchesPerEpoch * NUM_EPOCHS_PER_DECAY);
  return exponentialDecay(
    INITIAL_LEARNING_RATE,
    globalStep,
    decaySteps,
    LEARNING_RATE_DECAY_FACTOR,
    true,
  );
}

/** One SGD step on the total loss (the tutorial's moving averages are left out, see above). */
function train(totalLoss: tf.Tensor, globalStep: tf.Variable): [tf.Operation, tf.Tensor] {
  const lr = learningRate(globalStep);
  const opt = new tf.train.GradientDescentOptimizer(lr);
  const grads = opt.computeGradients(totalLoss);
  return [opt.applyGradients(grads, { globalStep }), lr];
}

function printTrainableVariables(): void {
  const variables = tf.trainableVariables();
  const params = variables.reduce((n, v) => n + (v.shape.numElements() ?? 0), 0);
  console.log(`trainable variables: ${variables.length} (${params} parameters)`);
  for (const v of variables) console.log(`  ${v.name.padEnd(26)} ${v.shape.toString()}`);
}

const fixed = (x: tf.NDArray): string => Number(x.item()).toFixed(4);

// ---- cifar10_train.py: one tower ----------------------------------------------------------
console.log("cifar10_train.py: one tower");
new tf.Graph().asDefault(() => {
  tf.setRandomSeed(1);
  const globalStep = tf.train.getOrCreateGlobalStep();
  const [images, labels] = distortedInputs(BATCH_SIZE);
  const logits = inference(images);
  const totalLoss = loss(logits, labels);
  const [trainOp, lr] = train(totalLoss, globalStep);

  printTrainableVariables();
  const losses = tf.getCollection<tf.Tensor>("losses");
  console.log(`losses collection: ${losses.map((t) => t.name).join(", ")}`);

  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  for (let step = 0; step < 10; step++) {
    const [lossValue] = sess.run([totalLoss, trainOp] as const);
    console.log(`step ${step}, loss = ${fixed(lossValue)}`);
  }
  const [stepValue, lrValue] = sess.run([globalStep, lr] as const);
  console.log(`global_step: ${stepValue.item()}, learning rate: ${fixed(lrValue)}`);
});

// ---- cifar10_multi_gpu_train.py: two towers, one set of variables --------------------------
/** The total loss of one tower: its own cross entropy plus its own weight decays. */
function towerLoss(scope: string, images: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const logits = inference(images);
  loss(logits, labels);
  // Only this tower's losses: each tower adds its own to the shared collection.
  const losses = tf.getCollection<tf.Tensor>("losses", scope);
  return tf.addN(losses, { name: "total_loss" });
}

/** The mean over the towers of each variable's gradient. */
function averageGradients(towerGrads: tf.train.GradAndVar[][]): tf.train.GradAndVar[] {
  const first = towerGrads[0] ?? [];
  return first.map(([, v], i) => {
    const grads = towerGrads.map((tower) => tf.expandDims(tower[i]?.[0] as tf.Tensor, 0));
    const grad = tf.reduceMean(tf.concat(grads, 0), { axis: 0 });
    return [grad, v];
  });
}

console.log();
console.log("cifar10_multi_gpu_train.py: two towers");
new tf.Graph().asDefault(() => {
  tf.setRandomSeed(1);
  const numGpus = 2;
  const globalStep = tf.train.getOrCreateGlobalStep();
  const lr = learningRate(globalStep);
  const opt = new tf.train.GradientDescentOptimizer(lr);
  const towerGrads: tf.train.GradAndVar[][] = [];
  const towerLosses: tf.Tensor[] = [];
  tf.variableScope(tf.getVariableScope(), () => {
    for (let i = 0; i < numGpus; i++) {
      tf.nameScope(`${TOWER_NAME}_${i}`, (scope) => {
        const [images, labels] = distortedInputs(BATCH_SIZE / numGpus);
        const towerTotal = towerLoss(scope, images, labels);
        // Every later tower shares the variables the first one made.
        tf.getVariableScope().reuseVariables();
        towerGrads.push(opt.computeGradients(towerTotal));
        towerLosses.push(towerTotal);
      });
    }
  });
  const trainOp = opt.applyGradients(averageGradients(towerGrads), { globalStep });

  const variables = tf.trainableVariables();
  console.log(`trainable variables: ${variables.length}, shared by both towers`);
  for (const [i, towerTotal] of towerLosses.entries()) {
    const scope = `${TOWER_NAME}_${i}/`;
    const own = tf.getCollection<tf.Tensor>("losses", scope);
    console.log(`${towerTotal.name} adds ${own.map((t) => t.name).join(", ")}`);
  }
  const conv1 = ["tower_0/conv1/Conv2D", "tower_1/conv1/Conv2D"].map(
    (name) => tf.getDefaultGraph().getOperationByName(name).inputs[1]?.name,
  );
  console.log(`conv1 filters: ${conv1.join(", ")}`);

  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  for (let step = 0; step < 4; step++) {
    const [losses] = sess.run([towerLosses, trainOp] as const);
    console.log(`step ${step}, tower losses = ${losses.map(fixed).join(", ")}`);
  }
});
