/**
 * The 3-D convolutions and pooling: values from TF 1.15's conv_ops_3d_test.py and
 * pooling_ops_3d_test.py, static shapes and error messages of TF's shape functions and CPU
 * kernels.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** conv_ops_3d_test's inputs: (1..n) / n, in the given shape. */
function scaled(shape: number[]): tf.Tensor {
  const n = size(shape);
  return tf.constant(
    Array.from({ length: n }, (_, i) => (i + 1) / n),
    { shape },
  );
}

/** pooling_ops_3d_test's inputs: 1..n in the given shape. */
function counting(shape: number[]): tf.Tensor {
  return tf.constant(
    Array.from({ length: size(shape) }, (_, i) => i + 1),
    { shape },
  );
}

function values(t: tf.Tensor): number[] {
  return [run(t).toArray()].flat(Infinity as 1) as number[];
}

function conv(x: number[], w: number[], stride: number | number[], padding: "SAME" | "VALID") {
  const s = typeof stride === "number" ? [stride, stride, stride] : stride;
  return tf.nn.conv3d(scaled(x), scaled(w), [1, ...s, 1], padding);
}

describe("tf.nn.conv3d (conv_ops_3d_test values)", () => {
  it("1x1x1 filter, in three layouts", () => {
    const expected = [
      0.18518519, 0.22222222, 0.25925926, 0.40740741, 0.5, 0.59259259, 0.62962963, 0.77777778,
      0.92592593, 0.85185185, 1.05555556, 1.25925926, 1.07407407, 1.33333333, 1.59259259, 1.2962963,
      1.61111111, 1.92592593,
    ];
    for (const x of [
      [1, 2, 3, 1, 3],
      [1, 2, 1, 3, 3],
      [1, 1, 2, 3, 3],
    ]) {
      expectClose(values(conv(x, [1, 1, 1, 3, 3], 1, "VALID")), expected, 1e-5);
    }
  });

  it("2x2x2 filter, stride 1 and 2, VALID and SAME", () => {
    expectClose(
      values(conv([1, 4, 2, 3, 3], [2, 2, 2, 3, 3], 1, "VALID")),
      [
        3.77199074, 3.85069444, 3.92939815, 4.2650463, 4.35763889, 4.45023148, 6.73032407,
        6.89236111, 7.05439815, 7.22337963, 7.39930556, 7.57523148, 9.68865741, 9.93402778,
        10.17939815, 10.18171296, 10.44097222, 10.70023148,
      ],
      1e-5,
    );
    expectClose(
      values(conv([1, 4, 2, 3, 3], [2, 2, 2, 3, 3], 2, "VALID")),
      [3.77199074, 3.85069444, 3.92939815, 9.68865741, 9.93402778, 10.17939815],
      1e-5,
    );
    const same = conv([1, 4, 2, 3, 3], [2, 2, 2, 3, 3], 2, "SAME");
    expect(same.shape.toString()).toBe("(1, 2, 1, 2, 3)");
    expectClose(
      values(same),
      [
        3.77199074, 3.85069444, 3.92939815, 2.0162037, 2.06597222, 2.11574074, 9.68865741,
        9.93402778, 10.17939815, 4.59953704, 4.73263889, 4.86574074,
      ],
      1e-5,
    );
  });

  it("different strides per dimension, SAME", () => {
    const y = conv([1, 5, 8, 7, 1], [1, 2, 3, 1, 1], [2, 3, 1], "SAME");
    expect(y.shape.toString()).toBe("(1, 3, 3, 7, 1)");
    expectClose(
      values(y),
      [
        0.06071429, 0.08988095, 0.10238095, 0.11488095, 0.12738095, 0.13988095, 0.08452381,
        0.26071429, 0.35238095, 0.36488095, 0.37738095, 0.38988095, 0.40238095, 0.23452381,
        0.46071429, 0.61488095, 0.62738095, 0.63988095, 0.65238095, 0.66488095, 0.38452381,
        1.12738095, 1.48988095, 1.50238095, 1.51488095, 1.52738095, 1.53988095, 0.88452381,
        1.32738095, 1.75238095, 1.76488095, 1.77738095, 1.78988095, 1.80238095, 1.03452381,
        1.52738095, 2.01488095, 2.02738095, 2.03988095, 2.05238095, 2.06488095, 1.18452381,
        2.19404762, 2.88988095, 2.90238095, 2.91488095, 2.92738095, 2.93988095, 1.68452381,
        2.39404762, 3.15238095, 3.16488095, 3.17738095, 3.18988095, 3.20238095, 1.83452381,
        2.59404762, 3.41488095, 3.42738095, 3.43988095, 3.45238095, 3.46488095, 1.98452381,
      ],
      1e-5,
    );
  });

  it("stride 3 and kernels smaller than the stride", () => {
    expectClose(
      values(conv([1, 6, 7, 8, 2], [3, 2, 1, 2, 3], 3, "VALID")),
      [
        1.51140873, 1.57167659, 1.63194444, 1.56349206, 1.62673611, 1.68998016, 1.6155754,
        1.68179563, 1.74801587, 1.9280754, 2.01215278, 2.09623016, 1.98015873, 2.0672123,
        2.15426587, 2.03224206, 2.12227183, 2.21230159, 4.4280754, 4.65500992, 4.88194444,
        4.48015873, 4.71006944, 4.93998016, 4.53224206, 4.76512897, 4.99801587, 4.84474206,
        5.09548611, 5.34623016, 4.8968254, 5.15054563, 5.40426587, 4.94890873, 5.20560516,
        5.46230159,
      ],
      1e-5,
    );
    const small = [0.03703704, 0.11111111, 0.25925926, 0.33333333, 0.7037037, 0.77777778];
    expectClose(
      values(conv([1, 3, 3, 3, 1], [1, 1, 1, 1, 1], 2, "SAME")),
      [...small, 0.92592593, 1],
      1e-5,
    );
    expectClose(
      values(conv([1, 7, 7, 7, 1], [2, 2, 2, 1, 1], 3, "SAME")),
      [
        0.54081633, 0.58017493, 0.28061224, 0.81632653, 0.85568513, 0.40306122, 0.41873178,
        0.4340379, 0.19642857, 2.46938776, 2.50874636, 1.1377551, 2.74489796, 2.78425656,
        1.26020408, 1.16873178, 1.1840379, 0.51785714, 1.09511662, 1.10604956, 0.44642857,
        1.17164723, 1.18258017, 0.47704082, 0.3691691, 0.37244898, 0.125,
      ],
      1e-5,
    );
    expectClose(
      values(conv([1, 7, 7, 7, 1], [2, 2, 2, 1, 1], 3, "VALID")),
      [0.540816, 0.580175, 0.816327, 0.855685, 2.469388, 2.508746, 2.744898, 2.784257],
      1e-5,
    );
    expectClose(values(conv([1, 2, 1, 2, 1], [2, 1, 2, 1, 2], 1, "VALID")), [1.5625, 1.875]);
  });

  it("builds Conv3D with TF's attrs, names and static shape", () => {
    const x = tf.placeholder(tf.float32, [null, 9, 8, 7, 3]);
    const w = tf.placeholder(tf.float32, [3, 2, 1, 3, 5]);
    const y = tf.nn.conv3d(x, w, [1, 2, 2, 3, 1], "VALID", { name: "c" });
    expect(y.name).toBe("c:0");
    expect(y.op.attrs).toMatchObject({
      T: "float32",
      strides: [1, 2, 2, 3, 1],
      padding: "VALID",
      data_format: "NDHWC",
      dilations: [1, 1, 1, 1, 1],
    });
    expect(y.shape.toString()).toBe("(?, 4, 4, 3, 5)");
    const nc = tf.placeholder(tf.float32, [2, 3, 9, 8, 7]);
    const z = tf.nn.conv3d(nc, w, [1, 1, 1, 1, 1], "SAME", { dataFormat: "NCDHW" });
    expect(z.shape.toString()).toBe("(2, 5, 9, 8, 7)");
  });

  it("follows TF 1.15's shape function, which swaps the rows' and cols' dilations", () => {
    const x = tf.placeholder(tf.float32, [1, 9, 9, 9, 1]);
    const w = tf.placeholder(tf.float32, [3, 3, 1, 1, 1]);
    const y = tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "VALID", { dilations: [1, 1, 2, 1, 1] });
    // The rows' window (3) takes the cols' dilation (1): 7 rows, where the kernel's 2 gives 5.
    expect(y.shape.toString()).toBe("(1, 7, 7, 9, 1)");
  });

  it("refuses what TF refuses, leaving the graph unchanged", () => {
    const x = tf.placeholder(tf.float32, [1, 4, 4, 4, 2]);
    const w = tf.placeholder(tf.float32, [2, 2, 2, 3, 1]);
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME")).toThrow(
      "Dimensions must be equal, but are 2 and 3 for 'Conv3D' (op: 'Conv3D') with input shapes: [1,4,4,4,2], [2,2,2,3,1].",
    );
    const w4 = tf.zeros([2, 2, 2, 2]);
    expect(() => tf.nn.conv3d(x, w4, [1, 1, 1, 1, 1], "SAME")).toThrow(
      "Shape must be rank 5 but is rank 4",
    );
    const n = tf.getDefaultGraph().getOperations().length;
    const w2 = tf.placeholder(tf.float32, [2, 2, 2, 2, 1]);
    expect(() => tf.nn.conv3d(x, w2, [1, 1, 1], "SAME")).toThrow(
      "Attr 'strides' of 'Conv3D' Op passed list of length 3 less than minimum 5.",
    );
    expect(() => tf.nn.conv3d(x, w2, 1 as never, "SAME")).toThrow(
      "Expected list for 'strides' argument to 'conv3d' Op, not 1.",
    );
    expect(() => tf.nn.conv3d(x, w2, [1, 1, 1, 1, 1], "FULL")).toThrow(
      `Attr 'padding' of 'Conv3D' Op passed string 'FULL' not in: "SAME", "VALID".`,
    );
    expect(() => tf.nn.conv3d(x, w2, [1, 1, 1, 1, 1, 1], "SAME")).toThrow(
      "Conv3D requires the stride attribute to contain 5 values, but got: 6",
    );
    const small = tf.zeros([1, 2, 2, 2, 2]);
    const big = tf.zeros([3, 3, 3, 2, 1]);
    const built = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.nn.conv3d(small, big, [1, 1, 1, 1, 1], "VALID")).toThrow(
      "Negative dimension size caused by subtracting 3 from 2",
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(built);
    expect(before + 1).toBe(n);
  });

  it("runs as TF's CPU kernels do: NDHWC only, no dilations", () => {
    const w = tf.ones([1, 1, 1, 2, 1]);
    const nc = tf.nn.conv3d(tf.ones([1, 2, 3, 3, 3]), w, [1, 1, 1, 1, 1], "SAME", {
      dataFormat: "NCDHW",
    });
    expect(() => run(nc)).toThrow(
      "CPU implementation of Conv3D currently only supports the NHWC tensor format.",
    );
    const dilated = tf.nn.conv3d(tf.ones([1, 3, 3, 3, 2]), w, [1, 1, 1, 1, 1], "SAME", {
      dilations: [1, 2, 2, 2, 1],
    });
    expect(() => run(dilated)).toThrow(
      "CPU implementation of Conv3D currently only supports dilated rates of 1.",
    );
    const batchStride = tf.nn.conv3d(tf.ones([2, 3, 3, 3, 2]), w, [2, 1, 1, 1, 1], "SAME");
    expect(() => run(batchStride)).toThrow(
      "Current implementation does not yet support strides in the batch and depth dimensions.",
    );
  });
});

