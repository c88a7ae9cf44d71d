import * as tfc from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import {
  conv2dBackpropInputViaCol2im,
  conv2dBackpropInputViaConv,
  conv2dBackpropFilterCompiled,
  conv2dBackpropFilterOnePlane,
  conv2dBackpropFilterViaConv,
  maxPoolGrad,
} from "../../src/ops/nn/conv_grad_kernels.js";
import { setWasmKernelsEnabled } from "../../src/ops/wasm_kernels.js";
import {
  biasAddCompiled,
  columnSumsOf,
  reluGradCompiled,
  transposeCompiled,
} from "../../src/ops/nn/wasm_nn_kernels.js";
import { biasAddGrad } from "../../src/ops/nn/bias_add.js";
import * as tf from "../../src/index.js";
import { expectBitIdentical } from "./helpers.js";

/*
 * The JS loops behind the nn gradient kernels against plain reference loops written from
 * TensorFlow's definitions, over many geometries: disjoint windows (the 2×2 stride-2 pool
 * takes its own path), windows clipped by SAME padding, gaps between windows, overlaps.
 */

/** Small integers (many ties) and a few -0 gradients. */
function ints(n: number, seed: number, range: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.floor((s / 2 ** 32) * range) - Math.floor(range / 2);
    if (out[i] === 0 && i % 3 === 0) out[i] = -0;
  }
  return out;
}

function padBefore(size: number, k: number, s: number, padding: string): number {
  if (padding !== "SAME") return 0;
  const out = Math.ceil(size / s);
  return Math.floor(Math.max((out - 1) * s + k - size, 0) / 2);
}

function outSize(size: number, k: number, s: number, padding: string): number {
  return padding === "SAME" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

/** TF's MaxPoolGrad: each window's first strict maximum gets its gradient, summed. */
function reference(
  x: Float32Array,
  dy: Float32Array,
  [n, h, w, c]: number[],
  [kh, kw]: number[],
  [sh, sw]: number[],
  padding: string,
): Float32Array {
  const oh = outSize(h as number, kh as number, sh as number, padding);
  const ow = outSize(w as number, kw as number, sw as number, padding);
  const pt = padBefore(h as number, kh as number, sh as number, padding);
  const pl = padBefore(w as number, kw as number, sw as number, padding);
  const dx = new Float32Array(x.length);
  const at = (b: number, i: number, j: number, d: number) =>
    ((b * (h as number) + i) * (w as number) + j) * (c as number) + d;
  for (let b = 0; b < (n as number); b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let d = 0; d < (c as number); d++) {
          let best = -1;
          for (let a = 0; a < (kh as number); a++)
            for (let e = 0; e < (kw as number); e++) {
              const r = i * (sh as number) + a - pt;
              const q = j * (sw as number) + e - pl;
              if (r < 0 || q < 0 || r >= (h as number) || q >= (w as number)) continue;
              const p = at(b, r, q, d);
              if (best < 0 || (x[best] as number) < (x[p] as number)) best = p;
            }
          if (best >= 0)
            dx[best] =
              (dx[best] as number) + (dy[((b * oh + i) * ow + j) * (c as number) + d] as number);
        }
  return dx;
}

/** Compares bit patterns. */

describe("maxPoolGrad", () => {
  const cases: [number[], number[], number[], string][] = [
    [[2, 6, 6, 3], [2, 2], [2, 2], "VALID"],
    [[2, 8, 6, 8], [2, 2], [2, 2], "SAME"],
    [[3, 7, 5, 4], [2, 2], [2, 2], "SAME"],
    [[2, 7, 5, 4], [2, 2], [2, 2], "VALID"],
    [[1, 9, 9, 2], [3, 3], [3, 3], "SAME"],
    [[2, 7, 8, 3], [2, 3], [3, 3], "VALID"],
    [[2, 7, 8, 3], [2, 2], [3, 2], "SAME"],
    [[2, 6, 7, 5], [3, 3], [2, 2], "SAME"],
    [[1, 5, 5, 2], [3, 2], [1, 1], "VALID"],
  ];
  it.each(cases)("input %j, window %j, strides %j, %s", (shape, ksize, strides, padding) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const xs = ints(size, 5, 5);
    const x = tfc.tensor4d(xs, shape as [number, number, number, number]);
    const y = tfc.maxPool(
      x,
      ksize as [number, number],
      strides as [number, number],
      padding === "SAME" ? "same" : "valid",
    );
    const dys = ints(y.size, 9, 7);
    const dy = tfc.tensor4d(dys, y.shape);
    const got = maxPoolGrad(
      x,
      y,
      dy,
      ksize as [number, number],
      strides as [number, number],
      padding,
    );
    expect(got.shape).toEqual(shape);
    const want = reference(xs, dys, shape, ksize, strides, padding);
    expectBitIdentical(got.dataSync(), want, "dx");
    // Without the compiled kernels: the JS loops alone.
    setWasmKernelsEnabled(false);
    try {
      const plain = maxPoolGrad(
        x,
        y,
        dy,
        ksize as [number, number],
        strides as [number, number],
        padding,
      );
      expectBitIdentical(plain.dataSync(), want, "dx without compiled kernels");
      plain.dispose();
    } finally {
      setWasmKernelsEnabled(true);
    }
    tfc.dispose([x, y, dy, got]);
  });
});

