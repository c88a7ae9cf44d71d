/**
 * tf.dynamicPartition, tf.dynamicStitch, tf.shapeN, tf.unique, tf.setdiff1d and tf.roll:
 * values from TF's dynamic_partition_op_test.py, dynamic_stitch_op_test.py,
 * unique_op_test.py, listdiff_op_test.py and manip_ops_test.py; names; gradients; errors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor, feeds: [tf.Tensor, unknown][] = []): unknown {
  using sess = new tf.Session();
  return (sess.run(t, new Map(feeds) as never) as tf.NDArray).toArray();
}

describe("tf.dynamicPartition / tf.dynamicStitch", () => {
  it("partitions rows and stitches them back (the embedding_lookup pair)", () => {
    const data = tf.constant([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
    const parts = tf.dynamicPartition(data, tf.constant([1, 0, 1, 2], tf.int32), 3);
    expect(parts.map((p) => p.name)).toEqual([
      "DynamicPartition:0",
      "DynamicPartition:1",
      "DynamicPartition:2",
    ]);
    expect(parts.map((p) => run(p))).toEqual([
      [[2, 3]],
      [
        [0, 1],
        [4, 5],
      ],
      [[6, 7]],
    ]);
    const indices = tf.dynamicPartition(tf.range(4), tf.constant([1, 0, 1, 2], tf.int32), 3);
    const back = tf.dynamicStitch(indices, parts);
    expect(back.op.type).toBe("DynamicStitch");
    expect(back.shape.toString()).toBe("(?, 2)");
    expect(run(back)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
  });

  it("later stitched entries win, and gradients flow through both", async () => {
    const s = tf.dynamicStitch(
      [tf.constant([0, 1], tf.int32), tf.constant([1], tf.int32)],
      [tf.constant([1, 2]), tf.constant([9])],
    );
    expect(run(s)).toEqual([1, 9]);
    await checkGradients({
      inputs: [{ shape: [4, 2] }],
      graph: (x) => tf.dynamicPartition(x, tf.constant([1, 0, 1, 1], tf.int32), 2)[1] as tf.Tensor,
    });
  });
});

describe("tf.shapeN, tf.unique, tf.setdiff1d", () => {
  it("shapeN gives every shape from one ShapeN op", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const [a, b] = tf.shapeN([x, tf.zeros([4])], tf.int64) as [tf.Tensor, tf.Tensor];
    expect(a.op.type).toBe("ShapeN");
    expect(a.op).toBe(b.op);
    expect(a.dtype).toBe("int64");
    expect(run(a, [[x, [[1, 2, 3]]]])).toEqual([1, 3]);
    expect(run(b, [[x, [[1, 2, 3]]]])).toEqual([4]);
  });

  it("unique keeps first appearances (unique_op_test)", () => {
    const [y, idx] = tf.unique(tf.constant([1, 1, 2, 4, 4, 4, 7, 8, 8], tf.int32), tf.int64);
    expect(y.name).toBe("Unique:0");
    expect(idx.dtype).toBe("int64");
    expect(run(y)).toEqual([1, 2, 4, 7, 8]);
    expect(run(idx)).toEqual([0, 0, 1, 2, 2, 2, 3, 4, 4]);
    expect(run(tf.unique(tf.constant([2.5, 1, 2.5]))[0] as tf.Tensor)).toEqual([2.5, 1]);
    const m = tf.zeros([2, 2]);
    expect(() => tf.unique(m)).toThrow("Shape must be rank 1 but is rank 2");
  });

  it("setdiff1d keeps x's values missing from y, with their positions (listdiff_op_test)", () => {
    const [out, idx] = tf.setdiff1d(
      tf.constant([1, 2, 3, 4, 5, 6], tf.int32),
      tf.constant([1, 3, 5], tf.int32),
    );
    expect(out.op.type).toBe("ListDiff");
    expect(run(out)).toEqual([2, 4, 6]);
    expect(run(idx)).toEqual([1, 3, 5]);
    const [all] = tf.setdiff1d(tf.constant([3, 3, 1], tf.int32), tf.constant([], tf.int32));
    expect(run(all)).toEqual([3, 3, 1]);
  });
});

describe("tf.roll", () => {
  it("rolls along one or several axes, shifts adding up (manip_ops_test)", () => {
    const r = tf.roll(tf.constant([0, 1, 2, 3, 4], tf.int32), 2, 0);
    expect(r.op.type).toBe("Roll");
    expect(run(r)).toEqual([3, 4, 0, 1, 2]);
    const m = tf.constant(
      [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
      ],
      tf.int32,
    );
    expect(run(tf.roll(m, [1, -2], [0, 1]))).toEqual([
      [7, 8, 9, 5, 6],
      [2, 3, 4, 0, 1],
    ]);
    expect(run(tf.roll(m, [2, 3], [1, 1]))).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
    expect(() => tf.roll(m, [1, 2], [0])).toThrow("shift and axis must have the same size");
  });

  it("has the reversed roll as gradient", async () => {
    const x = tf.constant([1, 2, 3]);
    const [g] = tf.gradients(tf.reduceSum(tf.multiply(tf.roll(x, 1, 0), [1, 10, 100])), [x]);
    expect((g as tf.Tensor).op.type).toBe("Roll");
    expect(run(g as tf.Tensor)).toEqual([10, 100, 1]);
    await checkGradients({
      inputs: [{ shape: [3, 4] }],
      graph: (t) => tf.roll(t, [1, -1], [0, 1]),
    });
  });
});