describe("tf.nn.convolution in 3-D", () => {
  it("is Conv3D without dilation, and runs dilations through SpaceToBatchND", () => {
    const x = scaled([1, 4, 6, 3, 1]);
    const w = scaled([2, 2, 2, 1, 1]);
    const plain = tf.nn.convolution(x, w, "SAME", { strides: [1, 2, 1] });
    expect(plain.op.type).toBe("Conv3D");
    expect(plain.name).toBe("convolution:0");
    expect(values(plain)).toEqual(values(tf.nn.conv3d(x, w, [1, 1, 2, 1, 1], "SAME")));
    // conv_ops_3d_test's dilated case, against the filter dilated by hand (zeros between rows).
    const dilated = tf.nn.convolution(x, w, "VALID", { dilationRate: [1, 2, 1] });
    expect(dilated.shape.toString()).toBe("(1, 3, 4, 2, 1)");
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.type);
    expect(ops).toEqual(expect.arrayContaining(["SpaceToBatchND", "BatchToSpaceND"]));
    const wd = tf.concat(
      [
        tf.slice(w, [0, 0, 0, 0, 0], [2, 1, 2, 1, 1]),
        tf.zeros([2, 1, 2, 1, 1]),
        tf.slice(w, [0, 1, 0, 0, 0], [2, 1, 2, 1, 1]),
      ],
      1,
    );
    expectClose(values(dilated), values(tf.nn.conv3d(x, wd, [1, 1, 1, 1, 1], "VALID")), 1e-5);
  });
});