describe("conv2dBackpropInputViaCol2im", () => {
  const cases: [number[], number[], number, number, string][] = [
    // input shape, filter shape, stride, dilation, padding
    [[2, 14, 14, 8], [5, 5, 8, 16], 2, 1, "SAME"],
    [[2, 28, 28, 1], [5, 5, 1, 12], 2, 1, "SAME"],
    [[2, 9, 7, 6], [3, 3, 6, 10], 2, 1, "VALID"],
    [[1, 11, 10, 5], [3, 2, 5, 7], 3, 1, "SAME"],
    [[1, 12, 12, 4], [3, 3, 4, 9], 1, 2, "SAME"],
  ];
  it.each(cases)(
    "input %j, filter %j, stride %i, dilation %i, %s: the compiled scatter is the JS loop's",
    (inputShape, filterShape, stride, dilation, padding) => {
      const g = {
        strides: [stride, stride] as [number, number],
        dilations: [dilation, dilation] as [number, number],
        padding,
      };
      const [n, h, w] = inputShape as [number, number, number, number];
      const [kh, kw, , co] = filterShape as [number, number, number, number];
      const eff = (k: number) => (k - 1) * dilation + 1;
      const outH =
        padding === "SAME" ? Math.ceil(h / stride) : Math.floor((h - eff(kh)) / stride) + 1;
      const outW =
        padding === "SAME" ? Math.ceil(w / stride) : Math.floor((w - eff(kw)) / stride) + 1;
      const filter = tfc.tensor4d(
        ints(
          filterShape.reduce((p, q) => p * q, 1),
          3,
          9,
        ).map((v) => v / 4),
        filterShape as [number, number, number, number],
      );
      const dy = tfc.tensor4d(
        ints(n * outH * outW * co, 4, 11).map((v) => v / 8),
        [n, outH, outW, co],
      );
      const fast = conv2dBackpropInputViaCol2im(inputShape, filter, dy, g);
      setWasmKernelsEnabled(false);
      let plain: tfc.Tensor;
      try {
        plain = conv2dBackpropInputViaCol2im(inputShape, filter, dy, g);
      } finally {
        setWasmKernelsEnabled(true);
      }
      expect(fast.shape).toEqual(inputShape);
      expectBitIdentical(fast.dataSync(), plain.dataSync(), "dx");
      // And the convolution form agrees (sums of the same products in another order).
      const byConv = conv2dBackpropInputViaConv(inputShape, filter, dy, g);
      const a = fast.dataSync();
      const b = byConv.dataSync();
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 3);
      tfc.dispose([filter, dy, fast, plain, byConv]);
    },
  );
});

