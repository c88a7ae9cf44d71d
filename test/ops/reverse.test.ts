import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor, feed?: Map<tf.Tensor, unknown>): unknown {
  using sess = new tf.Session();
  return (sess.run(t, feed as never) as tf.NDArray).toArray();
}

describe("tf.reverse", () => {
  it("reverses the given axes (op ReverseV2)", () => {
    const x = tf.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const r = tf.reverse(x, [1]);
    expect(r.op.type).toBe("ReverseV2");
    expect(r.name).toBe("ReverseV2:0");
    expect(run(r)).toEqual([
      [3, 2, 1],
      [6, 5, 4],
    ]);
    expect(run(tf.reverse(x, [0, -1]))).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ]);
    expect(run(tf.reverse(x, []))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it("rejects an axis out of range or given twice, building nothing", () => {
    const x = tf.constant([[1, 2]]);
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.reverse(x, [2])).toThrow(
      "Dimension 2 must be >= -2 and < 2 for 'ReverseV2' (op: 'ReverseV2') with input shapes: [1,2], [1].",
    );
    expect(() => tf.reverse(x, [1, -1])).toThrow("axis 1 specified more than once.");
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });

  it("has the reversed gradient", () => {
    const x = tf.constant([1, 2, 3]);
    const [g] = tf.gradients(tf.reduceSum(tf.multiply(tf.reverse(x, [0]), [1, 10, 100])), [x]);
    expect(run(g as tf.Tensor)).toEqual([100, 10, 1]);
  });
});

describe("tf.reverseSequence", () => {
  it("reverses each row over its own length only", () => {
    const x = tf.constant([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    const r = tf.reverseSequence(x, [2, 4, 0], { seqAxis: 1 });
    expect(r.op.type).toBe("ReverseSequence");
    expect(r.op.attrs.seq_dim).toBe(1);
    expect(r.op.attrs.batch_dim).toBe(0);
    expect(run(r)).toEqual([
      [2, 1, 3, 4],
      [8, 7, 6, 5],
      [9, 10, 11, 12],
    ]);
  });

  it("works time-major with trailing dimensions, and on a fed length", () => {
    // [time 3, batch 2, depth 2]
    const x = tf.constant([
      [
        [1, 1],
        [2, 2],
      ],
      [
        [3, 3],
        [4, 4],
      ],
      [
        [5, 5],
        [6, 6],
      ],
    ]);
    const lengths = tf.placeholder(tf.int32, [2]);
    const r = tf.reverseSequence(x, lengths, { seqAxis: 0, batchAxis: 1 });
    expect(r.shape.toString()).toBe("(3, 2, 2)");
    expect(run(r, new Map([[lengths, [3, 1]]]))).toEqual([
      [
        [5, 5],
        [2, 2],
      ],
      [
        [3, 3],
        [4, 4],
      ],
      [
        [1, 1],
        [6, 6],
      ],
    ]);
  });

  it("checks shapes while building and lengths while running, with TF's words", () => {
    const x = tf.placeholder(tf.float32, [2, 3]);
    expect(() => tf.reverseSequence(x, [1, 2], { seqAxis: 0, batchAxis: 0 })).toThrow(
      "batch_dim == seq_dim == 0",
    );
    expect(() => tf.reverseSequence(x, [1, 2], { seqAxis: 2 })).toThrow(
      "seq_dim must be < input rank: 2 vs. 2",
    );
    expect(() => tf.reverseSequence(x, [1, 2, 3], { seqAxis: 1 })).toThrow(
      "Dimensions must be equal, but are 2 and 3",
    );
    const lengths = tf.placeholder(tf.int32, [2]);
    const r = tf.reverseSequence(x, lengths, { seqAxis: 1 });
    using sess = new tf.Session();
    const feed = new Map<tf.Tensor, unknown>([
      [
        x,
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
      [lengths, [1, 4]],
    ]);
    expect(() => sess.run(r, feed)).toThrow("seq_lengths(1) > input.dims(1), (4 vs. 3)");
  });

  it("has the reverse-sequenced gradient", () => {
    const x = tf.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const weights = tf.constant([
      [1, 10, 100],
      [1, 10, 100],
    ]);
    const y = tf.reverseSequence(x, [2, 3], { seqAxis: 1 });
    const [g] = tf.gradients(tf.reduceSum(tf.multiply(y, weights)), [x]);
    expect(run(g as tf.Tensor)).toEqual([
      [10, 1, 100],
      [100, 10, 1],
    ]);
  });
});
