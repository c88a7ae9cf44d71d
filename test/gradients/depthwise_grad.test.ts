import * as tfc from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients, gradientOpNames, type InputSpec } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f = (shape: number[], placeholder?: (number | null)[] | null): InputSpec => ({
  shape,
  placeholder,
});

/** A filter with `d - 1` zeros between its taps: tfjs's depthwise gradient takes no dilations. */
function dilateFilter(w: tfc.Tensor4D, [dh, dw]: [number, number]): tfc.Tensor4D {
  const [kh, kw, ci, m] = w.shape;
  const spread = tfc.pad(tfc.reshape(w, [kh, 1, kw, 1, ci, m]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  return tfc.slice(
    tfc.reshape(spread, [kh * dh, kw * dw, ci, m]),
    [0, 0, 0, 0],
    [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, m],
  ) as tfc.Tensor4D;
}

interface Case {
  name: string;
  x: number[];
  w: number[];
  stride: number;
  padding: "SAME" | "VALID";
  dilation?: number;
}

const CASES: Case[] = [
  {
    name: "3x3 SAME stride 1, multiplier 2",
    x: [2, 5, 6, 3],
    w: [3, 3, 3, 2],
    stride: 1,
    padding: "SAME",
  },
  { name: "3x3 VALID stride 2", x: [1, 7, 6, 2], w: [3, 3, 2, 1], stride: 2, padding: "VALID" },
  {
    name: "2x3 SAME stride 2, multiplier 3",
    x: [2, 6, 5, 2],
    w: [2, 3, 2, 3],
    stride: 2,
    padding: "SAME",
  },
  {
    name: "3x2 SAME stride 3 (uneven)",
    x: [1, 8, 7, 3],
    w: [3, 2, 3, 1],
    stride: 3,
    padding: "SAME",
  },
  {
    name: "3x3 VALID dilation 2",
    x: [1, 8, 8, 2],
    w: [3, 3, 2, 2],
    stride: 1,
    padding: "VALID",
    dilation: 2,
  },
];

function defineCaseTests(): void {
  for (const c of CASES) {
    it(c.name, async () => {
      const d = c.dilation ?? 1;
      await checkGradients({
        inputs: [f(c.x, [null, ...c.x.slice(1)]), f(c.w)],
        graph: (x, w) =>
          tf.nn.depthwiseConv2dNative(x, w, [1, c.stride, c.stride, 1], c.padding, {
            dilations: [1, d, d, 1],
          }),
        tfjs: (x, w) =>
          tfc.depthwiseConv2d(
            x as tfc.Tensor4D,
            dilateFilter(w as tfc.Tensor4D, [d, d]),
            c.stride,
            c.padding === "SAME" ? "same" : "valid",
          ),
        refBackend: "cpu",
        step: 1e-2,
        fdSamples: 16,
      });
    });
  }
}

describe("DepthwiseConv2dNative gradients on cpu (tfjs's own depthwise kernel)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });
  afterAll(async () => {
    await tf.setBackend("wasm");
  });
  it("runs on cpu", () => expect(tf.getBackend()).toBe("cpu"));
  defineCaseTests();
});

describe("DepthwiseConv2dNative gradients", () => {
  it("runs on wasm", () => expect(tf.getBackend()).toBe("wasm"));
  defineCaseTests();

  it("names the gradient ops as TensorFlow does", () => {
    const x = tf.placeholder(tf.float32, [null, 8, 8, 3]);
    const w = tf.placeholder(tf.float32, [3, 3, 3, 2]);
    const y = tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME");
    const [dx, dw] = tf.gradients(y, [x, w]) as tf.Tensor[];
    expect(gradientOpNames()).toEqual(
      expect.arrayContaining([
        "gradients/depthwise_grad/DepthwiseConv2dNativeBackpropInput",
        "gradients/depthwise_grad/DepthwiseConv2dNativeBackpropFilter",
      ]),
    );
    expect(dx?.shape.toString()).toBe("(?, 8, 8, 3)");
    expect(dw?.shape.toString()).toBe("(3, 3, 3, 2)");
  });

  it("the separable convolution's gradients", async () => {
    await checkGradients({
      inputs: [f([2, 6, 6, 3]), f([3, 3, 3, 2]), f([1, 1, 6, 4])],
      graph: (x, dw, pw) => tf.nn.separableConv2d(x, dw, pw, [1, 2, 2, 1], "SAME"),
      tfjs: (x, dw, pw) =>
        tfc.separableConv2d(x as tfc.Tensor4D, dw as tfc.Tensor4D, pw as tfc.Tensor4D, 2, "same"),
      refBackend: "cpu",
      step: 1e-2,
      fdSamples: 16,
    });
  });

  it("the atrous depthwise convolution's gradients (space-to-batch path)", async () => {
    await checkGradients({
      inputs: [f([1, 9, 7, 2]), f([3, 3, 2, 2])],
      graph: (x, w) => tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME", { rate: [2, 3] }),
      tfjs: (x, w) =>
        tfc.depthwiseConv2d(x as tfc.Tensor4D, dilateFilter(w as tfc.Tensor4D, [2, 3]), 1, "same"),
      refBackend: "cpu",
      step: 1e-2,
      fdSamples: 16,
    });
  });

  it("atrous_conv2d's gradients (Conv2D between SpaceToBatchND and BatchToSpaceND)", async () => {
    await checkGradients({
      inputs: [f([1, 8, 7, 2]), f([3, 3, 2, 3])],
      graph: (x, w) => tf.nn.atrousConv2d(x, w, 2, "SAME"),
      tfjs: (x, w) =>
        tfc.conv2d(x as tfc.Tensor4D, dilateFilter(w as tfc.Tensor4D, [2, 2]), 1, "same"),
      refBackend: "cpu",
      step: 1e-2,
      fdSamples: 16,
    });
  });

  it("conv1d's gradients", async () => {
    await checkGradients({
      inputs: [f([2, 9, 3]), f([3, 3, 4])],
      graph: (x, w) => tf.nn.conv1d(x, w, 2, "SAME"),
      tfjs: (x, w) => tfc.conv1d(x as tfc.Tensor3D, w as tfc.Tensor3D, 2, "same"),
      refBackend: "cpu",
      step: 1e-2,
      fdSamples: 16,
    });
  });
});
