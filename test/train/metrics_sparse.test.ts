/**
 * The at-k metrics with SparseTensor labels and `class_id`, against TF 1.15's
 * metrics_test.py (SingleLabelPrecisionAtKTest, MultiLabelPrecisionAtKTest,
 * SingleLabelRecallAtKTest, MultiLabel2dRecallAtKTest, MultiLabel3dRecallAtKTest and
 * test_average_precision_different_num_labels): each case with sparse and dense labels,
 * through recall/precision_at_k and recall/precision_at_top_k; the local variables' and
 * ops' names; several updates; errors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

const NAN = Number.NaN;

type Labels = tf.SparseTensor | tf.TensorLike;

/** `_binary_2d_label_to_2d_sparse_value` (and its 3-D kin): each row's class ids. */
function indicatorToSparse(indicators: number[][] | number[][][]): tf.SparseTensor {
  const rows: number[][] = [];
  const batch: number[][] = [];
  const walk = (x: unknown, at: number[]): void => {
    const a = x as unknown[];
    if (typeof a[0] === "number") {
      rows.push(a.flatMap((v, c) => (v === 1 ? [c] : [])));
      batch.push(at);
    } else a.forEach((y, i) => walk(y, [...at, i]));
  };
  walk(indicators, []);
  const indices: number[][] = [];
  const values: number[] = [];
  rows.forEach((row, r) =>
    row.forEach((v, xi) => {
      indices.push([...(batch[r] as number[]), xi]);
      values.push(v);
    }),
  );
  let shape: number[] = [];
  let x: unknown = indicators;
  while (Array.isArray(x)) {
    shape.push(x.length);
    x = x[0];
  }
  shape = shape.slice();
  return new tf.SparseTensor(
    tf.constant(indices, tf.int64),
    tf.constant(values, tf.int64),
    tf.constant(shape, tf.int64),
  );
}

/** `_binary_2d_label_to_1d_sparse_value`: one id per row, a SparseTensor of shape [batch]. */
function indicatorTo1dSparse(indicators: number[][]): tf.SparseTensor {
  return new tf.SparseTensor(
    tf.constant(
      indicators.map((_, r) => [r]),
      tf.int64,
    ),
    tf.constant(
      indicators.map((row) => row.indexOf(1)),
      tf.int64,
    ),
    tf.constant([indicators.length], tf.int64),
  );
}

function expectValue(got: number, want: number): void {
  if (Number.isNaN(want)) expect(got).toBeNaN();
  else expect(got).toBeCloseTo(want, 6);
}

/**
 * `_test_{precision,recall}_at_k` and `…_at_top_k`: a fresh graph, the value and update
 * unusable before the local variables are initialized, then both equal to `expected`.
 */
function check(
  which: "precision" | "recall",
  topK: boolean,
  predictions: unknown,
  labels: () => Labels,
  k: number,
  expected: number,
  classId?: number,
  weights?: number[] | number[][],
): void {
  const g = new tf.Graph();
  g.asDefault(() => {
    const w = weights === undefined ? null : tf.constant(weights);
    const args = { labels: labels(), k, classId: classId ?? null, weights: w };
    const [metric, update] = topK
      ? (which === "precision" ? tf.metrics.precisionAtTopK : tf.metrics.recallAtTopK)({
          ...args,
          predictionsIdx: tf.constant(predictions as number[][], tf.int32),
        })
      : (which === "precision" ? tf.metrics.precisionAtK : tf.metrics.recallAtK)({
          ...args,
          predictions: tf.constant(predictions as number[][]),
        });
    using sess = new tf.Session();
    expect(() => sess.run(metric)).toThrow(tf.errors.OpError);
    sess.run(tf.variablesInitializer(tf.localVariables()));
    expectValue(sess.run(update).item() as number, expected);
    expectValue(sess.run(metric).item() as number, expected);
  });
}

function both(
  which: "precision" | "recall",
  predictions: unknown,
  predictionsIdx: unknown,
  labels: () => Labels,
  k: number,
  expected: number,
  classId?: number,
  weights?: number[] | number[][],
): void {
  check(which, false, predictions, labels, k, expected, classId, weights);
  check(which, true, predictionsIdx, labels, k, expected, classId, weights);
}

