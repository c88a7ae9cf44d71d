import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectClose, expectValueError, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const LOGITS = [
  [2, 1, 0.1],
  [0.5, 2.5, -1],
];

describe("tf.nn.biasAdd", () => {
  it("adds along the last dim with BiasAdd", () => {
    const b = tf.nn.biasAdd(tf.zeros([2, 3]), tf.constant([1, 2, 3]));
    expect(b.op.type).toBe("BiasAdd");
    expect(b.op.attrs).toMatchObject({ T: "float32", data_format: "NHWC" });
    expect(b.shape.toString()).toBe("(2, 3)");
    expect(run(b).toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("adds along dim 1 for NCHW, and merges the channel dim", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 1, 2]);
    const b = tf.nn.biasAdd(x, [10, 20], { dataFormat: "NCHW" });
    expect(b.op.attrs).toMatchObject({ data_format: "NCHW" });
    expect(b.shape.toString()).toBe("(?, 2, 1, 2)");
    expect(run(b, new Map([[x, [[[[1, 2]], [[3, 4]]]]]])).toArray()).toEqual([
      [[[11, 12]], [[23, 24]]],
    ]);
    const y = tf.placeholder(tf.float32, [null, null]);
    expect(tf.nn.biasAdd(y, tf.zeros([5])).shape.toString()).toBe("(?, 5)");
  });

  it("raises TensorFlow's errors", () => {
    expectValueError(
      () => tf.nn.biasAdd(tf.zeros([2, 3]), tf.zeros([2])),
      "Dimensions must be equal, but are 3 and 2 for 'BiasAdd' (op: 'BiasAdd') with input shapes: [2,3], [2].",
    );
    expectValueError(
      () => tf.nn.biasAdd(tf.zeros([3]), tf.zeros([3])),
      "Shape must be at least rank 2 but is rank 1 for 'BiasAdd' (op: 'BiasAdd') with input shapes: [3], [3].",
    );
  });
});

describe("tf.nn.softmax and tf.nn.logSoftmax", () => {
  it("normalize the last dim", () => {
    const s = tf.nn.softmax(tf.constant(LOGITS));
    expect(s.op.type).toBe("Softmax");
    expect(s.op.name).toBe("Softmax");
    expect(s.shape.toString()).toBe("(2, 3)");
    expectClose(
      run(s).toArray(),
      direct(() => tfc.softmax(tfc.tensor(LOGITS))),
    );
    const l = tf.nn.logSoftmax(tf.constant(LOGITS));
    expect(l.op.type).toBe("LogSoftmax");
    expectClose(
      run(l).toArray(),
      direct(() => tfc.logSoftmax(tfc.tensor(LOGITS))),
    );
  });

  it("transpose another axis to the end and back", () => {
    const s = tf.nn.softmax(tf.constant(LOGITS), { axis: 0 });
    expect(s.shape.toString()).toBe("(2, 3)");
    expectClose(
      run(s).toArray(),
      direct(() => tfc.transpose(tfc.softmax(tfc.transpose(tfc.tensor(LOGITS))))),
    );
  });

  it("need rank >= 1", () => {
    expectValueError(
      () => tf.nn.softmax(tf.constant(1)),
      "Shape must be at least rank 1 but is rank 0 for 'Softmax' (op: 'Softmax') with input shapes: [].",
    );
  });
});

describe("tf.nn.l2Loss", () => {
  it("is half the sum of squares, a scalar L2Loss", () => {
    const l = tf.nn.l2Loss(tf.constant([1, 2, 3]));
    expect(l.op.type).toBe("L2Loss");
    expect(l.shape.toString()).toBe("()");
    expect(run(l).toArray()).toBe(7);
  });
});

describe("tf.nn.softmaxCrossEntropyWithLogits", () => {
  const LABELS = [
    [0.2, 0.7, 0.1],
    [0, 0, 1],
  ];
  const expected = () =>
    direct(() =>
      tfc.neg(tfc.sum(tfc.mul(tfc.tensor(LABELS), tfc.logSoftmax(tfc.tensor(LOGITS))), -1)),
    );

  it("builds TensorFlow 1.x's op under softmax_cross_entropy_with_logits_sg", () => {
    const loss = tf.nn.softmaxCrossEntropyWithLogits({
      labels: LABELS,
      logits: tf.constant(LOGITS),
    });
    expect(loss.op.type).toBe("SoftmaxCrossEntropyWithLogits");
    expect(loss.op.name).toBe("softmax_cross_entropy_with_logits_sg");
    expect(loss.op.outputs).toHaveLength(2);
    expect(loss.op.inputs[1]?.op.type).toBe("StopGradient");
    expect(loss.op.inputs[1]?.op.name).toBe(
      "softmax_cross_entropy_with_logits_sg/labels_stop_gradient",
    );
    expect(loss.shape.toString()).toBe("(2,)");
    expectClose(run(loss).toArray(), expected());
  });

  it("keeps the batch dim unknown", () => {
    const logits = tf.placeholder(tf.float32, [null, 3]);
    const labels = tf.placeholder(tf.float32, [null, 3]);
    const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels, logits });
    expect(loss.shape.toString()).toBe("(?,)");
    const feed = new Map<tf.Tensor, unknown>([
      [logits, LOGITS],
      [labels, LABELS],
    ]);
    expectClose(run(loss, feed).toArray(), expected());
  });

  it("flattens other ranks and moves the class axis", () => {
    const logits = tf.constant([LOGITS]);
    const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels: [LABELS], logits });
    expect(loss.shape.toString()).toBe("(1, 2)");
    expectClose(run(loss).toArray(), [expected()]);
    const t = tf.transpose(tf.constant(LOGITS));
    const l0 = tf.nn.softmaxCrossEntropyWithLogits({
      labels: tf.transpose(tf.constant(LABELS)),
      logits: t,
      axis: 0,
    });
    expect(l0.shape.toString()).toBe("(2,)");
    expectClose(run(l0).toArray(), expected());
  });

  it("raises TensorFlow's errors", () => {
    expectValueError(
      () =>
        tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.zeros([2, 4]), logits: tf.zeros([2, 3]) }),
      "Dimensions must be equal, but are 3 and 4 for 'softmax_cross_entropy_with_logits_sg' (op: 'SoftmaxCrossEntropyWithLogits') with input shapes: [2,3], [2,4].",
    );
    expectValueError(
      () => tf.nn.softmaxCrossEntropyWithLogits({ logits: tf.zeros([2, 3]) } as never),
      "Both labels and logits must be provided.",
    );
  });
});

