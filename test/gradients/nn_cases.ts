/**
 * Gradient cases of the convolution and pooling ops, run on each backend by
 * `nn_grad.test.ts` (wasm) and `nn_grad_cpu.test.ts` (cpu).
 */
import * as tfc from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import * as K from "../../src/ops/nn/conv_grad_kernels.js";
import { checkGradients, expectClose, gradientOpNames, randn, type InputSpec } from "./helpers.js";

const f = (shape: number[], placeholder?: (number | null)[] | null): InputSpec => ({
  shape,
  placeholder,
});

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  strides: number[];
  padding: "SAME" | "VALID" | number[][];
  dilations?: number[];
  dataFormat?: "NHWC" | "NCHW";
  batchUnknown?: boolean;
}

const CONV_CASES: ConvCase[] = [
  {
    name: "3x3 SAME stride 1",
    x: [2, 5, 5, 3],
    w: [3, 3, 3, 4],
    strides: [1, 1, 1, 1],
    padding: "SAME",
  },
  {
    name: "3x3 VALID stride 2",
    x: [2, 7, 6, 2],
    w: [3, 3, 2, 3],
    strides: [1, 2, 2, 1],
    padding: "VALID",
  },
  {
    name: "2x3 SAME stride (2, 1), unknown batch",
    x: [3, 6, 5, 2],
    w: [2, 3, 2, 2],
    strides: [1, 2, 1, 1],
    padding: "SAME",
    batchUnknown: true,
  },
  {
    name: "3x3 SAME dilation 2",
    x: [1, 7, 7, 2],
    w: [3, 3, 2, 2],
    strides: [1, 1, 1, 1],
    padding: "SAME",
    dilations: [1, 2, 2, 1],
  },
  {
    name: "explicit padding",
    x: [2, 5, 4, 2],
    w: [3, 2, 2, 3],
    strides: [1, 2, 1, 1],
    padding: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { name: "1x1 VALID", x: [2, 4, 4, 3], w: [1, 1, 3, 5], strides: [1, 1, 1, 1], padding: "VALID" },
];

function tfjsPad(c: ConvCase): "same" | "valid" | Pad4 {
  if (c.padding === "SAME") return "same";
  if (c.padding === "VALID") return "valid";
  return c.padding as Pad4;
}

function hw(v: number[] | undefined): [number, number] {
  return v === undefined ? [1, 1] : [v[1] as number, v[2] as number];
}

/** The convolution and pooling gradient tests, on the active backend. */
export function defineConvPoolTests(): void {
  describe("Conv2D gradients", () => {
    for (const c of CONV_CASES) {
      it(c.name, async () => {
        const dilated = (c.dilations ?? [1, 1, 1, 1]).some((d) => d !== 1);
        await checkGradients({
          inputs: [f(c.x, c.batchUnknown ? [null, ...c.x.slice(1)] : undefined), f(c.w)],
          graph: (x, w) =>
            tf.nn.conv2d(x, w, { strides: c.strides, padding: c.padding, dilations: c.dilations }),
          tfjs: (x, w) =>
            dilated
              ? // tfjs's conv2d gradient does not take dilations: dilate the filter by hand.
                tfc.conv2d(
                  x as tfc.Tensor4D,
                  dilateFilter(w as tfc.Tensor4D, hw(c.dilations)),
                  hw(c.strides),
                  tfjsPad(c),
                )
              : tfc.conv2d(x as tfc.Tensor4D, w as tfc.Tensor4D, hw(c.strides), tfjsPad(c)),
          // tfjs-wasm has no Conv2DBackpropFilter for tfjs's own gradient.
          refBackend: "cpu",
          step: 1e-2,
          fdSamples: 16,
        });
      });
    }

    it("NCHW data format", async () => {
      await checkGradients({
        inputs: [f([2, 3, 5, 4]), f([3, 3, 3, 2])],
        graph: (x, w) =>
          tf.nn.conv2d(x, w, { strides: [1, 1, 2, 1], padding: "SAME", dataFormat: "NCHW" }),
        tfjs: (x, w) =>
          tfc.transpose(
            tfc.conv2d(
              tfc.transpose(x, [0, 2, 3, 1]) as tfc.Tensor4D,
              w as tfc.Tensor4D,
              [2, 1],
              "same",
            ),
            [0, 3, 1, 2],
          ),
        refBackend: "cpu",
        fdSamples: 16,
      });
    });

    it("names the backprop ops as TensorFlow does", () => {
      const g = new tf.Graph();
      g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [null, 8, 8, 3]);
        const w = tf.placeholder(tf.float32, [3, 3, 3, 4]);
        tf.gradients(tf.nn.conv2d(x, w, { strides: [1, 1, 1, 1], padding: "SAME" }), [x, w]);
        const names = gradientOpNames(g);
        expect(names).toEqual(
          expect.arrayContaining([
            "gradients/Conv2D_grad/ShapeN",
            "gradients/Conv2D_grad/Conv2DBackpropInput",
            "gradients/Conv2D_grad/Conv2DBackpropFilter",
          ]),
        );
        expect(
          g
            .getOperationByName("gradients/Conv2D_grad/Conv2DBackpropFilter")
            .outputs[0]?.shape.toString(),
        ).toBe("(3, 3, 3, 4)");
        expect(
          g
            .getOperationByName("gradients/Conv2D_grad/Conv2DBackpropInput")
            .outputs[0]?.shape.toString(),
        ).toBe("(?, 8, 8, 3)");
      });
    });
  });

  describe("Conv2DBackpropInput / Conv2DBackpropFilter kernels against tfjs's cpu kernels", () => {
    const geometries: [string, number[], number[], K.Conv2DGeometry][] = [
      [
        "5x5 SAME",
        [4, 12, 12, 3],
        [5, 5, 3, 8],
        { strides: [1, 1], dilations: [1, 1], padding: "SAME" },
      ],
      [
        "3x3 VALID s2",
        [3, 13, 11, 4],
        [3, 3, 4, 6],
        { strides: [2, 2], dilations: [1, 1], padding: "VALID" },
      ],
      [
        "3x3 SAME s2 odd",
        [2, 9, 8, 2],
        [3, 3, 2, 5],
        { strides: [2, 2], dilations: [1, 1], padding: "SAME" },
      ],
      [
        "4x2 SAME s(3,2)",
        [2, 10, 9, 3],
        [4, 2, 3, 2],
        { strides: [3, 2], dilations: [1, 1], padding: "SAME" },
      ],
      [
        "explicit",
        [2, 6, 7, 2],
        [3, 3, 2, 3],
        { strides: [2, 1], dilations: [1, 1], padding: "EXPLICIT", explicitPads: [2, 0, 1, 3] },
      ],
      [
        "1x1 s2",
        [2, 7, 7, 4],
        [1, 1, 4, 3],
        { strides: [2, 2], dilations: [1, 1], padding: "VALID" },
      ],
      [
        // Enough output channels that conv2dBackpropInput takes the col2im form.
        "5x5 SAME s2, 12 channels out",
        [2, 11, 10, 3],
        [5, 5, 3, 12],
        { strides: [2, 2], dilations: [1, 1], padding: "SAME" },
      ],
      [
        "4x3 VALID s(2,3), 16 channels out",
        [3, 12, 14, 5],
        [4, 3, 5, 16],
        { strides: [2, 3], dilations: [1, 1], padding: "VALID" },
      ],
    ];
    for (const [name, xs, fs, g] of geometries) {
      it(name, async () => {
        const xv = randn(xs.reduce((a, b) => a * b, 1));
        const fv = randn(fs.reduce((a, b) => a * b, 1));
        const [t, b, l, r] = K.convPads(
          xs[1] as number,
          xs[2] as number,
          fs[0] as number,
          fs[1] as number,
          g,
        );
        const pad: Pad4 = [
          [0, 0],
          [t, b],
          [l, r],
          [0, 0],
        ];
        // The reference, on cpu: tfjs's own Conv2DBackpropFilter/Input kernels.
        const backend = tfc.getBackend();
        await tfc.setBackend("cpu");
        let dyv: Float32Array;
        let refF: Float32Array;
        let refI: Float32Array;
        try {
          const x = tfc.tensor4d(xv, xs as [number, number, number, number]);
          const w = tfc.tensor4d(fv, fs as [number, number, number, number]);
          const y = tfc.conv2d(x, w, g.strides, pad);
          dyv = randn(y.size);
          const dy = tfc.tensor4d(dyv, y.shape);
          refF = K.conv2dBackpropFilterKernel(x, fs, dy, g).dataSync() as Float32Array;
          refI = K.conv2dBackpropInputKernel(xs, w, dy, g).dataSync() as Float32Array;
          tfc.dispose([x, w, y, dy]);
        } finally {
          await tfc.setBackend(backend);
        }
        const x = tfc.tensor4d(xv, xs as [number, number, number, number]);
        const w = tfc.tensor4d(fv, fs as [number, number, number, number]);
        const y = tfc.conv2d(x, w, g.strides, pad);
        const dy = tfc.tensor4d(dyv, y.shape);
        const gotF = K.conv2dBackpropFilter(x, fs, dy, g);
        const gotI = K.conv2dBackpropInput(xs, w, dy, g);
        const viaConvF = K.conv2dBackpropFilterViaConv(x, fs, dy, g);
        const viaPatchesF = K.conv2dBackpropFilterViaPatches(x, fs, dy, g);
        const viaConvI = K.conv2dBackpropInputViaConv(xs, w, dy, g);
        const viaCol2imI = K.conv2dBackpropInputViaCol2im(xs, w, dy, g);
        expectClose(gotF.dataSync(), refF, 1e-4, "filter gradient");
        expectClose(gotI.dataSync(), refI, 1e-4, "input gradient");
        expectClose(viaConvF.dataSync(), refF, 1e-4, "filter gradient (conv form)");
        expectClose(viaPatchesF.dataSync(), refF, 1e-4, "filter gradient (patches form)");
        expectClose(viaConvI.dataSync(), refI, 1e-4, "input gradient (conv form)");
        expectClose(viaCol2imI.dataSync(), refI, 1e-4, "input gradient (col2im form)");
        tfc.dispose([x, w, y, dy, gotF, gotI, viaConvF, viaPatchesF, viaConvI, viaCol2imI]);
      });
    }
  });

  describe("Conv2DBackpropInput's col2im form with dilations", () => {
    const geometries: [string, number[], number[], K.Conv2DGeometry][] = [
      [
        "3x3 SAME d2 s2",
        [2, 13, 12, 3],
        [3, 3, 3, 12],
        { strides: [2, 2], dilations: [2, 2], padding: "SAME" },
      ],
      [
        "2x3 VALID d(3,1) s(1,2)",
        [2, 10, 11, 4],
        [2, 3, 4, 20],
        { strides: [1, 2], dilations: [3, 1], padding: "VALID" },
      ],
      [
        "3x2 explicit d(1,2) s2",
        [1, 9, 8, 2],
        [3, 2, 2, 17],
        { strides: [2, 2], dilations: [1, 2], padding: "EXPLICIT", explicitPads: [1, 2, 0, 3] },
      ],
    ];
    for (const [name, xs, fs, g] of geometries) {
      it(name, () => {
        // tfjs's kernels know no dilations: the convolution form is the reference.
        const [t, b, l, r] = K.convPads(
          xs[1] as number,
          xs[2] as number,
          fs[0] as number,
          fs[1] as number,
          g,
        );
        const w = tfc.tensor4d(randn(fs.reduce((p, d) => p * d, 1)), fs as Shape4);
        // The forward output's size (tfjs's conv2d takes strides or dilations, not both).
        const size = (inSize: number, pads: number, k: number, s: number, d: number) =>
          Math.floor((inSize + pads - (k - 1) * d - 1) / s) + 1;
        const outH = size(xs[1] as number, t + b, fs[0] as number, g.strides[0], g.dilations[0]);
        const outW = size(xs[2] as number, l + r, fs[1] as number, g.strides[1], g.dilations[1]);
        const dyShape: Shape4 = [xs[0] as number, outH, outW, fs[3] as number];
        const dy = tfc.tensor4d(randn(dyShape.reduce((p, d) => p * d, 1)), dyShape);
        const want = K.conv2dBackpropInputViaConv(xs, w, dy, g);
        const got = K.conv2dBackpropInputViaCol2im(xs, w, dy, g);
        expect(got.shape).toEqual(xs);
        expectClose(got.dataSync(), want.dataSync() as Float32Array, 1e-4, "col2im vs conv form");
        tfc.dispose([w, dy, want, got]);
      });
    }
  });

  describe("pooling gradients", () => {
    const cases: [string, number[], number[], number[], "SAME" | "VALID", boolean][] = [
      ["2x2 VALID stride 2", [2, 6, 6, 3], [1, 2, 2, 1], [1, 2, 2, 1], "VALID", false],
      ["3x3 SAME stride 2, odd sizes", [2, 7, 5, 2], [1, 3, 3, 1], [1, 2, 2, 1], "SAME", false],
      ["3x2 SAME stride 1, unknown batch", [3, 5, 6, 2], [1, 3, 2, 1], [1, 1, 1, 1], "SAME", true],
      ["2x3 VALID stride (1, 2)", [1, 5, 7, 2], [1, 2, 3, 1], [1, 1, 2, 1], "VALID", false],
    ];
    for (const [name, shape, ksize, strides, padding, unknown] of cases) {
      const kh = ksize[1] as number;
      const kw = ksize[2] as number;
      const s: [number, number] = [strides[1] as number, strides[2] as number];
      it(`MaxPool ${name}`, async () => {
        // Distinct values, so that each window has one maximum.
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Float32Array.from(randn(n), (v, i) => v + i * 1e-3);
        await checkGradients({
          inputs: [{ shape, values, placeholder: unknown ? [null, ...shape.slice(1)] : undefined }],
          graph: (x) => tf.nn.maxPool(x, { ksize, strides, padding }),
          tfjs: (x) =>
            tfc.maxPool(x as tfc.Tensor4D, [kh, kw], s, padding === "SAME" ? "same" : "valid"),
          // tfjs-wasm's MaxPoolGrad sends a window's gradient to its first position when
          // all its values are negative: tfjs-cpu's kernel is the reference.
          refBackend: "cpu",
          step: 1e-3,
          fdSamples: 16,
        });
      });
      it(`AvgPool ${name}`, async () => {
        await checkGradients({
          inputs: [{ shape, placeholder: unknown ? [null, ...shape.slice(1)] : undefined }],
          graph: (x) => tf.nn.avgPool(x, { ksize, strides, padding }),
          // tfjs's AvgPoolGrad divides by the whole window even where SAME padding cuts it
          // (its forward pass does not): the reference is a box sum over in-bounds counts.
          tfjs: (x) => boxAverage(x as tfc.Tensor4D, [kh, kw], s, padding),
          refBackend: "cpu",
          fdSamples: 16,
        });
      });
    }

    it("names MaxPoolGrad and AvgPoolGrad as TensorFlow does", () => {
      const g = new tf.Graph();
      g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [null, 4, 4, 1]);
        const y = tf.add(
          tf.reduceSum(tf.nn.maxPool(x, { ksize: 2, strides: 2, padding: "VALID" })),
          tf.reduceSum(tf.nn.avgPool(x, { ksize: 2, strides: 2, padding: "VALID" })),
        );
        tf.gradients(y, [x]);
        expect(gradientOpNames(g)).toEqual(
          expect.arrayContaining([
            "gradients/MaxPool_grad/MaxPoolGrad",
            "gradients/AvgPool_grad/AvgPoolGrad",
          ]),
        );
      });
    });
  });
}