describe("single label per row (SingleLabelPrecisionAtKTest, SingleLabelRecallAtKTest)", () => {
  const predictions = [
    [0.1, 0.3, 0.2, 0.4],
    [0.1, 0.2, 0.3, 0.4],
  ];
  const predictionsIdx = [[3], [3]];
  const indicators = [
    [0, 0, 0, 1],
    [0, 0, 1, 0],
  ];
  // Sparse vs dense, and 1d vs 2d labels are all handled the same.
  const labelSets: [string, () => Labels][] = [
    ["1-D sparse", () => indicatorTo1dSparse(indicators)],
    ["2-D sparse", () => indicatorToSparse(indicators)],
    ["dense vector", () => tf.constant([3, 2], tf.int64)],
    ["dense column", () => tf.constant([[3], [2]], tf.int64)],
  ];
  for (const [kind, labels] of labelSets) {
    it(`${kind}: classes without labels nor predictions are NaN, out-of-range ones too`, () => {
      for (const classId of [-1, 0, 1, 4]) {
        both("precision", predictions, predictionsIdx, labels, 1, NAN, classId);
        both("recall", predictions, predictionsIdx, labels, 1, NAN, classId);
      }
    });

    it(`${kind}: class 2 has a label but no prediction; class 3 two predictions, one right`, () => {
      both("precision", predictions, predictionsIdx, labels, 1, NAN, 2);
      both("recall", predictions, predictionsIdx, labels, 1, 0, 2);
      both("precision", predictions, predictionsIdx, labels, 1, 1 / 2, 3);
      both("recall", predictions, predictionsIdx, labels, 1, 1, 3);
      both("precision", predictions, predictionsIdx, labels, 1, 1 / 2);
      both("recall", predictions, predictionsIdx, labels, 1, 1 / 2);
    });
  }

  it("weighted, with class_id 3 and without (test_one_label_at_k1_weighted*)", () => {
    for (const [, labels] of labelSets) {
      const cases: [number[], number, number, number, number][] = [
        // weights, precision class 3, recall class 3, precision, recall
        [[0], NAN, NAN, NAN, NAN],
        [[1], 1 / 2, 1, 1 / 2, 1 / 2],
        [[2], 1 / 2, 1, 1 / 2, 1 / 2],
        [[0, 1], 0, NAN, 0, 0],
        [[1, 0], 1, 1, 1, 1],
        [[2, 3], 2 / 5, 1, 2 / 5, 2 / 5],
      ];
      for (const [w, p3, r3, p, r] of cases) {
        both("precision", predictions, predictionsIdx, labels, 1, p3, 3, w);
        both("recall", predictions, predictionsIdx, labels, 1, r3, 3, w);
        both("precision", predictions, predictionsIdx, labels, 1, p, undefined, w);
        both("recall", predictions, predictionsIdx, labels, 1, r, undefined, w);
      }
    }
  });
});

describe("several labels per row (MultiLabelPrecisionAtKTest, MultiLabel2dRecallAtKTest)", () => {
  const predictions = [
    [0.5, 0.1, 0.6, 0.3, 0.8, 0.0, 0.7, 0.2, 0.4, 0.9],
    [0.3, 0.0, 0.7, 0.2, 0.4, 0.9, 0.5, 0.8, 0.1, 0.6],
  ];
  const predictionsIdx = [
    [9, 4, 6, 2, 0],
    [5, 7, 2, 9, 6],
  ];
  const indicators = [
    [0, 0, 1, 0, 0, 0, 0, 1, 1, 0],
    [0, 1, 1, 0, 0, 1, 0, 0, 0, 0],
  ];
  const labelSets: (() => Labels)[] = [
    () => indicatorToSparse(indicators),
    () =>
      tf.constant(
        [
          [2, 7, 8],
          [1, 2, 5],
        ],
        tf.int64,
      ),
  ];

  it("precision: classes without predictions are NaN, without labels 0", () => {
    for (const labels of labelSets) {
      for (const classId of [-1, 1, 3, 8, 10]) {
        both("precision", predictions, predictionsIdx, labels, 5, NAN, classId);
      }
      for (const classId of [0, 4, 6, 9]) {
        both("precision", predictions, predictionsIdx, labels, 5, 0, classId);
      }
    }
  });

  it("precision and recall at 5, per class and over all", () => {
    for (const labels of labelSets) {
      both("precision", predictions, predictionsIdx, labels, 5, 2 / 2, 2);
      both("precision", predictions, predictionsIdx, labels, 5, 1 / 1, 5);
      both("precision", predictions, predictionsIdx, labels, 5, 0 / 1, 7);
      both("precision", predictions, predictionsIdx, labels, 5, 3 / 10);
      for (const classId of [0, 3, 4, 6, 9, 10]) {
        both("recall", predictions, predictionsIdx, labels, 5, NAN, classId);
      }
      both("recall", predictions, predictionsIdx, labels, 5, 0 / 1, 8);
      both("recall", predictions, predictionsIdx, labels, 5, 2 / 2, 2);
      both("recall", predictions, predictionsIdx, labels, 5, 1 / 1, 5);
      both("recall", predictions, predictionsIdx, labels, 5, 0 / 1, 7);
      both("recall", predictions, predictionsIdx, labels, 5, 3 / 6);
    }
  });

  it("labels out of [0, num_classes): ignored by precision, false negatives for recall", () => {
    const labels = () =>
      new tf.SparseTensor(
        tf.constant(
          [
            [0, 0],
            [0, 1],
            [0, 2],
            [0, 3],
            [1, 0],
            [1, 1],
            [1, 2],
            [1, 3],
          ],
          tf.int64,
        ),
        tf.constant([2, 7, -1, 8, 1, 2, 5, 10], tf.int64),
        tf.constant([2, 4], tf.int64),
      );
    both("precision", predictions, predictionsIdx, labels, 5, 2 / 2, 2);
    both("precision", predictions, predictionsIdx, labels, 5, 1 / 1, 5);
    both("precision", predictions, predictionsIdx, labels, 5, 0 / 1, 7);
    both("precision", predictions, predictionsIdx, labels, 5, 3 / 10);
    both("recall", predictions, predictionsIdx, labels, 5, 2 / 2, 2);
    both("recall", predictions, predictionsIdx, labels, 5, 3 / 8);
  });
});

