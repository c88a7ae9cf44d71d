/**
 * The op types `tf.metrics` brought in: `Cumsum`, `ScatterNd`, `TopKV2`, `SetSize`, and the
 * `check_ops` asserts and `confusion_matrix` built from existing ops.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { denseToDenseSetOperation } from "../../src/ops/array/set_ops.js";
import { scatterNd } from "../../src/ops/array/gather_nd.js";
import { setSize } from "../../src/ops/array/set_size.js";
import { assertRankIn } from "../../src/ops/debug/check_ops.js";
import { confusionMatrix } from "../../src/ops/confusion_matrix.js";
import { cumsum } from "../../src/ops/math/cumsum.js";
import { topK } from "../../src/ops/array/top_k.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor | tf.Tensor[]): number[][] {
  using sess = new tf.Session();
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => Array.from(sess.run(x).data as ArrayLike<number>));
}

describe("Cumsum", () => {
  it("along an axis, negative too, exclusive and reversed", () => {
    const x = tf.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(
      run([cumsum(x, 0), cumsum(x, -1), cumsum(x, 1, true), cumsum(x, 1, false, true)]),
    ).toEqual([
      [1, 2, 3, 5, 7, 9],
      [1, 3, 6, 4, 9, 15],
      [0, 1, 3, 0, 4, 9],
      [6, 5, 3, 15, 11, 6],
    ]);
    expect(cumsum(x).op.type).toBe("Cumsum");
  });

  it("refuses an axis out of range at run time", () => {
    const x = tf.placeholder(tf.float32, [2]);
    const a = tf.placeholder(tf.int32, []);
    const c = cumsum(x, a);
    using sess = new tf.Session();
    expect(() =>
      sess.run(
        c,
        new Map<tf.Tensor, unknown>([
          [x, [1, 2]],
          [a, 3],
        ]),
      ),
    ).toThrow("Expected scan axis in the range [-1, 1), but got 3");
  });

  it("its gradient is the reversed running sum of the gradient", () => {
    const x = tf.constant([1, 2, 3]);
    const [g] = tf.gradients(cumsum(x), [x]);
    const [ge] = tf.gradients(cumsum(x, 0, true), [x]);
    expect(run([g as tf.Tensor, ge as tf.Tensor])).toEqual([
      [3, 2, 1],
      [2, 1, 0],
    ]);
  });
});

describe("ScatterNd, TopKV2, SetSize", () => {
  it("ScatterNd sums the updates at their indices", () => {
    const out = scatterNd(
      tf.constant(
        [
          [0, 1],
          [1, 0],
          [0, 1],
        ],
        { dtype: tf.int32 },
      ),
      tf.constant([1, 2, 3]),
      tf.constant([2, 2], { dtype: tf.int32 }),
    );
    expect(out.shape.toString()).toBe("(2, 2)");
    expect(run(out)).toEqual([[0, 4, 2, 0]]);
    expect(() =>
      scatterNd(tf.constant([[0.5]]), tf.constant([1]), tf.constant([2], { dtype: tf.int32 })),
    ).toThrow(
      "Value passed to parameter 'indices' has DataType float32 not in list of allowed values: int32, int64",
    );
  });

  it("TopKV2: the k largest of the last dim and their indices; k above the dim is refused", () => {
    const [values, indices] = topK(tf.constant([[0.1, 0.3, 0.2, 0.4]]), 2);
    expect(values.shape.toString()).toBe("(1, 2)");
    expect(run(values)[0]?.map((v) => Math.round(v * 10) / 10)).toEqual([0.4, 0.3]);
    expect(run(indices)).toEqual([[3, 1]]);
    expect(() => topK(tf.constant([[1, 2]]), 3)).toThrow(
      /input must have last dimension >= k = 3 but is 2/,
    );
  });

  it("SetSize counts each row's elements of a set operation", () => {
    const a = tf.constant(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: tf.int64 },
    );
    const b = tf.constant(
      [
        [2, 3, 9],
        [9, 9, 9],
      ],
      { dtype: tf.int64 },
    );
    const [i, v, s] = denseToDenseSetOperation(a, b, "intersection");
    const [i2, v2, s2] = denseToDenseSetOperation(a, b, "a-b");
    expect(run([setSize(i, v, s), setSize(i2, v2, s2)])).toEqual([
      [2, 0],
      [1, 3],
    ]);
  });
});

describe("check_ops and confusion_matrix", () => {
  it("assertRankIn: decided when building when the ranks are known", () => {
    const x = tf.ones([2, 3]);
    expect(assertRankIn(x, [0, 2]).type).toBe("NoOp");
    expect(() => assertRankIn(x, [0, 1])).toThrow(
      /must have rank in \(0, 1\)\. {2}Received rank 2/,
    );
  });

  it("assertRankIn: an Assert when the rank is known only at run time", () => {
    const x = tf.placeholder(tf.float32);
    const check = assertRankIn(x, [0, 1]);
    const y = tf.controlDependencies([check], () => tf.identity(x));
    using sess = new tf.Session();
    expect(Array.from(sess.run(y, new Map([[x, [1, 2]]])).data as ArrayLike<number>)).toEqual([
      1, 2,
    ]);
    expect(() => sess.run(y, new Map([[x, [[1, 2]]]]))).toThrow(/must have rank in/);
  });

  it("confusionMatrix counts (label, prediction) pairs, weighted", () => {
    const cm = confusionMatrix(tf.constant([0, 1, 1]), tf.constant([0, 1, 0]), 2, null, "float32");
    const wcm = confusionMatrix(
      tf.constant([0, 1, 1]),
      tf.constant([0, 1, 0]),
      2,
      tf.constant([1, 2, 3]),
      "float32",
    );
    expect(cm.shape.toString()).toBe("(2, 2)");
    expect(run([cm, wcm])).toEqual([
      [1, 0, 1, 1],
      [1, 0, 3, 2],
    ]);
  });
});
