/**
 * `tf.layers.batchNormalization`: TensorFlow 1.15's variables, the fused (4-D) and composed
 * graphs, the moving averages in `UPDATE_OPS` (run and checked against the momentum rule),
 * training vs inference, a run-time `training` switch, and the fused op's gradient.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { expectSameItems } from "../graph/helpers.js";
import {
  collectionNames,
  direct,
  expectClose,
  opsUnder,
  variableSummary,
  wave,
} from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const SHAPE4 = [4, 3, 3, 2] as const;
const DATA4 = wave(4 * 3 * 3 * 2).map((v, i) => v * 3 + (i % 2) * 5); // channel 1 offset by 5
const data4 = () => tfc.tensor4d(DATA4, [...SHAPE4]);
const DATA2 = [
  [1, 10, -3],
  [2, 14, -1],
  [4, 9, 0],
  [7, 11, 4],
];

/** Per-channel batch mean, biased and unbiased variance of a tfjs tensor over `axes`. */
function stats(
  x: tfc.Tensor,
  axes: number[],
): { mean: number[]; biased: number[]; unbiased: number[] } {
  const { mean, variance } = tfc.moments(x, axes);
  const n = axes.reduce((p, a) => p * (x.shape[a] as number), 1);
  const m = Array.from(mean.dataSync());
  const v = Array.from(variance.dataSync());
  return { mean: m, biased: v, unbiased: v.map((b) => (b * n) / (n - 1)) };
}

/** `(x - mean) / sqrt(var + eps) * gamma + beta` over the last axis, in tfjs. */
function normalized(
  x: tfc.Tensor,
  mean: number[],
  variance: number[],
  eps = 0.001,
  gamma?: number[],
  beta?: number[],
): number[] {
  return direct(() => {
    const c = mean.length;
    let y = tfc.div(tfc.sub(x, tfc.tensor1d(mean)), tfc.sqrt(tfc.add(tfc.tensor1d(variance), eps)));
    y = tfc.mul(y, tfc.tensor1d(gamma ?? new Array<number>(c).fill(1)));
    return tfc.add(y, tfc.tensor1d(beta ?? new Array<number>(c).fill(0)));
  });
}

/**
 * Batch normalization's backward pass in float64, channels last, by the textbook formula:
 * `dx = gamma / sqrt(var + eps) / n * (n * dy - sum(dy) - xhat * sum(dy * xhat))`.
 */
function bnBackward(x: number[], dy: number[], channels: number, gamma: number, eps: number) {
  const n = x.length / channels;
  const dx = new Array<number>(x.length).fill(0);
  const dGamma: number[] = [];
  const dBeta: number[] = [];
  for (let c = 0; c < channels; c++) {
    const idx = Array.from({ length: n }, (_, i) => i * channels + c);
    const mean = idx.reduce((s, i) => s + (x[i] as number), 0) / n;
    const variance = idx.reduce((s, i) => s + ((x[i] as number) - mean) ** 2, 0) / n;
    const inv = 1 / Math.sqrt(variance + eps);
    const xhat = idx.map((i) => ((x[i] as number) - mean) * inv);
    const sumDy = idx.reduce((s, i) => s + (dy[i] as number), 0);
    const sumDyXhat = idx.reduce((s, i, k) => s + (dy[i] as number) * (xhat[k] as number), 0);
    dBeta.push(sumDy);
    dGamma.push(sumDyXhat);
    idx.forEach((i, k) => {
      dx[i] =
        ((gamma * inv) / n) * (n * (dy[i] as number) - sumDy - (xhat[k] as number) * sumDyXhat);
    });
  }
  return { dx, dGamma, dBeta };
}

function session(): tf.Session {
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  return sess;
}

function values(sess: tf.Session, fetch: unknown, feed?: Map<tf.Tensor, unknown>): number[] {
  return Array.from(
    (sess.run(fetch as tf.Tensor, feed as never) as tf.NDArray).data as Float32Array,
  );
}

