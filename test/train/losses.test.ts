import * as tfc from "@tensorflow/tfjs-core";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { divNoNan } from "../../src/ops/math/div_no_nan.js";

beforeEach(() => tf.resetDefaultGraph());

type Nested = number | Nested[];

function run(t: tf.Tensor, feeds?: Map<tf.Tensor, unknown>): number[] {
  using s = new tf.Session();
  return Array.from(s.run(t, feeds).data as Float32Array);
}

function scalar(t: tf.Tensor, feeds?: Map<tf.Tensor, unknown>): number {
  using s = new tf.Session();
  return s.run(t, feeds).item() as number;
}

function opNames(prefix = ""): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => o.name)
    .filter((n) => n.startsWith(prefix));
}

/** A tfjs-core computation's value as a plain number list. */
function tfjs(fn: () => tfc.Tensor): number[] {
  const t = tfc.tidy(fn);
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

function expectClose(got: number[], want: number[], digits = 5): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i] as number, digits));
}

/** `tf.gradients(loss, [x])`, which must exist for every loss. */
function gradientOf(loss: tf.Tensor, x: tf.TensorLike): tf.Tensor {
  const [g] = tf.gradients(loss, [x]);
  expect(g).not.toBeNull();
  return g as tf.Tensor;
}

/**
 * Compares the graph's gradient of `build(x)` at `x0` with central finite differences of
 * the same graph (x a placeholder fed with perturbed values).
 */
function checkGradient(
  x0: Nested,
  shape: number[],
  build: (x: tf.Tensor) => tf.Tensor,
  tolerance = 2e-2,
): void {
  const x = tf.placeholder(tf.float32, shape, { name: "x" });
  const loss = build(x);
  const grad = gradientOf(loss, x);
  const flat = (x0 as number[]).flat(4) as number[];
  const reshape = (values: number[]) => tfc.tensor(values, shape).arraySync();
  using s = new tf.Session();
  const at = (values: number[]) => s.run(loss, new Map([[x, reshape(values)]])).item() as number;
  const analytic = Array.from(s.run(grad, new Map([[x, reshape(flat)]])).data as Float32Array);
  const h = 1e-2;
  flat.forEach((_, i) => {
    const up = flat.slice();
    const down = flat.slice();
    up[i] = (up[i] as number) + h;
    down[i] = (down[i] as number) - h;
    const numeric = (at(up) - at(down)) / (2 * h);
    expect(Math.abs((analytic[i] as number) - numeric)).toBeLessThan(tolerance);
  });
}

const LABELS = [
  [1, 2, 3],
  [4, 5, 6],
];
const PREDS = [
  [1.5, 2, 2],
  [4, 7, 6.5],
];
const WEIGHTS = [[0.5], [2]];

