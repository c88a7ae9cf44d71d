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

describe("MaxPoolGrad", () => {
  /** d(sum(maxPool(x) * weights))/dx for an input given as [h][w] of one channel. */
  function poolGrad(
    rows: number[][],
    ksize: number,
    strides: number,
    padding: "SAME" | "VALID",
    weights?: number[],
  ): number[][] {
    const h = rows.length;
    const w = (rows[0] as number[]).length;
    const x = tf.placeholder(tf.float32, [1, h, w, 1]);
    const y = tf.nn.maxPool(x, { ksize, strides, padding });
    const scaled =
      weights === undefined ? y : tf.multiply(y, tf.reshape(tf.constant(weights), y.shape));
    const [dx] = tf.gradients(tf.reduceSum(scaled), [x]);
    const value = run(dx as tf.Tensor, new Map([[x, [rows.map((r) => r.map((v) => [v]))]]]));
    return (value.toArray() as number[][][][])[0]!.map((r) => r.map((c) => c[0] as number));
  }

  it("sends each window's gradient to its maximum, also when all values are negative", () => {
    expect(
      poolGrad(
        [
          [-3, -1, 5, 2],
          [-2, -4, 1, 7],
        ],
        2,
        2,
        "VALID",
        [10, 20],
      ),
    ).toEqual([
      [0, 10, 0, 0],
      [0, 0, 0, 20],
    ]);
  });

  it("takes the first of equal maxima in row-major order, as TensorFlow's CPU kernel", () => {
    expect(
      poolGrad(
        [
          [0, 0, 4, 3],
          [0, 0, 4, 4],
        ],
        2,
        2,
        "VALID",
      ),
    ).toEqual([
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
  });

  it("keeps a NaN that comes first in its window, and ignores one that comes later", () => {
    expect(
      poolGrad(
        [
          [NaN, 5, 1, NaN],
          [9, 2, 0, 3],
        ],
        2,
        2,
        "VALID",
      ),
    ).toEqual([
      [1, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  it("adds up the gradients of overlapping SAME windows at a shared maximum", () => {
    // 3x3 windows, stride 1, SAME: the 9 in the middle is the maximum of every window.
    expect(
      poolGrad(
        [
          [1, 2, 3],
          [4, 9, 5],
          [6, 7, 8],
        ],
        3,
        1,
        "SAME",
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
      ),
    ).toEqual([
      [0, 0, 0],
      [0, 45, 0],
      [0, 0, 0],
    ]);
  });

  it("clips SAME windows at the border with odd sizes and strides", () => {
    // 3x3 windows, stride 2 on 5x5: one row and column of padding on each side, so the
    // windows cover rows (and columns) 0-1, 1-3 and 3-4; each maximum is its top-left value.
    const rows = [
      [-1, -2, -3, -4, -5],
      [-6, -7, -8, -9, -10],
      [-11, -12, -13, -14, -15],
      [-16, -17, -18, -19, -20],
      [-21, -22, -23, -24, -25],
    ];
    expect(poolGrad(rows, 3, 2, "SAME")).toEqual([
      [1, 1, 0, 1, 0],
      [1, 1, 0, 1, 0],
      [0, 0, 0, 0, 0],
      [1, 1, 0, 1, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it("computes NCHW the same as NHWC, over batches and channels", () => {
    const values = Array.from({ length: 2 * 4 * 6 * 3 }, (_, i) => Math.sin(i * 1.7) * 3);
    const nhwc = tf.constant(values, { shape: [2, 4, 6, 3] });
    const nchw = tf.transpose(nhwc, [0, 3, 1, 2]);
    const a = tf.nn.maxPool(nhwc, { ksize: [1, 2, 3, 1], strides: [1, 2, 2, 1], padding: "SAME" });
    const b = tf.nn.maxPool(nchw, {
      ksize: [1, 1, 2, 3],
      strides: [1, 1, 2, 2],
      padding: "SAME",
      dataFormat: "NCHW",
    });
    const [ga] = tf.gradients(tf.reduceSum(tf.multiply(a, a)), [nhwc]);
    const [gb] = tf.gradients(tf.reduceSum(tf.multiply(b, b)), [nhwc]);
    const sess = new tf.Session();
    const [va, vb, pooled] = sess.run([ga as tf.Tensor, gb as tf.Tensor, a]);
    expect(Array.from(vb!.data as Float32Array)).toEqual(Array.from(va!.data as Float32Array));
    // Every window's 2·max lands somewhere: the gradient sums to twice the pooled sum.
    const sum = (t: tf.NDArray) => Array.from(t.data as Float32Array).reduce((p, v) => p + v, 0);
    expect(sum(va!)).toBeCloseTo(2 * sum(pooled!), 3);
  });
});
