import * as tfc from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { heapSlices } from "../../src/ops/tfjs_internals.js";

/** Deterministic pseudo-random integers in [0, n). */
function generator(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

describe("heapSlices (Slice and Split on wasm, copied from the heap)", () => {
  it("gives tfjs's slice of every box, for each dtype and rank 0 to 4", async () => {
    await tf.ready();
    expect(tfc.getBackend()).toBe("wasm");
    const rand = generator(7);
    for (let trial = 0; trial < 300; trial++) {
      const rank = 1 + rand(4);
      const shape = Array.from({ length: rank }, () => 1 + rand(5));
      const dtype = (["float32", "int32", "bool"] as const)[trial % 3] as tfc.DataType;
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (dtype === "bool" ? i % 3 : i));
      const x = tfc.tensor(values, shape, dtype);
      const begin = shape.map((d) => rand(d));
      const size = shape.map((d, i) => 1 + rand(d - (begin[i] as number)));
      const got = heapSlices(x, [
        { begin, size },
        { begin: shape.map(() => 0), size: shape },
      ]) as tfc.Tensor[];
      const want = tfc.slice(x, begin, size);
      expect(got[0]?.dtype).toBe(dtype);
      expect(got[0]?.shape).toEqual(size);
      expect(got[0]?.arraySync()).toEqual(want.arraySync());
      expect(got[1]?.arraySync()).toEqual(x.arraySync());
      tfc.dispose([x, want, ...got]);
    }
    const s = tfc.scalar(3);
    const [copy] = heapSlices(s, [{ begin: [], size: [] }]) as tfc.Tensor[];
    expect(copy?.arraySync()).toBe(3);
    tfc.dispose([s, copy as tfc.Tensor]);
  });

  it("leaves empty slices and string tensors to tfjs (null)", async () => {
    await tf.ready();
    const x = tfc.ones([2, 3]);
    expect(heapSlices(x, [{ begin: [0, 0], size: [0, 3] }])).toBeNull();
    const s = tfc.tensor(["a", "b"]);
    expect(heapSlices(s, [{ begin: [0], size: [1] }])).toBeNull();
    tfc.dispose([x, s]);
  });

  it("splits an LSTM's gates as tf.split does", () => {
    const x = tf.reshape(tf.range(0, 24, 1, { dtype: tf.float32 }), [2, 12]);
    const parts = tf.split(x, 4, { axis: 1 }) as tf.Tensor[];
    const uneven = tf.split(x, [5, 7], { axis: 1 }) as tf.Tensor[];
    const sess = new tf.Session();
    const got = sess.run([...parts, ...uneven]).map((v) => v.toArray());
    expect(got[1]).toEqual([
      [3, 4, 5],
      [15, 16, 17],
    ]);
    expect(got[5]).toEqual([
      [5, 6, 7, 8, 9, 10, 11],
      [17, 18, 19, 20, 21, 22, 23],
    ]);
    sess.close();
  });
});
