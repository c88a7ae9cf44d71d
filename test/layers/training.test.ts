/**
 * Short training runs through each layer: the loss must fall, every trainable variable must
 * get a gradient, and batch normalization's moving averages must move when its update ops
 * run with the train op.
 */
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { missingGradients, wave } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(1234);
});

interface Model {
  loss: tf.Tensor;
  feed: Map<tf.Tensor, unknown>;
}

/** Checks every variable gets a gradient, trains `steps` steps, returns [first, last] loss. */
function train(
  model: Model,
  options: { steps?: number; lr?: number; adam?: boolean } = {},
): [number, number] {
  expect(missingGradients(model.loss), "ops without a gradient").toEqual([]);
  const optimizer = options.adam
    ? new tf.train.AdamOptimizer(options.lr ?? 0.01)
    : new tf.train.GradientDescentOptimizer(options.lr ?? 0.05);
  const gradsAndVars = optimizer.computeGradients(model.loss);
  expect(gradsAndVars.length).toBe(tf.trainableVariables().length);
  for (const [g, v] of gradsAndVars) expect(g, `gradient of ${v.name}`).not.toBeNull();
  const updateOps = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
  const trainOp = tf.controlDependencies(updateOps, () => optimizer.applyGradients(gradsAndVars));
  const sess = new tf.Session();
  try {
    sess.run(tf.globalVariablesInitializer());
    const losses: number[] = [];
    for (let i = 0; i < (options.steps ?? 40); i++) {
      const [loss] = sess.run([model.loss, trainOp], model.feed as never) as [tf.NDArray, null];
      losses.push(Number(loss.item()));
    }
    return [losses[0] as number, losses[losses.length - 1] as number];
  } finally {
    sess.close();
  }
}

/** A regression target that depends on the inputs non-trivially. */
function regression(n: number, features: number): { x: number[][]; y: number[][] } {
  const flat = wave(n * features);
  const x = Array.from({ length: n }, (_, i) => flat.slice(i * features, (i + 1) * features));
  const y = x.map((row) => [row.reduce((s, v, j) => s + v * (j % 3 === 0 ? 1 : -0.5), 0)]);
  return { x, y };
}

/** Images whose target is their mean brightness in the left half. */
function images(n: number): { x: number[][][][]; y: number[][] } {
  const flat = wave(n * 6 * 6 * 2, 0.3);
  const x = Array.from({ length: n }, (_, b) =>
    Array.from({ length: 6 }, (_, i) =>
      Array.from({ length: 6 }, (_, j) =>
        [0, 1].map((c) => flat[((b * 6 + i) * 6 + j) * 2 + c] as number),
      ),
    ),
  );
  const y = x.map((img) => [
    img.reduce((s, row) => s + row.slice(0, 3).reduce((t, px) => t + (px[0] as number), 0), 0) / 9,
  ]);
  return { x, y };
}

/** Mean squared error (batch sizes are static here, so `Mean`'s gradient is a constant scale). */
function mse(pred: tf.Tensor, target: tf.Tensor): tf.Tensor {
  return tf.reduceMean(tf.square(tf.subtract(pred, target)));
}