describe("3-D labels (test_3d*, MultiLabel3dRecallAtKTest)", () => {
  const row1 = [0.5, 0.1, 0.6, 0.3, 0.8, 0.0, 0.7, 0.2, 0.4, 0.9];
  const row2 = [0.3, 0.0, 0.7, 0.2, 0.4, 0.9, 0.5, 0.8, 0.1, 0.6];
  const predictions = [
    [row1, row2],
    [row2, row1],
  ];
  const predictionsIdx = [
    [
      [9, 4, 6, 2, 0],
      [5, 7, 2, 9, 6],
    ],
    [
      [5, 7, 2, 9, 6],
      [9, 4, 6, 2, 0],
    ],
  ];
  const labels = () =>
    indicatorToSparse([
      [
        [0, 0, 1, 0, 0, 0, 0, 1, 1, 0],
        [0, 1, 1, 0, 0, 1, 0, 0, 0, 0],
      ],
      [
        [0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
        [0, 0, 1, 0, 0, 0, 0, 0, 1, 0],
      ],
    ]);

  it("per class and over all", () => {
    for (const classId of [-1, 1, 3, 8, 10]) {
      both("precision", predictions, predictionsIdx, labels, 5, NAN, classId);
    }
    for (const classId of [0, 4, 6, 9]) {
      both("precision", predictions, predictionsIdx, labels, 5, 0, classId);
    }
    both("precision", predictions, predictionsIdx, labels, 5, 4 / 4, 2);
    both("precision", predictions, predictionsIdx, labels, 5, 2 / 2, 5);
    both("precision", predictions, predictionsIdx, labels, 5, 1 / 2, 7);
    both("precision", predictions, predictionsIdx, labels, 5, 7 / 20);
    for (const classId of [1, 8])
      both("recall", predictions, predictionsIdx, labels, 5, 0, classId);
    both("recall", predictions, predictionsIdx, labels, 5, 4 / 4, 2);
    both("recall", predictions, predictionsIdx, labels, 5, 2 / 2, 5);
    both("recall", predictions, predictionsIdx, labels, 5, 1 / 2, 7);
    both("recall", predictions, predictionsIdx, labels, 5, 7 / 12);
  });

  it("weights per [i] or per [i, j] (test_3d_ignore_some)", () => {
    both("precision", predictions, predictionsIdx, labels, 5, 1, 2, [[1], [0]]);
    both("precision", predictions, predictionsIdx, labels, 5, 1, 2, [[0], [1]]);
    both("precision", predictions, predictionsIdx, labels, 5, 0, 7, [[1], [0]]);
    both("precision", predictions, predictionsIdx, labels, 5, 1, 7, [[0], [1]]);
    both("precision", predictions, predictionsIdx, labels, 5, NAN, 7, [
      [1, 0],
      [0, 1],
    ]);
    both("precision", predictions, predictionsIdx, labels, 5, 1 / 2, 7, [
      [0, 1],
      [1, 0],
    ]);
    both("recall", predictions, predictionsIdx, labels, 5, NAN, undefined, [[0], [0]]);
    for (const classId of [0, 2, 5]) {
      both("recall", predictions, predictionsIdx, labels, 5, NAN, classId, [
        [0, 0],
        [0, 0],
      ]);
    }
  });
});

describe("averagePrecisionAtK with SparseTensor labels", () => {
  function ap(labels: () => Labels, k: number, weights?: number[]): number[] {
    const g = new tf.Graph();
    return g.asDefault(() => {
      const [metric, update] = tf.metrics.averagePrecisionAtK({
        labels: labels(),
        predictions: tf.constant([
          [0.4, 0.3, 0.2, 0.1],
          [0.1, 0.2, 0.3, 0.4],
        ]),
        k,
        weights: weights === undefined ? null : tf.constant(weights),
      });
      using sess = new tf.Session();
      sess.run(tf.localVariablesInitializer());
      return [sess.run(update).item() as number, sess.run(metric).item() as number];
    });
  }

  it("rows with different numbers of labels (test_average_precision_different_num_labels)", () => {
    const sparse = () =>
      indicatorToSparse([
        [0, 0, 1, 1],
        [0, 0, 0, 1],
      ]);
    const dense = () =>
      tf.constant(
        [
          [2, 3],
          [3, -1],
        ],
        tf.int64,
      );
    const avg = [
      [0, 0, 1 / 3 / 2, (1 / 3 + 2 / 4) / 2],
      [1, 1, 1, 1],
    ];
    const precision = [
      [0, 0, 1 / 3, 2 / 4],
      [1, 1 / 2, 1 / 3, 1 / 4],
    ];
    const idx = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
    ];
    for (const labels of [sparse, dense]) {
      for (let k = 1; k <= 4; k++) {
        const want = ((avg[0]![k - 1] as number) + (avg[1]![k - 1] as number)) / 2;
        const [u, m] = ap(labels, k);
        expect(u).toBeCloseTo(want, 6);
        expect(m).toBeCloseTo(want, 6);
        const p = ((precision[0]![k - 1] as number) + (precision[1]![k - 1] as number)) / 2;
        check(
          "precision",
          false,
          [
            [0.4, 0.3, 0.2, 0.1],
            [0.1, 0.2, 0.3, 0.4],
          ],
          labels,
          k,
          p,
        );
        check(
          "precision",
          true,
          idx.map((r) => r.slice(0, k)),
          labels,
          k,
          p,
        );
      }
      const [u, m] = ap(labels, 4, [0.3, 0.6]);
      const want = ((0.3 * (1 / 3 + 2 / 4)) / 2 + 0.6 * 1) / 0.9;
      expect(u).toBeCloseTo(want, 6);
      expect(m).toBeCloseTo(want, 6);
    }
  });

  it("sparse labels at or above the number of classes are not relevant", () => {
    const labels = () =>
      new tf.SparseTensor(
        tf.constant(
          [
            [0, 0],
            [0, 1],
            [1, 0],
          ],
          tf.int64,
        ),
        tf.constant([3, 9, 0], tf.int64),
        tf.constant([2, 2], tf.int64),
      );
    // Row 0: 9 becomes -1, which no id matches, yet `set_size` still counts it among the
    // relevant items (TF's sparse `_num_relevant`): 3 at rank 4 gives (1/4) / 2. Row 1:
    // {0} at rank 4 gives 1/4.
    const [u] = ap(labels, 4);
    expect(u).toBeCloseTo((1 / 8 + 1 / 4) / 2, 6);
  });
});

