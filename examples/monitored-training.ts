/**
 * The TF 1.x training loop without a `Supervisor`: `tf.train.MonitoredTrainingSession` with
 * hooks, as TF 1.15's guides write it, run twice on one checkpoint directory. The first run
 * trains 60 steps and stops (`StopAtStepHook`); the second builds the same graph again,
 * finds the newest checkpoint, restores it instead of initializing, and trains on to step
 * 100. `LoggingTensorHook` prints the loss; `CheckpointSaverHook` (installed by
 * `checkpoint_dir` and `save_checkpoint_steps`) writes the checkpoints.
 *
 * Python:
 *   hooks = [tf.train.StopAtStepHook(last_step=60),
 *            tf.train.LoggingTensorHook({"step": global_step, "loss": loss}, every_n_iter=20,
 *                                       formatter=...)]
 *   with tf.train.MonitoredTrainingSession(checkpoint_dir="train_dir", hooks=hooks,
 *                                          save_checkpoint_steps=25) as sess:
 *       while not sess.should_stop():
 *           sess.run(train_op, feed_dict={x: xs, y: ys})
 *
 * The model is a line fitted to y = 3x - 1 by gradient descent, its weights starting at
 * zero, so every run prints the same numbers. The checkpoint directory is made in the
 * system's temporary directory; the program works from there so the printed paths are
 * relative, and removes it at the end.
 *
 * Run: npx tsx examples/monitored-training.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../src/index.js";

await tf.ready();

const XS = [[-1], [0], [1], [2]];
const YS = XS.map(([v]) => [3 * (v as number) - 1]);

function build() {
  const x = tf.placeholder(tf.float32, [null, 1], "x");
  const y = tf.placeholder(tf.float32, [null, 1], "y");
  const w = tf.getVariable("w", [1, 1], { initializer: tf.zerosInitializer() });
  const b = tf.getVariable("b", [1], { initializer: tf.zerosInitializer() });
  const loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.matmul(x, w), b), y)));
  const globalStep = tf.train.getOrCreateGlobalStep();
  const trainOp = new tf.train.GradientDescentOptimizer(0.02).minimize(loss, { globalStep });
  return { x, y, w, b, loss, globalStep, trainOp };
}

function train(lastStep: number): void {
  tf.resetDefaultGraph();
  const m = build();
  const hooks = [
    new tf.train.StopAtStepHook({ lastStep }),
    new tf.train.LoggingTensorHook({ loss: m.loss }, 20, {
      formatter: (v: tf.train.TensorValues) => `loss = ${Number(v.loss?.item()).toFixed(6)}`,
    }),
  ];
  using sess = tf.train.MonitoredTrainingSession({
    checkpointDir: "train_dir",
    hooks,
    saveCheckpointSteps: 25,
  });
  const feed = new Map<tf.Tensor, number[][]>([
    [m.x, XS],
    [m.y, YS],
  ]);
  while (!sess.shouldStop()) sess.run(m.trainOp, feed);
}

const cwd = process.cwd();
const dir = mkdtempSync(join(tmpdir(), "monitored-training-"));
process.chdir(dir);
try {
  console.info("first run");
  train(60);
  console.info(`newest checkpoint: ${tf.train.latestCheckpoint("train_dir")}`);
  console.info("second run");
  train(100);
  console.info(`newest checkpoint: ${tf.train.latestCheckpoint("train_dir")}`);
  const w = tf.train.loadVariable("train_dir", "w").item();
  const b = tf.train.loadVariable("train_dir", "b").item();
  console.info(`w = ${Number(w).toFixed(4)}, b = ${Number(b).toFixed(4)}`);
} finally {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
}
