/**
 * `tf.metrics` against TensorFlow 1.15's `metrics_test.py`: the local variables each metric
 * makes, the collections, the values after one or several `updateOp` runs (streaming over
 * batches fed one at a time, as TF's tests dequeue them), weighted cases, and the errors.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

type Feeds = Map<tf.Tensor, unknown>;

function values(sess: tf.Session, t: tf.Tensor, feeds?: Feeds): number[] {
  const v = sess.run(t, feeds);
  return Array.from(v.data as ArrayLike<number>);
}

function scalar(sess: tf.Session, t: tf.Tensor, feeds?: Feeds): number {
  return sess.run(t, feeds).item() as number;
}

function expectClose(got: number[], want: number[], digits = 5): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i] as number, digits));
}

function localNames(): string[] {
  return tf
    .localVariables()
    .map((v) => v.name)
    .sort();
}

function metricNames(): string[] {
  return tf
    .getCollection<tf.Variable>(tf.GraphKeys.METRIC_VARIABLES)
    .map((v) => v.name)
    .sort();
}

/** `_assert_metric_variables`: exactly these local variables, also the metric variables. */
function expectMetricVariables(expected: string[]): void {
  expect(localNames()).toEqual([...expected].sort());
  expect(metricNames()).toEqual([...expected].sort());
  expect(tf.globalVariables()).toEqual([]);
  expect(tf.trainableVariables()).toEqual([]);
}

/** `_test_values(shape)`: 1, 2, 3, … in `shape`. */
function testValues(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.reshape(tf.constant(Array.from({ length: n }, (_, i) => i + 1)), shape);
}

function onesOf(shape: number[]): tf.Tensor {
  return tf.ones(shape);
}

/** Runs `update` once per feed, returning each run's value. */
function stream(sess: tf.Session, update: tf.Tensor, feeds: Feeds[]): number[][] {
  return feeds.map((f) => values(sess, update, f));
}

const MEAN_BATCHES = [[[0, 1]], [[-4.2, 9.1]], [[6.5, 0]], [[-3.2, 4.0]]];

describe("metric variables", () => {
  it("mean: mean/count and mean/total, local and metric variables, not trainable", () => {
    tf.metrics.mean(tf.ones([4, 3]));
    expectMetricVariables(["mean/count:0", "mean/total:0"]);
    const total = tf.localVariables().find((v) => v.name === "mean/total:0") as tf.Variable;
    expect(total.trainable).toBe(false);
    expect(total.initializer.inputs[1]?.op.name).toBe("mean/total/Initializer/zeros");
  });

  it("each metric's variables are named as TensorFlow names them", () => {
    const cases: [() => unknown, string[]][] = [
      [
        () => tf.metrics.meanTensor(tf.ones([4, 3])),
        ["mean/total_tensor:0", "mean/count_tensor:0"],
      ],
      [
        () =>
          tf.metrics.accuracy({
            labels: tf.ones([10, 1]),
            predictions: tf.ones([10, 1]),
            name: "my_accuracy",
          }),
        ["my_accuracy/count:0", "my_accuracy/total:0"],
      ],
      [
        () => tf.metrics.precision(tf.ones([10, 1]), tf.ones([10, 1])),
        ["precision/false_positives/count:0", "precision/true_positives/count:0"],
      ],
      [
        () => tf.metrics.recall(tf.ones([10, 1]), tf.ones([10, 1])),
        ["recall/false_negatives/count:0", "recall/true_positives/count:0"],
      ],
      [
        () => tf.metrics.auc(tf.ones([10, 1]), tf.ones([10, 1])),
        [
          "auc/true_positives:0",
          "auc/false_negatives:0",
          "auc/false_positives:0",
          "auc/true_negatives:0",
        ],
      ],
      [
        () => tf.metrics.specificityAtSensitivity(tf.ones([10, 1]), tf.ones([10, 1]), 0.7),
        [
          "specificity_at_sensitivity/true_positives:0",
          "specificity_at_sensitivity/false_negatives:0",
          "specificity_at_sensitivity/false_positives:0",
          "specificity_at_sensitivity/true_negatives:0",
        ],
      ],
      [
        () => tf.metrics.sensitivityAtSpecificity(tf.ones([10, 1]), tf.ones([10, 1]), 0.7),
        [
          "sensitivity_at_specificity/true_positives:0",
          "sensitivity_at_specificity/false_negatives:0",
          "sensitivity_at_specificity/false_positives:0",
          "sensitivity_at_specificity/true_negatives:0",
        ],
      ],
      [
        () => tf.metrics.precisionAtThresholds(tf.ones([10, 1]), tf.ones([10, 1]), [0, 0.5, 1.0]),
        ["precision_at_thresholds/true_positives:0", "precision_at_thresholds/false_positives:0"],
      ],
      [
        () => tf.metrics.meanPerClassAccuracy(tf.ones([10, 1]), tf.ones([10, 1]), 2),
        ["mean_accuracy/count:0", "mean_accuracy/total:0"],
      ],
      [
        () => tf.metrics.meanIou(tf.ones([10, 1]), tf.ones([10, 1]), 2),
        ["mean_iou/total_confusion_matrix:0"],
      ],
      [() => tf.metrics.falseNegatives([0, 1, 0, 1], [0, 0, 1, 1]), ["false_negatives/count:0"]],
      [
        () =>
          tf.metrics.falseNegativesAtThresholds(
            tf.ones([10, 1]),
            tf.ones([10, 1]),
            [0.15, 0.5, 0.85],
          ),
        ["false_negatives/false_negatives:0"],
      ],
      [
        () => tf.metrics.rootMeanSquaredError(tf.ones([10, 1]), tf.ones([10, 1])),
        ["root_mean_squared_error/count:0", "root_mean_squared_error/total:0"],
      ],
      [
        () => tf.metrics.percentageBelow([1, 2], 3),
        ["percentage_below_threshold/count:0", "percentage_below_threshold/total:0"],
      ],
    ];
    for (const [build, names] of cases) {
      tf.resetDefaultGraph();
      build();
      expectMetricVariables(names);
    }
  });

  it("a second metric of the same kind gets its own scope", () => {
    tf.metrics.mean([1, 2]);
    tf.metrics.mean([1, 2]);
    expect(localNames()).toEqual([
      "mean/count:0",
      "mean/total:0",
      "mean_1/count:0",
      "mean_1/total:0",
    ]);
  });

  it("localVariablesInitializer resets the accumulated state", () => {
    const x = tf.placeholder(tf.float32, [null]);
    const [mean, update] = tf.metrics.mean(x);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run(update, new Map([[x, [1, 2, 3]]]));
    expect(scalar(sess, mean)).toBeCloseTo(2, 6);
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, mean)).toBe(0);
    expect(scalar(sess, update, new Map([[x, [10]]]))).toBeCloseTo(10, 6);
  });

  it("memory stays flat over many update and value runs", () => {
    const x = tf.placeholder(tf.float32, [null]);
    const l = tf.placeholder(tf.float32, [null]);
    const [auc, aucUpdate] = tf.metrics.auc(l, x);
    const [acc, accUpdate] = tf.metrics.accuracy(l, x);
    const [miou, miouUpdate] = tf.metrics.meanIou(l, x, 2);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const feeds = new Map<tf.Tensor, unknown>([
      [x, [0, 1, 1, 0]],
      [l, [0, 1, 0, 0]],
    ]);
    const step = (): void => {
      sess.run([aucUpdate, accUpdate, miouUpdate], feeds);
      sess.run([auc, acc, miou]);
    };
    step();
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 40; i++) step();
    expect(tfc.memory().numTensors).toBe(before);
    expect(scalar(sess, acc)).toBeCloseTo(0.75, 6);
  });
});