describe("tf.nn.sparseSoftmaxCrossEntropyWithLogits", () => {
  const expected = direct(() =>
    tfc.neg(
      tfc.sum(
        tfc.mul(
          tfc.cast(tfc.oneHot(tfc.tensor1d([1, 2], "int32"), 3), "float32"),
          tfc.logSoftmax(tfc.tensor(LOGITS)),
        ),
        -1,
      ),
    ),
  );

  it("builds SparseSoftmaxCrossEntropyWithLogits under its own name scope", () => {
    const loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits({
      labels: [1, 2],
      logits: tf.constant(LOGITS),
    });
    expect(loss.op.type).toBe("SparseSoftmaxCrossEntropyWithLogits");
    expect(loss.op.name).toBe(
      "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits",
    );
    expect(loss.op.attrs).toMatchObject({ T: "float32", Tlabels: "int32" });
    expect(loss.shape.toString()).toBe("(2,)");
    expectClose(run(loss).toArray(), expected);
  });

  it("accepts labels of any leading shape", () => {
    const labels = tf.placeholder(tf.int32, [1, null]);
    const loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits({
      labels,
      logits: tf.constant([LOGITS]),
    });
    expect(loss.shape.toString()).toBe("(1, 2)");
    const out = run(loss, new Map([[labels, [[1, 2]]]]));
    expect(out.shape).toEqual([1, 2]);
    expectClose(out.toArray(), [expected]);
  });

  it("gives NaN for a label out of range", () => {
    const loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [3, 0], logits: LOGITS });
    const out = run(loss).toArray() as number[];
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Number.isNaN(out[1])).toBe(false);
  });

  it("raises TensorFlow's errors", () => {
    expectValueError(
      () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [[1]], logits: tf.zeros([2, 3]) }),
      "Rank mismatch: Rank of labels (received 2) should equal rank of logits minus 1 (received 2).",
    );
    expectValueError(
      () =>
        tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [1, 2, 0], logits: tf.zeros([2, 3]) }),
      "Shape mismatch: The shape of labels (received (3,)) should equal the shape of logits except for the last dimension (received (2, 3)).",
    );
    expect(() =>
      tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [0.5, 1], logits: tf.zeros([2, 3]) }),
    ).toThrow(
      "Value passed to parameter 'labels' has DataType float32 not in list of allowed values: int32, int64",
    );
  });
});

describe("tf.nn.sigmoidCrossEntropyWithLogits", () => {
  it("builds TensorFlow's logistic_loss composite", () => {
    const logits = tf.placeholder(tf.float32, [null, 2], { name: "logits" });
    const labels = tf.placeholder(tf.float32, [null, 2], { name: "labels" });
    const loss = tf.nn.sigmoidCrossEntropyWithLogits({ labels, logits });
    expect(loss.op.name).toBe("logistic_loss");
    expect(loss.op.type).toBe("Add");
    expect(loss.shape.toString()).toBe("(?, 2)");
    expect(opList().slice(2)).toEqual([
      "logistic_loss/zeros_like:ZerosLike",
      "logistic_loss/GreaterEqual:GreaterEqual",
      "logistic_loss/Select:Select",
      "logistic_loss/Neg:Neg",
      "logistic_loss/Select_1:Select",
      "logistic_loss/mul:Mul",
      "logistic_loss/sub:Sub",
      "logistic_loss/Exp:Exp",
      "logistic_loss/Log1p:Log1p",
      "logistic_loss:Add",
    ]);
    const x = [
      [-3, 0.5],
      [40, -40],
    ];
    const z = [
      [1, 0],
      [0, 1],
    ];
    const want = x.map((row, i) =>
      row.map(
        (v, j) => Math.max(v, 0) - v * (z[i]?.[j] as number) + Math.log1p(Math.exp(-Math.abs(v))),
      ),
    );
    const feed = new Map<tf.Tensor, unknown>([
      [logits, x],
      [labels, z],
    ]);
    expectClose(run(loss, feed).toArray(), want);
  });

  it("checks that the shapes match", () => {
    expectValueError(
      () => tf.nn.sigmoidCrossEntropyWithLogits({ labels: tf.zeros([3]), logits: tf.zeros([2]) }),
      "logits and labels must have the same shape ((2,) vs (3,))",
    );
  });
});
