/**
 * `tf.nn.lrn`, `tf.nn.batchNormalization` and `tf.nn.fusedBatchNorm` against TF 1.15's
 * formulas, op names and errors; their gradients by finite differences.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { checkGradients, expectClose, gradientOpNames, randn } from "../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor | tf.Tensor[], feed?: Map<tf.Tensor, unknown>): Float32Array[] {
  using sess = new tf.Session();
  const list = Array.isArray(t) ? t : [t];
  const out = sess.run(list, feed as never) as tf.NDArray[];
  return out.map((v) => Float32Array.from(v.data as Float32Array));
}

/** TF's LRN formula, straight from its documentation, for an NHWC buffer. */
function lrnReference(
  x: Float32Array,
  depth: number,
  r: number,
  bias: number,
  alpha: number,
  beta: number,
): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % depth;
    const base = i - c;
    let sum = 0;
    for (let k = Math.max(0, c - r); k <= Math.min(depth - 1, c + r); k++) {
      sum += (x[base + k] as number) ** 2;
    }
    out[i] = (x[i] as number) / (bias + alpha * sum) ** beta;
  }
  return out;
}

describe("tf.nn.lrn", () => {
  it("computes input / (bias + alpha * sqr_sum) ** beta over the depth window", () => {
    const values = randn(2 * 3 * 2 * 7);
    const x = tf.constant(values, { shape: [2, 3, 2, 7] });
    const y = tf.nn.lrn(x, 2, 1.5, 0.3, 0.75);
    expect(y.op.type).toBe("LRN");
    expect(y.name).toBe("LRN:0");
    expect(y.op.attrs).toMatchObject({ depth_radius: 2, bias: 1.5, alpha: 0.3, beta: 0.75 });
    expect(y.shape.toString()).toBe("(2, 3, 2, 7)");
    const [got] = run(y);
    expectClose(got as Float32Array, lrnReference(values, 7, 2, 1.5, 0.3, 0.75), 1e-5, "lrn");
  });

  it("defaults depth_radius=5, bias=1, alpha=1, beta=0.5, as TF's op registry", () => {
    const values = randn(1 * 1 * 2 * 12);
    const y = tf.nn.localResponseNormalization(tf.constant(values, { shape: [1, 1, 2, 12] }));
    expect(y.op.attrs).toMatchObject({ depth_radius: 5, bias: 1, alpha: 1, beta: 0.5 });
    const [got] = run(y);
    expectClose(got as Float32Array, lrnReference(values, 12, 5, 1, 1, 0.5), 1e-5, "lrn");
  });

  it("positional and options forms build the same op", () => {
    const a = tf.nn.lrn(tf.ones([1, 1, 1, 3]), 1, 2, 3, 0.25, "n");
    const b = tf.nn.lrn(tf.ones([1, 1, 1, 3]), {
      depthRadius: 1,
      bias: 2,
      alpha: 3,
      beta: 0.25,
      name: "n",
    });
    expect(a.name).toBe("n:0");
    expect(b.name).toBe("n_1:0");
    expect(b.op.attrs).toEqual(a.op.attrs);
  });

  it("refuses a tensor that is not 4-D with TF's shape error, graph unchanged", () => {
    const x = tf.ones([2, 3]);
    expectThrowsAndUnchanged(
      () => tf.nn.lrn(x),
      tf.errors.ValueError,
      "Shape must be rank 4 but is rank 2 for 'LRN' (op: 'LRN') with input shapes: [2,3].",
    );
    const i = tf.ones([1, 1, 1, 2], { dtype: tf.int32 });
    expectThrowsAndUnchanged(
      () => tf.nn.lrn(i),
      TypeError,
      /^Value passed to parameter 'input' has DataType int32/,
    );
  });

  it("gradient: one LRNGrad, matching finite differences and tfjs", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 2, 3, 6], placeholder: [null, 2, 3, 6] }],
      graph: (x) => tf.nn.lrn(x, 2, 1.0, 0.5, 0.75),
      tfjs: (x) => tfc.localResponseNormalization(x as tfc.Tensor4D, 2, 1.0, 0.5, 0.75),
    });
    const x = tf.placeholder(tf.float32, [1, 1, 1, 4]);
    tf.gradients(tf.nn.lrn(x), [x]);
    expect(gradientOpNames()).toContain("gradients/LRN_grad/LRNGrad");
    const g = tf.getDefaultGraph().getOperationByName("gradients/LRN_grad/LRNGrad");
    expect(g.inputs.slice(1).map((t) => t.name)).toEqual(["Placeholder:0", "LRN:0"]);
    expect(() => tf.gradients(g.outputs[0] as tf.Tensor, [x])).toThrow(/LRNGrad/);
  });
});

