/** `tf.nn.conv2dTranspose`, `tf.layers.conv2dTranspose` / `tf.layers.Conv2DTranspose`. */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";
import { expectClose, opsUnder, runInitialized, variableSummary, wave } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/**
 * A plain-JS transposed convolution (NHWC): every input pixel scatters `x * w` into the
 * output window it came from under the conv2d that maps `out` to `x`.
 */
function transposedConv(
  x: readonly number[],
  xShape: readonly [number, number, number, number],
  w: readonly number[],
  wShape: readonly [number, number, number, number],
  outShape: readonly [number, number, number, number],
  strides: readonly [number, number],
  padding: "SAME" | "VALID",
): number[] {
  const [batch, ih, iw, ci] = xShape;
  const [kh, kw, co] = wShape;
  const [, oh, ow] = outShape;
  const [sh, sw] = strides;
  const padBefore = (inSize: number, k: number, s: number, outSize: number): number =>
    padding === "VALID" ? 0 : Math.floor(Math.max((inSize - 1) * s + k - outSize, 0) / 2);
  const pt = padBefore(ih, kh, sh, oh);
  const pl = padBefore(iw, kw, sw, ow);
  const out = new Array<number>(batch * oh * ow * co).fill(0);
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < ih; y++)
      for (let x0 = 0; x0 < iw; x0++)
        for (let c = 0; c < ci; c++) {
          const v = x[((b * ih + y) * iw + x0) * ci + c] as number;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const oy = y * sh + ky - pt;
              const ox = x0 * sw + kx - pl;
              if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
              for (let o = 0; o < co; o++) {
                const wi = ((ky * kw + kx) * co + o) * ci + c;
                const oi = ((b * oh + oy) * ow + ox) * co + o;
                out[oi] = (out[oi] as number) + v * (w[wi] as number);
              }
            }
        }
  return out;
}