describe("tf.nn.conv3dTranspose", () => {
  it("is the gradient of conv3d with respect to its input", () => {
    const xShape = [2, 5, 4, 6, 2];
    const x = scaled(xShape);
    const w = scaled([3, 2, 3, 2, 4]);
    const y = tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME");
    const dy = tf.sin(scaled([2, 3, 4, 3, 4]));
    const [dx] = tf.gradients(y, [x], { gradYs: [dy] });
    const t = tf.nn.conv3dTranspose(dy, w, xShape, [1, 2, 1, 2, 1]);
    expect(t.name).toBe("conv3d_transpose:0");
    expect(t.op.type).toBe("Conv3DBackpropInputV2");
    expect(t.shape.toString()).toBe("(2, 5, 4, 6, 2)");
    expectClose(values(t), values(dx as tf.Tensor), 1e-5);
    const valid = tf.nn.conv3dTranspose(dy, w, [2, 7, 5, 7, 2], 2, "VALID");
    expect(() => run(valid)).toThrow(
      "Conv3DBackpropInputOp: Size of out_backprop doesn't match computed: actual = 4, computed = 2 spatial_dim: 2 input: 5 filter: 2 output: 4 stride: 2 dilation: 1",
    );
  });

  it("checks the output shape's rank", () => {
    const dy = tf.zeros([1, 2, 2, 2, 3]);
    const w = tf.zeros([2, 2, 2, 1, 3]);
    expect(() => tf.nn.conv3dTranspose(dy, w, [1, 4, 4, 1], 2)).toThrow(
      "Shape must be rank 5 but is rank 4 for 'conv3d_transpose' (op: 'Conv3DBackpropInputV2')",
    );
    expect(() => tf.nn.conv3dTranspose(dy, w, [1, 4, 4, 4, 1], [2, 2])).toThrow(
      "strides should be of length 1, 3 or 5 but was 2",
    );
  });
});

