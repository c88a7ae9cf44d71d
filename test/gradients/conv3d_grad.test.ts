/**
 * Gradients of the 3-D convolutions and pooling (nn_grad.py's `_Conv3DGrad`,
 * `_Conv3DBackpropInputGrad`, `_Conv3DBackpropFilterGrad`, `_MaxPool3DGrad`,
 * `_AvgPool3DGrad`) against finite differences, and the ops they are built of.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients, gradientOpNames, type InputSpec } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f = (shape: number[], placeholder?: (number | null)[] | null): InputSpec => ({
  shape,
  placeholder,
});

/** Distinct values, so that no pooling window has two maxima. */
function distinct(shape: number[]): InputSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  // A permutation of 0..n-1 (7919 is prime, so coprime with any n it does not divide).
  const step = n % 7919 === 0 ? 1 : 7919;
  return { shape, values: Array.from({ length: n }, (_, i) => ((i * step) % n) / n) };
}

describe("Conv3D", () => {
  const cases = [
    { name: "VALID stride 1", x: [2, 4, 3, 5, 2], w: [2, 2, 3, 2, 3], s: [1, 1, 1], p: "VALID" },
    { name: "SAME strides 2,1,2", x: [1, 5, 4, 5, 2], w: [3, 2, 3, 2, 2], s: [2, 1, 2], p: "SAME" },
    { name: "VALID stride 3", x: [1, 6, 7, 6, 1], w: [3, 2, 1, 1, 2], s: [3, 3, 3], p: "VALID" },
  ] as const;
  for (const c of cases) {
    it(c.name, async () => {
      await checkGradients({
        inputs: [f([...c.x], [null, ...c.x.slice(1)]), f([...c.w])],
        graph: (x, w) => tf.nn.conv3d(x, w, [1, ...c.s, 1], c.p),
        fdSamples: 16,
      });
    });
  }

  it("names its ops as TF does", () => {
    const x = tf.placeholder(tf.float32, [null, 4, 4, 4, 2]);
    const w = tf.placeholder(tf.float32, [2, 2, 2, 2, 3]);
    const [dx, dw] = tf.gradients(tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME"), [x, w]);
    expect(gradientOpNames()).toEqual(
      expect.arrayContaining([
        "gradients/Conv3D_grad/Shape",
        "gradients/Conv3D_grad/Conv3DBackpropInputV2",
        "gradients/Conv3D_grad/Shape_1",
        "gradients/Conv3D_grad/Conv3DBackpropFilterV2",
      ]),
    );
    expect((dx as tf.Tensor).shape.toString()).toBe("(?, 4, 4, 4, 2)");
    expect((dw as tf.Tensor).shape.toString()).toBe("(2, 2, 2, 2, 3)");
    expect(dx?.op.attrs).toMatchObject({ Tshape: "int32", data_format: "NDHWC" });
  });
});

describe("Conv3DBackpropInputV2 and Conv3DBackpropFilterV2", () => {
  it("conv3d_transpose, with respect to its value and filter", async () => {
    await checkGradients({
      inputs: [f([2, 3, 2, 3, 4]), f([3, 2, 3, 2, 4])],
      graph: (dy, w) => tf.nn.conv3dTranspose(dy, w, [2, 5, 4, 6, 2], [1, 2, 2, 2, 1]),
      fdSamples: 16,
    });
  });

  it("the filter gradient, differentiated again", async () => {
    // d/dx of (dL/dw) runs Conv3DBackpropFilterV2's gradient; d/dw of (dL/dx) the input's.
    await checkGradients({
      inputs: [f([1, 4, 3, 4, 2]), f([2, 2, 2, 2, 2])],
      graph: (x, w) => {
        const y = tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME");
        const loss = tf.reduceSum(tf.square(y));
        const [dw] = tf.gradients(loss, [w]);
        const [dx] = tf.gradients(loss, [x]);
        return tf.add(
          tf.reduceSum(tf.square(dw as tf.Tensor)),
          tf.reduceSum(tf.sin(dx as tf.Tensor)),
        );
      },
      fdSamples: 12,
      fdTol: 2e-2,
    });
  });
});

describe("MaxPool3D and AvgPool3D", () => {
  const cases = [
    { name: "VALID 2x2x2 stride 1", x: [1, 2, 3, 4, 2], k: [2, 2, 2], s: [1, 1, 1], p: "VALID" },
    { name: "SAME 2x2x2 stride 2", x: [1, 5, 2, 4, 2], k: [2, 2, 2], s: [2, 2, 2], p: "SAME" },
    { name: "SAME 3x3x3 stride 1", x: [1, 3, 4, 2, 1], k: [3, 3, 3], s: [1, 1, 1], p: "SAME" },
    { name: "VALID 1x1x1 stride 2", x: [2, 3, 3, 3, 1], k: [1, 1, 1], s: [2, 2, 2], p: "VALID" },
  ] as const;
  for (const c of cases) {
    it(`max pooling, ${c.name}`, async () => {
      await checkGradients({
        inputs: [distinct([...c.x])],
        graph: (x) => tf.nn.maxPool3d(x, [...c.k], [...c.s], c.p),
        step: 1e-3,
      });
    });
    it(`average pooling, ${c.name}`, async () => {
      await checkGradients({
        inputs: [f([...c.x], [null, ...c.x.slice(1)])],
        graph: (x) => tf.nn.avgPool3d(x, [...c.k], [...c.s], c.p),
      });
    });
  }

  // pooling_ops_3d_test's second-order check: the gradient of gradients(t ** 2, x).
  for (const c of cases.slice(0, 3)) {
    it(`second order, ${c.name}: MaxPool3DGradGrad and AvgPool3DGrad's gradient`, async () => {
      const second = (pool: typeof tf.nn.maxPool3d) => (x: tf.Tensor) =>
        tf.gradients(tf.square(pool(x, [...c.k], [...c.s], c.p)), [x])[0] as tf.Tensor;
      await checkGradients({
        inputs: [distinct([...c.x])],
        graph: second(tf.nn.maxPool3d),
        step: 1e-3,
      });
      await checkGradients({ inputs: [f([...c.x])], graph: second(tf.nn.avgPool3d) });
    });
  }

  it("third order: MaxPool3DGradGrad's gradient is MaxPool3DGrad", async () => {
    await checkGradients({
      inputs: [distinct([1, 3, 4, 4, 2])],
      graph: (x) => {
        const y = tf.nn.maxPool3d(x, 2, 2, "SAME");
        const [dx] = tf.gradients(tf.square(y), [x]);
        const [ddx] = tf.gradients(tf.square(dx as tf.Tensor), [x]);
        return ddx as tf.Tensor;
      },
      step: 1e-3,
    });
    const x = tf.placeholder(tf.float32, [1, 2, 2, 2, 1]);
    const [dx] = tf.gradients(tf.nn.maxPool3d(x, 2, 2, "VALID"), [x]);
    tf.gradients(dx as tf.Tensor, [x]);
    expect(gradientOpNames()).toEqual(
      expect.arrayContaining([
        "gradients_1/gradients/MaxPool3D_grad/MaxPool3DGrad_grad/MaxPool3DGradGrad",
      ]),
    );
  });
});