describe("collections", () => {
  it("metricsCollections gets the value, updatesCollections the update op", () => {
    const [mean, update] = tf.metrics.mean(tf.ones([4, 3]), {
      metricsCollections: ["__metrics__"],
      updatesCollections: ["__updates__"],
    });
    expect(tf.getCollection("__metrics__")).toEqual([mean]);
    expect(tf.getCollection("__updates__")).toEqual([update]);
  });

  it("precisionAtThresholds and recallAtThresholds add in order", () => {
    const [prec] = tf.metrics.precisionAtThresholds({
      labels: tf.ones([10, 1]),
      predictions: tf.ones([10, 1]),
      thresholds: [0, 0.5, 1.0],
      metricsCollections: ["__metrics__"],
    });
    const [rec] = tf.metrics.recallAtThresholds({
      labels: tf.ones([10, 1]),
      predictions: tf.ones([10, 1]),
      thresholds: [0, 0.5, 1.0],
      metricsCollections: ["__metrics__"],
    });
    expect(tf.getCollection("__metrics__")).toEqual([prec, rec]);
  });

  it("the metrics built on others add only their own outputs", () => {
    const [rmse, update] = tf.metrics.rootMeanSquaredError([1, 2], [1, 3], {
      metricsCollections: ["m"],
      updatesCollections: ["u"],
    });
    expect(tf.getCollection("m")).toEqual([rmse]);
    expect(tf.getCollection("u")).toEqual([update]);
    const [p, pu] = tf.metrics.precision([1, 0], [1, 1], {
      metricsCollections: ["pm"],
      updatesCollections: ["pu"],
    });
    expect(tf.getCollection("pm")).toEqual([p]);
    expect(tf.getCollection("pu")).toEqual([pu]);
  });
});

describe("op names", () => {
  it("mean: value and update_op are DivNoNan of the variables and of the AssignAdds", () => {
    const [mean, update] = tf.metrics.mean([1, 2]);
    expect(mean.name).toBe("mean/value:0");
    expect(mean.op.type).toBe("DivNoNan");
    expect(update.name).toBe("mean/update_op:0");
    expect(update.op.inputs[0]?.op.type).toBe("AssignAdd");
    expect(mean.op.inputs.map((t) => t.name)).toEqual(["mean/total/read:0", "mean/Maximum:0"]);
  });

  it("accuracy: the comparison outside the scope, the mean inside", () => {
    const [acc, update] = tf.metrics.accuracy(tf.constant([1, 2]), tf.constant([1, 3]));
    expect([acc.name, update.name]).toEqual(["accuracy/value:0", "accuracy/update_op:0"]);
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(ops).toContain("Equal");
    expect(ops).toContain("accuracy/total");
  });

  it("counts: the value is the variable's Identity (read_var), the update its AssignAdd", () => {
    const [tp, update] = tf.metrics.truePositives([1, 0], [1, 1]);
    expect(tp.name).toBe("true_positives/Identity:0");
    expect(update.name).toBe("true_positives/AssignAdd:0");
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(ops).toContain("true_positives/assert_type/statically_determined_correct_type");
  });

  it("precision, recall, auc, rmse, precision_at_thresholds as TensorFlow names them", () => {
    const [p, pu] = tf.metrics.precision([1, 0], [1, 1]);
    expect([p.name, pu.name, p.op.type]).toEqual([
      "precision/value:0",
      "precision/update_op:0",
      "Select",
    ]);
    const [r] = tf.metrics.recall([1, 0], [1, 1]);
    expect(r.name).toBe("recall/value:0");
    const [a, au] = tf.metrics.auc([1, 0], [0.5, 0.2]);
    expect([a.name, au.name, a.op.type]).toEqual(["auc/value:0", "auc/update_op:0", "Sum"]);
    const [rmse, ru] = tf.metrics.rootMeanSquaredError([1, 0], [1, 1]);
    expect([rmse.name, ru.name]).toEqual(["Sqrt:0", "Sqrt_1:0"]);
    const [pt, ptu] = tf.metrics.precisionAtThresholds([1, 0], [0.5, 0.2], [0.5]);
    expect([pt.name, ptu.name]).toEqual([
      "precision_at_thresholds/precision_value:0",
      "precision_at_thresholds/precision_update_op:0",
    ]);
    const [cd, cdu] = tf.metrics.meanCosineDistance([[1, 0]], [[1, 0]], 1);
    expect([cd.name, cdu.name]).toEqual(["Sub:0", "Sub_1:0"]);
  });
});

describe("mean (MeanTest)", () => {
  it("testBasic and testUpdateOpsReturnsCurrentValue", () => {
    const x = tf.placeholder(tf.float32, [1, 2]);
    const [mean, update] = tf.metrics.mean(x);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const got = stream(
      sess,
      update,
      MEAN_BATCHES.map((b) => new Map([[x, b]])),
    ).map((v) => v[0] as number);
    expectClose(got, [0.5, 1.475, 12.4 / 6.0, 1.65]);
    expect(scalar(sess, mean)).toBeCloseTo(1.65, 5);
  });

  it("testUnweighted: every weights shape of ones gives the plain mean", () => {
    const shapes = [
      [1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 4],
      [1, 1, 4, 1],
      [1, 2, 1],
      [1, 2, 1, 1],
      [1, 2, 4],
      [3, 1, 1, 1],
      [3, 1, 4],
      [3, 2, 1],
      [3, 2, 4],
      [3, 2, 4, 1],
      [3, 2, 4, 1, 1],
    ];
    const v = testValues([3, 2, 4, 1]);
    const results = [
      tf.metrics.mean(v),
      tf.metrics.mean(v, 1.0),
      ...shapes.map((s) => tf.metrics.mean(v, onesOf(s))),
    ];
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    for (const [mean, update] of results) {
      expect(scalar(sess, update)).toBeCloseTo(12.5, 5);
      expect(scalar(sess, mean)).toBeCloseTo(12.5, 5);
    }
  });

  it("the 3-d weighted cases", () => {
    const cases: [number[], number[]][] = [
      [[1, 1, 1], [5]],
      [
        [1, 1, 4],
        [5, 7, 11, 3],
      ],
      [
        [1, 2, 1],
        [5, 11],
      ],
      [
        [1, 2, 4],
        [5, 7, 11, 3, 2, 13, 7, 5],
      ],
      [
        [3, 1, 1],
        [5, 7, 11],
      ],
      [
        [3, 1, 4],
        [5, 7, 11, 3, 2, 12, 7, 5, 2, 17, 11, 3],
      ],
      [
        [3, 2, 4],
        [5, 7, 11, 3, 2, 12, 7, 5, 2, 17, 11, 3, 2, 17, 11, 3, 5, 7, 11, 3, 2, 12, 7, 5],
      ],
    ];
    for (const [shape, w] of cases) {
      tf.resetDefaultGraph();
      // The expected value from the broadcast by hand, as the test's NumPy does.
      const vals = Array.from({ length: 24 }, (_, i) => i + 1);
      const dims = [3, 2, 4];
      let num = 0;
      let den = 0;
      vals.forEach((v, i) => {
        const idx = [Math.floor(i / 8), Math.floor(i / 4) % 2, i % 4];
        const wi = idx.reduce(
          (acc, d, k) => acc * (shape[k] as number) + ((shape[k] as number) === 1 ? 0 : d),
          0,
        );
        num += v * (w[wi] as number);
        den += w[wi] as number;
        void dims;
      });
      const [mean, update] = tf.metrics.mean(
        testValues([3, 2, 4]),
        tf.reshape(tf.constant(w), shape),
      );
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      expect(scalar(sess, update)).toBeCloseTo(num / den, 4);
      expect(scalar(sess, mean)).toBeCloseTo(num / den, 4);
    }
  });

  it("testInvalidWeights: ValueError when building, an op error when the shapes are known only at run time", () => {
    // As in TensorFlow's test, each tuple is the weights themselves (a vector of its length).
    const invalid = [
      [1],
      [1, 1],
      [3, 2],
      [2, 4, 1],
      [4, 2, 4, 1],
      [3, 3, 4, 1],
      [3, 2, 5, 1],
      [3, 2, 4, 2],
      [1, 1, 1, 1, 1],
    ];
    const data = Array.from({ length: 3 }, (_, a) =>
      Array.from({ length: 2 }, (_, b) =>
        Array.from({ length: 4 }, (_, c) => [a * 8 + b * 4 + c + 1]),
      ),
    );
    for (const weights of invalid) {
      tf.resetDefaultGraph();
      const v = testValues([3, 2, 4, 1]);
      const w = tf.constant(weights);
      const opsBefore = tf.getDefaultGraph().getOperations().length;
      expect(() => tf.metrics.mean(v, w)).toThrow(/weights can not be broadcast to values/);
      expect(tf.getDefaultGraph().getOperations().length).toBe(opsBefore);
      expect(tf.localVariables()).toEqual([]);

      tf.resetDefaultGraph();
      const x = tf.placeholder(tf.float32);
      const [, update] = tf.metrics.mean(x, tf.constant(weights));
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      expect(() => sess.run(update, new Map([[x, data]]))).toThrow(
        /weights can not be broadcast to values/,
      );
    }
  });
});