describe("BiasAddGrad's compiled column sums", () => {
  it.each([[[32, 28, 28, 32]], [[256, 256]], [[1, 8]], [[3, 5, 12]], [[1000, 4]]])(
    "are tfjs's ones-row product, bit for bit, on %j",
    (shape) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const cols = shape[shape.length - 1] as number;
      const data = ints(size, 13, 2001).map((v) => v / 7);
      const x = tfc.tensor(data, shape);
      const got = columnSumsOf(x);
      expect(got).not.toBeNull();
      const want = tfc.tidy(() =>
        tfc.matMul(tfc.ones([1, size / cols]), tfc.reshape(x, [size / cols, cols])),
      );
      expectBitIdentical((got as tfc.Tensor).dataSync(), want.dataSync(), "sums");
      // Through the op, as the gradient of a bias.
      const dy = tf.constant(data, { shape });
      using sess = new tf.Session();
      const [viaOp] = sess.run([biasAddGrad(dy, "NHWC")]) as tf.NDArray[];
      expectBitIdentical(viaOp!.data as Float32Array, want.dataSync(), "BiasAddGrad");
      tfc.dispose([x, got as tfc.Tensor, want]);
    },
  );

  it("declines a channel count that is not a multiple of 4", () => {
    const x = tfc.ones([5, 6]);
    expect(columnSumsOf(x)).toBeNull();
    x.dispose();
  });
});

describe("conv2dBackpropFilterOnePlane", () => {
  /** dW[a, b, 0, c] = Σ x[n, i + a − pt, j + b − pl] · dy[n, i, j, c], in float64. */
  function reference(
    xs: Float32Array,
    dys: Float32Array,
    [n, h, w]: number[],
    [kh, kw, co]: number[],
    [oh, ow]: number[],
    pt: number,
    pl: number,
  ): Float64Array {
    const out = new Float64Array((kh as number) * (kw as number) * (co as number));
    for (let a = 0; a < (kh as number); a++)
      for (let b = 0; b < (kw as number); b++)
        for (let bn = 0; bn < (n as number); bn++)
          for (let i = 0; i < (oh as number); i++)
            for (let j = 0; j < (ow as number); j++) {
              const r = i + a - pt;
              const q = j + b - pl;
              if (r < 0 || q < 0 || r >= (h as number) || q >= (w as number)) continue;
              const v = xs[(bn * (h as number) + r) * (w as number) + q] as number;
              for (let c = 0; c < (co as number); c++) {
                const at = (a * (kw as number) + b) * (co as number) + c;
                const d =
                  dys[((bn * (oh as number) + i) * (ow as number) + j) * (co as number) + c];
                out[at] = (out[at] as number) + v * (d as number);
              }
            }
    return out;
  }

  it.each([
    [[4, 28, 28, 1], [5, 5, 1, 8], "SAME"],
    [[3, 9, 7, 1], [3, 2, 1, 5], "SAME"],
    [[2, 10, 9, 1], [4, 3, 1, 6], "VALID"],
  ] as [number[], number[], string][])(
    "input %j, filter %j, %s: the product of patches by dy",
    (shape, filterShape, padding) => {
      const [n, h, w] = shape as [number, number, number, number];
      const [kh, kw, , co] = filterShape as [number, number, number, number];
      const oh = padding === "SAME" ? h : h - kh + 1;
      const ow = padding === "SAME" ? w : w - kw + 1;
      const pt = padding === "SAME" ? Math.floor((kh - 1) / 2) : 0;
      const pl = padding === "SAME" ? Math.floor((kw - 1) / 2) : 0;
      const xs = ints(n * h * w, 21, 9).map((v) => v / 3);
      const dys = ints(n * oh * ow * co, 22, 13).map((v) => v / 5);
      const x = tfc.tensor4d(xs, shape as [number, number, number, number]);
      const dy = tfc.tensor4d(dys, [n, oh, ow, co]);
      const g = {
        strides: [1, 1] as [number, number],
        dilations: [1, 1] as [number, number],
        padding,
      };
      const got = conv2dBackpropFilterOnePlane(x, filterShape, dy, g);
      expect(got).not.toBeNull();
      expect((got as tfc.Tensor).shape).toEqual(filterShape);
      const want = reference(xs, dys, shape, [kh, kw, co], [oh, ow], pt, pl);
      const values = (got as tfc.Tensor).dataSync();
      for (let i = 0; i < want.length; i++) {
        expect(Math.abs((values[i] as number) - (want[i] as number))).toBeLessThan(1e-3);
      }
      tfc.dispose([x, dy, got as tfc.Tensor]);
    },
  );

  it("leaves several channels, strides and dilations to the convolution form", () => {
    const x = tfc.ones([1, 6, 6, 2]) as tfc.Tensor4D;
    const dy = tfc.ones([1, 6, 6, 3]) as tfc.Tensor4D;
    const same = {
      strides: [1, 1] as [number, number],
      dilations: [1, 1] as [number, number],
      padding: "SAME",
    };
    expect(conv2dBackpropFilterOnePlane(x, [3, 3, 2, 3], dy, same)).toBeNull();
    const x1 = tfc.ones([1, 6, 6, 1]) as tfc.Tensor4D;
    const dy2 = tfc.ones([1, 3, 3, 3]) as tfc.Tensor4D;
    expect(
      conv2dBackpropFilterOnePlane(x1, [3, 3, 1, 3], dy2, { ...same, strides: [2, 2] }),
    ).toBeNull();
    tfc.dispose([x, dy, x1, dy2]);
  });
});

