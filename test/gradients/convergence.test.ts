import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { rand, randn } from "./helpers.js";

/*
 * End-to-end training: the gradients drive TensorFlow 1.x optimizers to the right
 * answers, on each backend.
 */

function linearRegression(): { w: number; b: number } {
  const n = 200;
  const xs = Float32Array.from({ length: n }, () => 2 * rand() - 1);
  const noise = randn(n, 0.01);
  const ys = Float32Array.from(xs, (x, i) => 3 * x + 2 + (noise[i] as number));
  const x = tf.placeholder(tf.float32, [null, 1], { name: "x" });
  const y = tf.placeholder(tf.float32, [null, 1], { name: "y" });
  const w = tf.getVariable("w", [1, 1], { initializer: tf.zerosInitializer() });
  const b = tf.getVariable("b", [1], { initializer: tf.zerosInitializer() });
  const pred = tf.add(tf.matmul(x, w), b);
  const loss = tf.reduceMean(tf.square(tf.subtract(pred, y)));
  const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
  using s = new tf.Session();
  s.run(tf.globalVariablesInitializer());
  const feeds = new Map<tf.Tensor, unknown>([
    [x, new tf.NDArray(xs, [n, 1], "float32")],
    [y, new tf.NDArray(ys, [n, 1], "float32")],
  ]);
  for (let i = 0; i < 300; i++) s.run(train, feeds);
  return { w: s.run(w).item() as number, b: (s.run(b).data as Float32Array)[0] as number };
}

/** Two classes: points inside the unit circle, and points on a ring around it. */
function mlpAccuracy(): number {
  const n = 300;
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const r = cls === 0 ? rand() * 0.9 : 1.4 + rand() * 0.8;
    const a = 2 * Math.PI * rand();
    points[2 * i] = r * Math.cos(a);
    points[2 * i + 1] = r * Math.sin(a);
    labels[i] = cls;
  }
  tf.setRandomSeed(7);
  const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
  const y = tf.placeholder(tf.int64, [null], { name: "y" });
  const hidden = tf.variableScope("hidden", () => {
    const w = tf.getVariable("kernel", [2, 16], { initializer: tf.glorotUniformInitializer() });
    const b = tf.getVariable("bias", [16], { initializer: tf.zerosInitializer() });
    return tf.nn.relu(tf.nn.biasAdd(tf.matmul(x, w), b));
  });
  const logits = tf.variableScope("out", () => {
    const w = tf.getVariable("kernel", [16, 2], { initializer: tf.glorotUniformInitializer() });
    const b = tf.getVariable("bias", [2], { initializer: tf.zerosInitializer() });
    return tf.add(tf.matmul(hidden, w), b);
  });
  const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
  const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
  const correct = tf.equal(tf.argmax(logits, { axis: 1 }), y);
  const accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
  using s = new tf.Session();
  s.run(tf.globalVariablesInitializer());
  const feeds = new Map<tf.Tensor, unknown>([
    [x, new tf.NDArray(points, [n, 2], "float32")],
    [y, new tf.NDArray(labels, [n], "int32")],
  ]);
  for (let i = 0; i < 600; i++) s.run(train, feeds);
  return s.run(accuracy, feeds).item() as number;
}

function defineConvergenceTests(backend: string): void {
  describe(`training on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });
    afterAll(async () => {
      await tf.setBackend("wasm");
    });
    beforeEach(() => tf.resetDefaultGraph());

    it("linear regression reaches y = 3x + 2 within 1e-2", () => {
      expect(tf.getBackend()).toBe(backend);
      const { w, b } = linearRegression();
      expect(Math.abs(w - 3)).toBeLessThan(1e-2);
      expect(Math.abs(b - 2)).toBeLessThan(1e-2);
    });

    it("an MLP separates two classes with more than 90% accuracy", () => {
      expect(mlpAccuracy()).toBeGreaterThan(0.9);
    });
  });
}

defineConvergenceTests("wasm");
defineConvergenceTests("cpu");