describe("meanTensor (MeanTensorTest)", () => {
  it("testBasic and testUpdateOpsReturnsCurrentValue", () => {
    const x = tf.placeholder(tf.float32, [1, 2]);
    const [mean, update] = tf.metrics.meanTensor(x);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const got = stream(
      sess,
      update,
      MEAN_BATCHES.map((b) => new Map([[x, b]])),
    );
    expectClose(got.flat(), [0, 1, -2.1, 5.05, 2.3 / 3, 10.1 / 3, -0.9 / 4, 3.525]);
    expectClose(values(sess, mean), [-0.9 / 4, 3.525]);
  });

  it("testMultiDimensional", () => {
    const x = tf.placeholder(tf.float32, [2, 2, 2]);
    const [mean, update] = tf.metrics.meanTensor(x);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run(
      update,
      new Map([
        [
          x,
          [
            [
              [1, 2],
              [1, 2],
            ],
            [
              [1, 2],
              [1, 2],
            ],
          ],
        ],
      ]),
    );
    sess.run(
      update,
      new Map([
        [
          x,
          [
            [
              [1, 2],
              [1, 2],
            ],
            [
              [3, 4],
              [9, 10],
            ],
          ],
        ],
      ]),
    );
    expectClose(values(sess, mean), [1, 2, 1, 2, 2, 3, 5, 6]);
  });

  it("testBinaryWeighted1d, testWeighted1d, testWeighted2d_1, testWeighted2d_2", () => {
    const cases: [number[][][], number[]][] = [
      [
        [[[1]], [[0]], [[1]], [[0]]],
        [3.25, 0.5],
      ],
      [
        [[[0.0025]], [[0.005]], [[0.01]], [[0.0075]]],
        // TF's test writes [0.8, 3.52], passing only by its rtol of 5: the weighted mean is 3.12.
        [0.8, 3.12],
      ],
      [
        [[[1, 1]], [[1, 0]], [[0, 1]], [[0, 0]]],
        [-2.1, 0.5],
      ],
      [
        [[[0, 1]], [[0, 0]], [[0, 1]], [[0, 0]]],
        [0, 0.5],
      ],
    ];
    for (const [weights, want] of cases) {
      tf.resetDefaultGraph();
      const wShape = [1, (weights[0]?.[0] as number[]).length];
      const x = tf.placeholder(tf.float32, [1, 2]);
      const w = tf.placeholder(tf.float32, wShape);
      const [mean, update] = tf.metrics.meanTensor(x, w);
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      MEAN_BATCHES.forEach((b, i) =>
        sess.run(
          update,
          new Map<tf.Tensor, unknown>([
            [x, b],
            [w, weights[i]],
          ]),
        ),
      );
      expectClose(values(sess, mean), want, 4);
    }
  });
});

describe("accuracy (AccuracyTest)", () => {
  const PREDS = [[[0]], [[1]], [[2]], [[1]]];
  const LABELS = [[[0]], [[1]], [[1]], [[2]]];

  it("testMultipleUpdates", () => {
    const p = tf.placeholder(tf.float32, [1, 1]);
    const l = tf.placeholder(tf.float32, [1, 1]);
    const [acc, update] = tf.metrics.accuracy(l, p);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const got = PREDS.map((pv, i) =>
      scalar(
        sess,
        update,
        new Map([
          [p, pv],
          [l, LABELS[i]],
        ]),
      ),
    );
    expect(got[3]).toBe(0.5);
    expect(scalar(sess, acc)).toBe(0.5);
  });

  it("testMultipleUpdatesWithWeightedValues", () => {
    const p = tf.placeholder(tf.float32, [1, 1]);
    const l = tf.placeholder(tf.float32, [1, 1]);
    const w = tf.placeholder(tf.int64, [1, 1]);
    const [acc, update] = tf.metrics.accuracy(l, p, w);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const ws = [[[1]], [[1]], [[0]], [[0]]];
    const got = PREDS.map((pv, i) =>
      scalar(
        sess,
        update,
        new Map<tf.Tensor, unknown>([
          [p, pv],
          [l, LABELS[i]],
          [w, ws[i]],
        ]),
      ),
    );
    expect(got[3]).toBe(1.0);
    expect(scalar(sess, acc)).toBe(1.0);
  });

  it("testEffectivelyEquivalentSizes (with and without a scalar weight)", () => {
    const [acc, update] = tf.metrics.accuracy(tf.ones([40]), tf.ones([40, 1]));
    const [acc2, update2] = tf.metrics.accuracy(tf.ones([40]), tf.ones([40, 1]), 2.0);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect([scalar(sess, update), scalar(sess, acc)]).toEqual([1, 1]);
    expect([scalar(sess, update2), scalar(sess, acc2)]).toEqual([1, 1]);
  });

  it("testEffectivelyEquivalentSizesWithStaticShapedWeight: the weights lose their trailing 1", () => {
    const predictions = tf.constant([1, 1, 1]);
    const labels = tf.expandDims(tf.constant([1, 0, 0]), 1);
    const weights = tf.expandDims(tf.constant([100, 1, 1]), 1);
    const [acc, update] = tf.metrics.accuracy(labels, predictions, weights);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, update)).toBeGreaterThan(0.95);
    expect(scalar(sess, acc)).toBeGreaterThan(0.95);
  });

  it("shape mismatches are ValueErrors, with the graph unchanged", () => {
    const g = tf.getDefaultGraph();
    const p = tf.ones([10, 3]);
    const l = tf.ones([10, 4]);
    const n = g.getOperations().length;
    expect(() => tf.metrics.accuracy(l, p)).toThrow(tf.errors.ValueError);
    expect(() => tf.metrics.accuracy(l, p)).toThrow("Shapes (10, 3) and (10, 4) are incompatible");
    expect(g.getOperations().length).toBe(n);
    const w = tf.ones([9, 3]);
    const l3 = tf.ones([10, 3]);
    const m = g.getOperations().length;
    expect(() => tf.metrics.accuracy(l3, p, w)).toThrow(tf.errors.ValueError);
    expect(g.getOperations().length).toBe(m);
    expect(tf.localVariables()).toEqual([]);
  });
});