describe("names and streaming", () => {
  it("local variables and ops carry TF's names, class_id in them", () => {
    const labels = indicatorToSparse([
      [0, 1, 0],
      [1, 0, 1],
    ]);
    const predictions = tf.constant([
      [0.1, 0.8, 0.1],
      [0.2, 0.3, 0.5],
    ]);
    const [r, ru] = tf.metrics.recallAtK(labels, predictions, 2, 1);
    expect(r.name).toBe("recall_at_2_class1:0");
    expect(ru.name).toBe("recall_at_2_class1/update:0");
    const [p] = tf.metrics.sparsePrecisionAtK(labels, predictions, 2);
    expect(p.name).toBe("precision_at_2:0");
    const [r2] = tf.metrics.sparseRecallAtK(labels, predictions, 1);
    expect(r2.name).toBe("recall_at_1:0");
    const [ap] = tf.metrics.averagePrecisionAtK(labels, predictions, 2);
    expect(ap.name).toBe("average_precision_at_2/mean:0");
    expect(
      tf
        .localVariables()
        .map((v) => v.name)
        .sort(),
    ).toEqual(
      [
        "recall_at_2_class1/true_positive_at_2_class1:0",
        "recall_at_2_class1/false_negative_at_2_class1:0",
        "precision_at_2/true_positive_at_2:0",
        "precision_at_2/false_positive_at_2:0",
        "recall_at_1/true_positive_at_1:0",
        "recall_at_1/false_negative_at_1:0",
        // TF names the variable `max_1`: the scope `max` meets the op `Max` of
        // `_clean_out_of_range_indices`, and TF's unique names ignore case.
        "average_precision_at_2/max_1:0",
        "average_precision_at_2/total:0",
      ].sort(),
    );
    const g = tf.getDefaultGraph();
    const types = (prefix: string) =>
      g
        .getOperations()
        .filter((o) => o.name.startsWith(prefix))
        .map((o) => o.type);
    // The sparse labels are reshaped under a cond; class_id keeps them with sparse_retain.
    expect(types("recall_at_2_class1/expand_labels")).toContain("SparseReshape");
    expect(types("recall_at_2_class1/expand_labels")).toContain("Merge");
    expect(g.getOperationByName("recall_at_2_class1/expand_labels").type).toBe("SparseReshape");
    const tp = types("recall_at_2_class1/true_positive_at_2_class1/true_positives/");
    expect(tp).toContain("Where");
    expect(tp).toContain("SparseToSparseSetOperation");
    expect(tp).toContain("SetSize");
    expect(types("precision_at_2/true_positive_at_2/true_positives/")).toContain(
      "DenseToSparseSetOperation",
    );
    expect(types("average_precision_at_2/average_precision/labels_per_k")).toContain(
      "SparseConcat",
    );
  });

  it("streams over several updates, fed as the batches come", () => {
    const indices = tf.placeholder(tf.int64, [null, 2]);
    const vals = tf.placeholder(tf.int64, [null]);
    const shape = tf.placeholder(tf.int64, [2]);
    const predictionsIdx = tf.placeholder(tf.int32, [null, 2]);
    const labels = new tf.SparseTensor(indices, vals, shape);
    const [recall, update] = tf.metrics.recallAtTopK(labels, predictionsIdx, 2);
    const [prec3, update3] = tf.metrics.precisionAtTopK(labels, predictionsIdx, 2, 3);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    // Batch 1: row 0 {1, 3} vs ids [3, 0]; row 1 {2} vs [2, 3].
    const feed1 = new Map<tf.Tensor, unknown>([
      [
        indices,
        [
          [0, 0],
          [0, 1],
          [1, 0],
        ],
      ],
      [vals, [1, 3, 2]],
      [shape, [2, 2]],
      [
        predictionsIdx,
        [
          [3, 0],
          [2, 3],
        ],
      ],
    ]);
    // float32 counts (TF's are float64): 2/3 to float32's precision.
    const [r1, p1] = sess.run([update, update3], feed1).map((v) => v.item() as number);
    expect(r1).toBeCloseTo(2 / 3, 6);
    expect(p1).toBe(1 / 2);
    // Batch 2: one row {0, 3, 4} vs ids [4, 1].
    const feed2 = new Map<tf.Tensor, unknown>([
      [
        indices,
        [
          [0, 0],
          [0, 1],
          [0, 2],
        ],
      ],
      [vals, [0, 3, 4]],
      [shape, [1, 3]],
      [predictionsIdx, [[4, 1]]],
    ]);
    const [r, p] = sess.run([update, update3], feed2).map((v) => v.item() as number);
    expect(r).toBeCloseTo(3 / 6, 6);
    expect(p).toBeCloseTo(1 / 2, 6);
    // The value does not move without an update.
    expect(sess.run(recall).item()).toBeCloseTo(3 / 6, 6);
    expect(sess.run(prec3).item()).toBeCloseTo(1 / 2, 6);
  });

  it("int32 SparseTensor labels are taken as int64, JS number labels too", () => {
    const labels = new tf.SparseTensor(
      tf.constant([[0, 0]], tf.int64),
      tf.constant([1], tf.int32),
      tf.constant([1, 1], tf.int64),
    );
    const [, update] = tf.metrics.recallAtK(labels, tf.constant([[0.2, 0.8]]), 1);
    using sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(sess.run(update).item()).toBe(1);
  });

  it("float labels meet the set ops' TypeError, the graph unchanged", () => {
    const labels = new tf.SparseTensor(
      tf.constant([[0, 0]], tf.int64),
      tf.constant([1.5]),
      tf.constant([1, 1], tf.int64),
    );
    const predictions = tf.constant([[0.2, 0.8]]);
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.metrics.recallAtK(labels, predictions, 1)).toThrow(
      "'b' invalid dtype <dtype: 'float32'>.",
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    expect(tf.localVariables()).toEqual([]);
  });
});