describe("conv2dBackpropFilterCompiled", () => {
  const values = (n: number, seed: number) =>
    Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.61 + seed) * 2);

  it.each([
    ["the tutorial CNN's second layer", [4, 14, 14, 32], [5, 5, 32, 64], [1, 1], [1, 1], "SAME"],
    ["a DCGAN's stride-2 layer", [3, 14, 14, 16], [5, 5, 16, 24], [2, 2], [1, 1], "SAME"],
    ["strides 2×3, VALID, odd sizes", [3, 9, 11, 5], [3, 4, 5, 7], [2, 3], [1, 1], "VALID"],
    ["dilations 2", [2, 12, 10, 6], [3, 3, 6, 9], [1, 1], [2, 2], "SAME"],
    [
      "one channel, stride 2 (a DCGAN's last layer)",
      [3, 12, 12, 1],
      [5, 5, 1, 8],
      [2, 2],
      [1, 1],
      "SAME",
    ],
    ["one channel, dilations 2", [2, 11, 13, 1], [3, 4, 1, 6], [1, 1], [2, 2], "SAME"],
  ] as [string, number[], number[], [number, number], [number, number], string][])(
    "%s: bit-identical to the convolution form",
    (_name, shape, filterShape, strides, dilations, padding) => {
      const [n, h, w, ci] = shape as [number, number, number, number];
      const [kh, kw, , co] = filterShape as [number, number, number, number];
      const out = (size: number, k: number, s: number, d: number) =>
        padding === "SAME" ? Math.ceil(size / s) : Math.floor((size - (k - 1) * d - 1) / s) + 1;
      const oh = out(h, kh, strides[0], dilations[0]);
      const ow = out(w, kw, strides[1], dilations[1]);
      const x = tfc.tensor4d(values(n * h * w * ci, 1), [n, h, w, ci]);
      const dy = tfc.tensor4d(values(n * oh * ow * co, 2), [n, oh, ow, co]);
      const g = { strides, dilations, padding };
      const got = conv2dBackpropFilterCompiled(x, filterShape, dy, g);
      expect(got).not.toBeNull();
      expect((got as tfc.Tensor).shape).toEqual(filterShape);
      const want = conv2dBackpropFilterViaConv(x, filterShape, dy, g);
      expectBitIdentical((got as tfc.Tensor).dataSync(), want.dataSync(), "dW");
      tfc.dispose([x, dy, got as tfc.Tensor, want]);
    },
  );

  it("takes strides and dilations together (the convolution form gathers patches)", () => {
    const g = {
      strides: [2, 2] as [number, number],
      dilations: [2, 2] as [number, number],
      padding: "SAME",
    };
    const x = tfc.tensor4d(values(2 * 13 * 12 * 4, 3), [2, 13, 12, 4]);
    const dy = tfc.tensor4d(values(2 * 7 * 6 * 5, 4), [2, 7, 6, 5]);
    const got = conv2dBackpropFilterCompiled(x, [3, 3, 4, 5], dy, g) as tfc.Tensor;
    // The patches' product adds the terms in another order: equal to rounding.
    const want = conv2dBackpropFilterViaConv(x, [3, 3, 4, 5], dy, g).dataSync();
    const v = got.dataSync();
    for (let i = 0; i < want.length; i++) expect(v[i]).toBeCloseTo(want[i] as number, 4);
  });

  it("declines 2 or 3 input channels, and when the compiled kernels are off", () => {
    const g = {
      strides: [1, 1] as [number, number],
      dilations: [1, 1] as [number, number],
      padding: "SAME",
    };
    const x = tfc.ones([1, 6, 6, 3]) as tfc.Tensor4D;
    const dy = tfc.ones([1, 6, 6, 4]) as tfc.Tensor4D;
    expect(conv2dBackpropFilterCompiled(x, [3, 3, 3, 4], dy, g)).toBeNull();
    const was = setWasmKernelsEnabled(false);
    try {
      const x4 = tfc.ones([1, 6, 6, 4]) as tfc.Tensor4D;
      expect(conv2dBackpropFilterCompiled(x4, [3, 3, 4, 4], dy, g)).toBeNull();
    } finally {
      setWasmKernelsEnabled(was);
    }
  });
});