describe("variables", () => {
  test("gamma, beta trainable; moving_mean, moving_variance global only; initial 1, 0, 0, 1", () => {
    tf.layers.batchNormalization(tf.placeholder(tf.float32, [null, 3]));
    expect(variableSummary()).toEqual([
      "batch_normalization/gamma (3,)",
      "batch_normalization/beta (3,)",
      "batch_normalization/moving_mean (3,)",
      "batch_normalization/moving_variance (3,)",
    ]);
    expect(collectionNames(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([
      "batch_normalization/gamma:0",
      "batch_normalization/beta:0",
    ]);
    expect(collectionNames(tf.GraphKeys.LOCAL_VARIABLES)).toEqual([]);
    const sess = session();
    try {
      expect(tf.globalVariables().map((v) => values(sess, v))).toEqual([
        [1, 1, 1],
        [0, 0, 0],
        [0, 0, 0],
        [1, 1, 1],
      ]);
    } finally {
      sess.close();
    }
  });

  test("numbering, names and reuse as for every layer", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    tf.layers.batchNormalization(x);
    tf.layers.batchNormalization(x);
    tf.layers.batchNormalization(x, { name: "bn" });
    tf.layers.batchNormalization(x, { name: "bn", reuse: true });
    expect(tf.globalVariables().map((v) => v.op.name)).toEqual([
      "batch_normalization/gamma",
      "batch_normalization/beta",
      "batch_normalization/moving_mean",
      "batch_normalization/moving_variance",
      "batch_normalization_1/gamma",
      "batch_normalization_1/beta",
      "batch_normalization_1/moving_mean",
      "batch_normalization_1/moving_variance",
      "bn/gamma",
      "bn/beta",
      "bn/moving_mean",
      "bn/moving_variance",
    ]);
  });

  test("center and scale false: no beta, no gamma", () => {
    tf.layers.batchNormalization(tf.placeholder(tf.float32, [null, 2, 2, 3]), {
      center: false,
      scale: false,
    });
    expect(variableSummary()).toEqual([
      "batch_normalization/moving_mean (3,)",
      "batch_normalization/moving_variance (3,)",
    ]);
  });

  test("axis 1 of a 4-D input: NCHW, parameters of the channel size", () => {
    const y = tf.layers.batchNormalization(tf.placeholder(tf.float32, [null, 5, 4, 4]), {
      axis: 1,
      training: true,
    });
    expect(variableSummary("batch_normalization/gamma")).toEqual([
      "batch_normalization/gamma (5,)",
    ]);
    expect(y.op.attrs.data_format).toBe("NCHW");
  });

  test("bad axes are ValueErrors", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    expect(() => tf.layers.batchNormalization(x, { axis: 2 })).toThrow("Invalid axis: [2]");
    expect(() => tf.layers.batchNormalization(x, { axis: [1, -1] })).toThrow(
      "Duplicate axis: [1, 1]",
    );
    expect(() => tf.layers.batchNormalization(tf.placeholder(tf.float32, [null, null]))).toThrow(
      tf.errors.ValueError,
    );
    expect(tf.globalVariables()).toEqual([]);
  });
});

