/** `tf.layers.maxPooling2d` and `averagePooling2d`. */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectClose, runInitialized, wave } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const IMAGES = wave(2 * 6 * 6 * 3); // [2, 6, 6, 3]
const images4d = () => tfc.tensor4d(IMAGES, [2, 6, 6, 3]);

describe("pooling layers", () => {
  test("max_pooling2d/MaxPool and average_pooling2d/AvgPool, numbered per type, no variables", () => {
    const x = tf.placeholder(tf.float32, [null, 6, 6, 3]);
    const a = tf.layers.maxPooling2d(x, 2, 2);
    const b = tf.layers.maxPooling2d(a, 2, 1);
    const c = tf.layers.averagePooling2d(x, 3, 3, { padding: "same" });
    const d = tf.layers.maxPooling2d(x, [2, 3], [2, 3], { name: "pool1" });
    expect([a, b, c, d].map((t) => t.op.name)).toEqual([
      "max_pooling2d/MaxPool",
      "max_pooling2d_1/MaxPool",
      "average_pooling2d/AvgPool",
      "pool1/MaxPool",
    ]);
    expect([a, b, c, d].map((t) => t.shape.toString())).toEqual([
      "(?, 3, 3, 3)",
      "(?, 2, 2, 3)",
      "(?, 2, 2, 3)",
      "(?, 3, 2, 3)",
    ]);
    expect(a.op.attrs).toMatchObject({
      ksize: [1, 2, 2, 1],
      strides: [1, 2, 2, 1],
      padding: "VALID",
    });
    expect(tf.globalVariables()).toEqual([]);
  });

  test("values match tfjs", () => {
    const x = tf.placeholder(tf.float32, [2, 6, 6, 3]);
    const max = tf.layers.maxPooling2d(x, 2, 2);
    const avg = tf.layers.averagePooling2d(x, 3, 2, { padding: "same" });
    const [m, a] = runInitialized<tf.NDArray[]>([max, avg], new Map([[x, images4d().arraySync()]]));
    expectClose(
      m?.data as Float32Array,
      direct(() => tfc.maxPool(images4d(), 2, 2, "valid")),
    );
    expectClose(
      a?.data as Float32Array,
      direct(() => tfc.avgPool(images4d(), 3, 2, "same")),
    );
  });

  test("channels_first pools H and W of NCHW", () => {
    const x = tf.placeholder(tf.float32, [2, 3, 6, 6]);
    const y = tf.layers.maxPooling2d(x, 2, 2, { dataFormat: "channels_first" });
    expect(y.shape.toString()).toBe("(2, 3, 3, 3)");
    expect(y.op.attrs).toMatchObject({ ksize: [1, 1, 2, 2], data_format: "NCHW" });
    const input = tfc.transpose(images4d(), [0, 3, 1, 2]).arraySync();
    const out = runInitialized(y, new Map([[x, input]]));
    const want = direct(() => tfc.transpose(tfc.maxPool(images4d(), 2, 2, "valid"), [0, 3, 1, 2]));
    expectClose(out.data as Float32Array, want);
  });

  test("classes: strides are required, as in TF 1.15's tf.layers; computeOutputShape", () => {
    expect(() => new tf.layers.MaxPooling2D(3 as never)).toThrow(
      "layers.MaxPooling2D() missing 1 required positional argument: 'strides'",
    );
    const layer = new tf.layers.MaxPooling2D(3, 3);
    expect(layer.strides).toEqual([3, 3]);
    expect(layer.computeOutputShape([null, 10, 9, 4]).toString()).toBe("(?, 3, 3, 4)");
    const avg = new tf.layers.AveragePooling2D([2, 2], 1, { padding: "same" });
    expect(avg.computeOutputShape([1, 5, 5, 2]).toString()).toBe("(1, 5, 5, 2)");
    expect(avg.apply(tf.zeros([1, 5, 5, 2])).op.name).toBe("average_pooling2d/AvgPool");
    expect(avg.name).toBe("average_pooling2d_1");
  });

  test("rank other than 4 is Keras's ndim error", () => {
    expect(() => tf.layers.maxPooling2d(tf.placeholder(tf.float32, [null, 6, 6]), 2, 2)).toThrow(
      "Input 0 of layer max_pooling2d_1 is incompatible with the layer: expected ndim=4, found ndim=3. Full shape received: [None, 6, 6]",
    );
  });
});
