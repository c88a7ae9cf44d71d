/**
 * The stateless random ops: TF's Philox4x32-10 (Random123's known answers), TF's numbers
 * for a seed (the values TensorFlow's documentation prints for seed [1, 2]), the graphs
 * TF 1.15's stateless_random_ops.py builds, and its errors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { Philox, uint32ToFloat } from "../../src/ops/random/philox.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function values(t: tf.Tensor): number[] {
  using s = new tf.Session();
  return Array.from((s.run(t) as tf.NDArray).data as ArrayLike<number>, Number);
}

/**
 * TF's `stateless_split([1, 2], 3)` (its documented example): the first six words of the
 * stateless stream for seed [1, 2], as int32.
 */
const SEED_1_2_WORDS = [1105988140, 1738052849, -335576002, 370444179, 10670227, -246211131];

describe("Philox4x32-10", () => {
  it("gives Random123's known answers", () => {
    const hex = (b: Uint32Array): string[] => Array.from(b, (x) => x.toString(16));
    expect(hex(new Philox([0, 0, 0, 0], [0, 0]).next())).toEqual([
      "6627e8d5",
      "e169c58d",
      "bc57ac4c",
      "9b00dbd8",
    ]);
    const ones = 0xffffffff;
    expect(hex(new Philox([ones, ones, ones, ones], [ones, ones]).next())).toEqual([
      "408f276d",
      "41c83b0e",
      "a20bc7c6",
      "6d5451fd",
    ]);
    const pi = new Philox(
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
    );
    expect(hex(pi.next())).toEqual(["d16cfe09", "94fdcceb", "5001e420", "24126ea1"]);
  });

  it("skips with a carry into the high words", () => {
    const p = new Philox([0xffffffff, 0xffffffff, 0xffffffff, 0], [0, 0]);
    p.skip(1);
    expect(Array.from(p.counter)).toEqual([0, 0, 0, 1]);
    p.skip(2 ** 32 + 5);
    expect(Array.from(p.counter)).toEqual([5, 1, 0, 1]);
  });
});

