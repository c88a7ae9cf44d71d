/** `tf.layers` Conv1D, SeparableConv2D, SeparableConv1D: variables, ops, shapes, values, training. */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import {
  direct,
  expectClose,
  missingGradients,
  opsUnder,
  runInitialized,
  variableSummary,
  wave,
} from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(1234);
});

const SEQ = wave(2 * 7 * 3); // [2, 7, 3]
const K1 = wave(3 * 3 * 4, 1); // [3, 3, 4]

describe("tf.layers.conv1d", () => {
  test("conv1d/kernel (k, in, filters), conv1d/bias; tf.nn.conv1d's ops under the layer's scope", () => {
    const x = tf.placeholder(tf.float32, [null, 7, 3]);
    const y = tf.layers.conv1d(x, 4, 3, { activation: tf.nn.relu });
    expect(variableSummary()).toEqual(["conv1d/kernel (3, 3, 4)", "conv1d/bias (4,)"]);
    expect(y.op.name).toBe("conv1d/Relu");
    expect(y.shape.toString()).toBe("(?, 5, 4)");
    expect(opsUnder("conv1d/conv1d")).toEqual([
      "conv1d/conv1d/ExpandDims/dim",
      "conv1d/conv1d/ExpandDims",
      "conv1d/conv1d/ExpandDims_1/dim",
      "conv1d/conv1d/ExpandDims_1",
      "conv1d/conv1d",
      "conv1d/conv1d/Squeeze",
    ]);
    expect(tf.getDefaultGraph().getOperationByName("conv1d/conv1d").type).toBe("Conv2D");
  });

  test("values: same, valid, strides and causal padding against tfjs", () => {
    const x = tf.constant(SEQ, { shape: [2, 7, 3] });
    const fixed = {
      kernelInitializer: () => tf.reshape(tf.constant(K1), [3, 3, 4]),
      biasInitializer: () => [0.5, -0.5, 0.25, 0],
    };
    const same = tf.layers.conv1d(x, 4, 3, { padding: "same", strides: 2, ...fixed });
    const causal = tf.layers.conv1d(x, 4, 3, { padding: "causal", dilationRate: 2, ...fixed });
    const [a, b] = runInitialized<tf.NDArray[]>([same, causal]);
    const ref = (xs: tfc.Tensor3D, stride: number, pad: "same" | "valid", d: number): tfc.Tensor =>
      tfc.add(
        tfc.conv1d(xs, tfc.tensor3d(K1, [3, 3, 4]), stride, pad, "NWC", d),
        tfc.tensor1d([0.5, -0.5, 0.25, 0]),
      );
    expect(same.shape.toString()).toBe("(2, 4, 4)");
    expectClose(
      Array.from(a?.data as Float32Array),
      direct(() => ref(tfc.tensor3d(SEQ, [2, 7, 3]), 2, "same", 1)),
    );
    expect(causal.shape.toString()).toBe("(2, 7, 4)");
    // Causal: left-padded by dilation * (k - 1) = 4, then a VALID convolution.
    const padded = (): tfc.Tensor3D =>
      tfc.pad(tfc.tensor3d(SEQ, [2, 7, 3]), [
        [0, 0],
        [4, 0],
        [0, 0],
      ]);
    expectClose(
      Array.from(b?.data as Float32Array),
      direct(() => ref(padded(), 1, "valid", 2)),
    );
  });

  test("channels_first adds a reshaped bias; bad arguments leave the graph as it was", () => {
    const x = tf.placeholder(tf.float32, [null, 3, 10]);
    const y = tf.layers.conv1d(x, 5, 2, { dataFormat: "channels_first" });
    expect(y.shape.toString()).toBe("(?, 5, 9)");
    expect(y.op.type).toBe("Add");
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.layers.conv1d(x, 5, 2, { padding: "full" })).toThrow(
      'The `padding` argument must be one of "valid", "same" (or "causal", only for `Conv1D). Received: full',
    );
    expect(() => tf.layers.conv1d(x, 5, [2, 2])).toThrow(
      "The `kernel_size` argument must be a tuple of 1 integers. Received: [2,2]",
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });
});