describe("precision and recall (PrecisionTest, RecallTest)", () => {
  const P = [
    [1, 0, 1, 0],
    [1, 0, 1, 0],
  ];
  const L = [
    [0, 1, 1, 0],
    [1, 0, 0, 1],
  ];

  it("testSomeCorrect_multipleInputDtypes", () => {
    for (const dtype of [tf.bool, tf.int32, tf.float32]) {
      tf.resetDefaultGraph();
      const p = tf.cast(tf.constant([[1, 0, 1, 0]]), dtype);
      const l = tf.cast(tf.constant([[0, 1, 1, 0]]), dtype);
      const [prec, pu] = tf.metrics.precision(l, p);
      const [rec, ru] = tf.metrics.recall(l, p);
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      expect(scalar(sess, pu)).toBeCloseTo(0.5, 6);
      expect(scalar(sess, prec)).toBeCloseTo(0.5, 6);
      expect(scalar(sess, ru)).toBeCloseTo(0.5, 6);
      expect(scalar(sess, rec)).toBeCloseTo(0.5, 6);
    }
  });

  it("precision testWeighted1d, testWeightedScalar, testWeighted2d, with placeholders", () => {
    const p = tf.placeholder(tf.float32);
    const l = tf.placeholder(tf.float32);
    const [p1, u1] = tf.metrics.precision(l, p, tf.constant([[2], [5]]));
    const [p2, u2] = tf.metrics.precision(l, p, 2);
    const [p3, u3] = tf.metrics.precision(
      l,
      p,
      tf.constant([
        [1, 2, 3, 4],
        [4, 3, 2, 1],
      ]),
    );
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const feeds = new Map<tf.Tensor, unknown>([
      [p, P],
      [l, L],
    ]);
    expect(scalar(sess, u1, feeds)).toBeCloseTo(7 / 14, 6);
    expect(scalar(sess, p1)).toBeCloseTo(7 / 14, 6);
    expect(scalar(sess, u2, feeds)).toBeCloseTo(4 / 8, 6);
    expect(scalar(sess, p2)).toBeCloseTo(4 / 8, 6);
    expect(scalar(sess, u3, feeds)).toBeCloseTo(7 / 10, 6);
    expect(scalar(sess, p3)).toBeCloseTo(7 / 10, 6);
  });

  it("recall testWeighted1d and testWeighted2d", () => {
    const p = tf.constant([
      [1, 0, 1, 0],
      [0, 1, 0, 1],
    ]);
    const l = tf.constant(L);
    const [r1, u1] = tf.metrics.recall(l, p, tf.constant([[2], [5]]));
    const [r2, u2] = tf.metrics.recall(
      l,
      p,
      tf.constant([
        [1, 2, 3, 4],
        [4, 3, 2, 1],
      ]),
    );
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, u1)).toBeCloseTo(7 / 14, 6);
    expect(scalar(sess, r1)).toBeCloseTo(7 / 14, 6);
    expect(scalar(sess, u2)).toBeCloseTo(4 / 10, 6);
    expect(scalar(sess, r2)).toBeCloseTo(4 / 10, 6);
  });

  it("zero true and false positives give zero precision; zero positives zero recall", () => {
    const [prec, pu] = tf.metrics.precision(tf.constant([0, 0, 0, 0]), tf.constant([0, 0, 0, 0]));
    const [rec, ru] = tf.metrics.recall(tf.zeros([1, 4]), tf.zeros([1, 4]));
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run([pu, ru]);
    expect(scalar(sess, prec)).toBe(0);
    expect(scalar(sess, rec)).toBe(0);
  });

  it("testValueTensorIsIdempotent over streamed batches", () => {
    const p = tf.placeholder(tf.float32, [null]);
    const l = tf.placeholder(tf.float32, [null]);
    const [prec, update] = tf.metrics.precision(l, p);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    // tp 1, fp 1; tp 1, fp 0; tp 0, fp 2.
    const batches = [
      [
        [1, 1, 0],
        [1, 0, 0],
      ],
      [
        [1, 0],
        [1, 1],
      ],
      [
        [1, 1],
        [0, 0],
      ],
    ];
    const got = batches.map(([pv, lv]) =>
      scalar(
        sess,
        update,
        new Map([
          [p, pv],
          [l, lv],
        ]),
      ),
    );
    expectClose(got, [1 / 2, 2 / 3, 2 / 5], 6);
    const first = scalar(sess, prec);
    for (let i = 0; i < 5; i++) expect(scalar(sess, prec)).toBe(first);
  });
});

