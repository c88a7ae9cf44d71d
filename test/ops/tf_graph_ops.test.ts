/**
 * Op types that TF-written graphs hold and scopeflow's builders did not make: `InTopK`
 * and `InTopKV2` (TF 1.0's iris training graph, `tf.nn.in_top_k`), `PreventGradient`
 * (its softmax cross-entropy gradient), the legacy ref `Variable` and `PlaceholderV2`
 * (graphs written before TF 1.0). Values and errors are TF 1.15's.
 */
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { makeOp } from "../../src/ops/op_scope.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { run } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("tf.nn.inTopK (InTopKV2) and InTopK", () => {
  const P = [
    [0.1, 0.3, 0.2, 0.4],
    [0.1, 0.3, 0.3, 0.2],
    [0.5, 0.5, 0.5, 0.5],
  ];

  it("builds TF 1.15's in_top_k/InTopKV2 and computes TF's answers, ties included", () => {
    const out = tf.nn.inTopK(tf.constant(P), tf.constant([3, 3, 1], tf.int32), 1);
    expect(out.name).toBe("in_top_k/InTopKV2:0");
    expect(out.dtype).toBe("bool");
    expect(out.shape.toString()).toBe("(3,)");
    expect(out.op.inputs[2]?.name).toBe("in_top_k/InTopKV2/k:0");
    // Row 2: all four classes tie for the top, so each is in the top 1.
    expect(run(out).toArray()).toEqual([true, false, true]);
    // Row 1: classes 1 and 2 tie for the top; both are in the top 1, class 3 only in the top 3.
    const targets = tf.constant([2, 1, 0], tf.int32);
    expect(run(tf.nn.inTopK(tf.constant(P), targets, 1)).toArray()).toEqual([false, true, true]);
    expect(run(tf.nn.inTopK(tf.constant(P), [3, 3, 3], 2)).toArray()).toEqual([true, false, true]);
    expect(run(tf.nn.inTopK(tf.constant(P), [3, 3, 3], 3)).toArray()).toEqual([true, true, true]);
    expect(tf.nn.inTopK(tf.constant(P), [0, 0, 0], 1, "acc").name).toBe("acc/acc:0");
  });

  it("an out-of-range target or a non-finite prediction is never in the top k", () => {
    const p = tf.constant([
      [1, 2],
      [1, NaN],
      [1, 2],
    ]);
    expect(run(tf.nn.inTopK(p, [5, 0, -1], 2)).toArray()).toEqual([false, false, false]);
  });

  it("the InTopK op (k as an attr) that TF 1.0 graphs hold runs the same kernel", () => {
    const g = tf.getDefaultGraph();
    const p = tf.constant(P);
    const t = tf.constant([3, 3, 1], tf.int32);
    const op = makeOp(
      g,
      "InTopK",
      "eval/InTopK",
      [p, t],
      [{ dtype: "bool", shape: new tf.TensorShape([3]) }],
      {
        k: 1,
        T: "int32",
      },
    );
    expect(run(op.outputs[0] as tf.Tensor).toArray()).toEqual([true, false, true]);
  });

  it("refuses bad ranks at build time and a batch mismatch at run time, as TF", () => {
    const vector = tf.constant([1, 2]);
    const matrix = tf.constant(P);
    expectThrowsAndUnchanged(
      () => tf.nn.inTopK(vector, [0], 1),
      tf.errors.ValueError,
      "Shape must be rank 2 but is rank 1 for 'in_top_k/InTopKV2' (op: 'InTopKV2') with input shapes: [2], [1], [].",
    );
    expectThrowsAndUnchanged(
      () => tf.nn.inTopK(matrix, [0, 1], 1),
      tf.errors.ValueError,
      "Dimensions must be equal, but are 3 and 2 for 'in_top_k/InTopKV2' (op: 'InTopKV2') with input shapes: [3,4], [2], [].",
    );
    const t = tf.placeholder(tf.int32, [null]);
    const out = tf.nn.inTopK(matrix, t, 1);
    using sess = new tf.Session();
    expect(() => sess.run(out, new Map([[t, [0, 1]]]))).toThrow(
      "First dimension of predictions 3 must match length of targets 2",
    );
  });

  it("has no gradient, as in TF: the Cast of its bool answer stops the gradient first", () => {
    const p = tf.constant(P);
    const out = tf.cast(tf.nn.inTopK(p, [0, 0, 0], 1), tf.float32);
    expect(tf.gradients(out, p)).toEqual([null]);
  });
});