describe("tf.losses: op names as TensorFlow 1.15 builds them", () => {
  it("meanSquaredError: SquaredDifference, static weight check, num_present, DivNoNan `value`", () => {
    const labels = tf.constant(LABELS, { name: "labels" });
    const predictions = tf.constant(PREDS, { name: "predictions" });
    const loss = tf.losses.meanSquaredError({ labels, predictions });
    expect(loss.name).toBe("mean_squared_error/value:0");
    expect(loss.op.type).toBe("DivNoNan");
    expect(loss.shape.toString()).toBe("()");
    const g = tf.getDefaultGraph();
    const type = (n: string) => g.getOperationByName(n).type;
    expect(type("mean_squared_error/SquaredDifference")).toBe("SquaredDifference");
    expect(type("mean_squared_error/assert_broadcastable/weights")).toBe("Const");
    expect(type("mean_squared_error/assert_broadcastable/weights/shape")).toBe("Const");
    expect(type("mean_squared_error/assert_broadcastable/values/rank")).toBe("Const");
    expect(type("mean_squared_error/assert_broadcastable/static_scalar_check_success")).toBe(
      "NoOp",
    );
    expect(type("mean_squared_error/Cast/x")).toBe("Const");
    expect(type("mean_squared_error/Mul")).toBe("Mul");
    expect(type("mean_squared_error/Sum")).toBe("Sum");
    expect(type("mean_squared_error/num_present/Equal")).toBe("Equal");
    expect(type("mean_squared_error/num_present/Select")).toBe("Select");
    expect(type("mean_squared_error/num_present/broadcast_weights")).toBe("Mul");
    expect(type("mean_squared_error/num_present")).toBe("Sum");
    expect(type("mean_squared_error/Sum_1")).toBe("Sum");
    // Ops after the weights check wait for it.
    expect(
      g.getOperationByName("mean_squared_error/Cast/x").controlInputs.map((o) => o.name),
    ).toEqual(["mean_squared_error/assert_broadcastable/static_scalar_check_success"]);
    expect(tf.losses.getLosses()).toEqual([loss]);
    expect(g.getCollection(tf.GraphKeys.LOSSES)).toEqual([loss]);
  });

  it("softmaxCrossEntropy: labels_stop_gradient, the xent op named xentropy, weighted_loss ops", () => {
    const logits = tf.constant(PREDS, { name: "logits" });
    const onehotLabels = tf.constant(
      [
        [0, 0, 1],
        [1, 0, 0],
      ],
      { name: "onehot" },
    );
    const loss = tf.losses.softmaxCrossEntropy({ onehotLabels, logits });
    expect(loss.name).toBe("softmax_cross_entropy_loss/value:0");
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("softmax_cross_entropy_loss/labels_stop_gradient").type).toBe(
      "StopGradient",
    );
    expect(g.getOperationByName("softmax_cross_entropy_loss/xentropy").type).toBe(
      "SoftmaxCrossEntropyWithLogits",
    );
    expect(opNames("softmax_cross_entropy_loss/")).toEqual(
      expect.arrayContaining([
        "softmax_cross_entropy_loss/assert_broadcastable/static_scalar_check_success",
        "softmax_cross_entropy_loss/Mul",
        "softmax_cross_entropy_loss/num_present",
        "softmax_cross_entropy_loss/value",
      ]),
    );
  });

  it("other losses: their scopes, the xentropy ops, and the pairwise loss's value_2", () => {
    const labels = tf.constant(LABELS);
    const x = tf.constant(PREDS);
    expect(tf.losses.absoluteDifference({ labels, predictions: x }).name).toBe(
      "absolute_difference/value:0",
    );
    expect(tf.losses.huberLoss({ labels, predictions: x }).name).toBe("huber_loss/value:0");
    expect(tf.losses.logLoss({ labels: [[1, 0]], predictions: [[0.5, 0.5]] }).name).toBe(
      "log_loss/value:0",
    );
    expect(tf.losses.hingeLoss({ labels: [[1, 0]], logits: [[0.5, 0.5]] }).name).toBe(
      "hinge_loss/value:0",
    );
    expect(
      tf.losses.sigmoidCrossEntropy({ multiClassLabels: [[1, 0]], logits: [[0.5, 0.5]] }).name,
    ).toBe("sigmoid_cross_entropy_loss/value:0");
    expect(
      tf.getDefaultGraph().getOperationByName("sigmoid_cross_entropy_loss/xentropy").type,
    ).toBe("Add");
    expect(tf.losses.sparseSoftmaxCrossEntropy({ labels: [2, 0], logits: x }).name).toBe(
      "sparse_softmax_cross_entropy_loss/value:0",
    );
    expect(
      tf.losses.cosineDistance({ labels: [[1, 0]], predictions: [[0.6, 0.8]], axis: 1 }).name,
    ).toBe("cosine_distance_loss/value:0");
    expect(tf.losses.meanPairwiseSquaredError({ labels, predictions: x }).name).toBe(
      "mean_pairwise_squared_error/value_2:0",
    );
  });

  it("a second loss gets a unique scope; `scope` names it (TF's losses take no `name`)", () => {
    const labels = tf.constant([1, 2]);
    const p = tf.constant([2, 2]);
    expect(tf.losses.meanSquaredError({ labels, predictions: p }).name).toBe(
      "mean_squared_error/value:0",
    );
    expect(tf.losses.meanSquaredError({ labels, predictions: p }).name).toBe(
      "mean_squared_error_1/value:0",
    );
    expect(tf.losses.meanSquaredError({ labels, predictions: p, scope: "mse" }).name).toBe(
      "mse/value:0",
    );
    expect(tf.losses.meanSquaredError(labels, p, 1.0, "mse").name).toBe("mse_1/value:0");
    expect(() =>
      tf.losses.meanSquaredError({ labels, predictions: p, name: "mse" } as never),
    ).toThrow("losses.meanSquaredError() got an unexpected keyword argument 'name'");
    const inside = tf.nameScope("tower", () => tf.losses.absoluteDifference(labels, p));
    expect(inside.name).toBe("tower/absolute_difference/value:0");
    expect(tf.losses.getLosses().length).toBe(5);
    expect(tf.losses.getLosses("tower").map((t) => t.name)).toEqual([
      "tower/absolute_difference/value:0",
    ]);
  });

  it("computeWeightedLoss opens weighted_loss, with num_elements for SUM_OVER_BATCH_SIZE", () => {
    const losses = tf.constant([1, 2, 3, 4], { name: "losses" });
    const loss = tf.losses.computeWeightedLoss(losses, {
      reduction: tf.losses.Reduction.SUM_OVER_BATCH_SIZE,
    });
    expect(loss.name).toBe("weighted_loss/value:0");
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("weighted_loss/num_elements").type).toBe("Const");
    expect(g.getOperationByName("weighted_loss/num_elements/Cast").type).toBe("Cast");
    expect(scalar(loss)).toBeCloseTo(2.5, 6);
  });

  it("weights of the losses' rank check their dims statically (static_dims_check_success)", () => {
    tf.losses.meanSquaredError({
      labels: tf.constant(LABELS),
      predictions: tf.constant(PREDS),
      weights: tf.constant(WEIGHTS),
    });
    expect(
      tf
        .getDefaultGraph()
        .getOperationByName("mean_squared_error/assert_broadcastable/static_dims_check_success")
        .type,
    ).toBe("NoOp");
  });
});