describe("true/false positives/negatives (FalseNegativesTest and its kin)", () => {
  const L = [
    [0, 1, 0, 1, 0],
    [0, 0, 1, 1, 1],
    [1, 1, 1, 1, 0],
    [0, 0, 0, 0, 1],
  ];
  const P = [
    [0, 0, 1, 1, 0],
    [1, 1, 1, 1, 1],
    [0, 1, 0, 1, 0],
    [1, 1, 1, 1, 1],
  ];
  const W = [1, 1.5, 2, 2.5];

  it("unweighted and weighted (per-row weights gain a trailing dim)", () => {
    const cases: [typeof tf.metrics.falseNegatives, number, number][] = [
      [tf.metrics.falseNegatives, 3, 5],
      [tf.metrics.falsePositives, 7, 14],
      [tf.metrics.trueNegatives, 3, 4],
      [tf.metrics.truePositives, 7, 12],
    ];
    for (const [fn, unweighted, weighted] of cases) {
      tf.resetDefaultGraph();
      const [v, u] = fn(tf.constant(L), tf.constant(P));
      const [wv, wu] = fn({
        labels: tf.constant(L),
        predictions: tf.constant(P),
        weights: tf.constant(W),
      });
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      expect(scalar(sess, v)).toBe(0);
      expect(scalar(sess, u)).toBeCloseTo(unweighted, 6);
      expect(scalar(sess, v)).toBeCloseTo(unweighted, 6);
      expect(scalar(sess, wu)).toBeCloseTo(weighted, 6);
      expect(scalar(sess, wv)).toBeCloseTo(weighted, 6);
    }
  });

  it("weights of a rank neither 0 nor the values' are refused when building", () => {
    expect(() => tf.metrics.truePositives([[1, 0]], [[1, 1]], tf.ones([1, 2, 1, 1]))).toThrow(
      tf.errors.ValueError,
    );
  });

  it("at thresholds: FalseNegativesAtThresholdsTest and its kin", () => {
    const predictions = [
      [0.9, 0.2, 0.8, 0.1],
      [0.2, 0.9, 0.7, 0.6],
      [0.1, 0.2, 0.4, 0.3],
    ];
    const labels = [
      [0, 1, 1, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    const thresholds = [0.15, 0.5, 0.85];
    const cases: [typeof tf.metrics.falseNegativesAtThresholds, number[], number[]][] = [
      [tf.metrics.falseNegativesAtThresholds, [0, 2, 3], [0, 3, 6]],
      [tf.metrics.falsePositivesAtThresholds, [7, 4, 2], [7.5, 3, 1]],
      [tf.metrics.trueNegativesAtThresholds, [2, 5, 7], [6.5, 11, 13]],
      [tf.metrics.truePositivesAtThresholds, [3, 1, 0], [6, 3, 0]],
    ];
    for (const [fn, want, wantWeighted] of cases) {
      tf.resetDefaultGraph();
      const [v, u] = fn(tf.constant(labels), tf.constant(predictions), thresholds);
      const [wv, wu] = fn(
        tf.constant(labels),
        tf.constant(predictions),
        thresholds,
        tf.constant([
          [0.0, 2.0, 3.0, 5.0],
          [1.0, 1.0, 1.0, 1.0],
          [1.5, 1.5, 1.5, 1.5],
        ]),
      );
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      expectClose(values(sess, v), [0, 0, 0]);
      expectClose(values(sess, u), want);
      expectClose(values(sess, v), want);
      expectClose(values(sess, wu), wantWeighted);
      expectClose(values(sess, wv), wantWeighted);
    }
  });
});

describe("precision and recall at thresholds (PrecisionRecallThresholdsTest)", () => {
  it("testSomeCorrect_multipleLabelDtypes", () => {
    for (const dtype of [tf.bool, tf.int32, tf.float32]) {
      tf.resetDefaultGraph();
      const p = tf.constant([[1, 0, 1, 0]]);
      const l = tf.cast(tf.constant([[0, 1, 1, 0]]), dtype);
      const [prec, pu] = tf.metrics.precisionAtThresholds(l, p, [0.5]);
      const [rec, ru] = tf.metrics.recallAtThresholds(l, p, [0.5]);
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      sess.run([pu, ru]);
      expectClose(values(sess, prec), [0.5], 6);
      expectClose(values(sess, rec), [0.5], 6);
    }
  });

  it("testWeights1d and testWeights2d", () => {
    const p = tf.constant([
      [1, 0],
      [1, 0],
    ]);
    const l = tf.constant([
      [0, 1],
      [1, 0],
    ]);
    for (const w of [
      tf.constant([[0], [1]]),
      tf.constant([
        [0, 0],
        [1, 1],
      ]),
    ]) {
      const [prec, pu] = tf.metrics.precisionAtThresholds(l, p, [0.5, 1.1], w);
      const [rec, ru] = tf.metrics.recallAtThresholds(l, p, [0.5, 1.1], w);
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      sess.run([pu, ru]);
      expectClose(values(sess, prec), [1, 0]);
      expectClose(values(sess, rec), [1, 0]);
    }
  });

  it("testExtremeThresholds and testZeroLabelsPredictions", () => {
    const [prec, pu] = tf.metrics.precisionAtThresholds(
      tf.constant([[0, 1, 1, 1]]),
      tf.constant([[1, 0, 1, 0]]),
      [-1.0, 2.0],
    );
    const [rec, ru] = tf.metrics.recallAtThresholds(
      tf.constant([[0, 1, 1, 1]]),
      tf.constant([[1, 0, 1, 0]]),
      [-1.0, 2.0],
    );
    const [zp, zpu] = tf.metrics.precisionAtThresholds(tf.zeros([4]), tf.zeros([4]), [0.5]);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run([pu, ru, zpu]);
    expectClose(values(sess, prec), [0.75, 0]);
    expectClose(values(sess, rec), [1, 0]);
    expectClose(values(sess, zp), [0], 6);
  });

  it("predictions outside [0, 1] fail the update at run time", () => {
    const p = tf.placeholder(tf.float32, [2]);
    const [, update] = tf.metrics.precisionAtThresholds([1, 0], p, [0.5]);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(() => sess.run(update, new Map([[p, [0.5, 1.5]]]))).toThrow(
      /predictions must be in \[0, 1\]/,
    );
    // tp 1 (0.7 > 0.5, label 1), fp 0: 1 / (1 + 1e-7).
    expectClose(values(sess, update, new Map([[p, [0.7, 0.2]]])), [1]);
  });
});

describe("auc (AUCTest)", () => {
  it("testSomeCorrect_multipleLabelDtypes, testWeighted1d, testWeighted2d", () => {
    const p = tf.constant([[1, 0, 1, 0]]);
    const results: [tf.Tensor, tf.Tensor, number][] = [];
    for (const dtype of [tf.bool, tf.int32, tf.float32]) {
      const [a, u] = tf.metrics.auc(tf.cast(tf.constant([[0, 1, 1, 0]]), dtype), p);
      results.push([a, u, 0.5]);
    }
    const l = tf.constant([[0, 1, 1, 0]]);
    const [a1, u1] = tf.metrics.auc(l, p, tf.constant([[2]]));
    const [a2, u2] = tf.metrics.auc(l, p, tf.constant([[1, 2, 3, 4]]));
    results.push([a1, u1, 0.5], [a2, u2, 0.7]);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    for (const [a, u, want] of results) {
      expect(scalar(sess, u)).toBeCloseTo(want, 5);
      expect(scalar(sess, a)).toBeCloseTo(want, 5);
    }
  });

  it("testManualThresholds", () => {
    const p = tf.constant([[0.12, 0.3001, 0.3003, 0.72]]);
    const l = tf.constant([[0, 1, 0, 1]]);
    const w = tf.constant([[1, 1, 1, 1]]);
    const [da, du] = tf.metrics.auc(l, p, w);
    const [ma, mu] = tf.metrics.auc({
      labels: l,
      predictions: p,
      weights: w,
      thresholds: [0.0, 0.2, 0.3002, 0.6, 1.0],
    });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, du)).toBeCloseTo(0.875, 3);
    expect(scalar(sess, da)).toBeCloseTo(0.875, 3);
    expect(scalar(sess, mu)).toBeCloseTo(0.75, 3);
    expect(scalar(sess, ma)).toBeCloseTo(0.75, 3);
  });

  it("the AUC-PR special cases, careful_interpolation and trapezoidal", () => {
    const cases: [number[], number[], number, number][] = [
      [[0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 1 - Math.log(1.5) / 2, 0.79166],
      [
        [0.1, 0.4, 0.35, 0.8, 0.1, 0.135, 0.81],
        [0, 0, 1, 0, 1, 0, 1],
        (2.5 - 2 * Math.log(4 / 3) - 0.25 * Math.log(7 / 5)) / 3,
        0.610317,
      ],
      [
        [0.0, 0.1, 0.2, 0.33, 0.3, 0.4, 0.5],
        [0, 0, 0, 0, 1, 1, 1],
        1 - Math.log(4 / 3) / 3,
        0.90277,
      ],
    ];
    for (const [p, l, careful, trapezoidal] of cases) {
      tf.resetDefaultGraph();
      const [ca, cu] = tf.metrics.auc({
        labels: tf.constant([l]),
        predictions: tf.constant([p]),
        curve: "PR",
        summationMethod: "careful_interpolation",
      });
      const [ta, tu] = tf.metrics.auc({
        labels: tf.constant([l]),
        predictions: tf.constant([p]),
        curve: "PR",
      });
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      expect(Math.abs(scalar(sess, cu) - careful)).toBeLessThan(1e-3);
      expect(Math.abs(scalar(sess, ca) - careful)).toBeLessThan(1e-3);
      expect(Math.abs(scalar(sess, tu) - trapezoidal)).toBeLessThan(1e-3);
      expect(Math.abs(scalar(sess, ta) - trapezoidal)).toBeLessThan(1e-3);
    }
  });

  it("minoring and majoring bound the trapezoidal ROC area", () => {
    // ROC points (1, 1), (0.5, 0.5), (0, 0): trapezoids 0.5, lower 0.25, upper 0.75.
    const p = tf.constant([[1, 0, 1, 0]]);
    const l = tf.constant([[0, 1, 1, 0]]);
    const [, mu] = tf.metrics.auc({ labels: l, predictions: p, summationMethod: "minoring" });
    const [, xu] = tf.metrics.auc({ labels: l, predictions: p, summationMethod: "majoring" });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, mu)).toBeCloseTo(0.25, 5);
    expect(scalar(sess, xu)).toBeCloseTo(0.75, 5);
  });

  it("all incorrect gives 0, no positives gives 1, PR all ones gives 1", () => {
    const inputs = [0, 1, 1, 0, 1, 0, 0, 1];
    const [a0, u0] = tf.metrics.auc(tf.constant(inputs.map((x) => 1 - x)), tf.constant(inputs));
    const [a1, u1] = tf.metrics.auc(tf.zeros([4]), tf.zeros([4]));
    const [a2, u2] = tf.metrics.auc({
      labels: tf.ones([4]),
      predictions: tf.ones([4]),
      curve: "PR",
    });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run([u0, u1, u2]);
    expect(scalar(sess, a0)).toBeCloseTo(0, 6);
    expect(scalar(sess, a1)).toBeCloseTo(1, 6);
    expect(scalar(sess, a2)).toBeCloseTo(1, 6);
  });

  it("streams over batches: the area of all the data seen", () => {
    const p = tf.placeholder(tf.float32, [null]);
    const l = tf.placeholder(tf.float32, [null]);
    const [auc, update] = tf.metrics.auc({ labels: l, predictions: p, numThresholds: 500 });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    // Every positive above every negative but one: AUC = 1 - 1/(4·4).
    sess.run(
      update,
      new Map([
        [p, [0.9, 0.1, 0.8]],
        [l, [1, 0, 1]],
      ]),
    );
    sess.run(
      update,
      new Map([
        [p, [0.2, 0.7, 0.75, 0.3]],
        [l, [0, 1, 0, 0]],
      ]),
    );
    sess.run(
      update,
      new Map([
        [p, [0.95]],
        [l, [1]],
      ]),
    );
    expect(scalar(sess, auc)).toBeCloseTo(1 - 1 / 16, 3);
  });

  it("refuses an unknown curve or summation method", () => {
    expect(() => tf.metrics.auc({ labels: [1], predictions: [1], curve: "XY" })).toThrow(
      "curve must be either ROC or PR, XY unknown",
    );
    expect(() =>
      tf.metrics.auc({ labels: [1], predictions: [1], summationMethod: "simpson" }),
    ).toThrow("Invalid summation_method: simpson");
    expect(tf.localVariables()).toEqual([]);
  });
});