function pool(
  fn: typeof tf.nn.maxPool3d,
  shape: number[],
  window: number[],
  strides: number[],
  padding: "SAME" | "VALID",
): tf.Tensor {
  return fn(counting(shape), [1, ...window, 1], [1, ...strides, 1], padding);
}

describe("tf.nn.maxPool3d and tf.nn.avgPool3d (pooling_ops_3d_test values)", () => {
  it("average pooling", () => {
    const avg = tf.nn.avgPool3d;
    expect(values(pool(avg, [1, 3, 3, 3, 3], [2, 2, 2], [2, 2, 2], "VALID"))).toEqual([
      20.5, 21.5, 22.5,
    ]);
    expect(values(pool(avg, [1, 2, 2, 4, 3], [2, 2, 2], [2, 2, 2], "SAME"))).toEqual([
      20.5, 21.5, 22.5, 26.5, 27.5, 28.5,
    ]);
    expect(values(pool(avg, [1, 5, 8, 1, 1], [1, 2, 3], [2, 3, 1], "SAME"))).toEqual([
      1.5, 4.5, 7.5, 17.5, 20.5, 23.5, 33.5, 36.5, 39.5,
    ]);
    expect(values(pool(avg, [1, 3, 3, 3, 1], [1, 1, 1], [2, 2, 2], "SAME"))).toEqual([
      1, 3, 7, 9, 19, 21, 25, 27,
    ]);
    expect(values(pool(avg, [1, 7, 7, 7, 1], [2, 2, 2], [3, 3, 3], "VALID"))).toEqual([
      29.5, 32.5, 50.5, 53.5, 176.5, 179.5, 197.5, 200.5,
    ]);
  });

  it("max pooling", () => {
    const max = tf.nn.maxPool3d;
    expect(values(pool(max, [1, 3, 3, 3, 3], [2, 2, 2], [2, 2, 2], "VALID"))).toEqual([40, 41, 42]);
    expect(values(pool(max, [1, 2, 2, 3, 3], [2, 2, 2], [2, 2, 2], "SAME"))).toEqual([
      31, 32, 33, 34, 35, 36,
    ]);
    expect(values(pool(max, [1, 5, 8, 1, 1], [1, 2, 3], [2, 3, 1], "SAME"))).toEqual([
      2, 5, 8, 18, 21, 24, 34, 37, 40,
    ]);
    expect(values(pool(max, [1, 3, 3, 3, 1], [1, 1, 1], [2, 2, 2], "SAME"))).toEqual([
      1, 3, 7, 9, 19, 21, 25, 27,
    ]);
    expect(values(pool(max, [1, 7, 7, 7, 1], [2, 2, 2], [3, 3, 3], "VALID"))).toEqual([
      58, 61, 79, 82, 205, 208, 226, 229,
    ]);
  });

  it("builds TF's ops and shapes, and takes 1, 3 or 5 values", () => {
    const x = tf.placeholder(tf.float32, [null, 5, 8, 1, 4]);
    const p = tf.nn.maxPool3d(x, [1, 2, 3], [2, 3, 1], "SAME", { name: "p" });
    expect(p.name).toBe("p:0");
    expect(p.op.attrs).toMatchObject({
      ksize: [1, 1, 2, 3, 1],
      strides: [1, 2, 3, 1, 1],
      padding: "SAME",
      data_format: "NDHWC",
      T: "float32",
    });
    expect(p.shape.toString()).toBe("(?, 3, 3, 1, 4)");
    const nc = tf.placeholder(tf.float32, [null, 4, 5, 8, 3]);
    const a = tf.nn.avgPool3d(nc, 2, 1, "VALID", { dataFormat: "NCDHW" });
    expect(a.shape.toString()).toBe("(?, 4, 4, 7, 2)");
    expect(a.op.attrs.ksize).toEqual([1, 1, 2, 2, 2]);
    // NCDHW: channels 5, then depth 8, height 1 (window 2: negative) — see the next case.
    expect(a.op.attrs.data_format).toBe("NCDHW");
  });

  it("refuses bad arguments and runs NDHWC only", () => {
    const x = tf.placeholder(tf.float32, [1, 4, 4, 4, 1]);
    expect(() => tf.nn.maxPool3d(x, [2, 2], 1, "SAME")).toThrow(
      "ksize should be of length 1, 3 or 5 but was 2",
    );
    expect(() => tf.nn.avgPool3d(x, 5, 1, "VALID")).toThrow(
      "Negative dimension size caused by subtracting 5 from 4 for 'AvgPool3D' (op: 'AvgPool3D') with input shapes: [1,4,4,4,1].",
    );
    expect(() => tf.nn.maxPool3d(tf.zeros([1, 4, 4, 4]), 2, 2, "SAME")).toThrow(
      "Shape must be rank 5 but is rank 4",
    );
    const nc = tf.nn.maxPool3d(tf.ones([1, 1, 4, 4, 4]), 2, 2, "SAME", { dataFormat: "NCDHW" });
    expect(() => run(nc)).toThrow("Default Pooling3DOp only supports NDHWC on device type CPU");
    const depth = tf.nn.avgPool3d(tf.ones([1, 4, 4, 4, 2]), [1, 1, 1, 1, 2], 1, "VALID");
    expect(() => run(depth)).toThrow("Pooling is not yet supported on the depth dimension.");
  });

  it("gradients: MaxPool3DGrad and AvgPool3DGrad", () => {
    const x = counting([1, 3, 2, 4, 1]);
    const m = tf.nn.maxPool3d(x, 2, 2, "SAME");
    const a = tf.nn.avgPool3d(x, 2, 2, "SAME");
    const [dm] = tf.gradients(m, [x]);
    const [da] = tf.gradients(a, [x]);
    expect(dm?.op.name).toBe("gradients/MaxPool3D_grad/MaxPool3DGrad");
    expect(da?.op.name).toBe("gradients_1/AvgPool3D_grad/AvgPool3DGrad");
    expect((dm as tf.Tensor).shape.toString()).toBe("(1, 3, 2, 4, 1)");
    expect((da as tf.Tensor).shape.toString()).toBe("(1, 3, 2, 4, 1)");
    // Windows: planes {0,1},{2}; rows {0,1}; cols {0,1},{2,3}: each max is its window's last.
    expect(values(dm as tf.Tensor)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1,
    ]);
    expectClose(
      values(da as tf.Tensor),
      [
        0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125,
        0.125, 0.125, 0.125, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25,
      ],
    );
  });
});

