/**
 * API.md: "tf.layers.dense, conv2d, batchNormalization, dropout, flatten, each with `name`
 * and `reuse`" — on [3,4] and [2,4,4,3] inputs: variable names, shared variables, op name
 * scopes of the reusing call, and values computed in plain JS from the shared weights.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, flatten, map2, matmul, matrix, thrownBy } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/** A [n, h, w, c] image of distinct values. */
function image(n: number, h: number, w: number, c: number, offset = 0): number[][][][] {
  return Array.from({ length: n }, (_, b) =>
    Array.from({ length: h }, (_, i) =>
      Array.from({ length: w }, (_, j) =>
        Array.from({ length: c }, (_, k) => Math.sin(offset + b * 7 + i * 3 + j * 1.7 + k * 0.3)),
      ),
    ),
  );
}

/** VALID, stride-1 convolution with bias, as TF's Conv2D + BiasAdd compute it. */
function conv(x: number[][][][], k: number[][][][], b: number[]): number[][][][] {
  const kh = k.length;
  const kw = (k[0] as number[][][]).length;
  return x.map((img) => {
    const h = img.length - kh + 1;
    const w = (img[0] as number[][]).length - kw + 1;
    return Array.from({ length: h }, (_, i) =>
      Array.from({ length: w }, (_, j) =>
        b.map((bias, f) => {
          let s = bias;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++)
              (img[i + di]?.[j + dj] as number[]).forEach((v, c) => {
                s += v * (k[di]?.[dj]?.[c]?.[f] as number);
              });
          return s;
        }),
      ),
    );
  });
}