describe("tf.nn.batchNormalization", () => {
  it("builds TF 1.15's ops in TF's order under batchnorm/", () => {
    const x = tf.placeholder(tf.float32, [null, 3], "x");
    const [mean, variance] = tf.nn.moments(x, [0]);
    const offset = tf.constant([0, 1, 2], { name: "offset" });
    const scale = tf.constant([1, 2, 3], { name: "scale" });
    const y = tf.nn.batchNormalization(x, mean, variance, offset, scale, 0.001);
    expect(y.name).toBe("batchnorm/add_1:0");
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.name.startsWith("batchnorm/"))
      .map((o) => `${o.name}:${o.type}`);
    expect(ops).toEqual([
      "batchnorm/add/y:Const",
      "batchnorm/add:AddV2",
      "batchnorm/Rsqrt:Rsqrt",
      "batchnorm/mul:Mul",
      "batchnorm/mul_1:Mul",
      "batchnorm/mul_2:Mul",
      "batchnorm/sub:Sub",
      "batchnorm/add_1:AddV2",
    ]);
    const xv = [
      [1, 2, 3],
      [3, 6, 9],
      [5, 1, 0],
    ];
    const [got] = run(y, new Map([[x, xv]]));
    const want: number[] = [];
    for (const row of xv) {
      row.forEach((v, c) => {
        const col = xv.map((r) => r[c] as number);
        const m = col.reduce((p, q) => p + q, 0) / 3;
        const vr = col.reduce((p, q) => p + (q - m) ** 2, 0) / 3;
        want.push(((v - m) / Math.sqrt(vr + 0.001)) * (c + 1) + c);
      });
    }
    expectClose(got as Float32Array, want, 1e-5, "batch_normalization");
  });

  it("offset and scale may be null (Neg instead of sub; no scale mul)", () => {
    const y = tf.nn.batchNormalization(tf.constant([[1, 3]]), [2], [4], null, null, 0, "bn");
    const types = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.name.startsWith("bn/"))
      .map((o) => `${o.name}:${o.type}`);
    expect(types).toContain("bn/Neg:Neg");
    expect(types).not.toContain("bn/sub:Sub");
    const [got] = run(y);
    expectClose(got as Float32Array, [-0.5, 0.5], 1e-6, "no offset or scale");
  });

  it("positional and options forms agree; a left-out offset is refused", () => {
    const a = tf.nn.batchNormalization([[1, 3]], [2], [4], [1], [2], 0.5, "p");
    const b = tf.nn.batchNormalization([[1, 3]], {
      mean: [2],
      variance: [4],
      offset: [1],
      scale: [2],
      varianceEpsilon: 0.5,
      name: "p",
    });
    expect(b.name).toBe("p_1/add_1:0");
    expect(run([a, b])[0]).toEqual(run([a, b])[1]);
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.nn.batchNormalization([[1]], [2], [4], { varianceEpsilon: 0 })).toThrow(
      "nn.batchNormalization() missing 1 required positional argument: 'offset'",
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });

  it("gradient matches finite differences for x, mean, variance, offset and scale", async () => {
    await checkGradients({
      inputs: [
        { shape: [4, 3] },
        { shape: [3] },
        { shape: [3], values: [0.5, 1.5, 2.0] },
        { shape: [3] },
        { shape: [3] },
      ],
      graph: (x, m, v, o, s) => tf.nn.batchNormalization(x, m, v, o, s, 0.01),
      tfjs: (x, m, v, o, s) =>
        tfc.batchNorm(
          x as tfc.Tensor2D,
          m as tfc.Tensor1D,
          v as tfc.Tensor1D,
          o as tfc.Tensor1D,
          s as tfc.Tensor1D,
          0.01,
        ),
    });
  });
});

/** Per-channel batch statistics of an NHWC buffer: mean, biased and unbiased variance. */
function channelStats(
  x: Float32Array,
  c: number,
): { mean: number[]; biased: number[]; unbiased: number[] } {
  const n = x.length / c;
  const mean = Array.from({ length: c }, (_, k) => {
    let s = 0;
    for (let i = k; i < x.length; i += c) s += x[i] as number;
    return s / n;
  });
  const biased = mean.map((m, k) => {
    let s = 0;
    for (let i = k; i < x.length; i += c) s += ((x[i] as number) - m) ** 2;
    return s / n;
  });
  return { mean, biased, unbiased: biased.map((v) => (v * n) / (n - 1)) };
}