describe("tf.nn.conv2dTranspose", () => {
  const cases: {
    padding: "SAME" | "VALID";
    x: [number, number, number, number];
    w: [number, number, number, number];
    out: [number, number, number, number];
    strides: [number, number];
  }[] = [
    { padding: "SAME", x: [2, 3, 4, 3], w: [3, 2, 2, 3], out: [2, 6, 8, 2], strides: [2, 2] },
    { padding: "VALID", x: [2, 3, 4, 3], w: [3, 2, 2, 3], out: [2, 7, 8, 2], strides: [2, 2] },
    { padding: "SAME", x: [2, 4, 3, 2], w: [2, 3, 3, 2], out: [2, 4, 5, 3], strides: [1, 2] },
    { padding: "VALID", x: [2, 4, 3, 2], w: [2, 3, 3, 2], out: [2, 5, 5, 3], strides: [1, 1] },
    // An odd SAME output: the 1-pixel remainder of the padding goes after.
    { padding: "SAME", x: [2, 3, 3, 1], w: [4, 3, 2, 1], out: [2, 5, 6, 2], strides: [2, 2] },
  ];
  for (const c of cases) {
    test(`${c.padding}, x ${c.x.join("x")}, filter ${c.w.join("x")}, strides ${c.strides.join(",")} → ${c.out.join("x")}`, () => {
      const xv = wave(c.x.reduce((a, b) => a * b));
      const wv = wave(
        c.w.reduce((a, b) => a * b),
        2,
      );
      const x = tf.placeholder(tf.float32, c.x);
      const w = tf.constant(wv, { shape: c.w });
      const y = tf.nn.conv2dTranspose(x, w, c.out, [1, c.strides[0], c.strides[1], 1], {
        padding: c.padding,
      });
      expect(y.op.type).toBe("Conv2DBackpropInput");
      expect(y.op.name).toBe("conv2d_transpose");
      expect(y.shape.toString()).toBe(`(${c.out.join(", ")})`);
      const got = runInitialized<tf.NDArray>(
        y,
        new Map([[x, new tf.NDArray(Float32Array.from(xv), c.x, "float32")]]),
      );
      expect(got.shape).toEqual(c.out);
      expectClose(
        got.data as Float32Array,
        transposedConv(xv, c.x, wv, c.w, c.out, c.strides, c.padding),
      );
    });
  }

  test("names: conv2d_transpose, conv2d_transpose_1, a given name; attrs; TF's newer names input= and filters=", () => {
    const x = tf.placeholder(tf.float32, [1, 2, 2, 4]);
    const w = tf.zeros([3, 3, 2, 4]);
    const a = tf.nn.conv2dTranspose(x, w, [1, 4, 4, 2], 2);
    const b = tf.nn.conv2dTranspose({
      input: x,
      filters: w,
      outputShape: [1, 4, 4, 2],
      strides: [2, 2],
    });
    const c = tf.nn.conv2dTranspose(x, w, [1, 4, 4, 2], [1, 2, 2, 1], "VALID", {
      name: "deconv",
    });
    expect([a.op.name, b.op.name, c.op.name]).toEqual([
      "conv2d_transpose",
      "conv2d_transpose_1",
      "deconv",
    ]);
    expect(a.op.attrs).toMatchObject({
      strides: [1, 2, 2, 1],
      padding: "SAME",
      data_format: "NHWC",
      dilations: [1, 1, 1, 1],
    });
    expect(c.op.attrs.padding).toBe("VALID");
    expect(a.op.inputs.map((t) => t.name)).toEqual([
      "conv2d_transpose/input_sizes:0",
      w.name,
      x.name,
    ]);
  });

  test("an output_shape tensor: the shape is known at run time", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 2, 1]);
    const outShape = tf.placeholder(tf.int32, [4]);
    const y = tf.nn.conv2dTranspose(x, tf.ones([2, 2, 1, 1]), outShape, 2, "VALID");
    expect(y.shape.toString()).toBe("(?, ?, ?, ?)");
    const got = runInitialized<tf.NDArray>(
      y,
      new Map<tf.Tensor, unknown>([
        [x, new tf.NDArray(Float32Array.from([1, 2, 3, 4]), [1, 2, 2, 1], "float32")],
        [outShape, new tf.NDArray(new Int32Array([1, 4, 4, 1]), [4], "int32")],
      ]),
    );
    expect(got.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(got.data as Float32Array)).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ]);
  });

  test("bad input: a clear error, and the graph unchanged", () => {
    const x = tf.placeholder(tf.float32, [1, 2, 2, 4]);
    const w = tf.zeros([3, 3, 2, 4]);
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.nn.conv2dTranspose(x, w, [1, 4, 4, 2], 2, "FULL")).toThrow(
      `Attr 'padding' of 'Conv2DBackpropInput' Op passed string 'FULL' not in: "SAME", "VALID".`,
    );
    expect(() => tf.nn.conv2dTranspose(x, w, [1, 4, 4], 2)).toThrow(
      "Shape must be rank 4 but is rank 3 for 'conv2d_transpose' (op: 'Conv2DBackpropInput') with input shapes: [3], [3,3,2,4], [1,2,2,4].",
    );
    expect(() => tf.nn.conv2dTranspose(x, w, [1, 4, 4, 2], [1, 2, 3])).toThrow(
      "strides should be of length 1, 2 or 4 but was 3",
    );
    expect(() => tf.nn.conv2dTranspose(x, w, [1, 4, 4, 2], 2, { dataFormat: "NCWH" })).toThrow(
      'data_format must be "NHWC" or "NCHW".',
    );
    expect(() =>
      tf.nn.conv2dTranspose({ value: x, outputShape: [1, 4, 4, 2], strides: 2 }),
    ).toThrow("nn.conv2d_transpose() missing 1 required argument: 'filter'");
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });

  test("sizes no conv2d maps to the input, and channels that differ, fail when run as in TensorFlow", () => {
    const x = tf.placeholder(tf.float32, [1, 2, 2, 4]);
    const wrongSize = tf.nn.conv2dTranspose(x, tf.zeros([3, 3, 2, 4]), [1, 7, 7, 2], 2);
    expect(() =>
      runInitialized(
        wrongSize,
        new Map([[x, new tf.NDArray(new Float32Array(16), [1, 2, 2, 4], "float32")]]),
      ),
    ).toThrow(
      "Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = 2, computed = 4 spatial_dim: 1 input: 7 filter: 3 output: 2 stride: 2 dilation: 1",
    );
    const wrongChannels = tf.nn.conv2dTranspose(x, tf.zeros([3, 3, 2, 3]), [1, 4, 4, 2], 2);
    expect(() =>
      runInitialized(
        wrongChannels,
        new Map([[x, new tf.NDArray(new Float32Array(16), [1, 2, 2, 4], "float32")]]),
      ),
    ).toThrow("Conv2DCustomBackpropInput: filter and out_backprop must have the same out_depth");
  });

  test("gradients w.r.t. input and filter match finite differences and tfjs (SAME, strides 2)", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 3, 2, 3] }, { shape: [3, 2, 2, 3] }],
      graph: (x, w) => tf.nn.conv2dTranspose(x, w, [2, 6, 4, 2], [1, 2, 2, 1]),
      tfjs: (x, w) =>
        tfc.conv2dTranspose(x as tfc.Tensor4D, w as tfc.Tensor4D, [2, 6, 4, 2], [2, 2], "same"),
      refBackend: "cpu",
    });
  });

  test("gradients w.r.t. input and filter match finite differences (VALID, strides 2, 1)", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 3, 3, 2] }, { shape: [2, 3, 3, 2] }],
      graph: (x, w) => tf.nn.conv2dTranspose(x, w, [2, 6, 5, 3], [2, 1], "VALID"),
      tfjs: (x, w) =>
        tfc.conv2dTranspose(x as tfc.Tensor4D, w as tfc.Tensor4D, [2, 6, 5, 3], [2, 1], "valid"),
      refBackend: "cpu",
    });
  });
});