describe("sensitivity and specificity (SpecificityAtSensitivityTest, SensitivityAtSpecificityTest)", () => {
  const LABELS = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];

  it("specificityAtSensitivity: high, low, weighted", () => {
    const [s1, u1] = tf.metrics.specificityAtSensitivity(
      tf.constant(LABELS),
      tf.constant([0.1, 0.2, 0.4, 0.3, 0.0, 0.1, 0.45, 0.5, 0.8, 0.9]),
      0.8,
    );
    const low = tf.constant([0.1, 0.2, 0.4, 0.3, 0.0, 0.1, 0.2, 0.2, 0.26, 0.26]);
    const [s2, u2] = tf.metrics.specificityAtSensitivity(tf.constant(LABELS), low, 0.4);
    const [s3, u3] = tf.metrics.specificityAtSensitivity({
      labels: tf.cast(tf.constant(LABELS), tf.bool),
      predictions: low,
      weights: tf.constant([3]),
      sensitivity: 0.4,
    });
    const [s4, u4] = tf.metrics.specificityAtSensitivity({
      labels: tf.constant(LABELS),
      predictions: low,
      weights: tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      sensitivity: 0.4,
    });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const want: [tf.Tensor, tf.Tensor, number][] = [
      [s1, u1, 1.0],
      [s2, u2, 0.6],
      [s3, u3, 0.6],
      [s4, u4, 8 / 15],
    ];
    for (const [s, u, w] of want) {
      expect(scalar(sess, u)).toBeCloseTo(w, 5);
      expect(scalar(sess, s)).toBeCloseTo(w, 5);
    }
  });

  it("sensitivityAtSpecificity: high, low, weighted", () => {
    const [s1, u1] = tf.metrics.sensitivityAtSpecificity(
      tf.constant(LABELS),
      tf.constant([0.0, 0.1, 0.2, 0.3, 0.4, 0.1, 0.45, 0.5, 0.8, 0.9]),
      0.8,
    );
    const low = tf.constant([0.0, 0.1, 0.2, 0.3, 0.4, 0.01, 0.02, 0.25, 0.26, 0.26]);
    const [s2, u2] = tf.metrics.sensitivityAtSpecificity(tf.constant(LABELS), low, 0.4);
    const [s3, u3] = tf.metrics.sensitivityAtSpecificity({
      labels: tf.constant(LABELS),
      predictions: low,
      weights: tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      specificity: 0.4,
    });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const want: [tf.Tensor, tf.Tensor, number][] = [
      [s1, u1, 0.8],
      [s2, u2, 0.6],
      [s3, u3, 0.675],
    ];
    for (const [s, u, w] of want) {
      expect(scalar(sess, u)).toBeCloseTo(w, 5);
      expect(scalar(sess, s)).toBeCloseTo(w, 5);
    }
  });

  it("refuses a sensitivity or specificity outside [0, 1]", () => {
    expect(() => tf.metrics.specificityAtSensitivity([1], [1], 1.5)).toThrow(
      "`sensitivity` must be in the range [0, 1].",
    );
    expect(() => tf.metrics.sensitivityAtSpecificity([1], [1], -0.1)).toThrow(
      "`specificity` must be in the range [0, 1].",
    );
  });
});

describe("regression metrics", () => {
  const P = [[2, 4, 6, 8]];
  const L = [[1, 3, 2, 3]];
  const W = [[0, 1, 0, 1]];

  it("meanAbsoluteError, meanSquaredError and rootMeanSquaredError, weighted", () => {
    const [mae, maeU] = tf.metrics.meanAbsoluteError(
      tf.constant(L),
      tf.constant(P),
      tf.constant(W),
    );
    const [mse, mseU] = tf.metrics.meanSquaredError(tf.constant(L), tf.constant(P), tf.constant(W));
    const [rmse, rmseU] = tf.metrics.rootMeanSquaredError(
      tf.constant([[2, 4, 6]]),
      tf.constant([[1, 3, 2]]),
    );
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, maeU)).toBeCloseTo(3, 5);
    expect(scalar(sess, mae)).toBeCloseTo(3, 5);
    expect(scalar(sess, mseU)).toBeCloseTo(13, 5);
    expect(scalar(sess, mse)).toBeCloseTo(13, 5);
    expect(scalar(sess, rmseU)).toBeCloseTo(Math.sqrt(6), 5);
    expect(scalar(sess, rmse)).toBeCloseTo(Math.sqrt(6), 5);
  });

  it("meanSquaredError streams over batches", () => {
    const p = tf.placeholder(tf.float32, [1, 3]);
    const l = tf.placeholder(tf.float32, [1, 3]);
    const [mse, update] = tf.metrics.meanSquaredError(l, p);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const got = [
      scalar(
        sess,
        update,
        new Map([
          [p, [[0, 0, 0]]],
          [l, [[0, 0, 0]]],
        ]),
      ),
      scalar(
        sess,
        update,
        new Map([
          [p, [[0, 0, 0]]],
          [l, [[0, 1, 0]]],
        ]),
      ),
      scalar(
        sess,
        update,
        new Map([
          [p, [[0, 0, 0]]],
          [l, [[1, 1, 1]]],
        ]),
      ),
    ];
    expectClose(got, [0, 1 / 6, 4 / 9]);
    expect(scalar(sess, mse)).toBeCloseTo(4 / 9, 6);
  });

  it("meanRelativeError normalized by the labels, and by zeros", () => {
    const [mre, u] = tf.metrics.meanRelativeError(tf.constant(L), tf.constant(P), tf.constant(L));
    const [mre0, u0] = tf.metrics.meanRelativeError(
      tf.constant(L),
      tf.constant(P),
      tf.zerosLike(tf.constant(L)),
    );
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, u)).toBeCloseTo((1 + 1 / 3 + 2 + 5 / 3) / 4, 5);
    expect(scalar(sess, mre)).toBeCloseTo((1 + 1 / 3 + 2 + 5 / 3) / 4, 5);
    expect(scalar(sess, u0)).toBe(0);
    expect(scalar(sess, mre0)).toBe(0);
  });

  it("meanCosineDistance: 1 - mean of the dot products along dim", () => {
    const labels = tf.constant([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    const predictions = tf.constant([
      [1, 0, 0],
      [0, 0, -1],
      [1, 0, 0],
    ]);
    const [cd, u] = tf.metrics.meanCosineDistance(labels, predictions, 1);
    const [wcd, wu] = tf.metrics.meanCosineDistance({
      labels,
      predictions,
      dim: 1,
      weights: tf.constant([[1], [0], [0]]),
    });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(scalar(sess, u)).toBeCloseTo(1, 5);
    expect(scalar(sess, cd)).toBeCloseTo(1, 5);
    expect(scalar(sess, wu)).toBeCloseTo(0, 5);
    expect(scalar(sess, wcd)).toBeCloseTo(0, 5);
  });

  it("percentageBelow at several thresholds", () => {
    const v = tf.constant([2, 4, 6, 8]);
    const results = [100, 7, 1].map((t) =>
      tf.metrics.percentageBelow({ values: v, threshold: t, name: `below_${t}` }),
    );
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expectClose(
      results.map(([, u]) => scalar(sess, u)),
      [1, 0.75, 0],
    );
    expect(results[0]?.[0].name).toBe("below_100/value:0");
  });
});

