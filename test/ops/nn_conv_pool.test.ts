import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectClose, expectValueError, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/** A [1, 4, 4, 2] input with distinct values, and a [3, 3, 2, 3] filter. */
const INPUT = [
  Array.from({ length: 4 }, (_, i) =>
    Array.from({ length: 4 }, (_, j) => [i * 4 + j, -(i + j) / 2]),
  ),
];
const FILTER = Array.from({ length: 3 }, (_, a) =>
  Array.from({ length: 3 }, (_, b) =>
    Array.from({ length: 2 }, (_, c) =>
      Array.from({ length: 3 }, (_, d) => ((a + b + c + d) % 4) - 1.5),
    ),
  ),
);

describe("tf.nn.conv2d", () => {
  it("builds Conv2D with TensorFlow's attrs and shape", () => {
    const x = tf.placeholder(tf.float32, [null, 4, 4, 2]);
    const w = tf.constant(FILTER);
    const y = tf.nn.conv2d(x, w, { strides: [1, 1, 1, 1], padding: "SAME" });
    expect(y.op.type).toBe("Conv2D");
    expect(y.op.name).toBe("Conv2D");
    expect(y.op.attrs).toMatchObject({
      T: "float32",
      strides: [1, 1, 1, 1],
      padding: "SAME",
      data_format: "NHWC",
      dilations: [1, 1, 1, 1],
      use_cudnn_on_gpu: true,
      explicit_paddings: [],
    });
    expect(y.shape.toString()).toBe("(?, 4, 4, 3)");
    expectClose(
      run(y, new Map([[x, INPUT]])).toArray(),
      direct(() => tfc.conv2d(tfc.tensor4d(INPUT), tfc.tensor4d(FILTER), 1, "same")),
    );
  });

  it("computes VALID, strided and dilated output sizes", () => {
    const x = tf.placeholder(tf.float32, [null, 28, 28, 2]);
    const w = tf.zeros([3, 3, 2, 8]);
    expect(tf.nn.conv2d(x, w, { strides: [1, 1, 1, 1], padding: "VALID" }).shape.toString()).toBe(
      "(?, 26, 26, 8)",
    );
    expect(tf.nn.conv2d(x, w, { strides: 2, padding: "SAME" }).shape.toString()).toBe(
      "(?, 14, 14, 8)",
    );
    expect(tf.nn.conv2d(x, w, { strides: [2, 2], padding: "VALID" }).shape.toString()).toBe(
      "(?, 13, 13, 8)",
    );
    expect(tf.nn.conv2d(x, w, { padding: "VALID", dilations: 2 }).shape.toString()).toBe(
      "(?, 24, 24, 8)",
    );
    const valid = tf.nn.conv2d(tf.constant(INPUT), tf.constant(FILTER), {
      strides: [1, 1, 1, 1],
      padding: "VALID",
    });
    expectClose(
      run(valid).toArray(),
      direct(() => tfc.conv2d(tfc.tensor4d(INPUT), tfc.tensor4d(FILTER), 1, "valid")),
    );
  });

  it("supports explicit padding and NCHW", () => {
    const p = tf.nn.conv2d(tf.constant(INPUT), tf.constant(FILTER), {
      strides: 1,
      padding: [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    });
    expect(p.op.attrs).toMatchObject({
      padding: "EXPLICIT",
      explicit_paddings: [0, 0, 1, 0, 0, 1, 0, 0],
    });
    expect(p.shape.toString()).toBe("(1, 3, 3, 3)");
    expectClose(
      run(p).toArray(),
      direct(() =>
        tfc.conv2d(tfc.tensor4d(INPUT), tfc.tensor4d(FILTER), 1, [
          [0, 0],
          [1, 0],
          [0, 1],
          [0, 0],
        ]),
      ),
    );
    const nchw = tf.transpose(tf.constant(INPUT), { perm: [0, 3, 1, 2] });
    const y = tf.nn.conv2d(nchw, tf.constant(FILTER), {
      strides: 1,
      padding: "SAME",
      dataFormat: "NCHW",
    });
    expect(y.op.attrs).toMatchObject({ strides: [1, 1, 1, 1], data_format: "NCHW" });
    expect(y.shape.toString()).toBe("(1, 3, 4, 4)");
    expectClose(
      run(y).toArray(),
      direct(() =>
        tfc.transpose(
          tfc.conv2d(tfc.tensor4d(INPUT), tfc.tensor4d(FILTER), 1, "same"),
          [0, 3, 1, 2],
        ),
      ),
    );
  });

  it("raises TensorFlow's build-time errors", () => {
    expectValueError(
      () =>
        tf.nn.conv2d(tf.zeros([1, 2, 2, 1]), tf.zeros([3, 3, 1, 1]), {
          strides: 1,
          padding: "VALID",
        }),
      "Negative dimension size caused by subtracting 3 from 2 for 'Conv2D' (op: 'Conv2D') with input shapes: [1,2,2,1], [3,3,1,1].",
    );
    expectValueError(
      () =>
        tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 2, 1]), {
          strides: 1,
          padding: "SAME",
        }),
      "Dimensions must be equal, but are 3 and 2 for 'Conv2D' (op: 'Conv2D') with input shapes: [1,5,5,3], [3,3,2,1].",
    );
    expectValueError(
      () =>
        tf.nn.conv2d(tf.zeros([5, 5, 3]), tf.zeros([3, 3, 3, 1]), { strides: 1, padding: "SAME" }),
      "Shape must be rank 4 but is rank 3 for 'Conv2D' (op: 'Conv2D') with input shapes: [5,5,3], [3,3,3,1].",
    );
    expectValueError(
      () =>
        tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 1]), {
          strides: 1,
          padding: "same" as "SAME",
        }),
      `Attr 'padding' of 'Conv2D' Op passed string 'same' not in: "SAME", "VALID", "EXPLICIT".`,
    );
    expectValueError(
      () =>
        tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 3, 1]), {
          strides: [1, 1, 1],
          padding: "SAME",
        }),
      "strides should be of length 1, 2 or 4 but was 3",
    );
  });

  it("fails at run time for strides in the batch dimension, as TensorFlow's kernel does", () => {
    const y = tf.nn.conv2d(tf.zeros([2, 4, 4, 1]), tf.zeros([1, 1, 1, 1]), {
      strides: [2, 1, 1, 1],
      padding: "SAME",
    });
    expect(() => run(y)).toThrow(tf.errors.InvalidArgumentError);
  });
});