describe("tf.random.statelessUniform / statelessNormal / statelessTruncatedNormal", () => {
  it("give TensorFlow's numbers for a seed", () => {
    const u = tf.random.statelessUniform([6], [1, 2]);
    expect(values(u)).toEqual(SEED_1_2_WORDS.map((w) => uint32ToFloat(w >>> 0)));
    // TF's documented tf.random.stateless_normal([3], seed=[1105988140, 1738052849]).
    const n = tf.random.statelessNormal([3], tf.constant(SEED_1_2_WORDS.slice(0, 2), tf.int32));
    expect(values(n)).toEqual([-0.59835213, -0.9578608, 0.9002807].map(Math.fround));
    // Ints: the word modulo the range, plus minval.
    const i = tf.random.statelessUniform([6], [1, 2], 5, 15, tf.int32);
    expect(values(i)).toEqual(SEED_1_2_WORDS.map((w) => 5 + ((w >>> 0) % 10)));
    // int64: two words a value, the first the low one (`sample[2i] | sample[2i+1] << 32`).
    const l = tf.random.statelessUniform([3], [1, 2], 5, 1e9, tf.int64);
    const w = SEED_1_2_WORDS.map((x) => BigInt(x >>> 0));
    expect(values(l)).toEqual(
      [0, 1, 2].map((k) => 5 + Number(((w[2 * k + 1]! << 32n) | w[2 * k]!) % BigInt(1e9 - 5))),
    );
  });

  it("are also TF 1.15's tf.contrib.stateless functions", () => {
    expect(tf.contrib.stateless.statelessRandomUniform).toBe(tf.random.statelessUniform);
    expect(tf.contrib.stateless.statelessRandomNormal).toBe(tf.random.statelessNormal);
    expect(tf.contrib.stateless.statelessTruncatedNormal).toBe(tf.random.statelessTruncatedNormal);
  });

  it("depend on the seed and shape only", () => {
    const a = tf.random.statelessNormal([4, 5], [3, 4]);
    const b = tf.random.statelessNormal([4, 5], [3, 4], 0, 1, tf.float32, "other");
    const c = tf.random.statelessNormal([4, 5], [4, 3]);
    const va = values(a);
    expect(values(b)).toEqual(va);
    expect(values(c)).not.toEqual(va);
    // A truncated normal's group of four starts 256 blocks after the previous one's.
    const t = values(tf.random.statelessTruncatedNormal([4000], [5, 6]));
    expect(t.every((x) => Math.abs(x) < 2)).toBe(true);
    const mean = t.reduce((s, x) => s + x, 0) / t.length;
    const variance = t.reduce((s, x) => s + x * x, 0) / t.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    // The variance of N(0, 1) truncated to (-2, 2).
    expect(variance).toBeCloseTo(0.774, 1);
    const n = values(tf.random.statelessNormal([4000], [5, 6]));
    expect(t.slice(0, 4)).toEqual(n.filter((x) => Math.abs(x) < 2).slice(0, 4));
  });

  it("build TF 1.15's graphs", () => {
    tf.random.statelessUniform([2, 3], [1, 2], -1, 1);
    tf.random.statelessUniform([5], [7, 17], 0, 10, tf.int64);
    tf.random.statelessTruncatedNormal([2], [1, 2], 0, 0.1);
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map(
          (o) =>
            `${o.name} ${o.type} ${o.outputs.map((t) => `${t.dtype}${t.shape.toString()}`).join()}`,
        ),
    ).toEqual([
      "stateless_random_uniform/shape Const int32(2,)",
      "stateless_random_uniform/min Const float32()",
      "stateless_random_uniform/max Const float32()",
      "stateless_random_uniform/StatelessRandomUniform/seed Const int64(2,)",
      "stateless_random_uniform/StatelessRandomUniform StatelessRandomUniform float32(2, 3)",
      "stateless_random_uniform/sub Sub float32()",
      "stateless_random_uniform/mul Mul float32(2, 3)",
      "stateless_random_uniform Add float32(2, 3)",
      "stateless_random_uniform_1/shape Const int32(1,)",
      "stateless_random_uniform_1/min Const int64()",
      "stateless_random_uniform_1/max Const int64()",
      "stateless_random_uniform_1/seed Const int64(2,)",
      "stateless_random_uniform_1 StatelessRandomUniformInt int64(5,)",
      "stateless_truncated_normal/shape Const int32(1,)",
      "stateless_truncated_normal/mean Const float32()",
      "stateless_truncated_normal/stddev Const float32()",
      "stateless_truncated_normal/StatelessTruncatedNormal/seed Const int64(2,)",
      "stateless_truncated_normal/StatelessTruncatedNormal StatelessTruncatedNormal float32(2,)",
      "stateless_truncated_normal/mul Mul float32(2,)",
      "stateless_truncated_normal Add float32(2,)",
    ]);
    const sh = tf.placeholder(tf.int32, [3]);
    expect(tf.random.statelessNormal(sh, [1, 2]).shape.toString()).toBe("(?, ?, ?)");
  });

  it("refuse what TF refuses, the graph unchanged", () => {
    tf.constant(1, tf.float32, [], "c");
    expectThrowsAndUnchanged(
      () => tf.random.statelessUniform([2], [1, 2, 3]),
      tf.errors.ValueError,
      "Dimension must be 2 but is 3 for 'stateless_random_uniform/StatelessRandomUniform' (op: 'StatelessRandomUniform') with input shapes: [1], [3].",
    );
    expectThrowsAndUnchanged(
      () => tf.random.statelessNormal([2], 7),
      tf.errors.ValueError,
      "Shape must be rank 1 but is rank 0 for 'stateless_random_normal/StatelessRandomNormal' (op: 'StatelessRandomNormal') with input shapes: [1], [].",
    );
    expectThrowsAndUnchanged(
      () => tf.random.statelessUniform([2], [1, 2], 0, undefined, tf.int32),
      tf.errors.ValueError,
      "Must specify maxval for integer dtype tf.int32",
    );
    expectThrowsAndUnchanged(
      () => tf.random.statelessUniform([2], [1, 2], 0, 1, tf.bool),
      tf.errors.ValueError,
      "Invalid dtype tf.bool",
    );
    const seed = tf.placeholder(tf.int64, [null]);
    const u = tf.random.statelessUniform([2], seed);
    using sess = new tf.Session();
    expect(() => sess.run(u, new Map([[seed, [1, 2, 3]]]))).toThrow(
      "seed must have shape [2], not [3]",
    );
    const bad = tf.random.statelessUniform([2], [1, 2], 3, 3, tf.int32);
    expect(() => sess.run(bad)).toThrow("Need minval < maxval: 3 >= 3");
  });

  it("are not differentiable: the gradient of mean + stddev * sample flows to the mean only", () => {
    const mean = tf.constant(1);
    const n = tf.random.statelessNormal([3], [1, 2], mean);
    const [g] = tf.gradients(n, [mean]) as [tf.Tensor];
    expect(values(g)).toEqual([3]);
  });
});