describe("transposeCompiled", () => {
  it.each([
    [
      [2, 3, 4, 5, 6],
      [4, 1, 3, 2, 0],
    ],
    [
      [3, 4, 5, 2],
      [3, 1, 2, 0],
    ],
    [
      [7, 9],
      [1, 0],
    ],
    [[5], [0]],
  ] as [number[], number[]][])("shape %j by %j equals tfjs's transpose", (shape, perm) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tfc.tensor(
      Float32Array.from({ length: size }, (_, i) => i - 0.5),
      shape,
    );
    const got = transposeCompiled(x, perm) as tfc.Tensor;
    const want = tfc.transpose(x, perm);
    expect(got.shape).toEqual(want.shape);
    expectBitIdentical(got.dataSync(), want.dataSync(), "transposed");
  });
});

describe("compiled BiasAdd and ReluGrad", () => {
  const special = [NaN, -0, 0, Infinity, -Infinity, 1e-40, -1e-40];
  const valuesWith = (n: number, seed: number) =>
    Float32Array.from({ length: n }, (_, i) =>
      i % 11 === 0 ? (special[(i / 11) % special.length] as number) : Math.sin(i * 0.37 + seed),
    );

  it.each([[[6, 5, 5, 8]], [[3, 4]], [[1000, 12]]] as [number[]][])(
    "biasAdd of %j equals tfjs's broadcasting add bit for bit",
    (shape) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const cols = shape[shape.length - 1] as number;
      const x = tfc.tensor(valuesWith(size, 1), shape);
      const b = tfc.tensor1d(valuesWith(cols, 2));
      const got = biasAddCompiled(x, b) as tfc.Tensor;
      expect(got.shape).toEqual(shape);
      expectBitIdentical(got.dataSync(), tfc.add(x, b).dataSync(), "x + b");
    },
  );

  it("biasAdd declines a channel count that is not a multiple of 4", () => {
    expect(biasAddCompiled(tfc.ones([2, 3]), tfc.ones([3]))).toBeNull();
  });

  it.each([1, 5, 4099])("reluGrad of %i elements equals mul(dy, step(x)) bit for bit", (n) => {
    const dy = tfc.tensor1d(valuesWith(n, 3).map((v, i) => (i % 7 === 3 ? -v : v)));
    const x = tfc.tensor1d(valuesWith(n, 4).reverse());
    const got = reluGradCompiled(dy, x) as tfc.Tensor;
    expectBitIdentical(got.dataSync(), tfc.mul(dy, tfc.step(x)).dataSync(), "dy·step(x)");
  });

  it("ReluGrad and BiasAdd in a session give what the ops' own kernels give", () => {
    const x = tf.constant(tf.NDArray.fromTypedArray(valuesWith(64 * 96, 5), [64, 96], "float32"));
    const b = tf.constant(tf.NDArray.fromTypedArray(valuesWith(96, 6), [96], "float32"));
    const y = tf.nn.relu(tf.nn.biasAdd(x, b));
    const [g] = tf.gradients(tf.reduceSum(tf.square(y)), [x]);
    using sess = new tf.Session();
    const compiled = (sess.run(g as tf.Tensor) as tf.NDArray).data as Float32Array;
    const was = setWasmKernelsEnabled(false);
    try {
      using plain = new tf.Session();
      const own = (plain.run(g as tf.Tensor) as tf.NDArray).data as Float32Array;
      expectBitIdentical(compiled, own, "gradient");
    } finally {
      setWasmKernelsEnabled(was);
    }
  });
});
