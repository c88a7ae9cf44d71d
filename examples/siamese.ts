/**
 * A siamese network, as the classic TensorFlow 1.x MNIST siamese example builds it
 * (`siamese_tf_mnist`): one tower of fully connected layers, applied to both inputs of a pair
 * inside `tf.variable_scope("siamese")`, with `scope.reuse_variables()` between the two calls,
 * so both inputs are embedded with the same weights; trained with a contrastive loss ("loss
 * with spring") that pulls the embeddings of similar pairs together and pushes dissimilar ones
 * at least `margin` apart.
 *
 * Python (the model):
 *   with tf.variable_scope("siamese") as scope:
 *       self.o1 = self.network(self.x1)
 *       scope.reuse_variables()
 *       self.o2 = self.network(self.x2)
 *
 * The data is the repository's data/pairs.csv instead of MNIST: pairs of 2-D points, labelled
 * 1 when both points come from the same of four clusters. The tower is therefore narrower
 * (2 → 64 → 64 → 2 instead of 784 → 1024 → 1024 → 2); the layers, initializers, loss and
 * optimizer are the original's. The variables are initialized from `tf.setRandomSeed`, and
 * the batches are taken in file order, so every run prints the same numbers.
 *
 * Run: npx tsx examples/siamese.ts
 */
import { readFileSync } from "node:fs";
import * as tf from "../src/index.js";

await tf.ready();

const BATCH_SIZE = 128;
const STEPS = 1000;

// ---- data: ax,ay,bx,by,same ------------------------------------------------------------
const rows = readFileSync(new URL("../data/pairs.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => line.split(",").map(Number));
const split = Math.floor(rows.length * 0.8);
const trainRows = rows.slice(0, split);
const testRows = rows.slice(split);

interface Batch {
  x1: tf.NDArray;
  x2: tf.NDArray;
  y: tf.NDArray;
}

function batchOf(part: number[][]): Batch {
  const n = part.length;
  const x1 = new Float32Array(n * 2);
  const x2 = new Float32Array(n * 2);
  const y = new Float32Array(n);
  part.forEach(([ax = 0, ay = 0, bx = 0, by = 0, same = 0], i) => {
    x1.set([ax, ay], i * 2);
    x2.set([bx, by], i * 2);
    y[i] = same;
  });
  return {
    x1: tf.NDArray.fromTypedArray(x1, [n, 2], "float32"),
    x2: tf.NDArray.fromTypedArray(x2, [n, 2], "float32"),
    y: tf.NDArray.fromTypedArray(y, [n], "float32"),
  };
}

// ---- the model ---------------------------------------------------------------------------
tf.setRandomSeed(3);

function fcLayer(bottom: tf.Tensor, nWeight: number, name: string): tf.Tensor {
  const nPrevWeight = bottom.shape.asList()[1] as number;
  const initer = tf.truncatedNormalInitializer({ stddev: 0.01 });
  const W = tf.getVariable(`${name}W`, [nPrevWeight, nWeight], {
    dtype: tf.float32,
    initializer: initer,
  });
  // The original passes a constant tensor as the initializer (and so no shape).
  const b = tf.getVariable(`${name}b`, {
    dtype: tf.float32,
    initializer: tf.constant(0.01, { shape: [nWeight], dtype: tf.float32 }),
  });
  return tf.nn.biasAdd(tf.matmul(bottom, W), b);
}

function network(x: tf.Tensor): tf.Tensor {
  const fc1 = fcLayer(x, 64, "fc1");
  const ac1 = tf.nn.relu(fc1);
  const fc2 = fcLayer(ac1, 64, "fc2");
  const ac2 = tf.nn.relu(fc2);
  return fcLayer(ac2, 2, "fc3");
}

const x1 = tf.placeholder(tf.float32, [null, 2], { name: "x1" });
const x2 = tf.placeholder(tf.float32, [null, 2], { name: "x2" });
const [o1, o2] = tf.variableScope("siamese", (scope) => {
  const first = network(x1);
  scope.reuseVariables();
  return [first, network(x2)];
});
const y_ = tf.placeholder(tf.float32, [null], { name: "y_" });

/** yi * ||o1 - o2||^2 + (1 - yi) * max(0, margin - ||o1 - o2||)^2, averaged. */
function lossWithSpring(): [tf.Tensor, tf.Tensor] {
  const margin = 5.0;
  const labelsT = y_;
  const labelsF = tf.subtract(1.0, y_, { name: "1-yi" });
  const eucd2 = tf.reduceSum(tf.pow(tf.subtract(o1, o2), 2), { axis: 1 });
  const eucd = tf.sqrt(eucd2.add(1e-6), { name: "eucd" });
  const C = tf.constant(margin, { name: "C" });
  const pos = tf.multiply(labelsT, eucd2, { name: "yi_x_eucd2" });
  const neg = tf.multiply(labelsF, tf.pow(tf.maximum(tf.subtract(C, eucd), 0), 2), {
    name: "Nyi_x_C-eucd_xx_2",
  });
  const losses = tf.add(pos, neg, { name: "losses" });
  return [tf.reduceMean(losses, { name: "loss" }), eucd];
}
const [loss, distance] = lossWithSpring();
const trainStep = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);

// ---- one set of tower weights --------------------------------------------------------------
console.log("trainable variables:");
for (const v of tf.trainableVariables())
  console.log(`  ${v.name.padEnd(16)} ${v.shape.toString()}`);
console.log("forward MatMul ops and the weights they read:");
for (const op of tf.getDefaultGraph().getOperations()) {
  if (op.type === "MatMul" && !op.name.startsWith("gradients/")) {
    console.log(`  ${op.name.padEnd(18)} ${op.inputs[1]?.name}`);
  }
}

// ---- training ------------------------------------------------------------------------------
using sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
const test = batchOf(testRows);

/** Held-out mean embedding distance of same-cluster and different-cluster pairs. */
function distances(): string {
  const feeds = new Map([
    [x1, test.x1],
    [x2, test.x2],
  ]);
  const d = sess.run(distance, feeds).data as Float32Array;
  const label = test.y.data as Float32Array;
  const mean = (same: boolean): number => {
    let sum = 0;
    let n = 0;
    d.forEach((value, i) => {
      if ((label[i] === 1) === same) {
        sum += value;
        n++;
      }
    });
    return sum / n;
  };
  return `same ${mean(true).toFixed(4)}, different ${mean(false).toFixed(4)}`;
}

console.log(`held-out mean distance before training: ${distances()}`);
const batchesPerEpoch = Math.floor(trainRows.length / BATCH_SIZE);
for (let step = 1; step <= STEPS; step++) {
  const start = ((step - 1) % batchesPerEpoch) * BATCH_SIZE;
  const batch = batchOf(trainRows.slice(start, start + BATCH_SIZE));
  const feeds = new Map([
    [x1, batch.x1],
    [x2, batch.x2],
    [y_, batch.y],
  ]);
  const [lossValue] = sess.run([loss, trainStep] as const, feeds);
  if (step === 1 || step % 100 === 0) {
    console.log(`step ${step}: loss ${Number(lossValue.item()).toFixed(4)}`);
  }
}
console.log(`held-out mean distance after training: ${distances()}`);