describe("tf.layers.separable_conv2d", () => {
  test("depthwise_kernel, pointwise_kernel, bias; ops separable_conv2d/separable_conv2d/depthwise, BiasAdd", () => {
    const images = tf.placeholder(tf.float32, [null, 8, 8, 3]);
    const y = tf.layers.separableConv2d(images, 6, 3, { depthMultiplier: 2, padding: "same" });
    expect(variableSummary()).toEqual([
      "separable_conv2d/depthwise_kernel (3, 3, 3, 2)",
      "separable_conv2d/pointwise_kernel (1, 1, 6, 6)",
      "separable_conv2d/bias (6,)",
    ]);
    expect(y.op.name).toBe("separable_conv2d/BiasAdd");
    expect(y.shape.toString()).toBe("(?, 8, 8, 6)");
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("separable_conv2d/separable_conv2d/depthwise").type).toBe(
      "DepthwiseConv2dNative",
    );
    expect(g.getOperationByName("separable_conv2d/separable_conv2d").type).toBe("Conv2D");
  });

  test("values against tfjs's separableConv2d, with a dilation rate (space-to-batch)", () => {
    const xs = wave(1 * 9 * 9 * 2);
    const dwv = wave(3 * 3 * 2 * 2, 2);
    const pwv = wave(4 * 3, 3);
    const x = tf.constant(xs, { shape: [1, 9, 9, 2] });
    const y = tf.layers.separableConv2d(x, 3, 3, {
      padding: "same",
      dilationRate: 2,
      depthMultiplier: 2,
      depthwiseInitializer: () => tf.reshape(tf.constant(dwv), [3, 3, 2, 2]),
      pointwiseInitializer: () => tf.reshape(tf.constant(pwv), [1, 1, 4, 3]),
    });
    expect(
      tf.getDefaultGraph().getOperationByName("separable_conv2d/separable_conv2d/SpaceToBatchND")
        .type,
    ).toBe("SpaceToBatchND");
    const got = runInitialized(y);
    const want = direct(() =>
      tfc.separableConv2d(
        tfc.tensor4d(xs, [1, 9, 9, 2]),
        tfc.tensor4d(dwv, [3, 3, 2, 2]),
        tfc.tensor4d(pwv, [1, 1, 4, 3]),
        1,
        "same",
        2,
      ),
    );
    expectClose(Array.from(got.data as Float32Array), want);
  });
});

describe("tf.layers.separable_conv1d", () => {
  test("variables with a height of 1 added by ExpandDims; values against tfjs", () => {
    const dwv = wave(3 * 3 * 1, 2);
    const pwv = wave(3 * 2, 3);
    const x = tf.constant(SEQ, { shape: [2, 7, 3] });
    const y = tf.layers.separableConv1d(x, 2, 3, {
      strides: 2,
      depthwiseInitializer: () => tf.reshape(tf.constant(dwv), [3, 3, 1]),
      pointwiseInitializer: () => tf.reshape(tf.constant(pwv), [1, 3, 2]),
    });
    expect(variableSummary()).toEqual([
      "separable_conv1d/depthwise_kernel (3, 3, 1)",
      "separable_conv1d/pointwise_kernel (1, 3, 2)",
      "separable_conv1d/bias (2,)",
    ]);
    expect(y.op.name).toBe("separable_conv1d/Squeeze");
    expect(y.shape.toString()).toBe("(2, 3, 2)");
    const got = runInitialized(y);
    const want = direct(() =>
      tfc.squeeze(
        tfc.separableConv2d(
          tfc.tensor4d(SEQ, [2, 1, 7, 3]),
          tfc.tensor4d(dwv, [1, 3, 3, 1]),
          tfc.tensor4d(pwv, [1, 1, 3, 2]),
          2,
          "valid",
        ),
        [1],
      ),
    );
    expectClose(Array.from(got.data as Float32Array), want);
  });
});

