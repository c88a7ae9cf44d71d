/** `tf.layers.conv2d` / `tf.layers.Conv2D`: variables, ops, shapes, values. */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectClose, runInitialized, variableSummary, wave } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const IMAGES = wave(2 * 5 * 5 * 2); // [2, 5, 5, 2]
const KERNEL = wave(3 * 3 * 2 * 4, 1); // [3, 3, 2, 4]
const BIAS = [0.5, -0.5, 0.25, 0];

const fixed = {
  kernelInitializer: () => tf.reshape(tf.constant(KERNEL), [3, 3, 2, 4]),
  biasInitializer: () => BIAS,
};

function expected(strides: number, pad: "same" | "valid", dilation = 1): number[] {
  return direct(() =>
    tfc.add(
      tfc.conv2d(
        tfc.tensor4d(IMAGES, [2, 5, 5, 2]),
        tfc.tensor4d(KERNEL, [3, 3, 2, 4]),
        strides,
        pad,
        "NHWC",
        dilation,
      ),
      tfc.tensor1d(BIAS),
    ),
  );
}

describe("tf.layers.conv2d", () => {
  test("creates conv2d/kernel (kh, kw, in, filters) and conv2d/bias; ops Conv2D, BiasAdd, activation", () => {
    const images = tf.placeholder(tf.float32, [null, 5, 5, 2]);
    const y = tf.layers.conv2d(images, 4, 3, { activation: tf.nn.relu });
    expect(variableSummary()).toEqual(["conv2d/kernel (3, 3, 2, 4)", "conv2d/bias (4,)"]);
    expect(y.op.name).toBe("conv2d/Relu");
    expect(y.shape.toString()).toBe("(?, 3, 3, 4)");
    const conv = tf.getDefaultGraph().getOperationByName("conv2d/Conv2D");
    expect(conv.attrs).toMatchObject({
      strides: [1, 1, 1, 1],
      padding: "VALID",
      data_format: "NHWC",
      dilations: [1, 1, 1, 1],
    });
    expect(conv.inputs.map((t) => t.name)).toEqual([images.name, "conv2d/kernel/read:0"]);
    expect(tf.getDefaultGraph().getOperationByName("conv2d/BiasAdd").type).toBe("BiasAdd");
  });

  test("a second conv2d: conv2d_1/kernel; a named one: its name", () => {
    const images = tf.placeholder(tf.float32, [null, 5, 5, 2]);
    tf.layers.conv2d(images, 4, 3);
    const b = tf.layers.conv2d(images, 8, [1, 2]);
    const c = tf.layers.conv2d(images, 1, 1, { name: "conv1" });
    expect(variableSummary()).toEqual([
      "conv2d/kernel (3, 3, 2, 4)",
      "conv2d/bias (4,)",
      "conv2d_1/kernel (1, 2, 2, 8)",
      "conv2d_1/bias (8,)",
      "conv1/kernel (1, 1, 2, 1)",
      "conv1/bias (1,)",
    ]);
    expect(b.op.name).toBe("conv2d_1/BiasAdd");
    expect(c.op.name).toBe("conv1/BiasAdd");
  });

  test("reuse by name shares the kernel; the ops get conv1_1/", () => {
    const images = tf.placeholder(tf.float32, [null, 5, 5, 2]);
    const a = tf.layers.conv2d(images, 4, 3, { name: "conv1" });
    const b = tf.layers.conv2d(images, 4, 3, { name: "conv1", reuse: true });
    expect(variableSummary()).toEqual(["conv1/kernel (3, 3, 2, 4)", "conv1/bias (4,)"]);
    expect(b.op.name).toBe("conv1_1/BiasAdd");
    const [va, vb] = runInitialized<tf.NDArray[]>(
      [a, b],
      new Map([[images, tfc.tensor4d(IMAGES, [2, 5, 5, 2]).arraySync()]]),
    );
    expect(vb?.toArray()).toEqual(va?.toArray());
  });

  test("values match tfjs: valid, same, strided, dilated", () => {
    const images = tf.placeholder(tf.float32, [2, 5, 5, 2]);
    const feed = new Map([[images, tfc.tensor4d(IMAGES, [2, 5, 5, 2]).arraySync()]]);
    const cases: [tf.Tensor, number[], string][] = [
      [tf.layers.conv2d(images, 4, 3, fixed), expected(1, "valid"), "(2, 3, 3, 4)"],
      [
        tf.layers.conv2d(images, 4, 3, { ...fixed, padding: "same" }),
        expected(1, "same"),
        "(2, 5, 5, 4)",
      ],
      [
        tf.layers.conv2d(images, 4, 3, { ...fixed, padding: "SAME", strides: 2 }),
        expected(2, "same"),
        "(2, 3, 3, 4)",
      ],
      [
        tf.layers.conv2d(images, 4, 3, { ...fixed, dilationRate: 2 }),
        expected(1, "valid", 2),
        "(2, 1, 1, 4)",
      ],
    ];
    const outs = runInitialized<tf.NDArray[]>(
      cases.map((c) => c[0]),
      feed,
    );
    cases.forEach(([t, want, shape], i) => {
      expect(t.shape.toString()).toBe(shape);
      expectClose(outs[i]?.data as Float32Array, want);
    });
  });

  test("channels_first: NCHW ops and the same values, transposed", () => {
    const nchw = tf.placeholder(tf.float32, [2, 2, 5, 5]);
    const y = tf.layers.conv2d(nchw, 4, 3, {
      ...fixed,
      dataFormat: "channels_first",
      padding: "same",
    });
    expect(y.shape.toString()).toBe("(2, 4, 5, 5)");
    expect(tf.getDefaultGraph().getOperationByName("conv2d/Conv2D").attrs.data_format).toBe("NCHW");
    expect(tf.getDefaultGraph().getOperationByName("conv2d/BiasAdd").attrs.data_format).toBe(
      "NCHW",
    );
    const input = tfc.transpose(tfc.tensor4d(IMAGES, [2, 5, 5, 2]), [0, 3, 1, 2]).arraySync();
    const out = runInitialized(y, new Map([[nchw, input]]));
    const want = direct(() =>
      tfc.transpose(tfc.tensor4d(expected(1, "same"), [2, 5, 5, 4]), [0, 3, 1, 2]),
    );
    expectClose(out.data as Float32Array, want);
  });

  test("computeOutputShape and the argument checks", () => {
    const layer = new tf.layers.Conv2D(16, [3, 5], { strides: [2, 1], padding: "same" });
    expect(layer.kernelSize).toEqual([3, 5]);
    expect(layer.computeOutputShape([null, 28, 28, 3]).toString()).toBe("(?, 14, 28, 16)");
    expect(new tf.layers.Conv2D(8, 3).computeOutputShape([4, 10, 10, 1]).toString()).toBe(
      "(4, 8, 8, 8)",
    );
    expect(() => new tf.layers.Conv2D(8, [3, 3, 3])).toThrow(tf.errors.ValueError);
    expect(() => new tf.layers.Conv2D(8, 3, { padding: "full" as "same" })).toThrow(
      tf.errors.ValueError,
    );
    const images = tf.placeholder(tf.float32, [null, 9, 9, 1]);
    expect(() => tf.layers.conv2d(images, 2, 3, { strides: 2, dilationRate: 2 })).toThrow(
      "strides > 1 not supported in conjunction with dilation_rate > 1",
    );
    expect(() => tf.layers.conv2d(tf.placeholder(tf.float32, [null, 9, 9, null]), 2, 3)).toThrow(
      "The channel dimension of the inputs should be defined. Found `None`.",
    );
  });
});