describe("tf.losses: values (against tfjs-core's tf.losses and by hand)", () => {
  const L = () => tfc.tensor2d(LABELS);
  const P = () => tfc.tensor2d(PREDS);
  const W = () => tfc.tensor2d(WEIGHTS);

  it("meanSquaredError, absoluteDifference, huberLoss with scalar and tensor weights", () => {
    const labels = tf.constant(LABELS);
    const predictions = tf.constant(PREDS);
    const weights = tf.constant(WEIGHTS);
    const cases: [tf.Tensor, number[]][] = [
      [
        tf.losses.meanSquaredError({ labels, predictions }),
        tfjs(() => tfc.losses.meanSquaredError(L(), P())),
      ],
      [
        tf.losses.meanSquaredError({ labels, predictions, weights }),
        tfjs(() => tfc.losses.meanSquaredError(L(), P(), W())),
      ],
      [
        tf.losses.absoluteDifference({ labels, predictions, weights: 2 }),
        tfjs(() => tfc.losses.absoluteDifference(L(), P(), 2)),
      ],
      [tf.losses.huberLoss({ labels, predictions }), tfjs(() => tfc.losses.huberLoss(L(), P()))],
      [
        tf.losses.huberLoss({ labels, predictions, weights, delta: 0.7 }),
        tfjs(() => tfc.losses.huberLoss(L(), P(), W(), 0.7)),
      ],
    ];
    for (const [t, want] of cases) expectClose(run(t), want);
    // By hand: squared errors 0.25, 0, 1, 0, 4, 0.25 → mean 5.5 / 6.
    expect(run(cases[0]?.[0] as tf.Tensor)[0]).toBeCloseTo(5.5 / 6, 6);
  });

  it("logLoss, hingeLoss, cosineDistance", () => {
    const probs = [
      [0.9, 0.2, 0.6],
      [0.1, 0.5, 0.99],
    ];
    const bin = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    expectClose(
      run(tf.losses.logLoss({ labels: bin, predictions: probs })),
      tfjs(() => tfc.losses.logLoss(tfc.tensor2d(bin), tfc.tensor2d(probs))),
    );
    expectClose(
      run(tf.losses.logLoss({ labels: bin, predictions: probs, weights: WEIGHTS, epsilon: 1e-3 })),
      tfjs(() => tfc.losses.logLoss(tfc.tensor2d(bin), tfc.tensor2d(probs), W(), 1e-3)),
    );
    expectClose(
      run(tf.losses.hingeLoss({ labels: bin, logits: PREDS })),
      tfjs(() => tfc.losses.hingeLoss(tfc.tensor2d(bin), P())),
    );
    const a = [
      [0.6, 0.8],
      [1, 0],
    ];
    const b = [
      [1, 0],
      [0, 1],
    ];
    expectClose(
      run(tf.losses.cosineDistance({ labels: a, predictions: b, axis: 1 })),
      tfjs(() => tfc.losses.cosineDistance(tfc.tensor2d(a), tfc.tensor2d(b), 1)),
    );
    // 1 - 0.6 and 1 - 0, averaged.
    expect(scalar(tf.losses.cosineDistance({ labels: a, predictions: b, dim: 1 }))).toBeCloseTo(
      0.7,
      6,
    );
  });

  it("sigmoidCrossEntropy and softmaxCrossEntropy, with label smoothing and weights", () => {
    const bin = [
      [0, 0, 1],
      [1, 0, 0],
    ];
    const B = () => tfc.tensor2d(bin);
    expectClose(
      run(tf.losses.sigmoidCrossEntropy({ multiClassLabels: bin, logits: PREDS })),
      tfjs(() => tfc.losses.sigmoidCrossEntropy(B(), P())),
    );
    expectClose(
      run(
        tf.losses.sigmoidCrossEntropy({
          multiClassLabels: bin,
          logits: PREDS,
          labelSmoothing: 0.2,
        }),
      ),
      tfjs(() => tfc.losses.sigmoidCrossEntropy(B(), P(), undefined, 0.2)),
    );
    expectClose(
      run(tf.losses.softmaxCrossEntropy({ onehotLabels: bin, logits: PREDS })),
      tfjs(() => tfc.losses.softmaxCrossEntropy(B(), P())),
    );
    expectClose(
      run(
        tf.losses.softmaxCrossEntropy({
          onehotLabels: bin,
          logits: PREDS,
          weights: [0.5, 2],
          labelSmoothing: 0.1,
        }),
      ),
      tfjs(() => tfc.losses.softmaxCrossEntropy(B(), P(), tfc.tensor1d([0.5, 2]), 0.1)),
    );
  });

  it("sparseSoftmaxCrossEntropy equals the one-hot loss; a trailing dim of 1 is squeezed", () => {
    const ids = tf.constant(Int32Array.from([2, 0]), { name: "ids" });
    const dense = run(
      tf.losses.softmaxCrossEntropy({
        onehotLabels: [
          [0, 0, 1],
          [1, 0, 0],
        ],
        logits: PREDS,
        weights: [0.5, 2],
      }),
    );
    expectClose(
      run(tf.losses.sparseSoftmaxCrossEntropy({ labels: ids, logits: PREDS, weights: [0.5, 2] })),
      dense,
    );
    const column = tf.reshape(ids, [2, 1]);
    const squeezed = tf.losses.sparseSoftmaxCrossEntropy({
      labels: column,
      logits: PREDS,
      weights: [[0.5], [2]],
    });
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .filter(
          (o) => o.name.startsWith("sparse_softmax_cross_entropy_loss_1/") && o.type === "Squeeze",
        )
        .map((o) => o.name),
    ).toEqual([
      "sparse_softmax_cross_entropy_loss_1/remove_squeezable_dimensions/Squeeze",
      "sparse_softmax_cross_entropy_loss_1/Squeeze",
    ]);
    expectClose(run(squeezed), dense);
  });

  it("meanPairwiseSquaredError matches the pairwise definition", () => {
    const labels = [
      [0, 1, 2],
      [1, 1, 1],
    ];
    const preds = [
      [0, 2, 2],
      [0, 1, 3],
    ];
    // Per row: mean over pairs (i<j) of ((p_i - p_j) - (l_i - l_j))², weighted, summed.
    const rowLoss = (l: number[], p: number[]) => {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < l.length; i++) {
        for (let j = i + 1; j < l.length; j++) {
          sum += ((p[i] as number) - (p[j] as number) - ((l[i] as number) - (l[j] as number))) ** 2;
          n++;
        }
      }
      return sum / n;
    };
    const want =
      rowLoss(labels[0] as number[], preds[0] as number[]) * 1 +
      rowLoss(labels[1] as number[], preds[1] as number[]) * 3;
    expect(
      scalar(
        tf.losses.meanPairwiseSquaredError({ labels, predictions: preds, weights: [[1], [3]] }),
      ),
    ).toBeCloseTo(want, 5);
    // As in TensorFlow, per-example weights need the labels' rank.
    expect(() =>
      tf.losses.meanPairwiseSquaredError({ labels, predictions: preds, weights: [1, 3] }),
    ).toThrow("weights can not be broadcast to values. values.rank=2. weights.rank=1.");
  });

  it("every Reduction of computeWeightedLoss", () => {
    const losses = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const weights = [[0], [2]];
    const R = tf.losses.Reduction;
    const cwl = (reduction: string, w: tf.TensorLike = weights) =>
      run(tf.losses.computeWeightedLoss(losses, { weights: w, reduction }));
    expect(cwl(R.NONE)).toEqual([0, 0, 0, 8, 10, 12]);
    expect(cwl(R.SUM)).toEqual([30]);
    // Sum over the sum of the broadcast weights (0 * 3 + 2 * 3).
    expectClose(cwl(R.MEAN), [5]);
    // Over all 6 elements.
    expectClose(cwl(R.SUM_OVER_BATCH_SIZE), [5]);
    // Over the 3 elements with a non-zero weight (the default).
    expectClose(cwl(R.SUM_BY_NONZERO_WEIGHTS), [10]);
    expectClose(cwl(R.SUM_OVER_NONZERO_WEIGHTS), [10]);
    expectClose(run(tf.losses.computeWeightedLoss({ losses, weights })), [10]);
    // tfjs-core agrees where it has the reduction.
    const tl = () => tfc.tensor2d(losses);
    const tw = () => tfc.tensor2d(weights);
    expectClose(
      cwl(R.MEAN),
      tfjs(() => tfc.losses.computeWeightedLoss(tl(), tw(), tfc.Reduction.MEAN)),
    );
    expectClose(
      cwl(R.SUM_BY_NONZERO_WEIGHTS),
      tfjs(() => tfc.losses.computeWeightedLoss(tl(), tw())),
    );
    // All weights zero: 0, not NaN (div_no_nan).
    expect(cwl(R.SUM_BY_NONZERO_WEIGHTS, 0)).toEqual([0]);
    expect(cwl(R.MEAN, [[0], [0]])).toEqual([0]);
  });

  it("keeps the losses' dtype and shape under NONE; casts back to int32", () => {
    const ints = tf.constant([1, 2, 3], { dtype: tf.int32 });
    const summed = tf.losses.computeWeightedLoss(ints, { reduction: tf.losses.Reduction.SUM });
    expect(summed.dtype).toBe("int32");
    expect(scalar(summed)).toBe(6);
    const none = tf.losses.meanSquaredError({
      labels: tf.constant(LABELS),
      predictions: tf.constant(PREDS),
      reduction: tf.losses.Reduction.NONE,
    });
    expect(none.shape.toString()).toBe("(2, 3)");
    expectClose(run(none), [0.25, 0, 1, 0, 4, 0.25]);
  });

  it("works with a placeholder of unknown batch size and per-example weights", () => {
    const y = tf.placeholder(tf.float32, [null], { name: "y" });
    const yHat = tf.placeholder(tf.float32, [null], { name: "y_hat" });
    const w = tf.placeholder(tf.float32, [null], { name: "w" });
    const loss = tf.losses.meanSquaredError({ labels: y, predictions: yHat, weights: w });
    // The weights' shape is only known at run time: the check is an Assert under a cond.
    expect(
      tf
        .getDefaultGraph()
        .getOperationByName("mean_squared_error/assert_broadcastable/AssertGuard/Merge").type,
    ).toBe("Merge");
    const feeds = new Map<tf.Tensor, unknown>([
      [y, [1, 2, 3]],
      [yHat, [2, 2, 5]],
      [w, [1, 0, 0.5]],
    ]);
    // (1 * 1 + 0 * 0 + 0.5 * 4) over 2 non-zero weights.
    expect(scalar(loss, feeds)).toBeCloseTo(1.5, 6);
  });
});

