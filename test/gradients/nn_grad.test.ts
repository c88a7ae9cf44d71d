import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { getGradientFunction } from "../../src/ops/registry.js";
import { checkGradients, gradientOpNames, randn, type InputSpec } from "./helpers.js";
import { defineConvPoolTests } from "./nn_cases.js";

beforeEach(() => tf.resetDefaultGraph());

const f = (shape: number[], placeholder?: (number | null)[] | null): InputSpec => ({
  shape,
  placeholder,
});

describe("backend", () => {
  it("runs on wasm", () => {
    expect(tf.getBackend()).toBe("wasm");
  });
});

defineConvPoolTests();

describe("BiasAdd, softmax and losses", () => {
  it("BiasAdd NHWC and NCHW", async () => {
    await checkGradients({
      inputs: [f([4, 3], [null, 3]), f([3])],
      graph: (x, b) => tf.nn.biasAdd(x, b),
      tfjs: (x, b) => tfc.add(x, b),
    });
    await checkGradients({
      inputs: [f([2, 3, 4, 5]), f([3])],
      graph: (x, b) => tf.nn.biasAdd(x, b, { dataFormat: "NCHW" }),
      tfjs: (x, b) => tfc.add(x, tfc.reshape(b, [3, 1, 1])),
    });
    const x = tf.placeholder(tf.float32, [null, 3]);
    const b = tf.placeholder(tf.float32, [3]);
    tf.gradients(tf.nn.biasAdd(x, b), [x, b]);
    expect(gradientOpNames()).toContain("gradients/BiasAdd_grad/BiasAddGrad");
  });

  it("Softmax and LogSoftmax", async () => {
    await checkGradients({
      inputs: [f([3, 5], [null, 5])],
      graph: (x) => tf.nn.softmax(x),
      tfjs: (x) => tfc.softmax(x),
      step: 1e-3,
    });
    await checkGradients({
      inputs: [f([2, 3, 4])],
      graph: (x) => tf.nn.softmax(x),
      tfjs: (x) => tfc.softmax(x),
      step: 1e-3,
    });
    await checkGradients({
      inputs: [f([3, 5], [null, 5])],
      graph: (x) => tf.nn.logSoftmax(x),
      tfjs: (x) => tfc.logSoftmax(x),
      step: 1e-3,
    });
  });

  it("L2Loss", async () => {
    await checkGradients({
      inputs: [f([3, 4])],
      graph: (x) => tf.nn.l2Loss(x),
      tfjs: (x) => tfc.div(tfc.sum(tfc.square(x)), 2),
    });
  });

  it("SoftmaxCrossEntropyWithLogits, w.r.t. logits and labels", async () => {
    // Rows of a distribution: TensorFlow's backprop output is softmax - labels, the
    // derivative only when each row of labels sums to 1.
    const raw = randn(12).map((v) => Math.abs(v) + 0.1);
    const labels = raw.map(
      (v, i) => v / raw.slice(i - (i % 3), i - (i % 3) + 3).reduce((a, b) => a + b, 0),
    );
    await checkGradients({
      // TensorFlow 1.x's function stops the gradient into the labels.
      inputs: [
        f([4, 3], [null, 3]),
        { shape: [4, 3], values: labels, placeholder: [null, 3], constant: true },
      ],
      graph: (logits, y) => tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }),
      tfjs: (logits, y) => tfc.neg(tfc.sum(tfc.mul(y, tfc.logSoftmax(logits)), -1)),
      step: 1e-3,
    });
    const x = tf.placeholder(tf.float32, [null, 3]);
    const y = tf.placeholder(tf.float32, [null, 3]);
    const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits: x });
    tf.gradients(tf.reduceMean(loss), [x]);
    const names = gradientOpNames().filter((n) =>
      n.includes("softmax_cross_entropy_with_logits_sg_grad"),
    );
    expect(names.some((n) => n.endsWith("_grad/ExpandDims"))).toBe(true);
    expect(names.some((n) => n.endsWith("_grad/mul"))).toBe(true);
    expect(tf.gradients(tf.reduceSum(loss), [y])).toEqual([null]);

    // The op's own gradient w.r.t. the labels: -grad * log_softmax(logits).
    const fn = getGradientFunction("SoftmaxCrossEntropyWithLogits");
    const xv = [
      [1, 2, 3],
      [0.5, -1, 0],
    ];
    const gv = [2, -3];
    const grads = tf
      .getDefaultGraph()
      .asDefault(() =>
        (fn as NonNullable<typeof fn>)(loss.op, [
          tf.constant(gv),
          tf.zerosLike(loss.op.outputs[1] as tf.Tensor),
        ]),
      );
    expect(grads[1]).not.toBeNull();
    using s = new tf.Session();
    const feeds = new Map<tf.Tensor, unknown>([
      [x, xv],
      [
        y,
        [
          [0.2, 0.3, 0.5],
          [1, 0, 0],
        ],
      ],
    ]);
    const got = s.run(grads[1] as tf.Tensor, feeds).data as Float32Array;
    const want = tfc.tidy(() =>
      tfc.mul(tfc.neg(tfc.logSoftmax(tfc.tensor2d(xv))), tfc.tensor2d(gv, [2, 1])).dataSync(),
    );
    Array.from(got).forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 5));
  });

  it("SparseSoftmaxCrossEntropyWithLogits", async () => {
    await checkGradients({
      inputs: [
        f([4, 5], [null, 5]),
        { shape: [4], values: [3, 0, 4, 1], dtype: "int32", constant: true, placeholder: [null] },
      ],
      graph: (logits, y) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }),
      tfjs: (logits, y) => tfc.neg(tfc.sum(tfc.mul(tfc.oneHot(y, 5), tfc.logSoftmax(logits)), -1)),
      step: 1e-3,
    });
  });

  it("SigmoidCrossEntropyWithLogits", async () => {
    const labels = Float32Array.from(randn(6), (v) => (v > 0 ? 1 : 0));
    await checkGradients({
      inputs: [f([2, 3]), { shape: [2, 3], values: labels, constant: true }],
      graph: (logits, y) => tf.nn.sigmoidCrossEntropyWithLogits({ labels: y, logits }),
      tfjs: (logits, y) => tfc.sub(tfc.softplus(logits), tfc.mul(y, logits)),
      step: 1e-3,
    });
  });
});
