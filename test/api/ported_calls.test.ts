/**
 * The literal TF 1.x calls that real ported programs (PTB, CIFAR-10, MNIST, word2vec, …)
 * are written with, each run and checked against what TensorFlow 1.15 computes. Every row
 * once ran without error here and computed something else.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(3);
});

const X = [
  [1, 9, 3],
  [7, 2, 5],
];

function run(t: tf.Tensor | tf.Tensor[], feed?: Map<tf.Tensor, unknown>): string {
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const out = sess.run(t as tf.Tensor, feed as never) as unknown;
  return Array.isArray(out) ? out.map(String).join(" | ") : String(out);
}

describe("TF 1.x calls as ported programs write them", () => {
  it("tf.argmax(pred, 1): row-wise, int64 (the accuracy idiom)", () => {
    const pred = tf.constant(X);
    const labels = tf.constant([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const hits = tf.equal(tf.argmax(pred, 1), tf.argmax(labels, 1));
    expect(tf.argmax(pred, 1).dtype).toBe("int64");
    expect(run(tf.argmax(pred, 1))).toBe("[1 0]");
    expect(run(tf.reduceMean(tf.cast(hits, tf.float32)))).toBe("0.5");
  });

  it("tf.reduce_sum(x, 1), tf.reduce_mean(x, 0), reduction_indices=1", () => {
    expect(run(tf.reduceSum(tf.constant(X), 1))).toBe("[13. 14.]");
    expect(run(tf.reduceMean(tf.constant(X), 0))).toBe("[4.  5.5 4. ]");
    expect(run(tf.reduceSum(tf.constant(X), { reductionIndices: 1 }))).toBe("[13. 14.]");
    expect(run(tf.reduceSum(tf.constant(X), { reductionIndices: [1], keepDims: true }))).toBe(
      "[[13.]\n [14.]]",
    );
  });

  it("tf.unstack(x, timesteps, 1) and tf.stack(v, 1)", () => {
    const x = tf.constant([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
    ]);
    const steps = tf.unstack(x, 3, 1);
    expect(steps.map((t) => t.shape.toString())).toEqual(["(2, 2)", "(2, 2)", "(2, 2)"]);
    expect(run(steps[1] as tf.Tensor)).toBe("[[ 3.  4.]\n [ 9. 10.]]");
    const back = tf.stack(steps, 1);
    expect(back.shape.toString()).toBe("(2, 3, 2)");
    expect(run(tf.reduceSum(tf.abs(tf.subtract(back, x))))).toBe("0.0");
  });

  it("tf.nn.softmax(x, 0) normalizes columns", () => {
    const s = tf.nn.softmax(
      tf.constant([
        [0, 2],
        [0, 0],
      ]),
      0,
    );
    using sess = new tf.Session();
    const v = (sess.run(s) as tf.NDArray).toArray() as number[][];
    const e2 = Math.exp(2) / (Math.exp(2) + 1);
    [
      [0.5, e2],
      [0.5, 1 - e2],
    ].forEach((row, i) => row.forEach((want, j) => expect(v[i]?.[j]).toBeCloseTo(want, 6)));
  });

  it("tf.random_uniform(shape, -1.0, 1.0) and tf.random_normal(shape, 5, 0)", () => {
    const u = tf.randomUniform([200, 50], -1.0, 1.0);
    using sess = new tf.Session();
    const v = Array.from((sess.run(u) as tf.NDArray).data as Float32Array);
    expect(Math.min(...v)).toBeLessThan(-0.95);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-1);
    expect(String(sess.run(tf.randomNormal([2, 3], 5, 0)))).toBe("[[5. 5. 5.]\n [5. 5. 5.]]");
  });

  it("tf.layers.dense(x, 4, tf.nn.relu) applies the ReLU", () => {
    const x = tf.constant([
      [1, -2, 3],
      [-4, 5, -6],
    ]);
    const y = tf.layers.dense(x, 4, tf.nn.relu, { kernelInitializer: tf.onesInitializer() });
    expect(y.op.type).toBe("Relu");
    expect(y.op.name).toBe("dense/Relu");
    expect(run(y)).toBe("[[2. 2. 2. 2.]\n [0. 0. 0. 0.]]");
  });

  it("tf.layers.conv2d(x, 4, 3, 2) uses stride 2", () => {
    const x = tf.ones([1, 7, 7, 2]);
    const y = tf.layers.conv2d(x, 4, 3, 2);
    expect(y.shape.toString()).toBe("(1, 3, 3, 4)");
    const conv = tf
      .getDefaultGraph()
      .getOperations()
      .find((o) => o.type === "Conv2D");
    expect(conv?.attrs.strides).toEqual([1, 2, 2, 1]);
  });

  it("tf.placeholder(tf.float32, shape, 'x') is named x", () => {
    const x = tf.placeholder(tf.float32, [null, 784], "x");
    expect(x.name).toBe("x:0");
    expect(tf.getDefaultGraph().getTensorByName("x:0")).toBe(x);
  });

  it("tf.nn.dropout(x, 0.75): keep_prob, as TF 1.15 reads the second position", () => {
    const x = tf.ones([40, 50]);
    const d = tf.nn.dropout(x, 0.75);
    using sess = new tf.Session();
    const v = Array.from((sess.run(d) as tf.NDArray).data as Float32Array);
    const kept = v.filter((e) => e !== 0);
    expect(new Set(kept.map((e) => e.toFixed(5)))).toEqual(new Set([(1 / 0.75).toFixed(5)]));
    expect(kept.length / v.length).toBeGreaterThan(0.7);
    expect(kept.length / v.length).toBeLessThan(0.8);
  });

  it("a typo such as { stdev: 0 } is a TypeError naming the key, the graph unchanged", () => {
    expectRefused(
      () => tf.randomNormalInitializer({ stdev: 0 } as never),
      /got an unexpected keyword argument 'stdev' \(did you mean 'stddev'\?\)/,
    );
    expectRefused(
      () => tf.randomNormal([2], { stdev: 0 } as never),
      "randomNormal() got an unexpected keyword argument 'stdev' (did you mean 'stddev'?)",
    );
  });

  it("a number literal becomes the dtype the op needs: placeholderWithDefault(0) as a slice begin", () => {
    const start = tf.placeholderWithDefault(0, []);
    const x = tf.constant([10, 11, 12, 13]);
    const s = tf.slice(x, [start], [2]);
    expect(run(s)).toBe("[10. 11.]");
    expect(run(s, new Map([[start, 2]]))).toBe("[12. 13.]");
  });

  it("composite ops are named as TF names them: xent/xent", () => {
    const logits = tf.constant(X);
    const loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits({
      labels: [1, 0], // a literal: int32, as the op needs
      logits,
      name: "xent",
    });
    expect(loss.name).toBe("xent/xent:0");
    expect(tf.getDefaultGraph().getTensorByName("xent/xent:0")).toBe(loss);
  });
});
