/**
 * The calling convention on `tf.metrics`: TF 1.15's positional form and the options form
 * build the same graph for every metric; unknown keys and wrong kinds are refused with
 * the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const L = () => tf.constant([[1, 0, 1, 0]]);
const P = () => tf.constant([[0.8, 0.3, 0.6, 0.1]]);
const W = () => tf.constant([[1, 2, 1, 2]]);

describe("tf.metrics", () => {
  it("(labels, predictions, weights, metrics_collections, updates_collections, name)", () => {
    const fns = [
      tf.metrics.accuracy,
      tf.metrics.meanAbsoluteError,
      tf.metrics.meanSquaredError,
      tf.metrics.rootMeanSquaredError,
      tf.metrics.truePositives,
      tf.metrics.falsePositives,
      tf.metrics.trueNegatives,
      tf.metrics.falseNegatives,
      tf.metrics.precision,
      tf.metrics.recall,
    ];
    for (const f of fns) {
      const pic = expectSameGraphs(
        () => f(L(), P(), W(), ["m"], ["u"], "x"),
        () =>
          f(L(), P(), {
            weights: W(),
            metricsCollections: ["m"],
            updatesCollections: ["u"],
            name: "x",
          }),
        () =>
          f({
            labels: L(),
            predictions: P(),
            weights: W(),
            metricsCollections: ["m"],
            updatesCollections: ["u"],
            name: "x",
          }),
      );
      expect(pic.some((l) => l.startsWith("x/"))).toBe(true);
    }
  });

  it("mean(values, weights, ...) and mean_tensor", () => {
    for (const f of [tf.metrics.mean, tf.metrics.meanTensor]) {
      expectSameGraphs(
        () => f(P(), W(), null, ["u"], "m"),
        () => f(P(), { weights: W(), updatesCollections: ["u"], name: "m" }),
        () => f({ values: P(), weights: W(), updatesCollections: ["u"], name: "m" }),
      );
    }
  });

  it("the *_at_thresholds metrics: (labels, predictions, thresholds, weights, ...)", () => {
    const fns = [
      tf.metrics.truePositivesAtThresholds,
      tf.metrics.falsePositivesAtThresholds,
      tf.metrics.trueNegativesAtThresholds,
      tf.metrics.falseNegativesAtThresholds,
      tf.metrics.precisionAtThresholds,
      tf.metrics.recallAtThresholds,
    ];
    for (const f of fns) {
      expectSameGraphs(
        () => f(L(), P(), [0.2, 0.5], W(), null, null, "t"),
        () => f(L(), P(), [0.2, 0.5], { weights: W(), name: "t" }),
        () => f({ labels: L(), predictions: P(), thresholds: [0.2, 0.5], weights: W(), name: "t" }),
      );
    }
  });

  it("auc(labels, predictions, weights, num_thresholds, metrics_collections, updates_collections, curve, name, summation_method, thresholds)", () => {
    const pic = expectSameGraphs(
      () => tf.metrics.auc(L(), P(), W(), 10, null, null, "PR", "a", "careful_interpolation"),
      () =>
        tf.metrics.auc(L(), P(), {
          weights: W(),
          numThresholds: 10,
          curve: "PR",
          name: "a",
          summationMethod: "careful_interpolation",
        }),
    );
    expect(pic.some((l) => l.startsWith("a/interpolate_pr_auc = Sum"))).toBe(true);
    expectSameGraphs(
      () => tf.metrics.auc(L(), P(), null, 200, null, null, "ROC", null, "minoring", [0.3, 0.1]),
      () =>
        tf.metrics.auc({
          labels: L(),
          predictions: P(),
          summationMethod: "minoring",
          thresholds: [0.3, 0.1],
        }),
    );
  });

  it("the metrics with an extra argument: normalizer, dim, threshold, num_classes, specificity, sensitivity", () => {
    expectSameGraphs(
      () => tf.metrics.meanRelativeError(L(), P(), W(), null, null, null, "r"),
      () =>
        tf.metrics.meanRelativeError({ labels: L(), predictions: P(), normalizer: W(), name: "r" }),
    );
    expectSameGraphs(
      () => tf.metrics.meanCosineDistance(L(), P(), 1, [[2]]),
      () => tf.metrics.meanCosineDistance(L(), P(), { dim: 1, weights: [[2]] }),
    );
    expectSameGraphs(
      () => tf.metrics.percentageBelow(P(), 0.5, W()),
      () => tf.metrics.percentageBelow({ values: P(), threshold: 0.5, weights: W() }),
    );
    for (const f of [tf.metrics.meanIou, tf.metrics.meanPerClassAccuracy]) {
      expectSameGraphs(
        () => f(L(), L(), 2, W(), ["m"]),
        () =>
          f({
            labels: L(),
            predictions: L(),
            numClasses: 2,
            weights: W(),
            metricsCollections: ["m"],
          }),
      );
    }
    expectSameGraphs(
      () => tf.metrics.sensitivityAtSpecificity(L(), P(), 0.5, W(), 20),
      () =>
        tf.metrics.sensitivityAtSpecificity(L(), P(), {
          specificity: 0.5,
          weights: W(),
          numThresholds: 20,
        }),
    );
    expectSameGraphs(
      () => tf.metrics.specificityAtSensitivity(L(), P(), 0.5, W(), 20),
      () =>
        tf.metrics.specificityAtSensitivity({
          labels: L(),
          predictions: P(),
          sensitivity: 0.5,
          weights: W(),
          numThresholds: 20,
        }),
    );
  });

  it("refuses unknown keys and wrong kinds, leaving the graph unchanged", () => {
    const l = L();
    const p = P();
    expectRefused(
      () => tf.metrics.accuracy(l, p, { weight: 1 } as never),
      /unexpected keyword argument 'weight'/,
    );
    expectRefused(() => tf.metrics.mean(p, null, "m" as never), /argument 'metricsCollections'/);
    expectRefused(() => tf.metrics.auc(l, p, null, 0.5 as never), /argument 'numThresholds'/);
    expectRefused(() => tf.metrics.meanIou(l, p, "2" as never), /argument 'numClasses'/);
    expectRefused(
      () => tf.metrics.precisionAtThresholds(l, p, 0.5 as never),
      /argument 'thresholds'/,
    );
  });
});

describe("tf.metrics at k", () => {
  const S = () => tf.constant([[0.1, 0.3, 0.2, 0.4]]);
  it("recall_at_k/precision_at_k(labels, predictions, k, class_id, weights, metrics_collections, updates_collections, name)", () => {
    for (const f of [tf.metrics.recallAtK, tf.metrics.precisionAtK]) {
      expectSameGraphs(
        () => f([[3]], S(), 2, null, [1], ["m"], ["u"], "r"),
        () =>
          f([[3]], S(), 2, {
            weights: [1],
            metricsCollections: ["m"],
            updatesCollections: ["u"],
            name: "r",
          }),
        () =>
          f({
            labels: [[3]],
            predictions: S(),
            k: 2,
            weights: [1],
            metricsCollections: ["m"],
            updatesCollections: ["u"],
            name: "r",
          }),
      );
    }
  });

  it("recall_at_top_k/precision_at_top_k(labels, predictions_idx, k, class_id, weights, ...)", () => {
    for (const f of [tf.metrics.recallAtTopK, tf.metrics.precisionAtTopK]) {
      expectSameGraphs(
        () => f([[3]], tf.constant([[3, 1]]), 2, null, [1]),
        () => f({ labels: [[3]], predictionsIdx: tf.constant([[3, 1]]), k: 2, weights: [1] }),
      );
    }
  });

  it("SparseTensor labels and class_id, positionally or as options", () => {
    const L = () =>
      new tf.SparseTensor(
        tf.constant([[0, 0]], tf.int64),
        tf.constant([3], tf.int64),
        tf.constant([1, 1], tf.int64),
      );
    for (const f of [tf.metrics.recallAtK, tf.metrics.precisionAtK]) {
      expectSameGraphs(
        () => f(L(), S(), 2, 3),
        () => f(L(), S(), 2, { classId: 3 }),
        () => f({ labels: L(), predictions: S(), k: 2, classId: 3 }),
      );
    }
    expectSameGraphs(
      () => tf.metrics.averagePrecisionAtK(L(), S(), 2),
      () => tf.metrics.averagePrecisionAtK({ labels: L(), predictions: S(), k: 2 }),
    );
  });

  it("refuses a non-int k", () => {
    const s = S();
    expectRefused(() => tf.metrics.recallAtK([[3]], s, 1.5), /argument 'k'/);
  });
});

describe("tf.metrics.averagePrecisionAtK", () => {
  it("average_precision_at_k(labels, predictions, k, weights, metrics_collections, updates_collections, name)", () => {
    const S = () => tf.constant([[0.1, 0.3, 0.2, 0.4]]);
    expectSameGraphs(
      () => tf.metrics.averagePrecisionAtK([[3]], S(), 2, [1], ["m"], ["u"], "ap"),
      () =>
        tf.metrics.averagePrecisionAtK({
          labels: [[3]],
          predictions: S(),
          k: 2,
          weights: [1],
          metricsCollections: ["m"],
          updatesCollections: ["u"],
          name: "ap",
        }),
    );
  });
});

describe("the deprecated sparse_* names", () => {
  it("build what precisionAtK and averagePrecisionAtK build", () => {
    const S = () => tf.constant([[0.1, 0.3, 0.2, 0.4]]);
    expectSameGraphs(
      () => tf.metrics.sparsePrecisionAtK([[3]], S(), 2, null, [1], null, null, "p"),
      () =>
        tf.metrics.precisionAtK({ labels: [[3]], predictions: S(), k: 2, weights: [1], name: "p" }),
    );
    expectSameGraphs(
      () => tf.metrics.sparseRecallAtK([[3]], S(), 2, 3, [1], null, null, "r"),
      () =>
        tf.metrics.recallAtK({
          labels: [[3]],
          predictions: S(),
          k: 2,
          classId: 3,
          weights: [1],
          name: "r",
        }),
    );
    expectSameGraphs(
      () => tf.metrics.sparseAveragePrecisionAtK([[3]], S(), 2),
      () => tf.metrics.averagePrecisionAtK({ labels: [[3]], predictions: S(), k: 2 }),
    );
  });
});