describe("PreventGradient", () => {
  it("is the identity forward; a gradient through it raises TF's LookupError", () => {
    const g = tf.getDefaultGraph();
    const x = tf.constant([1, 2]);
    const op = makeOp(g, "PreventGradient", "pg", [x], [{ dtype: "float32", shape: x.shape }], {
      T: "float32",
      message: "Currently there is no way to take the second derivative",
    });
    const y = op.outputs[0] as tf.Tensor;
    expect(run(y).toArray()).toEqual([1, 2]);
    const loss = tf.reduceSum(tf.square(y));
    expectThrowsAndUnchanged(
      () => tf.gradients(loss, x),
      tf.errors.LookupError,
      "Gradient explicitly disabled. Reason: Currently there is no way to take the second derivative",
    );
  });
});

describe("legacy Variable and PlaceholderV2", () => {
  it("a Variable op holds a value as VariableV2 does: assign, read, update", () => {
    const g = tf.getDefaultGraph();
    const shape = new tf.TensorShape([2]);
    const v = makeOp(g, "Variable", "Variable_1", [], [{ dtype: "float32", shape, isRef: true }], {
      shape,
      dtype: "float32",
      container: "",
      shared_name: "",
    }).outputs[0] as tf.Tensor;
    const init = tf.assign(v, [1, 2]);
    const read = tf.identity(v);
    const incr = tf.assignAdd(v, [10, 10]);
    using sess = new tf.Session();
    expect(() => sess.run(read)).toThrow("Attempting to use uninitialized value Variable_1");
    sess.run(init);
    expect(sess.run(read).toArray()).toEqual([1, 2]);
    sess.run(incr);
    expect(sess.run(read).toArray()).toEqual([11, 12]);
    expect(sess.run(tf.isVariableInitialized(v)).toArray()).toBe(true);
  });

  it("a PlaceholderV2 is fed, and unfed raises TF's missing-feed error", () => {
    const g = tf.getDefaultGraph();
    const shape = new tf.TensorShape([null]);
    const p = makeOp(g, "PlaceholderV2", "ones", [], [{ dtype: "float32", shape }], {
      dtype: "float32",
      shape,
    }).outputs[0] as tf.Tensor;
    const y = tf.multiply(p, 2);
    using sess = new tf.Session();
    expect(sess.run(y, new Map([[p, [1, 2]]])).toArray()).toEqual([2, 4]);
    expect(() => sess.run(y)).toThrow(
      "You must feed a value for placeholder tensor 'ones' with dtype float and shape [?]",
    );
  });
});

