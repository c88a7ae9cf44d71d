/**
 * tf.randomShuffle and tf.multinomial / tf.random.categorical: shapes and names as TF 1.15
 * builds them, seeds as TF's (graph seed and op seed give repeatable runs per session),
 * distributions (random_shuffle_queue and multinomial_op_test style checks).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(null);
});

function run(t: tf.Tensor, sess?: tf.Session): unknown {
  if (sess !== undefined) return (sess.run(t) as tf.NDArray).toArray();
  using s = new tf.Session();
  return (s.run(t) as tf.NDArray).toArray();
}

describe("tf.randomShuffle", () => {
  it("permutes the first dimension (op RandomShuffle), rows kept whole", () => {
    const x = tf.constant([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    const s = tf.randomShuffle(x, { seed: 5 });
    expect(s.op.type).toBe("RandomShuffle");
    expect(s.shape.toString()).toBe("(5, 2)");
    const rows = run(s) as number[][];
    expect(rows.every((r) => r[0] === r[1])).toBe(true);
    expect(rows.map((r) => r[0]).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(tf.random.shuffle).toBe(tf.randomShuffle);
  });

  it("is repeatable per session when seeded, and varies between runs", () => {
    tf.setRandomSeed(7);
    const s = tf.randomShuffle(tf.range(20));
    expect(s.op.attrs.seed).toBe(7);
    using a = new tf.Session();
    using b = new tf.Session();
    const first = run(s, a);
    expect(run(s, b)).toEqual(first);
    expect(run(s, a)).not.toEqual(first);
  });
});

describe("tf.multinomial and tf.random.categorical", () => {
  it("draws class indices with the logits' probabilities", () => {
    const m = tf.multinomial(tf.log([[0.1, 0.2, 0.7]]), 20000, 1);
    expect(m.name).toBe("multinomial/Multinomial:0");
    expect(m.dtype).toBe("int64");
    expect(m.shape.toString()).toBe("(1, 20000)");
    const counts = run(tf.reduceSum(tf.oneHot(tf.cast(m, tf.int32), 3), 1)) as number[][];
    const freq = (counts[0] as number[]).map((c) => c / 20000);
    expect(Math.abs((freq[0] as number) - 0.1)).toBeLessThan(0.02);
    expect(Math.abs((freq[1] as number) - 0.2)).toBeLessThan(0.02);
    expect(Math.abs((freq[2] as number) - 0.7)).toBeLessThan(0.02);
    // -inf logits are never drawn (multinomial_op_test's one-hot case).
    expect(
      run(
        tf.multinomial(
          tf.log([
            [0, 1, 0],
            [0, 0, 1],
          ]),
          5,
        ),
      ),
    ).toEqual([
      [1, 1, 1, 1, 1],
      [2, 2, 2, 2, 2],
    ]);
  });

  it("categorical takes (logits, num_samples, dtype, seed, name)", () => {
    const c = tf.random.categorical([[1, 2]], 3, tf.int32, 4, "cat");
    expect(c.name).toBe("cat/Multinomial:0");
    expect(c.dtype).toBe("int32");
    expect(c.op.attrs.output_dtype).toBe("int32");
    expect(c.shape.toString()).toBe("(1, 3)");
    const v = tf.constant([1, 2]);
    expect(() => tf.multinomial(v, 2)).toThrow("Shape must be rank 2 but is rank 1");
    expect(() => tf.multinomial([[1]], 2, { outputDtype: tf.float32 })).toThrow(
      "not in list of allowed values: int32, int64",
    );
  });
});