type NodeLike = { name?: string | null; op?: string | null; input?: string[] | null };

describe("tf.losses: weights checked at run time (weights_broadcast_ops.assert_broadcastable)", () => {
  beforeEach(() => tf.resetDefaultGraph());

  function mse(wShape: (number | null)[] | null) {
    const y = tf.placeholder(tf.float32, [null, 3], { name: "y" });
    const yHat = tf.placeholder(tf.float32, [null, 3], { name: "y_hat" });
    const w = tf.placeholder(tf.float32, wShape, { name: "w" });
    const loss = tf.losses.meanSquaredError({ labels: y, predictions: yHat, weights: w });
    const rows = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const run = (weights: unknown): number => {
      using sess = new tf.Session();
      const feeds = new Map<tf.Tensor, unknown>([
        [y, rows],
        [yHat, rows.map((r) => r.map((x) => x + 1))],
        [w, weights],
      ]);
      return Number(sess.run(loss, feeds).item());
    };
    return run;
  }

  it("accepts scalar weights and dims of 1 or the values' dim", () => {
    const run = mse(null);
    expect(run(2)).toBeCloseTo(2, 6);
    expect(run([[1], [0]])).toBeCloseTo(1, 6);
    expect(run([[1, 1, 0]])).toBeCloseTo(1, 6);
    expect(
      run([
        [1, 0, 1],
        [1, 1, 1],
      ]),
    ).toBeCloseTo(1, 6);
  });

  it("fails the run with TensorFlow's message for a rank or dim mismatch", () => {
    const run = mse([null, null]);
    const message =
      "assertion failed: [weights can not be broadcast to values.] [weights.shape=] [w:0] [2 2] " +
      "[values.shape=] [mean_squared_error/SquaredDifference:0] [2 3] [is_scalar=] [0]";
    expect(() =>
      run([
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(message);
    tf.resetDefaultGraph();
    const runAnyRank = mse(null);
    expect(() => runAnyRank([1, 1, 1])).toThrow("[weights.shape=] [w:0] [3] [values.shape=]");
  });

  it("builds the check node for node as TensorFlow 1.13 wrote it for Keras", () => {
    // The event file's graph holds Keras' sample-weight check of a loss of shape (?,) with
    // weights of shape (?,): every node, op and input of that subgraph, relative to its scope.
    const events = path.join(
      __dirname,
      "../fixtures/tf-events/events-wandb-keras-graph-tf1.13/events.out.tfevents.111.test.localdomain",
    );
    const [, , event] = [...tf.train.summaryIterator(events)];
    const meta = tf.MetaGraphDef.fromBinary(event?.metaGraphDef as Uint8Array);
    const relative = (nodes: readonly NodeLike[], scope: string): string[] =>
      nodes
        .filter((n) => (n.name ?? "").startsWith(scope))
        .map((n) => {
          const inputs = (n.input ?? []).map((i) =>
            i.replace(/^\^/, "").startsWith(scope) ? i.replace(scope, "~") : "outer",
          );
          return `${(n.name ?? "").slice(scope.length)} ${n.op ?? ""} ${inputs.join(",")}`;
        })
        .sort();
    const expected = relative(
      meta.graphDef?.node ?? [],
      "loss/dense_loss/broadcast_weights/assert_broadcastable/",
    );
    const w = tf.placeholder(tf.float32, [null], { name: "w" });
    const p = tf.placeholder(tf.float32, [null], { name: "p" });
    const l = tf.placeholder(tf.float32, [null], { name: "l" });
    tf.losses.meanSquaredError({ labels: l, predictions: p, weights: w });
    const built = relative(
      tf.getDefaultGraph().asGraphDef().node ?? [],
      "mean_squared_error/assert_broadcastable/",
    );
    expect(expected.length).toBe(63);
    expect(built).toEqual(expected);
  });
});

describe("tf.losses: argument checks", () => {
  it("rejects missing arguments, incompatible shapes, bad weights and reductions", () => {
    expect(() =>
      tf.losses.meanSquaredError({ predictions: [1] } as unknown as tf.losses.RegressionLossArgs),
    ).toThrow(
      new TypeError("losses.meanSquaredError() missing 1 required positional argument: 'labels'"),
    );
    expect(() =>
      tf.losses.softmaxCrossEntropy({
        logits: [[1]],
      } as unknown as tf.losses.SoftmaxCrossEntropyArgs),
    ).toThrow("missing 1 required positional argument: 'onehotLabels'");
    expect(() =>
      tf.losses.meanSquaredError({ labels: [[1, 2]], predictions: [[1, 2, 3]] }),
    ).toThrow(new tf.errors.ValueError("Shapes (1, 3) and (1, 2) are incompatible"));
    expect(() =>
      tf.losses.meanSquaredError({ labels: LABELS, predictions: PREDS, weights: [1, 2, 3] }),
    ).toThrow(
      "weights can not be broadcast to values. values.rank=2. weights.rank=1. values.shape=(2, 3). weights.shape=(3,).",
    );
    expect(() =>
      tf.losses.meanSquaredError({ labels: LABELS, predictions: PREDS, weights: [[1, 2]] }),
    ).toThrow(
      "weights can not be broadcast to values. Mismatch at dim 1. values.shape=[2 3] weights.shape=[1 2].",
    );
    expect(() => tf.losses.computeWeightedLoss([1, 2], { reduction: "mean" })).toThrow(
      new tf.errors.ValueError("Invalid Reduction Key mean."),
    );
    expect(() => tf.losses.cosineDistance({ labels: [[1]], predictions: [[1]] })).toThrow(
      "You must specify 'axis'.",
    );
    expect(() =>
      tf.losses.cosineDistance({ labels: [[1]], predictions: [[1]], axis: 1, dim: 1 }),
    ).toThrow("Cannot specify both 'dim' and 'axis'");
    // A failed call leaves neither ops nor losses behind.
    expect(tf.getDefaultGraph().getOperations()).toEqual([]);
    expect(tf.losses.getLosses()).toEqual([]);
  });

  it("takes the tensors positionally too, as Python callers pass them", () => {
    const a = tf.losses.meanSquaredError([1, 2], [2, 2], { weights: 2 });
    const b = tf.losses.softmaxCrossEntropy([[0, 1]], [[1, 2]]);
    expect(a.name).toBe("mean_squared_error/value:0");
    expect(scalar(a)).toBeCloseTo(1, 6);
    expect(scalar(b)).toBeCloseTo(Math.log(1 + Math.exp(-1)), 5);
  });
});

describe("tf.losses: collections and regularization", () => {
  it("lossCollection null keeps a loss out of LOSSES; addLoss and getTotalLoss", () => {
    const l1 = tf.losses.absoluteDifference({ labels: [1], predictions: [3] });
    tf.losses.meanSquaredError({ labels: [1], predictions: [3], lossCollection: null });
    const extra = tf.constant(0.5, { name: "extra" });
    tf.losses.addLoss(extra);
    expect(tf.losses.getLosses()).toEqual([l1, extra]);
    const total = tf.losses.getTotalLoss();
    expect(total.op.name).toBe("total_loss");
    expect(total.op.type).toBe("AddN");
    expect(scalar(total)).toBeCloseTo(2.5, 6);
    expect(() => {
      tf.resetDefaultGraph();
      tf.losses.getTotalLoss();
    }).toThrow(tf.errors.ValueError);
  });

  it("sums the regularizers of variableScope and getVariable as total_regularization_loss", () => {
    const reg = (w: tf.TensorLike) => tf.multiply(0.01, tf.nn.l2Loss(w));
    // No regularization losses yet: a constant 0.
    const none = tf.losses.getRegularizationLoss();
    expect(none.op.type).toBe("Const");
    expect(scalar(none)).toBe(0);

    tf.variableScope("layer1", { regularizer: reg }, () => {
      tf.getVariable("w", [2], { initializer: tf.constantInitializer([1, 2]) });
      tf.getVariable("b", [3], { initializer: tf.constantInitializer([1, 1, 1]) });
    });
    tf.variableScope("layer2", () => {
      tf.getVariable("w", [1], { initializer: tf.constantInitializer([10]), regularizer: reg });
      tf.getVariable("b", [1], { initializer: tf.constantInitializer([10]) });
    });
    const losses = tf.losses.getRegularizationLosses();
    expect(losses.length).toBe(3);
    expect(tf.getDefaultGraph().getCollection(tf.GraphKeys.REGULARIZATION_LOSSES)).toEqual(losses);
    const total = tf.losses.getRegularizationLoss();
    expect(total.op.name).toBe("total_regularization_loss");
    expect(total.op.type).toBe("AddN");
    expect(total.op.inputs).toEqual(losses);
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    // 0.01 * (sum(w²) / 2) per regularized variable: (5 + 3 + 100) / 2 * 0.01.
    expect(s.run(total).item()).toBeCloseTo(0.54, 6);
    // Filtered by scope: one loss, summed through an Identity of the requested name.
    const first = tf.losses.getRegularizationLoss("layer1", { name: "layer1_reg" });
    expect(first.op.type).toBe("AddN");
    expect(s.run(first).item()).toBeCloseTo(0.04, 6);
    const second = tf.losses.getRegularizationLoss({ scope: "layer2" });
    expect(second.op.name).toBe("total_regularization_loss_1");
    expect(second.op.type).toBe("Identity");
    expect(s.run(second).item()).toBeCloseTo(0.5, 6);
    // getTotalLoss adds them to the LOSSES.
    tf.losses.absoluteDifference({ labels: [0], predictions: [1] });
    expect(s.run(tf.losses.getTotalLoss()).item()).toBeCloseTo(1.54, 5);
    expect(s.run(tf.losses.getTotalLoss(false)).item()).toBeCloseTo(1, 6);
  });
});

describe("gradients", () => {
  it("DivNoNan's gradient (TF's _DivNoNanGrad) matches finite differences, broadcasting", () => {
    const x = tf.placeholder(tf.float32, [2, 3], { name: "x" });
    const y = tf.placeholder(tf.float32, [3], { name: "y" });
    const z = divNoNan(x, y);
    const [dx, dy] = tf.gradients(z, [x, y]) as (tf.Tensor | null)[];
    const names = opNames("gradients/div_no_nan_grad/");
    expect(names).toEqual(
      expect.arrayContaining([
        "gradients/div_no_nan_grad/Shape",
        "gradients/div_no_nan_grad/Shape_1",
        "gradients/div_no_nan_grad/BroadcastGradientArgs",
        "gradients/div_no_nan_grad/div_no_nan",
        "gradients/div_no_nan_grad/Sum",
        "gradients/div_no_nan_grad/Reshape",
        "gradients/div_no_nan_grad/Neg",
        "gradients/div_no_nan_grad/div_no_nan_1",
        "gradients/div_no_nan_grad/div_no_nan_2",
        "gradients/div_no_nan_grad/mul",
        "gradients/div_no_nan_grad/Sum_1",
        "gradients/div_no_nan_grad/Reshape_1",
      ]),
    );
    expect(dx?.shape.toString()).toBe("(2, 3)");
    expect(dy?.shape.toString()).toBe("(3,)");
    const xv = [
      [1, -2, 3],
      [0.5, 4, -1],
    ];
    const yv = [2, 0, -0.5];
    using s = new tf.Session();
    const [gx, gy] = s.run(
      [dx as tf.Tensor, dy as tf.Tensor],
      new Map<tf.Tensor, unknown>([
        [x, xv],
        [y, yv],
      ]),
    );
    // d/dx sum(x / y) = 1 / y (0 where y = 0); d/dy = -sum_rows(x) / y² (0 where y = 0).
    expectClose(Array.from(gx?.data as Float32Array), [0.5, 0, -2, 0.5, 0, -2]);
    expectClose(Array.from(gy?.data as Float32Array), [-1.5 / 4, 0, -2 / 0.25]);
    expect(
      s
        .run(
          z,
          new Map<tf.Tensor, unknown>([
            [x, xv],
            [y, yv],
          ]),
        )
        .toArray(),
    ).toEqual([
      [0.5, 0, -6],
      [0.25, 0, 2],
    ]);
  });

  it("DivNoNan's gradient, checked by finite differences through a MatMul", () => {
    // MatMul turns the [1, 3] result into a 1x1 "loss" without needing Sum's gradient.
    checkGradient([[1, -2, 3]], [1, 3], (x) =>
      tf.matmul(divNoNan(tf.square(x), tf.constant([2, 0, -4])), tf.constant([[1], [2], [3]])),
    );
  });

  it("meanSquaredError", () => {
    checkGradient(PREDS, [2, 3], (x) =>
      tf.losses.meanSquaredError({ labels: LABELS, predictions: x, weights: WEIGHTS }),
    );
  });

  it("absoluteDifference", () => {
    checkGradient(PREDS, [2, 3], (x) =>
      tf.losses.absoluteDifference({ labels: LABELS, predictions: x }),
    );
  });

  it("huberLoss", () => {
    checkGradient(PREDS, [2, 3], (x) =>
      tf.losses.huberLoss({ labels: LABELS, predictions: x, delta: 0.8 }),
    );
  });

  it("logLoss", () => {
    checkGradient(
      [
        [0.3, 0.6],
        [0.8, 0.4],
      ],
      [2, 2],
      (x) =>
        tf.losses.logLoss({
          labels: [
            [1, 0],
            [0, 1],
          ],
          predictions: x,
        }),
    );
  });

  it("hingeLoss", () => {
    checkGradient([[0.3, -2, 0.6]], [1, 3], (x) =>
      tf.losses.hingeLoss({ labels: [[1, 0, 0]], logits: x }),
    );
  });

  it("sigmoidCrossEntropy", () => {
    checkGradient(PREDS, [2, 3], (x) =>
      tf.losses.sigmoidCrossEntropy({
        multiClassLabels: [
          [0, 0, 1],
          [1, 0, 0],
        ],
        logits: x,
        labelSmoothing: 0.1,
      }),
    );
  });

  it("softmaxCrossEntropy", () => {
    checkGradient(PREDS, [2, 3], (x) =>
      tf.losses.softmaxCrossEntropy({
        onehotLabels: [
          [0, 0, 1],
          [1, 0, 0],
        ],
        logits: x,
        weights: [0.5, 2],
        labelSmoothing: 0.1,
      }),
    );
  });

  it("sparseSoftmaxCrossEntropy", () => {
    checkGradient(PREDS, [2, 3], (x) =>
      tf.losses.sparseSoftmaxCrossEntropy({ labels: [2, 0], logits: x }),
    );
  });

  it("cosineDistance and meanPairwiseSquaredError", () => {
    checkGradient([[0.6, 0.8]], [1, 2], (x) =>
      tf.losses.cosineDistance({ labels: [[1, 0]], predictions: x, axis: 1 }),
    );
    tf.resetDefaultGraph();
    checkGradient(PREDS, [2, 3], (x) =>
      tf.losses.meanPairwiseSquaredError({ labels: LABELS, predictions: x }),
    );
  });

  it("a regularized variable gets its regularizer's gradient", () => {
    const w = tf.variableScope(
      "dense",
      { regularizer: (v: tf.TensorLike) => tf.multiply(0.01, tf.nn.l2Loss(v)) },
      () => tf.getVariable("w", [2], { initializer: tf.constantInitializer([1, -3]) }),
    );
    const loss = tf.add(
      tf.losses.meanSquaredError({ labels: [0, 0], predictions: w }),
      tf.losses.getRegularizationLoss(),
    );
    const g = gradientOf(loss, w);
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    // d/dw [mean(w²) + 0.01 * sum(w²) / 2] = w + 0.01 w.
    expectClose(Array.from(s.run(g).data as Float32Array), [1.01, -3.03]);
  });
});
