/**
 * The classic TensorFlow 1.x input pipeline: in-memory arrays fed once per epoch through
 * placeholders into `tf.data.Dataset.from_tensor_slices` (the `features_placeholder`
 * pattern of TF's "Importing Data" guide), preprocessed with `map`, shuffled with a seed,
 * batched, read by an initializable iterator, and trained until `OutOfRangeError` ends each
 * epoch; then a reinitializable iterator (`Iterator.from_structure`) switches one model
 * between the training and the validation data.
 *
 * Python:
 *   features_placeholder = tf.placeholder(tf.float32, [None, 2])
 *   labels_placeholder = tf.placeholder(tf.int32, [None])
 *   dataset = tf.data.Dataset.from_tensor_slices((features_placeholder, labels_placeholder))
 *   dataset = dataset.map(lambda x, y: ((x - mean) / std, y)).shuffle(64, seed=1).batch(16)
 *   iterator = dataset.make_initializable_iterator()
 *   x, y = iterator.get_next()
 *   ...
 *   for epoch in range(EPOCHS):
 *     sess.run(iterator.initializer, feed_dict={features_placeholder: ..., labels_placeholder: ...})
 *     while True:
 *       try: sess.run(train_op)
 *       except tf.errors.OutOfRangeError: break
 *
 * The data are points of two interleaved arcs, computed here, so every run prints the same
 * numbers (the shuffle and the initial weights are seeded).
 *
 * Run: npx tsx examples/tf-data-pipeline.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const EPOCHS = 8;

/** `n` points of two arcs around (0, 0) and (1, 0.5); label 1 for the second arc. */
function arcs(n: number, phase: number): { xs: number[][]; ys: number[] } {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (Math.PI * (i + phase)) / n;
    const label = i % 2;
    const r = 1 + 0.15 * Math.sin(7 * i);
    xs.push(
      label === 0
        ? [r * Math.cos(t), r * Math.sin(t)]
        : [1 - r * Math.cos(t), 0.5 - r * Math.sin(t)],
    );
    ys.push(label);
  }
  return { xs, ys };
}

const train = arcs(200, 0);
const valid = arcs(60, 0.5);

tf.setRandomSeed(1);

// ---- the pipeline ---------------------------------------------------------------------
const featuresPlaceholder = tf.placeholder(tf.float32, [null, 2], { name: "features" });
const labelsPlaceholder = tf.placeholder(tf.int32, [null], { name: "labels" });
const mean = tf.constant([0.5, 0.25]);
const dataset = tf.data.Dataset.fromTensorSlices([featuresPlaceholder, labelsPlaceholder])
  .map((x, y) => [tf.subtract(x as tf.Tensor, mean), y])
  .shuffle(64, 1)
  .batch(16);
const iterator = dataset.makeInitializableIterator();
const [x, y] = iterator.getNext() as [tf.Tensor, tf.Tensor];

console.log("element types:", JSON.stringify(dataset.outputTypes));
console.log("element shapes:", (dataset.outputShapes as tf.TensorShape[]).map(String).join(" "));
console.log("next element:", x.toString());

// ---- the model ------------------------------------------------------------------------
function model(inputs: tf.Tensor): tf.Tensor {
  return tf.variableScope("model", { reuse: tf.AUTO_REUSE }, () => {
    const hidden = tf.layers.dense(inputs, 16, { activation: tf.nn.relu, name: "hidden" });
    return tf.layers.dense(hidden, 2, { name: "logits" });
  });
}

const logits = model(x);
const loss = tf.losses.sparseSoftmaxCrossEntropy(y, logits);
const trainOp = new tf.train.AdamOptimizer(0.05).minimize(loss);

// ---- training: one pass over the data per initialization ------------------------------
using sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
const feed = (data: { xs: number[][]; ys: number[] }): Map<tf.Tensor, unknown> =>
  new Map<tf.Tensor, unknown>([
    [featuresPlaceholder, data.xs],
    [labelsPlaceholder, data.ys],
  ]);
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  sess.run(iterator.initializer, feed(train));
  let steps = 0;
  let total = 0;
  for (;;) {
    try {
      const [, l] = sess.run([trainOp, loss]) as [null, tf.NDArray];
      total += Number(l.item());
      steps++;
    } catch (e) {
      if (!(e instanceof tf.errors.OutOfRangeError)) throw e;
      break;
    }
  }
  console.log(`epoch ${epoch}: ${steps} batches, mean loss ${(total / steps).toFixed(3)}`);
}

// ---- a reinitializable iterator: one model, two datasets ------------------------------
const switchable = tf.data.Iterator.fromStructure(dataset.outputTypes, dataset.outputShapes);
const [vx, vy] = switchable.getNext() as [tf.Tensor, tf.Tensor];
const correct = tf.equal(tf.argmax(model(vx), 1, { outputType: tf.int32 }), vy);
const accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
const fromTrain = switchable.makeInitializer(dataset);
const fromValid = switchable.makeInitializer(dataset);

for (const [name, init, data] of [
  ["train", fromTrain, train],
  ["valid", fromValid, valid],
] as const) {
  sess.run(init, feed(data));
  const batches: number[] = [];
  for (;;) {
    try {
      batches.push(Number(sess.run(accuracy).item()));
    } catch (e) {
      if (!(e instanceof tf.errors.OutOfRangeError)) throw e;
      break;
    }
  }
  const avg = batches.reduce((a, b) => a + b, 0) / batches.length;
  console.log(`${name} accuracy over ${batches.length} batches: ${avg.toFixed(3)}`);
}
console.log("initializers:", fromTrain.name, fromValid.name);