describe("MaxPool3DGrad's ties", () => {
  it("sends a window's gradient to every maximum, as TF's CPU kernel does", () => {
    const x = tf.ones([1, 2, 2, 2, 1]);
    const [dx] = tf.gradients(tf.nn.maxPool3d(x, 2, 2, "VALID"), [x]);
    expect(values(dx as tf.Tensor)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    const near = tf.constant([5, 5.000001, 4, 5, 1, 2, 3, 4], { shape: [1, 2, 2, 2, 1] });
    const [dn] = tf.gradients(tf.nn.maxPool3d(near, 2, 2, "VALID"), [near]);
    expect(values(dn as tf.Tensor)).toEqual([1, 1, 0, 1, 0, 0, 0, 0]);
  });
});

describe("imported GraphDefs", () => {
  it("runs a Conv3D, MaxPool3D and AvgPool3D graph from TF's text format", () => {
    const pbtxt = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: -1 } dim { size: 4 } dim { size: 4 } dim { size: 4 } dim { size: 1 } } } } }
node { name: "w" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 2 } dim { size: 2 } dim { size: 1 } dim { size: 2 } } float_val: 1 float_val: 0 float_val: 1 float_val: 0 float_val: 1 float_val: 0 float_val: 1 float_val: 0 float_val: 1 float_val: 0 float_val: 1 float_val: 0 float_val: 1 float_val: 0 float_val: 1 float_val: 1 } } } }
node { name: "conv" op: "Conv3D" input: "x" input: "w" attr { key: "T" value { type: DT_FLOAT } }
  attr { key: "strides" value { list { i: 1 i: 1 i: 1 i: 1 i: 1 } } }
  attr { key: "padding" value { s: "VALID" } } }