describe("per-class metrics (MeanIOUTest, MeanPerClassAccuracyTest)", () => {
  function concatConst(parts: [number, number][]): tf.Tensor {
    return tf.constant(parts.flatMap(([v, n]) => Array.from({ length: n }, () => v)));
  }

  it("meanIou testResultsWithSomeMissing", () => {
    const predictions = concatConst([
      [0, 5],
      [1, 5],
    ]);
    const labels = concatConst([
      [0, 3],
      [1, 7],
    ]);
    const weights = concatConst([
      [0, 1],
      [1, 8],
      [0, 1],
    ]);
    const [miou, update] = tf.metrics.meanIou(labels, predictions, 2, weights);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(values(sess, update)).toEqual([2, 0, 2, 4]);
    expect(scalar(sess, miou)).toBeCloseTo((2 / 4 + 4 / 6) / 2, 6);
  });

  it("meanIou with classes missing from the labels or from everything", () => {
    const labels = tf.constant([
      [
        [0, 0, 1, 1, 0, 0],
        [1, 0, 0, 0, 0, 1],
      ],
      [
        [1, 1, 1, 1, 1, 1],
        [0, 0, 0, 0, 0, 0],
      ],
    ]);
    const predictions = tf.constant([
      [
        [0, 0, 2, 1, 1, 0],
        [0, 1, 2, 2, 0, 1],
      ],
      [
        [0, 0, 2, 1, 1, 1],
        [1, 1, 2, 0, 0, 0],
      ],
    ]);
    const large = tf.constant([
      [
        [0, 0, 1, 1, 0, 0],
        [1, 1, 0, 0, 1, 1],
      ],
      [
        [0, 0, 0, 1, 1, 1],
        [1, 1, 1, 0, 0, 0],
      ],
    ]);
    const [m1, u1] = tf.metrics.meanIou(labels, predictions, 3);
    const [m2, u2] = tf.metrics.meanIou(tf.constant([0]), tf.constant([0]), 2);
    const [m3, u3] = tf.metrics.meanIou(labels, large, 3);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(values(sess, u1)).toEqual([7, 4, 3, 3, 5, 2, 0, 0, 0]);
    expect(scalar(sess, m1)).toBeCloseTo((1 / 3) * (7 / 17 + 5 / 14 + 0 / 5), 6);
    expect(values(sess, u2)).toEqual([1, 0, 0, 0]);
    expect(scalar(sess, m2)).toBeCloseTo(1, 6);
    expect(values(sess, u3)).toEqual([9, 5, 0, 3, 7, 0, 0, 0, 0]);
    expect(scalar(sess, m3)).toBeCloseTo(0.5 * (9 / 17 + 7 / 15), 6);
  });

  it("meanIou streams a confusion matrix, and checks the classes at run time", () => {
    const p = tf.placeholder(tf.int32, [null]);
    const l = tf.placeholder(tf.int32, [null]);
    const [miou, update] = tf.metrics.meanIou(l, p, 2);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run(
      update,
      new Map([
        [p, [0, 1]],
        [l, [0, 0]],
      ]),
    );
    sess.run(
      update,
      new Map([
        [p, [1]],
        [l, [1]],
      ]),
    );
    expect(scalar(sess, miou)).toBeCloseTo((1 / 2 + 1 / 2) / 2, 6);
    expect(() =>
      sess.run(
        update,
        new Map([
          [p, [2]],
          [l, [1]],
        ]),
      ),
    ).toThrow(/`predictions` out of bound/);
    expect(() =>
      sess.run(
        update,
        new Map([
          [p, [1]],
          [l, [-1]],
        ]),
      ),
    ).toThrow(/`labels` contains negative values/);
  });

  it("meanPerClassAccuracy testMultipleUpdatesWithWeights and testResultsWithSomeMissing", () => {
    const p = tf.placeholder(tf.int32, [1, 1]);
    const l = tf.placeholder(tf.int32, [1, 1]);
    const w = tf.placeholder(tf.float32, [1, 1]);
    const [acc, update] = tf.metrics.meanPerClassAccuracy(l, p, 2, w);
    const preds = [0, 1, 0, 1, 0, 1];
    const labels = [0, 1, 1, 0, 0, 1];
    const weights = [1.0, 0.5, 1.0, 0.0, 1.0, 0.0];
    const [acc2, update2] = tf.metrics.meanPerClassAccuracy(
      concatConst([
        [0, 3],
        [1, 7],
      ]),
      concatConst([
        [0, 5],
        [1, 5],
      ]),
      2,
      concatConst([
        [0, 1],
        [1, 8],
        [0, 1],
      ]),
    );
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    preds.forEach((pv, i) =>
      sess.run(
        update,
        new Map<tf.Tensor, unknown>([
          [p, [[pv]]],
          [l, [[labels[i]]]],
          [w, [[weights[i]]]],
        ]),
      ),
    );
    expect(scalar(sess, acc)).toBeCloseTo((2 / 2 + 0.5 / 1.5) / 2, 6);
    expectClose(values(sess, update2), [1, 4 / 6], 6);
    expect(scalar(sess, acc2)).toBeCloseTo((1 + 4 / 6) / 2, 6);
  });

  it("meanPerClassAccuracy with a class never seen, all correct and all wrong", () => {
    const [a1, u1] = tf.metrics.meanPerClassAccuracy(
      tf.constant([0, 1, 1, 0, 1]),
      tf.constant([0, 1, 1, 1, 0]),
      3,
    );
    const [a2, u2] = tf.metrics.meanPerClassAccuracy(tf.zeros([40]), tf.zeros([40]), 1);
    const [a3, u3] = tf.metrics.meanPerClassAccuracy(tf.ones([40]), tf.zeros([40]), 2);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run(u1);
    expect(scalar(sess, a1)).toBeCloseTo((1 / 2 + 2 / 3 + 0) / 3, 6);
    expect(values(sess, u2)).toEqual([1]);
    expect(scalar(sess, a2)).toBe(1);
    expect(values(sess, u3)).toEqual([0, 0]);
    expect(scalar(sess, a3)).toBe(0);
  });

  it("labels and predictions of different sizes are ValueErrors", () => {
    expect(() => tf.metrics.meanPerClassAccuracy(tf.ones([10, 4]), tf.ones([10, 3]), 2)).toThrow(
      tf.errors.ValueError,
    );
    expect(() => tf.metrics.meanIou(tf.ones([10, 4]), tf.ones([10, 3]), 2)).toThrow(
      tf.errors.ValueError,
    );
    expect(() => tf.metrics.meanIou(tf.ones([10]), tf.ones([10]), 2, tf.zeros([9]))).toThrow(
      tf.errors.ValueError,
    );
    expect(tf.localVariables()).toEqual([]);
  });
});