describe("tf.layers.conv2dTranspose", () => {
  test("variables conv2d_transpose/kernel (kh, kw, filters, in) and bias; the op conv2d_transpose/conv2d_transpose", () => {
    const z = tf.placeholder(tf.float32, [null, 4, 3, 6]);
    const y = tf.layers.conv2dTranspose(z, 5, [3, 2], { strides: 2, activation: tf.nn.relu });
    expect(variableSummary()).toEqual([
      "conv2d_transpose/kernel (3, 2, 5, 6)",
      "conv2d_transpose/bias (5,)",
    ]);
    expect(y.op.name).toBe("conv2d_transpose/Relu");
    // valid: in * stride + max(kernel - stride, 0)
    expect(y.shape.toString()).toBe("(?, 9, 6, 5)");
    const op = tf.getDefaultGraph().getOperationByName("conv2d_transpose/conv2d_transpose");
    expect(op.type).toBe("Conv2DBackpropInput");
    expect(op.inputs[1]?.name).toBe("conv2d_transpose/kernel/read:0");
    expect(op.attrs).toMatchObject({ strides: [1, 2, 2, 1], padding: "VALID" });
    expect(opsUnder("conv2d_transpose/")).toEqual(
      expect.arrayContaining([
        "conv2d_transpose/Shape",
        "conv2d_transpose/strided_slice",
        "conv2d_transpose/mul",
        "conv2d_transpose/add",
        "conv2d_transpose/stack",
        "conv2d_transpose/BiasAdd",
      ]),
    );
  });

  test("values: the plain-JS transposed convolution plus the bias, for any batch size", () => {
    const xs: [number, number, number, number] = [2, 3, 2, 2];
    const ws: [number, number, number, number] = [3, 2, 4, 2];
    const xv = wave(24);
    const wv = wave(48, 1);
    const bias = [0.5, -0.25, 0, 1];
    const z = tf.placeholder(tf.float32, [null, 3, 2, 2]);
    const y = tf.layers.conv2dTranspose(z, 4, [3, 2], {
      strides: [2, 2],
      padding: "same",
      kernelInitializer: () => tf.constant(wv, { shape: ws }),
      biasInitializer: () => bias,
    });
    expect(y.shape.toString()).toBe("(?, 6, 4, 4)");
    const got = runInitialized<tf.NDArray>(
      y,
      new Map([[z, new tf.NDArray(Float32Array.from(xv), xs, "float32")]]),
    );
    expect(got.shape).toEqual([2, 6, 4, 4]);
    const want = transposedConv(xv, xs, wv, ws, [2, 6, 4, 4], [2, 2], "SAME").map(
      (v, i) => v + (bias[i % 4] as number),
    );
    expectClose(got.data as Float32Array, want);
  });

  test("channels_first: NCHW in and out, the same values as channels_last", () => {
    const xv = wave(2 * 3 * 2 * 2);
    const wv = wave(3 * 2 * 4 * 2, 1);
    const kernelInitializer = () => tf.constant(wv, { shape: [3, 2, 4, 2] });
    const zLast = tf.placeholder(tf.float32, [2, 3, 2, 2]);
    const last = tf.layers.conv2dTranspose(zLast, 4, [3, 2], {
      strides: 2,
      kernelInitializer,
      name: "last",
    });
    const zFirst = tf.placeholder(tf.float32, [2, 2, 3, 2]);
    const first = tf.layers.conv2dTranspose(zFirst, 4, [3, 2], {
      strides: 2,
      dataFormat: "channels_first",
      kernelInitializer,
      name: "first",
    });
    expect(first.shape.toString()).toBe("(2, 4, 7, 4)");
    const xLast = new tf.NDArray(Float32Array.from(xv), [2, 3, 2, 2], "float32");
    const xFirst = tf.transpose(tf.constant(xv, { shape: [2, 3, 2, 2] }), [0, 3, 1, 2]);
    const [a, b] = runInitialized<tf.NDArray[]>(
      [tf.transpose(last, [0, 3, 1, 2]), first],
      new Map<tf.Tensor, unknown>([
        [zLast, xLast],
        [zFirst, runInitialized<tf.NDArray>(xFirst)],
      ]),
    );
    expect(b?.shape).toEqual([2, 4, 7, 4]);
    expectClose(b?.data as Float32Array, a?.data as Float32Array);
  });

  test("second layer conv2d_transpose_1; reuse: true shares the variables of a named layer", () => {
    const z = tf.placeholder(tf.float32, [null, 2, 2, 3]);
    tf.layers.conv2dTranspose(z, 2, 3);
    tf.layers.conv2dTranspose(z, 2, 3, { name: "g" });
    const again = tf.layers.conv2dTranspose(z, 2, 3, { name: "g", reuse: true });
    tf.layers.conv2dTranspose(z, 2, 3);
    expect(variableSummary()).toEqual([
      "conv2d_transpose/kernel (3, 3, 2, 3)",
      "conv2d_transpose/bias (2,)",
      "g/kernel (3, 3, 2, 3)",
      "g/bias (2,)",
      "conv2d_transpose_1/kernel (3, 3, 2, 3)",
      "conv2d_transpose_1/bias (2,)",
    ]);
    expect(again.op.name).toBe("g_1/BiasAdd");
  });

  test("the class: built once, shares its variables across calls; bad arguments", () => {
    const layer = new tf.layers.Conv2DTranspose(3, 2, {
      strides: 2,
      padding: "same",
      useBias: false,
    });
    const a = layer.apply(tf.placeholder(tf.float32, [null, 2, 2, 1]));
    const b = layer.apply(tf.placeholder(tf.float32, [null, 5, 5, 1]));
    expect(a.shape.toString()).toBe("(?, 4, 4, 3)");
    expect(b.shape.toString()).toBe("(?, 10, 10, 3)");
    expect(variableSummary()).toEqual(["conv2d_transpose/kernel (2, 2, 3, 1)"]);
    expect(layer.bias).toBeNull();
    expect(() => new tf.layers.Conv2DTranspose(0, 2)).toThrow(
      "filters must be a positive integer, got 0",
    );
    expect(() =>
      tf.layers.conv2dTranspose(tf.placeholder(tf.float32, [null, 2, 2, null]), 2, 2),
    ).toThrow("The channel dimension of the inputs should be defined. Found `None`.");
  });

  test("a tiny DCGAN-style generator trains: the loss decreases over 3 steps", () => {
    const z = tf.placeholder(tf.float32, [4, 2, 2, 3]);
    const h = tf.layers.conv2dTranspose(z, 4, 3, {
      strides: 2,
      padding: "same",
      activation: tf.nn.relu,
      kernelInitializer: tf.randomNormalInitializer(0, 0.3, 1),
    });
    const img = tf.layers.conv2dTranspose(h, 1, [4, 3], {
      strides: 2,
      padding: "same",
      activation: tf.nn.tanh,
      kernelInitializer: tf.randomNormalInitializer(0, 0.3, 2),
    });
    expect(img.shape.toString()).toBe("(4, 8, 8, 1)");
    const target = tf.constant(
      wave(256, 3).map((v) => v * 0.5),
      { shape: [4, 8, 8, 1] },
    );
    const loss = tf.reduceMean(tf.square(tf.subtract(img, target)));
    const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
    const feed = new Map([
      [z, new tf.NDArray(Float32Array.from(wave(48, 5)), [4, 2, 2, 3], "float32")],
    ]);
    const sess = new tf.Session();
    try {
      sess.run(tf.globalVariablesInitializer());
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) {
        losses.push(sess.run(loss, feed).item() as number);
        if (i < 3) sess.run(train, feed);
      }
      for (let i = 1; i < losses.length; i++) {
        expect(losses[i]).toBeLessThan(losses[i - 1] as number);
      }
    } finally {
      sess.close();
    }
  });
});
