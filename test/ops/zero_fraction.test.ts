/**
 * `tf.nn.zeroFraction` as TF 1.15's `nn_impl.zero_fraction` builds and computes it: an int64
 * size, a `tf.cond` choosing an int32 or an int64 count of the nonzeros, and the fraction
 * in float32 under `counts_to_fraction/`.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("tf.nn.zeroFraction", () => {
  it("builds TF 1.15's ops, names and dtypes", () => {
    const x = tf.placeholder("float32", [null, 3], "x");
    const f = tf.nn.zeroFraction(x);
    expect(f.name).toBe("zero_fraction/fraction:0");
    expect(f.dtype).toBe("float32");
    expect(f.shape.toString()).toBe("()");
    const g = tf.getDefaultGraph();
    const op = (name: string): tf.Operation => g.getOperationByName(name);
    const inputs = (name: string): string[] => op(name).inputs.map((t) => t.name);
    expect(op("zero_fraction/Size").type).toBe("Size");
    expect(op("zero_fraction/Size").outputs[0]?.dtype).toBe("int64");
    expect(inputs("zero_fraction/LessEqual")).toEqual([
      "zero_fraction/Size:0",
      "zero_fraction/LessEqual/y:0",
    ]);
    expect(op("zero_fraction/LessEqual/y").outputs[0]?.dtype).toBe("int64");
    // The int32 count in the true branch, then cast to int64; the int64 count in the false one.
    expect(op("zero_fraction/cond/count_nonzero/Cast").outputs[0]?.dtype).toBe("int32");
    expect(op("zero_fraction/cond/count_nonzero/nonzero_count").type).toBe("Sum");
    expect(op("zero_fraction/cond/Cast").outputs[0]?.dtype).toBe("int64");
    expect(op("zero_fraction/cond/count_nonzero_1/Cast").outputs[0]?.dtype).toBe("int64");
    expect(inputs("zero_fraction/cond/count_nonzero/NotEqual")).toEqual([
      "zero_fraction/cond/count_nonzero/NotEqual/Switch:1",
      "zero_fraction/cond/count_nonzero/zeros:0",
    ]);
    expect(inputs("zero_fraction/cond/Merge")).toEqual([
      "zero_fraction/cond/count_nonzero_1/nonzero_count:0",
      "zero_fraction/cond/Cast:0",
    ]);
    expect(inputs("zero_fraction/counts_to_fraction/sub")).toEqual([
      "zero_fraction/Size:0",
      "zero_fraction/cond/Merge:0",
    ]);
    expect(op("zero_fraction/counts_to_fraction/truediv").type).toBe("RealDiv");
    expect(inputs("zero_fraction/counts_to_fraction/truediv")).toEqual([
      "zero_fraction/counts_to_fraction/Cast:0",
      "zero_fraction/counts_to_fraction/Cast_1:0",
    ]);

    using sess = new tf.Session();
    const run = (v: number[][]): unknown => sess.run(f, new Map([[x, v]])).toArray();
    expect(
      run([
        [0, 1, 2],
        [0, 0, 3],
      ]),
    ).toBe(0.5);
    expect(run([[1, 1, 1]])).toBe(0);
    expect(run([[0, -0, 0]])).toBe(1);
    expect(Number.isNaN(sess.run(tf.nn.zeroFraction(tf.zeros([0, 3]))).toArray() as number)).toBe(
      true,
    );
  });

  it("counts the zeros of integer, boolean and constant-shaped values", () => {
    using sess = new tf.Session();
    const run = (t: tf.Tensor): unknown => sess.run(t).toArray();
    expect(run(tf.nn.zeroFraction(tf.constant([0, 5, 0, 7, 0], "int32")))).toBeCloseTo(0.6, 6);
    expect(run(tf.nn.zeroFraction(tf.constant([true, false, false, false])))).toBe(0.75);
    const named = tf.nn.zeroFraction(
      tf.nn.relu([
        [-1, 2],
        [3, -4],
      ]),
      "sparsity",
    );
    expect(named.name).toBe("sparsity/fraction:0");
    // A static shape makes the size a constant, as TF's size(optimize=True) does.
    expect(named.op.graph.getOperationByName("sparsity/Size").type).toBe("Const");
    expect(run(named)).toBe(0.5);
  });

  it("refuses a value it cannot convert, leaving the graph unchanged", () => {
    expectThrowsAndUnchanged(
      () => tf.nn.zeroFraction([[1], [1, 2]]),
      tf.errors.ValueError,
      "Can't convert non-rectangular Python sequence to Tensor.",
    );
  });
});