describe("training", () => {
  test("a text-CNN-like model (conv1d, separable_conv1d) and a MobileNet-like block train", () => {
    const seq = tf.placeholder(tf.float32, [null, 12, 4]);
    const img = tf.placeholder(tf.float32, [null, 8, 8, 3]);
    const target = tf.placeholder(tf.float32, [null, 1]);
    let h = tf.layers.conv1d(seq, 8, 3, { padding: "causal", activation: tf.nn.relu });
    h = tf.layers.separableConv1d(h, 8, 3, { activation: tf.nn.relu });
    const a = tf.reduceMean(h, [1]);
    let g = tf.layers.separableConv2d(img, 8, 3, { padding: "same", activation: tf.nn.relu });
    g = tf.layers.conv2d(g, 8, 1);
    const b = tf.reduceMean(g, [1, 2]);
    const out = tf.layers.dense(tf.concat([a, b], 1), 1);
    const loss = tf.reduceMean(tf.square(tf.subtract(out, target)));
    expect(missingGradients(loss)).toEqual([]);
    const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
    const n = 6;
    const seqs: number[][][] = [];
    const imgs: number[][][][] = [];
    const ys: number[][] = [];
    for (let i = 0; i < n; i++) {
      seqs.push(
        Array.from({ length: 12 }, (_, t) =>
          Array.from({ length: 4 }, (_, c) => Math.sin(i + t * 0.3 + c)),
        ),
      );
      imgs.push(
        Array.from({ length: 8 }, (_, r) =>
          Array.from({ length: 8 }, (_, q) =>
            Array.from({ length: 3 }, (_, c) => Math.cos(i * 0.7 + r * 0.2 - q * 0.1 + c)),
          ),
        ),
      );
      ys.push([Math.sin(i)]);
    }
    const feed = new Map<tf.Tensor, unknown>([
      [seq, seqs],
      [img, imgs],
      [target, ys],
    ]);
    const sess = new tf.Session();
    try {
      sess.run(tf.globalVariablesInitializer());
      const first = Number((sess.run(loss, feed as never) as tf.NDArray).item());
      for (let i = 0; i < 60; i++) sess.run(train, feed as never);
      const last = Number((sess.run(loss, feed as never) as tf.NDArray).item());
      expect(last).toBeLessThan(first * 0.5);
    } finally {
      sess.close();
    }
  });
});

describe("reuse and regularizers", () => {
  test("separable_conv2d: reuse by name shares both kernels; regularizers add losses per kernel", () => {
    const images = tf.placeholder(tf.float32, [null, 6, 6, 2]);
    const l2: tf.Regularizer = (w) => tf.multiply(0.01, tf.nn.l2Loss(w as tf.Tensor));
    const a = tf.layers.separableConv2d(images, 4, 3, {
      name: "sep",
      depthwiseRegularizer: l2,
      pointwiseRegularizer: l2,
    });
    const b = tf.layers.separableConv2d(images, 4, 3, { name: "sep", reuse: true });
    expect(variableSummary()).toEqual([
      "sep/depthwise_kernel (3, 3, 2, 1)",
      "sep/pointwise_kernel (1, 1, 2, 4)",
      "sep/bias (4,)",
    ]);
    expect(b.op.name).toBe("sep_1/BiasAdd");
    expect(tf.getDefaultGraph().getCollection(tf.GraphKeys.REGULARIZATION_LOSSES).length).toBe(2);
    const feed = new Map([
      [images, tfc.randomNormal([2, 6, 6, 2], 0, 1, "float32", 3).arraySync()],
    ]);
    const [va, vb] = runInitialized<tf.NDArray[]>([a, b], feed);
    expect(vb?.toArray()).toEqual(va?.toArray());
  });

  test("conv1d: reuse by name shares the kernel", () => {
    const seq = tf.placeholder(tf.float32, [null, 6, 2]);
    tf.layers.conv1d(seq, 3, 2, { name: "c1" });
    const b = tf.layers.conv1d(seq, 3, 2, { name: "c1", reuse: true });
    expect(variableSummary()).toEqual(["c1/kernel (2, 2, 3)", "c1/bias (3,)"]);
    expect(b.op.name).toBe("c1_1/BiasAdd");
  });
});
