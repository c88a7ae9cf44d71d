import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

describe("tf.cond", () => {
  it("smoke", () => {
    const x = tf.constant(2, { name: "x" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const y = tf.cond(p, () => tf.multiply(x, 10), () => tf.add(x, 1)) as tf.Tensor;
    const names = tf.getDefaultGraph().getOperations().map((o) => `${o.name}:${o.type}:${o.controlInputs.map((c) => c.name).join(",")}`);
    console.log(names.join("\n"));
    using sess = new tf.Session();
    expect(sess.run(y, new Map([[p, true]])).toString()).toBe("20.0");
    expect(sess.run(y, new Map([[p, false]])).toString()).toBe("3.0");
  });
});

describe("tf.whileLoop smoke", () => {
  it("sums", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const w = tf.constant(2, { name: "w", dtype: tf.int32 });
    const [i, total] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, total: tf.Tensor) => [tf.add(i, 1), tf.add(total, tf.multiply(i, w))],
      [tf.constant(0, { dtype: tf.int32 }), tf.constant(0, { dtype: tf.int32 })],
    ) as tf.Tensor[];
    const names = tf.getDefaultGraph().getOperations().map((o) => `${o.name}:${o.type}:${o.inputs.map((c) => c.name).join(",")}:^${o.controlInputs.map((c) => c.name).join(",")}`);
    console.log(names.join("\n"));
    using sess = new tf.Session();
    expect(sess.run([i, total], new Map([[n, 5]])).map(String)).toEqual(["5", "20"]);
    expect(sess.run([i, total], new Map([[n, 0]])).map(String)).toEqual(["0", "0"]);
  });
});