describe("training through the layers", () => {
  test("dense → dense", () => {
    const data = regression(16, 4);
    const x = tf.placeholder(tf.float32, [16, 4]);
    const y = tf.placeholder(tf.float32, [16, 1]);
    const h = tf.layers.dense(x, 8, { activation: tf.nn.tanh });
    const pred = tf.layers.dense(h, 1);
    const [first, last] = train(
      {
        loss: mse(pred, y),
        feed: new Map([
          [x, data.x],
          [y, data.y],
        ]),
      },
      {
        lr: 0.1,
      },
    );
    expect(last).toBeLessThan(first * 0.5);
  });

  test("dense on rank-3 inputs (Tensordot)", () => {
    // An unknown batch gives the dynamic Tensordot graph.
    const x = tf.placeholder(tf.float32, [null, 3, 4]);
    const y = tf.placeholder(tf.float32, [4, 3, 1]);
    const pred = tf.layers.dense(x, 1);
    const data = regression(12, 4);
    const xs = [data.x.slice(0, 3), data.x.slice(3, 6), data.x.slice(6, 9), data.x.slice(9, 12)];
    const ys = [data.y.slice(0, 3), data.y.slice(3, 6), data.y.slice(6, 9), data.y.slice(9, 12)];
    const [first, last] = train(
      {
        loss: mse(pred, y),
        feed: new Map([
          [x, xs],
          [y, ys],
        ]),
      },
      {
        lr: 0.2,
      },
    );
    expect(last).toBeLessThan(first * 0.5);
  });

  test("conv2d → max_pooling2d → flatten → dense", () => {
    const data = images(8);
    const x = tf.placeholder(tf.float32, [8, 6, 6, 2]);
    const y = tf.placeholder(tf.float32, [8, 1]);
    const conv = tf.layers.conv2d(x, 4, 3, { padding: "same", activation: tf.nn.relu });
    const pool = tf.layers.maxPooling2d(conv, 2, 2);
    const avg = tf.layers.averagePooling2d(pool, 1, 1);
    const pred = tf.layers.dense(tf.layers.flatten(avg), 1);
    const [first, last] = train(
      {
        loss: mse(pred, y),
        feed: new Map<tf.Tensor, unknown>([
          [x, data.x],
          [y, data.y],
        ]),
      },
      {
        adam: true,
        lr: 0.01,
        steps: 60,
      },
    );
    expect(last).toBeLessThan(first * 0.5);
  });

  test("conv2d → batch_normalization (training, updates with the train op) → dense", () => {
    const data = images(8);
    const x = tf.placeholder(tf.float32, [8, 6, 6, 2]);
    const y = tf.placeholder(tf.float32, [8, 1]);
    const conv = tf.layers.conv2d(x, 4, 3, { useBias: false });
    const bn = tf.nn.relu(tf.layers.batchNormalization(conv, { training: true }));
    const pred = tf.layers.dense(tf.layers.flatten(bn), 1);
    const model = {
      loss: mse(pred, y),
      feed: new Map<tf.Tensor, unknown>([
        [x, data.x],
        [y, data.y],
      ]),
    };
    const [first, last] = train(model, { adam: true, lr: 0.01, steps: 60 });
    expect(last).toBeLessThan(first * 0.5);
  });

  test("batch_normalization's moving mean moves when the updates run with the train op", () => {
    const data = regression(16, 3);
    const x = tf.placeholder(tf.float32, [16, 3]);
    const y = tf.placeholder(tf.float32, [16, 1]);
    const bn = tf.layers.batchNormalization(tf.layers.dense(x, 3), {
      training: true,
      momentum: 0.5,
    });
    const pred = tf.layers.dense(bn, 1);
    const loss = mse(pred, y);
    expect(missingGradients(loss), "ops without a gradient").toEqual([]);
    const updates = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
    const trainOp = tf.controlDependencies(updates, () =>
      new tf.train.GradientDescentOptimizer(0.05).minimize(loss),
    );
    const movingMean = tf.globalVariables("batch_normalization/moving_mean")[0] as tf.Variable;
    const sess = new tf.Session();
    try {
      sess.run(tf.globalVariablesInitializer());
      const feed = new Map<tf.Tensor, unknown>([
        [x, data.x],
        [y, data.y],
      ]);
      sess.run(trainOp, feed as never);
      const after1 = Array.from((sess.run(movingMean) as tf.NDArray).data as Float32Array);
      expect(after1.some((v) => v !== 0)).toBe(true);
      sess.run(trainOp, feed as never);
      const after2 = Array.from((sess.run(movingMean) as tf.NDArray).data as Float32Array);
      expect(after2).not.toEqual(after1);
    } finally {
      sess.close();
    }
  });

  test("dense → dropout (training) → dense", () => {
    const data = regression(32, 4);
    const x = tf.placeholder(tf.float32, [32, 4]);
    const y = tf.placeholder(tf.float32, [32, 1]);
    const h = tf.layers.dropout(tf.layers.dense(x, 16, { activation: "relu" }), {
      rate: 0.1,
      training: true,
      seed: 5,
    });
    const pred = tf.layers.dense(h, 1);
    const [first, last] = train(
      {
        loss: mse(pred, y),
        feed: new Map([
          [x, data.x],
          [y, data.y],
        ]),
      },
      {
        lr: 0.05,
        steps: 60,
      },
    );
    expect(last).toBeLessThan(first * 0.7);
  });

  test("a run-time training switch (Select) still trains", () => {
    const data = regression(16, 4);
    const x = tf.placeholder(tf.float32, [16, 4]);
    const y = tf.placeholder(tf.float32, [16, 1]);
    const training = tf.placeholderWithDefault(true, []);
    const h = tf.layers.dense(x, 8, { activation: tf.nn.tanh });
    const d = tf.layers.dropout(h, { rate: 0.1, training });
    const bn = tf.layers.batchNormalization(d, { training });
    const pred = tf.layers.dense(bn, 1);
    const [first, last] = train(
      {
        loss: mse(pred, y),
        feed: new Map([
          [x, data.x],
          [y, data.y],
        ]),
      },
      {
        adam: true,
        lr: 0.02,
        steps: 60,
      },
    );
    expect(last).toBeLessThan(first * 0.7);
  });
});
