/**
 * The 3-D layers: `Conv3D`, `Conv3DTranspose`, `MaxPooling3D`, `AveragePooling3D` and
 * their functional forms — TF's variable and op names, static shapes, values, reuse, and a
 * small video model that trains.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { missingGradients, wave } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(1234);
});

function values(t: tf.Tensor, feed?: Map<tf.Tensor, unknown>): number[] {
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  return [sess.run(t, feed as never).toArray()].flat(Infinity as 1) as number[];
}

describe("tf.layers.Conv3D", () => {
  it("creates kernel and bias, and builds Conv3D, BiasAdd and the activation", () => {
    const x = tf.placeholder(tf.float32, [null, 4, 6, 6, 3]);
    const layer = new tf.layers.Conv3D(5, [2, 3, 3], {
      strides: [1, 2, 2],
      activation: tf.nn.relu,
    });
    const y = layer.apply(x);
    expect(y.name).toBe("conv3d/Relu:0");
    expect(y.shape.toString()).toBe("(?, 3, 2, 2, 5)");
    expect(tf.trainableVariables().map((v) => `${v.name} ${v.shape.toString()}`)).toEqual([
      "conv3d/kernel:0 (2, 3, 3, 3, 5)",
      "conv3d/bias:0 (5,)",
    ]);
    const conv = tf.getDefaultGraph().getOperationByName("conv3d/Conv3D");
    expect(conv.attrs).toMatchObject({
      strides: [1, 1, 2, 2, 1],
      padding: "VALID",
      data_format: "NDHWC",
      dilations: [1, 1, 1, 1, 1],
    });
    expect(tf.getDefaultGraph().getOperationByName("conv3d/BiasAdd").type).toBe("BiasAdd");
  });

  it("computes the convolution plus bias", () => {
    const x = tf.reshape(tf.range(16, null, 1, { dtype: tf.float32 }), [1, 2, 2, 4, 1]);
    const y = tf.layers.conv3d(x, 1, 2, {
      kernelInitializer: tf.onesInitializer(),
      biasInitializer: tf.constantInitializer(0.5),
    });
    expect(y.shape.toString()).toBe("(1, 1, 1, 3, 1)");
    // Each output sums a 2x2x2 window: planes 0/1, rows 0/1, cols w/w+1.
    const sum = (w: number) =>
      [0, 8].flatMap((p) => [0, 4].map((r) => p + r + w + p + r + w + 1)).reduce((a, b) => a + b);
    expect(values(y)).toEqual([sum(0) + 0.5, sum(1) + 0.5, sum(2) + 0.5]);
  });

  it("shares variables with reuse, and refuses bad arguments", () => {
    const x = tf.placeholder(tf.float32, [null, 4, 4, 4, 2]);
    tf.layers.conv3d(x, 3, 3, { name: "c", padding: "same" });
    const again = tf.layers.conv3d(x, 3, 3, { name: "c", padding: "same", reuse: true });
    expect(again.name).toBe("c_1/BiasAdd:0");
    expect(tf.trainableVariables().length).toBe(2);
    expect(() => new tf.layers.Conv3D(3, [2, 2])).toThrow(
      "The `kernel_size` argument must be a tuple of 3 integers. Received: [2,2]",
    );
    expect(() => tf.layers.conv3d(tf.placeholder(tf.float32, [null, 4, 4, 2]), 3, 2)).toThrow(
      /expected ndim=5, found ndim=4/,
    );
  });
});

describe("tf.layers.Conv3DTranspose", () => {
  it("has the transposed kernel and TF's output sizes", () => {
    const z = tf.placeholder(tf.float32, [null, 2, 3, 4, 6]);
    const layer = new tf.layers.Conv3DTranspose(4, [3, 2, 3], { strides: [2, 2, 1] });
    const y = layer.apply(z);
    expect(y.shape.toString()).toBe("(?, 5, 6, 6, 4)");
    expect((layer.kernel as tf.Variable).shape.toString()).toBe("(3, 2, 3, 4, 6)");
    expect(y.name).toBe("conv3d_transpose/BiasAdd:0");
    const op = tf.getDefaultGraph().getOperationByName("conv3d_transpose/conv3d_transpose");
    expect(op.type).toBe("Conv3DBackpropInputV2");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map([
      [z, new tf.NDArray(new Float32Array(2 * 2 * 3 * 4 * 6), [2, 2, 3, 4, 6], "float32")],
    ]);
    expect(sess.run(y, feed as never).shape).toEqual([2, 5, 6, 6, 4]);
  });

  it("refuses inputs of another rank, as TF does", () => {
    expect(() =>
      tf.layers.conv3dTranspose(tf.placeholder(tf.float32, [null, 4, 4, 2]), 3, 2),
    ).toThrow(/expected ndim=5|Inputs should have rank 5/);
  });
});

describe("tf.layers.MaxPooling3D and AveragePooling3D", () => {
  it("pools with TF's ops, names and shapes", () => {
    const x = tf.reshape(tf.range(32, null, 1, { dtype: tf.float32 }), [1, 2, 4, 4, 1]);
    const m = tf.layers.maxPooling3d(x, 2, 2);
    const a = tf.layers.averagePooling3d(x, [1, 2, 2], [1, 2, 2], { padding: "same" });
    expect(m.name).toBe("max_pooling3d/MaxPool3D:0");
    expect(a.name).toBe("average_pooling3d/AvgPool3D:0");
    expect(m.shape.toString()).toBe("(1, 1, 2, 2, 1)");
    expect(a.shape.toString()).toBe("(1, 2, 2, 2, 1)");
    expect(values(m)).toEqual([21, 23, 29, 31]);
    expect(values(a)).toEqual([2.5, 4.5, 10.5, 12.5, 18.5, 20.5, 26.5, 28.5]);
  });

  it("transposes channels_first inputs around the op, as Keras does", () => {
    const x = tf.reshape(tf.range(32, null, 1, { dtype: tf.float32 }), [1, 2, 2, 2, 4]);
    const layer = new tf.layers.MaxPooling3D(2, 2, { dataFormat: "channels_first" });
    const y = layer.apply(x);
    expect(y.shape.toString()).toBe("(1, 2, 1, 1, 2)");
    expect(y.op.type).toBe("Transpose");
    expect(values(y)).toEqual([13, 15, 29, 31]);
  });
});

describe("a small 3-D convolutional model", () => {
  it("trains: the loss falls, every variable gets a gradient", () => {
    const n = 6;
    const flat = wave(n * 4 * 4 * 4, 0.4);
    const x = Array.from({ length: n }, (_, b) =>
      Array.from({ length: 4 }, (_, d) =>
        Array.from({ length: 4 }, (_, h) =>
          Array.from({ length: 4 }, (_, w) => [flat[((b * 4 + d) * 4 + h) * 4 + w] as number]),
        ),
      ),
    );
    const y = x.map((clip) => [clip.flat(3).reduce((s, v, i) => s + (i % 2 === 0 ? v : -v), 0)]);
    const xs = tf.placeholder(tf.float32, [null, 4, 4, 4, 1]);
    const ys = tf.placeholder(tf.float32, [null, 1]);
    let h = tf.layers.conv3d(xs, 4, 2, { padding: "same", activation: tf.nn.relu });
    h = tf.layers.maxPooling3d(h, 2, 2);
    h = tf.layers.conv3dTranspose(h, 2, 2, { strides: 2 });
    h = tf.layers.averagePooling3d(h, 2, 2);
    h = tf.reshape(h, [-1, 2 * 2 * 2 * 2]);
    const out = tf.layers.dense(h, 1);
    const loss = tf.losses.meanSquaredError(ys, out);
    expect(missingGradients(loss)).toEqual([]);
    const train = new tf.train.AdamOptimizer(0.02).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map<tf.Tensor, unknown>([
      [xs, x],
      [ys, y],
    ]);
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const [l] = sess.run([loss, train], feed as never) as [tf.NDArray, null];
      losses.push(Number(l.item()));
    }
    expect(losses[losses.length - 1] as number).toBeLessThan((losses[0] as number) * 0.5);
  });
});