describe("TF-written graphs that hold these ops run", () => {
  const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/tf-checkpoints");

  it("TF 0.12's half_plus_two (legacy Variable ops) restores and computes 0.5x + 2", () => {
    const dir = path.join(FIXTURES, "serving-half-plus-two-tf0.12-saver");
    const saver = tf.train.importMetaGraph(path.join(dir, "export.meta"));
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("Variable").type).toBe("Variable");
    using sess = new tf.Session();
    saver?.restore(sess, path.join(dir, "export"));
    const y = sess.run(
      g.getTensorByName("Add:0"),
      new Map([[g.getTensorByName("Placeholder:0"), [1, 2, 4]]]),
    );
    expect(y.toArray()).toEqual([2.5, 3, 4]);
  });

  it("TF 1.0's iris training graph: its eval/InTopK scores the restored model", () => {
    const dir = path.join(FIXTURES, "tf-intro-iris-tf1.0-saver");
    const saver = tf.train.importMetaGraph(path.join(dir, "model.ckpt.meta"));
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("eval/InTopK").type).toBe("InTopK");
    using sess = new tf.Session();
    saver?.restore(sess, path.join(dir, "model.ckpt"));
    const feed = new Map<tf.Tensor, unknown>([
      [
        g.getTensorByName("X:0"),
        [
          [5.1, 3.5, 1.4, 0.2],
          [6.7, 3.1, 4.4, 1.4],
          [6.3, 3.3, 6.0, 2.5],
        ],
      ],
      [g.getTensorByName("y:0"), [0, 1, 2]],
    ]);
    expect(sess.run(g.getTensorByName("eval/InTopK:0"), feed).toArray()).toEqual([
      true,
      true,
      true,
    ]);
  });
});

describe("DenseToDenseSetOperation (tf.sets over dense rows, in Keras' assert_broadcastable)", () => {
  function setOp(operation: string, a: number[][], b: number[][]): tf.Tensor[] {
    const ta = tf.constant(a, tf.int32);
    const tb = tf.constant(b, tf.int32);
    return makeOp(
      tf.getDefaultGraph(),
      "DenseToDenseSetOperation",
      "DenseToDenseSetOperation",
      [ta, tb],
      [
        { dtype: "int64", shape: new tf.TensorShape([null, 2]) },
        { dtype: "int32", shape: new tf.TensorShape([null]) },
        { dtype: "int64", shape: new tf.TensorShape([2]) },
      ],
      { set_operation: operation, validate_indices: true, T: "int32" },
    ).outputs.slice();
  }
  const A = [
    [1, 1, 3],
    [5, 2, 2],
  ];
  const B = [
    [3, 1, 9],
    [2, 7, 5],
  ];

  // Each row is a set (repeats dropped); the result rows are sorted, the dense shape's
  // last dimension is the largest result set (TF's set_ops_test cases).
  const cases: [string, number[][], number[], number[]][] = [
    [
      "intersection",
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      [1, 3, 2, 5],
      [2, 2],
    ],
    [
      "b-a",
      [
        [0, 0],
        [1, 0],
      ],
      [9, 7],
      [2, 1],
    ],
    ["a-b", [], [], [2, 0]],
    [
      "union",
      [
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
      ],
      [1, 3, 9, 2, 5, 7],
      [2, 3],
    ],
  ];
  for (const [operation, indices, values, shape] of cases) {
    it(`set_operation '${operation}'`, () => {
      const [i, v, s] = setOp(operation, A, B);
      using sess = new tf.Session();
      const [ri, rv, rs] = sess.run([i as tf.Tensor, v as tf.Tensor, s as tf.Tensor]);
      expect(ri.toArray()).toEqual(indices.length === 0 ? [] : indices);
      expect(rv.toArray()).toEqual(values);
      expect(rs.toArray()).toEqual(shape);
    });
  }

  it("rank 1 sets are TF's InvalidArgumentError", () => {
    const op = makeOp(
      tf.getDefaultGraph(),
      "DenseToDenseSetOperation",
      "sets",
      [tf.constant([1, 2], tf.int32), tf.constant([1], tf.int32)],
      [
        { dtype: "int64", shape: tf.TensorShape.unknown() },
        { dtype: "int32", shape: tf.TensorShape.unknown() },
        { dtype: "int64", shape: tf.TensorShape.unknown() },
      ],
      { set_operation: "a-b", validate_indices: true, T: "int32" },
    );
    using sess = new tf.Session();
    expect(() => sess.run(op.outputs[1] as tf.Tensor)).toThrow("Invalid rank 1.");
  });
});