node { name: "max" op: "MaxPool3D" input: "conv" attr { key: "T" value { type: DT_FLOAT } }
  attr { key: "ksize" value { list { i: 1 i: 3 i: 3 i: 3 i: 1 } } }
  attr { key: "strides" value { list { i: 1 i: 1 i: 1 i: 1 i: 1 } } }
  attr { key: "padding" value { s: "VALID" } } }
node { name: "avg" op: "AvgPool3D" input: "conv" attr { key: "T" value { type: DT_FLOAT } }
  attr { key: "ksize" value { list { i: 1 i: 3 i: 3 i: 3 i: 1 } } }
  attr { key: "strides" value { list { i: 1 i: 1 i: 1 i: 1 i: 1 } } }
  attr { key: "padding" value { s: "VALID" } } }
versions { producer: 27 }`;
    const gd = tf.GraphDef.fromText(pbtxt);
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(gd, { name: "" }));
    const conv = g.getTensorByName("conv:0");
    expect(conv.shape.toString()).toBe("(?, 3, 3, 3, 2)");
    expect(g.getTensorByName("max:0").shape.toString()).toBe("(?, 1, 1, 1, 2)");
    const sess = new tf.Session({ graph: g });
    const feed = Array.from({ length: 64 }, (_, i) => i);
    const [c, m, a] = sess.run(
      [conv, g.getTensorByName("max:0"), g.getTensorByName("avg:0")],
      new Map([
        [g.getTensorByName("x:0"), tf.NDArray.fromTypedArray(feed, [1, 4, 4, 4, 1], "float32")],
      ]) as never,
    ) as tf.NDArray[];
    sess.close();
    // Channel 0 sums the 8 corners of each 2x2x2 window; channel 1 takes the last one.
    const at = (d: number, h: number, w: number) => d * 16 + h * 4 + w;
    let sum = 0;
    for (const [i, j, k] of [
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 1],
      [1, 0, 0],
      [1, 0, 1],
      [1, 1, 0],
      [1, 1, 1],
    ] as const) {
      sum += at(i, j, k);
    }
    expect(([c?.toArray()].flat(Infinity as 1) as number[]).slice(0, 2)).toEqual([
      sum,
      at(1, 1, 1),
    ]);
    expect([m?.toArray()].flat(Infinity as 1)).toEqual([sum + 8 * at(2, 2, 2), at(3, 3, 3)]);
    expect([a?.toArray()].flat(Infinity as 1)).toEqual([sum + 8 * at(1, 1, 1), at(2, 2, 2)]);
  });
});