describe("layers with name and reuse", () => {
  it("dense: name 'fc', then reuse: true on another [3,4] input shares fc/kernel and fc/bias", () => {
    const x1 = tf.constant(matrix(3, 4), { name: "x1" });
    const x2 = tf.constant(matrix(3, 4, -6), { name: "x2" });
    const y1 = tf.layers.dense(x1, 2, { name: "fc", activation: tf.nn.relu });
    const y2 = tf.layers.dense(x2, 2, { name: "fc", reuse: true, activation: tf.nn.relu });
    expect(tf.globalVariables().map((v) => `${v.name} ${v.shape.toString()}`)).toEqual([
      "fc/kernel:0 (4, 2)",
      "fc/bias:0 (2,)",
    ]);
    expect(y1.op.name).toBe("fc/Relu");
    expect(y2.op.name).toBe("fc_1/Relu");
    expect(y2.op.inputs[0]?.op.inputs[0]?.op.name).toBe("fc_1/MatMul");
    const e = thrownBy(() => tf.layers.dense(x1, 2, { name: "fc" }));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toContain(
      "Variable fc/kernel already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?",
    );
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(tf.assign(tf.globalVariables()[1] as tf.Variable, [0.5, -1]));
    const kernel = sess.run("fc/kernel:0").toArray() as number[][];
    const ref = (xv: number[][]) =>
      map2(matmul(xv, kernel), (v, _i, j) => Math.max(0, v + (j === 0 ? 0.5 : -1)));
    expectClose(sess.run(y1).toArray(), ref(matrix(3, 4)));
    expectClose(sess.run(y2).toArray(), ref(matrix(3, 4, -6)));
  });

  it("conv2d: name 'conv', then reuse: true on another [2,4,4,3] input shares conv/kernel", () => {
    const x1 = tf.constant(image(2, 4, 4, 3));
    const x2 = tf.constant(image(2, 4, 4, 3, 5));
    const y1 = tf.layers.conv2d(x1, 2, 3, { name: "conv" });
    const y2 = tf.layers.conv2d(x2, 2, 3, { name: "conv", reuse: true });
    expect(tf.globalVariables().map((v) => `${v.name} ${v.shape.toString()}`)).toEqual([
      "conv/kernel:0 (3, 3, 3, 2)",
      "conv/bias:0 (2,)",
    ]);
    expect(y1.op.name).toBe("conv/BiasAdd");
    expect(y2.op.name).toBe("conv_1/BiasAdd");
    expect(y2.op.inputs[0]?.op.name).toBe("conv_1/Conv2D");
    expect(y2.shape.asList()).toEqual([2, 2, 2, 2]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(tf.assign(tf.globalVariables()[1] as tf.Variable, [0.25, -0.5]));
    const k = sess.run("conv/kernel:0").toArray() as number[][][][];
    expectClose(sess.run(y1).toArray(), conv(image(2, 4, 4, 3), k, [0.25, -0.5]));
    expectClose(sess.run(y2).toArray(), conv(image(2, 4, 4, 3, 5), k, [0.25, -0.5]));
  });

  it("batchNormalization: name 'bn', reuse: true shares gamma/beta/moving statistics; inference values", () => {
    const x1 = tf.constant(matrix(3, 4));
    const x2 = tf.constant(matrix(3, 4, 2));
    const y1 = tf.layers.batchNormalization(x1, { name: "bn" });
    const y2 = tf.layers.batchNormalization(x2, { name: "bn", reuse: true });
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "bn/gamma:0",
      "bn/beta:0",
      "bn/moving_mean:0",
      "bn/moving_variance:0",
    ]);
    expect(tf.trainableVariables().map((v) => v.name)).toEqual(["bn/gamma:0", "bn/beta:0"]);
    expect(y2.op.name.startsWith("bn_1/")).toBe(true);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(tf.assign(tf.globalVariables()[2] as tf.Variable, [1, 2, 3, 4]));
    sess.run(tf.assign(tf.globalVariables()[0] as tf.Variable, [2, 2, 2, 2]));
    // Inference: gamma * (x - moving_mean) / sqrt(moving_variance + 1e-3) + beta.
    const ref = (xv: number[][]) => map2(xv, (v, _i, j) => (2 * (v - (j + 1))) / Math.sqrt(1.001));
    expectClose(sess.run(y1).toArray(), ref(matrix(3, 4)));
    expectClose(sess.run(y2).toArray(), ref(matrix(3, 4, 2)));
  });

  it("batchNormalization training on [2,4,4,3]: a reusing call adds its own updates to UPDATE_OPS", () => {
    const x1 = tf.constant(image(2, 4, 4, 3));
    const x2 = tf.constant(image(2, 4, 4, 3, 1));
    tf.layers.batchNormalization(x1, { name: "bn", training: true });
    tf.layers.batchNormalization(x2, { name: "bn", training: true, reuse: true });
    expect(tf.globalVariables()).toHaveLength(4);
    const updates = tf.getCollection(tf.GraphKeys.UPDATE_OPS) as tf.Operation[];
    expect(updates.map((u) => u.name)).toEqual([
      "bn/AssignMovingAvg",
      "bn/AssignMovingAvg_1",
      "bn_1/AssignMovingAvg",
      "bn_1/AssignMovingAvg_1",
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(updates[0] as tf.Operation);
    // moving_mean <- moving_mean * 0.99 + batch_mean * 0.01, per channel.
    const values = image(2, 4, 4, 3).flat(2) as number[][];
    const mean = [0, 1, 2].map(
      (c) => values.reduce((s, v) => s + (v[c] as number), 0) / values.length,
    );
    expectClose(
      sess.run("bn/moving_mean:0").toArray(),
      mean.map((m) => 0.01 * m),
      5,
    );
  });

  it("dropout and flatten: name and reuse on [2,4,4,3], ops under the name, _1 on reuse; maxPooling2d by name", () => {
    const x = tf.constant(image(2, 4, 4, 3));
    const d1 = tf.layers.dropout(x, { name: "drop", rate: 0.5 });
    const d2 = tf.layers.dropout(x, { name: "drop", rate: 0.5, reuse: true });
    const p1 = tf.layers.maxPooling2d(x, 2, 2, { name: "pool" });
    const p2 = tf.layers.maxPooling2d(x, 2, 2, { name: "pool" }); // TF has no reuse here
    const f1 = tf.layers.flatten(p1, { name: "flat" });
    const f2 = tf.layers.flatten(p2, { name: "flat", reuse: true });
    expect([d1, d2, p1, p2, f1, f2].map((t) => t.op.name)).toEqual([
      "drop/Identity",
      "drop_1/Identity",
      "pool/MaxPool",
      "pool_1/MaxPool",
      "flat/Reshape",
      "flat_1/Reshape",
    ]);
    expect(f2.shape.asList()).toEqual([2, 12]);
    expect(tf.globalVariables()).toEqual([]);
    using sess = new tf.Session();
    expect(sess.run(d2).toArray()).toEqual(sess.run(x).toArray());
    const img = image(2, 4, 4, 3);
    const pooled = img.map((b) =>
      [0, 1].map((i) =>
        [0, 1].map((j) =>
          [0, 1, 2].map((c) =>
            Math.max(
              ...[0, 1].flatMap((di) =>
                [0, 1].map((dj) => b[2 * i + di]?.[2 * j + dj]?.[c] as number),
              ),
            ),
          ),
        ),
      ),
    );
    expectClose(
      sess.run(f2).toArray(),
      pooled.map((b) => flatten(b)),
    );
  });
});
