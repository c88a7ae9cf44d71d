import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

/** op(x) of a row-major [batch, r, c] array: itself or each matrix transposed. */
function op(x: Float32Array, batch: number, r: number, c: number, t: boolean): number[][][] {
  return Array.from({ length: batch }, (_, k) =>
    t
      ? Array.from({ length: c }, (_, i) =>
          Array.from({ length: r }, (_, j) => x[k * r * c + j * c + i] as number),
        )
      : Array.from({ length: r }, (_, i) =>
          Array.from({ length: c }, (_, j) => x[k * r * c + i * c + j] as number),
        ),
  );
}

/** The product in float64, flattened. */
function reference(a: number[][][], b: number[][][]): number[] {
  const out: number[] = [];
  a.forEach((am, k) => {
    const bm = b[b.length === 1 ? 0 : k] as number[][];
    for (const row of am) {
      for (let j = 0; j < (bm[0] as number[]).length; j++) {
        out.push(row.reduce((s, v, i) => s + v * ((bm[i] as number[])[j] as number), 0));
      }
    }
  });
  return out;
}

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));

/*
 * Each shape pair makes the wasm kernel pick one of its two forms: transposing the
 * operands as asked, or computing the transposed product of the swapped operands (when
 * that moves fewer elements, as for a dense layer's dy·Wᵀ).
 */
describe("matmul with transposed operands", () => {
  const cases: [string, number, number[], number[], boolean, boolean][] = [
    ["aᵀ·b, small a (operand transposed)", 1, [40, 3], [40, 300], true, false],
    ["a·bᵀ, large b (product transposed)", 1, [3, 40], [300, 40], false, true],
    ["a·bᵀ, large a (operand transposed)", 1, [300, 40], [3, 40], false, true],
    ["aᵀ·b, large a (product transposed)", 1, [40, 300], [40, 3], true, false],
    ["aᵀ·bᵀ (product transposed)", 1, [50, 7], [9, 50], true, true],
    ["batched a·bᵀ, large b", 3, [2, 30], [200, 30], false, true],
  ];
  for (const [name, batch, as, bs, ta, tb] of cases) {
    it(name, () => {
      const aSize = batch * (as[0] as number) * (as[1] as number);
      const bSize = batch * (bs[0] as number) * (bs[1] as number);
      const av = values(aSize, 1);
      const bv = values(bSize, 2);
      const shapeA = batch > 1 ? [batch, ...as] : as;
      const shapeB = batch > 1 ? [batch, ...bs] : bs;
      const y = tf.matmul(
        tf.constant(tf.NDArray.fromTypedArray(av, shapeA, "float32")),
        tf.constant(tf.NDArray.fromTypedArray(bv, shapeB, "float32")),
        { transposeA: ta, transposeB: tb },
      );
      const m = ta ? (as[1] as number) : (as[0] as number);
      const n = tb ? (bs[0] as number) : (bs[1] as number);
      expect(y.shape.asList()).toEqual(batch > 1 ? [batch, m, n] : [m, n]);
      using s = new tf.Session();
      const got = Array.from(s.run(y).data as Float32Array);
      const want = reference(
        op(av, batch, as[0] as number, as[1] as number, ta),
        op(bv, batch, bs[0] as number, bs[1] as number, tb),
      );
      expect(got).toHaveLength(want.length);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 3));
    });
  }

  it("gives a dense layer's input and weight gradients", () => {
    const x = tf.constant(tf.NDArray.fromTypedArray(values(4 * 600, 3), [4, 600], "float32"));
    const w = tf.constant(tf.NDArray.fromTypedArray(values(600 * 50, 4), [600, 50], "float32"));
    const y = tf.matmul(x, w);
    const [dx, dw] = tf.gradients(tf.reduceSum(tf.multiply(y, y)), [x, w]);
    using s = new tf.Session();
    const [yv, dxv, dwv] = s.run([y, dx as tf.Tensor, dw as tf.Tensor]);
    const dy = Array.from(yv!.data as Float32Array, (v) => 2 * v);
    const xs = Array.from(values(4 * 600, 3));
    const ws = Array.from(values(600 * 50, 4));
    // dx = dy·wᵀ, dw = xᵀ·dy.
    for (const [i, k] of [
      [0, 0],
      [3, 599],
      [2, 311],
    ] as const) {
      let want = 0;
      for (let j = 0; j < 50; j++) want += (dy[i * 50 + j] as number) * (ws[k * 50 + j] as number);
      expect((dxv!.data as Float32Array)[i * 600 + k]).toBeCloseTo(want, 2);
    }
    for (const [k, j] of [
      [0, 0],
      [599, 49],
      [123, 7],
    ] as const) {
      let want = 0;
      for (let i = 0; i < 4; i++) want += (xs[i * 600 + k] as number) * (dy[i * 50 + j] as number);
      expect((dwv!.data as Float32Array)[k * 50 + j]).toBeCloseTo(want, 2);
    }
  });
});