describe("fused (4-D inputs)", () => {
  test("training: FusedBatchNormV3 and AssignMovingAvg, AssignMovingAvg_1 in UPDATE_OPS", () => {
    const x = tf.placeholder(tf.float32, [null, 3, 3, 2]);
    const y = tf.layers.batchNormalization(x, { training: true });
    expect(y.name).toBe("batch_normalization/FusedBatchNormV3:0");
    expect(y.shape.toString()).toBe("(?, 3, 3, 2)");
    const built = tf
      .getDefaultGraph()
      .getOperations()
      .filter(
        (o) =>
          o.name.startsWith("batch_normalization/") &&
          !/\/(gamma|beta|moving_mean|moving_variance)/.test(o.name),
      )
      .map((o) => `${o.name}:${o.type}`);
    expect(built).toEqual([
      "batch_normalization/Const:Const",
      "batch_normalization/Const_1:Const",
      "batch_normalization/FusedBatchNormV3:FusedBatchNormV3",
      "batch_normalization/Const_2:Const",
      "batch_normalization/AssignMovingAvg/sub/x:Const",
      "batch_normalization/AssignMovingAvg/sub:Sub",
      "batch_normalization/AssignMovingAvg/sub_1:Sub",
      "batch_normalization/AssignMovingAvg/mul:Mul",
      "batch_normalization/AssignMovingAvg:AssignSub",
      "batch_normalization/AssignMovingAvg_1/sub/x:Const",
      "batch_normalization/AssignMovingAvg_1/sub:Sub",
      "batch_normalization/AssignMovingAvg_1/sub_1:Sub",
      "batch_normalization/AssignMovingAvg_1/mul:Mul",
      "batch_normalization/AssignMovingAvg_1:AssignSub",
    ]);
    const fused = y.op;
    expect(fused.attrs).toMatchObject({ epsilon: 0.001, data_format: "NHWC", is_training: true });
    expect(fused.inputs.map((t) => t.name)).toEqual([
      x.name,
      "batch_normalization/gamma/read:0",
      "batch_normalization/beta/read:0",
      "batch_normalization/Const:0",
      "batch_normalization/Const_1:0",
    ]);
    const updates = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
    expect(updates.every((u) => u instanceof tf.Operation)).toBe(true);
    expect(updates.map((u) => u.name)).toEqual([
      "batch_normalization/AssignMovingAvg",
      "batch_normalization/AssignMovingAvg_1",
    ]);
    expect(updates[0]?.inputs[0]?.op.name).toBe("batch_normalization/moving_mean");
    expect(updates[1]?.inputs[0]?.op.name).toBe("batch_normalization/moving_variance");
  });

  test("training: normalized by the batch; the updates move the averages by 1 - momentum", () => {
    const x = tf.placeholder(tf.float32, [...SHAPE4]);
    const y = tf.layers.batchNormalization(x, { training: true, momentum: 0.9 });
    const layerVars = tf.globalVariables();
    const movingMean = layerVars[2] as tf.Variable;
    const movingVariance = layerVars[3] as tf.Variable;
    const updates = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
    const feed = new Map<tf.Tensor, unknown>([[x, data4().arraySync()]]);
    const s = stats(data4(), [0, 1, 2]);
    const sess = session();
    try {
      expectClose(values(sess, y, feed), normalized(data4(), s.mean, s.biased));
      // Fetching the output alone does not touch the averages.
      expect(values(sess, movingMean)).toEqual([0, 0]);
      sess.run(updates, feed as never);
      let mean = s.mean.map((m) => 0.1 * m);
      // Fused batch norm updates the variance with the unbiased batch variance.
      let variance = s.unbiased.map((v) => 0.9 + 0.1 * v);
      expectClose(values(sess, movingMean), mean);
      expectClose(values(sess, movingVariance), variance);
      sess.run(updates, feed as never);
      mean = mean.map((m, i) => m - (m - (s.mean[i] as number)) * 0.1);
      variance = variance.map((v, i) => v - (v - (s.unbiased[i] as number)) * 0.1);
      expectClose(values(sess, movingMean), mean);
      expectClose(values(sess, movingVariance), variance);
    } finally {
      sess.close();
    }
  });

  test("inference (the default): the moving averages, no updates", () => {
    const x = tf.placeholder(tf.float32, [...SHAPE4]);
    const y = tf.layers.batchNormalization(x, {
      betaInitializer: tf.constantInitializer(0.5),
      gammaInitializer: tf.constantInitializer(2),
      movingMeanInitializer: tf.constantInitializer(1),
      movingVarianceInitializer: tf.constantInitializer(4),
    });
    expect(y.op.type).toBe("FusedBatchNormV3");
    expect(y.op.attrs.is_training).toBe(false);
    expect(y.op.inputs.slice(3).map((t) => t.name)).toEqual([
      "batch_normalization/moving_mean/read:0",
      "batch_normalization/moving_variance/read:0",
    ]);
    expect(collectionNames(tf.GraphKeys.UPDATE_OPS)).toEqual([]);
    expect(opsUnder("batch_normalization/AssignMovingAvg")).toEqual([]);
    const sess = session();
    try {
      const out = values(sess, y, new Map([[x, data4().arraySync()]]));
      expectClose(out, normalized(data4(), [1, 1], [4, 4], 0.001, [2, 2], [0.5, 0.5]));
    } finally {
      sess.close();
    }
  });

  test("channels first gives the same values as channels last", () => {
    const nchw = tf.placeholder(tf.float32, [4, 2, 3, 3]);
    const y = tf.layers.batchNormalization(nchw, { axis: 1, training: true });
    const input = tfc.transpose(data4(), [0, 3, 1, 2]);
    const s = stats(data4(), [0, 1, 2]);
    const sess = session();
    try {
      const out = values(sess, y, new Map([[nchw, input.arraySync()]]));
      const want = direct(() =>
        tfc.transpose(
          tfc.tensor4d(normalized(data4(), s.mean, s.biased), [...SHAPE4]),
          [0, 3, 1, 2],
        ),
      );
      expectClose(out, want);
    } finally {
      sess.close();
    }
  });

  test("without gamma and beta, constants stand in", () => {
    const x = tf.placeholder(tf.float32, [...SHAPE4]);
    const y = tf.layers.batchNormalization(x, { center: false, scale: false, training: true });
    expect(y.op.inputs.slice(1, 3).map((t) => t.op.type)).toEqual(["Const", "Const"]);
    const s = stats(data4(), [0, 1, 2]);
    const sess = session();
    try {
      expectClose(
        values(sess, y, new Map([[x, data4().arraySync()]])),
        normalized(data4(), s.mean, s.biased),
      );
    } finally {
      sess.close();
    }
  });

  test("trainable: false leaves the updates out of UPDATE_OPS", () => {
    tf.layers.batchNormalization(tf.placeholder(tf.float32, [null, 2, 2, 3]), {
      training: true,
      trainable: false,
    });
    expect(collectionNames(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([]);
    expect(collectionNames(tf.GraphKeys.UPDATE_OPS)).toEqual([]);
  });

  test("the gradient of FusedBatchNormV3 matches the textbook formula", () => {
    const x = tf.placeholder(tf.float32, [...SHAPE4]);
    const y = tf.layers.batchNormalization(x, {
      training: true,
      gammaInitializer: tf.constantInitializer(1.5),
      betaInitializer: tf.constantInitializer(-0.25),
    });
    const [gamma, beta] = tf.trainableVariables();
    const dyData = wave(DATA4.length, 2);
    const dy = tf.reshape(tf.constant(dyData), [...SHAPE4]);
    const grads = tf.gradients(y, [x, gamma as tf.Variable, beta as tf.Variable], dy);
    expect(grads.map((g) => g?.op.type)).toEqual([
      "FusedBatchNormGradV3",
      "FusedBatchNormGradV3",
      "FusedBatchNormGradV3",
    ]);
    expect(grads[0]?.op.name).toBe(
      "gradients/batch_normalization/FusedBatchNormV3_grad/FusedBatchNormGradV3",
    );
    const want = bnBackward(DATA4, dyData, 2, 1.5, 0.001);
    const sess = session();
    try {
      const feed = new Map([[x, data4().arraySync()]]);
      expectClose(values(sess, grads[0], feed), want.dx, 1e-3);
      expectClose(values(sess, grads[1], feed), want.dGamma, 1e-3);
      expectClose(values(sess, grads[2], feed), want.dBeta, 1e-3);
    } finally {
      sess.close();
    }
  });

  test("the inference-mode gradient scales by gamma / sqrt(moving variance + eps)", () => {
    const x = tf.placeholder(tf.float32, [...SHAPE4]);
    const y = tf.layers.batchNormalization(x, {
      movingVarianceInitializer: tf.constantInitializer(3),
    });
    const [dx] = tf.gradients(y, [x]);
    const sess = session();
    try {
      const out = values(sess, dx, new Map([[x, data4().arraySync()]]));
      expectClose(out, new Array<number>(DATA4.length).fill(1 / Math.sqrt(3.001)));
    } finally {
      sess.close();
    }
  });
});

describe("composed (non-fused) batch normalization", () => {
  test("2-D input in training: moments, AssignMovingAvg with a decay constant, batchnorm ops", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const y = tf.layers.batchNormalization(x, { training: true });
    expect(y.op.name).toBe("batch_normalization/batchnorm/add_1");
    const built = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => /^batch_normalization\/(AssignMovingAvg|batchnorm)/.test(o.name))
      .map((o) => `${o.name}:${o.type}`);
    expect(built).toEqual([
      "batch_normalization/AssignMovingAvg/decay:Const",
      "batch_normalization/AssignMovingAvg/sub:Sub",
      "batch_normalization/AssignMovingAvg/mul:Mul",
      "batch_normalization/AssignMovingAvg:AssignSub",
      "batch_normalization/AssignMovingAvg_1/decay:Const",
      "batch_normalization/AssignMovingAvg_1/sub:Sub",
      "batch_normalization/AssignMovingAvg_1/mul:Mul",
      "batch_normalization/AssignMovingAvg_1:AssignSub",
      "batch_normalization/batchnorm/add/y:Const",
      "batch_normalization/batchnorm/add:AddV2",
      "batch_normalization/batchnorm/Rsqrt:Rsqrt",
      "batch_normalization/batchnorm/mul:Mul",
      "batch_normalization/batchnorm/mul_1:Mul",
      "batch_normalization/batchnorm/mul_2:Mul",
      "batch_normalization/batchnorm/sub:Sub",
      "batch_normalization/batchnorm/add_1:AddV2",
    ]);
    expect(tf.getDefaultGraph().getOperationByName("batch_normalization/moments/mean").type).toBe(
      "Mean",
    );
    const decay = tf
      .getDefaultGraph()
      .getTensorByName("batch_normalization/AssignMovingAvg/decay:0");
    expect(decay.eval(undefined, session()).item()).toBeCloseTo(0.01, 7);
    expect(collectionNames(tf.GraphKeys.UPDATE_OPS)).toEqual([
      "batch_normalization/AssignMovingAvg",
      "batch_normalization/AssignMovingAvg_1",
    ]);
  });

  test("values: the batch's biased variance, for the output and the moving average", () => {
    const x = tf.placeholder(tf.float32, [4, 3]);
    const y = tf.layers.batchNormalization(x, { training: true });
    const [, , movingMean, movingVariance] = tf.globalVariables();
    const updates = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
    const s = stats(tfc.tensor2d(DATA2), [0]);
    const feed = new Map([[x, DATA2]]);
    const sess = session();
    try {
      expectClose(values(sess, y, feed), normalized(tfc.tensor2d(DATA2), s.mean, s.biased));
      sess.run(updates, feed as never);
      expectClose(
        values(sess, movingMean),
        s.mean.map((m) => 0.01 * m),
      );
      expectClose(
        values(sess, movingVariance),
        s.biased.map((v) => 0.99 + 0.01 * v),
      );
    } finally {
      sess.close();
    }
  });

  test("fused: false on 4-D input builds the composed graph with the same output", () => {
    const x = tf.placeholder(tf.float32, [...SHAPE4]);
    const fused = tf.layers.batchNormalization(x, { training: true });
    const composed = tf.layers.batchNormalization(x, { training: true, fused: false });
    expect(composed.op.name).toBe("batch_normalization_1/batchnorm/add_1");
    const sess = session();
    try {
      const feed = new Map([[x, data4().arraySync()]]);
      expectClose(values(sess, composed, feed), values(sess, fused, feed), 1e-3);
    } finally {
      sess.close();
    }
  });

  test("inference on 2-D input: the moving statistics, no moments, no updates", () => {
    const x = tf.placeholder(tf.float32, [4, 3]);
    const y = tf.layers.batchNormalization(x, { training: false });
    expect(opsUnder("batch_normalization/moments")).toEqual([]);
    expect(collectionNames(tf.GraphKeys.UPDATE_OPS)).toEqual([]);
    const sess = session();
    try {
      const out = values(sess, y, new Map([[x, DATA2]]));
      expectClose(
        out,
        DATA2.flat().map((v) => v / Math.sqrt(1.001)),
      );
    } finally {
      sess.close();
    }
  });

  test("two feature axes: parameters shaped for broadcasting, statistics over the rest", () => {
    const x = tf.placeholder(tf.float32, [4, 2, 3]);
    const y = tf.layers.batchNormalization(x, { axis: [1, 2], training: true });
    expect(variableSummary("batch_normalization/gamma")).toEqual([
      "batch_normalization/gamma (1, 2, 3)",
    ]);
    const data = wave(24);
    const sess = session();
    try {
      const out = values(sess, y, new Map([[x, tfc.tensor3d(data, [4, 2, 3]).arraySync()]]));
      const want = direct(() => {
        const t = tfc.tensor3d(data, [4, 2, 3]);
        const { mean, variance } = tfc.moments(t, [0], true);
        return tfc.div(tfc.sub(t, mean), tfc.sqrt(tfc.add(variance, 0.001)));
      });
      expectClose(out, want);
    } finally {
      sess.close();
    }
  });
});

