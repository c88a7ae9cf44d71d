import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

describe("batched matmul with different batch dims", () => {
  it("broadcasts [2,1,3,4] @ [3,4,5] as TensorFlow does", () => {
    const a = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: 60 }, (_, i) => Math.cos(i));
    const y = tf.matmul(
      tf.constant(tf.NDArray.fromTypedArray(a, [2, 1, 3, 4], "float32")),
      tf.constant(tf.NDArray.fromTypedArray(b, [3, 4, 5], "float32")),
    );
    expect(y.shape.asList()).toEqual([2, 3, 3, 5]);
    using s = new tf.Session();
    const got = s.run(y);
    // Reference: explicit broadcast, then an equal-batch matmul.
    const ref = tfc.tidy(() =>
      tfc.matMul(
        tfc.broadcastTo(tfc.tensor(a, [2, 1, 3, 4]), [2, 3, 3, 4]),
        tfc.broadcastTo(tfc.tensor(b, [3, 4, 5]), [2, 3, 4, 5]),
      ),
    );
    const want = ref.dataSync();
    Array.from(got.data as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo(want[i] as number, 4),
    );
    ref.dispose();
  });
});

describe("control dependencies on a fed placeholder", () => {
  it("are satisfied by the feed, as in TensorFlow", () => {
    const p = tf.placeholder(tf.float32, [], { name: "p" });
    const out = tf.controlDependencies([p], () => tf.constant(3));
    using s = new tf.Session();
    expect(s.run(out, new Map([[p, 1]])).item()).toBe(3);
  });
});