describe("tf.nn.fusedBatchNorm", () => {
  it("training: batch statistics, the Bessel-corrected variance returned, FusedBatchNormV3", () => {
    const values = randn(2 * 3 * 2 * 4);
    const x = tf.constant(values, { shape: [2, 3, 2, 4] });
    const scale = [1, 2, 0.5, 1];
    const offset = [0, 1, -1, 2];
    const [y, mean, variance] = tf.nn.fusedBatchNorm(x, scale, offset);
    expect(y.op.type).toBe("FusedBatchNormV3");
    expect(y.name).toBe("FusedBatchNormV3:0");
    expect(y.op.inputs.map((t) => t.op.name)).toEqual([
      "Const",
      "scale",
      "offset",
      "Const_1",
      "Const_2",
    ]);
    expect(y.op.attrs).toMatchObject({ epsilon: 0.001, data_format: "NHWC", is_training: true });
    expect(variance.shape.toString()).toBe("(4,)");
    const [gy, gm, gv] = run([y, mean, variance]);
    const st = channelStats(values, 4);
    expectClose(gm as Float32Array, st.mean, 1e-5, "batch_mean");
    expectClose(gv as Float32Array, st.unbiased, 1e-5, "batch_variance (unbiased)");
    const want = Array.from(values, (v, i) => {
      const k = i % 4;
      return (
        ((v - (st.mean[k] as number)) / Math.sqrt((st.biased[k] as number) + 0.001)) *
          (scale[k] as number) +
        (offset[k] as number)
      );
    });
    expectClose(gy as Float32Array, want, 1e-4, "y");
  });

  it("inference uses and returns the given mean and variance; positional = options", () => {
    const x = tf.constant([[[[1, 2]], [[3, 4]]]]);
    const a = tf.nn.fusedBatchNorm(x, [1, 2], [0, 1], [1, 1], [4, 1], 0.5, "NHWC", false, "bn");
    const b = tf.nn.fusedBatchNorm(x, [1, 2], [0, 1], {
      mean: [1, 1],
      variance: [4, 1],
      epsilon: 0.5,
      isTraining: false,
      name: "bn",
    });
    expect(a[0].name).toBe("bn:0");
    expect(b[0].name).toBe("bn_1:0");
    expect(a[0].op.inputs[3]?.name).toBe("bn/mean:0");
    const [ya, ma, va, yb] = run([...a, b[0]]);
    expect(yb).toEqual(ya);
    const inv = [1 / Math.sqrt(4.5), 2 / Math.sqrt(1.5)];
    expectClose(
      ya as Float32Array,
      [0, (1 + inv[1]) as number, 2 * (inv[0] as number), 1 + 3 * (inv[1] as number)],
      1e-5,
      "y",
    );
    expect(Array.from(ma as Float32Array)).toEqual([1, 1]);
    expect(Array.from(va as Float32Array)).toEqual([4, 1]);
  });

  it("NCHW normalizes over axis 1", () => {
    const values = randn(2 * 3 * 2 * 2);
    const nhwc = tf.transpose(tf.constant(values, { shape: [2, 3, 2, 2] }), [0, 2, 3, 1]);
    const [ya] = tf.nn.fusedBatchNorm(
      tf.constant(values, { shape: [2, 3, 2, 2] }),
      [1, 2, 3],
      [0, 0, 1],
      {
        dataFormat: "NCHW",
      },
    );
    const [yb] = tf.nn.fusedBatchNorm(nhwc, [1, 2, 3], [0, 0, 1]);
    const [ga, gb] = run([tf.transpose(ya, [0, 2, 3, 1]), yb]);
    expectClose(ga as Float32Array, gb as Float32Array, 1e-5, "NCHW vs NHWC");
  });

  it("epsilon is raised to 1.001e-5; TF's errors, graph unchanged", () => {
    const [y] = tf.nn.fusedBatchNorm(tf.ones([1, 1, 2, 2]), [1, 1], [0, 0], { epsilon: 0 });
    expect(y.op.attrs.epsilon).toBeCloseTo(1.001e-5, 12);
    const x = tf.ones([1, 2, 2, 2]);
    const s = tf.ones([2]);
    const x2 = tf.ones([2, 2]);
    const s3 = tf.ones([3]);
    expectThrowsAndUnchanged(
      () => tf.nn.fusedBatchNorm(x, s, s, { mean: s }),
      tf.errors.ValueError,
      "Both 'mean' and 'variance' must be None if is_training is True.",
    );
    expectThrowsAndUnchanged(
      () => tf.nn.fusedBatchNorm(x, s, s, { dataFormat: "NCDHW" }),
      tf.errors.ValueError,
      `Attr 'data_format' of 'FusedBatchNormV3' Op passed string 'NCDHW' not in: "NHWC", "NCHW".`,
    );
    expectThrowsAndUnchanged(
      () => tf.nn.fusedBatchNorm(x2, s, s),
      tf.errors.ValueError,
      /^Shape must be rank 4 but is rank 2 for 'FusedBatchNormV3_1' \(op: 'FusedBatchNormV3'\)/,
    );
    expectThrowsAndUnchanged(
      () => tf.nn.fusedBatchNorm(x, s3, s),
      tf.errors.ValueError,
      /^Dimensions must be equal, but are 2 and 3 for 'FusedBatchNormV3_1'/,
    );
  });

  for (const dataFormat of ["NHWC", "NCHW"] as const) {
    it(`gradient (${dataFormat}, training): FusedBatchNormGradV3 matches finite differences`, async () => {
      const axes = dataFormat === "NHWC" ? [0, 1, 2] : [0, 2, 3];
      const c = await checkGradients({
        inputs: [{ shape: [2, 3, 3, 3] }, { shape: [3] }, { shape: [3] }],
        graph: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o, { dataFormat })[0],
        tfjs: (x, s, o) => {
          const { mean, variance } = tfc.moments(x, axes, true);
          const b = (t: tfc.Tensor) => (dataFormat === "NHWC" ? t : tfc.reshape(t, [1, 3, 1, 1]));
          return tfc.add(
            tfc.mul(tfc.div(tfc.sub(x, mean), tfc.sqrt(tfc.add(variance, 0.001))), b(s)),
            b(o),
          );
        },
        tfjsTol: 1e-3,
      });
      expect(c.grads.every((g) => g !== null)).toBe(true);
    });

    it(`gradient (${dataFormat}, inference) matches finite differences`, async () => {
      await checkGradients({
        inputs: [{ shape: [2, 3, 2, 3] }, { shape: [3] }, { shape: [3] }],
        graph: (x, s, o) =>
          tf.nn.fusedBatchNorm(x, s, o, [0.5, -1, 0], [1, 2, 0.5], 0.001, dataFormat, false)[0],
      });
    });
  }

  it("inference NCHW: TF's gradient computes in NHWC between transposes", () => {
    const x = tf.placeholder(tf.float32, [2, 3, 2, 2]);
    const [y] = tf.nn.fusedBatchNorm(
      x,
      [1, 1, 1],
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
      0.001,
      "NCHW",
      false,
    );
    const [dx] = tf.gradients(y, [x]);
    const grad = tf
      .getDefaultGraph()
      .getOperationByName("gradients/FusedBatchNormV3_grad/FusedBatchNormGradV3");
    expect(grad.attrs.data_format).toBe("NHWC");
    expect(grad.inputs[1]?.op.name).toBe("gradients/FusedBatchNormV3_grad/transpose");
    expect(dx?.op.name).toBe("gradients/FusedBatchNormV3_grad/transpose_2");
    expect((dx as tf.Tensor).shape.toString()).toBe("(2, 3, 2, 2)");
  });

  it("the gradient op is FusedBatchNormGradV3 under gradients/", () => {
    const x = tf.placeholder(tf.float32, [2, 2, 2, 2]);
    const [y] = tf.nn.fusedBatchNorm(x, [1, 1], [0, 0]);
    tf.gradients(y, [x]);
    expect(gradientOpNames()).toContain("gradients/FusedBatchNormV3_grad/FusedBatchNormGradV3");
  });
});

describe("on the cpu backend", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });
  afterAll(async () => {
    await tf.setBackend("wasm");
  });

  it("LRN and its gradient, fused batch norm and its gradient", async () => {
    expect(tf.getBackend()).toBe("cpu");
    const values = randn(1 * 2 * 2 * 5);
    const [got] = run(tf.nn.lrn(tf.constant(values, { shape: [1, 2, 2, 5] }), 1, 2, 0.5, 0.75));
    expectClose(got as Float32Array, lrnReference(values, 5, 1, 2, 0.5, 0.75), 1e-5, "lrn cpu");
    await checkGradients({
      inputs: [{ shape: [1, 2, 2, 5] }],
      graph: (x) => tf.nn.lrn(x, 1, 2, 0.5, 0.75),
      tfjs: (x) => tfc.localResponseNormalization(x as tfc.Tensor4D, 1, 2, 0.5, 0.75),
    });
    await checkGradients({
      inputs: [{ shape: [2, 2, 2, 3] }, { shape: [3] }, { shape: [3] }],
      graph: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o)[0],
    });
  });
});