describe("a run-time training switch", () => {
  for (const fused of [true, false]) {
    test(`${fused ? "fused" : "composed"}: batch statistics and updates only when fed true`, () => {
      const x = tf.placeholder(tf.float32, [4, 1, 1, 3]);
      const training = tf.placeholderWithDefault(false, [], { name: "training" });
      const y = tf.layers.batchNormalization(x, { training, fused });
      const layerVars = tf.globalVariables();
      const movingMean = layerVars[2] as tf.Variable;
      const updates = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
      expect(updates.map((u) => u.name)).toEqual([
        "batch_normalization/AssignMovingAvg",
        "batch_normalization/AssignMovingAvg_1",
      ]);
      const input = tfc.reshape(tfc.tensor2d(DATA2), [4, 1, 1, 3]).arraySync();
      const s = stats(tfc.tensor2d(DATA2), [0]);
      const sess = session();
      try {
        const inference = new Map<tf.Tensor, unknown>([[x, input]]);
        expectClose(
          values(sess, y, inference),
          DATA2.flat().map((v) => v / Math.sqrt(1.001)),
        );
        sess.run(updates, inference as never);
        expect(values(sess, movingMean)).toEqual([0, 0, 0]);
        const train = new Map<tf.Tensor, unknown>([
          [x, input],
          [training, true],
        ]);
        expectClose(values(sess, y, train), normalized(tfc.tensor2d(DATA2), s.mean, s.biased));
        sess.run(updates, train as never);
        expectClose(
          values(sess, movingMean),
          s.mean.map((m) => 0.01 * m),
        );
      } finally {
        sess.close();
      }
    });
  }
});

describe("BatchNormalization class", () => {
  test("properties, variables and updates", () => {
    const layer = new tf.layers.BatchNormalization({ momentum: 0.9, epsilon: 1e-5 });
    layer.apply(tf.placeholder(tf.float32, [null, 2, 2, 3]), { training: true });
    expect(layer.fused).toBe(true);
    expect(layer.axis).toEqual([3]);
    expectSameItems(layer.trainableVariables, [layer.gamma, layer.beta]);
    expectSameItems(layer.nonTrainableVariables, [layer.movingMean, layer.movingVariance]);
    expect(layer.updates.map((u) => u.name)).toEqual([
      "batch_normalization/AssignMovingAvg",
      "batch_normalization/AssignMovingAvg_1",
    ]);
    // cuDNN's minimum epsilon, as TensorFlow enforces for the fused kernel.
    expect(
      tf.getDefaultGraph().getOperationByName("batch_normalization/FusedBatchNormV3").attrs.epsilon,
    ).toBe(1.001e-5);
  });
});