describe("tf.nn.maxPool and tf.nn.avgPool", () => {
  const X = [
    [
      [[1], [2], [3], [4]],
      [[5], [6], [7], [8]],
      [[9], [10], [11], [12]],
      [[13], [14], [15], [16]],
    ],
  ];

  it("build MaxPool and AvgPool with TensorFlow's attrs", () => {
    const x = tf.placeholder(tf.float32, [null, 4, 4, 1]);
    const m = tf.nn.maxPool(x, { ksize: [1, 2, 2, 1], strides: [1, 2, 2, 1], padding: "VALID" });
    expect(m.op.type).toBe("MaxPool");
    expect(m.op.name).toBe("MaxPool");
    expect(m.op.attrs).toMatchObject({
      ksize: [1, 2, 2, 1],
      strides: [1, 2, 2, 1],
      padding: "VALID",
      data_format: "NHWC",
    });
    expect(m.shape.toString()).toBe("(?, 2, 2, 1)");
    expect(run(m, new Map([[x, X]])).toArray()).toEqual([
      [
        [[6], [8]],
        [[14], [16]],
      ],
    ]);
    const a = tf.nn.avgPool(x, { ksize: 2, strides: 2, padding: "VALID" });
    expect(a.op.type).toBe("AvgPool");
    expect(a.op.attrs).toMatchObject({ ksize: [1, 2, 2, 1], strides: [1, 2, 2, 1] });
    expect(run(a, new Map([[x, X]])).toArray()).toEqual([
      [
        [[3.5], [5.5]],
        [[11.5], [13.5]],
      ],
    ]);
  });

  it("pad SAME windows as TensorFlow does (averages count only real elements)", () => {
    // 4x4 input, window 3, stride 2, SAME: padding 0 before and 1 after, so the windows
    // cover rows/cols {0, 1, 2} and {2, 3}.
    const x = tf.constant(X);
    const m = tf.nn.maxPool(x, { ksize: 3, strides: 2, padding: "SAME" });
    expect(m.shape.toString()).toBe("(1, 2, 2, 1)");
    expect(run(m).toArray()).toEqual([
      [
        [[11], [12]],
        [[15], [16]],
      ],
    ]);
    const a = tf.nn.avgPool(x, { ksize: 3, strides: 2, padding: "SAME" });
    expectClose(run(a).toArray(), [
      [
        [[6], [7.5]],
        [[12], [13.5]],
      ],
    ]);
  });

  it("raise TensorFlow's errors", () => {
    expectValueError(
      () => tf.nn.maxPool(tf.zeros([1, 2, 2, 1]), { ksize: 3, strides: 1, padding: "VALID" }),
      "Negative dimension size caused by subtracting 3 from 2 for 'MaxPool' (op: 'MaxPool') with input shapes: [1,2,2,1].",
    );
    expectValueError(
      () =>
        tf.nn.maxPool(tf.zeros([1, 2, 2, 1]), {
          ksize: [1, 0, 1, 1],
          strides: 1,
          padding: "VALID",
        }),
      "ksize cannot be zero.",
    );
  });
});