/** A filter with (d − 1) zeros between its taps: the dilated convolution as a plain one. */
function dilateFilter(w: tfc.Tensor4D, [dh, dw]: [number, number]): tfc.Tensor4D {
  const [kh, kw, ci, co] = w.shape;
  const rows: tfc.Tensor[] = [];
  for (let a = 0; a < kh; a++) {
    const cols: tfc.Tensor[] = [];
    for (let b = 0; b < kw; b++) {
      cols.push(tfc.slice(w, [a, b, 0, 0], [1, 1, ci, co]));
      if (b < kw - 1) for (let z = 1; z < dw; z++) cols.push(tfc.zeros([1, 1, ci, co]));
    }
    rows.push(tfc.concat(cols, 1));
    if (a < kh - 1)
      for (let z = 1; z < dh; z++) rows.push(tfc.zeros([1, (kw - 1) * dw + 1, ci, co]));
  }
  return tfc.concat(rows, 0) as tfc.Tensor4D;
}

/** Average pooling as TensorFlow computes it, from differentiable tfjs ops. */
function boxAverage(
  x: tfc.Tensor4D,
  k: [number, number],
  s: [number, number],
  padding: string,
): tfc.Tensor {
  const c = x.shape[3];
  const ones = tfc.ones([k[0], k[1], c, 1]) as tfc.Tensor4D;
  const pad = padding === "SAME" ? "same" : "valid";
  const sum = tfc.depthwiseConv2d(x, ones, s, pad);
  const count = tfc.depthwiseConv2d(tfc.onesLike(x), ones, s, pad);
  return tfc.div(sum, count);
}
