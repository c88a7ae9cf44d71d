import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { float32Pass } from "../../src/ops/tfjs_internals.js";
import { gradOp } from "../../src/ops/math/cwise_grad.js";
import { applyOp } from "../../src/ops/state/training_ops.js";
import { sumKernel } from "../../src/ops/math/reduce.js";
import { expectBitIdentical, values } from "./helpers.js";

/*
 * Small `ApplyAdam`, `ApplyGradientDescent`, `TanhGrad` and `SigmoidGrad` run as one JS
 * pass over the values (`float32Pass`) instead of a chain of tfjs kernels: the values must
 * be bit-identical to the chain's, which the larger tensors still run.
 */

beforeEach(() => tf.resetDefaultGraph());

describe("float32Pass", () => {
  it("computes new tensors from the inputs' values without changing them", () => {
    const x = tfc.tensor1d([1, 2, 3]);
    const y = tfc.tensor1d([10, 20, 30]);
    const out = float32Pass([x, y], 2, [3], ([a, b], [s, d]) => {
      for (let i = 0; i < 3; i++) {
        (s as Float32Array)[i] = (a as Float32Array)[i]! + (b as Float32Array)[i]!;
        (d as Float32Array)[i] = (b as Float32Array)[i]! - (a as Float32Array)[i]!;
      }
    });
    expect(out?.map((t) => Array.from(t.dataSync()))).toEqual([
      [11, 22, 33],
      [9, 18, 27],
    ]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    out?.forEach((t) => t.dispose());
    tfc.dispose([x, y]);
  });

  it("works on the cpu backend's own arrays", async () => {
    const previous = tfc.getBackend();
    await tfc.setBackend("cpu");
    try {
      const x = tfc.tensor1d([1.5, -2]);
      const out = float32Pass([x], 1, [2], ([a], [o]) => {
        for (let i = 0; i < 2; i++) (o as Float32Array)[i] = (a as Float32Array)[i]! * 2;
      });
      expect(Array.from(out?.[0]?.dataSync() ?? [])).toEqual([3, -4]);
      expect(Array.from(x.dataSync())).toEqual([1.5, -2]);
      out?.forEach((t) => t.dispose());
      x.dispose();
    } finally {
      await tfc.setBackend(previous);
    }
  });

  it("declines inputs that are not float32", () => {
    const x = tfc.tensor1d([1, 2], "int32");
    expect(float32Pass([x], 1, [2], () => undefined)).toBeNull();
    x.dispose();
  });

  it("frees its outputs when the pass throws", () => {
    const x = tfc.tensor1d([1, 2]);
    const before = tfc.memory().numBytes;
    expect(() =>
      float32Pass([x], 1, [2], () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(tfc.memory().numBytes).toBe(before);
    x.dispose();
  });
});

describe("single-pass kernels are bit-identical to the kernel chains", () => {
  it.each([[[]], [[7]], [[33, 31]], [[96, 96]]])(
    "TanhGrad and SigmoidGrad of shape %j",
    (shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const y = values(n, 1);
      const dy = values(n, 2, 3);
      const yT = tf.constant(y, { shape });
      const dyT = tf.constant(dy, { shape });
      const grads = [gradOp("TanhGrad", yT, dyT), gradOp("SigmoidGrad", yT, dyT)];
      using sess = new tf.Session();
      const [tanhGrad, sigmoidGrad] = sess.run(grads) as tf.NDArray[];
      const yt = tfc.tensor(y, shape);
      const dyt = tfc.tensor(dy, shape);
      const wantTanh = tfc.tidy(() => tfc.mul(dyt, tfc.sub(1, tfc.square(yt))));
      const wantSigmoid = tfc.tidy(() => tfc.mul(dyt, tfc.mul(yt, tfc.sub(1, yt))));
      expectBitIdentical(tanhGrad!.data as Float32Array, wantTanh.dataSync(), "TanhGrad");
      expectBitIdentical(sigmoidGrad!.data as Float32Array, wantSigmoid.dataSync(), "SigmoidGrad");
      tfc.dispose([yt, dyt, wantTanh, wantSigmoid]);
    },
  );
});

describe("single-pass optimizer updates are bit-identical to the kernel chains", () => {
  /** Runs `steps` updates of `type` on variables starting at `init`, with gradients `grads`. */
  function runUpdates(
    type: string,
    init: Float32Array[],
    shape: number[],
    hyper: number[],
    grads: Float32Array[],
  ): Float32Array[] {
    const refs = init.map((v, i) =>
      tf.getVariable(`v${i}`, { initializer: tf.constant(v, { shape }) }),
    );
    const grad = tf.placeholder(tf.float32, shape);
    const update = applyOp(type, refs, [...hyper, grad], {});
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (const g of grads)
      sess.run(update.op, new Map([[grad, tf.NDArray.fromTypedArray(g, shape, "float32")]]));
    return (sess.run(refs) as tf.NDArray[]).map((a) => a.data as Float32Array);
  }

  it.each([[[]], [[5]], [[40, 30]], [[100, 100]]])("ApplyAdam on shape %j", (shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const init = [values(n, 3), values(n, 4, 0.1), Float32Array.from(values(n, 5, 0.01), Math.abs)];
    const grads = [values(n, 6), values(n, 7, 2)];
    // beta1_power, beta2_power, lr, beta1, beta2, epsilon
    const hyper = [0.81, 0.998, 0.01, 0.9, 0.999, 1e-7];
    const got = runUpdates("ApplyAdam", init, shape, hyper, grads);
    let [v, m, s] = init.map((a) => tfc.tensor(a, shape));
    const [b1p, b2p, lr, b1, b2, eps] = hyper.map((h) => tfc.scalar(h));
    for (const g of grads) {
      const gt = tfc.tensor(g, shape);
      const alpha = tfc.div(tfc.mul(lr!, tfc.sqrt(tfc.sub(1, b2p!))), tfc.sub(1, b1p!));
      const m2 = tfc.add(m!, tfc.mul(tfc.sub(gt, m!), tfc.sub(1, b1!)));
      const s2 = tfc.add(s!, tfc.mul(tfc.sub(tfc.square(gt), s!), tfc.sub(1, b2!)));
      const v2 = tfc.sub(v!, tfc.div(tfc.mul(m2, alpha), tfc.add(tfc.sqrt(s2), eps!)));
      [v, m, s] = [v2, m2, s2];
    }
    expectBitIdentical(got[0]!, v!.dataSync(), "var");
    expectBitIdentical(got[1]!, m!.dataSync(), "m");
    expectBitIdentical(got[2]!, s!.dataSync(), "v");
  });

  it.each([[[]], [[5]], [[30, 30]], [[100, 100]]])("ApplyGradientDescent on shape %j", (shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const init = values(n, 8);
    const grads = [values(n, 9), values(n, 10, 3)];
    const got = runUpdates("ApplyGradientDescent", [init], shape, [0.37], grads);
    let v = tfc.tensor(init, shape);
    const alpha = tfc.scalar(0.37);
    for (const g of grads) v = tfc.sub(v, tfc.mul(alpha, tfc.tensor(g, shape)));
    expectBitIdentical(got[0]!, v.dataSync(), "var");
  });
});

describe("Unpack by copies", () => {
  it.each([0, 1, 2, -1])("matches tfjs's unstack of a rank-3 float32 tensor on axis %i", (axis) => {
    const data = values(2 * 3 * 4, 11);
    const parts = tf.unstack(tf.constant(data, { shape: [2, 3, 4] }), { axis });
    using sess = new tf.Session();
    const got = sess.run(parts) as tf.NDArray[];
    const want = tfc.unstack(tfc.tensor(data, [2, 3, 4]), axis < 0 ? axis + 3 : axis);
    expect(got.map((g) => g.shape)).toEqual(want.map((w) => w.shape));
    got.forEach((g, i) => expectBitIdentical(g.data as Float32Array, want[i]!.dataSync(), `${i}`));
    tfc.dispose(want);
  });

  it("leaves int32 tensors to tfjs's unstack", () => {
    const parts = tf.unstack(
      tf.constant(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: tf.int32 },
      ),
      { axis: 1 },
    );
    using sess = new tf.Session();
    expect((sess.run(parts) as tf.NDArray[]).map((p) => p.toArray())).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});

describe("small sums over leading axes", () => {
  it("are bit-identical to the product with a row of ones that larger ones run", () => {
    for (const shape of [
      [32, 10],
      [7, 3, 5],
      [1, 9],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const rows = shape[0]! * (shape.length === 3 ? shape[1]! : 1);
      const x = tfc.tensor(values(n, 11, 1e3), shape);
      const axes = shape.length === 3 ? [0, 1] : [0];
      const got = sumKernel(x, axes, false);
      const want = tfc.matMul(tfc.ones([1, rows]), tfc.reshape(x, [rows, n / rows]));
      expect(got.shape).toEqual(shape.slice(axes.length));
      expectBitIdentical(got.dataSync(), want.dataSync(), `sum of ${shape.join("x")}`);
      tfc.dispose([x, got, want]);
    }
  });
});