describe("metrics at k with dense labels (SingleLabelPrecisionAtKTest, MultiLabelPrecisionAtKTest, the recall ones)", () => {
  function atK(
    f: typeof tf.metrics.precisionAtK,
    predictions: number[][],
    labels: tf.TensorLike,
    k: number,
    weights?: tf.TensorLike,
  ): [number, number] {
    tf.resetDefaultGraph();
    const [metric, update] = f({ labels, predictions: tf.constant(predictions), k, weights });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const u = scalar(sess, update);
    return [u, scalar(sess, metric)];
  }

  it("single label per row, as a vector or a column", () => {
    const predictions = [
      [0.1, 0.3, 0.2, 0.4],
      [0.1, 0.2, 0.3, 0.4],
    ];
    for (const labels of [
      [3, 2],
      [[3], [2]],
    ]) {
      expectClose(atK(tf.metrics.precisionAtK, predictions, labels, 1), [0.5, 0.5], 6);
      expectClose(atK(tf.metrics.recallAtK, predictions, labels, 1), [0.5, 0.5], 6);
    }
  });

  it("test_average_precision's precision@k, one example then both", () => {
    const p1 = [0.2, 0.1, 0.0, 0.4, 0.0, 0.5, 0.3];
    const p2 = [0.3, 0.5, 0.0, 0.4, 0.0, 0.1, 0.2];
    const l1 = [0, 1, 2, 3, 4];
    const l2 = [0, 2, 4, 5, 6];
    const prec1 = [0, 1 / 2, 1 / 3, 2 / 4];
    const prec2 = [0, 0, 1 / 3, 2 / 4];
    for (let k = 1; k <= 4; k++) {
      expectClose(
        atK(tf.metrics.precisionAtK, [p1], [l1], k),
        [prec1[k - 1], prec1[k - 1]] as number[],
        6,
      );
      expectClose(
        atK(tf.metrics.precisionAtK, [p2], [l2], k),
        [prec2[k - 1], prec2[k - 1]] as number[],
        6,
      );
      const both = ((prec1[k - 1] as number) + (prec2[k - 1] as number)) / 2;
      expectClose(atK(tf.metrics.precisionAtK, [p1, p2], [l1, l2], k), [both, both], 6);
    }
  });

  it("different numbers of labels per row, padded with -1", () => {
    const predictions = [
      [0.4, 0.3, 0.2, 0.1],
      [0.1, 0.2, 0.3, 0.4],
    ];
    const labels = [
      [2, 3],
      [3, -1],
    ];
    const want = [0.5, 0.25, 1 / 3, 0.375];
    for (let k = 1; k <= 4; k++) {
      expectClose(
        atK(tf.metrics.precisionAtK, predictions, labels, k),
        [want[k - 1], want[k - 1]] as number[],
        6,
      );
    }
  });

  it("three labels at k=5: precision 3/10, recall 3/6; weighted rows", () => {
    const predictions = [
      [0.5, 0.1, 0.6, 0.3, 0.8, 0.0, 0.7, 0.2, 0.4, 0.9],
      [0.3, 0.0, 0.7, 0.2, 0.4, 0.9, 0.5, 0.8, 0.1, 0.6],
    ];
    const labels = [
      [2, 7, 8],
      [1, 2, 5],
    ];
    expectClose(atK(tf.metrics.precisionAtK, predictions, labels, 5), [3 / 10, 3 / 10], 6);
    expectClose(atK(tf.metrics.recallAtK, predictions, labels, 5), [3 / 6, 3 / 6], 6);
    // Only the second row: top 5 are 5, 7, 2, 9, 6; labels 1, 2, 5.
    expectClose(atK(tf.metrics.precisionAtK, predictions, labels, 5, [0, 1]), [2 / 5, 2 / 5], 6);
    expectClose(atK(tf.metrics.recallAtK, predictions, labels, 5, [0, 1]), [2 / 3, 2 / 3], 6);
  });

  it("the _at_top_k forms take the ids, streaming over batches", () => {
    const idx = tf.placeholder(tf.int32, [null, 2]);
    const labels = tf.placeholder(tf.int64, [null, 2]);
    const [prec, pu] = tf.metrics.precisionAtTopK({ labels, predictionsIdx: idx, k: 2 });
    const [rec, ru] = tf.metrics.recallAtTopK({ labels, predictionsIdx: idx, k: 2 });
    expect([prec.name, pu.name, rec.name, ru.name]).toEqual([
      "precision_at_2:0",
      "precision_at_2/update:0",
      "recall_at_2:0",
      "recall_at_2/update:0",
    ]);
    expect(localNames()).toEqual([
      "precision_at_2/false_positive_at_2:0",
      "precision_at_2/true_positive_at_2:0",
      "recall_at_2/false_negative_at_2:0",
      "recall_at_2/true_positive_at_2:0",
    ]);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    sess.run(
      [pu, ru],
      new Map<tf.Tensor, unknown>([
        [idx, [[0, 1]]],
        [labels, [[1, 2]]],
      ]),
    );
    sess.run(
      [pu, ru],
      new Map<tf.Tensor, unknown>([
        [
          idx,
          [
            [3, 4],
            [5, 6],
          ],
        ],
        [
          labels,
          [
            [3, -1],
            [5, 6],
          ],
        ],
      ]),
    );
    // tp 1 + 3 of 6 predicted ids; the labels 2 + 4, since TensorFlow counts a padding
    // -1 as a label never predicted (a false negative).
    expect(scalar(sess, prec)).toBeCloseTo(4 / 6, 6);
    expect(scalar(sess, rec)).toBeCloseTo(4 / 6, 6);
  });

  it("refuses labels of a wrong rank, clearly, with no variable made", () => {
    const p = tf.constant([[0.1, 0.9]]);
    expect(() => tf.metrics.recallAtK([[[1]]], p, 1)).toThrow(
      "Unexpected labels shape (1, 1, 1) for predictions shape (1, 1).",
    );
    expect(tf.localVariables()).toEqual([]);
  });
});

describe("averagePrecisionAtK (test_average_precision and its kin)", () => {
  function ap(
    predictions: number[][],
    labels: number[][],
    k: number,
    weights?: number[],
  ): [number, number] {
    tf.resetDefaultGraph();
    const [metric, update] = tf.metrics.averagePrecisionAtK({
      labels,
      predictions: tf.constant(predictions),
      k,
      weights,
    });
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const u = scalar(sess, update);
    return [u, scalar(sess, metric)];
  }
  const p1 = [0.2, 0.1, 0.0, 0.4, 0.0, 0.5, 0.3];
  const p2 = [0.3, 0.5, 0.0, 0.4, 0.0, 0.1, 0.2];
  const l1 = [0, 1, 2, 3, 4];
  const l2 = [0, 2, 4, 5, 6];
  const prec1 = [0, 1 / 2, 1 / 3, 2 / 4];
  const prec2 = [0, 0, 1 / 3, 2 / 4];
  const avg1 = [
    0,
    (prec1[1] as number) / 2,
    (prec1[1] as number) / 3,
    ((prec1[1] as number) + (prec1[3] as number)) / 4,
  ];
  const avg2 = [0, 0, (prec2[2] as number) / 3, ((prec2[2] as number) + (prec2[3] as number)) / 4];

  it("each example, both, and weighted", () => {
    for (let k = 1; k <= 4; k++) {
      const a1 = avg1[k - 1] as number;
      const a2 = avg2[k - 1] as number;
      expectClose(ap([p1], [l1], k), [a1, a1], 6);
      expectClose(ap([p2], [l2], k), [a2, a2], 6);
      expectClose(ap([p1, p2], [l1, l2], k), [(a1 + a2) / 2, (a1 + a2) / 2], 6);
      const w = (0.3 * a1 + 0.6 * a2) / 0.9;
      expectClose(ap([p1, p2], [l1, l2], k, [0.3, 0.6]), [w, w], 6);
    }
  });

  it("labels out of [0, num_classes) are ignored", () => {
    for (let k = 1; k <= 4; k++) {
      const a1 = avg1[k - 1] as number;
      expectClose(ap([p1], [[-1, 0, 1, 2, 3, 4, 7]], k), [a1, a1], 6);
    }
  });

  it("different numbers of labels per row", () => {
    const predictions = [
      [0.4, 0.3, 0.2, 0.1],
      [0.1, 0.2, 0.3, 0.4],
    ];
    const rows = [
      [0, 0, 1 / 3 / 2, (1 / 3 + 2 / 4) / 2],
      [1, 1, 1, 1],
    ];
    for (let k = 1; k <= 4; k++) {
      const want = ((rows[0]?.[k - 1] as number) + (rows[1]?.[k - 1] as number)) / 2;
      expectClose(
        ap(
          predictions,
          [
            [2, 3],
            [3, -1],
          ],
          k,
        ),
        [want, want],
        6,
      );
    }
  });

  it("names, variables and errors", () => {
    const [metric, update] = tf.metrics.averagePrecisionAtK([[1]], tf.constant([[0.2, 0.8]]), 1);
    expect([metric.name, update.name]).toEqual([
      "average_precision_at_1/mean:0",
      "average_precision_at_1:0",
    ]);
    // `max_1`: the `Max` of the out-of-range label check took `max` first, as TensorFlow's
    // case-insensitive unique names make it.
    expectMetricVariables(["average_precision_at_1/max_1:0", "average_precision_at_1/total:0"]);
    tf.resetDefaultGraph();
    expect(() => tf.metrics.averagePrecisionAtK([[1]], tf.constant([[0.2, 0.8]]), 0)).toThrow(
      "Invalid k=0.",
    );
  });
});

describe("weights of a rank known only at run time (_remove_squeezable_dimensions' conds)", () => {
  it("testEffectivelyEquivalentSizesWithDynamicallyShapedWeight", () => {
    const predictions = tf.constant([1, 1, 1]);
    const labels = tf.expandDims(tf.constant([1, 0, 0]), 1);
    const weights = tf.placeholder(tf.int32, undefined, "weights");
    const [acc, update] = tf.metrics.accuracy(labels, predictions, weights);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    const feeds = new Map<tf.Tensor, unknown>([[weights, [[100], [1], [1]]]]);
    expect(scalar(sess, update, feeds)).toBeGreaterThan(0.95);
    expect(scalar(sess, acc, feeds)).toBeGreaterThan(0.95);
  });

  it("a scalar, a trailing 1 and a missing dim, fed at run time", () => {
    const values = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const w = tf.placeholder(tf.float32);
    const [, update] = tf.metrics.mean(values, w);
    using sess = new tf.Session();
    const cases: [unknown, number][] = [
      [2, 2.5],
      [[[1], [0]], 1.5],
      // One dim fewer: a weight per row.
      [[1, 0], 1.5],
      [
        [
          [[1], [0]],
          [[1], [0]],
        ],
        2,
      ],
    ];
    for (const [wv, want] of cases) {
      sess.run(tf.localVariablesInitializer());
      expect(scalar(sess, update, new Map([[w, wv]]))).toBeCloseTo(want, 6);
    }
  });
});
