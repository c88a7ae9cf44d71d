/**
 * The sparse ops behind the at-k metrics' SparseTensor labels: `SparseReshape`,
 * `SparseConcat` (TF's kernels: results, checks and messages; shape functions) and
 * `sparse_retain`.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { sparseConcat, sparseReshape, sparseRetain } from "../../src/ops/sparse_ops.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function st(indices: number[][], values: number[], shape: number[]): tf.SparseTensor {
  return new tf.SparseTensor(
    tf.constant(indices, tf.int64),
    tf.constant(values, tf.int32),
    tf.constant(shape, tf.int64),
  );
}

function run(s: tf.SparseTensor): unknown[] {
  using sess = new tf.Session();
  return sess.run([s.indices, s.values, s.denseShape]).map((v) => v.toArray());
}

describe("SparseReshape (sparse_reshape)", () => {
  it("moves each entry to its row-major position in the new shape, -1 inferred", () => {
    const r = sparseReshape(
      st(
        [
          [0, 0],
          [0, 5],
          [1, 2],
        ],
        [1, 2, 3],
        [2, 6],
      ),
      [3, -1],
    );
    expect(r.indices.op.type).toBe("SparseReshape");
    expect(r.indices.op.name).toBe("SparseReshape");
    expect(r.values.op.name).toBe("SparseReshape/Identity");
    expect(r.indices.shape.toString()).toBe("(3, 2)");
    expect(run(r)).toEqual([
      [
        [0, 0],
        [1, 1],
        [2, 0],
      ],
      [1, 2, 3],
      [3, 4],
    ]);
  });

  it("TF's kernel messages", () => {
    const sp = st([[0, 0]], [1], [2, 3]);
    const cases: [number[], string][] = [
      [
        [4, 2],
        "Input to reshape is a tensor with 6 dense values, but the requested shape has 8. inputShape=[2,3] outputShape=[4,2]",
      ],
      [
        [-1, 4],
        "Input to reshape is a SparseTensor with 6 dense values, but the requested shape requires a multiple of 4. inputShape=[2,3] outputShape=[1,4]",
      ],
      [[-1, -1], "only one output dimension may be -1, not both 0 and 1"],
      [[-2, 3], "size 0 must be non-negative, not -2"],
    ];
    using sess = new tf.Session();
    for (const [shape, message] of cases) {
      const r = sparseReshape(sp, tf.constant(shape, tf.int64));
      expect(() => sess.run(r.indices)).toThrow(message);
    }
  });

  it("its shape function refuses a shape that is not a vector, the graph unchanged", () => {
    const sp = st([[0, 0]], [1], [2, 3]);
    const bad = tf.constant([[6]], tf.int64);
    expectThrowsAndUnchanged(
      () => sparseReshape(sp, bad),
      tf.errors.ValueError,
      /^Shape must be rank 1 but is rank 2 for 'SparseReshape' \(op: 'SparseReshape'\)/,
    );
  });
});

describe("SparseConcat (sparse_concat)", () => {
  it("moves each input along the axis past the ones before, in row-major order", () => {
    const a = st(
      [
        [0, 1],
        [1, 0],
      ],
      [1, 2],
      [2, 2],
    );
    const b = st([[0, 0]], [3], [2, 1]);
    const r = sparseConcat(1, [a, b]);
    expect(r.indices.op.type).toBe("SparseConcat");
    expect(r.indices.op.attrs.N).toBe(2);
    expect(r.indices.shape.toString()).toBe("(3, 2)");
    expect(run(r)).toEqual([
      [
        [0, 1],
        [0, 2],
        [1, 0],
      ],
      [1, 3, 2],
      [2, 3],
    ]);
    expect(run(sparseConcat(-2, [a, a]))).toEqual([
      [
        [0, 1],
        [1, 0],
        [2, 1],
        [3, 0],
      ],
      [1, 2, 1, 2],
      [4, 2],
    ]);
    expect(sparseConcat(0, [a])).toBe(a);
  });

  it("TF's kernel messages", () => {
    const a = st([[0, 1]], [1], [2, 2]);
    const rank3 = new tf.SparseTensor(
      tf.placeholderWithDefault(tf.constant([[0, 0, 0]], tf.int64), [null, null]),
      tf.constant([1], tf.int32),
      tf.placeholderWithDefault(tf.constant([2, 2, 1], tf.int64), [null]),
    );
    const wide = st([[0, 0]], [3], [3, 1]);
    using sess = new tf.Session();
    expect(() => sess.run(sparseConcat(2, [a, a]).values)).toThrow(
      "Concat dimension must be in range [-2, 2), got 2",
    );
    expect(() => sess.run(sparseConcat(1, [a, rank3]).values)).toThrow(
      "Ranks of all input tensors must match: expected 2 but got 3 at position 1",
    );
    expect(() => sess.run(sparseConcat(1, [a, wide]).values)).toThrow(
      "Input shapes must match: expected 2 for dimension 0 but got 3 at position 1",
    );
  });
});

describe("sparse_retain", () => {
  it("keeps the entries where to_retain is true (Where, GatherV2), the shape through Identity", () => {
    const sp = st(
      [
        [0, 0],
        [0, 1],
        [1, 0],
      ],
      [5, 6, 5],
      [2, 2],
    );
    const r = sparseRetain(sp, tf.equal(sp.values, 5));
    expect(r.denseShape.op.type).toBe("Identity");
    expect(run(r)).toEqual([
      [
        [0, 0],
        [1, 0],
      ],
      [5, 5],
      [2, 2],
    ]);
  });

  it("refuses a to_retain of another length or rank", () => {
    const sp = st([[0, 0]], [5], [1, 1]);
    const two = tf.constant([true, false]);
    expectThrowsAndUnchanged(
      () => sparseRetain(sp, two),
      tf.errors.ValueError,
      "Dimensions 1 and 2 are not compatible",
    );
    const matrix = tf.constant([[true]]);
    expectThrowsAndUnchanged(
      () => sparseRetain(sp, matrix),
      tf.errors.ValueError,
      "Shape (1, 1) must have rank 1",
    );
  });
});
